// npm run bench: runs the scenarios, prints app vs baseline figures and writes them, with the
// machine's conditions, to bench/results/<timestamp>.json.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBenchArgs, USAGE } from './lib/args.ts';
import { machineConditions } from './lib/machine.ts';
import { formatCpuTable, formatTable } from './lib/report.ts';
import { runScenario, type ScenarioRecord } from './lib/runner.ts';
import { SCENARIOS } from './scenarios.ts';

const RESULTS_DIR = path.resolve(import.meta.dirname, 'results');

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let args: ReturnType<typeof parseBenchArgs>;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  console.log(`${USAGE}\n\nScenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(16)} ${s.description}`).join('\n')}`);
  process.exit(0);
}
const unknown = args.scenarios.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) fail(`Unknown scenario: ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
const selected = args.scenarios.length > 0 ? SCENARIOS.filter((s) => args.scenarios.includes(s.name)) : SCENARIOS;

const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const machine = machineConditions();
const cpuProfDir = args.cpuProf ? path.join(RESULTS_DIR, 'profiles', stamp) : null;
const log = (line: string) => console.error(line);
log(
  `Relais bench: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}`,
);
log(
  `${args.rounds} rounds × (baseline, app) × (${args.warmup} s warm-up + ${args.duration} s), ${args.connections} connections, pipelining ${args.pipelining}`,
);

const records: ScenarioRecord[] = [];
for (const scenario of selected) {
  records.push(
    await runScenario(scenario, {
      duration: args.duration,
      warmup: args.warmup,
      connections: args.connections,
      pipelining: args.pipelining,
      rounds: args.rounds,
      logLevel: args.logLevel,
      postgresUrl: args.postgresUrl,
      cpuCount: machine.cpuCount,
      cpuProfDir,
      log,
    }),
  );
}

console.log(
  `\n${formatTable(records)}\n\nCPU time per request (server process; PostgreSQL backends apart; load generator while driving the baseline; "other load": unrelated work on the machine)\n${formatCpuTable(records)}\n`,
);
const databases = [...new Set(records.flatMap((r) => (r.database ? [`${r.database.kind} ${r.database.version}`] : [])))];
console.log(`Databases: ${databases.join(', ') || '—'}. Load average before the run: ${machine.loadAverage.join(' ')}.`);

await mkdir(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `${stamp}.json`);
const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  options: {
    duration: args.duration,
    warmup: args.warmup,
    connections: args.connections,
    pipelining: args.pipelining,
    rounds: args.rounds,
    logLevel: args.logLevel,
  },
  machine,
  scenarios: records,
};
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `Results: ${path.relative(process.cwd(), file)}${cpuProfDir ? `\nCPU profiles: ${path.relative(process.cwd(), cpuProfDir)}` : ''}`,
);
process.exitCode = records.some((r) => r.verdict === 'FAIL' || r.verdict === 'error') ? 1 : 0;
