// Targeting through the API on a generated city (its layers, indicators, results and addresses):
// presets computed per polling station and checked against the results read directly, indicators
// interpolated from the IRIS and said so, P1–P5, explanations, the choropleth gzipped, building
// scores written in SQL, target zones picked, and a referent kept to their zones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { buildTestApp, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { importTerritory } from '../territory/index.ts';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'relais-targeting-'));
  await generateSyntheticCity(root, { seed: 5, arrondissements: 2 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface ZoneRow {
  zone_id: string;
  code: string;
  score: number;
  rank: number;
  priority: number;
  interpolated: boolean;
  picked: boolean;
  explanation: Array<{
    metric: string;
    label: { fr: string };
    value: number | null;
    normalised: number | null;
    weight: number;
    contribution: number;
    interpolated_from: string | null;
  }>;
}

describeEachDatabase('targeting', (ctx) => {
  let t: TestApp;
  let campaignId: string;
  let owner: TestClient;
  let referent: TestClient;
  const zoneIds = new Map<string, string>();
  let side: string;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    campaignId = uuidv7();
    await db.insertInto('campaign').values({ id: campaignId, slug: 'targeting', name: 'Targeting' }).execute();
    await importTerritory(db, { campaignId, dir: root, manifest: syntheticCityManifest });
    for (const z of await db
      .selectFrom('zone')
      .innerJoin('zone_layer as l', 'l.id', 'zone.layer_id')
      .select(['zone.id', 'zone.code', 'l.code as layer'])
      .where('zone.campaign_id', '=', campaignId)
      .execute())
      zoneIds.set(`${z.layer}/${z.code}`, z.id);
    await createMemberFixture(db, campaignId, { email: 'target-owner@example.org', role: 'owner' });
    await createMemberFixture(db, campaignId, {
      email: 'target-ref@example.org',
      role: 'referent',
      zoneIds: [zoneIds.get('arrondissement/1') as string],
    });
    owner = new TestClient(t.app);
    await owner.login('target-owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('target-ref@example.org');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('offers presets, election metrics and indicators in French, saying which are read on another layer', async () => {
    const res = await owner.request('GET', '/api/v1/targeting/options?layer=bureau');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.presets.map((p: { label: { fr: string } }) => p.label.fr)).toContain('Mobiliser les abstentionnistes favorables');
    expect(body.metrics.find((m: { id: string }) => m.id === 'indicator:logements_sociaux_pct')).toMatchObject({
      label: { fr: 'Part de logements sociaux' },
      source_layer: 'iris',
    });
    const euro = body.elections.find((e: { code: string; round: number }) => e.code === 'europeennes-2024' && e.round === 1);
    expect(euro.candidates.length).toBeGreaterThan(2);
    side = euro.candidates[0].name;
  });

  it('computes "favourable abstainers" per polling station from the results, with P1–P5 and explanations', async () => {
    const created = await owner.request('POST', '/api/v1/target_scores', {
      name: 'Abstentionnistes favorables',
      layer: 'bureau',
      preset: 'favourable_abstainers',
      election: 'europeennes-2024',
      round: 1,
      side: [side],
    });
    expect(created.statusCode, created.body).toBe(201);
    const score = created.json();
    // Scored within the 1st only: its stations, normalised among themselves.
    const within = await owner.request('POST', '/api/v1/target_scores', {
      name: 'Premier',
      layer: 'bureau',
      within: zoneIds.get('arrondissement/1'),
      preset: 'favourable_abstainers',
      election: 'europeennes-2024',
      round: 1,
      side: [side],
    });
    expect(within.json()).toMatchObject({ within: { id: zoneIds.get('arrondissement/1') } });
    const firstZones = (await owner.request('GET', `/api/v1/target_scores/${within.json().id}/zones`)).json()._embedded.zones as ZoneRow[];
    expect(firstZones.length).toBeGreaterThan(0);
    expect(firstZones.every((z) => z.code.startsWith('1-'))).toBe(true);
    expect(firstZones[0]?.score).toBeCloseTo(100, 9);
    expect(score).toMatchObject({
      layer: 'bureau',
      preset: 'favourable_abstainers',
      ingredients: [{ metric: 'favourable_abstention', weight: 1 }],
    });
    const res = await owner.request('GET', `/api/v1/target_scores/${score.id}/zones`);
    const zones = res.json()._embedded.zones as ZoneRow[];
    expect(zones.length).toBe(score.zones_count);
    // By hand from the stored results: abstention × our share, for every station.
    const rows = await ctx.database.db
      .selectFrom('election_result')
      .select(['zone_id', 'candidate', 'votes', 'registered', 'voters', 'expressed'])
      .where('campaign_id', '=', campaignId)
      .where('election', '=', 'europeennes-2024')
      .where('round', '=', 1)
      .execute();
    const expected = new Map<string, number>();
    for (const r of rows)
      if (r.candidate === side) expected.set(r.zone_id, (1 - (r.voters ?? r.expressed) / r.registered) * (r.votes / r.expressed));
    for (const z of zones) expect(z.explanation[0]?.value).toBeCloseTo(expected.get(z.zone_id) as number, 9);
    expect(zones[0]?.score).toBeCloseTo(100, 9);
    expect(zones.at(-1)?.score).toBeCloseTo(0, 9);
    expect(zones[0]?.explanation[0]).toMatchObject({
      label: { fr: 'Abstention × part de notre camp' },
      normalised: 1,
      contribution: 100,
      interpolated_from: null,
    });
    // Quintiles: a fifth of the stations in each priority (to one station).
    const n = zones.length;
    for (let p = 1; p <= 5; p++) expect(Math.abs(zones.filter((z) => z.priority === p).length - n / 5)).toBeLessThanOrEqual(1);
    expect(zones.map((z) => z.rank)).toEqual(zones.map((_, i) => i + 1));
  });

  it('carries the social-housing share from the IRIS to the stations, weighted by dwellings per address, and says so', async () => {
    const created = await owner.request('POST', '/api/v1/target_scores', { name: 'Logement', layer: 'bureau', preset: 'housing' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const zones = (await owner.request('GET', `/api/v1/target_scores/${id}/zones`)).json()._embedded.zones as ZoneRow[];
    expect(zones.length).toBeGreaterThan(4);
    expect(zones.every((z) => z.interpolated && z.explanation[0]?.interpolated_from === 'iris')).toBe(true);
    const irisValues = await ctx.database.db
      .selectFrom('zone_indicator')
      .select('value')
      .where('campaign_id', '=', campaignId)
      .where('name', '=', 'logements_sociaux_pct')
      .execute();
    const lo = Math.min(...irisValues.map((r) => r.value));
    const hi = Math.max(...irisValues.map((r) => r.value));
    for (const z of zones) {
      expect(z.explanation[0]?.value).toBeGreaterThanOrEqual(lo - 1e-9);
      expect(z.explanation[0]?.value).toBeLessThanOrEqual(hi + 1e-9);
    }
    // The map says it too, and comes gzipped when asked.
    const map = await owner.app.inject({
      method: 'GET',
      url: `/api/v1/target_scores/${id}/map`,
      headers: { cookie: owner.cookie, 'accept-encoding': 'gzip' },
    });
    expect(map.statusCode).toBe(200);
    expect(map.headers['content-encoding']).toBe('gzip');
    const doc = JSON.parse(gunzipSync(map.rawPayload).toString('utf8'));
    expect(doc.interpolated_from).toEqual(['iris']);
    expect(doc.features).toHaveLength(zones.length);
    expect(doc.features[0]).toMatchObject({ type: 'Feature', properties: { priority: expect.any(Number), score: expect.any(Number) } });
  });

  it('writes buildings’ scores from their zone’s score and their doors, in SQL', async () => {
    const { db } = ctx.database;
    const address = await db
      .selectFrom('address')
      .select(['id', 'lon', 'lat', 'zone_ids'])
      .where('campaign_id', '=', campaignId)
      .where('zone_ids', 'is not', null)
      .limit(1)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('building')
      .values({
        campaign_id: campaignId,
        id: uuidv7(),
        address_id: address.id,
        label: 'Bâtiment test',
        lon: address.lon,
        lat: address.lat,
        doors: 40,
        doors_source: 'social_housing',
        zone_ids: address.zone_ids ?? [],
      })
      .execute();
    const created = await owner.request('POST', '/api/v1/target_scores', {
      name: 'Abstention',
      layer: 'bureau',
      election: 'europeennes-2024',
      round: 1,
      ingredients: [{ metric: 'abstention', weight: 1, direction: 'high' }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const zones = (await owner.request('GET', `/api/v1/target_scores/${created.json().id}/zones`)).json()._embedded.zones as ZoneRow[];
    const zone = zones.find((z) => address.zone_ids?.includes(z.zone_id)) as ZoneRow;
    const building = await db.selectFrom('building').select('score').where('address_id', '=', address.id).executeTakeFirstOrThrow();
    expect(building.score).toBeCloseTo((zone.score / 100) * 40, 9);
    // Changed to "lower is better": computed again, the ranking turned over, the building rewritten.
    const changed = await owner.request('PATCH', `/api/v1/target_scores/${created.json().id}`, {
      ingredients: [{ metric: 'abstention', weight: 1, direction: 'low' }],
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const again = (await owner.request('GET', `/api/v1/target_scores/${created.json().id}/zones`)).json()._embedded.zones as ZoneRow[];
    expect(again[0]?.zone_id).toBe(zones.at(-1)?.zone_id);
    const rewritten = await db.selectFrom('building').select('score').where('address_id', '=', address.id).executeTakeFirstOrThrow();
    expect(rewritten.score).toBeCloseTo(((100 - zone.score) / 100) * 40, 6);
  });

  it('refuses what cannot be computed, with stable codes', async () => {
    const noSide = await owner.request('POST', '/api/v1/target_scores', {
      name: 'x',
      layer: 'bureau',
      preset: 'favourable_abstainers',
      election: 'europeennes-2024',
      round: 1,
    });
    expect(noSide.json()).toMatchObject({ status: 400, code: 'TARGETING_SIDE_REQUIRED' });
    const noElection = await owner.request('POST', '/api/v1/target_scores', { name: 'x', layer: 'bureau', preset: 'persuasion' });
    expect(noElection.json().code).toBe('TARGETING_ELECTION_REQUIRED');
    const layer = await owner.request('POST', '/api/v1/target_scores', { name: 'x', layer: 'canton', preset: 'housing' });
    expect(layer.json().code).toBe('TARGETING_LAYER_UNKNOWN');
    const weights = await owner.request('POST', '/api/v1/target_scores', {
      name: 'x',
      layer: 'bureau',
      ingredients: [{ metric: 'indicator:population', weight: 0, direction: 'high' }],
    });
    expect(weights.json().code).toBe('TARGETING_WEIGHTS_EMPTY');
  });

  it('lets a referent see and pick only the zones of their arrondissement', async () => {
    const scores = (await owner.request('GET', '/api/v1/target_scores')).json()._embedded.target_scores as Array<{
      id: string;
      name: string;
    }>;
    const id = scores.find((s) => s.name === 'Logement')?.id as string;
    const all = (await owner.request('GET', `/api/v1/target_scores/${id}/zones`)).json()._embedded.zones as ZoneRow[];
    const mine = (await referent.request('GET', `/api/v1/target_scores/${id}/zones`)).json()._embedded.zones as ZoneRow[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(all.length);
    expect(mine.every((z) => z.code.startsWith('1-'))).toBe(true);
    const map = await referent.request('GET', `/api/v1/target_scores/${id}/map`);
    expect(map.json().features).toHaveLength(mine.length);
    const outside = all.find((z) => !z.code.startsWith('1-')) as ZoneRow;
    const refused = await referent.request('PUT', `/api/v1/target_scores/${id}/targets`, { zone_ids: [outside.zone_id] });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('TARGETING_ZONE_OUT_OF_SCOPE');
    const picked = await referent.request('PUT', `/api/v1/target_scores/${id}/targets`, { zone_ids: [mine[0]?.zone_id] });
    expect(picked.statusCode, picked.body).toBe(200);
    const ownerPick = await owner.request('PUT', `/api/v1/target_scores/${id}/targets`, { zone_ids: [mine[0]?.zone_id, outside.zone_id] });
    expect(ownerPick.json().zone_ids).toHaveLength(2);
    const refTargets = (await referent.request('GET', '/api/v1/target_zones')).json()._embedded.target_zones as Array<{ zone_id: string }>;
    expect(refTargets.map((z) => z.zone_id)).toEqual([mine[0]?.zone_id]);
    const stillPicked = (await owner.request('GET', `/api/v1/target_scores/${id}/zones`)).json()._embedded.zones as ZoneRow[];
    expect(stillPicked.filter((z) => z.picked)).toHaveLength(2);
    // The map (kept per version) shows the new picks.
    const ownerMap = (await owner.request('GET', `/api/v1/target_scores/${id}/map`)).json();
    expect(ownerMap.features.filter((f: { properties: { picked: boolean } }) => f.properties.picked)).toHaveLength(2);
    // A referent does not delete a score every zone shares.
    expect((await referent.request('DELETE', `/api/v1/target_scores/${id}`)).statusCode).toBe(403);
    const wrongLayer = await owner.request('PUT', `/api/v1/target_scores/${id}/targets`, { zone_ids: [zoneIds.get('arrondissement/1')] });
    expect(wrongLayer.json().code).toBe('TARGETING_ZONE_NOT_IN_LAYER');
  });
});
