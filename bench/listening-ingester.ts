// The ingesting side of bench/listening.ts, in its own process (as the listening pass runs in the
// worker): each tick brings its share of the scaled hourly rate through the pass's path — `ingest`
// (query match, French triage, threads, de-duplication) then the spike check. Prints one JSON line:
// mentions added, late ticks, and the time each tick took.
import { loadConfig } from '../src/server/config.ts';
import { tenantRunnerOf } from '../src/server/db/database.ts';
import { item, QUERY } from './lib/listening-items.ts';

// The runtime first (it loads every module in order), then the pass's functions: entering the
// modules through pass.ts would meet the module list halfway through its own imports.
const { openRuntime } = await import('../src/server/runtime.ts');
const { ingest } = await import('../src/server/modules/listening/listening.service.ts');
const { detectSpike } = await import('../src/server/modules/listening/pass.ts');

const args = JSON.parse(process.argv[2] ?? '{}') as {
  campaignId: string;
  watchId: string;
  perTick: number;
  tickMs: number;
  mentions: number;
  first: number;
};
const config = loadConfig(process.env);
const runtime = await openRuntime(config);
const db = runtime.database.db;
const tenant = tenantRunnerOf(db, args.campaignId);
const watch = { id: args.watchId, source: 'rss' as const, query: QUERY };
const ticks: number[] = [];
let added = 0;
let lateTicks = 0;
let owed = 0;
let serial = args.first;
const start = performance.now();
try {
  for (let tick = 0; added < args.mentions; tick++) {
    const tickStart = performance.now();
    owed += args.perTick;
    const n = Math.min(args.mentions - added, Math.floor(owed));
    owed -= n;
    const now = new Date();
    const items = Array.from({ length: n }, (_, k) => item(serial + k, new Date(now.getTime() - k * 50)));
    serial += n;
    added += await tenant((trx) => ingest(trx, args.campaignId, watch, items));
    await detectSpike(config, db, tenant, args.campaignId, now);
    ticks.push(performance.now() - tickStart);
    const wait = start + (tick + 1) * args.tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else lateTicks += 1;
  }
} finally {
  await runtime.close();
}
ticks.sort((a, b) => a - b);
const at = (p: number) => Math.round(ticks[Math.min(ticks.length - 1, Math.ceil(p * ticks.length) - 1)] ?? 0);
console.log(JSON.stringify({ added, late_ticks: lateTicks, tick_ms: { p50: at(0.5), p95: at(0.95), max: at(1) } }));
