// Turf cutting on generated cities (no database): coverage, balance, compactness, stations kept,
// determinism, walking order and polygons.
import { describe, expect, it } from 'vitest';
import { type CutBuilding, type CutProgress, cutTurfs, turfCount } from './cut-turfs.ts';
import { haversineMetres, localProjection } from './geo.ts';
import { convexHull, turfPolygon } from './hull.ts';
import { syntheticBuildings } from './synthetic-buildings.ts';
import { nearestNeighbourPath, pathLength, walkOrder } from './walk-order.ts';

const city = syntheticBuildings({ count: 3000, seed: 3, maxDoors: 6 });
const totalDoors = city.reduce((s, b) => s + b.doors, 0);

/** Every input building appears in exactly one turf, and each turf's doors are its buildings'. */
function expectPartition(buildings: readonly CutBuilding[], turfs: ReturnType<typeof cutTurfs>['turfs']) {
  const byId = new Map(buildings.map((b) => [b.id, b]));
  const seen = new Map<string, number>();
  for (const t of turfs) {
    for (const id of t.buildingIds) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect(t.doors).toBe(t.buildingIds.reduce((s, id) => s + (byId.get(id) as CutBuilding).doors, 0));
  }
  expect(seen.size).toBe(buildings.length);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

/** The door-weighted mean distance (m) of buildings to their turf's centroid: lower is more compact. */
function meanRadius(buildings: readonly CutBuilding[], turfs: ReturnType<typeof cutTurfs>['turfs']): number {
  const byId = new Map(buildings.map((b) => [b.id, b]));
  const p = localProjection(buildings);
  let sum = 0;
  let doors = 0;
  for (const t of turfs) {
    const bs = t.buildingIds.map((id) => byId.get(id) as CutBuilding);
    const w = bs.reduce((s, b) => s + b.doors, 0);
    const cx = bs.reduce((s, b) => s + b.doors * p.x(b.lon), 0) / w;
    const cy = bs.reduce((s, b) => s + b.doors * p.y(b.lat), 0) / w;
    for (const b of bs) sum += b.doors * Math.sqrt((p.x(b.lon) - cx) ** 2 + (p.y(b.lat) - cy) ** 2);
    doors += w;
  }
  return sum / doors;
}

describe('cutTurfs', () => {
  const result = cutTurfs(city, { targetDoors: 100 });

  it('puts every building in exactly one turf, whole', () => {
    expectPartition(city, result.turfs);
    expect(result.turfs.length).toBe(turfCount(totalDoors, city.length, 100));
  });

  it('keeps every turf within ±10 % of the target doors', () => {
    const sizes = result.turfs.map((t) => t.doors);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(110);
  });

  it('makes the turfs more compact than the bisection alone, through moves and swaps', () => {
    const seedOnly = cutTurfs(city, { targetDoors: 100, improvementPasses: 0 });
    expect(seedOnly.cost).toBe(seedOnly.seedCost);
    expect(result.seedCost).toBe(seedOnly.seedCost);
    expect(result.moves).toBeGreaterThan(0);
    expect(result.cost).toBeLessThan(seedOnly.cost * 0.95);
    expect(meanRadius(city, result.turfs)).toBeLessThan(meanRadius(city, seedOnly.turfs));
  });

  it('uses swaps where the bounds leave no room for single moves', () => {
    const tight = cutTurfs(city, { targetDoors: 100, tolerance: 0.02 });
    expectPartition(city, tight.turfs);
    for (const t of tight.turfs) expect(Math.abs(t.doors - totalDoors / tight.turfs.length)).toBeLessThanOrEqual(2 + 6);
    expect(tight.swaps).toBeGreaterThan(0);
    expect(tight.cost).toBeLessThan(tight.seedCost);
  });

  it('gives the same turfs for the same buildings, whatever their order', () => {
    const shuffled = [...city].reverse();
    const again = cutTurfs(shuffled, { targetDoors: 100 });
    expect(again.turfs.map((t) => t.buildingIds)).toEqual(result.turfs.map((t) => t.buildingIds));
  });

  it('walks each turf no longer than nearest neighbour, and shorter overall', () => {
    let walked = 0;
    let nn = 0;
    for (const t of result.turfs) {
      expect(t.metres).toBeLessThanOrEqual(t.nearestNeighbourMetres + 1e-6);
      expect(t.metresPerDoor).toBeCloseTo(t.metres / t.doors, 9);
      walked += t.metres;
      nn += t.nearestNeighbourMetres;
    }
    expect(walked / nn).toBeLessThan(0.95);
  });

  it('draws each turf as a closed polygon containing its buildings', () => {
    const byId = new Map(city.map((b) => [b.id, b]));
    for (const t of result.turfs.slice(0, 5)) {
      const ring = t.polygon.coordinates[0] as Array<[number, number]>;
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const id of t.buildingIds) {
        const b = byId.get(id) as CutBuilding;
        // Counter-clockwise ring: every building is left of (or on) every edge.
        for (let e = 0; e + 1 < ring.length; e++) {
          const [ax, ay] = ring[e] as [number, number];
          const [bx, by] = ring[e + 1] as [number, number];
          expect((bx - ax) * (b.lat - ay) - (by - ay) * (b.lon - ax)).toBeGreaterThanOrEqual(-1e-12);
        }
      }
    }
  });

  it('keeps polling stations apart when asked', () => {
    // Stations as diagonal bands, which a cut along the axes would cross.
    const withStations = city.map((b) => ({ ...b, station: `S${Math.floor((b.lon - 2.2 + (b.lat - 48.8)) * 40)}` }));
    const stations = new Set(withStations.map((b) => b.station));
    expect(stations.size).toBeGreaterThan(3);
    const free = cutTurfs(withStations, { targetDoors: 100 });
    const stationOf = new Map(withStations.map((b) => [b.id, b.station]));
    const spanning = (turfs: typeof free.turfs) => turfs.filter((t) => new Set(t.buildingIds.map((id) => stationOf.get(id))).size > 1);
    expect(spanning(free.turfs).length).toBeGreaterThan(0);
    const kept = cutTurfs(withStations, { targetDoors: 100, keepStations: true });
    expectPartition(withStations, kept.turfs);
    expect(spanning(kept.turfs)).toEqual([]);
    for (const t of kept.turfs) {
      expect(t.station).toBe(stationOf.get(t.buildingIds[0] as string));
      const bounds = kept.bounds[t.station as string] as { min: number; max: number };
      expect(t.doors).toBeGreaterThanOrEqual(Math.floor(bounds.min));
      expect(t.doors).toBeLessThanOrEqual(Math.ceil(bounds.max));
    }
    expect(free.turfs.every((t) => t.station === null)).toBe(true);
  });

  it('never splits a building larger than the target', () => {
    const big: CutBuilding[] = [...syntheticBuildings({ count: 400, seed: 9 }), { id: 'tower', lon: 2.35, lat: 48.86, doors: 150 }];
    const cut = cutTurfs(big, { targetDoors: 100 });
    expectPartition(big, cut.turfs);
    expect(cut.turfs.filter((t) => t.buildingIds.includes('tower'))).toHaveLength(1);
  });

  it('reports progress through seed, improvement and order, ending at the turf count', () => {
    const seen: CutProgress[] = [];
    const cut = cutTurfs(city, { targetDoors: 100, onProgress: (p) => seen.push(p) });
    const phases = seen.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['seed', 'improve', 'order']);
    for (const phase of ['seed', 'improve', 'order'] as const) {
      const steps = seen.filter((p) => p.phase === phase);
      for (let i = 1; i < steps.length; i++)
        expect((steps[i] as CutProgress).done).toBeGreaterThanOrEqual((steps[i - 1] as CutProgress).done);
      expect(steps.at(-1)?.done).toBe(steps.at(-1)?.total);
    }
    expect(seen.at(-1)).toEqual({ phase: 'order', done: cut.turfs.length, total: cut.turfs.length });
  });

  it('refuses buildings without doors, repeated ids, bad coordinates and a bad target', () => {
    const one = { id: 'a', lon: 2.35, lat: 48.86, doors: 1 };
    expect(() => cutTurfs([{ ...one, doors: 0 }], { targetDoors: 10 })).toThrow(RangeError);
    expect(() => cutTurfs([one, one], { targetDoors: 10 })).toThrow(/twice/);
    expect(() => cutTurfs([{ ...one, lat: 91 }], { targetDoors: 10 })).toThrow(/coordinates/);
    expect(() => cutTurfs([one], { targetDoors: 0 })).toThrow(/targetDoors/);
    expect(cutTurfs([], { targetDoors: 10 }).turfs).toEqual([]);
  });
});

