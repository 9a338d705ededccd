// Runs one scenario: the app and its baseline in child processes, measured alternately.
import path from 'node:path';
import type { Scenario } from '../scenarios.ts';
import { type RunningServer, startServer } from './children.ts';
import { cpuAccountingAvailable, cpuUsageBetween, snapshotCpu } from './cpu.ts';
import { BENCH_DATABASE, createBenchPostgres, dropBenchPostgres, pgliteDataDir, removePgliteDataDir } from './databases.ts';
import { type LoadOptions, measure, warmUp } from './load.ts';
import { loadAverage } from './machine.ts';
import { compareSamples, type Sample, type ScenarioResult } from './report.ts';

const BENCH_DIR = path.resolve(import.meta.dirname, '..');
const APP_SERVER = path.join(BENCH_DIR, 'servers/app-server.ts');
const BASELINE_SERVER = path.join(BENCH_DIR, 'servers/baseline-server.ts');
const SQL_BASELINE_SERVER = path.join(BENCH_DIR, 'servers/sql-baseline-server.ts');
// The app's pool size (openDatabase's default), given to the SQL baseline too.
const POOL_SIZE = 10;

export interface RunOptions {
  /** Seconds measured per round and server. */
  duration: number;
  /** Seconds of load before each measurement, not kept. */
  warmup: number;
  connections: number;
  pipelining: number;
  /** Baseline/app pairs; the medians of each side are compared. */
  rounds: number;
  logLevel: string;
  /** PostgreSQL server on which the bench database is created. */
  postgresUrl: string;
  cpuCount: number;
  /** Folder for a V8 CPU profile of the app, or null. */
  cpuProfDir: string | null;
  log(line: string): void;
}

interface AppInfo {
  port: number;
  token: string;
  campaignId: string;
  databaseKind: string;
  databaseVersion: string;
}

/** A scenario's result with what was measured and under which conditions. */
export interface ScenarioRecord extends ScenarioResult {
  description: string;
  path: string;
  database: { kind: string; version: string } | null;
  loadAverageBefore: number[];
  /** Body size and content-type the app answered (and the baseline replayed). */
  response: { status: number; contentType: string; bodyBytes: number } | null;
  samples: { app: Sample[]; baseline: Sample[]; sqlBaseline: Sample[] };
}

