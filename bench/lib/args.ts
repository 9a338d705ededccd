// Command line of bench/run.ts.
import { parseArgs } from 'node:util';

export interface BenchArgs {
  scenarios: string[];
  duration: number;
  warmup: number;
  connections: number;
  pipelining: number;
  rounds: number;
  logLevel: string;
  postgresUrl: string;
  cpuProf: boolean;
  help: boolean;
}

export const USAGE = `Usage: node bench/run.ts [scenario…] [options]

Options:
  --duration <s>      seconds measured per round and server (default 10)
  --warmup <s>        seconds of load before each measurement, discarded (default 2)
  --connections <n>   concurrent connections (default 50)
  --pipelining <n>    requests in flight per connection (default 1)
  --rounds <n>        baseline/app pairs measured alternately; medians compared (default 2)
  --log-level <l>     LOG_LEVEL of the app (default warn)
  --pg-url <url>      PostgreSQL server for the relais_bench database (default postgres://postgres@127.0.0.1:5432/)
  --cpu-prof          write a V8 CPU profile of each app process to bench/results/profiles/
  -h, --help          this help`;

function positiveNumber(name: string, raw: string, integer: boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new Error(`--${name} must be a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`);
  return n;
}

/** Parses the arguments (throws with a readable message on a bad one). */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '50' },
      pipelining: { type: 'string', default: '1' },
      rounds: { type: 'string', default: '2' },
      'log-level': { type: 'string', default: 'warn' },
      'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const args: BenchArgs = {
    scenarios: positionals,
    duration: positiveNumber('duration', values.duration, false),
    warmup: positiveNumber('warmup', values.warmup, false),
    connections: positiveNumber('connections', values.connections, true),
    pipelining: positiveNumber('pipelining', values.pipelining, true),
    rounds: positiveNumber('rounds', values.rounds, true),
    logLevel: values['log-level'],
    postgresUrl: values['pg-url'],
    cpuProf: values['cpu-prof'],
    help: values.help,
  };
  if (args.duration === 0 || args.connections === 0 || args.pipelining === 0 || args.rounds === 0) {
    throw new Error('--duration, --connections, --pipelining and --rounds must be at least 1');
  }
  return args;
}
