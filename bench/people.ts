// npm run bench:people — the people module's benchmarks (issue 3): a generated 10-column file
// imported by Relais vs a raw COPY of the same file; then, on the base it made, a typical segment
// count vs the same count by hand, and search as you type vs a sequential ILIKE scan. On
// PostgreSQL (1,000,000 rows by default) and on PGlite (100,000), then PGlite against PostgreSQL.
// Prints a table and writes bench/results/people-<timestamp>.json with the machine's conditions.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DatabaseKind } from '../src/server/db/database.ts';
import { machineConditions } from './lib/machine.ts';
import { generatePeopleCsv } from './people/generate.ts';
import { type CopyRun, type FloorRun, type ImportRun, indexedFloor, rawCopy, relaisImport } from './people/import.ts';
import { type SearchRun, type SegmentRun, searchAsYouType, segmentCount } from './people/queries.ts';
import { openWorld } from './people/world.ts';

const USAGE = `Usage: node bench/people.ts [options]

Options:
  --db <kind>           postgres, pglite or both (default both)
  --rows-pg <n>         rows imported on PostgreSQL (default 1000000)
  --rows-pglite <n>     rows imported on PGlite (default 100000)
  --rounds <n>          timed runs of the segment count (default 30); search: rounds ÷ 5 passes over its terms
  --pg-url <url>        PostgreSQL server for the relais_bench database (default postgres://postgres@127.0.0.1:5432/)
  --keep                keep the relais_bench database or the PGlite DATA_DIR afterwards (to look at plans with EXPLAIN)
  -h, --help            this help`;

const TARGETS = { importRatio: 0.25, segmentRatio: 1.5, segmentMs: 200, searchRatio: 0.05, pgliteFactor: 3 };

