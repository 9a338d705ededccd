// Buildings made from the address base (issue 16 point 2), as the job `field.make_buildings`.
//
// Grouping (decided here, documented in docs/ARCHITECTURE.md "Field: buildings and turfs"):
// - addresses of the same street and the same number, its suffix ignored ("12" and "12 bis"), within
//   GROUP_METRES of the group's first address, are one building;
// - groups whose points are within SAME_POINT_METRES of each other (a corner building known by two
//   streets, the BAN's points placed on the same door) are merged into one.
// Doors (estimated, source kept in doors_source):
// - social housing, where a programme of the social-housing file lies within SOCIAL_MATCH_METRES of
//   the building: its dwellings (the sum of its programmes);
// - otherwise the IRIS' main residences (residences_principales, else nombre_logements) left after
//   the social dwellings matched in that IRIS, spread evenly over the IRIS' other addresses, times the
//   building's addresses (at least one door).
// A new run keeps the ids of buildings known by the same first address (their entrances, doors and
// turfs stay), keeps doors typed by hand (doors_source 'manual') and removes buildings gone.
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { defineJob, type JobContext } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { localProjection } from './cutting/geo.ts';

export const GROUP_METRES = 60;
export const SAME_POINT_METRES = 3;
export const SOCIAL_MATCH_METRES = 25;
const BATCH = 1000;

export interface AddressPoint {
  id: string;
  number: string;
  street: string;
  postcode: string;
  lon: number;
  lat: number;
  zone_ids: string[];
}

export interface GroupedBuilding {
  addressIds: string[];
  /** The address the building is known by (the first by number then id). */
  addressId: string;
  label: string;
  lon: number;
  lat: number;
  zoneIds: string[];
}

