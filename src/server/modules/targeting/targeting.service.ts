// Use cases of targeting: computing a score for every zone of its layer (interpolating what was
// measured on another layer, see interpolate.ts), writing buildings' scores, picking target zones.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { ensureAddressesLocated, indicatorDefinition, zoneDescendants } from '../territory/index.ts';
import { buildCrosswalk, type Crosswalk, interpolateCount, interpolateLevel, interpolateRatio } from './interpolate.ts';
import { ELECTION_METRICS, type ElectionMetric, electionMetric, type ZoneVotes } from './presets.ts';
import { type Ingredient, type IngredientValues, scoreZones, type ZoneScore } from './score.ts';
import {
  addressGroups,
  electionCounts,
  electionLayer,
  indicatorValues,
  type LayerRef,
  layersByCode,
  writeBuildingScores,
  writeScoreZones,
} from './targeting.repo.ts';

export interface ScoreDefinition {
  id: string;
  layerId: string;
  /** Only the layer's zones inside this zone (their parent chain reaches it). */
  withinZoneId: string | null;
  election: string | null;
  round: number | null;
  side: readonly string[];
  ingredients: readonly Ingredient[];
}

const isElectionMetric = (m: string): m is ElectionMetric => (ELECTION_METRICS as readonly string[]).includes(m);

/** Checks a definition before it is saved: known metrics, an election and a side where needed, a weight. */
export function checkDefinition(def: Omit<ScoreDefinition, 'id' | 'layerId' | 'withinZoneId'>): void {
  if (!def.ingredients.some((i) => i.weight > 0))
    throw new AppError('TARGETING_WEIGHTS_EMPTY', 'Give at least one ingredient a weight above zero.');
  for (const i of def.ingredients) {
    if (isElectionMetric(i.metric)) {
      if (!def.election || !def.round)
        throw new AppError('TARGETING_ELECTION_REQUIRED', `${i.metric} is read from an election: choose one and its round.`);
      if ((i.metric === 'side_share' || i.metric === 'favourable_abstention') && def.side.length === 0)
        throw new AppError('TARGETING_SIDE_REQUIRED', `${i.metric} needs our side: the candidates or nuances whose votes are ours.`);
    } else if (!/^indicator:[\w-]{1,80}$/.test(i.metric)) {
      throw new AppError('TARGETING_METRIC_UNKNOWN', `Unknown ingredient ${i.metric}.`);
    }
  }
}

