// The territory map's requests on Paris' ~900 polling stations (the local mirror, RELAIS_OPENDATA_DIR;
// else a generated city), through the real app in this process on PGlite (default) or PostgreSQL
// (--pg-url): each request's first answer after an import (cold: the values are computed and
// cached) and the median of the next ones (warm), as a ratio to GET /zone_layers in the same run.
//   node bench/territory.ts [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--runs 15] [--people 30000]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.ts';
import { withTenant } from '../src/server/db/database.ts';
import { uuidv7 } from '../src/server/lib/ids.ts';
import { createApiToken } from '../src/server/modules/identity/identity.service.ts';
import { importTerritory } from '../src/server/modules/territory/territory.importer.ts';
import { findLocalMirror } from '../src/server/opendata/mirror.ts';
import { parisManifest } from '../src/server/opendata/paris.manifest.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../src/server/opendata/synthetic-city.ts';
import { appOf, openRuntime } from '../src/server/runtime.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const runs = Number(arg('runs', '15'));
const peopleCount = Number(arg('people', '30000'));
const pgUrl = arg('pg-url', '');

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-territory-'));
const config = loadConfig({ ...process.env, DATABASE_URL: pgUrl, LOG_LEVEL: 'warn', DATA_DIR: dataDir, RELAIS_WORKER: 'embedded' });
const runtime = await openRuntime(config);
const { db } = runtime.database;
const mirror = findLocalMirror(parisManifest, config.opendataDir);
const dir = mirror ?? path.join(dataDir, 'city');
if (!mirror) await generateSyntheticCity(dir, { seed: 7 });
const manifest = mirror ? parisManifest : syntheticCityManifest;

const campaignId = uuidv7();
await db
  .insertInto('campaign')
  .values({ id: campaignId, slug: `bench-territory-${campaignId.slice(-8)}`, name: 'Bench' })
  .execute();
const started = Date.now();
await importTerritory(db, { campaignId, dir, manifest, parts: ['layers', 'indicators', 'results'] });
console.log(`${mirror ? 'Paris' : 'generated city'}: territory imported in ${Date.now() - started} ms`);
// People spread over the polling stations, each in its station and the station's arrondissement.
await sql`insert into person (campaign_id, id, given_name, family_name, zone_ids)
  select ${campaignId}, gen_random_uuid(), 'P', 'N' || g, array[b.id, b.parent_id]
  from generate_series(1, ${peopleCount}) g
  join lateral (select z.id, z.parent_id from zone z join zone_layer l on l.id = z.layer_id
    where z.campaign_id = ${campaignId} and l.code = 'bureau' order by z.id offset (g % 900) limit 1) b on true`.execute(db);
await sql`analyze`.execute(db);
const token = (
  await withTenant(db, campaignId, (trx) =>
    createApiToken(
      trx,
      { campaignId, userId: null, tokenId: null, label: 'bench', role: 'owner', zoneScope: null, ip: null },
      { name: 'bench', scopes: ['zones:read'] },
    ),
  )
).token;
const app = await appOf(runtime);
await app.ready();

async function time(url: string): Promise<{ ms: number; bytes: number }> {
  const t0 = process.hrtime.bigint();
  const res = await app.inject({ url, headers: { authorization: `Bearer ${token}` } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return { ms, bytes: res.rawPayload.length };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const requests = [
  '/api/v1/zone_layers',
  '/api/v1/zone_metrics?layer=bureau',
  '/api/v1/zones?layer=bureau&geometry=true',
  '/api/v1/zone_values?layer=bureau&metric=people',
  '/api/v1/zone_values?layer=bureau&metric=turnout:europeennes-2024:1',
  '/api/v1/zone_values?layer=bureau&metric=indicator:niveau_vie_median',
  '/api/v1/zone_values?layer=arrondissement&metric=turnout:europeennes-2024:1',
];
const rows: Array<{ url: string; cold: number; warm: number; bytes: number }> = [];
for (const url of requests) {
  const cold = await time(url);
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push((await time(url)).ms);
  rows.push({ url, cold: cold.ms, warm: median(warm), bytes: cold.bytes });
}
const base = rows[0]?.warm ?? 1;
console.log(`\n${runtime.database.kind}, ${peopleCount} people, ${runs} warm runs, load average ${os.loadavg()[0]?.toFixed(1)}`);
console.log('| request | first (ms) | median after (ms) | × zone_layers | bytes |\n|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.url.replace('/api/v1', '')} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(1)} | ${(r.warm / base).toFixed(1)} | ${r.bytes} |`,
  );
}
await app.close();
await runtime.close();
rmSync(dataDir, { recursive: true, force: true });