async function probe(url: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

/** Runs a scenario; failures to start are reported in the result, not thrown. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioRecord> {
  const record: ScenarioRecord = {
    scenario: scenario.name,
    description: scenario.description,
    path: scenario.path,
    app: null,
    baseline: null,
    ratio: null,
    cpuCost: null,
    target: scenario.target,
    sqlBaseline: null,
    sqlRatio: null,
    sqlTarget: scenario.sqlBaseline?.target ?? null,
    verdict: 'error',
    database: null,
    loadAverageBefore: loadAverage(),
    response: null,
    samples: { app: [], baseline: [], sqlBaseline: [] },
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: options.logLevel };
    if (scenario.database === 'postgres') {
      try {
        env.DATABASE_URL = await createBenchPostgres(options.postgresUrl);
      } catch (error) {
        record.verdict = 'skipped';
        record.note = `PostgreSQL not reachable at ${options.postgresUrl}: ${(error as Error).message}`;
        return record;
      }
      cleanups.push(() => dropBenchPostgres(options.postgresUrl));
    } else {
      env.DATABASE_URL = '';
      env.DATA_DIR = pgliteDataDir();
      const dir = env.DATA_DIR;
      await removePgliteDataDir(dir);
      cleanups.push(() => removePgliteDataDir(dir));
    }

    options.log(`${scenario.name}: starting the app on ${scenario.database}…`);
    const profArgs = options.cpuProfDir
      ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`, `--cpu-prof-name=${scenario.name}-app.cpuprofile`]
      : [];
    const app: RunningServer<AppInfo> = await startServer<AppInfo>({ script: APP_SERVER, env, execArgv: profArgs });
    cleanups.unshift(() => app.stop());
    record.database = { kind: app.info.databaseKind, version: app.info.databaseVersion };

    const headers: Record<string, string> = scenario.authenticated ? { authorization: `Bearer ${app.info.token}` } : {};
    const appUrl = `http://127.0.0.1:${app.info.port}${scenario.path}`;
    const answer = await probe(appUrl, headers);
    record.response = { status: answer.status, contentType: answer.contentType, bodyBytes: answer.body.length };
    if (answer.status !== 200) {
      record.note = `the app answered ${answer.status}: ${answer.body.toString('utf8').slice(0, 200)}`;
      return record;
    }

    const baseline = await startServer<{ port: number }>({
      script: BASELINE_SERVER,
      setup: { body: answer.body.toString('base64'), contentType: answer.contentType },
    });
    cleanups.unshift(() => baseline.stop());
    const baselineUrl = `http://127.0.0.1:${baseline.info.port}${scenario.path}`;
    const replayed = await probe(baselineUrl, headers);
    if (!replayed.body.equals(answer.body) || replayed.contentType !== answer.contentType) {
      record.note = 'the baseline does not answer the same bytes as the app';
      return record;
    }

    const sides: { name: 'baseline' | 'sqlBaseline' | 'app'; url: string; pid: number }[] = [
      { name: 'baseline', url: baselineUrl, pid: baseline.pid },
    ];
    if (scenario.sqlBaseline && env.DATABASE_URL) {
      const sqlBaseline = await startServer<{ port: number }>({
        script: SQL_BASELINE_SERVER,
        setup: {
          databaseUrl: env.DATABASE_URL,
          sql: scenario.sqlBaseline.sql,
          params: [app.info.campaignId],
          envelope: scenario.sqlBaseline.envelope,
          poolSize: POOL_SIZE,
        },
      });
      cleanups.unshift(() => sqlBaseline.stop());
      const sqlUrl = `http://127.0.0.1:${sqlBaseline.info.port}${scenario.path}`;
      const fromSql = await probe(sqlUrl, headers);
      if (!fromSql.body.equals(answer.body)) {
        record.note = `the SQL baseline does not answer the same bytes as the app: ${fromSql.body.toString('utf8').slice(0, 200)}`;
        return record;
      }
      sides.push({ name: 'sqlBaseline', url: sqlUrl, pid: sqlBaseline.pid });
    }
    sides.push({ name: 'app', url: appUrl, pid: app.pid });

    const load = (url: string): LoadOptions => ({
      url,
      headers,
      connections: options.connections,
      pipelining: options.pipelining,
      duration: options.duration,
    });
    const withCpu = cpuAccountingAvailable();
    const benchDatabase = scenario.database === 'postgres' ? BENCH_DATABASE : null;
    for (let round = 1; round <= options.rounds; round++) {
      for (const side of sides) {
        if (options.warmup > 0) await warmUp({ ...load(side.url), duration: options.warmup });
        const before = withCpu ? snapshotCpu(side.pid, benchDatabase) : null;
        const measured = await measure(load(side.url));
        const cpu = before ? cpuUsageBetween(before, snapshotCpu(side.pid, benchDatabase), options.cpuCount) : null;
        const sample: Sample = { ...measured, cpu };
        record.samples[side.name].push(sample);
        options.log(
          `${scenario.name}: round ${round}/${options.rounds} ${side.name.padEnd(11)} ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms${cpu ? `, server ${Math.round((cpu.serverMs * 1000) / sample.requests)} µs/req, other load ${cpu.otherPercent} %` : ''}${sample.errors ? `, ${sample.errors} errors` : ''}`,
        );
      }
    }
    Object.assign(
      record,
      compareSamples({
        scenario: scenario.name,
        app: record.samples.app,
        baseline: record.samples.baseline,
        target: scenario.target,
        ...(sides.some((s) => s.name === 'sqlBaseline')
          ? { sqlBaseline: record.samples.sqlBaseline, sqlTarget: scenario.sqlBaseline?.target ?? null }
          : {}),
      }),
    );
    if (record.verdict === 'error') record.note = 'some requests failed (errors, timeouts or non-2xx): see the JSON samples';
    return record;
  } catch (error) {
    record.verdict = 'error';
    record.note = (error as Error).message;
    return record;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: Error) => options.log(`${scenario.name}: cleanup failed: ${error.message}`));
  }
}
