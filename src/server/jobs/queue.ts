// Background jobs: pg-boss on the application's own database (PostgreSQL or PGlite), with each
// run's progress kept in job_run so the UI and the CLI can follow it.
import { fromPglite, PgBoss } from 'pg-boss';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { type Config, loadConfig } from '../config.ts';
import { type Database, type TenantRunner, tenantRunnerOf } from '../db/database.ts';
import type { FileStore } from '../files/storage.ts';
import { AppError } from '../http/problem.ts';
import { uuidv7 } from '../lib/ids.ts';

export interface JobContext<P = unknown> {
  campaignId: string;
  runId: string;
  /** The run's parameters, checked against its kind's schema when enqueued and again when run. */
  params: P;
  /** Runs fn in a tenant transaction of the job's campaign (withTenant): the way to its data. */
  tenant: TenantRunner;
  /**
   * The whole database, for bulk paths outside row-level security only: the import's work table
   * (create, COPY — PGlite's needs the embedded instance —, index, drop) and VACUUM ANALYZE, which
   * runs outside any transaction. Never for the campaign's own rows.
   */
  database: Database;
  /** The deployment's file store (uploads read, files written by jobs). */
  files: FileStore;
  /** The deployment's settings (a job that reaches out needs its limits: webhooks' SSRF allow-list). */
  config: Config;
  /** Queues another run (of this campaign), e.g. the same kind again later: a job that retries on a schedule. */
  enqueue(options: EnqueueOptions): Promise<string>;
  /**
   * Records progress; cheap enough to call every few hundred items. `message` is a stable code of
   * the step under way ("imports.reading"), which clients say in their own words (the back office's
   * jobs messages, the CLI's), never a sentence in one language.
   */
  progress(done: number, total?: number | null, message?: string): Promise<void>;
}

export interface JobDefinition<S extends TSchema = TSchema> {
  kind: string;
  /** TypeBox schema of the parameters (checked by enqueue and before each run). */
  params: S;
  run(ctx: JobContext<Static<S>>): Promise<unknown>;
  /** How long a run may take before the queue gives it up (pg-boss's default: 15 minutes). */
  expireInSeconds?: number;
  /**
   * Left out of the job lists people read (the jobs screen, the dashboard): frequent short runs
   * that have a log of their own (webhook delivery passes). Still readable by id.
   */
  unlisted?: boolean;
}

/** Declares a job kind, typing its run's parameters from its schema. */
export function defineJob<S extends TSchema>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

/** The first reason params do not match a job kind's schema, or null when they do. */
function paramsProblem(definition: JobDefinition, params: unknown): string | null {
  if (Value.Check(definition.params, params)) return null;
  const [first] = Value.Errors(definition.params, params);
  return first ? `${first.instancePath || '/'} ${first.message}` : 'does not match the schema';
}

/** A job's failure with a result to keep beside its message (e.g. a stable error code for clients). */
export class JobFailure extends Error {
  readonly result: Record<string, unknown>;
  constructor(message: string, result: Record<string, unknown>) {
    super(message);
    this.result = result;
  }
}

/** How often a running job's heartbeat_at is written, and after how long without one its process is taken for dead. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const HEARTBEAT_STALE_MS = 2 * 60_000;

/** What a janitor needs to tell a crashed run from a live one. */
export interface JanitorContext {
  database: Database;
  /**
   * True when no other process can be running jobs on this database (the embedded one allows one
   * process, and the janitor runs before this process's workers start): every run still marked
   * running was interrupted.
   */
  soleWorker: boolean;
  /** True while the queue still holds the run as waiting or active (a live worker may have it). */
  isRunPending(kind: string, runId: string): Promise<boolean>;
  /** True when this very process is running the run (its heartbeat may lag behind a long statement). */
  ownsRun?(runId: string): boolean;
  /** Queues a run (a janitor restarting a chain of jobs that died with a crashed worker). */
  enqueue?(options: EnqueueOptions): Promise<string>;
}

