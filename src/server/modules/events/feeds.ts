// RSS 2.0 and Atom (RFC 4287) feeds of the coming events.
import { escapeHtml } from '../../http/public-page.ts';
import type { EventRow } from './events.repo.ts';

const x = escapeHtml;

function summaryOf(e: EventRow, lang: 'fr' | 'en'): string {
  const when = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'full',
    timeStyle: 'short',
    timeZone: e.time_zone,
  }).format(e.start_at);
  const where = e.type === 'online' ? (lang === 'fr' ? 'En ligne' : 'Online') : [e.venue, e.address].filter(Boolean).join(', ');
  return `${when} — ${where}${e.description ? `. ${e.description}` : ''}`;
}

/** RSS 2.0 of events. */
export function rssOf(events: readonly EventRow[], o: { publicUrl: string; title: string; lang: 'fr' | 'en' }): string {
  const items = events
    .map(
      (e) =>
        `<item><title>${x(e.title)}</title><link>${x(`${o.publicUrl}/evenements/${e.id}`)}</link><guid isPermaLink="false">${x(`urn:uuid:${e.id}`)}</guid><pubDate>${e.created_at.toUTCString()}</pubDate><description>${x(summaryOf(e, o.lang))}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>${x(o.title)}</title><link>${x(`${o.publicUrl}/evenements`)}</link><description>${x(o.title)}</description><language>${o.lang}</language>
<atom:link href="${x(`${o.publicUrl}/evenements/rss.xml`)}" rel="self" type="application/rss+xml"/>
${items}
</channel></rss>
`;
}

/** Atom of events. */
export function atomOf(events: readonly EventRow[], o: { publicUrl: string; title: string; lang: 'fr' | 'en' }): string {
  const updated = events.reduce((m, e) => (e.updated_at > m ? e.updated_at : m), new Date(0));
  const entries = events
    .map(
      (e) =>
        `<entry><id>urn:uuid:${e.id}</id><title>${x(e.title)}</title><link href="${x(`${o.publicUrl}/evenements/${e.id}`)}"/><updated>${e.updated_at.toISOString()}</updated><published>${e.created_at.toISOString()}</published><summary>${x(summaryOf(e, o.lang))}</summary></entry>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${o.lang}">
<id>${x(`${o.publicUrl}/evenements`)}</id><title>${x(o.title)}</title><updated>${updated.toISOString()}</updated>
<link rel="self" href="${x(`${o.publicUrl}/evenements/atom.xml`)}"/><link href="${x(`${o.publicUrl}/evenements`)}"/>
<author><name>${x(o.title)}</name></author>
${entries}
</feed>
`;
}
