// The plain-text part of a mailing, made from its HTML: block elements become line breaks, links
// "text (url)", images their alt text, entities decoded; head, styles and hidden preheaders dropped.
// Small and fitted to the HTML our MJML produces (tables of blocks), not a general browser.

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  laquo: '«',
  raquo: '»',
  rsquo: '’',
  hellip: '…',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
};

/** Decodes HTML character references (named ones of everyday French, and every numeric one). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const BLOCK = /^(p|div|tr|table|h[1-6]|li|ul|ol|blockquote|section|center)$/;

/** Converts an e-mail's HTML to its plain-text alternative. */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<!doctype[^>]*>/gi, '')
    .replace(/<head[\s\S]*?<\/head>/gi, '')
    .replace(/<(style|script|title)[\s\S]*?<\/\1>/gi, '')
    // The preheader is shown by inboxes beside the subject, not part of the message's text.
    .replace(/<div[^>]*display:\s*none[^>]*>[\s\S]*?<\/div>/gi, '');
  s = s.replace(/<a\s[^>]*href\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a>/gi, (_w, d: string, q: string, inner: string) => {
    const href = decodeEntities(d ?? q ?? '');
    const label = inner
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (!href || href.startsWith('#')) return label;
    return label && decodeEntities(label) !== href ? `${label} (${href})` : href;
  });
  s = s.replace(/<img\s[^>]*alt\s*=\s*"([^"]*)"[^>]*>/gi, (_w, alt: string) => (alt ? `[${alt}]` : ''));
  s = s.replace(/<hr\b[^>]*>/gi, '\n----------\n');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/?([a-z0-9]+)\b[^>]*>/gi, (_w, tag: string) => (BLOCK.test(tag.toLowerCase()) ? '\n' : ''));
  s = decodeEntities(s).replace(/\u00a0/g, ' ');
  return s
    .split('\n')
    .map((line) => line.replace(/[ \t\r]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
