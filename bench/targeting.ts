// The targeting map (issue 16: ≤ 100 kB compressed, ≤ 300 ms on PostgreSQL) on Paris' ~900 polling
// stations (the local mirror, RELAIS_OPENDATA_DIR; else a generated city): the preset "mobiliser les
// abstentionnistes favorables" computed per station, then GET /target_scores/:id/map timed through
// the real app in this process, side by side with the territory map's requests on the same stations
// (the shapes, GET /zones?geometry=true, and a metric, GET /zone_values) as baselines. Sizes are the
// bytes sent with and without `accept-encoding: gzip` (the baselines gzipped here at the same level,
// as a compressing proxy would).
//   node bench/targeting.ts [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--runs 15]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
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
const pgUrl = arg('pg-url', process.env.DATABASE_URL ?? '');
const LIMIT_BYTES = 100_000;
const LIMIT_MS = 300;

// A database of its own on the server (created and dropped here): others may be migrated differently.
const benchDb = `relais_bench_targeting_${process.pid}`;
async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(statement);
  await client.end();
}
let url = '';
if (pgUrl) {
  await admin(`create database ${benchDb}`);
  const u = new URL(pgUrl);
  u.pathname = `/${benchDb}`;
  url = u.toString();
}
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'relais-bench-targeting-'));
const config = loadConfig({ ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn', DATA_DIR: dataDir, RELAIS_WORKER: 'embedded' });
const runtime = await openRuntime(config);
const { db } = runtime.database;
const mirror = findLocalMirror(parisManifest, config.opendataDir);
const dir = mirror ?? path.join(dataDir, 'city');
if (!mirror) await generateSyntheticCity(dir, { seed: 7 });
const manifest = mirror ? parisManifest : syntheticCityManifest;

const campaignId = uuidv7();
await db
  .insertInto('campaign')
  .values({ id: campaignId, slug: `bench-targeting-${campaignId.slice(-8)}`, name: 'Bench' })
  .execute();
let started = Date.now();
await importTerritory(db, { campaignId, dir, manifest, parts: ['layers', 'indicators', 'results'] });
console.log(`${mirror ? 'Paris' : 'generated city'}: territory imported in ${Date.now() - started} ms`);
await sql`analyze`.execute(db);
const token = (
  await withTenant(db, campaignId, (trx) =>
    createApiToken(
      trx,
      { campaignId, userId: null, tokenId: null, label: 'bench', role: 'owner', zoneScope: null, ip: null },
      { name: 'bench', scopes: ['zones:read', 'targeting:read', 'targeting:write'] },
    ),
  )
).token;
const app = await appOf(runtime);
await app.ready();
const auth = { authorization: `Bearer ${token}` };

const options = await app.inject({ url: '/api/v1/targeting/options?layer=bureau', headers: auth });
const side = (options.json().elections as Array<{ code: string; round: number; candidates: Array<{ name: string }> }>).find(
  (e) => e.code === 'europeennes-2024' && e.round === 1,
)?.candidates[0]?.name as string;
started = Date.now();
const created = await app.inject({
  method: 'POST',
  url: '/api/v1/target_scores',
  headers: auth,
  payload: {
    name: 'Abstentionnistes favorables',
    layer: 'bureau',
    preset: 'favourable_abstainers',
    election: 'europeennes-2024',
    round: 1,
    side: [side],
  },
});
if (created.statusCode !== 201) throw new Error(`score: ${created.statusCode} ${created.body}`);
const score = created.json() as { id: string; zones_count: number };
console.log(`score computed for ${score.zones_count} stations in ${Date.now() - started} ms (side: ${side})`);

async function time(url: string, gzip: boolean): Promise<{ ms: number; bytes: number; gzipBytes: number }> {
  const t0 = process.hrtime.bigint();
  const res = await app.inject({ url, headers: { ...auth, ...(gzip ? { 'accept-encoding': 'gzip' } : {}) } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const sent = res.rawPayload;
  const gzipped = res.headers['content-encoding'] === 'gzip';
  return { ms, bytes: gzipped ? 0 : sent.length, gzipBytes: gzipped ? sent.length : gzipSync(sent, { level: 6 }).length };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] as number;

const requests = [
  { name: 'targeting map (gzip)', url: `/api/v1/target_scores/${score.id}/map`, gzip: true },
  { name: 'targeting map (plain)', url: `/api/v1/target_scores/${score.id}/map`, gzip: false },
  { name: 'baseline: station shapes', url: '/api/v1/zones?layer=bureau&geometry=true', gzip: false },
  { name: 'baseline: metric values', url: '/api/v1/zone_values?layer=bureau&metric=turnout:europeennes-2024:1', gzip: false },
];
const rows: Array<{ name: string; cold: number; warm: number; p95: number; bytes: number; gzipBytes: number }> = [];
for (const r of requests) {
  const cold = await time(r.url, r.gzip);
  const warm: number[] = [];
  let last = cold;
  for (let i = 0; i < runs; i++) {
    last = await time(r.url, r.gzip);
    warm.push(last.ms);
  }
  rows.push({ name: r.name, cold: cold.ms, warm: median(warm), p95: p95(warm), bytes: last.bytes, gzipBytes: last.gzipBytes });
}
console.log(`\n${runtime.database.kind}, ${score.zones_count} zones, ${runs} runs, load average ${os.loadavg()[0]?.toFixed(1)}`);
console.log('| request | first (ms) | median (ms) | p95 (ms) | bytes | gzipped bytes |\n|---|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(`| ${r.name} | ${r.cold.toFixed(0)} | ${r.warm.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.bytes || '—'} | ${r.gzipBytes} |`);
const map = rows[0] as (typeof rows)[number];
const shapes = rows[2] as (typeof rows)[number];
console.log(
  `\nmap: ${map.gzipBytes} bytes gzipped (limit ${LIMIT_BYTES}: ${map.gzipBytes <= LIMIT_BYTES ? 'met' : 'NOT met'}), ` +
    `median ${map.warm.toFixed(1)} ms (limit ${LIMIT_MS}${runtime.database.kind === 'postgres' ? '' : ', on PostgreSQL'}: ${map.warm <= LIMIT_MS ? 'met' : 'NOT met'}); ` +
    `× the station shapes: ${(map.warm / shapes.warm).toFixed(2)} in time, ${(map.gzipBytes / shapes.gzipBytes).toFixed(2)} in gzipped size`,
);
await app.close();
await runtime.close();
if (pgUrl) await admin(`drop database ${benchDb} with (force)`);
rmSync(dataDir, { recursive: true, force: true });
