// Rich text of the site, sanitised on save (sanitize-html): a short list of tags an editor needs
// (paragraphs, headings from h2, lists, quotes, links, emphasis, images), links to http(s), mail and
// the site itself only, and images served by the site itself (/medias/<id>, the gallery's /galerie/medias/<id>/web): stored HTML can neither
// run a script nor make a visitor's browser ask anything of a third party.
import sanitizeHtml from 'sanitize-html';

/** Longest rich text accepted (characters of HTML). */
export const MAX_RICH_TEXT = 100_000;

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'h2',
    'h3',
    'h4',
    'ul',
    'ol',
    'li',
    'blockquote',
    'a',
    'strong',
    'em',
    'b',
    'i',
    'u',
    's',
    'img',
    'figure',
    'figcaption',
    'hr',
  ],
  allowedAttributes: { a: ['href', 'hreflang', 'lang', 'rel'], img: ['src', 'alt', 'width', 'height'], p: ['lang'], blockquote: ['lang'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'img' && !isSiteMedia(frame.attribs.src ?? ''),
  transformTags: {
    // Headings below the page's h1; links to elsewhere open as links do (no target), never pass a referrer.
    h1: 'h2',
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const external = /^https?:/i.test(href);
      return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer' } : attribs };
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, alt: attribs.alt ?? '' } }),
  },
};

/** True for an image of the site itself: its own (`/medias/<uuid>`) or an approved volunteer photo (`/galerie/medias/<uuid>/web|thumbnail`). */
export function isSiteMedia(src: string): boolean {
  return /^\/medias\/[0-9a-f-]{36}$/.test(src) || /^\/galerie\/medias\/[0-9a-f-]{36}\/(web|thumbnail)$/.test(src);
}

/** The HTML an editor sent, reduced to what the site shows. */
export function sanitizeRichText(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** Plain text of stored HTML (summaries, feeds, meta descriptions), at most `max` characters. */
export function plainText(html: string, max = 300): string {
  const text = sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** A slug from a title: lower case ASCII words joined by hyphens. */
export function slugify(title: string, max = 80): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug || 'page';
}
