// npm run bench:fuzz — the suite's fuzzing properties (issue 12), run for minutes instead of one:
// src/server/http/routes.fuzz.test.ts (every route, four callers) and
// src/server/modules/imports/uploads.fuzz.test.ts (CSV and XLSX uploads), on PGlite and PostgreSQL,
// round after round with FUZZ_RUNS cases per property and a new FUZZ_SEED each round, until the time
// is spent. Prints a summary (rounds, cases, failures with their seed and counterexample) and writes
// bench/results/fuzz-<timestamp>.json. Exit code 1 when any property failed.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: node bench/fuzz.ts [options]

Options:
  --minutes <n>     time to spend, in rounds (default 15); a round ends even past it
  --runs <n>        FUZZ_RUNS of a round: cases per property, as a multiple of the suite's (default 10)
  --db <kind>       both (PGlite and PostgreSQL, default) or pglite
  --pg-url <url>    PostgreSQL server for the test databases (default postgres://postgres@127.0.0.1:5432/postgres)
  --only <which>    routes or uploads (default both)
  -h, --help        this help`;

const FILES = {
  routes: 'src/server/http/routes.fuzz.test.ts',
  uploads: 'src/server/modules/imports/uploads.fuzz.test.ts',
};

interface Failure {
  round: number;
  seed: number;
  test: string;
  message: string;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    minutes: { type: 'string', default: '15' },
    runs: { type: 'string', default: '10' },
    db: { type: 'string', default: 'both' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const minutes = Number(values.minutes);
const runs = Number(values.runs);
if (!(minutes > 0) || !(runs > 0) || !['both', 'pglite'].includes(values.db) || (values.only && !(values.only in FILES))) {
  console.error(USAGE);
  process.exit(2);
}
const files = values.only ? [FILES[values.only as keyof typeof FILES]] : Object.values(FILES);

/** One vitest run of the fuzz files with a seed; answers its JSON report. */
async function round(seed: number, outputFile: string): Promise<{ code: number; report: VitestReport | null }> {
  const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_RUNS: String(runs), FUZZ_SEED: String(seed) };
  if (values.db === 'both') env.DATABASE_URL = values['pg-url'];
  else delete env.DATABASE_URL;
  const child = spawn(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', ...files, '--reporter=dot', '--reporter=json', `--outputFile.json=${outputFile}`],
    { env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  const report = await readFile(outputFile, 'utf8').then(
    (text) => JSON.parse(text) as VitestReport,
    () => null,
  );
  return { code, report };
}

interface VitestReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string; duration?: number; failureMessages: string[] }[] }[];
}

const started = Date.now();
const deadline = started + minutes * 60_000;
const failures: Failure[] = [];
const rounds: { round: number; seed: number; seconds: number; tests: number; failed: number }[] = [];
const scratch = path.join(tmpdir(), `relais-fuzz-${process.pid}`);
await mkdir(scratch, { recursive: true });
for (let n = 1; Date.now() < deadline; n++) {
  const seed = randomInt(2 ** 31 - 1);
  const t0 = Date.now();
  console.log(`\n— round ${n}: FUZZ_RUNS=${runs} FUZZ_SEED=${seed} (${values.db === 'both' ? 'PGlite and PostgreSQL' : 'PGlite'})`);
  const { code, report } = await round(seed, path.join(scratch, `round-${n}.json`));
  const tests = report?.testResults.flatMap((f) => f.assertionResults) ?? [];
  for (const test of tests.filter((t) => t.status === 'failed')) {
    failures.push({ round: n, seed, test: test.fullName, message: test.failureMessages.join('\n').slice(0, 4000) });
  }
  if (code !== 0 && tests.every((t) => t.status !== 'failed')) {
    failures.push({ round: n, seed, test: '(run)', message: `vitest exited with ${code} before reporting a failed test` });
  }
  rounds.push({
    round: n,
    seed,
    seconds: Math.round((Date.now() - t0) / 1000),
    tests: tests.length,
    failed: tests.filter((t) => t.status === 'failed').length,
  });
}
await rm(scratch, { recursive: true, force: true });

console.log('\nFuzzing summary');
console.table(rounds);
console.log(
  `${rounds.length} rounds in ${Math.round((Date.now() - started) / 60_000)} min, FUZZ_RUNS=${runs}: ${failures.length} failure(s)`,
);
for (const f of failures) console.log(`\n✗ round ${f.round} (FUZZ_SEED=${f.seed}) ${f.test}\n${f.message}`);
const resultsDir = path.join(import.meta.dirname, 'results');
await mkdir(resultsDir, { recursive: true });
const out = path.join(resultsDir, `fuzz-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(out, JSON.stringify({ runs, db: values.db, files, rounds, failures }, null, 2));
console.log(`\nWritten ${path.relative(process.cwd(), out)}`);
process.exit(failures.length > 0 ? 1 : 0);