const baseNumber = (n: string) => /^\d+/.exec(n.trim())?.[0] ?? n.trim().toLowerCase();
const normStreet = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** Groups addresses into buildings (pure; see the header for the rule). */
export function groupAddresses(addresses: readonly AddressPoint[]): GroupedBuilding[] {
  if (addresses.length === 0) return [];
  const proj = localProjection(addresses);
  const xs = addresses.map((a) => proj.x(a.lon));
  const ys = addresses.map((a) => proj.y(a.lat));
  // Union-find over address indices.
  const parent = Int32Array.from(addresses.keys());
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  // 1. Same street and base number, near the group's first address.
  const byKey = new Map<string, number[]>();
  addresses.forEach((a, i) => {
    const key = `${a.postcode}|${normStreet(a.street)}|${baseNumber(a.number)}`;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  for (const list of byKey.values()) {
    const heads: number[] = [];
    for (const i of list) {
      const head = heads.find(
        (h) => Math.hypot((xs[h] as number) - (xs[i] as number), (ys[h] as number) - (ys[i] as number)) <= GROUP_METRES,
      );
      if (head === undefined) heads.push(i);
      else union(head, i);
    }
  }
  // 2. Points within SAME_POINT_METRES (grid of that size, neighbours checked).
  const cell = new Map<string, number[]>();
  const cx = (i: number) => Math.floor((xs[i] as number) / SAME_POINT_METRES);
  const cy = (i: number) => Math.floor((ys[i] as number) / SAME_POINT_METRES);
  addresses.forEach((_, i) => {
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of cell.get(`${cx(i) + dx}|${cy(i) + dy}`) ?? []) {
          if (Math.hypot((xs[i] as number) - (xs[j] as number), (ys[i] as number) - (ys[j] as number)) <= SAME_POINT_METRES) union(i, j);
        }
      }
    const key = `${cx(i)}|${cy(i)}`;
    const list = cell.get(key);
    if (list) list.push(i);
    else cell.set(key, [i]);
  });
  const groups = new Map<number, number[]>();
  addresses.forEach((_, i) => {
    const r = find(i);
    const list = groups.get(r);
    if (list) list.push(i);
    else groups.set(r, [i]);
  });
  const out: GroupedBuilding[] = [];
  for (const members of groups.values()) {
    const sorted = members
      .map((i) => addresses[i] as AddressPoint)
      .sort((a, b) => {
        const na = Number.parseInt(a.number, 10) || 0;
        const nb = Number.parseInt(b.number, 10) || 0;
        return na - nb || a.number.localeCompare(b.number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      });
    const first = sorted[0] as AddressPoint;
    const numbers = [...new Set(sorted.filter((a) => a.street === first.street).map((a) => a.number.trim()))];
    const others = [...new Set(sorted.filter((a) => a.street !== first.street).map((a) => `${a.number} ${a.street}`.trim()))];
    const label = [`${numbers.join(', ')} ${first.street}`.trim(), ...others].join(' / ');
    out.push({
      addressIds: sorted.map((a) => a.id),
      addressId: first.id,
      label: label.length > 300 ? `${label.slice(0, 297)}…` : label,
      lon: sorted.reduce((s, a) => s + a.lon, 0) / sorted.length,
      lat: sorted.reduce((s, a) => s + a.lat, 0) / sorted.length,
      zoneIds: first.zone_ids,
    });
  }
  return out;
}

export interface DoorEstimateInput {
  buildings: readonly GroupedBuilding[];
  /** Social-housing programmes (dwellings at a point). */
  social: ReadonlyArray<{ lon: number; lat: number; dwellings: number }>;
  /** Main residences per IRIS zone id. */
  irisDwellings: ReadonlyMap<string, number>;
  /** Addresses of the campaign per IRIS zone id (all of them, not only those grouped now). */
  irisAddresses: ReadonlyMap<string, number>;
}

export interface DoorEstimate {
  doors: number;
  source: 'social_housing' | 'dwellings_per_address';
}

/** Doors of each building (same order): social housing where matched, else IRIS dwellings per address. */
export function estimateDoors(input: DoorEstimateInput): DoorEstimate[] {
  const { buildings } = input;
  if (buildings.length === 0) return [];
  const proj = localProjection(buildings);
  const cellSize = SOCIAL_MATCH_METRES;
  const grid = new Map<string, number[]>();
  buildings.forEach((b, i) => {
    const key = `${Math.floor(proj.x(b.lon) / cellSize)}|${Math.floor(proj.y(b.lat) / cellSize)}`;
    const list = grid.get(key);
    if (list) list.push(i);
    else grid.set(key, [i]);
  });
  const social = new Float64Array(buildings.length);
  for (const p of input.social) {
    const x = proj.x(p.lon);
    const y = proj.y(p.lat);
    let best = -1;
    let bestD = SOCIAL_MATCH_METRES;
    for (let dx = -1; dx <= 1; dx++)
      for (let dy = -1; dy <= 1; dy++)
        for (const i of grid.get(`${Math.floor(x / cellSize) + dx}|${Math.floor(y / cellSize) + dy}`) ?? []) {
          const b = buildings[i] as GroupedBuilding;
          const d = Math.hypot(proj.x(b.lon) - x, proj.y(b.lat) - y);
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
    if (best >= 0) social[best] = (social[best] as number) + p.dwellings;
  }
  const irisOf = (b: GroupedBuilding) => b.zoneIds.find((z) => input.irisDwellings.has(z)) ?? null;
  // Per IRIS: dwellings left after the social ones matched, over the addresses of other buildings.
  const socialIn = new Map<string, { dwellings: number; addresses: number }>();
  buildings.forEach((b, i) => {
    const iris = irisOf(b);
    if (!iris || !((social[i] as number) > 0)) return;
    const s = socialIn.get(iris) ?? { dwellings: 0, addresses: 0 };
    s.dwellings += social[i] as number;
    s.addresses += b.addressIds.length;
    socialIn.set(iris, s);
  });
  return buildings.map((b, i) => {
    if ((social[i] as number) > 0) return { doors: Math.min(5000, Math.round(social[i] as number)), source: 'social_housing' };
    const iris = irisOf(b);
    let perAddress = 1;
    if (iris) {
      const s = socialIn.get(iris) ?? { dwellings: 0, addresses: 0 };
      const dwellings = Math.max(0, (input.irisDwellings.get(iris) ?? 0) - s.dwellings);
      const addresses = Math.max(1, (input.irisAddresses.get(iris) ?? 1) - s.addresses);
      perAddress = dwellings / addresses;
    }
    return { doors: Math.max(1, Math.min(5000, Math.round(perAddress * b.addressIds.length))), source: 'dwellings_per_address' };
  });
}

export const MakeBuildingsParams = Type.Object({
  /** Only the addresses of this zone (e.g. an arrondissement); the whole campaign when absent. */
  zone_id: Type.Optional(Type.String({ format: 'uuid' })),
});

/** Makes (or remakes) the buildings of the campaign or of one zone. */
export async function makeBuildings(ctx: JobContext<{ zone_id?: string }>) {
  const zoneId = ctx.params.zone_id ?? null;
  await ctx.progress(0, null, 'field.buildings.reading');
  const { ensureAddressesLocated } = await import('../territory/index.ts');
  await ensureAddressesLocated(ctx.database.db, ctx.campaignId);
  const data = await ctx.tenant(async (trx) => {
    let q = trx
      .selectFrom('address')
      .select(['id', 'number', 'street', 'postcode', 'lon', 'lat', 'zone_ids'])
      .where('campaign_id', '=', ctx.campaignId);
    if (zoneId) q = q.where(sql<boolean>`zone_ids @> ${sql.val([zoneId])}::uuid[]`);
    const addresses = (await q.execute()).map((a) => ({ ...a, zone_ids: a.zone_ids ?? [] }));
    const social = await trx
      .selectFrom('social_housing')
      .select(['lon', 'lat', 'dwellings'])
      .where('campaign_id', '=', ctx.campaignId)
      .execute();
    const iris = await trx
      .selectFrom('zone_indicator as i')
      .innerJoin('zone as z', (j) => j.onRef('z.id', '=', 'i.zone_id').onRef('z.campaign_id', '=', 'i.campaign_id'))
      .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'z.layer_id').onRef('l.campaign_id', '=', 'z.campaign_id'))
      .select(['i.zone_id', 'i.name', 'i.value'])
      .where('i.campaign_id', '=', ctx.campaignId)
      .where('l.code', '=', 'iris')
      .where('i.name', 'in', ['residences_principales', 'nombre_logements'])
      .orderBy('i.year', 'asc')
      .execute();
    const irisAddresses = await sql<{ zone_id: string; n: string }>`
      select z.id as zone_id, count(a.id) as n
      from zone z join zone_layer l on l.id = z.layer_id and l.campaign_id = z.campaign_id
      join address a on a.campaign_id = z.campaign_id and a.zone_ids @> array[z.id]
      where z.campaign_id = ${ctx.campaignId} and l.code = 'iris'
      group by z.id`.execute(trx);
    return { addresses, social, iris, irisAddresses: irisAddresses.rows };
  });
  const irisDwellings = new Map<string, number>();
  for (const r of data.iris.filter((r) => r.name === 'nombre_logements')) irisDwellings.set(r.zone_id, r.value);
  for (const r of data.iris.filter((r) => r.name === 'residences_principales')) irisDwellings.set(r.zone_id, r.value);
  const grouped = groupAddresses(data.addresses);
  const doors = estimateDoors({
    buildings: grouped,
    social: data.social,
    irisDwellings,
    irisAddresses: new Map(data.irisAddresses.map((r) => [r.zone_id, Number(r.n)])),
  });
  const total = grouped.length;
  // One transaction writes them all (progress is recorded outside it: before, then when committed).
  await ctx.progress(0, total, 'field.buildings.writing');
  const kept = await ctx.tenant(async (trx) => {
    const existing = new Map(
      (
        await trx
          .selectFrom('building')
          .select(['id', 'address_id'])
          .where('campaign_id', '=', ctx.campaignId)
          .where('address_id', 'in', grouped.length ? grouped.map((g) => g.addressId) : ['-'])
          .execute()
      ).map((b) => [b.address_id, b.id]),
    );
    // Buildings of the zone no longer made: removed (their entrances and turf places go with them).
    const keepIds = new Set<string>();
    const rows = grouped.map((g, i) => {
      const id = existing.get(g.addressId) ?? uuidv7();
      keepIds.add(id);
      const d = doors[i] as DoorEstimate;
      return {
        campaign_id: ctx.campaignId,
        id,
        address_id: g.addressId,
        label: g.label,
        lon: g.lon,
        lat: g.lat,
        doors: d.doors,
        doors_source: d.source,
        zone_ids: g.zoneIds,
      };
    });
    let stale = trx.selectFrom('building').select('id').where('campaign_id', '=', ctx.campaignId);
    if (zoneId) stale = stale.where(sql<boolean>`zone_ids @> ${sql.val([zoneId])}::uuid[]`);
    const staleIds = (await stale.execute()).map((b) => b.id).filter((id) => !keepIds.has(id));
    for (let i = 0; i < staleIds.length; i += BATCH)
      await trx
        .deleteFrom('building')
        .where('campaign_id', '=', ctx.campaignId)
        .where('id', 'in', staleIds.slice(i, i + BATCH))
        .execute();
    // The addresses regrouped: their building links are rewritten.
    const addressIds = grouped.flatMap((g) => g.addressIds);
    for (let i = 0; i < addressIds.length; i += BATCH)
      await trx
        .deleteFrom('building_address')
        .where('campaign_id', '=', ctx.campaignId)
        .where('address_id', 'in', addressIds.slice(i, i + BATCH))
        .execute();
    // A building known by another building's address now: that other building goes.
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      await trx
        .insertInto('building')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'id']).doUpdateSet((eb) => ({
            label: eb.ref('excluded.label'),
            lon: eb.ref('excluded.lon'),
            lat: eb.ref('excluded.lat'),
            zone_ids: eb.ref('excluded.zone_ids'),
            doors: sql`case when building.doors_source = 'manual' then building.doors else excluded.doors end`,
            doors_source: sql`case when building.doors_source = 'manual' then building.doors_source else excluded.doors_source end`,
          })),
        )
        .execute();
      await trx
        .insertInto('building_address')
        .values(
          chunk.flatMap((b, j) =>
            (grouped[i + j] as GroupedBuilding).addressIds.map((a) => ({ campaign_id: ctx.campaignId, address_id: a, building_id: b.id })),
          ),
        )
        .execute();
    }
    return { buildings: rows.length, removed: staleIds.length };
  });
  await ctx.progress(total, total, 'field.buildings.done');
  const bySource = { social_housing: 0, dwellings_per_address: 0 };
  for (const d of doors) bySource[d.source]++;
  return { addresses: data.addresses.length, ...kept, doors: doors.reduce((s, d) => s + d.doors, 0), by_source: bySource };
}

