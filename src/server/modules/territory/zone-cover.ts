// Which zones of other layers each zone lies in (its inside point, located with the zone locator),
// written to zone_cover so that results and indicators are aggregated to any layer in SQL:
// the polling stations of an IRIS, the IRIS of an arrondissement, the IRIS around a polling station.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type AreaGeometry, interiorPoint } from './geometry.ts';
import { createZoneLocator } from './zone-locator.ts';

const BATCH = 5000;

/** Computes zone_cover again for the campaign (inside a tenant transaction); returns the pairs written. */
export async function computeZoneCover(db: Kysely<DB>, campaignId: string): Promise<number> {
  const zones = await db.selectFrom('zone').select(['id', 'layer_id', 'geometry', 'bbox']).where('campaign_id', '=', campaignId).execute();
  const locator = createZoneLocator(zones.map((z) => ({ id: z.id, geometry: z.geometry as AreaGeometry, bbox: z.bbox })));
  const layerOf = new Map(zones.map((z) => [z.id, z.layer_id] as const));
  const inner: string[] = [];
  const outer: string[] = [];
  for (const zone of zones) {
    const [lon, lat] = interiorPoint(zone.geometry as AreaGeometry);
    for (const container of locator.locate(lon, lat)) {
      if (layerOf.get(container) === zone.layer_id) continue;
      inner.push(zone.id);
      outer.push(container);
    }
  }
  await sql`delete from zone_cover where campaign_id = ${campaignId}`.execute(db);
  for (let i = 0; i < inner.length; i += BATCH) {
    await sql`insert into zone_cover (campaign_id, zone_id, container_id)
      select ${campaignId}::uuid, z, c from unnest(${inner.slice(i, i + BATCH)}::uuid[], ${outer.slice(i, i + BATCH)}::uuid[]) as t(z, c)`.execute(
      db,
    );
  }
  return inner.length;
}

/** Computes zone_cover when the campaign has zones and no cover yet (a territory imported before it existed). */
export async function ensureZoneCover(db: Kysely<DB>, campaignId: string): Promise<void> {
  const { rows } = await sql<{ zones: boolean; cover: boolean }>`
    select exists (select 1 from zone where campaign_id = ${campaignId}) as zones,
      exists (select 1 from zone_cover where campaign_id = ${campaignId}) as cover`.execute(db);
  if (rows[0]?.zones && !rows[0].cover) await computeZoneCover(db, campaignId);
}
