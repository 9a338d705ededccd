// npm run bench:canvass — the canvassing app's sync under a burst (issue 16): 300 canvassers each
// push 50 doors at the same instant (one POST /api/v1/canvass/sync each, as the phones do when the
// network comes back), then all of them send the same batches again (a lost answer). Checks that
// every door is stored exactly once, and reports the latency percentiles of each wave. The server
// runs in this process on loopback (real HTTP, the real app), on PostgreSQL by default.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../src/server/config.ts';
import { withTenant } from '../src/server/db/database.ts';
import { uuidv7 } from '../src/server/lib/ids.ts';
import { createTurfFixture } from '../src/server/modules/canvass/canvass.fixtures.ts';
import { createApiToken } from '../src/server/modules/identity/identity.service.ts';
import { appOf, openRuntime } from '../src/server/runtime.ts';
import { createCampaignFixture } from '../src/server/testing/app.ts';
import { createBenchPostgres, dropBenchPostgres, pgliteDataDir, removePgliteDataDir } from './lib/databases.ts';
import { machineConditions } from './lib/machine.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    canvassers: { type: 'string', default: '300' },
    doors: { type: 'string', default: '50' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/' },
  },
});
const kind = values.db === 'pglite' ? 'pglite' : 'postgres';
const CANVASSERS = Number(values.canvassers);
const DOORS = Number(values.doors);
const DB_NAME = 'relais_bench_canvass';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

const dataDir = pgliteDataDir();
const env =
  kind === 'postgres'
    ? { ...process.env, DATABASE_URL: await createBenchPostgres(values['pg-url'], DB_NAME), LOG_LEVEL: 'warn', PORT: '0' }
    : { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: '0' };
const config = loadConfig(env);
const runtime = await openRuntime(config);
const db = runtime.database.db;
try {
  const campaign = await createCampaignFixture(db, `canvass-bench-${process.pid}`);
  const zoneId = campaign.zones[0]?.id as string;
  console.log(`Preparing ${CANVASSERS} canvassers × ${DOORS} doors on ${kind}…`);
  const canvassers: Array<{ token: string; doors: Array<{ building: string; door: string; turf: string; lon: number; lat: number }> }> = [];
  const perFloor = 2;
  const floors = 5;
  const buildings = Math.ceil(DOORS / (floors * perFloor));
  for (let i = 0; i < CANVASSERS; i++) {
    const userId = uuidv7();
    await db
      .insertInto('staff_user')
      .values({ id: userId, email: `canvasser${i}.${process.pid}@bench.relais.fr`, display_name: `Bénévole ${i}`, password_hash: 'x' })
      .execute();
    await db.insertInto('membership').values({ campaign_id: campaign.id, user_id: userId, role: 'volunteer', zone_ids: [] }).execute();
    const turf = await createTurfFixture(db, { campaignId: campaign.id, zoneId, userId, buildings, floors, perFloor });
    const created = await withTenant(db, campaign.id, (trx) =>
      createApiToken(
        trx,
        { campaignId: campaign.id, userId, tokenId: null, label: `Bénévole ${i}`, role: 'volunteer', zoneScope: null, ip: null },
        { name: `phone ${i}`, scopes: ['canvasses:write'] },
      ),
    );
    const doors = turf.buildings
      .flatMap((b) => b.doors.map((d) => ({ building: b.id, door: d.id, turf: turf.turfId, lon: b.lon, lat: b.lat })))
      .slice(0, DOORS);
    canvassers.push({ token: created.token, doors });
  }
  const app = await appOf(runtime);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/canvass/sync`;
  const start = Date.now() - 3600_000;
  const batches = canvassers.map((c) => ({
    token: c.token,
    body: JSON.stringify({
      results: c.doors.map((d, i) => ({
        id: uuidv7(),
        building_id: d.building,
        door_id: d.door,
        turf_id: d.turf,
        outcome: i % 3 === 0 ? 'supportive' : 'absent',
        themes: i % 5 === 0 ? ['Logement'] : [],
        recorded_at: new Date(start + i * 40_000).toISOString(),
        lon: d.lon,
        lat: d.lat,
      })),
    }),
  }));

  async function wave(label: string) {
    const times: number[] = [];
    const statuses = new Map<string, number>();
    const t0 = performance.now();
    await Promise.all(
      batches.map(async (b) => {
        const s = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' },
          body: b.body,
        });
        const json = (await res.json()) as { results?: Array<{ status: string }> };
        times.push(performance.now() - s);
        if (!res.ok) statuses.set(`http ${res.status}`, (statuses.get(`http ${res.status}`) ?? 0) + 1);
        for (const r of json.results ?? []) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }),
    );
    const wall = performance.now() - t0;
    times.sort((a, b) => a - b);
    const row = {
      wave: label,
      requests: times.length,
      doors: times.length * DOORS,
      wall_ms: Math.round(wall),
      p50_ms: Math.round(percentile(times, 50)),
      p95_ms: Math.round(percentile(times, 95)),
      p99_ms: Math.round(percentile(times, 99)),
      max_ms: Math.round(times.at(-1) ?? 0),
      doors_per_s: Math.round((times.length * DOORS) / (wall / 1000)),
      statuses: Object.fromEntries(statuses),
    };
    console.log(row);
    return row;
  }

  const first = await wave('first sync');
  const again = await wave('same batches again');
  const { rows } = await sql<{ n: number; distinct_ids: number; doors: number }>`
    select count(*)::int as n, count(distinct id)::int as distinct_ids, count(distinct door_id)::int as doors
    from canvass_result where campaign_id = ${campaign.id}`.execute(db);
  const stored = rows[0] ?? { n: 0, distinct_ids: 0, doors: 0 };
  const expected = CANVASSERS * DOORS;
  const ok = stored.n === expected && stored.distinct_ids === expected && stored.doors === expected;
  console.log(
    `Stored ${stored.n} results for ${expected} doors (${stored.doors} distinct doors): ${ok ? 'every door exactly once' : 'MISMATCH'}`,
  );
  await app.close();
  const report = { kind, canvassers: CANVASSERS, doors_each: DOORS, waves: [first, again], stored, ok, machine: machineConditions() };
  const dir = path.resolve(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `canvass-sync-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify(report, null, 2));
  process.exitCode = ok ? 0 : 1;
} finally {
  await runtime.close();
  if (kind === 'postgres') await dropBenchPostgres(values['pg-url'], DB_NAME).catch(() => undefined);
  else await removePgliteDataDir(dataDir);
}