interface KindResult {
  kind: DatabaseKind;
  version: string;
  city: string;
  rows: number;
  fileBytes: number;
  copy: CopyRun;
  floor: FloorRun;
  import: ImportRun;
  segment: SegmentRun;
  search: SearchRun;
}

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    'rows-pg': { type: 'string', default: '1000000' },
    'rows-pglite': { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '30' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const kinds: DatabaseKind[] = values.db === 'both' ? ['postgres', 'pglite'] : [values.db as DatabaseKind];
const counts = { postgres: Number(values['rows-pg']), pglite: Number(values['rows-pglite']) };
const rounds = Number(values.rounds);
if (
  !kinds.every((k) => k === 'postgres' || k === 'pglite') ||
  ![...Object.values(counts), rounds].every((n) => Number.isInteger(n) && n > 0)
) {
  console.error(`Bad option.\n\n${USAGE}`);
  process.exit(2);
}

const log = (line: string) => console.error(line);
const machine = machineConditions();
const startedAt = new Date();
log(
  `Relais people bench: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}`,
);

const results: KindResult[] = [];
for (const kind of kinds) {
  const rows = counts[kind];
  log(`\n${kind}: ${rows.toLocaleString('en')} people`);
  const world = await openWorld(kind, values['pg-url'], log, { keep: values.keep });
  try {
    const file = path.join(world.dataDir, 'adherents.csv');
    const generated = await generatePeopleCsv(file, rows, world.addresses);
    log(`  file: ${(generated.bytes / 2 ** 20).toFixed(1)} MiB`);
    const copy = await rawCopy(world, file, rows);
    log(`  raw COPY: ${(copy.ms / 1000).toFixed(2)} s`);
    const floor = await indexedFloor(world, file, rows);
    log(
      `  floor (COPY + one INSERT into person's indexes): ${(floor.ms / 1000).toFixed(2)} s (insert ${(floor.insertMs / 1000).toFixed(2)} s)`,
    );
    log(
      `  of which alone: rows without any index ${(floor.heapMs / 1000).toFixed(2)} s, search trigram index built in bulk ${(floor.trigramMs / 1000).toFixed(2)} s`,
    );
    const imported = await relaisImport(world, file, rows);
    log(`  Relais import: ${(imported.ms / 1000).toFixed(2)} s (${imported.result.created} created, ${imported.result.rejected} rejected)`);
    log(`  steps (ms): ${JSON.stringify(imported.result.timings_ms)}`);
    const segment = await segmentCount(world, rounds);
    log(`  segment count: ${segment.count} people, ${segment.app.median.toFixed(1)} ms vs ${segment.hand.median.toFixed(1)} ms by hand`);
    const search = await searchAsYouType(world, Math.max(3, Math.round(rounds / 5)));
    log(`  search p95: ${search.app.p95.toFixed(1)} ms vs ILIKE scan ${search.scan.median.toFixed(1)} ms`);
    results.push({
      kind,
      version: world.version,
      city: world.city,
      rows,
      fileBytes: generated.bytes,
      copy,
      floor,
      import: imported,
      segment,
      search,
    });
  } finally {
    await world.close();
  }
}

// The verdicts.
const lines: string[][] = [['database', 'measure', 'Relais', 'baseline', 'ratio', 'target', 'verdict']];
let missed = 0;
const verdict = (ok: boolean) => {
  if (!ok) missed++;
  return ok ? 'ok' : 'MISSED';
};
for (const r of results) {
  const name = `${r.kind} ${r.rows.toLocaleString('en')}`;
  const appRate = r.rows / (r.import.ms / 1000);
  const copyRate = r.rows / (r.copy.ms / 1000);
  const importRatio = appRate / copyRate;
  lines.push([
    name,
    'import (rows/s)',
    appRate.toFixed(0),
    `${copyRate.toFixed(0)} (COPY)`,
    `${(importRatio * 100).toFixed(1)} %`,
    '≥ 25 %',
    verdict(importRatio >= TARGETS.importRatio),
  ]);
  // No target: what any import into the person table costs at least, and where Relais stands to it.
  const floorRate = r.rows / (r.floor.ms / 1000);
  lines.push([
    name,
    'import floor (rows/s)',
    floorRate.toFixed(0),
    `${copyRate.toFixed(0)} (COPY)`,
    `${((floorRate / copyRate) * 100).toFixed(1)} %`,
    '(bound)',
    'info',
  ]);
  // Two parts of the floor alone: each is a bound no import design can beat (rows per second of it).
  for (const [measure, ms] of [
    ['rows, no index (rows/s)', r.floor.heapMs],
    ['trigram index, bulk (rows/s)', r.floor.trigramMs],
  ] as const) {
    const rate = r.rows / (ms / 1000);
    lines.push([
      name,
      measure,
      rate.toFixed(0),
      `${copyRate.toFixed(0)} (COPY)`,
      `${((rate / copyRate) * 100).toFixed(1)} %`,
      '(bound)',
      'info',
    ]);
  }
  lines.push([
    name,
    'import vs floor',
    appRate.toFixed(0),
    `${floorRate.toFixed(0)} (floor)`,
    `${((appRate / floorRate) * 100).toFixed(1)} %`,
    '',
    'info',
  ]);
  const segRatio = r.segment.app.median / r.segment.hand.median;
  lines.push([
    name,
    'segment count (median ms)',
    r.segment.app.median.toFixed(1),
    `${r.segment.hand.median.toFixed(1)} (by hand)`,
    `${segRatio.toFixed(2)} ×`,
    '≤ 1.5 × and < 200 ms',
    verdict(segRatio <= TARGETS.segmentRatio && r.segment.app.median < TARGETS.segmentMs),
  ]);
  const searchRatio = r.search.app.p95 / r.search.scan.median;
  lines.push([
    name,
    'search (p95 ms)',
    r.search.app.p95.toFixed(1),
    `${r.search.scan.median.toFixed(1)} (ILIKE scan)`,
    `${(searchRatio * 100).toFixed(1)} %`,
    '≤ 5 %',
    verdict(searchRatio <= TARGETS.searchRatio),
  ]);
}
const pg = results.find((r) => r.kind === 'postgres');
const lite = results.find((r) => r.kind === 'pglite');
if (pg && lite) {
  const name = `PGlite ${lite.rows.toLocaleString('en')} ÷ PostgreSQL ${pg.rows.toLocaleString('en')}`;
  const perRow = (r: KindResult) => r.import.ms / r.rows;
  const factors: Array<[string, number]> = [
    ['import (time per row)', perRow(lite) / perRow(pg)],
    ['segment count (median)', lite.segment.app.median / pg.segment.app.median],
    ['search (p95)', lite.search.app.p95 / pg.search.app.p95],
  ];
  for (const [measure, factor] of factors)
    lines.push([name, measure, '', '', `${factor.toFixed(2)} ×`, '≤ 3 ×', verdict(factor <= TARGETS.pgliteFactor)]);
}
const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
console.log(`\n${lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n')}\n`);

const dir = path.resolve(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
const out = path.join(dir, `people-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(
  out,
  `${JSON.stringify({ startedAt, finishedAt: new Date(), machine, loadAfter: machineConditions().loadAverage, targets: TARGETS, results }, null, 2)}\n`,
);
console.log(`Results: ${path.relative(process.cwd(), out)}`);
process.exitCode = missed > 0 ? 1 : 0;
