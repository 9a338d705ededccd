// People follow the territory, on both databases: a generated city is imported, people are placed
// from an address or from coordinates alone, the polling stations are redrawn (two merged into one)
// and an IRIS removed; re-importing moves exactly the people whose zones changed, without touching
// modified_at nor the others' rows, then moves them back under row-level security.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { loadZoneLocator } from './locate-addresses.ts';
import { importTerritory } from './territory.importer.ts';

const manifest = syntheticCityManifest;
const parts = ['layers', 'addresses'] as const;

type Ring = [number, number][];
interface Feature {
  properties: Record<string, unknown>;
  geometry: { type: string; coordinates: unknown };
}

let root: string;
let original: string;
let redrawn: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'relais-place-'));
  original = path.join(root, 'original');
  await generateSyntheticCity(original, { seed: 3, arrondissements: 2 });
  // The same city with polling stations 1-1 and 1-2 merged into 1-1, and one IRIS of the 2nd gone.
  redrawn = path.join(root, 'redrawn');
  cpSync(original, redrawn, { recursive: true });
  const bureauxFile = path.join(redrawn, 'bureaux-de-vote-secteurs-2024.geojson');
  const bureaux = JSON.parse(readFileSync(bureauxFile, 'utf8')) as { features: Feature[] };
  const ringOf = (id: string): Ring => {
    const feature = bureaux.features.find((f) => f.properties.id_bv === id);
    if (!feature) throw new Error(`no polling station ${id} in the generated city`);
    return (feature.geometry.coordinates as Ring[])[0] as Ring;
  };
  const xs = [...ringOf('1-1'), ...ringOf('1-2')].map((p) => p[0]);
  const ys = [...ringOf('1-1'), ...ringOf('1-2')].map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  bureaux.features = bureaux.features.filter((f) => f.properties.id_bv !== '1-2');
  const merged = bureaux.features.find((f) => f.properties.id_bv === '1-1') as Feature;
  merged.geometry = {
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  };
  writeFileSync(bureauxFile, JSON.stringify(bureaux));
  const irisFile = path.join(redrawn, 'iris-paris-2024.geojson');
  const iris = JSON.parse(readFileSync(irisFile, 'utf8')) as { features: Feature[] };
  iris.features = iris.features.filter((f) => f.properties.code_iris !== '751020001');
  writeFileSync(irisFile, JSON.stringify(iris));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeEachDatabase('people follow the territory', (ctx) => {
  let campaignId: string;
  let db: Kysely<DB>;
  const zone: Record<string, string> = {};
  const people: Record<string, string> = {};

  async function zoneIdOf(layer: string, code: string): Promise<string> {
    const row = await db
      .selectFrom('zone as z')
      .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
      .select('z.id')
      .where('z.campaign_id', '=', campaignId)
      .where('l.code', '=', layer)
      .where('z.code', '=', code)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** An address of the base lying in the given zone. */
  async function addressIn(zoneId: string) {
    return db
      .selectFrom('address')
      .select(['id', 'lon', 'lat', 'zone_ids'])
      .where('campaign_id', '=', campaignId)
      .where(sql<boolean>`zone_ids @> array[${zoneId}]::uuid[]`)
      .orderBy('id')
      .executeTakeFirstOrThrow();
  }

  async function person(values: { address_id?: string; lon?: number; lat?: number; zone_ids: string[] }): Promise<string> {
    const id = uuidv7();
    await db
      .insertInto('person')
      .values({
        campaign_id: campaignId,
        id,
        given_name: 'P',
        email: `${id}@example.org`,
        address_id: values.address_id ?? null,
        lon: values.lon ?? null,
        lat: values.lat ?? null,
        zone_ids: values.zone_ids,
        modified_at: new Date('2026-01-02T03:04:05Z'),
      })
      .execute();
    return id;
  }

  async function rowOf(id: string) {
    return db
      .selectFrom('person')
      .select(['zone_ids', 'modified_at', sql<string>`xmin::text`.as('xmin')])
      .where('campaign_id', '=', campaignId)
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }

  beforeAll(async () => {
    db = ctx.database.db;
    campaignId = uuidv7();
    await db
      .insertInto('campaign')
      .values({ id: campaignId, slug: `p-${campaignId.slice(-12)}`, name: 'Placement' })
      .execute();
    await importTerritory(db, { campaignId, dir: original, manifest, parts: [...parts] });
    for (const [key, layer, code] of [
      ['b11', 'bureau', '1-1'],
      ['b12', 'bureau', '1-2'],
      ['iris', 'iris', '751020001'],
      ['arr2', 'arrondissement', '2'],
    ] as const) {
      zone[key] = await zoneIdOf(layer, code);
    }
    // Placed as geocoding places them: the address's coordinates and zones.
    const in11 = await addressIn(zone.b11 as string);
    const in12 = await addressIn(zone.b12 as string);
    const inIris = await addressIn(zone.iris as string);
    people.stays = await person({ address_id: in11.id, lon: in11.lon, lat: in11.lat, zone_ids: in11.zone_ids ?? [] });
    people.byAddress = await person({ address_id: in12.id, lon: in12.lon, lat: in12.lat, zone_ids: in12.zone_ids ?? [] });
    people.irisGone = await person({ address_id: inIris.id, lon: inIris.lon, lat: inIris.lat, zone_ids: inIris.zone_ids ?? [] });
    // Placed by the zone locator from coordinates alone: no address, or one no longer in the base.
    const locator = await loadZoneLocator(db, campaignId);
    const [lon, lat] = [in12.lon + 0.0001, in12.lat];
    people.byPoint = await person({ lon, lat, zone_ids: locator.locate(lon, lat) });
    people.staleAddress = await person({ address_id: 'gone_1', lon, lat, zone_ids: locator.locate(lon, lat) });
    // Not located: whatever zones it holds are left alone.
    people.unlocated = await person({ zone_ids: [zone.arr2 as string] });
    expect((await rowOf(people.byAddress as string)).zone_ids).toContain(zone.b12);
    expect((await rowOf(people.byPoint as string)).zone_ids).toContain(zone.b12);
  });

  it('moves the people whose zones changed, and only them, on a re-import with redrawn zones', async () => {
    const before = Object.fromEntries(await Promise.all(Object.entries(people).map(async ([k, id]) => [k, await rowOf(id)] as const)));
    const report = await importTerritory(db, { campaignId, dir: redrawn, manifest, parts: ['layers'] });
    expect(report.placement).toMatchObject({ byAddress: 2, byCoordinates: 2 });
    expect(report.placement?.addresses).toBeGreaterThan(100);

    const after = async (key: string) => rowOf(people[key] as string);
    const moved = ['byAddress', 'byPoint', 'staleAddress'];
    for (const key of moved) {
      const row = await after(key);
      expect(row.zone_ids, key).toContain(zone.b11);
      expect(row.zone_ids, key).not.toContain(zone.b12);
      // The rest of their zones (arrondissement, quartier, IRIS) are unchanged.
      expect(row.zone_ids.filter((z) => z !== zone.b11).sort(), key).toEqual(before[key]?.zone_ids.filter((z) => z !== zone.b12).sort());
    }
    const irisGone = await after('irisGone');
    expect(irisGone.zone_ids).not.toContain(zone.iris);
    expect(irisGone.zone_ids).toContain(zone.arr2);
    // People follow their address exactly.
    const disagree = await sql<{ id: string }>`select p.id from person p join address a
        on a.campaign_id = p.campaign_id and a.id = p.address_id
      where p.campaign_id = ${campaignId} and p.zone_ids is distinct from a.zone_ids`.execute(db);
    expect(disagree.rows).toEqual([]);
    // A re-placement is not an edit: modified_at stays; the rows whose zones did not change are not rewritten.
    for (const key of Object.keys(people)) expect((await after(key)).modified_at, key).toEqual(before[key]?.modified_at);
    expect(await after('stays')).toEqual(before.stays);
    expect(await after('unlocated')).toEqual(before.unlocated);

    // Re-importing the same files changes nobody.
    const again = await importTerritory(db, { campaignId, dir: redrawn, manifest, parts: ['layers'] });
    expect(again.placement).toMatchObject({ byAddress: 0, byCoordinates: 0, geocoded: 0 });
  });

  it('moves them back under row-level security, zones and addresses re-imported in one tenant transaction', async () => {
    // Imported before its street was in the base: a street address, no coordinates.
    const home = await db
      .selectFrom('address')
      .select(['id', 'number', 'street', 'postcode', 'zone_ids'])
      .where('campaign_id', '=', campaignId)
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const pending = uuidv7();
    await db
      .insertInto('person')
      .values({
        campaign_id: campaignId,
        id: pending,
        given_name: 'Q',
        street_address: `${home.number} ${home.street}`,
        postcode: home.postcode,
      })
      .execute();
    const report = await withTenant(db, campaignId, (trx) =>
      importTerritory(trx, { campaignId, dir: original, manifest, parts: [...parts] }),
    );
    expect(report.placement).toMatchObject({ byAddress: 2, byCoordinates: 2, geocoded: 1 });
    // Geocoded with the addresses: the address, its coordinates and its zones.
    const placed = await db
      .selectFrom('person')
      .select(['address_id', 'lon', 'zone_ids'])
      .where('campaign_id', '=', campaignId)
      .where('id', '=', pending)
      .executeTakeFirstOrThrow();
    const again = await db
      .selectFrom('address')
      .select(['id', 'zone_ids'])
      .where('campaign_id', '=', campaignId)
      .where('number', '=', home.number)
      .where('street', '=', home.street)
      .where('postcode', '=', home.postcode)
      .executeTakeFirstOrThrow();
    expect(placed.address_id).toBe(again.id);
    expect(placed.lon).not.toBeNull();
    expect(placed.zone_ids.length).toBeGreaterThan(0);
    expect([...placed.zone_ids].sort()).toEqual([...(again.zone_ids ?? [])].sort());
    // The merged station kept its id; the removed one and the IRIS came back as new zones.
    const b12 = await zoneIdOf('bureau', '1-2');
    const iris = await zoneIdOf('iris', '751020001');
    for (const key of ['byAddress', 'byPoint', 'staleAddress']) {
      const row = await rowOf(people[key] as string);
      expect(row.zone_ids, key).toContain(b12);
      expect(row.zone_ids, key).not.toContain(zone.b11);
    }
    expect((await rowOf(people.irisGone as string)).zone_ids).toContain(iris);
    expect((await rowOf(people.unlocated as string)).zone_ids).toEqual([zone.arr2]);
  });
});
