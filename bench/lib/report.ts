// Pure parts of the harness: medians, ratios against the baseline, verdicts and the printed tables.
import type { CpuUsage } from './cpu.ts';

/** One measured run of the load generator against one server. */
export interface Sample {
  /** Completed requests per second over the measured window. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Average bytes per response (headers included), as received by the load generator. */
  bytesPerResponse: number;
  /** Requests that failed, timed out or answered something other than 2xx. */
  errors: number;
  /** Completed requests. */
  requests: number;
  /** CPU used during the measurement (null where /proc is not readable). */
  cpu: CpuUsage | null;
}

/** The medians of several samples of one server. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  bytesPerResponse: number;
  errors: number;
  rounds: number;
  /** CPU time of the server process per request, µs (null without CPU accounting). */
  serverUsPerRequest: number | null;
  /** CPU time of PostgreSQL per request, µs. */
  databaseUsPerRequest: number | null;
  /** CPU time of the load generator per request, µs: when it exceeds the server's, the load generator is the limit. */
  loadGeneratorUsPerRequest: number | null;
  /** Share of the machine busy with unrelated work while this server was measured, %. */
  otherPercent: number | null;
}

export type Verdict = 'pass' | 'FAIL' | 'info' | 'error' | 'skipped';

/** One line of the report: a scenario's app figures against its baseline. */
export interface ScenarioResult {
  scenario: string;
  app: Summary | null;
  baseline: Summary | null;
  /** app req/s ÷ baseline req/s (medians), or null when not measured. */
  ratio: number | null;
  /** app ÷ baseline CPU time per request in the server process (how many times dearer a request is). */
  cpuCost: number | null;
  /** Minimum ratio to pass, or null for an informative scenario. */
  target: number | null;
  /** The second baseline, raw pg running the same SQL (scenarios that have one), and app ÷ it. */
  sqlBaseline: Summary | null;
  sqlRatio: number | null;
  sqlTarget: number | null;
  verdict: Verdict;
  note?: string;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function medianOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === values.length && known.length > 0 ? median(known) : null;
}

/** µs of CPU per request of one sample, for the server, the database and the load generator. */
export function cpuPerRequest(sample: Sample): { serverUs: number; databaseUs: number; loadGeneratorUs: number } | null {
  if (!sample.cpu || sample.requests === 0) return null;
  const perRequest = (ms: number) => (ms * 1000) / sample.requests;
  return {
    serverUs: perRequest(sample.cpu.serverMs),
    databaseUs: perRequest(sample.cpu.databaseMs),
    loadGeneratorUs: perRequest(sample.cpu.loadGeneratorMs),
  };
}

/** Per-field medians of the samples of one server (errors are summed: any error taints the run). */
export function summarize(samples: readonly Sample[]): Summary {
  const perRequest = samples.map(cpuPerRequest);
  return {
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    bytesPerResponse: median(samples.map((s) => s.bytesPerResponse)),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    rounds: samples.length,
    serverUsPerRequest: medianOrNull(perRequest.map((c) => c?.serverUs ?? null)),
    databaseUsPerRequest: medianOrNull(perRequest.map((c) => c?.databaseUs ?? null)),
    loadGeneratorUsPerRequest: medianOrNull(perRequest.map((c) => c?.loadGeneratorUs ?? null)),
    otherPercent: medianOrNull(samples.map((s) => s.cpu?.otherPercent ?? null)),
  };
}

/** app ÷ baseline throughput; null when the baseline measured nothing. */
export function ratioOf(app: number, baseline: number): number | null {
  return baseline > 0 ? app / baseline : null;
}

/** Pass/fail of a ratio against a target; a run with errors is never a pass. */
export function verdictOf(options: { ratio: number | null; target: number | null; errors: number }): Verdict {
  if (options.errors > 0 || options.ratio === null) return 'error';
  if (options.target === null) return 'info';
  return options.ratio >= options.target ? 'pass' : 'FAIL';
}

// The worst of two verdicts (error, then FAIL, then pass, then info).
function worstOf(a: Verdict, b: Verdict): Verdict {
  const order: Verdict[] = ['error', 'skipped', 'FAIL', 'pass', 'info'];
  return order.indexOf(a) <= order.indexOf(b) ? a : b;
}