/**
 * Cleans up what crashed job processes left behind (runs stuck in "running", work tables) and what
 * has outlived its retention (uploaded files); runs when a process starts working, then every few
 * minutes. Returns a summary to log, or null.
 */
export type JobJanitor = (ctx: JanitorContext) => Promise<string | null>;

/** How often janitors run: on PostgreSQL other workers may crash at any time; on both, retentions expire. */
const JANITOR_INTERVAL_MS = 10 * 60 * 1000;
const PENDING_STATES = new Set(['created', 'retry', 'active']);

interface JobPayload {
  campaignId: string;
  runId: string;
  params: unknown;
}

export interface EnqueueOptions {
  campaignId: string;
  kind: string;
  params?: unknown;
  createdBy?: string | null;
  /** Not before this instant (pg-boss's startAfter): a retry after a back-off. */
  startAfter?: Date;
}

export interface JobQueue {
  /** Records a run and queues it; returns the run id. Params that do not match the kind's schema: 400 JOB_PARAMS_INVALID. */
  enqueue(options: EnqueueOptions): Promise<string>;
  /** Starts consuming jobs in this process. */
  work(): Promise<void>;
  stop(): Promise<void>;
  readonly kinds: readonly string[];
}

/**
 * Creates the queue over the database; call work() in the process that should run jobs.
 * pg-boss starts on first use, so processes that never touch jobs do not pay for it.
 */
