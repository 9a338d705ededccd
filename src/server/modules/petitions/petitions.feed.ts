// RSS 2.0 and Atom feeds of the public petitions (the newest fifty), written by hand: two small
// documents do not need a library, and real parsers check them in the tests.
import type { PageLang } from '../../http/public-page.ts';
import type { PetitionRow } from './petitions.repo.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids them, so they are dropped.
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const xml = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
    .replace(XML_FORBIDDEN, '');

/** The petitions as an RSS or Atom document. */
export function petitionsFeed(
  format: 'rss' | 'atom',
  o: { base: string; campaignName: string; lang: PageLang; rows: readonly PetitionRow[] },
): string {
  const title = `${o.campaignName} — ${o.lang === 'fr' ? 'pétitions' : 'petitions'}`;
  const page = `${o.base}/petitions`;
  const updated = o.rows.reduce((max, r) => (r.updated_at > max ? r.updated_at : max), new Date(0));
  const link = (r: PetitionRow) => `${o.base}/petitions/${r.slug}`;
  const text = (r: PetitionRow) =>
    [
      r.summary,
      r.target ? `${o.lang === 'fr' ? 'Adressée à' : 'Addressed to'} : ${r.target}` : '',
      r.answer ? `${o.lang === 'fr' ? 'Réponse' : 'Answer'} : ${r.answer}` : '',
    ]
      .filter(Boolean)
      .join('\n\n');
  if (format === 'rss') {
    return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>${xml(title)}</title><link>${xml(page)}</link><description>${xml(title)}</description><language>${o.lang}</language>
<atom:link href="${xml(`${o.base}/petitions/flux.rss`)}" rel="self" type="application/rss+xml"/>
${o.rows.map((r) => `<item><title>${xml(r.title)}</title><link>${xml(link(r))}</link><guid isPermaLink="false">urn:uuid:${r.id}</guid><pubDate>${r.created_at.toUTCString()}</pubDate><description>${xml(text(r))}</description></item>`).join('\n')}
</channel></rss>`;
  }
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${o.lang}">
<title>${xml(title)}</title><id>${xml(page)}</id><link href="${xml(page)}"/><link rel="self" href="${xml(`${o.base}/petitions/flux.atom`)}"/>
<updated>${(o.rows.length ? updated : new Date(0)).toISOString()}</updated><author><name>${xml(o.campaignName)}</name></author>
${o.rows.map((r) => `<entry><title>${xml(r.title)}</title><id>urn:uuid:${r.id}</id><link href="${xml(link(r))}"/><published>${r.created_at.toISOString()}</published><updated>${r.updated_at.toISOString()}</updated><summary>${xml(text(r))}</summary></entry>`).join('\n')}
</feed>`;
}
