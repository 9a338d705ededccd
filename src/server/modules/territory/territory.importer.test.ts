// The importer on a generated city (same formats as Paris), with defects added to its files: counts,
// parents, indicators, results through the 2020 crosswalk, bad rows reported, re-import idempotent.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { CityManifest } from '../../opendata/manifest.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { type ImportProgress, type ImportReport, importSucceeded, importTerritory, rewriteKey } from './territory.importer.ts';

const manifest = syntheticCityManifest;

async function createCampaign(db: Kysely<DB>): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('campaign')
    .values({ id, slug: `t-${id.slice(-12)}`, name: 'Test' })
    .execute();
  return id;
}

function appendGeojsonFeatures(file: string, features: unknown[]): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.features.push(...features);
  writeFileSync(file, JSON.stringify(json));
}

const appendLines = (file: string, lines: string[]) => writeFileSync(file, `${readFileSync(file, 'utf8')}${lines.join('\n')}\n`);

/** Adds known defects to a generated city; the tests below expect exactly these. */
function addDefects(dir: string): void {
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 0],
      ],
    ],
  };
  appendGeojsonFeatures(path.join(dir, 'arrondissements.geojson'), [
    { type: 'Feature', properties: { c_ar: 99, l_ar: '99e', l_aroff: 'Nulle part' }, geometry: null },
    { type: 'Feature', properties: { l_aroff: 'Sans code' }, geometry: square },
    { type: 'Feature', properties: { c_ar: 1, l_aroff: 'Doublon' }, geometry: square },
  ]);
  const irisCsv = path.join(dir, 'iris-paris-indicateurs.csv');
  const lines = readFileSync(irisCsv, 'utf8').trimEnd().split('\n');
  const header = (lines[0] as string).split(',');
  const cells = (lines[1] as string).split(',');
  cells[header.indexOf('densite_km2')] = 'n/a';
  lines[1] = cells.join(',');
  lines.push(`751999999,Inconnu,H,75199,99,0.1,100${',1'.repeat(header.length - 7)}`);
  lines.push(`,Sans code,H,75101,1,0.1,100${',1'.repeat(header.length - 7)}`);
  writeFileSync(irisCsv, `${lines.join('\n')}\n`);
  appendLines(path.join(dir, 'europeennes-2024-t1-par-bureau.csv'), [
    `9-99,9,99,1,1,100,50,50,0,0,0,0,50,10,10,10,10,5,5`,
    `1-1,1,1,1,1,abc,50,50,0,0,0,0,50,10,10,10,10,5,5`,
  ]);
  appendLines(path.join(dir, 'municipales-2020-t1-par-bureau-long.csv'), ['75056_9999,99,99,100,50,X,Y,LDIV,,50,1']);
  const banPath = path.join(dir, 'adresses-75.csv.gz');
  const ban = gunzipSync(readFileSync(banPath)).toString('utf8').trimEnd().split('\n');
  const first = (ban[1] as string).split(';');
  const badCoords = [...first];
  badCoords[0] = 'bad_coords_1';
  badCoords[12] = 'abc';
  const noStreet = [...first];
  noStreet[0] = 'no_street_1';
  noStreet[4] = '';
  ban.push(badCoords.join(';'), noStreet.join(';'), ban[1] as string);
  writeFileSync(banPath, gzipSync(`${ban.join('\n')}\n`));
}

const step = (report: ImportReport, name: string) => {
  const s = report.steps.find((x) => x.step === name);
  if (!s) throw new Error(`no step ${name}`);
  return s;
};

async function zoneCodes(db: Kysely<DB>, campaignId: string, layer: string) {
  return db
    .selectFrom('zone as z')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
    .leftJoin('zone as p', (j) => j.onRef('p.campaign_id', '=', 'z.campaign_id').onRef('p.id', '=', 'z.parent_id'))
    .select(['z.id', 'z.code', 'z.properties', 'z.bbox', 'z.centroid', 'p.code as parent_code'])
    .where('z.campaign_id', '=', campaignId)
    .where('l.code', '=', layer)
    .execute();
}

