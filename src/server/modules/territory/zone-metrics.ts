// What a map of the territory can be coloured by, for any layer: the campaign's people per zone,
// the indicators (on their own layer, or aggregated from the zones inside or around) and the
// election results (the polling stations' votes summed per zone). Computed in SQL over zone_cover;
// indicator and result values are cached per (layer, metric) until the next territory import.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import {
  type IndicatorDefinition,
  type IndicatorFormat,
  indicatorDefinition,
  indicatorInputs,
  indicatorRank,
  isCatalogued,
  type Words,
} from './indicator-catalogue.ts';

export const METRIC_KINDS = ['people', 'indicator', 'turnout', 'registered', 'share'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Where a zone's value comes from: its own data, the finer zones inside it, or the zone around it. */
export const VALUE_ORIGINS = ['own', 'within', 'around'] as const;
export type ValueOrigin = (typeof VALUE_ORIGINS)[number];

export interface MetricInfo {
  /** "people", "indicator:<name>", "turnout:<election>:<round>", "registered:…", "share:<election>:<round>:<candidate>". */
  id: string;
  kind: MetricKind;
  label: Words;
  unit: Words | null;
  format: IndicatorFormat;
  /** The heading the metric is listed under (the election's label, "Indicators"…). */
  group: Words;
  /** Layer the values come from, when not the layer asked for. */
  source_layer: string | null;
}

export interface LayerRef {
  id: string;
  code: string;
}

interface Election {
  code: string;
  round: number;
  label: string;
  layer_id: string | null;
  layer_code: string | null;
  has_voters: boolean;
}

const PEOPLE_GROUP: Words = { fr: 'Campagne', en: 'Campaign' };
const INDICATOR_GROUP: Words = { fr: 'Indicateurs publics', en: 'Public indicators' };

/** Empties the cached values of the campaign: every territory import calls it in its transaction. */
export async function clearMetricCache(trx: Kysely<DB>, campaignId: string): Promise<void> {
  await sql`delete from zone_metric_cache where campaign_id = ${campaignId}`.execute(trx);
}

async function listElections(trx: Kysely<DB>, campaignId: string): Promise<Election[]> {
  const { rows } = await sql<Election>`
    select e.code, e.round, e.label, e.layer_id, l.code as layer_code,
      coalesce((select bool_and(r.voters is not null) from election_result r
        where r.campaign_id = e.campaign_id and r.election = e.code and r.round = e.round), false) as has_voters
    from election e left join zone_layer l on l.campaign_id = e.campaign_id and l.id = e.layer_id
    where e.campaign_id = ${campaignId}
    order by substring(e.code from '\\d{4}') desc nulls last, e.code, e.round desc`.execute(trx);
  return rows;
}

interface IndicatorPresence {
  name: string;
  layer_id: string;
  layer_code: string;
  zones: number;
  layer_zones: number;
}

async function indicatorPresence(trx: Kysely<DB>, campaignId: string): Promise<IndicatorPresence[]> {
  const { rows } = await sql<IndicatorPresence>`
    select i.name, l.id as layer_id, l.code as layer_code, count(distinct i.zone_id)::int as zones,
      (select count(*)::int from zone z2 where z2.campaign_id = l.campaign_id and z2.layer_id = l.id) as layer_zones
    from zone_indicator i
    join zone z on z.campaign_id = i.campaign_id and z.id = i.zone_id
    join zone_layer l on l.campaign_id = z.campaign_id and l.id = z.layer_id
    where i.campaign_id = ${campaignId}
    group by i.name, l.id, l.code, l.campaign_id`.execute(trx);
  return rows;
}

/**
 * The layer an indicator is read from for zones of `target`: its own when it has the indicator;
 * otherwise, for a rate or a level, the layer that has it for the most zones; for a count, only a
 * layer at least twice as fine (its zones add up to the target's). Null when none fits.
 */
function sourceLayerOf(def: IndicatorDefinition, presence: IndicatorPresence[], target: LayerRef, targetZones: number) {
  const layers = presence.filter((p) => p.name === def.name).sort((a, b) => b.zones - a.zones);
  const own = layers.find((p) => p.layer_id === target.id);
  if (own) return own;
  if (!isCatalogued(def.name)) return null;
  if (def.aggregation.kind === 'sum') return layers.find((p) => p.layer_zones >= 2 * targetZones) ?? null;
  return layers[0] ?? null;
}

async function layerZoneCount(trx: Kysely<DB>, campaignId: string, layerId: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from zone where campaign_id = ${campaignId} and layer_id = ${layerId}`.execute(trx);
  return rows[0]?.n ?? 0;
}

const turnoutWords = (hasVoters: boolean): { label: Words; unit: Words } =>
  hasVoters
    ? { label: { fr: 'Participation', en: 'Turnout' }, unit: { fr: '% des inscrits', en: '% of registered voters' } }
    : {
        label: { fr: 'Suffrages exprimés', en: 'Valid votes' },
        unit: { fr: '% des inscrits', en: '% of registered voters' },
      };

const METRICS_KEY = '#metrics';

/** The metrics of a layer from the cache (listed and stored on first read after an import). */
export async function layerMetrics(trx: Kysely<DB>, campaignId: string, layer: LayerRef): Promise<MetricInfo[]> {
  const cached = await trx
    .selectFrom('zone_metric_cache')
    .select('payload')
    .where('campaign_id', '=', campaignId)
    .where('layer_id', '=', layer.id)
    .where('metric', '=', METRICS_KEY)
    .executeTakeFirst();
  if (cached) return cached.payload as MetricInfo[];
  const metrics = await listMetrics(trx, campaignId, layer);
  await sql`insert into zone_metric_cache (campaign_id, layer_id, metric, payload)
    values (${campaignId}, ${layer.id}, ${METRICS_KEY}, ${JSON.stringify(metrics)}::jsonb)
    on conflict (campaign_id, layer_id, metric) do update set payload = excluded.payload, created_at = now()`.execute(trx);
  return metrics;
}

/** Every metric a map of this layer can show, people first, then indicators, then elections (latest first). */
export async function listMetrics(trx: Kysely<DB>, campaignId: string, layer: LayerRef): Promise<MetricInfo[]> {
  const targetZones = await layerZoneCount(trx, campaignId, layer.id);
  const metrics: MetricInfo[] = [
    {
      id: 'people',
      kind: 'people',
      label: { fr: 'Personnes de la campagne', en: 'People of the campaign' },
      unit: null,
      format: 'integer',
      group: PEOPLE_GROUP,
      source_layer: null,
    },
  ];
  const presence = await indicatorPresence(trx, campaignId);
  const names = [...new Set(presence.map((p) => p.name))].sort((a, b) => indicatorRank(a) - indicatorRank(b) || a.localeCompare(b));
  for (const name of names) {
    const def = indicatorDefinition(name);
    const source = sourceLayerOf(def, presence, layer, targetZones);
    if (!source) continue;
    metrics.push({
      id: `indicator:${name}`,
      kind: 'indicator',
      label: def.label,
      unit: def.unit,
      format: def.format,
      group: INDICATOR_GROUP,
      source_layer: source.layer_id === layer.id ? null : source.layer_code,
    });
  }
  for (const e of await listElections(trx, campaignId)) {
    if (!e.layer_id) continue;
    const group = { fr: e.label, en: e.label };
    const sourceLayer = e.layer_id === layer.id ? null : e.layer_code;
    const key = `${e.code}:${e.round}`;
    metrics.push(
      { id: `turnout:${key}`, kind: 'turnout', ...turnoutWords(e.has_voters), format: 'percent', group, source_layer: sourceLayer },
      {
        id: `registered:${key}`,
        kind: 'registered',
        label: { fr: 'Inscrits', en: 'Registered voters' },
        unit: null,
        format: 'integer',
        group,
        source_layer: sourceLayer,
      },
    );
    const { rows } = await sql<{ candidate: string }>`
      select candidate from election_result where campaign_id = ${campaignId} and election = ${e.code} and round = ${e.round}
      group by candidate order by sum(votes) desc, candidate`.execute(trx);
    for (const { candidate } of rows) {
      metrics.push({
        id: `share:${key}:${candidate}`,
        kind: 'share',
        label: { fr: candidate, en: candidate },
        unit: { fr: '% des exprimés', en: '% of valid votes' },
        format: 'percent',
        group,
        source_layer: sourceLayer,
      });
    }
  }
  return metrics;
}

/** A parsed metric id; null when it is not one. */
export function parseMetric(
  id: string,
):
  | { kind: 'people' }
  | { kind: 'indicator'; name: string }
  | { kind: 'turnout' | 'registered'; election: string; round: number }
  | { kind: 'share'; election: string; round: number; candidate: string }
  | null {
  if (id === 'people') return { kind: 'people' };
  const [kind, ...rest] = id.split(':');
  if (kind === 'indicator' && rest.length > 0 && rest.join(':') !== '') return { kind, name: rest.join(':') };
  if ((kind === 'turnout' || kind === 'registered') && rest.length === 2) {
    const round = Number(rest[1]);
    return Number.isInteger(round) && round > 0 && round < 10 ? { kind, election: rest[0] as string, round } : null;
  }
  if (kind === 'share' && rest.length >= 3) {
    const round = Number(rest[1]);
    const candidate = rest.slice(2).join(':');
    return Number.isInteger(round) && round > 0 && round < 10 && candidate ? { kind, election: rest[0] as string, round, candidate } : null;
  }
  return null;
}

export interface ZoneValue {
  zone_id: string;
  value: number;
  origin: ValueOrigin;
}

export interface MetricValues {
  values: ZoneValue[];
  /** Layer the values come from, when not the layer asked for. */
  source_layer: string | null;
}

const targetOf = (campaignId: string, layerId: string, zoneIds: readonly string[] | undefined) => sql`
  target as (
    select id from zone where campaign_id = ${campaignId} and layer_id = ${layerId}
    ${zoneIds ? sql`and id = any(${[...zoneIds]}::uuid[])` : sql``}
  )`;

function withinExpression(def: IndicatorDefinition): RawBuilder<number> {
  const a = def.aggregation;
  if (a.kind === 'sum') return sql<number>`sum(v)`;
  if (a.kind === 'ratio') {
    return sql<number>`coalesce(
      sum(a) filter (where a is not null and b is not null) * ${a.scale}::float8
        / nullif(sum(b) filter (where a is not null and b is not null), 0),
      avg(v))`;
  }
  if (a.weight) {
    return sql<number>`coalesce(sum(v * a) filter (where v is not null and a > 0) / nullif(sum(a) filter (where v is not null and a > 0), 0), avg(v))`;
  }
  return sql<number>`avg(v)`;
}

/** An indicator's values for the zones of a layer (all, or the given ones). */
async function indicatorValues(
  trx: Kysely<DB>,
  options: { campaignId: string; layer: LayerRef; name: string; zoneIds?: readonly string[] },
): Promise<MetricValues> {
  const { campaignId, layer } = options;
  const def = indicatorDefinition(options.name);
  const presence = await indicatorPresence(trx, campaignId);
  const source = sourceLayerOf(def, presence, layer, await layerZoneCount(trx, campaignId, layer.id));
  if (!source) return { values: [], source_layer: null };
  const inputs = indicatorInputs(def);
  const latest = sql`latest as (
    select distinct on (i.zone_id, i.name) i.zone_id, i.name, i.value
    from zone_indicator i join zone s on s.campaign_id = i.campaign_id and s.id = i.zone_id and s.layer_id = ${source.layer_id}
    where i.campaign_id = ${campaignId} and i.name = any(${inputs}::text[])
    order by i.zone_id, i.name, i.year desc
  )`;
  const target = targetOf(campaignId, layer.id, options.zoneIds);
  if (source.layer_id === layer.id) {
    const { rows } = await sql<ZoneValue>`with ${target}, ${latest}
      select t.id as zone_id, l.value, 'own' as origin from target t join latest l on l.zone_id = t.id and l.name = ${def.name}`.execute(
      trx,
    );
    return { values: rows, source_layer: null };
  }
  const agg = def.aggregation;
  const aName = agg.kind === 'ratio' ? agg.numerator : agg.kind === 'mean' ? agg.weight : null;
  const bName = agg.kind === 'ratio' ? agg.denominator : null;
  // A count is only summed from the zones inside; a rate or a level is also read from the zone around.
  const around =
    agg.kind === 'sum'
      ? sql`select null::uuid as zone_id, null::float8 as value where false`
      : sql`select distinct on (c.zone_id) c.zone_id, l.value
          from zone_cover c join target t on t.id = c.zone_id
          join latest l on l.zone_id = c.container_id and l.name = ${def.name}
          where c.campaign_id = ${campaignId}
          order by c.zone_id, l.value`;
  const { rows } = await sql<ZoneValue>`with ${target}, ${latest},
    src as (
      select c.container_id as zone_id, c.zone_id as src,
        max(l.value) filter (where l.name = ${def.name}) as v,
        max(l.value) filter (where l.name = ${aName ?? ''}) as a,
        max(l.value) filter (where l.name = ${bName ?? ''}) as b
      from zone_cover c join target t on t.id = c.container_id join latest l on l.zone_id = c.zone_id
      where c.campaign_id = ${campaignId}
      group by 1, 2
    ),
    within as (select zone_id, ${withinExpression(def)} as value from src group by zone_id),
    around as (${around})
    select coalesce(w.zone_id, a.zone_id) as zone_id, coalesce(w.value, a.value) as value,
      case when w.value is not null then 'within' else 'around' end as origin
    from (select * from within where value is not null) w full join around a on a.zone_id = w.zone_id
    where coalesce(w.value, a.value) is not null`.execute(trx);
  return { values: rows, source_layer: source.layer_code };
}

/** The polling stations (zones of the election's layer) behind each zone of the target layer. */
const stationsOf = (campaignId: string, layer: LayerRef, election: Election) =>
  election.layer_id === layer.id
    ? sql`stations as (select id as zone_id, id as station from target)`
    : sql`stations as (
        select c.container_id as zone_id, c.zone_id as station
        from zone_cover c join target t on t.id = c.container_id
        join zone s on s.campaign_id = c.campaign_id and s.id = c.zone_id and s.layer_id = ${election.layer_id}
        where c.campaign_id = ${campaignId})`;

export interface ResultTotals {
  zone_id: string;
  stations: number;
  registered: number;
  expressed: number;
  /** Null when the file gave no voters for some station. */
  voters: number | null;
}

async function findElection(trx: Kysely<DB>, campaignId: string, code: string, round: number): Promise<Election | null> {
  return (await listElections(trx, campaignId)).find((e) => e.code === code && e.round === round) ?? null;
}

async function resultTotals(
  trx: Kysely<DB>,
  options: { campaignId: string; layer: LayerRef; election: Election; zoneIds?: readonly string[] },
): Promise<ResultTotals[]> {
  const { campaignId, layer, election } = options;
  const { rows } =
    await sql<ResultTotals>`with ${targetOf(campaignId, layer.id, options.zoneIds)}, ${stationsOf(campaignId, layer, election)},
    per_station as (
      select distinct on (r.zone_id) r.zone_id, r.registered, r.expressed, r.voters
      from election_result r
      where r.campaign_id = ${campaignId} and r.election = ${election.code} and r.round = ${election.round}
        and r.zone_id in (select station from stations)
      order by r.zone_id
    )
    select s.zone_id, count(*)::int as stations, sum(p.registered)::int as registered, sum(p.expressed)::int as expressed,
      case when bool_and(p.voters is not null) then sum(p.voters)::int end as voters
    from stations s join per_station p on p.zone_id = s.station
    group by s.zone_id`.execute(trx);
  return rows;
}

export interface CandidateVotes {
  zone_id: string;
  candidate: string;
  nuance: string;
  votes: number;
}

async function candidateVotes(
  trx: Kysely<DB>,
  options: { campaignId: string; layer: LayerRef; election: Election; zoneIds?: readonly string[]; candidate?: string },
): Promise<CandidateVotes[]> {
  const { campaignId, layer, election } = options;
  const { rows } =
    await sql<CandidateVotes>`with ${targetOf(campaignId, layer.id, options.zoneIds)}, ${stationsOf(campaignId, layer, election)}
    select s.zone_id, r.candidate, max(r.nuance) as nuance, sum(r.votes)::int as votes
    from stations s join election_result r
      on r.campaign_id = ${campaignId} and r.election = ${election.code} and r.round = ${election.round} and r.zone_id = s.station
    ${options.candidate !== undefined ? sql`where r.candidate = ${options.candidate}` : sql``}
    group by s.zone_id, r.candidate
    order by s.zone_id, votes desc, r.candidate`.execute(trx);
  return rows;
}

const percent = (part: number, whole: number): number | null => (whole > 0 ? (100 * part) / whole : null);

/** The turnout of a station total: voters when known, else valid votes, over registered voters. */
const turnoutOf = (t: ResultTotals): number | null => percent(t.voters ?? t.expressed, t.registered);

/** The campaign's people per zone of the layer (not merged, not anonymised); the caller limits the zones to the actor's. */
async function peopleValues(trx: Kysely<DB>, campaignId: string, layer: LayerRef, zoneIds?: readonly string[]): Promise<ZoneValue[]> {
  const { rows } = await sql<ZoneValue>`with ${targetOf(campaignId, layer.id, zoneIds)}
    select zid as zone_id, count(*)::int as value, 'own' as origin
    from person p cross join lateral unnest(p.zone_ids) as zid
    where p.campaign_id = ${campaignId} and p.merged_into is null and p.anonymized_at is null
      and zid in (select id from target)
    group by zid`.execute(trx);
  return rows;
}

/** Values of one metric for the zones of a layer (all, or the given ones); null for an unknown metric. */
export async function computeMetricValues(
  trx: Kysely<DB>,
  options: { campaignId: string; layer: LayerRef; metric: string; zoneIds?: readonly string[] },
): Promise<MetricValues | null> {
  const { campaignId, layer, zoneIds } = options;
  const metric = parseMetric(options.metric);
  if (!metric) return null;
  if (metric.kind === 'people') return { values: await peopleValues(trx, campaignId, layer, zoneIds), source_layer: null };
  if (metric.kind === 'indicator') {
    const known = (await indicatorPresence(trx, campaignId)).some((p) => p.name === metric.name);
    return known ? indicatorValues(trx, { campaignId, layer, name: metric.name, ...(zoneIds ? { zoneIds } : {}) }) : null;
  }
  const election = await findElection(trx, campaignId, metric.election, metric.round);
  if (!election?.layer_id) return null;
  const sourceLayer = election.layer_id === layer.id ? null : election.layer_code;
  const origin: ValueOrigin = sourceLayer ? 'within' : 'own';
  const totals = await resultTotals(trx, { campaignId, layer, election, ...(zoneIds ? { zoneIds } : {}) });
  const values: ZoneValue[] = [];
  if (metric.kind === 'share') {
    const expressed = new Map(totals.map((t) => [t.zone_id, t.expressed] as const));
    const votes = await candidateVotes(trx, { campaignId, layer, election, candidate: metric.candidate, ...(zoneIds ? { zoneIds } : {}) });
    if (votes.length === 0) return null;
    for (const v of votes) {
      const share = percent(v.votes, expressed.get(v.zone_id) ?? 0);
      if (share !== null) values.push({ zone_id: v.zone_id, value: share, origin });
    }
  } else {
    for (const t of totals) {
      const value = metric.kind === 'registered' ? t.registered : turnoutOf(t);
      if (value !== null) values.push({ zone_id: t.zone_id, value, origin });
    }
  }
  return { values, source_layer: sourceLayer };
}

/**
 * Values of a metric for every zone of a layer: indicators and results from the cache (computed and
 * stored on first read after an import), people counted live (they change every minute).
 */
export async function layerMetricValues(
  trx: Kysely<DB>,
  options: { campaignId: string; layer: LayerRef; metric: string },
): Promise<MetricValues | null> {
  const { campaignId, layer, metric } = options;
  if (metric === 'people') return computeMetricValues(trx, options);
  const cached = await trx
    .selectFrom('zone_metric_cache')
    .select('payload')
    .where('campaign_id', '=', campaignId)
    .where('layer_id', '=', layer.id)
    .where('metric', '=', metric)
    .executeTakeFirst();
  if (cached) return cached.payload as MetricValues;
  const computed = await computeMetricValues(trx, options);
  if (!computed) return null;
  await sql`insert into zone_metric_cache (campaign_id, layer_id, metric, payload)
    values (${campaignId}, ${layer.id}, ${metric}, ${JSON.stringify(computed)}::jsonb)
    on conflict (campaign_id, layer_id, metric) do update set payload = excluded.payload, created_at = now()`.execute(trx);
  return computed;
}

export interface ZoneIndicator {
  name: string;
  label: Words;
  unit: Words | null;
  format: IndicatorFormat;
  value: number;
  origin: ValueOrigin;
  source_layer: string | null;
}

export interface ZoneElection {
  election: string;
  round: number;
  label: string;
  /** Layer of the polling stations, when not the zone's own. */
  source_layer: string | null;
  stations: number;
  registered: number;
  voters: number | null;
  expressed: number;
  /** Voters (or, when unknown, valid votes) over registered voters, in %. */
  turnout: number | null;
  turnout_label: Words;
  candidates: Array<{ name: string; nuance: string; votes: number; share: number | null }>;
}

export interface ZoneProfile {
  people: number;
  indicators: ZoneIndicator[];
  elections: ZoneElection[];
}

/** Everything known of one zone: people, indicators with their words, and each election's results. */
export async function zoneProfile(trx: Kysely<DB>, campaignId: string, zone: { id: string; layer: LayerRef }): Promise<ZoneProfile> {
  const zoneIds = [zone.id];
  const people = (await peopleValues(trx, campaignId, zone.layer, zoneIds))[0]?.value ?? 0;
  const indicators: ZoneIndicator[] = [];
  for (const metric of await listMetrics(trx, campaignId, zone.layer)) {
    if (metric.kind !== 'indicator') continue;
    const name = metric.id.slice('indicator:'.length);
    const { values, source_layer } = await indicatorValues(trx, { campaignId, layer: zone.layer, name, zoneIds });
    const v = values[0];
    if (v)
      indicators.push({
        name,
        label: metric.label,
        unit: metric.unit,
        format: metric.format,
        value: v.value,
        origin: v.origin,
        source_layer,
      });
  }
  const elections: ZoneElection[] = [];
  for (const election of await listElections(trx, campaignId)) {
    if (!election.layer_id) continue;
    const [totals] = await resultTotals(trx, { campaignId, layer: zone.layer, election, zoneIds });
    if (!totals) continue;
    const votes = await candidateVotes(trx, { campaignId, layer: zone.layer, election, zoneIds });
    elections.push({
      election: election.code,
      round: election.round,
      label: election.label,
      source_layer: election.layer_id === zone.layer.id ? null : election.layer_code,
      stations: totals.stations,
      registered: totals.registered,
      voters: totals.voters,
      expressed: totals.expressed,
      turnout: turnoutOf(totals),
      turnout_label: turnoutWords(totals.voters !== null).label,
      candidates: votes.map((v) => ({ name: v.candidate, nuance: v.nuance, votes: v.votes, share: percent(v.votes, totals.expressed) })),
    });
  }
  return { people, indicators, elections };
}
