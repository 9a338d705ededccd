// Carrying figures between geographies that do not nest (IRIS ↔ polling station, either ↔
// arrondissement) by areal-weighting's better cousin: weighting by dwellings. Each address of the
// address base lies in one zone of each layer; the dwellings behind the address (from a building's
// doors when the field module knows them — the social-housing file where it has the programme —,
// else its IRIS' dwellings spread evenly over the IRIS' addresses) say how much of a source zone
// lies in a target zone. Pure functions, no database: targeting.repo.ts feeds them grouped rows.
//
// Definitions (s a source zone, t a target zone, A(s,t) the addresses in both):
//   w(s,t)  = Σ_{a ∈ A(s,t)} dwellings(a)                                  (the crosswalk)
//   W(s)    = Σ_t w(s,t)
//   count:  x(t) = Σ_s x(s) · w(s,t) / W(s)       a count is split in proportion (totals kept)
//   level:  y(t) = Σ_s y(s) · w(s,t) / Σ_s w(s,t)  a rate or level is a dwelling-weighted mean
// A rate with known counts (abstention = 1 − voters/registered) is recomputed from interpolated
// counts, never averaged: interpolateRatio.

/** Addresses of one (source, target, IRIS) combination: how many, and the dwellings known for some of them. */
export interface AddressGroup {
  source: string;
  target: string;
  /** The IRIS the addresses lie in (null outside any IRIS). */
  iris: string | null;
  addresses: number;
  /** Of those addresses, how many have a known dwelling count (a building's doors), and their sum. */
  knownAddresses: number;
  knownDwellings: number;
}

/** The dwellings-weighted share of each source zone in each target zone: source → target → weight. */
export type Crosswalk = Map<string, Map<string, number>>;

/**
 * Dwellings per address of each IRIS: its dwellings (the IRIS indicator) less those already known
 * at its addresses, spread evenly over its other addresses; never below zero. An IRIS without the
 * indicator counts one dwelling per address.
 */
export function dwellingsPerAddress(groups: readonly AddressGroup[], irisDwellings: ReadonlyMap<string, number>): Map<string, number> {
  const totals = new Map<string, { unknown: number; known: number }>();
  for (const g of groups) {
    if (g.iris === null) continue;
    const t = totals.get(g.iris) ?? { unknown: 0, known: 0 };
    t.unknown += g.addresses - g.knownAddresses;
    t.known += g.knownDwellings;
    totals.set(g.iris, t);
  }
  const out = new Map<string, number>();
  for (const [iris, t] of totals) {
    const dwellings = irisDwellings.get(iris);
    if (dwellings === undefined || !Number.isFinite(dwellings)) out.set(iris, 1);
    else out.set(iris, t.unknown > 0 ? Math.max(0, dwellings - t.known) / t.unknown : 0);
  }
  return out;
}

/** The crosswalk w(s,t) from address groups (see the header); zero-weight pairs are left out. */
export function buildCrosswalk(groups: readonly AddressGroup[], irisDwellings: ReadonlyMap<string, number>): Crosswalk {
  const perAddress = dwellingsPerAddress(groups, irisDwellings);
  const out: Crosswalk = new Map();
  for (const g of groups) {
    const each = g.iris === null ? 1 : (perAddress.get(g.iris) ?? 1);
    const w = g.knownDwellings + (g.addresses - g.knownAddresses) * each;
    if (!(w > 0)) continue;
    const row = out.get(g.source) ?? new Map<string, number>();
    row.set(g.target, (row.get(g.target) ?? 0) + w);
    out.set(g.source, row);
  }
  return out;
}

/** A count carried to the targets: each source's count split in proportion to its dwellings in each target. */
export function interpolateCount(values: ReadonlyMap<string, number>, crosswalk: Crosswalk): Map<string, number> {
  const out = new Map<string, number>();
  for (const [source, value] of values) {
    const row = crosswalk.get(source);
    if (!row) continue;
    let total = 0;
    for (const w of row.values()) total += w;
    for (const [target, w] of row) out.set(target, (out.get(target) ?? 0) + (value * w) / total);
  }
  return out;
}

/** A level (a median income, a rate without its counts) carried as the dwelling-weighted mean of the sources overlapping each target. */
export function interpolateLevel(values: ReadonlyMap<string, number>, crosswalk: Crosswalk): Map<string, number> {
  const sum = new Map<string, number>();
  const weight = new Map<string, number>();
  for (const [source, value] of values) {
    const row = crosswalk.get(source);
    if (!row) continue;
    for (const [target, w] of row) {
      sum.set(target, (sum.get(target) ?? 0) + value * w);
      weight.set(target, (weight.get(target) ?? 0) + w);
    }
  }
  const out = new Map<string, number>();
  for (const [target, s] of sum) {
    const w = weight.get(target) as number;
    if (w > 0) out.set(target, s / w);
  }
  return out;
}

/** A rate recomputed from its two interpolated counts (numerator / denominator × scale); targets with no denominator are left out. */
export function interpolateRatio(
  numerator: ReadonlyMap<string, number>,
  denominator: ReadonlyMap<string, number>,
  crosswalk: Crosswalk,
  scale = 1,
): Map<string, number> {
  const num = interpolateCount(numerator, crosswalk);
  const den = interpolateCount(denominator, crosswalk);
  const out = new Map<string, number>();
  for (const [target, d] of den) if (d > 0) out.set(target, ((num.get(target) ?? 0) / d) * scale);
  return out;
}
