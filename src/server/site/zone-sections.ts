// Sections other modules add to an arrondissement's page (its petitions, its events): each is a
// function giving an HTML section for a zone ('' when it has none), read in the page's tenant
// transaction. Wired in one place (below) so the page's route does not know the modules.
import type { Trx } from '../db/database.ts';
import { eventsForZoneHtml } from '../modules/events/index.ts';
import { petitionsForZoneHtml } from '../modules/petitions/index.ts';
import type { PageLang } from './layout.ts';

export type ZoneSection = (trx: Trx, zoneId: string, lang: PageLang) => Promise<string>;

/**
 * The sections, in the page's order: the arrondissement's coming events, then its petitions. Called
 * through arrows, since modules import one another's faces in cycles (read when called, not loaded).
 */
export const ZONE_SECTIONS: ZoneSection[] = [
  (trx, zoneId, lang) => eventsForZoneHtml(trx, zoneId, lang),
  (trx, zoneId, lang) => petitionsForZoneHtml(trx, zoneId, lang),
];

/** Every section of a zone's page, joined. */
export async function zoneSectionsHtml(trx: Trx, zoneId: string, lang: PageLang): Promise<string> {
  const parts: string[] = [];
  for (const section of ZONE_SECTIONS) parts.push(await section(trx, zoneId, lang));
  return parts.filter(Boolean).join('\n');
}