export const makeBuildingsJob = defineJob({
  kind: 'field.make_buildings',
  params: MakeBuildingsParams,
  run: makeBuildings,
  expireInSeconds: 3600,
});

/** Makes the floors × doors grid of an entrance in one step (replacing its doors): floor 0 is the ground floor. */
export async function makeDoorGrid(
  trx: Trx,
  campaignId: string,
  entrance: { id: string; building_id: string },
  floors: number,
  doorsPerFloor: number,
): Promise<number> {
  await trx.deleteFrom('door').where('campaign_id', '=', campaignId).where('entrance_id', '=', entrance.id).execute();
  const rows = [];
  for (let f = 0; f < floors; f++)
    for (let d = 0; d < doorsPerFloor; d++)
      rows.push({
        campaign_id: campaignId,
        id: uuidv7(),
        building_id: entrance.building_id,
        entrance_id: entrance.id,
        floor: f,
        label: doorLabel(f, d),
      });
  for (let i = 0; i < rows.length; i += BATCH)
    await trx
      .insertInto('door')
      .values(rows.slice(i, i + BATCH))
      .execute();
  await trx
    .updateTable('building_entrance')
    .set({ floors, doors_per_floor: doorsPerFloor })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', entrance.id)
    .execute();
  return rows.length;
}

/** A door's label on its floor: RDC-A, 1-A, 1-B… (letters after Z: AA, AB…). */
export function doorLabel(floor: number, index: number): string {
  let letters = '';
  let n = index;
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `${floor === 0 ? 'RDC' : floor}-${letters}`;
}
