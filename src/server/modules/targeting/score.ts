// A score from weighted ingredients, pure: each ingredient's values are normalised over the zones of
// the layer (min–max to 0…1, flipped when lower is better), combined as a weighted mean scaled to
// 0–100, ranked, and cut into priorities P1–P5 by quintiles of the rank (P1 the top fifth). Each
// zone keeps its explanation: per ingredient its value, normalised value, weight and contribution.

export const DIRECTIONS = ['high', 'low'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface Ingredient {
  metric: string;
  weight: number;
  direction: Direction;
}

/** An ingredient's raw values per zone and where they came from. */
export interface IngredientValues {
  metric: string;
  values: ReadonlyMap<string, number>;
  /** The layer the values were read on, when interpolated to the score's layer (else null). */
  interpolatedFrom: string | null;
}

export interface ExplanationLine {
  metric: string;
  value: number | null;
  normalised: number | null;
  weight: number;
  /** Points of the 0–100 score this ingredient gives (weight share × normalised × 100). */
  contribution: number;
  interpolated_from: string | null;
}

export interface ZoneScore {
  zoneId: string;
  score: number;
  rank: number;
  priority: number;
  interpolated: boolean;
  explanation: ExplanationLine[];
}

/** Min–max normalisation to 0…1 (1 the best given the direction); all-equal values give 1. */
export function normalise(values: ReadonlyMap<string, number>, direction: Direction): Map<string, number> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values.values()) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const out = new Map<string, number>();
  for (const [zone, v] of values) {
    if (!Number.isFinite(v)) continue;
    const n = max > min ? (v - min) / (max - min) : 1;
    out.set(zone, direction === 'high' ? n : 1 - n);
  }
  return out;
}

/** Priority of the zone at `rank` (0-based) among n: 1 for the top fifth … 5 for the last fifth. */
export function priorityOf(rank: number, n: number): number {
  return Math.min(5, 1 + Math.floor((5 * rank) / Math.max(1, n)));
}

/**
 * Scores the zones: a zone with no value for an ingredient gets nothing from it (said in its
 * explanation); zones with no value at all are left out. Ties are broken by zone id.
 */
export function scoreZones(
  zoneIds: readonly string[],
  ingredients: readonly Ingredient[],
  values: readonly IngredientValues[],
): ZoneScore[] {
  const totalWeight = ingredients.reduce((s, i) => s + Math.max(0, i.weight), 0);
  const inScope = new Set(zoneIds);
  const parts = ingredients.map((ing) => {
    const found = values.find((x) => x.metric === ing.metric);
    // Normalised over the scored zones only (a score within an arrondissement ranks its own stations).
    const v = found && { ...found, values: new Map([...found.values].filter(([z]) => inScope.has(z))) };
    return {
      ing,
      raw: v?.values ?? new Map<string, number>(),
      norm: normalise(v?.values ?? new Map(), ing.direction),
      from: v?.interpolatedFrom ?? null,
    };
  });
  const scored: Omit<ZoneScore, 'rank' | 'priority'>[] = [];
  for (const zoneId of zoneIds) {
    let score = 0;
    let any = false;
    const explanation = parts.map(({ ing, raw, norm, from }) => {
      const n = norm.get(zoneId);
      const share = totalWeight > 0 ? Math.max(0, ing.weight) / totalWeight : 0;
      const contribution = n === undefined ? 0 : share * n * 100;
      if (n !== undefined) any = true;
      score += contribution;
      return {
        metric: ing.metric,
        value: raw.get(zoneId) ?? null,
        normalised: n ?? null,
        weight: ing.weight,
        contribution,
        interpolated_from: from,
      };
    });
    if (any) scored.push({ zoneId, score, interpolated: explanation.some((e) => e.interpolated_from !== null), explanation });
  }
  scored.sort((a, b) => b.score - a.score || (a.zoneId < b.zoneId ? -1 : 1));
  return scored.map((z, rank) => ({ ...z, rank: rank + 1, priority: priorityOf(rank, scored.length) }));
}
