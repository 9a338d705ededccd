// Territory read queries on a generated city, run as the application runs them (withTenant, so
// row-level security applies): layers, zones with latest indicators, referent scopes, isolation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { importTerritory } from './territory.importer.ts';
import { findZonesByIds, listLayers, listZones, zoneDescendants } from './territory.repo.ts';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'relais-repo-'));
  await generateSyntheticCity(root, { seed: 5 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function importedCampaign(db: Kysely<DB>): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('campaign')
    .values({ id, slug: `r-${id.slice(-12)}`, name: 'Repo' })
    .execute();
  await importTerritory(db, { campaignId: id, dir: root, manifest: syntheticCityManifest, parts: ['layers', 'indicators'] });
  return id;
}

describeEachDatabase('territory repo', (ctx) => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = await importedCampaign(ctx.database.db);
    b = await importedCampaign(ctx.database.db);
  });
  const inA = <T>(fn: (trx: Kysely<DB>) => Promise<T>) => withTenant(ctx.database.db, a, fn);

  it('lists the layers in order with their zone counts', async () => {
    const layers = await inA((trx) => listLayers(trx));
    expect(layers.map((l) => [l.code, l.zones_count])).toEqual([
      ['arrondissement', 4],
      ['quartier', 16],
      ['bureau', 24],
      ['iris', 24],
    ]);
    expect(layers[0]).toMatchObject({ name: 'Arrondissements', licence: 'CC0-1.0', position: 0 });
  });

  it('lists zones of a layer with their latest indicators, geometry on request', async () => {
    const zones = await inA((trx) => listZones(trx, { layerCode: 'arrondissement' }));
    expect(zones.map((z) => z.code)).toEqual(['1', '2', '3', '4']);
    expect(zones[0]).toMatchObject({ layer: 'arrondissement', parent_id: null, name: '1er Ardt – Beffroi' });
    expect(zones[0]?.indicators.population).toBeGreaterThan(0);
    expect(zones[0]?.centroid).toHaveLength(2);
    expect(zones[0]).not.toHaveProperty('geometry');
    const withGeometry = await inA((trx) => listZones(trx, { layerCode: 'iris', withGeometry: true }));
    expect(withGeometry).toHaveLength(24);
    expect(new Set(withGeometry.map((z) => (z.geometry as { type: string }).type))).toEqual(new Set(['Polygon', 'MultiPolygon']));
  });

  it('gives the latest year of an indicator', async () => {
    const [zone] = await inA((trx) => listZones(trx, { layerCode: 'quartier' }));
    if (!zone) throw new Error('no zone');
    await ctx.database.db
      .insertInto('zone_indicator')
      .values([
        { campaign_id: a, zone_id: zone.id, name: 'test_measure', year: 2019, value: 1 },
        { campaign_id: a, zone_id: zone.id, name: 'test_measure', year: 2023, value: 2 },
        { campaign_id: a, zone_id: zone.id, name: 'test_measure', year: 2021, value: 3 },
      ])
      .execute();
    const [again] = await inA((trx) => findZonesByIds(trx, [zone.id]));
    expect(again?.indicators.test_measure).toBe(2);
  });

  it("restricts zones to a referent's zones and everything below them", async () => {
    const [arr1] = await inA((trx) => listZones(trx, { layerCode: 'arrondissement' }));
    if (!arr1) throw new Error('no arrondissement');
    const scoped = await inA((trx) => listZones(trx, { zoneScope: [arr1.id] }));
    // The 1st arrondissement: itself, 4 quartiers, 6 polling stations and 5 IRIS.
    expect(scoped).toHaveLength(16);
    expect(scoped.every((z) => z.id === arr1.id || z.parent_id === arr1.id)).toBe(true);
    const bureaux = await inA((trx) => listZones(trx, { layerCode: 'bureau', zoneScope: [arr1.id] }));
    expect(bureaux.map((z) => z.code)).toEqual(['1-1', '1-2', '1-3', '1-4', '1-5', '1-6']);
    expect(await inA((trx) => listZones(trx, { zoneScope: [] }))).toEqual([]);
    const ids = await inA((trx) => zoneDescendants(trx, [arr1.id]));
    expect(new Set(ids)).toEqual(new Set(scoped.map((z) => z.id)));
    const bureau = bureaux[0];
    if (!bureau) throw new Error('no bureau');
    expect(await inA((trx) => zoneDescendants(trx, [bureau.id]))).toEqual([bureau.id]);
  });

  it("never shows another campaign's zones", async () => {
    const zonesA = await inA((trx) => listZones(trx));
    const zonesB = await withTenant(ctx.database.db, b, (trx) => listZones(trx));
    expect(zonesA).toHaveLength(68);
    expect(zonesB).toHaveLength(68);
    const idsA = new Set(zonesA.map((z) => z.id));
    expect(zonesB.some((z) => idsA.has(z.id))).toBe(false);
    const bIds = zonesB.slice(0, 3).map((z) => z.id);
    expect(await inA((trx) => findZonesByIds(trx, bIds))).toEqual([]);
    expect(await inA((trx) => zoneDescendants(trx, bIds))).toEqual([]);
  });
});
