// Plain queries of targeting: the inputs of a score (election counts, indicators, the address
// groups of the crosswalk) and its outputs (zones' scores, target zones, buildings' scores).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AddressGroup } from './interpolate.ts';
import type { ZoneScore } from './score.ts';

export interface LayerRef {
  id: string;
  code: string;
  name: string;
}

/** The campaign's layers, by code. */
export async function layersByCode(trx: Kysely<DB>): Promise<Map<string, LayerRef>> {
  const rows = await trx.selectFrom('zone_layer').select(['id', 'code', 'name']).orderBy('position').execute();
  return new Map(rows.map((r) => [r.code, r] as const));
}

export interface ElectionRow {
  code: string;
  round: number;
  label: string;
  layer_id: string | null;
}

/** Elections whose results were imported, most recent import first. */
export function listElections(trx: Kysely<DB>): Promise<ElectionRow[]> {
  return trx.selectFrom('election').select(['code', 'round', 'label', 'layer_id']).orderBy('code', 'desc').orderBy('round').execute();
}

/** Candidates (lists) of an election round with their nuance and votes, most voted first. */
export async function electionCandidates(
  trx: Kysely<DB>,
  election: string,
  round: number,
): Promise<Array<{ name: string; nuance: string }>> {
  return trx
    .selectFrom('election_result')
    .select(['candidate as name', (eb) => eb.fn.max('nuance').as('nuance')])
    .where('election', '=', election)
    .where('round', '=', round)
    .groupBy('candidate')
    .orderBy((eb) => eb.fn.sum('votes'), 'desc')
    .limit(200)
    .execute();
}

export interface CandidateCount {
  zone_id: string;
  candidate: string;
  ours: boolean;
  registered: number;
  voters: number | null;
  expressed: number;
  votes: number;
}

/** Votes per zone and candidate of one round, each candidate marked ours when its name or nuance is in `side`. */
export async function electionCounts(
  trx: Kysely<DB>,
  options: { election: string; round: number; side: readonly string[] },
): Promise<CandidateCount[]> {
  const { rows } = await sql<CandidateCount>`
    select zone_id, candidate,
      bool_or(candidate = any(${[...options.side]}::text[]) or nuance = any(${[...options.side]}::text[])) as ours,
      max(registered)::float8 as registered, max(voters)::float8 as voters, max(expressed)::float8 as expressed,
      sum(votes)::float8 as votes
    from election_result
    where election = ${options.election} and round = ${options.round}
    group by zone_id, candidate`.execute(trx);
  return rows;
}

/** The layer an election's results were imported on (its polling stations). */
export async function electionLayer(trx: Kysely<DB>, election: string, round: number): Promise<string | null> {
  const row = await trx
    .selectFrom('election_result as r')
    .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 'r.campaign_id').onRef('z.id', '=', 'r.zone_id'))
    .select('z.layer_id')
    .where('r.election', '=', election)
    .where('r.round', '=', round)
    .limit(1)
    .executeTakeFirst();
  return row?.layer_id ?? null;
}

/** The latest value of indicators per zone, with the zone's layer. */
export async function indicatorValues(
  trx: Kysely<DB>,
  names: readonly string[],
): Promise<Array<{ zone_id: string; layer_id: string; name: string; value: number }>> {
  if (names.length === 0) return [];
  const { rows } = await sql<{ zone_id: string; layer_id: string; name: string; value: number }>`
    select distinct on (i.zone_id, i.name) i.zone_id, z.layer_id, i.name, i.value
    from zone_indicator i join zone z on z.campaign_id = i.campaign_id and z.id = i.zone_id
    where i.name = any(${[...names]}::text[])
    order by i.zone_id, i.name, i.year desc`.execute(trx);
  return rows;
}

/** Indicator names present per layer (for the list of ingredients). */
export async function indicatorNamesByLayer(trx: Kysely<DB>): Promise<Array<{ layer_id: string; name: string; zones: number }>> {
  const { rows } = await sql<{ layer_id: string; name: string; zones: number }>`
    select z.layer_id, i.name, count(distinct i.zone_id)::int as zones
    from zone_indicator i join zone z on z.campaign_id = i.campaign_id and z.id = i.zone_id
    group by z.layer_id, i.name`.execute(trx);
  return rows;
}

