// Interpolation on the real Paris layers of the 20th (IRIS 2024, polling-station areas 2024, BAN
// addresses, IRIS dwellings), when the local mirror is there (RELAIS_OPENDATA_DIR, or
// ../shared/data/paris); skipped otherwise. The expected figures are computed by hand from the
// addresses: with no building known, an IRIS' dwellings are spread evenly over its addresses, so its
// share in a polling station is its share of addresses there.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { openCsv, parseNumber } from '../../opendata/csv.ts';
import { findLocalMirror } from '../../opendata/mirror.ts';
import { parisManifest } from '../../opendata/paris.manifest.ts';
import { type AreaGeometry, createZoneLocator } from '../territory/index.ts';
import { type AddressGroup, buildCrosswalk, interpolateCount, interpolateLevel } from './interpolate.ts';

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);

interface Feature {
  properties: Record<string, unknown>;
  geometry: AreaGeometry;
}

describe.skipIf(!mirror)('interpolation on the Paris layers of the 20th', () => {
  const irisOf = new Map<string, string>(); // address → IRIS
  const stationOf = new Map<string, string>(); // address → station
  const population = new Map<string, number>();
  const dwellings = new Map<string, number>();
  const income = new Map<string, number>();
  let groups: AddressGroup[];

  beforeAll(async () => {
    const dir = mirror as string;
    const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')).features as Feature[];
    const iris = read('iris-paris-2024.geojson').filter((f) => String(f.properties.code_iris).startsWith('75120'));
    const stations = read('bureaux-de-vote-secteurs-2024.geojson').filter((f) => String(f.properties.id_bv).startsWith('20-'));
    const locator = createZoneLocator([
      ...iris.map((f) => ({ id: `iris:${f.properties.code_iris}`, geometry: f.geometry })),
      ...stations.map((f) => ({ id: `bv:${f.properties.id_bv}`, geometry: f.geometry })),
    ]);
    const ban = await openCsv(path.join(dir, 'adresses-75.csv.gz'), { delimiter: ';' });
    const [id, postcode, lon, lat] = ['id', 'code_postal', 'lon', 'lat'].map((c) => ban.column.get(c) as number) as number[];
    for await (const row of ban.rows) {
      const v = row.values;
      if (v[postcode as number] !== '75020') continue;
      const zones = locator.locate(Number(v[lon as number]), Number(v[lat as number]));
      const i = zones.find((z) => z.startsWith('iris:'));
      const b = zones.find((z) => z.startsWith('bv:'));
      if (i && b) {
        irisOf.set(v[id as number] as string, i);
        stationOf.set(v[id as number] as string, b);
      }
    }
    const csv = await openCsv(path.join(dir, 'iris-paris-indicateurs.csv'), { delimiter: ',' });
    const col = (name: string) => csv.column.get(name) as number;
    for await (const row of csv.rows) {
      const code = `iris:${row.values[col('code_iris')]}`;
      if (!code.startsWith('iris:75120')) continue;
      population.set(code, parseNumber(row.values[col('population')]) ?? 0);
      dwellings.set(code, parseNumber(row.values[col('nombre_logements')]) ?? 0);
      const m = parseNumber(row.values[col('niveau_vie_median')]);
      if (m !== null) income.set(code, m);
    }
    const byPair = new Map<string, AddressGroup>();
    for (const [a, i] of irisOf) {
      const b = stationOf.get(a) as string;
      const g = byPair.get(`${i}|${b}`) ?? { source: i, target: b, iris: i, addresses: 0, knownAddresses: 0, knownDwellings: 0 };
      g.addresses++;
      byPair.set(`${i}|${b}`, g);
    }
    groups = [...byPair.values()];
  }, 120_000);

  it('carries the population of the 20th’s IRIS to its polling stations, by hand', () => {
    expect(irisOf.size).toBeGreaterThan(10_000);
    const out = interpolateCount(population, buildCrosswalk(groups, dwellings));
    expect(out.size).toBeGreaterThan(50);
    // By hand, for every station: Σ over IRIS of population × (its addresses in the station / its addresses).
    const irisAddresses = new Map<string, number>();
    for (const i of irisOf.values()) irisAddresses.set(i, (irisAddresses.get(i) ?? 0) + 1);
    const expected = new Map<string, number>();
    for (const [a, i] of irisOf) {
      const b = stationOf.get(a) as string;
      expected.set(b, (expected.get(b) ?? 0) + (population.get(i) ?? 0) / (irisAddresses.get(i) as number));
    }
    for (const [b, v] of expected) expect(out.get(b) ?? 0).toBeCloseTo(v, 6);
    // Totals kept: the stations hold the population of every IRIS with an address (IRIS with
    // dwellings but no address — parks, cemeteries — are carried nowhere).
    const carried = [...irisAddresses.keys()].reduce((s, i) => s + ((dwellings.get(i) ?? 0) > 0 ? (population.get(i) ?? 0) : 0), 0);
    expect([...out.values()].reduce((s, v) => s + v, 0)).toBeCloseTo(carried, 3);
    expect(carried).toBeGreaterThan(150_000);
  });

  it('gives each polling station a median income between its IRIS’ extremes', () => {
    const cw = buildCrosswalk(groups, dwellings);
    const out = interpolateLevel(income, cw);
    const values = [...income.values()];
    for (const v of out.values()) {
      expect(v).toBeGreaterThanOrEqual(Math.min(...values));
      expect(v).toBeLessThanOrEqual(Math.max(...values));
    }
  });
});
