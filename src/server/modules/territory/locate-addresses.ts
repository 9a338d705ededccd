// Which zones each address lies in: computed with the zone locator when the territory or the
// addresses are imported, so that geocoding a person gives their zones in the same join that gives
// their coordinates (an import places a million people without a point-in-polygon test each).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AreaGeometry } from './geometry.ts';
import { createZoneLocator, type ZoneLocator } from './zone-locator.ts';

const BATCH = 5000;

/** Loads every zone of the campaign (all layers, top layer first) into a point locator. */
export async function loadZoneLocator(db: Kysely<DB>, campaignId: string): Promise<ZoneLocator> {
  const rows = await db
    .selectFrom('zone')
    .innerJoin('zone_layer', (j) => j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'))
    .select(['zone.id', 'zone.geometry', 'zone.bbox'])
    .where('zone.campaign_id', '=', campaignId)
    .orderBy('zone_layer.position')
    .orderBy('zone.code')
    .execute();
  return createZoneLocator(rows.map((r) => ({ id: r.id, geometry: r.geometry as unknown as AreaGeometry, bbox: r.bbox })));
}

/**
 * Sets address.zone_ids for the campaign's addresses — all of them, or only those not computed yet —
 * with the given locator or one loaded for the purpose. Returns how many addresses were written.
 */
export async function locateAddresses(
  db: Kysely<DB>,
  campaignId: string,
  options: { which?: 'all' | 'missing'; locator?: ZoneLocator } = {},
): Promise<number> {
  const locator = options.locator ?? (await loadZoneLocator(db, campaignId));
  let query = db.selectFrom('address').select(['id', 'lon', 'lat']).where('campaign_id', '=', campaignId);
  if (options.which === 'missing') query = query.where('zone_ids', 'is', null);
  const addresses = await query.execute();
  for (let start = 0; start < addresses.length; start += BATCH) {
    const ids: string[] = [];
    const zoneIds: string[] = [];
    for (const a of addresses.slice(start, start + BATCH)) {
      ids.push(a.id);
      zoneIds.push(`{${locator.locate(a.lon, a.lat).join(',')}}`);
    }
    await sql`update address a set zone_ids = v.z::uuid[]
      from unnest(${ids}::text[], ${zoneIds}::text[]) as v(id, z)
      where a.campaign_id = ${campaignId} and a.id = v.id`.execute(db);
  }
  return addresses.length;
}

/** Computes the zones of the addresses that lack them (after an upgrade, or an address added by hand). */
export async function ensureAddressesLocated(db: Kysely<DB>, campaignId: string): Promise<void> {
  const missing = await db
    .selectFrom('address')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('zone_ids', 'is', null)
    .limit(1)
    .executeTakeFirst();
  if (missing) await locateAddresses(db, campaignId, { which: 'missing' });
}
