// The small server-rendered pages a person reaches from a link in an e-mail (unsubscribe and
// preferences, the double opt-in confirmation): no login, no JavaScript, phone first, French first
// with English through Accept-Language or the page's own switch (?lang=en).
import type { FastifyReply, FastifyRequest } from 'fastify';

export type PageLang = 'fr' | 'en';

/** Escapes text for HTML (element content and quoted attributes). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The language of a public page: `lang` of the query or the posted form when it names one, else the
 * first of French or English in Accept-Language (by its q-values), else French.
 */
export function pageLangOf(request: FastifyRequest): PageLang {
  const asked = [(request.query as Record<string, unknown> | undefined)?.lang, (request.body as Record<string, unknown> | undefined)?.lang];
  for (const value of asked) if (value === 'fr' || value === 'en') return value;
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return 'fr';
  let best: { lang: PageLang; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().split(';');
    const base = tag.trim().toLowerCase().split('-')[0];
    if (base !== 'fr' && base !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang: base, q };
  }
  return best?.lang ?? 'fr';
}

/** True when a browser says the request comes from another site (a form posted from elsewhere). */
export function isCrossSite(request: FastifyRequest): boolean {
  return request.headers['sec-fetch-site'] === 'cross-site';
}

export interface PublicPage {
  status: number;
  lang: PageLang;
  title: string;
  /** HTML, already escaped. */
  body: string;
  /** The same page in the other language (the switch at the top), when it can be reached by GET. */
  switchHref?: string | undefined;
}

/** Sends a public page: never cached, never indexed, no referrer sent onwards (the URL holds a token). */
export function sendPublicPage(reply: FastifyReply, page: PublicPage): string {
  reply
    .code(page.status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex')
    .header('content-language', page.lang);
  const other = page.lang === 'fr' ? { lang: 'en', label: 'English' } : { lang: 'fr', label: 'Français' };
  const switcher = page.switchHref
    ? `<nav aria-label="${page.lang === 'fr' ? 'Langue' : 'Language'}"><a href="${escapeHtml(page.switchHref)}" hreflang="${other.lang}" lang="${other.lang}">${other.label}</a></nav>`
    : '';
  return `<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(page.title)}</title>
<style>
  * { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; margin: 0; color: #1a1b1e; background: #f8f9fa; overflow-wrap: anywhere; }
  main { max-width: 36rem; margin: 0 auto; padding: 2rem 1.25rem 3rem; }
  nav { text-align: right; }
  nav a { color: #1c5fb8; font-size: 1rem; }
  h1 { font-size: 1.75rem; line-height: 1.25; }
  p, li, label, legend { font-size: 1.125rem; line-height: 1.6; }
  fieldset { border: 1px solid #ced4da; border-radius: .5rem; padding: .75rem 1rem; margin: 0 0 1.25rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  .choice { display: flex; gap: .75rem; align-items: flex-start; padding: .5rem 0; }
  .choice input { width: 1.5rem; height: 1.5rem; margin: .2rem 0 0; flex: none; }
  .hint { display: block; color: #495057; font-size: 1rem; }
  .status { background: #e6f4ea; border-left: 4px solid #2b8a3e; padding: .75rem 1rem; }
  form + form { margin-top: 2rem; border-top: 1px solid #dee2e6; padding-top: 1.5rem; }
  button { font-size: 1.125rem; min-height: 2.75rem; padding: .7rem 1.2rem; border: 0; border-radius: .4rem; background: #1c5fb8; color: #fff; cursor: pointer; max-width: 100%; }
  button.secondary { background: #fff; color: #a61e4d; border: 2px solid #a61e4d; }
  a:focus-visible, input:focus-visible, button:focus-visible { outline: 3px solid #f08c00; outline-offset: 2px; }
</style>
</head>
<body><main>${switcher}<h1>${escapeHtml(page.title)}</h1>${page.body}</main></body>
</html>`;
}