/** Builds a scenario's result from the samples of both servers. */
export function compareSamples(options: {
  scenario: string;
  app: readonly Sample[];
  baseline: readonly Sample[];
  target: number | null;
  /** Samples of the raw-pg baseline, when the scenario has one, and its target. */
  sqlBaseline?: readonly Sample[];
  sqlTarget?: number | null;
}): ScenarioResult {
  const app = summarize(options.app);
  const baseline = summarize(options.baseline);
  const ratio = ratioOf(app.rps, baseline.rps);
  const cpuCost =
    app.serverUsPerRequest !== null && baseline.serverUsPerRequest ? app.serverUsPerRequest / baseline.serverUsPerRequest : null;
  let verdict = verdictOf({ ratio, target: options.target, errors: app.errors + baseline.errors });
  const sqlBaseline = options.sqlBaseline?.length ? summarize(options.sqlBaseline) : null;
  const sqlRatio = sqlBaseline ? ratioOf(app.rps, sqlBaseline.rps) : null;
  const sqlTarget = sqlBaseline ? (options.sqlTarget ?? null) : null;
  if (sqlBaseline) verdict = worstOf(verdict, verdictOf({ ratio: sqlRatio, target: sqlTarget, errors: app.errors + sqlBaseline.errors }));
  return { scenario: options.scenario, app, baseline, ratio, cpuCost, target: options.target, sqlBaseline, sqlRatio, sqlTarget, verdict };
}

const HEADERS = [
  'scenario',
  'req/s',
  'p50 ms',
  'p99 ms',
  'baseline req/s',
  'ratio',
  'target',
  'raw-pg req/s',
  'ratio',
  'target',
  'result',
] as const;
// Numbers are right-aligned, words left-aligned.
const RIGHT = [false, true, true, true, true, true, true, true, true, true, false];

function formatRps(rps: number): string {
  return Math.round(rps).toLocaleString('en-US');
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

function formatPercent(ratio: number | null): string {
  return ratio === null ? '—' : `${(ratio * 100).toFixed(1)} %`;
}

function formatTarget(target: number | null): string {
  return target === null ? '—' : `≥ ${Math.round(target * 100)} %`;
}

/** The cells of one result line, as printed. */
export function rowOf(result: ScenarioResult): string[] {
  const { app, baseline } = result;
  return [
    result.scenario,
    app ? formatRps(app.rps) : '—',
    app ? formatMs(app.p50) : '—',
    app ? formatMs(app.p99) : '—',
    baseline ? formatRps(baseline.rps) : '—',
    formatPercent(result.ratio),
    formatTarget(result.target),
    result.sqlBaseline ? formatRps(result.sqlBaseline.rps) : '—',
    formatPercent(result.sqlRatio),
    formatTarget(result.sqlTarget),
    result.verdict,
  ];
}

/** Lays out rows under headers, each column padded to its widest cell. */
export function layOut(headers: readonly string[], rows: readonly string[][], rightAligned: readonly boolean[]): string {
  const all = [headers.slice(), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0] as string[]), rule, ...all.slice(1).map(line)].join('\n');
}

/** The results table: throughput and latency of the app against its baseline, with the verdicts. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const notes = results.filter((r) => r.note).map((r) => `  ${r.scenario}: ${r.note}`);
  return [layOut(HEADERS, results.map(rowOf), RIGHT), ...(notes.length ? ['', ...notes] : [])].join('\n');
}

const CPU_HEADERS = [
  'scenario',
  'app µs/req',
  'db µs/req',
  'raw-pg µs/req',
  'raw-pg db µs/req',
  'baseline µs/req',
  'load gen µs/req',
  'CPU cost',
  'other load',
] as const;

function formatUs(us: number | null | undefined): string {
  return us === null || us === undefined ? '—' : String(Math.round(us));
}

/** CPU time per request of each side (server process; PostgreSQL apart), and the unrelated load. */
export function formatCpuTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => {
    const other = [r.baseline?.otherPercent, r.sqlBaseline?.otherPercent, r.app?.otherPercent].filter(
      (v): v is number => typeof v === 'number',
    );
    return [
      r.scenario,
      formatUs(r.app?.serverUsPerRequest),
      r.app?.databaseUsPerRequest ? formatUs(r.app.databaseUsPerRequest) : '—',
      formatUs(r.sqlBaseline?.serverUsPerRequest),
      r.sqlBaseline?.databaseUsPerRequest ? formatUs(r.sqlBaseline.databaseUsPerRequest) : '—',
      formatUs(r.baseline?.serverUsPerRequest),
      formatUs(r.baseline?.loadGeneratorUsPerRequest),
      r.cpuCost === null ? '—' : `${r.cpuCost.toFixed(1)} ×`,
      other.length ? `${Math.max(...other).toFixed(0)} %` : '—',
    ];
  });
  return layOut(CPU_HEADERS, rows, [false, true, true, true, true, true, true, true, true]);
}
