// The demo's field work (issue 16): the 20th arrondissement's buildings made from the address base
// (doors from the social-housing file of the open-data mirror where it lies), cut into 300-door turfs
// keeping polling stations apart, and the demo volunteer given a turf for today.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import { type Database, tenantRunnerOf } from '../../db/database.ts';
import type { JobContext } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { makeBuildings } from './buildings.ts';
import { runCut } from './turfs.ts';

/** Reads "Logements sociaux financés à Paris" (';', BOM, geo_point_2d "lat, lon") into programmes. */
export function readSocialHousing(file: string) {
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  const header = (lines[0] ?? '').split(';');
  const [id, label, postcode, dwellings] = ['id_livraison', 'adresse_programme', 'code_postal', 'nb_logmt_total'].map((c) =>
    header.indexOf(c),
  );
  const out: Array<{ id: string; label: string; postcode: string; lon: number; lat: number; dwellings: number }> = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(';');
    const point = /(-?[\d.]+),\s*(-?[\d.]+)\s*$/.exec(line);
    const n = Number(cells[dwellings as number]);
    if (!point || !(n >= 1) || n > 5000) continue;
    out.push({
      id: cells[id as number] ?? '',
      label: cells[label as number] ?? '',
      postcode: cells[postcode as number] ?? '',
      lat: Number(point[1]),
      lon: Number(point[2]),
      dwellings: n,
    });
  }
  return out.filter((p) => p.id && Number.isFinite(p.lon) && Number.isFinite(p.lat));
}

/** Seeds the demo's buildings and turfs in one arrondissement; returns the turfs made (0 when the zone is absent). */
export async function seedDemoField(
  database: Database,
  config: Config,
  campaignId: string,
  options: { dir: string | null; zoneCode: string; volunteerEmail: string; targetDoors?: number },
): Promise<number> {
  const { db } = database;
  const tenant = tenantRunnerOf(db, campaignId);
  const zone = await tenant((trx) =>
    trx
      .selectFrom('zone')
      .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id').onRef('l.campaign_id', '=', 'zone.campaign_id'))
      .select(['zone.id'])
      .where('zone.campaign_id', '=', campaignId)
      .where('l.code', '=', 'arrondissement')
      .where('zone.code', '=', options.zoneCode)
      .executeTakeFirst(),
  );
  if (!zone) return 0;
  const file = options.dir ? path.join(options.dir, 'logements-sociaux-finances-a-paris.csv') : null;
  if (file && existsSync(file)) {
    const rows = readSocialHousing(file).map((p) => ({ campaign_id: campaignId, ...p }));
    await tenant(async (trx) => {
      for (let i = 0; i < rows.length; i += 1000)
        await trx
          .insertInto('social_housing')
          .values(rows.slice(i, i + 1000))
          .onConflict((oc) => oc.doNothing())
          .execute();
    });
  }
  const ctx = <P>(params: P): JobContext<P> => ({
    campaignId,
    runId: 'demo',
    params,
    tenant,
    database,
    files: undefined as never,
    config,
    enqueue: async () => '',
    progress: async () => {},
  });
  await makeBuildings(ctx({ zone_id: zone.id }));
  const cutId = uuidv7();
  await tenant((trx) =>
    trx
      .insertInto('turf_cut')
      .values({
        campaign_id: campaignId,
        id: cutId,
        zone_id: zone.id,
        target_doors: options.targetDoors ?? 300,
        keep_polling_stations: true,
      })
      .execute(),
  );
  const stats = (await runCut(ctx({ cut_id: cutId }))) as { turfs: number };
  const volunteer = await db.selectFrom('staff_user').select('id').where('email', '=', options.volunteerEmail).executeTakeFirst();
  const first = await tenant((trx) =>
    trx
      .selectFrom('turf')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('cut_id', '=', cutId)
      .orderBy('name')
      .executeTakeFirst(),
  );
  if (volunteer && first) {
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    await tenant((trx) =>
      trx
        .insertInto('turf_assignment')
        .values({ campaign_id: campaignId, id: uuidv7(), turf_id: first.id, staff_user_id: volunteer.id, on_date: today })
        .execute(),
    );
  }
  return stats.turfs;
}
