// The duplicate finder on an existing campaign (the demo's, usually): how long one page of likely
// pairs takes to find, as GET /people/duplicates runs it (a tenant transaction, row-level
// security), and its plan. Reads the database the server uses, so run it with the server stopped
// on the embedded database (PGlite allows one process).
//
//   node bench/duplicates.ts --data-dir ./data            # PGlite under DATA_DIR
//   node bench/duplicates.ts --pg-url postgres://…/relais  # PostgreSQL
//   options: --campaign <slug> (default: the first campaign), --rounds <n> (default 7), --explain
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, refreshStatistics, withTenant } from '../src/server/db/database.ts';
import { duplicatesStatement, findDuplicates } from '../src/server/modules/people/duplicates.ts';
import { timings } from './people/queries.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'pg-url': { type: 'string' },
    campaign: { type: 'string' },
    rounds: { type: 'string', default: '7' },
    explain: { type: 'boolean', default: false },
  },
});
if (!values['data-dir'] && !values['pg-url']) {
  console.error('Usage: node bench/duplicates.ts (--data-dir DIR | --pg-url URL) [--campaign SLUG] [--rounds N] [--explain]');
  process.exit(2);
}
const database = await openDatabase({
  databaseUrl: values['pg-url'] ?? null,
  pgliteDir: values['data-dir'] ? `${values['data-dir']}/pglite` : null,
});
try {
  const campaign = await database.db
    .selectFrom('campaign')
    .select(['id', 'slug'])
    .$if(Boolean(values.campaign), (q) => q.where('slug', '=', values.campaign as string))
    .orderBy('created_at')
    .executeTakeFirstOrThrow();
  if (database.kind === 'pglite') await refreshStatistics(database.db, ['person']);
  const scope = { campaignId: campaign.id, zoneScope: null };
  const page = { page: 1, perPage: 50 };
  const people = await withTenant(database.db, campaign.id, (trx) =>
    trx
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaign.id)
      .executeTakeFirstOrThrow(),
  );
  const samples: number[] = [];
  let total = 0;
  for (let i = 0; i < Number(values.rounds) + 1; i++) {
    const started = performance.now();
    const found = await withTenant(database.db, campaign.id, (trx) => findDuplicates(trx, scope, page));
    if (i > 0) samples.push(performance.now() - started); // the first run warms the caches
    total = found.total;
  }
  const t = timings(samples);
  console.log(
    `${database.kind} · campaign ${campaign.slug} · ${people.n} people · ${total} pairs · page of 50: median ${t.median.toFixed(0)} ms, p95 ${t.p95.toFixed(0)} ms (${samples.length} rounds)`,
  );
  if (values.explain) {
    const statement = duplicatesStatement(scope, page).compile(database.db);
    const plan = await withTenant(database.db, campaign.id, (trx) =>
      sql
        .raw<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${statement.sql.replace(/\$(\d+)/g, (_, n) => literal(statement.parameters[Number(n) - 1]))}`,
        )
        .execute(trx),
    );
    for (const row of plan.rows) console.log(row['QUERY PLAN']);
  }
} finally {
  await database.close();
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `array[${value.map(literal).join(',')}]::text[]`;
  return `'${String(value).replace(/'/g, "''")}'`;
}
