// Turfs (issue 16 point 3): a zone's buildings cut into turfs of about N doors as the job
// `field.cut_turfs` (cutting/cut-turfs.ts: capacitated clustering, a building never split, polling
// stations kept apart when asked, walking order nearest neighbour then 2-opt), and the hand edits:
// split, merge, redraw (buildings inside a drawn polygon), each turf's order, polygon, doors and
// metres recomputed. Referents reach the turfs of their zones only (zoneReach).
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { defineJob, type JobContext } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { type CutBuilding, cutTurfs } from './cutting/cut-turfs.ts';
import { localProjection } from './cutting/geo.ts';
import { type PolygonGeometry, type Position, turfPolygon } from './cutting/hull.ts';
import { walkOrder } from './cutting/walk-order.ts';

export const POLLING_STATION_LAYER = 'bureau';

/**
 * May an actor scoped to `zoneScope` work in zone `zoneId`? Owners and organizers (null) anywhere;
 * a referent in their zones and the zones below them (parent chain).
 */
export async function zoneInReach(trx: Trx, campaignId: string, zoneId: string, zoneScope: readonly string[] | null): Promise<boolean> {
  if (!zoneScope) {
    const zone = await trx
      .selectFrom('zone')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('id', '=', zoneId)
      .executeTakeFirst();
    if (!zone) throw notFound('zone');
    return true;
  }
  const { rows } = await sql<{ id: string }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from zone where campaign_id = ${campaignId} and id = ${zoneId}
      union all
      select z.id, z.parent_id, up.depth + 1 from zone z join up on z.id = up.parent_id
      where z.campaign_id = ${campaignId} and up.depth < 8
    ) select id from up`.execute(trx);
  if (rows.length === 0) throw notFound('zone');
  return rows.some((r) => zoneScope.includes(r.id));
}

export async function assertZoneInReach(trx: Trx, campaignId: string, zoneId: string, zoneScope: readonly string[] | null) {
  if (!(await zoneInReach(trx, campaignId, zoneId, zoneScope)))
    throw new AppError('FIELD_ZONE_OUT_OF_REACH', 'This zone is outside your zones.');
}

/** The turf (404 when absent or outside the actor's zones: a referent never learns it exists). */
export async function loadTurf(trx: Trx, campaignId: string, turfId: string, zoneScope: readonly string[] | null) {
  const turf = await trx.selectFrom('turf').selectAll().where('campaign_id', '=', campaignId).where('id', '=', turfId).executeTakeFirst();
  if (!turf || !(await zoneInReach(trx, campaignId, turf.zone_id, zoneScope))) throw notFound('turf');
  return turf;
}

interface PlacedBuilding {
  id: string;
  lon: number;
  lat: number;
  doors: number;
}

/** Walking order, polygon, doors and metres of buildings (the turf's figures). */
export function turfShape(buildings: readonly PlacedBuilding[]) {
  if (buildings.length === 0) return { order: [] as string[], polygon: null, doors: 0, metres: 0 };
  const proj = localProjection(buildings);
  const walk = walkOrder(
    buildings.map((b) => proj.x(b.lon)),
    buildings.map((b) => proj.y(b.lat)),
  );
  return {
    order: walk.order.map((i) => (buildings[i] as PlacedBuilding).id),
    polygon: turfPolygon(buildings.map((b) => [b.lon, b.lat] as Position)),
    doors: buildings.reduce((s, b) => s + b.doors, 0),
    metres: walk.metres,
  };
}

/** Recomputes a turf from its buildings (deleted when it has none left). */
export async function reshapeTurf(trx: Trx, campaignId: string, turfId: string, keepPolygon?: PolygonGeometry): Promise<void> {
  const buildings = await trx
    .selectFrom('turf_building as tb')
    .innerJoin('building as b', (j) => j.onRef('b.id', '=', 'tb.building_id').onRef('b.campaign_id', '=', 'tb.campaign_id'))
    .select(['b.id', 'b.lon', 'b.lat', 'b.doors'])
    .where('tb.campaign_id', '=', campaignId)
    .where('tb.turf_id', '=', turfId)
    .execute();
  if (buildings.length === 0) {
    await trx.deleteFrom('turf').where('campaign_id', '=', campaignId).where('id', '=', turfId).execute();
    return;
  }
  const shape = turfShape(buildings);
  await trx.deleteFrom('turf_building').where('campaign_id', '=', campaignId).where('turf_id', '=', turfId).execute();
  await trx
    .insertInto('turf_building')
    .values(shape.order.map((id, position) => ({ campaign_id: campaignId, building_id: id, turf_id: turfId, position })))
    .execute();
  await trx
    .updateTable('turf')
    .set({ doors: shape.doors, metres_walked: shape.metres, polygon: JSON.stringify(keepPolygon ?? shape.polygon), updated_at: new Date() })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', turfId)
    .execute();
}

export const CutTurfsParams = Type.Object({ cut_id: Type.String({ format: 'uuid' }) });

/** Buildings of a zone with their polling station's code (the cut's input). */
async function zoneBuildings(trx: Trx, campaignId: string, zoneId: string) {
  const { rows } = await sql<{ id: string; lon: number; lat: number; doors: number; station: string | null; in_other: boolean }>`
    select b.id, b.lon, b.lat, b.doors,
      (select z.code from zone z join zone_layer l on l.id = z.layer_id and l.campaign_id = z.campaign_id
        where z.campaign_id = b.campaign_id and z.id = any(b.zone_ids) and l.code = ${POLLING_STATION_LAYER} limit 1) as station,
      exists (select 1 from turf_building tb join turf t on t.id = tb.turf_id and t.campaign_id = tb.campaign_id
        where tb.campaign_id = b.campaign_id and tb.building_id = b.id and t.zone_id <> ${zoneId}) as in_other
    from building b
    where b.campaign_id = ${campaignId} and b.zone_ids @> array[${zoneId}]::uuid[]`.execute(trx);
  return rows;
}

/** The cut job: the zone's buildings into turfs, replacing the zone's previous turfs. */
export async function runCut(ctx: JobContext<{ cut_id: string }>) {
  const { campaignId } = ctx;
  const cut = await ctx.tenant((trx) =>
    trx.selectFrom('turf_cut').selectAll().where('campaign_id', '=', campaignId).where('id', '=', ctx.params.cut_id).executeTakeFirst(),
  );
  if (!cut) throw new Error(`no turf cut ${ctx.params.cut_id}`);
  await ctx.tenant((trx) =>
    trx.updateTable('turf_cut').set({ status: 'running' }).where('campaign_id', '=', campaignId).where('id', '=', cut.id).execute(),
  );
  try {
    await ctx.progress(0, null, 'field.cut.reading');
    const all = await ctx.tenant((trx) => zoneBuildings(trx, campaignId, cut.zone_id));
    const buildings: CutBuilding[] = all
      .filter((b) => !b.in_other)
      .map((b) => ({ id: b.id, lon: b.lon, lat: b.lat, doors: b.doors, station: b.station }));
    const skipped = all.length - buildings.length;
    const zone = await ctx.tenant((trx) =>
      trx.selectFrom('zone').select(['name']).where('campaign_id', '=', campaignId).where('id', '=', cut.zone_id).executeTakeFirstOrThrow(),
    );
    await ctx.progress(0, null, 'field.cut.cutting');
    // The cut itself is synchronous: its phases are reported as they end (seed, improve, order).
    let phase = '';
    const phases: string[] = [];
    const result =
      buildings.length === 0
        ? { turfs: [], seedCost: 0, cost: 0 }
        : cutTurfs(buildings, {
            targetDoors: cut.target_doors,
            keepStations: cut.keep_polling_stations,
            onProgress: (p) => {
              if (p.phase !== phase) {
                phase = p.phase;
                phases.push(phase);
              }
            },
          });
    const total = result.turfs.length;
    // Saved in one transaction (the zone's old turfs replaced at once); progress is recorded outside it.
    await ctx.progress(0, total, 'field.cut.saving');
    await ctx.tenant(async (trx) => {
      await trx.deleteFrom('turf').where('campaign_id', '=', campaignId).where('zone_id', '=', cut.zone_id).execute();
      const width = String(total).length;
      for (let i = 0; i < total; i++) {
        const t = result.turfs[i] as (typeof result.turfs)[number];
        const id = uuidv7();
        const name = `${zone.name} · ${t.station ? `bureau ${t.station} · ` : ''}${String(i + 1).padStart(width, '0')}`;
        await trx
          .insertInto('turf')
          .values({
            campaign_id: campaignId,
            id,
            cut_id: cut.id,
            zone_id: cut.zone_id,
            name,
            doors: t.doors,
            polygon: JSON.stringify(t.polygon),
            metres_walked: t.metres,
          })
          .execute();
        await trx
          .insertInto('turf_building')
          .values(t.buildingIds.map((b, position) => ({ campaign_id: campaignId, building_id: b, turf_id: id, position })))
          .execute();
      }
    });
    const doors = result.turfs.map((t) => t.doors);
    const metres = result.turfs.reduce((s, t) => s + t.metres, 0);
    const nn = result.turfs.reduce((s, t) => s + t.nearestNeighbourMetres, 0);
    const stats = {
      turfs: total,
      buildings: buildings.length,
      skipped_in_other_turfs: skipped,
      doors: doors.reduce((s, d) => s + d, 0),
      doors_min: doors.length ? Math.min(...doors) : 0,
      doors_max: doors.length ? Math.max(...doors) : 0,
      metres_walked: Math.round(metres),
      nearest_neighbour_metres: Math.round(nn),
      metres_per_door: doors.length ? Math.round((metres / doors.reduce((s, d) => s + d, 0)) * 100) / 100 : 0,
      phases,
    };
    await ctx.tenant((trx) =>
      trx
        .updateTable('turf_cut')
        .set({ status: 'done', stats: sql`${JSON.stringify(stats)}::jsonb`, finished_at: new Date() })
        .where('campaign_id', '=', campaignId)
        .where('id', '=', cut.id)
        .execute(),
    );
    await ctx.progress(total, total, 'field.cut.done');
    return stats;
  } catch (error) {
    await ctx.tenant((trx) =>
      trx
        .updateTable('turf_cut')
        .set({ status: 'failed', finished_at: new Date() })
        .where('campaign_id', '=', campaignId)
        .where('id', '=', cut.id)
        .execute(),
    );
    throw error;
  }
}

export const cutTurfsJob = defineJob({ kind: 'field.cut_turfs', params: CutTurfsParams, run: runCut, expireInSeconds: 3600 });

/** Splits a turf in two: the given buildings into a new turf, or (none given) a cut of it into two balanced halves. */
export async function splitTurf(trx: Trx, campaignId: string, turfId: string, buildingIds?: readonly string[]): Promise<string[]> {
  const turf = await trx
    .selectFrom('turf')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', turfId)
    .executeTakeFirstOrThrow();
  const buildings = await trx
    .selectFrom('turf_building as tb')
    .innerJoin('building as b', (j) => j.onRef('b.id', '=', 'tb.building_id').onRef('b.campaign_id', '=', 'tb.campaign_id'))
    .select(['b.id', 'b.lon', 'b.lat', 'b.doors'])
    .where('tb.campaign_id', '=', campaignId)
    .where('tb.turf_id', '=', turfId)
    .execute();
  if (buildings.length < 2) throw new AppError('FIELD_TURF_TOO_SMALL', 'A turf of one building cannot be split.');
  let moved: string[];
  if (buildingIds && buildingIds.length > 0) {
    const own = new Set(buildings.map((b) => b.id));
    if (buildingIds.some((id) => !own.has(id)))
      throw new AppError('FIELD_BUILDING_NOT_IN_TURF', 'Every building given must be in this turf.');
    if (buildingIds.length >= buildings.length) throw new AppError('FIELD_TURF_TOO_SMALL', 'Leave at least one building in the turf.');
    moved = [...buildingIds];
  } else {
    const total = buildings.reduce((s, b) => s + b.doors, 0);
    const halves = cutTurfs(buildings, { targetDoors: total / 2, tolerance: 0.25 }).turfs;
    moved =
      halves.length > 1
        ? (halves[1] as (typeof halves)[number]).buildingIds
        : buildings.slice(Math.floor(buildings.length / 2)).map((b) => b.id);
  }
  const id = uuidv7();
  await trx
    .insertInto('turf')
    .values({
      campaign_id: campaignId,
      id,
      cut_id: turf.cut_id,
      zone_id: turf.zone_id,
      name: `${turf.name} (b)`,
      polygon: JSON.stringify(turf.polygon),
    })
    .execute();
  await trx
    .updateTable('turf_building')
    .set({ turf_id: id })
    .where('campaign_id', '=', campaignId)
    .where('building_id', 'in', moved)
    .execute();
  await trx
    .updateTable('turf')
    .set({ name: `${turf.name} (a)` })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', turfId)
    .execute();
  await reshapeTurf(trx, campaignId, turfId);
  await reshapeTurf(trx, campaignId, id);
  return [turfId, id];
}

/** Merges turfs of one zone into the first (the others' assignments are dropped with them). */
export async function mergeTurfs(trx: Trx, campaignId: string, given: readonly string[]): Promise<string> {
  const turfIds = [...new Set(given)];
  if (turfIds.length < 2) throw new AppError('FIELD_TURF_TOO_SMALL', 'Give at least two different turfs to merge.');
  const turfs = await trx
    .selectFrom('turf')
    .select(['id', 'zone_id'])
    .where('campaign_id', '=', campaignId)
    .where('id', 'in', [...turfIds])
    .execute();
  if (turfs.length !== new Set(turfIds).size) throw notFound('turf');
  if (new Set(turfs.map((t) => t.zone_id)).size > 1)
    throw new AppError('FIELD_TURFS_NOT_SAME_ZONE', 'Only turfs of the same zone can be merged.');
  const [keep, ...rest] = turfIds as [string, ...string[]];
  await trx
    .updateTable('turf_building')
    .set({ turf_id: keep })
    .where('campaign_id', '=', campaignId)
    .where('turf_id', 'in', rest)
    .execute();
  await trx.deleteFrom('turf').where('campaign_id', '=', campaignId).where('id', 'in', rest).execute();
  await reshapeTurf(trx, campaignId, keep);
  return keep;
}

/**
 * Redraws a turf by hand: the zone's buildings inside the polygon are this turf's (taken from the
 * zone's other turfs, which are reshaped — or removed when emptied), its buildings outside leave it.
 */
export async function redrawTurf(trx: Trx, campaignId: string, turfId: string, polygon: PolygonGeometry) {
  const { createZoneLocator } = await import('../territory/index.ts');
  const turf = await trx
    .selectFrom('turf')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', turfId)
    .executeTakeFirstOrThrow();
  const locator = createZoneLocator([{ id: 'drawn', geometry: polygon }]);
  const candidates = await zoneBuildings(trx, campaignId, turf.zone_id);
  const inside = candidates.filter((b) => locator.locate(b.lon, b.lat).length > 0 && !b.in_other).map((b) => b.id);
  if (inside.length === 0) throw new AppError('FIELD_TURF_EMPTY', 'No building of the zone lies inside this polygon.');
  const before = await trx
    .selectFrom('turf_building')
    .select(['building_id', 'turf_id'])
    .where('campaign_id', '=', campaignId)
    .where('building_id', 'in', inside)
    .execute();
  const touched = new Set(before.map((b) => b.turf_id).filter((t) => t !== turfId));
  const left = await trx
    .deleteFrom('turf_building')
    .where('campaign_id', '=', campaignId)
    .where('turf_id', '=', turfId)
    .where('building_id', 'not in', inside)
    .returning('building_id')
    .execute();
  await trx.deleteFrom('turf_building').where('campaign_id', '=', campaignId).where('building_id', 'in', inside).execute();
  await trx
    .insertInto('turf_building')
    .values(inside.map((id, position) => ({ campaign_id: campaignId, building_id: id, turf_id: turfId, position })))
    .execute();
  for (const t of touched) await reshapeTurf(trx, campaignId, t);
  await reshapeTurf(trx, campaignId, turfId, polygon);
  return { buildings: inside.length, taken_from_other_turfs: before.filter((b) => b.turf_id !== turfId).length, left_out: left.length };
}