export function createJobQueue(
  database: Database,
  definitions: readonly JobDefinition[],
  options: { janitors?: readonly JobJanitor[]; files?: FileStore; config?: Config } = {},
): JobQueue {
  const files = options.files ?? noFileStore();
  const config = options.config ?? loadConfig();
  let started: Promise<PgBoss> | null = null;
  let janitorTimer: NodeJS.Timeout | null = null;
  let swept = false;
  const byKind = new Map(definitions.map((d) => [d.kind, d]));
  const running = new Set<string>();
  const boss = () => {
    started ??= startBoss(database, [...byKind.keys()]);
    return started;
  };
  const { db } = database;

  async function runOne(definition: JobDefinition, payload: JobPayload): Promise<void> {
    const { campaignId, runId } = payload;
    const where = (q: ReturnType<typeof db.updateTable<'job_run'>>) => q.where('campaign_id', '=', campaignId).where('id', '=', runId);
    // A run queued by an older release (or written by hand) may not match the kind's schema any more.
    const problem = paramsProblem(definition, payload.params);
    if (problem) {
      const error = `Invalid parameters for ${definition.kind}: ${problem}`;
      await where(db.updateTable('job_run').set({ state: 'failed', started_at: new Date(), finished_at: new Date(), error })).execute();
      throw new Error(error);
    }
    await where(
      db.updateTable('job_run').set({ state: 'running', started_at: new Date(), heartbeat_at: new Date(), error: null }),
    ).execute();
    // The heartbeat tells janitors of other processes that this one is alive: the queue holds a job
    // as active until its expiry (hours for an import) even when its worker was killed.
    running.add(runId);
    const heartbeat = setInterval(() => {
      where(db.updateTable('job_run').set({ heartbeat_at: new Date() }))
        .where('state', '=', 'running')
        .execute()
        .catch((error: Error) => console.error('[jobs] heartbeat failed:', error.message));
    }, HEARTBEAT_INTERVAL_MS);
    heartbeat.unref();
    const ctx: JobContext = {
      campaignId,
      runId,
      params: payload.params,
      tenant: tenantRunnerOf(db, campaignId),
      database,
      files,
      config,
      enqueue: (o) => queue.enqueue(o),
      async progress(done, total, message) {
        await where(
          db.updateTable('job_run').set({
            done,
            ...(total !== undefined ? { total } : {}),
            ...(message !== undefined ? { message } : {}),
          }),
        ).execute();
      },
    };
    try {
      const result = await definition.run(ctx);
      await where(
        db.updateTable('job_run').set({ state: 'succeeded', finished_at: new Date(), result: JSON.stringify(result ?? null) }),
      ).execute();
    } catch (error) {
      await where(
        db.updateTable('job_run').set({
          state: 'failed',
          finished_at: new Date(),
          error: (error as Error).message,
          ...(error instanceof JobFailure ? { result: JSON.stringify(error.result) } : {}),
        }),
      ).execute();
      throw error;
    } finally {
      clearInterval(heartbeat);
      running.delete(runId);
    }
  }

  async function isRunPending(kind: string, runId: string): Promise<boolean> {
    try {
      const jobs = await (await boss()).findJobs<JobPayload>(kind, { data: { runId } });
      return jobs.some((job) => PENDING_STATES.has(job.state));
    } catch {
      return true; // Unknown to this worker: leave it to one that knows the kind.
    }
  }

  async function sweep(soleWorker: boolean): Promise<void> {
    for (const janitor of options.janitors ?? []) {
      try {
        const summary = await janitor({
          database,
          soleWorker,
          isRunPending,
          ownsRun: (runId) => running.has(runId),
          enqueue: (o) => queue.enqueue(o),
        });
        if (summary) console.warn(`[jobs] ${summary}`);
      } catch (error) {
        console.error('[jobs] janitor failed:', (error as Error).message);
      }
    }
  }

  const queue: JobQueue = {
    kinds: [...byKind.keys()],
    async enqueue({ campaignId, kind, params = {}, createdBy = null, startAfter }) {
      const definition = byKind.get(kind);
      if (!definition) throw new AppError('JOB_UNKNOWN_KIND', `No job kind "${kind}".`);
      const problem = paramsProblem(definition, params);
      if (problem) throw new AppError('JOB_PARAMS_INVALID', `Invalid parameters for ${kind}: ${problem}`);
      const runId = uuidv7();
      await db
        .insertInto('job_run')
        .values({ campaign_id: campaignId, id: runId, kind, params: JSON.stringify(params), created_by: createdBy })
        .execute();
      const { expireInSeconds } = definition;
      await (await boss()).send(kind, { campaignId, runId, params } satisfies JobPayload, {
        retryLimit: 0,
        ...(expireInSeconds ? { expireInSeconds } : {}),
        ...(startAfter ? { startAfter } : {}),
      });
      return runId;
    },
    async work() {
      await boss();
      if (!swept) {
        swept = true;
        // The embedded database allows one process, and this one runs no job yet: anything still
        // "running" was interrupted. On PostgreSQL other workers may be alive: ask the queue — and
        // so do the later sweeps on both, once this process's own jobs may be running.
        await sweep(database.kind === 'pglite');
        janitorTimer = setInterval(() => void sweep(false), JANITOR_INTERVAL_MS);
        janitorTimer.unref();
      }
      for (const definition of byKind.values()) {
        await (await boss()).work<JobPayload>(definition.kind, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
          for (const job of jobs) await runOne(definition, job.data);
        });
      }
    },
    async stop() {
      if (janitorTimer) clearInterval(janitorTimer);
      if (started) await (await started).stop({ graceful: true, timeout: 5000 });
    },
  };
  return queue;
}

/** The store of a queue made without one (tests of jobs that touch no file): any use is a bug. */
function noFileStore(): FileStore {
  const fail = (): never => {
    throw new Error('This job queue was made without a file store.');
  };
  return { write: fail, read: fail, stat: fail, delete: fail, deletePrefix: fail, list: fail, withLocalPath: fail };
}

async function startBoss(database: Database, kinds: readonly string[]): Promise<PgBoss> {
  const boss = database.pglite
    ? new PgBoss({ db: fromPglite(database.pglite), backend: 'pglite', schema: 'pgboss', schedule: false })
    : new PgBoss({
        db: { executeSql: (text: string, values?: unknown[]) => database.raw.query(text, values) },
        schema: 'pgboss',
        schedule: false,
      });
  boss.on('error', (error: Error) => {
    console.error('[jobs]', error.message);
  });
  await boss.start();
  for (const kind of kinds) await boss.createQueue(kind);
  return boss;
}
