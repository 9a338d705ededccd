// The territory made readable, on a generated city through the API: metrics listed with French
// words, results per polling station and summed per arrondissement as the files give them, indicators
// carried to layers that have none, people per zone within a referent's scope, and the cache emptied
// by an import.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { buildTestApp, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { catalogueIndicators, isCatalogued } from './indicator-catalogue.ts';
import { importTerritory } from './territory.importer.ts';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'relais-metrics-'));
  await generateSyntheticCity(root, { seed: 11 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The européennes file read directly: per station, registered, voters, valid votes and the first list's votes. */
function euroStations(): Array<{ code: string; arr: string; registered: number; voters: number; expressed: number; aubepine: number }> {
  const [header, ...lines] = readFileSync(path.join(root, 'europeennes-2024-t1-par-bureau.csv'), 'utf8').trim().split('\n');
  const cols = (header as string).split(',');
  const at = (cells: string[], name: string) => Number(cells[cols.indexOf(name)]);
  return lines.map((line) => {
    const cells = line.split(',');
    return {
      code: cells[0] as string,
      arr: cells[1] as string,
      registered: at(cells, 'nb_inscr'),
      voters: at(cells, 'nb_votant'),
      expressed: at(cells, 'nb_exprim'),
      aubepine: at(cells, 'liste_aubepine'),
    };
  });
}

interface Zone {
  id: string;
  code: string;
  layer: string;
}

describeEachDatabase('territory metrics', (ctx) => {
  let t: TestApp;
  let campaignId: string;
  let owner: TestClient;
  let referent: TestClient;
  const zones = new Map<string, Zone>();
  const zoneOf = (layer: string, code: string) => zones.get(`${layer}/${code}`) as Zone;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    campaignId = uuidv7();
    await db.insertInto('campaign').values({ id: campaignId, slug: 'metrics', name: 'Metrics' }).execute();
    await importTerritory(db, { campaignId, dir: root, manifest: syntheticCityManifest, parts: ['layers', 'indicators', 'results'] });
    for (const z of await db
      .selectFrom('zone')
      .innerJoin('zone_layer as l', 'l.id', 'zone.layer_id')
      .select(['zone.id', 'zone.code', 'l.code as layer'])
      .execute()) {
      zones.set(`${z.layer}/${z.code}`, z);
    }
    // Three people in the 1st (two in polling station 1-1), one in the 2nd, one merged in the 1st.
    const people = [
      ['arrondissement/1', 'bureau/1-1'],
      ['arrondissement/1', 'bureau/1-1'],
      ['arrondissement/1', 'bureau/1-2'],
      ['arrondissement/2', 'bureau/2-1'],
    ].map((keys, i) => ({
      campaign_id: campaignId,
      id: uuidv7(),
      given_name: `P${i}`,
      family_name: 'Test',
      email: `p${i}@example.org`,
      zone_ids: keys.map((k) => (zones.get(k) as Zone).id),
    }));
    await db.insertInto('person').values(people).execute();
    await db
      .insertInto('person')
      .values({ ...(people[0] as (typeof people)[number]), id: uuidv7(), email: 'merged@example.org', merged_into: people[0]?.id })
      .execute();
    await createMemberFixture(db, campaignId, { email: 'metrics-owner@example.org', role: 'owner' });
    await createMemberFixture(db, campaignId, {
      email: 'metrics-ref@example.org',
      role: 'referent',
      zoneIds: [zoneOf('arrondissement', '1').id],
    });
    owner = new TestClient(t.app);
    await owner.login('metrics-owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('metrics-ref@example.org');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('gives every indicator of the Paris formats words and a unit', () => {
    const names = syntheticCityManifest.indicators.flatMap((spec) =>
      spec.columns.map((c) => {
        const def = typeof c === 'string' ? { column: c } : c;
        return def.name ?? (spec.yearSuffix ? def.column.replace(/_\d{4}$/, '') : def.column);
      }),
    );
    expect(names.filter((n) => !isCatalogued(n))).toEqual([]);
    const density = catalogueIndicators().find((d) => d.name === 'densite_km2');
    expect(density).toMatchObject({ label: { fr: 'Densité' }, unit: { fr: 'hab./km²' } });
  });

  it('lists what a map of polling stations can show, with French words', async () => {
    const res = await owner.request('GET', '/api/v1/zone_metrics?layer=bureau');
    expect(res.statusCode, res.body).toBe(200);
    const metrics = res.json().metrics as Array<{
      id: string;
      label: { fr: string };
      unit: { fr: string } | null;
      group: { fr: string };
      source_layer: string | null;
    }>;
    const byId = new Map(metrics.map((m) => [m.id, m]));
    expect(metrics[0]?.id).toBe('people');
    expect(byId.get('indicator:niveau_vie_median')).toMatchObject({
      label: { fr: 'Niveau de vie médian' },
      unit: { fr: '€' },
      source_layer: 'iris',
    });
    expect(byId.get('turnout:europeennes-2024:1')).toMatchObject({
      label: { fr: 'Participation' },
      group: { fr: 'Européennes 2024' },
      source_layer: null,
    });
    expect(byId.get('share:europeennes-2024:1:Liste Aubépine')).toMatchObject({ unit: { fr: '% des exprimés' } });
    // A count is not carried to a layer about as fine as its own: no population per polling station.
    expect(byId.has('indicator:population')).toBe(false);
    const arr = (await owner.request('GET', '/api/v1/zone_metrics?layer=arrondissement')).json().metrics as Array<{
      id: string;
      source_layer: string | null;
    }>;
    expect(arr.find((m) => m.id === 'indicator:population')).toMatchObject({ source_layer: null });
    expect(arr.find((m) => m.id === 'turnout:europeennes-2024:1')).toMatchObject({ source_layer: 'bureau' });
  });

  it('gives the turnout of each polling station as the file does', async () => {
    const res = await owner.request('GET', '/api/v1/zone_values?layer=bureau&metric=turnout:europeennes-2024:1');
    expect(res.statusCode, res.body).toBe(200);
    const values = new Map((res.json().values as Array<{ zone_id: string; value: number }>).map((v) => [v.zone_id, v.value]));
    const stations = euroStations();
    expect(values.size).toBe(stations.length);
    for (const s of stations) expect(values.get(zoneOf('bureau', s.code).id)).toBeCloseTo((100 * s.voters) / s.registered, 6);
  });

  it('sums the polling stations of an arrondissement: a list’s share and the results of the 1st', async () => {
    const res = await owner.request(
      'GET',
      `/api/v1/zone_values?layer=arrondissement&metric=${encodeURIComponent('share:europeennes-2024:1:Liste Aubépine')}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const values = new Map((res.json().values as Array<{ zone_id: string; value: number; origin: string }>).map((v) => [v.zone_id, v]));
    const stations = euroStations();
    for (const arr of new Set(stations.map((s) => s.arr))) {
      const mine = stations.filter((s) => s.arr === arr);
      const share = (100 * mine.reduce((n, s) => n + s.aubepine, 0)) / mine.reduce((n, s) => n + s.expressed, 0);
      expect(values.get(zoneOf('arrondissement', arr).id)).toMatchObject({ origin: 'within' });
      expect(values.get(zoneOf('arrondissement', arr).id)?.value).toBeCloseTo(share, 6);
    }
    const profile = (await owner.request('GET', `/api/v1/zones/${zoneOf('arrondissement', '1').id}`)).json();
    const euro = profile.elections.find((e: { election: string }) => e.election === 'europeennes-2024');
    const first = stations.filter((s) => s.arr === '1');
    expect(euro).toMatchObject({
      label: 'Européennes 2024',
      source_layer: 'bureau',
      stations: first.length,
      registered: first.reduce((n, s) => n + s.registered, 0),
      voters: first.reduce((n, s) => n + s.voters, 0),
      expressed: first.reduce((n, s) => n + s.expressed, 0),
    });
    expect(euro.candidates.find((c: { name: string }) => c.name === 'Liste Aubépine').votes).toBe(
      first.reduce((n, s) => n + s.aubepine, 0),
    );
    const shares = euro.candidates.map((c: { share: number }) => c.share);
    expect(shares.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(100, 6);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
  });

  it('gives a polling station indicators from the IRIS around or inside it, and its own results', async () => {
    const res = await owner.request('GET', `/api/v1/zones/${zoneOf('bureau', '1-1').id}`);
    expect(res.statusCode, res.body).toBe(200);
    const profile = res.json();
    expect(profile.people).toBe(2);
    const density = profile.indicators.find((i: { name: string }) => i.name === 'densite_km2');
    expect(density).toMatchObject({ label: { fr: 'Densité', en: 'Density' }, source_layer: 'iris' });
    expect(['within', 'around']).toContain(density.origin);
    expect(density.value).toBeGreaterThan(0);
    expect(profile.elections.map((e: { label: string }) => e.label)).toContain('Présidentielle 2022, 2d tour');
    expect(profile.elections.find((e: { election: string }) => e.election === 'europeennes-2024')).toMatchObject({
      stations: 1,
      source_layer: null,
    });
  });

  it("counts the campaign's people per zone, a referent only in their zones", async () => {
    const all = (await owner.request('GET', '/api/v1/zone_values?layer=arrondissement&metric=people')).json().values as Array<{
      zone_id: string;
      value: number;
    }>;
    expect(Object.fromEntries(all.map((v) => [v.zone_id, v.value]))).toEqual({
      [zoneOf('arrondissement', '1').id]: 3,
      [zoneOf('arrondissement', '2').id]: 1,
    });
    const mine = (await referent.request('GET', '/api/v1/zone_values?layer=bureau&metric=people')).json().values as Array<{
      zone_id: string;
      value: number;
    }>;
    expect(Object.fromEntries(mine.map((v) => [v.zone_id, v.value]))).toEqual({
      [zoneOf('bureau', '1-1').id]: 2,
      [zoneOf('bureau', '1-2').id]: 1,
    });
    const turnout = (await referent.request('GET', '/api/v1/zone_values?layer=bureau&metric=turnout:europeennes-2024:1')).json().values;
    expect(turnout).toHaveLength(euroStations().filter((s) => s.arr === '1').length);
    expect((await referent.request('GET', `/api/v1/zones/${zoneOf('bureau', '2-1').id}`)).statusCode).toBe(404);
  });

  it('caches values per layer and metric until the next territory import', async () => {
    const { db } = ctx.database;
    const url = '/api/v1/zone_values?layer=bureau&metric=indicator:niveau_vie_median';
    const first = (await owner.request('GET', url)).json();
    expect(first.values.length).toBeGreaterThan(0);
    const cached = () => db.selectFrom('zone_metric_cache').select('metric').where('campaign_id', '=', campaignId).execute();
    expect((await cached()).map((c) => c.metric)).toContain('indicator:niveau_vie_median');
    expect((await owner.request('GET', url)).json()).toEqual(first);
    await importTerritory(db, { campaignId, dir: root, manifest: syntheticCityManifest, parts: ['results'] });
    expect(await cached()).toEqual([]);
  });

  it('refuses an unknown metric and an unknown layer with a problem', async () => {
    const metric = await owner.request('GET', '/api/v1/zone_values?layer=bureau&metric=share:europeennes-2024:1:Personne');
    expect(metric.statusCode).toBe(400);
    expect(metric.json().code).toBe('ZONE_METRIC_UNKNOWN');
    expect((await owner.request('GET', '/api/v1/zone_values?layer=bureau&metric=nonsense')).json().code).toBe('ZONE_METRIC_UNKNOWN');
    expect((await owner.request('GET', '/api/v1/zone_metrics?layer=nowhere')).statusCode).toBe(404);
  });
});
