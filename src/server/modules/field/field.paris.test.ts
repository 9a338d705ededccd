// Buildings and turfs on the real Paris data of the 20th, when the local mirror is there
// (RELAIS_OPENDATA_DIR, or ../shared/data/paris beside the repository); skipped otherwise. The BAN's
// addresses are grouped into buildings the way the field.make_buildings job does (groupAddresses),
// their doors estimated from the social-housing file and the IRIS main residences (estimateDoors),
// then cut into 500-door turfs: every building in exactly one turf, sizes within ±15 % of the target,
// walks shorter than nearest neighbour alone.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { openCsv, parseNumber } from '../../opendata/csv.ts';
import { BAN_COLUMNS } from '../../opendata/manifest.ts';
import { findLocalMirror } from '../../opendata/mirror.ts';
import { parisManifest } from '../../opendata/paris.manifest.ts';
import { type AreaGeometry, createZoneLocator } from '../territory/index.ts';
import { type AddressPoint, estimateDoors, type GroupedBuilding, groupAddresses } from './buildings.ts';
import { cutTurfs } from './cutting/cut-turfs.ts';

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);

describe.skipIf(!mirror)('buildings and turfs on the Paris addresses of the 20th', () => {
  let buildings: GroupedBuilding[];
  let doors: ReturnType<typeof estimateDoors>;
  let addresses: AddressPoint[];

  beforeAll(async () => {
    const dir = mirror as string;
    const iris = JSON.parse(readFileSync(path.join(dir, 'iris-paris-2024.geojson'), 'utf8')) as {
      features: Array<{ properties: { code_iris: string; arrondissement: number }; geometry: AreaGeometry }>;
    };
    const locator = createZoneLocator(
      iris.features.filter((f) => f.properties.arrondissement === 20).map((f) => ({ id: f.properties.code_iris, geometry: f.geometry })),
    );
    const csv = await openCsv(path.join(dir, 'adresses-75.csv.gz'), { delimiter: ';' });
    const col = (name: string) => csv.column.get(name) as number;
    const [id, number, suffix, street, postcode, lon, lat] = [
      col(BAN_COLUMNS.id),
      col(BAN_COLUMNS.number),
      col(BAN_COLUMNS.suffix as string),
      col(BAN_COLUMNS.street),
      col(BAN_COLUMNS.postcode),
      col(BAN_COLUMNS.lon),
      col(BAN_COLUMNS.lat),
    ];
    addresses = [];
    for await (const row of csv.rows) {
      const v = row.values;
      if (v[postcode as number]?.trim() !== '75020') continue;
      const x = parseNumber(v[lon as number]);
      const y = parseNumber(v[lat as number]);
      if (x === null || y === null) continue;
      addresses.push({
        id: v[id as number] as string,
        number: `${v[number as number] ?? ''}${v[suffix as number] ? ` ${v[suffix as number]}` : ''}`,
        street: v[street as number] ?? '',
        postcode: '75020',
        lon: x,
        lat: y,
        zone_ids: locator.locate(x, y),
      });
    }
    const indicators = readFileSync(path.join(dir, 'iris-paris-indicateurs.csv'), 'utf8').trim().split('\n');
    const header = (indicators[0] as string).split(',');
    const [code, rp] = [header.indexOf('code_iris'), header.indexOf('residences_principales')];
    const irisDwellings = new Map<string, number>();
    for (const line of indicators.slice(1)) {
      const cells = line.split(',');
      const value = Number(cells[rp]);
      if (Number.isFinite(value)) irisDwellings.set(cells[code] as string, value);
    }
    const irisAddresses = new Map<string, number>();
    for (const a of addresses) for (const z of a.zone_ids) irisAddresses.set(z, (irisAddresses.get(z) ?? 0) + 1);
    const social: Array<{ lon: number; lat: number; dwellings: number }> = [];
    const housing = readFileSync(path.join(dir, 'logements-sociaux-finances-a-paris.csv'), 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    const hh = (housing[0] as string).split(';');
    for (const line of housing.slice(1)) {
      const cells = line.split(';');
      if (cells[hh.indexOf('code_postal')] !== '75020') continue;
      const point = /([\d.]+),\s*([\d.]+)\s*$/.exec(line);
      const dwellings = Number(cells[hh.indexOf('nb_logmt_total')]);
      if (point && dwellings > 0) social.push({ lat: Number(point[1]), lon: Number(point[2]), dwellings });
    }
    buildings = groupAddresses(addresses);
    doors = estimateDoors({ buildings, social, irisDwellings, irisAddresses });
  }, 120_000);

  it('groups the addresses into buildings, every address in one, doors from social housing or IRIS main residences', () => {
    expect(addresses.length).toBeGreaterThan(10_000);
    expect(buildings.length).toBeLessThan(addresses.length);
    expect(buildings.reduce((n, b) => n + b.addressIds.length, 0)).toBe(addresses.length);
    expect(new Set(buildings.flatMap((b) => b.addressIds)).size).toBe(addresses.length);
    const social = doors.filter((d) => d.source === 'social_housing');
    expect(social.length).toBeGreaterThan(100);
    // The 20th counts about 100,000 main residences (INSEE): the estimate lands near it.
    const total = doors.reduce((s, d) => s + d.doors, 0);
    expect(total).toBeGreaterThan(80_000);
    expect(total).toBeLessThan(140_000);
  });

  it('cuts them into 500-door turfs: every building once, sizes within ±15 %, walks shorter than nearest neighbour', () => {
    const input = buildings.map((b, i) => ({
      id: b.addressId,
      lon: b.lon,
      lat: b.lat,
      doors: Math.min((doors[i] as { doors: number }).doors, 400),
    }));
    const result = cutTurfs(input, { targetDoors: 500 });
    const seen = new Map<string, number>();
    for (const t of result.turfs) for (const id of t.buildingIds) seen.set(id, (seen.get(id) ?? 0) + 1);
    expect(seen.size).toBe(input.length);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    for (const t of result.turfs) {
      expect(t.doors).toBeGreaterThanOrEqual(500 * 0.85);
      expect(t.doors).toBeLessThanOrEqual(500 * 1.15);
    }
    const walked = result.turfs.reduce((s, t) => s + t.metres, 0);
    const nearest = result.turfs.reduce((s, t) => s + t.nearestNeighbourMetres, 0);
    expect(walked).toBeLessThan(nearest);
  }, 120_000);
});
