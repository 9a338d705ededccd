// Cuts buildings into turfs of about N doors: compact, balanced, a building never split, polling
// stations kept apart when asked. Pure and synchronous (the field module runs it in a job and relays
// the progress). See "Turf cutting" in docs/ARCHITECTURE.md for the algorithm and its guarantees.
import { balance } from './balance.ts';
import { bisect, type PlanarPoints } from './bisect.ts';
import { localProjection } from './geo.ts';
import { type PolygonGeometry, type Position, turfPolygon } from './hull.ts';
import { walkOrder } from './walk-order.ts';

export interface CutBuilding {
  id: string;
  lon: number;
  lat: number;
  /** Doors to knock (≥ 1). */
  doors: number;
  /** Polling-station code, used when stations are kept apart. */
  station?: string | null;
}

export interface CutProgress {
  phase: 'seed' | 'improve' | 'order';
  done: number;
  total: number;
}

export interface CutOptions {
  /** Doors wanted per turf (N). */
  targetDoors: number;
  /** Allowed relative deviation of a turf's doors (default 0.1: ±10 %). */
  tolerance?: number;
  /** Cut each polling station separately: no turf spans two stations. */
  keepStations?: boolean;
  /** Improvement passes at most (default 30; 0 keeps the bisection's seed). */
  improvementPasses?: number;
  /** Reports the cut's progress (phase, done out of total). */
  onProgress?: (progress: CutProgress) => void;
}

export interface Turf {
  /** 0-based, in a stable order (station, then position in the bisection). */
  index: number;
  /** The turf's polling station when stations are kept apart, else null. */
  station: string | null;
  /** Building ids in walking order. */
  buildingIds: string[];
  doors: number;
  /** Convex hull of the buildings (lon/lat). */
  polygon: PolygonGeometry;
  /** Length of the walk in metres (open path, straight lines between buildings). */
  metres: number;
  /** The nearest-neighbour walk's length, before 2-opt and or-opt. */
  nearestNeighbourMetres: number;
  metresPerDoor: number;
}

export interface CutResult {
  turfs: Turf[];
  /** Door bounds each group's turfs were held within, per station ('' when stations are not kept). */
  bounds: Record<string, { min: number; max: number }>;
  /** Door-weighted sum of squared distances to turf centroids (m²), after the seed and at the end. */
  seedCost: number;
  cost: number;
  passes: number;
  moves: number;
  swaps: number;
}

/** The number of turfs whose average size is nearest the target (at least 1, at most one per building). */
export function turfCount(totalDoors: number, buildings: number, target: number): number {
  const low = Math.max(1, Math.floor(totalDoors / target));
  const high = low + 1;
  const k = Math.abs(totalDoors / low - target) <= Math.abs(totalDoors / high - target) ? low : high;
  return Math.max(1, Math.min(buildings, k));
}

function check(buildings: readonly CutBuilding[], options: CutOptions): void {
  if (!(options.targetDoors > 0) || !Number.isFinite(options.targetDoors)) throw new RangeError('targetDoors must be a positive number');
  const tolerance = options.tolerance ?? 0.1;
  if (!(tolerance >= 0 && tolerance < 1)) throw new RangeError('tolerance must be in [0, 1)');
  const ids = new Set<string>();
  for (const b of buildings) {
    if (ids.has(b.id)) throw new RangeError(`building ${b.id} is given twice`);
    ids.add(b.id);
    if (!Number.isFinite(b.lon) || !Number.isFinite(b.lat) || Math.abs(b.lon) > 180 || Math.abs(b.lat) > 90) {
      throw new RangeError(`building ${b.id} has invalid coordinates`);
    }
    if (!Number.isInteger(b.doors) || b.doors < 1) throw new RangeError(`building ${b.id} must have at least one door`);
  }
}

