// Read queries of the territory: layers, zones with their latest indicators, and the zones a
// referent covers (their zones and everything below them). Run inside withTenant(): row-level
// security limits every query to the current campaign.
import { type Kysely, sql } from 'kysely';
import { preparedQuery } from '../../db/prepared.ts';
import type { DB } from '../../db/schema.ts';

export interface LayerRow {
  id: string;
  code: string;
  name: string;
  source: string;
  licence: string;
  position: number;
  zones_count: number;
}

export interface ZoneRow {
  id: string;
  code: string;
  name: string;
  /** Code of the zone's layer. */
  layer: string;
  parent_id: string | null;
  /** [lon, lat] */
  centroid: number[];
  /** [minLon, minLat, maxLon, maxLat] */
  bbox: number[];
  /** Latest value of each indicator (by year). */
  indicators: Record<string, number>;
  geometry?: unknown;
}

export interface ListZonesOptions {
  layerCode?: string;
  /** Referent zone ids: only these zones and their descendants. null/undefined = no restriction. */
  zoneScope?: readonly string[] | null;
  withGeometry?: boolean;
}

// Compiled once: `GET /zone_layers` runs it on every request (db/prepared.ts).
const layersQuery = preparedQuery((db) =>
  db
    .selectFrom('zone_layer as l')
    .select((eb) => [
      'l.id',
      'l.code',
      'l.name',
      'l.source',
      'l.licence',
      'l.position',
      eb
        .selectFrom('zone as z')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('z.campaign_id', '=', 'l.campaign_id')
        .whereRef('z.layer_id', '=', 'l.id')
        .as('zones_count'),
    ])
    .orderBy('l.position')
    .orderBy('l.code'),
);

/** Layers of the current campaign, coarsest first, with their zone counts. */
export async function listLayers(trx: Kysely<DB>): Promise<LayerRow[]> {
  const rows = await layersQuery(trx, {});
  return rows.map((r) => ({ ...r, zones_count: Number(r.zones_count ?? 0) }));
}

const scopeCte = (zoneIds: readonly string[]) => sql`
  with recursive scope (campaign_id, id) as (
    select campaign_id, id from zone where id = any(${[...zoneIds]}::uuid[])
    union
    select c.campaign_id, c.id from zone c join scope s on c.campaign_id = s.campaign_id and c.parent_id = s.id
  )`;

/** Ids of the given zones and of every zone below them (children, grandchildren…). */
export async function zoneDescendants(trx: Kysely<DB>, zoneIds: readonly string[]): Promise<string[]> {
  if (zoneIds.length === 0) return [];
  const { rows } = await sql<{ id: string }>`${scopeCte(zoneIds)} select id from scope`.execute(trx);
  return rows.map((r) => r.id);
}

interface ZoneQuery {
  layerCode?: string;
  ids?: readonly string[];
  zoneScope?: readonly string[] | null;
  withGeometry?: boolean;
}

async function queryZones(trx: Kysely<DB>, q: ZoneQuery): Promise<ZoneRow[]> {
  const { rows } = await sql<ZoneRow & { position: number }>`
    ${q.zoneScope ? scopeCte(q.zoneScope) : sql``}
    select z.id, z.code, z.name, l.code as layer, l.position, z.parent_id, z.centroid, z.bbox,
      coalesce(ind.indicators, '{}'::jsonb) as indicators
      ${q.withGeometry ? sql`, z.geometry` : sql``}
    from zone z
    join zone_layer l on l.campaign_id = z.campaign_id and l.id = z.layer_id
    left join lateral (
      select jsonb_object_agg(latest.name, latest.value) as indicators
      from (
        select distinct on (i.name) i.name, i.value
        from zone_indicator i
        where i.campaign_id = z.campaign_id and i.zone_id = z.id
        order by i.name, i.year desc
      ) latest
    ) ind on true
    where true
      ${q.layerCode !== undefined ? sql`and l.code = ${q.layerCode}` : sql``}
      ${q.ids ? sql`and z.id = any(${[...q.ids]}::uuid[])` : sql``}
      ${q.zoneScope ? sql`and (z.campaign_id, z.id) in (select campaign_id, id from scope)` : sql``}`.execute(trx);
  rows.sort((a, b) => a.position - b.position || a.code.localeCompare(b.code, 'fr', { numeric: true }));
  return rows.map(({ position: _position, ...zone }) => zone);
}

/** Zones of the current campaign, optionally of one layer and within a referent's scope. */
export function listZones(trx: Kysely<DB>, options: ListZonesOptions = {}): Promise<ZoneRow[]> {
  if (options.zoneScope && options.zoneScope.length === 0) return Promise.resolve([]);
  return queryZones(trx, options);
}

/** The zones with these ids (unknown ids are ignored). */
export function findZonesByIds(trx: Kysely<DB>, ids: readonly string[], options: { withGeometry?: boolean } = {}): Promise<ZoneRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return queryZones(trx, { ids, withGeometry: options.withGeometry });
}