describe('turfCount', () => {
  it('picks the count whose average is nearest the target, within the buildings there are', () => {
    expect(turfCount(1000, 500, 100)).toBe(10);
    expect(turfCount(1040, 500, 100)).toBe(10);
    expect(turfCount(1060, 500, 100)).toBe(11);
    expect(turfCount(30, 10, 100)).toBe(1);
    expect(turfCount(900, 3, 100)).toBe(3);
  });
});

describe('walkOrder', () => {
  it('walks points on a line end to end, whatever their order', () => {
    const xs = [5, 1, 9, 3, 7, 0, 2, 8, 4, 6];
    const w = walkOrder(xs, new Array(xs.length).fill(0));
    expect(w.metres).toBe(9);
    expect([...w.order].sort((a, b) => a - b)).toEqual(xs.map((_, i) => i));
  });

  it('undoes the crossings nearest neighbour leaves', () => {
    // Random points: nearest neighbour's greedy path crosses itself; 2-opt and or-opt shorten it.
    const city = syntheticBuildings({ count: 400, seed: 5, radius: 0.01 });
    const p = localProjection(city);
    const xs = city.map((b) => p.x(b.lon));
    const ys = city.map((b) => p.y(b.lat));
    const w = walkOrder(xs, ys);
    expect(w.nearestNeighbourMetres).toBeCloseTo(pathLength(xs, ys, nearestNeighbourPath(xs, ys)), 6);
    expect(w.metres).toBeCloseTo(pathLength(xs, ys, w.order), 6);
    expect(new Set(w.order).size).toBe(400);
    expect(w.metres / w.nearestNeighbourMetres).toBeLessThan(0.9);
  });
});

describe('geometry helpers', () => {
  it('measures city distances on the local projection within 0.1 % of the haversine', () => {
    const a = { lon: 2.25, lat: 48.82 };
    const b = { lon: 2.42, lat: 48.9 };
    const p = localProjection([a, b]);
    const planar = Math.sqrt((p.x(a.lon) - p.x(b.lon)) ** 2 + (p.y(a.lat) - p.y(b.lat)) ** 2);
    const great = haversineMetres(a, b);
    expect(great).toBeGreaterThan(14_000);
    expect(Math.abs(planar - great) / great).toBeLessThan(0.001);
  });

  it('hulls a square with a point inside to its four corners, and boxes a lone building', () => {
    const hull = convexHull([
      [0, 0],
      [1, 0],
      [0.5, 0.5],
      [1, 1],
      [0, 1],
    ]);
    expect(hull).toEqual([
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ]);
    const box = turfPolygon([[2.35, 48.86]]);
    expect(box.coordinates[0]).toHaveLength(5);
    const [minX, minY] = (box.coordinates[0] as Array<[number, number]>)[0] as [number, number];
    expect(minX).toBeLessThan(2.35);
    expect(minY).toBeLessThan(48.86);
  });
});