/** Cuts the buildings into turfs of about options.targetDoors doors (throws RangeError on invalid input). */
export function cutTurfs(input: readonly CutBuilding[], options: CutOptions): CutResult {
  check(input, options);
  const tolerance = options.tolerance ?? 0.1;
  const target = options.targetDoors;
  const passes = options.improvementPasses ?? 30;
  const progress = options.onProgress ?? (() => {});
  // Sorted by id: the same buildings give the same turfs whatever order they come in.
  const buildings = [...input].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = buildings.length;
  const projection = localProjection(buildings);
  const points: PlanarPoints = {
    xs: Float64Array.from(buildings, (b) => projection.x(b.lon)),
    ys: Float64Array.from(buildings, (b) => projection.y(b.lat)),
    doors: Float64Array.from(buildings, (b) => b.doors),
  };
  const groups = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const key = options.keepStations ? ((buildings[i] as CutBuilding).station ?? '') : '';
    let list = groups.get(key);
    if (!list) {
      list = [];
      groups.set(key, list);
    }
    list.push(i);
  }
  const groupKeys = [...groups.keys()].sort();
  const assignment = new Int32Array(n);
  const result: CutResult = { turfs: [], bounds: {}, seedCost: 0, cost: 0, passes: 0, moves: 0, swaps: 0 };
  const ranges: Array<{ key: string; first: number; k: number }> = [];
  let nextTurf = 0;
  for (const [g, key] of groupKeys.entries()) {
    const items = groups.get(key) as number[];
    let total = 0;
    for (const i of items) total += points.doors[i] as number;
    const k = turfCount(total, items.length, target);
    bisect(points, [...items], k, nextTurf, assignment);
    ranges.push({ key, first: nextTurf, k });
    nextTurf += k;
    progress({ phase: 'seed', done: g + 1, total: groupKeys.length });
  }

  // Improvement progress counts passes: each group has `passes` at most, and ends its share when it stops early.
  const improveTotal = Math.max(1, passes) * ranges.length;
  for (const [g, { key, first, k }] of ranges.entries()) {
    const items = groups.get(key) as number[];
    let total = 0;
    for (const i of items) total += points.doors[i] as number;
    // Bounds around the target, widened when a group's doors cannot be cut near it (a small station).
    const average = total / k;
    const min = Math.min(target, average) * (1 - tolerance);
    const max = Math.max(target, average) * (1 + tolerance);
    result.bounds[key] = { min, max };
    const report = balance(
      points,
      items,
      assignment,
      { first, k },
      {
        lo: min,
        hi: max,
        passes,
        onPass: (pass) => progress({ phase: 'improve', done: g * Math.max(1, passes) + pass, total: improveTotal }),
      },
    );
    progress({ phase: 'improve', done: (g + 1) * Math.max(1, passes), total: improveTotal });
    result.seedCost += report.seedCost;
    result.cost += report.cost;
    result.passes = Math.max(result.passes, report.passes);
    result.moves += report.moves;
    result.swaps += report.swaps;
  }

  const members: number[][] = Array.from({ length: nextTurf }, () => []);
  for (let i = 0; i < n; i++) (members[assignment[i] as number] as number[]).push(i);
  const stationOf = new Array<string | null>(nextTurf).fill(null);
  if (options.keepStations) for (const r of ranges) for (let t = r.first; t < r.first + r.k; t++) stationOf[t] = r.key || null;
  for (let t = 0; t < nextTurf; t++) {
    const list = members[t] as number[];
    const walk = walkOrder(
      Float64Array.from(list, (i) => points.xs[i] as number),
      Float64Array.from(list, (i) => points.ys[i] as number),
    );
    const ordered = walk.order.map((j) => buildings[list[j] as number] as CutBuilding);
    const doors = ordered.reduce((s, b) => s + b.doors, 0);
    result.turfs.push({
      index: t,
      station: stationOf[t] as string | null,
      buildingIds: ordered.map((b) => b.id),
      doors,
      polygon: turfPolygon(ordered.map((b): Position => [b.lon, b.lat])),
      metres: walk.metres,
      nearestNeighbourMetres: walk.nearestNeighbourMetres,
      metresPerDoor: doors > 0 ? walk.metres / doors : 0,
    });
    progress({ phase: 'order', done: t + 1, total: nextTurf });
  }
  return result;
}
