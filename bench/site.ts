// Public pages of the site against a static file of the same size served by the same server
// (@fastify/static, as the back office's files are): the home page (the candidate's message, the
// map of arrondissements drawn from 20 zones, the latest news) and an arrondissement's page (its
// running mates and news), each at 200 connections on loopback. The issue's targets: ≥ 50 % of the
// static file's requests per second, p99 under 50 ms. The server runs in a child process.
//   node bench/site.ts [--duration 5] [--warmup 2] [--connections 200]
//   DATABASE_URL=postgres://…/postgres node bench/site.ts   (a throwaway database is created and dropped)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from './lib/children.ts';
import { measure } from './lib/load.ts';

const child = process.env.SITE_BENCH_CHILD === '1';

/** A ring around (x, y): a rough hexagon-like arrondissement, so the map has real paths to draw. */
function ring(x: number, y: number, r: number, points = 48): number[][] {
  const out: number[][] = [];
  for (let i = 0; i <= points; i++) {
    const a = (2 * Math.PI * (i % points)) / points;
    const wobble = 1 + 0.08 * Math.sin(5 * a);
    out.push([2.25 + (x + r * wobble * Math.cos(a)) * 0.02, 48.82 + (y + r * wobble * Math.sin(a)) * 0.014]);
  }
  return out;
}

async function serve() {
  const { loadConfig } = await import('../src/server/config.ts');
  const { openDatabase } = await import('../src/server/db/database.ts');
  const { migrate } = await import('../src/server/db/migrate.ts');
  const { uuidv7 } = await import('../src/server/lib/ids.ts');
  const { appOf, openRuntime } = await import('../src/server/runtime.ts');
  const { seedDemoSite } = await import('../src/server/modules/demo/index.ts');
  const fastifyStatic = (await import('@fastify/static')).default;

  const url = process.env.BENCH_DATABASE_URL || null;
  const database = await openDatabase({ databaseUrl: url, pgliteDir: null, poolSize: 10 });
  await migrate(database);
  const { db } = database;
  const campaignId = uuidv7();
  await db.insertInto('campaign').values({ id: campaignId, slug: 'bench', name: 'Paris 2026', city: 'Paris' }).execute();
  const layerId = uuidv7();
  await db
    .insertInto('zone_layer')
    .values({ campaign_id: campaignId, id: layerId, code: 'arrondissement', name: 'Arrondissements' })
    .execute();
  await db
    .insertInto('zone')
    .values(
      Array.from({ length: 20 }, (_, i) => {
        const x = (i % 5) * 2;
        const y = Math.floor(i / 5) * 2;
        const coordinates = [ring(x, y, 1)];
        const flat = coordinates[0] ?? [];
        const xs = flat.map((p) => p[0] ?? 0);
        const ys = flat.map((p) => p[1] ?? 0);
        return {
          campaign_id: campaignId,
          id: uuidv7(),
          layer_id: layerId,
          code: String(i + 1),
          name: `${i + 1}${i === 0 ? 'er' : 'e'} Ardt`,
          parent_id: null,
          geometry: JSON.stringify({ type: 'Polygon', coordinates }),
          bbox: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
          centroid: [2.25 + x * 0.02, 48.82 + y * 0.014],
        };
      }),
    )
    .execute();
  await seedDemoSite(db, campaignId, { seed: 2026 });

  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent' });
  const runtime = await openRuntime(config, database);
  const app = await appOf(runtime);
  // Static files of the same sizes as the two pages, served by the same server.
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'relais-site-bench-'));
  await app.register(fastifyStatic, { root: staticDir, prefix: '/bench-static/', decorateReply: false });
  const sizes: Record<string, number> = {};
  for (const [name, pagePath] of [
    ['home', '/'],
    ['arrondissement', '/arrondissements/11'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url: pagePath });
    if (res.statusCode !== 200) throw new Error(`${pagePath} answered ${res.statusCode}`);
    sizes[name] = res.rawPayload.length;
    writeFileSync(path.join(staticDir, `${name}.html`), 'x'.repeat(res.rawPayload.length));
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.once('SIGTERM', async () => {
    await app.close();
    await runtime.close();
    rmSync(staticDir, { recursive: true, force: true });
    process.exit(0);
  });
  process.send?.({ port, sizes });
}

async function main() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '200' },
    },
  });
  const base = process.env.DATABASE_URL ?? null;
  let dbUrl: string | null = null;
  let dbName: string | null = null;
  if (base) {
    dbName = `relais_bench_site_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const server = await startServer<{ port: number; sizes: Record<string, number> }>({
    script: import.meta.filename,
    env: { ...process.env, SITE_BENCH_CHILD: '1', BENCH_DATABASE_URL: dbUrl ?? '', DATABASE_URL: '' },
  });
  const lines: string[] = [];
  try {
    for (const [name, pagePath] of [
      ['home', '/'],
      ['arrondissement', '/arrondissements/11'],
    ] as const) {
      const figures: Record<string, { rps: number; p99: number; errors: number }> = {};
      for (const [kind, url] of [
        ['static', `/bench-static/${name}.html`],
        ['page', pagePath],
      ] as const) {
        const options = {
          url: `http://127.0.0.1:${server.info.port}${url}`,
          headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Bench/1.0' },
          connections: Number(values.connections),
          pipelining: 1,
        };
        await measure({ ...options, duration: Number(values.warmup) });
        const sample = await measure({ ...options, duration: Number(values.duration) });
        figures[kind] = { rps: sample.rps, p99: sample.p99, errors: sample.errors };
        console.log(
          `${`${name} ${kind}`.padEnd(22)} ${sample.rps.toFixed(0).padStart(7)} req/s  p50 ${sample.p50} ms  p99 ${sample.p99} ms  ${sample.bytesPerResponse.toFixed(0)} B/response  errors ${sample.errors}`,
        );
      }
      const page = figures.page ?? { rps: 0, p99: 0, errors: 0 };
      const file = figures.static ?? { rps: 1, p99: 0, errors: 0 };
      lines.push(
        `${name} (${server.info.sizes[name]} B): ${((100 * page.rps) / file.rps).toFixed(0)} % of the static file's req/s (target ≥ 50 %), p99 ${page.p99} ms (target < 50 ms)`,
      );
    }
  } finally {
    await server.stop();
    if (base && dbName) {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
  console.log(
    `${base ? 'PostgreSQL' : 'PGlite'}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${values.connections} connections:`,
  );
  for (const line of lines) console.log(`  ${line}`);
}

if (child) await serve();
else await main();
