// Turf cutting on the real Paris addresses of the 20th arrondissement, when the local mirror is there
// (RELAIS_OPENDATA_DIR, or ../shared/data/paris beside the repository); skipped otherwise. Doors are
// ESTIMATED as one per BAN address (see ban-buildings.ts); polling stations come from the 2024
// polling-station areas through the territory module's zone locator.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config.ts';
import { findLocalMirror } from '../../../opendata/mirror.ts';
import { parisManifest } from '../../../opendata/paris.manifest.ts';
import { type AreaGeometry, createZoneLocator } from '../../territory/index.ts';
import { readBanBuildings } from './ban-buildings.ts';
import { type CutBuilding, type CutResult, cutTurfs } from './cut-turfs.ts';

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);

function expectEachBuildingOnce(buildings: readonly CutBuilding[], result: CutResult) {
  const count = new Map<string, number>();
  for (const t of result.turfs) for (const id of t.buildingIds) count.set(id, (count.get(id) ?? 0) + 1);
  expect(count.size).toBe(buildings.length);
  expect([...count.values()].filter((n) => n !== 1)).toEqual([]);
}

describe.skipIf(!mirror)('turf cutting on the Paris addresses of the 20th', () => {
  let buildings: CutBuilding[];
  beforeAll(async () => {
    buildings = await readBanBuildings(path.join(mirror as string, 'adresses-75.csv.gz'), { postcodes: ['75020'] });
  }, 120_000);

  it('cuts 500-door turfs: every building once, sizes within ±15 %, walks shorter than nearest neighbour', () => {
    expect(buildings.length).toBeGreaterThan(10_000);
    const result = cutTurfs(buildings, { targetDoors: 500 });
    expectEachBuildingOnce(buildings, result);
    expect(result.turfs.length).toBeGreaterThan(15);
    for (const t of result.turfs) {
      expect(t.doors).toBeGreaterThanOrEqual(500 * 0.85);
      expect(t.doors).toBeLessThanOrEqual(500 * 1.15);
      expect(t.metres).toBeLessThanOrEqual(t.nearestNeighbourMetres + 1e-6);
    }
    const walked = result.turfs.reduce((s, t) => s + t.metres, 0);
    const nearest = result.turfs.reduce((s, t) => s + t.nearestNeighbourMetres, 0);
    expect(walked).toBeLessThan(nearest * 0.95);
    expect(result.cost).toBeLessThan(result.seedCost);
  }, 120_000);

  it('keeps the polling stations of the 20th apart when asked', () => {
    const areas = JSON.parse(readFileSync(path.join(mirror as string, 'bureaux-de-vote-secteurs-2024.geojson'), 'utf8')) as {
      features: Array<{ properties: { id_bv: string }; geometry: AreaGeometry }>;
    };
    const locator = createZoneLocator(areas.features.map((f) => ({ id: String(f.properties.id_bv), geometry: f.geometry })));
    const located = buildings.map((b) => ({ ...b, station: locator.locate(b.lon, b.lat)[0] ?? null }));
    const stations = new Set(located.map((b) => b.station).filter(Boolean));
    expect(stations.size).toBeGreaterThan(40);
    const stationOf = new Map(located.map((b) => [b.id, b.station]));
    const result = cutTurfs(located, { targetDoors: 100, keepStations: true });
    expectEachBuildingOnce(located, result);
    for (const t of result.turfs) {
      expect(new Set(t.buildingIds.map((id) => stationOf.get(id)))).toEqual(new Set([t.station]));
      const bounds = result.bounds[t.station ?? ''] as { min: number; max: number };
      expect(t.doors).toBeGreaterThanOrEqual(Math.floor(bounds.min));
      expect(t.doors).toBeLessThanOrEqual(Math.ceil(bounds.max));
    }
    // Without the constraint, the same cut crosses station boundaries.
    const free = cutTurfs(located, { targetDoors: 100 });
    expect(free.turfs.some((t) => new Set(t.buildingIds.map((id) => stationOf.get(id))).size > 1)).toBe(true);
  }, 120_000);
});