async function countRows(db: Kysely<DB>, table: 'zone' | 'zone_indicator' | 'election_result' | 'address', campaignId: string) {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

let root: string;
let dir: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'relais-import-'));
  dir = path.join(root, 'city');
  await generateSyntheticCity(dir, { seed: 11 });
  addDefects(dir);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('rewrites keys of another numbering', () => {
  const rewrite = { pattern: '^75056_(\\d{2})(\\d{2})$', template: '$1-$2' };
  expect(rewriteKey('75056_0107', rewrite)).toBe('1-7');
  expect(rewriteKey('75056_2012', rewrite)).toBe('20-12');
  expect(rewriteKey('1-7', rewrite)).toBe('1-7');
});

describeEachDatabase('territory importer', (ctx) => {
  let campaignId: string;
  let report: ImportReport;
  const progress: ImportProgress[] = [];

  beforeAll(async () => {
    campaignId = await createCampaign(ctx.database.db);
    report = await importTerritory(ctx.database.db, { campaignId, dir, manifest, onProgress: (p) => progress.push(p) });
  });

  it('imports every layer with its zones, bbox, centroid and parents', async () => {
    expect(importSucceeded(report)).toBe(true);
    expect(report.missingFiles).toEqual([]);
    const db = ctx.database.db;
    const arr = await zoneCodes(db, campaignId, 'arrondissement');
    expect(arr.map((z) => z.code).sort()).toEqual(['1', '2', '3', '4']);
    expect((await zoneCodes(db, campaignId, 'quartier')).length).toBe(16);
    expect((await zoneCodes(db, campaignId, 'bureau')).length).toBe(24);
    const iris = await zoneCodes(db, campaignId, 'iris');
    expect(iris.length).toBe(24);
    for (const layer of ['quartier', 'bureau', 'iris']) {
      for (const z of await zoneCodes(db, campaignId, layer)) {
        const p = z.properties as Record<string, unknown>;
        expect(z.parent_code).toBe(String(p.c_ar ?? p.arrondissement_bv ?? p.arrondissement));
      }
    }
    const a1 = arr.find((z) => z.code === '1');
    expect(a1?.bbox).toEqual([2.3, 48.84, 2.324, 48.856]);
    expect(a1?.centroid[0]).toBeCloseTo(2.312, 9);
    expect(a1?.centroid[1]).toBeCloseTo(48.848, 9);
  });

  it('reports bad features and rows with reasons instead of failing', () => {
    expect(step(report, 'layer:arrondissement')).toMatchObject({
      imported: 4,
      skipped: 3,
      reasons: { 'invalid geometry: missing geometry': 1, 'missing code (c_ar)': 1, 'duplicate code': 1 },
    });
    expect(step(report, 'indicators:iris-paris-indicateurs.csv')).toMatchObject({
      imported: 24,
      skipped: 2,
      reasons: { 'unknown zone code': 1, 'missing zone code': 1 },
      warnings: { 'non-numeric value': 1 },
    });
    expect(step(report, 'results:europeennes-2024/1')).toMatchObject({
      imported: 24,
      skipped: 2,
      reasons: { 'unknown polling station': 1, 'invalid registered or expressed count': 1 },
    });
    expect(step(report, 'results:municipales-2020/1').reasons).toEqual({ 'unknown polling station': 1 });
    const addresses = step(report, 'addresses');
    expect(addresses.skipped).toBe(3);
    expect(addresses.reasons).toEqual({ 'invalid coordinates': 1, 'missing street': 1, 'duplicate id': 1 });
    expect(addresses.samples[0]?.ref).toMatch(/^line \d+$/);
  });

  it('stores indicators by zone, name and year', async () => {
    const db = ctx.database.db;
    const rows = await db
      .selectFrom('zone_indicator as i')
      .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 'i.campaign_id').onRef('z.id', '=', 'i.zone_id'))
      .select(['z.code', 'i.name', 'i.year', 'i.value', 'i.source'])
      .where('i.campaign_id', '=', campaignId)
      .execute();
    const irisPop = rows.filter((r) => r.name === 'population' && r.code.length === 9);
    expect(irisPop).toHaveLength(24);
    const arrPop = rows.filter((r) => r.name === 'population' && r.code.length === 1);
    expect(arrPop).toHaveLength(4);
    // The arrondissement file sums its IRIS: the two imports agree.
    expect(arrPop.reduce((s, r) => s + r.value, 0)).toBe(irisPop.reduce((s, r) => s + r.value, 0));
    expect(arrPop[0]?.year).toBe(2021);
    const dvfYears = new Set(rows.filter((r) => r.name === 'dvf_prix_m2_median').map((r) => r.year));
    expect([...dvfYears].sort()).toEqual([2022, 2023, 2024]);
    expect(rows.some((r) => r.name === 'dvf_prix_m2_median_2022')).toBe(false);
    expect(rows.find((r) => r.name === 'nombre_arbres')?.year).toBe(0);
  });

  it('stores results, mapping 2020 numbering to the 2024 areas through the crosswalk', async () => {
    const db = ctx.database.db;
    const results = await db
      .selectFrom('election_result as r')
      .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 'r.campaign_id').onRef('z.id', '=', 'r.zone_id'))
      .select(['z.code', 'r.election', 'r.round', 'r.candidate', 'r.nuance', 'r.votes', 'r.registered', 'r.expressed'])
      .where('r.campaign_id', '=', campaignId)
      .execute();
    expect(results.filter((r) => r.election === 'europeennes-2024')).toHaveLength(24 * 6);
    expect(results.filter((r) => r.election === 'presidentielle-2022')).toHaveLength(24 * 2);
    expect(results.filter((r) => r.election === 'municipales-2020' && r.round === 1)).toHaveLength(24 * 5);
    expect(results.filter((r) => r.election === 'municipales-2020' && r.round === 2)).toHaveLength(24 * 3);
    // In the generated city, 2020 station n of an arrondissement is the area of 2024 station 7 - n.
    const csv = readFileSync(path.join(dir, 'municipales-2020-t1-par-bureau-long.csv'), 'utf8').split('\n');
    const station = csv.filter((l) => l.startsWith('75056_0106,')).map((l) => l.split(','));
    const inArea = results.filter((r) => r.code === '1-1' && r.election === 'municipales-2020' && r.round === 1);
    expect(inArea.map((r) => [r.candidate, r.nuance, r.votes, r.registered]).sort()).toEqual(
      station.map((c) => [`${c[6]} ${c[5]}`, c[7], Number(c[9]), Number(c[3])]).sort(),
    );
    // Quoted list names with commas were read whole.
    const euro = results.filter((r) => r.code === '2-3' && r.election === 'europeennes-2024');
    expect(euro.reduce((s, r) => s + r.votes, 0)).toBe(euro[0]?.expressed);
  });

  it('reports progress for every step', () => {
    const steps = new Set(progress.map((p) => p.step));
    expect([...steps]).toEqual(report.steps.map((s) => s.step));
    const last = progress.filter((p) => p.step === 'addresses').at(-1);
    expect(last?.done).toBe(last?.total);
    expect(progress.every((p) => p.stepCount === report.steps.length)).toBe(true);
  });

  it('re-imports idempotently, keeping zone ids', async () => {
    const db = ctx.database.db;
    const before = await zoneCodes(db, campaignId, 'bureau');
    const counts = await Promise.all(
      (['zone', 'zone_indicator', 'election_result', 'address'] as const).map((t) => countRows(db, t, campaignId)),
    );
    const again = await importTerritory(db, { campaignId, dir, manifest });
    expect(importSucceeded(again)).toBe(true);
    const after = await zoneCodes(db, campaignId, 'bureau');
    expect(new Map(after.map((z) => [z.code, z.id]))).toEqual(new Map(before.map((z) => [z.code, z.id])));
    expect(
      await Promise.all((['zone', 'zone_indicator', 'election_result', 'address'] as const).map((t) => countRows(db, t, campaignId))),
    ).toEqual(counts);
    expect(counts[3]).toBe(step(report, 'addresses').imported);
  });

  it('removes zones that left the file, with their indicators', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const copy = mkdtempSync(path.join(root, 'shrink-'));
    cpSync(dir, copy, { recursive: true });
    await importTerritory(db, { campaignId: other, dir: copy, manifest, parts: ['layers', 'indicators'] });
    const irisFile = path.join(copy, 'iris-paris-2024.geojson');
    const json = JSON.parse(readFileSync(irisFile, 'utf8'));
    const removed = json.features.pop().properties.code_iris;
    writeFileSync(irisFile, JSON.stringify(json));
    const again = await importTerritory(db, { campaignId: other, dir: copy, manifest, parts: ['layers', 'indicators'] });
    expect(step(again, 'layer:iris').details['zones removed']).toBe(1);
    const codes = (await zoneCodes(db, other, 'iris')).map((z) => z.code);
    expect(codes).toHaveLength(23);
    expect(codes).not.toContain(removed);
    // The first campaign is untouched.
    expect((await zoneCodes(db, campaignId, 'iris')).length).toBe(24);
  });

  it('imports as the application role in a tenant transaction (row-level security on)', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const r = await withTenant(db, other, (trx) =>
      importTerritory(trx, { campaignId: other, dir, manifest, parts: ['layers', 'indicators', 'results'] }),
    );
    expect(importSucceeded(r)).toBe(true);
    expect(await countRows(db, 'zone', other)).toBe(68);
    expect(await countRows(db, 'election_result', other)).toBe(await countRows(db, 'election_result', campaignId));
  });

  it('finds parents by position when the file has no parent code', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const byPosition: CityManifest = {
      ...manifest,
      layers: manifest.layers.map((l) => (l.parent ? { ...l, parent: { layer: l.parent.layer } } : l)),
    };
    const r = await importTerritory(db, { campaignId: other, dir, manifest: byPosition, parts: ['layers'] });
    expect(step(r, 'layer:iris').details['zones with parent']).toBe(24);
    for (const layer of ['quartier', 'bureau', 'iris']) {
      for (const z of await zoneCodes(db, other, layer)) {
        const p = z.properties as Record<string, unknown>;
        expect(z.parent_code).toBe(String(p.c_ar ?? p.arrondissement_bv ?? p.arrondissement));
      }
    }
  });

  it('reports an unreadable or absent file for its step only and leaves its data alone', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const copy = mkdtempSync(path.join(root, 'broken-'));
    cpSync(dir, copy, { recursive: true });
    await importTerritory(db, { campaignId: other, dir: copy, manifest, parts: ['layers'] });
    writeFileSync(path.join(copy, 'quartiers-administratifs.geojson'), '{"type": "FeatureCollection", "features": [');
    unlinkSync(path.join(copy, 'presidentielle-2022-t2-par-bureau.csv'));
    const banPath = path.join(copy, 'adresses-75.csv.gz');
    writeFileSync(banPath, readFileSync(banPath).subarray(0, 2000));
    const r = await importTerritory(db, { campaignId: other, dir: copy, manifest });
    expect(importSucceeded(r)).toBe(false);
    expect(step(r, 'layer:quartier').error).toMatch(/not valid JSON/);
    expect(step(r, 'results:presidentielle-2022/2').missing).toBe(true);
    expect(r.missingFiles).toEqual(['presidentielle-2022-t2-par-bureau.csv']);
    expect(step(r, 'addresses').error).toBeTruthy();
    expect(await countRows(db, 'address', other)).toBe(0);
    expect((await zoneCodes(db, other, 'quartier')).length).toBe(16);
    expect(step(r, 'results:europeennes-2024/1').imported).toBe(24);
  });
});