/**
 * Addresses grouped by (zone of the source layer, zone of the target layer, IRIS), with the
 * dwellings known from buildings (a building's doors shared evenly by its addresses).
 */
export async function addressGroups(
  trx: Kysely<DB>,
  options: { campaignId: string; sourceLayerId: string; targetLayerId: string; irisLayerId: string | null },
): Promise<AddressGroup[]> {
  const { campaignId, sourceLayerId: s, targetLayerId: t, irisLayerId: i } = options;
  const layers = [s, t, ...(i ? [i] : [])];
  const { rows } = await sql<{
    source: string;
    target: string;
    iris: string | null;
    addresses: number;
    known_addresses: number;
    known_dwellings: number;
  }>`
    with lz as (
      select id, layer_id from zone where campaign_id = ${campaignId} and layer_id = any(${layers}::uuid[])
    ), located as (
      select a.id,
        max(lz.id::text) filter (where lz.layer_id = ${s}) as source,
        max(lz.id::text) filter (where lz.layer_id = ${t}) as target,
        max(lz.id::text) filter (where lz.layer_id = ${i}) as iris
      from address a cross join lateral unnest(a.zone_ids) as u(zone_id) join lz on lz.id = u.zone_id
      where a.campaign_id = ${campaignId} and a.zone_ids is not null
      group by a.id
    ), known as (
      select ba.address_id, b.doors::float8 / count(*) over (partition by ba.building_id) as dwellings
      from building_address ba join building b on b.campaign_id = ba.campaign_id and b.id = ba.building_id
      where ba.campaign_id = ${campaignId}
    )
    select l.source, l.target, l.iris, count(*)::int as addresses, count(k.dwellings)::int as known_addresses,
      coalesce(sum(k.dwellings), 0)::float8 as known_dwellings
    from located l left join known k on k.address_id = l.id
    where l.source is not null and l.target is not null
    group by l.source, l.target, l.iris`.execute(trx);
  return rows.map((r) => ({
    source: r.source,
    target: r.target,
    iris: r.iris,
    addresses: r.addresses,
    knownAddresses: r.known_addresses,
    knownDwellings: r.known_dwellings,
  }));
}

/** Replaces a score's zones with freshly computed ones. */
export async function writeScoreZones(trx: Kysely<DB>, campaignId: string, scoreId: string, zones: readonly ZoneScore[]): Promise<void> {
  await trx.deleteFrom('target_score_zone').where('score_id', '=', scoreId).execute();
  for (let i = 0; i < zones.length; i += 1000) {
    await trx
      .insertInto('target_score_zone')
      .values(
        zones.slice(i, i + 1000).map((z) => ({
          campaign_id: campaignId,
          score_id: scoreId,
          zone_id: z.zoneId,
          score: z.score,
          rank: z.rank,
          priority: z.priority,
          interpolated: z.interpolated,
          explanation: JSON.stringify(z.explanation),
        })),
      )
      .execute();
  }
}

/**
 * Writes building.score from its zone's score and its size: score / 100 × doors ("doors weighted
 * by the zone's priority", so a large building of a good zone comes before a house of the same
 * zone). In SQL, for every building lying in a zone of the score (within `zoneIds` when given: a
 * referent's zones). Returns the number of buildings written.
 */
export async function writeBuildingScores(trx: Kysely<DB>, scoreId: string, zoneIds: readonly string[] | null): Promise<number> {
  const result = await sql`
    update building b set score = z.score / 100.0 * b.doors
    from target_score_zone z
    where z.campaign_id = b.campaign_id and z.score_id = ${scoreId} and z.zone_id = any(b.zone_ids)
      ${zoneIds ? sql`and z.zone_id = any(${[...zoneIds]}::uuid[])` : sql``}`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