/** The layer whose zones carry the IRIS dwellings (the one with most zones holding `nombre_logements`). */
async function irisLayer(trx: Kysely<DB>): Promise<string | null> {
  const rows = await indicatorValues(trx, ['nombre_logements']);
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.layer_id, (count.get(r.layer_id) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/** Reads the inputs and carries them to the score's layer; then ranks. Pure of writes. */
export async function computeZoneScores(trx: Kysely<DB>, campaignId: string, def: ScoreDefinition): Promise<ZoneScore[]> {
  const layers = [...(await layersByCode(trx)).values()];
  const codeOf = (id: string) => layers.find((l: LayerRef) => l.id === id)?.code ?? id;
  let zoneIds = (await trx.selectFrom('zone').select('id').where('layer_id', '=', def.layerId).execute()).map((z) => z.id);
  if (def.withinZoneId) {
    const inside = new Set(await zoneDescendants(trx, [def.withinZoneId]));
    zoneIds = zoneIds.filter((id) => inside.has(id));
  }
  const crosswalks = new Map<string, Promise<Crosswalk>>();
  let located = false;
  let dwellings: Promise<{ layer: string | null; values: Map<string, number> }> | null = null;
  const crosswalkFrom = (source: string): Promise<Crosswalk> => {
    let cw = crosswalks.get(source);
    if (!cw) {
      cw = (async () => {
        if (!located) {
          await ensureAddressesLocated(trx, campaignId);
          located = true;
        }
        dwellings ??= (async () => {
          const layer = await irisLayer(trx);
          const rows = layer ? (await indicatorValues(trx, ['nombre_logements'])).filter((r) => r.layer_id === layer) : [];
          return { layer, values: new Map(rows.map((r) => [r.zone_id, r.value] as const)) };
        })();
        const d = await dwellings;
        const groups = await addressGroups(trx, { campaignId, sourceLayerId: source, targetLayerId: def.layerId, irisLayerId: d.layer });
        return buildCrosswalk(groups, d.values);
      })();
      crosswalks.set(source, cw);
    }
    return cw;
  };

  const values: IngredientValues[] = [];
  const electionMetrics = def.ingredients.filter((i) => isElectionMetric(i.metric));
  if (electionMetrics.length > 0 && def.election && def.round) {
    const layer = await electionLayer(trx, def.election, def.round);
    if (!layer) throw new AppError('TARGETING_ELECTION_REQUIRED', `No results imported for ${def.election}, round ${def.round}.`);
    const rows = await electionCounts(trx, { election: def.election, round: def.round, side: def.side });
    // Counts per source zone: registered, voters, valid votes, ours, then one per other candidate.
    const candidates = [...new Set(rows.filter((r) => !r.ours).map((r) => r.candidate))];
    const slot = new Map(candidates.map((c, i) => [c, i] as const));
    const counts = new Map<string, { registered: number; voters: number | null; expressed: number; ours: number; others: number[] }>();
    for (const r of rows) {
      const c = counts.get(r.zone_id) ?? {
        registered: r.registered,
        voters: r.voters,
        expressed: r.expressed,
        ours: 0,
        others: candidates.map(() => 0),
      };
      if (r.ours) c.ours += r.votes;
      else c.others[slot.get(r.candidate) as number] = r.votes;
      counts.set(r.zone_id, c);
    }
    let perZone: Map<string, ZoneVotes> = counts;
    if (layer !== def.layerId) {
      const cw = await crosswalkFrom(layer);
      const carry = (pick: (v: ZoneVotes) => number) => interpolateCount(new Map([...counts].map(([z, v]) => [z, pick(v)])), cw);
      const registered = carry((v) => v.registered);
      const hasVoters = [...counts.values()].every((v) => v.voters !== null);
      const voters = hasVoters ? carry((v) => v.voters as number) : null;
      const expressed = carry((v) => v.expressed);
      const ours = carry((v) => v.ours);
      const others = candidates.map((_, i) => carry((v) => v.others[i] ?? 0));
      perZone = new Map();
      for (const [z, reg] of registered)
        perZone.set(z, {
          registered: reg,
          voters: voters ? (voters.get(z) ?? 0) : null,
          expressed: expressed.get(z) ?? 0,
          ours: ours.get(z) ?? 0,
          others: others.map((o) => o.get(z) ?? 0),
        });
    }
    for (const ing of electionMetrics) {
      const out = new Map<string, number>();
      for (const [z, v] of perZone) {
        const m = electionMetric(ing.metric as ElectionMetric, v, def.side.length > 0);
        if (m !== null) out.set(z, m);
      }
      values.push({ metric: ing.metric, values: out, interpolatedFrom: layer === def.layerId ? null : codeOf(layer) });
    }
  }

  for (const ing of def.ingredients.filter((i) => !isElectionMetric(i.metric))) {
    const name = ing.metric.slice('indicator:'.length);
    const definition = indicatorDefinition(name);
    const agg = definition.aggregation;
    const names = agg.kind === 'ratio' ? [name, agg.numerator, agg.denominator] : [name];
    const rows = await indicatorValues(trx, names);
    if (!rows.some((r) => r.name === name)) throw new AppError('TARGETING_METRIC_UNKNOWN', `No indicator ${name} in the territory.`);
    const byLayer = (layer: string, n: string) =>
      new Map(rows.filter((r) => r.layer_id === layer && r.name === n).map((r) => [r.zone_id, r.value] as const));
    const own = byLayer(def.layerId, name);
    if (own.size > 0) {
      values.push({ metric: ing.metric, values: own, interpolatedFrom: null });
      continue;
    }
    // The finest layer holding it (most zones).
    const perLayer = new Map<string, number>();
    for (const r of rows) if (r.name === name) perLayer.set(r.layer_id, (perLayer.get(r.layer_id) ?? 0) + 1);
    const source = [...perLayer].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
    const cw = await crosswalkFrom(source);
    let carried: Map<string, number>;
    if (agg.kind === 'ratio' && byLayer(source, agg.denominator).size > 0) {
      carried = interpolateRatio(byLayer(source, agg.numerator), byLayer(source, agg.denominator), cw, agg.scale);
    } else if (agg.kind === 'sum') {
      carried = interpolateCount(byLayer(source, name), cw);
    } else {
      carried = interpolateLevel(byLayer(source, name), cw);
    }
    values.push({ metric: ing.metric, values: carried, interpolatedFrom: codeOf(source) });
  }
  return scoreZones(zoneIds, def.ingredients, values);
}

/**
 * Computes and stores a score's zones, then writes the scores of the buildings in them (within a
 * referent's zones when given). Returns the zones scored and the buildings written.
 */
export async function computeAndStore(
  trx: Kysely<DB>,
  campaignId: string,
  def: ScoreDefinition,
  buildingZones: readonly string[] | null,
): Promise<{ zones: number; buildings: number }> {
  const zones = await computeZoneScores(trx, campaignId, def);
  await writeScoreZones(trx, campaignId, def.id, zones);
  await trx.updateTable('target_score').set({ computed_at: new Date() }).where('id', '=', def.id).execute();
  const buildings = await writeBuildingScores(trx, def.id, buildingZones);
  return { zones: zones.length, buildings };
}
