// The ladder page's funnel on the demo campaign (32,000 people and their ladder history): times the
// two statements of GET /ladder/funnel (people per stage at each week's end, moves per week) as the
// app runs them (tenant transaction, row-level security), and with --explain prints their plans.
//   DATABASE_URL=postgres://…/db node bench/funnel.ts [--weeks 12] [--rounds 10] [--explain] [--jit]
//   DATA_DIR=/path node bench/funnel.ts            (PGlite; the server must not hold the directory)
// The database must hold the demo campaign (`relais seed demo`, or a first `relais start`).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CompiledQuery } from 'kysely';
import { openDatabase, withTenant } from '../src/server/db/database.ts';
import { DEMO_SLUG } from '../src/server/modules/demo/demo.campaign.ts';
import { funnelConversionsStatement, funnelStagesStatement, prepareFunnel } from '../src/server/modules/people/funnel.ts';
import { timings } from './people/queries.ts';

const { values } = parseArgs({
  options: {
    weeks: { type: 'string', default: '12' },
    rounds: { type: 'string', default: '10' },
    explain: { type: 'boolean', default: false },
    // As before the fix: let PostgreSQL JIT-compile the statements.
    jit: { type: 'boolean', default: false },
  },
});
const weeks = Number(values.weeks);
const rounds = Number(values.rounds);
const url = process.env.DATABASE_URL;
const database = await openDatabase({
  databaseUrl: url ?? null,
  pgliteDir: url ? null : path.join(process.env.DATA_DIR ?? './data', 'pglite'),
});
const { db } = database;
const campaign = await db.selectFrom('campaign').select('id').where('slug', '=', DEMO_SLUG).executeTakeFirstOrThrow();
const scope = { campaignId: campaign.id, zoneScope: null };
const statements = {
  stages: () => funnelStagesStatement(scope, { weeks }),
  conversions: () => funnelConversionsStatement(scope, { weeks }),
};
for (const [name, statement] of Object.entries(statements)) {
  const samples: number[] = [];
  for (let i = 0; i < rounds + 1; i++) {
    const started = performance.now();
    await withTenant(db, campaign.id, async (trx) => {
      if (!values.jit) await prepareFunnel(trx);
      await statement().execute(trx);
    });
    if (i > 0) samples.push(performance.now() - started); // the first run warms the caches
  }
  const t = timings(samples);
  console.log(
    `${name.padEnd(12)} median ${t.median.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${rounds} runs, ${url ? 'PostgreSQL' : 'PGlite'})`,
  );
  if (values.explain) {
    const compiled = statement().compile(db);
    await withTenant(db, campaign.id, async (trx) => {
      if (!values.jit) await prepareFunnel(trx);
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain (analyze) ${compiled.sql}`, [...compiled.parameters]),
      );
      console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
    });
  }
}
await database.close();
