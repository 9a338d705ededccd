// Clean-up after crashed imports. The job drops its UNLOGGED staging table (import_stage_<hex>) in a
// `finally`, and records its end in job_run; a killed process does neither. When a worker starts
// (and every 10 minutes), this marks the import runs that can no longer finish as failed — on the
// embedded database every run still running at start, otherwise those whose process stopped its
// heartbeat (jobs/queue.ts) — with a message saying whether the people were written, and drops every staging table
// whose import is not running. It also deletes the import files past their retention (retention.ts).
// The failure is recorded twice: job_run.error in French (the back office shows it as it is) and a
// stable code in job_run.result.error_code that the imports API returns, for clients to translate.
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { HEARTBEAT_STALE_MS, type JanitorContext, type JobJanitor } from '../../jobs/queue.ts';
import { IMPORT_JOB_KIND, type ImportRunErrorCode } from './import.job.ts';
import { importRetentionOf, purgeImportFiles } from './retention.ts';

const STAGE_TABLE_RE = /^import_stage_([0-9a-f]{32})$/;
/** A run still "running" after this long is stuck, whatever the queue says. */
export const MAX_IMPORT_RUN_MS = 24 * 60 * 60 * 1000;

export const INTERRUPTED_BEFORE_WRITE =
  'Import interrompu : le processus qui l’exécutait s’est arrêté (panne ou redémarrage) avant d’enregistrer les personnes ; rien n’a été importé. Importez le fichier à nouveau.';
export const INTERRUPTED_AFTER_WRITE =
  'Import interrompu : le processus qui l’exécutait s’est arrêté après avoir enregistré les personnes (voir le journal d’audit), mais avant la fin ; le bilan et le fichier des lignes rejetées ne sont pas disponibles.';
export const STUCK_PREFIX = 'Arrêté après 24 heures toujours en cours. ';

export interface ImportSweep {
  /** Job runs marked failed. */
  failedRuns: string[];
  /** Staging tables dropped. */
  droppedTables: string[];
}

function importIdOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Marks the import runs that can no longer finish as failed; returns their ids. */
async function failInterruptedRuns(ctx: JanitorContext, now: Date): Promise<string[]> {
  const { db } = ctx.database;
  const running = await db
    .selectFrom('job_run')
    .select(['campaign_id', 'id', 'started_at', 'created_at', 'heartbeat_at', sql<string | null>`params->>'import_id'`.as('import_id')])
    .where('kind', '=', IMPORT_JOB_KIND)
    .where('state', '=', 'running')
    .execute();
  const failed: string[] = [];
  for (const run of running) {
    const since = new Date(run.started_at ?? run.created_at).getTime();
    const stuck = now.getTime() - since > MAX_IMPORT_RUN_MS;
    if (!ctx.soleWorker && !stuck && (await isRunAlive(ctx, run, now))) continue;
    const written = run.import_id ? await peopleWritten(db, run.campaign_id, run.import_id) : false;
    const stoppedAsStuck = stuck && !ctx.soleWorker;
    const error = `${stoppedAsStuck ? STUCK_PREFIX : ''}${written ? INTERRUPTED_AFTER_WRITE : INTERRUPTED_BEFORE_WRITE}`;
    const code: ImportRunErrorCode = written ? 'IMPORT_INTERRUPTED_AFTER_WRITE' : 'IMPORT_INTERRUPTED_BEFORE_WRITE';
    const updated = await db
      .updateTable('job_run')
      .set({ state: 'failed', finished_at: now, error, message: '', result: JSON.stringify({ error_code: code, stuck: stoppedAsStuck }) })
      .where('campaign_id', '=', run.campaign_id)
      .where('id', '=', run.id)
      .where('state', '=', 'running')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) failed.push(run.id);
  }
  return failed;
}

/**
 * Whether the process running a run is alive: this one, or one whose heartbeat is fresh. The queue
 * holds a killed worker's job as active until its expiry (hours), so it is asked only about runs
 * with no heartbeat at all (recorded before heartbeats existed).
 */
async function isRunAlive(ctx: JanitorContext, run: { id: string; heartbeat_at: Date | null }, now: Date): Promise<boolean> {
  if (ctx.ownsRun?.(run.id)) return true;
  if (run.heartbeat_at) return now.getTime() - new Date(run.heartbeat_at).getTime() < HEARTBEAT_STALE_MS;
  return ctx.isRunPending(IMPORT_JOB_KIND, run.id);
}

/** The set-based phase commits with its audit event: its presence says the people were written. */
async function peopleWritten(db: Db, campaignId: string, importId: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_event')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('action', '=', 'people.imported')
    .where('target_type', '=', 'import')
    .where('target_id', '=', importId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Drops the staging tables of imports that are not running; returns their names. */
async function dropOrphanStageTables(db: Db): Promise<string[]> {
  // Tables first, runs second: a table created after this listing is simply not looked at, and a
  // listed table's run was marked running before the table was made, so it is read as running.
  const tables = await sql<{ name: string }>`
    select tablename as name from pg_tables
    where schemaname = current_schema() and tablename like 'import\\_stage\\_%'`.execute(db);
  const byImport = new Map<string, string>();
  for (const { name } of tables.rows) {
    const hex = STAGE_TABLE_RE.exec(name)?.[1];
    if (hex) byImport.set(importIdOf(hex), name);
  }
  if (byImport.size === 0) return [];
  const running = await db
    .selectFrom('job_run')
    .select(sql<string>`params->>'import_id'`.as('import_id'))
    .where('kind', '=', IMPORT_JOB_KIND)
    .where('state', '=', 'running')
    .where(sql<string>`params->>'import_id'`, 'in', [...byImport.keys()])
    .execute();
  for (const { import_id } of running) byImport.delete(import_id);
  const dropped: string[] = [];
  for (const name of byImport.values()) {
    await sql`drop table if exists ${sql.table(name)}`.execute(db);
    dropped.push(name);
  }
  return dropped;
}

/** Marks interrupted import runs failed, then drops the staging tables no running import owns. */
export async function sweepInterruptedImports(ctx: JanitorContext, now = new Date()): Promise<ImportSweep> {
  const failedRuns = await failInterruptedRuns(ctx, now);
  const droppedTables = await dropOrphanStageTables(ctx.database.db);
  return { failedRuns, droppedTables };
}

/**
 * The import janitor (declared in imports/index.ts), over the deployment's DATA_DIR and file
 * retention: interrupted runs and staging tables first (a run it fails starts its files' retention),
 * then the files past their retention.
 */
export function importJanitorOf(
  config: Pick<Config, 'dataDir' | 'files' | 'importSourceRetentionDays' | 'importRejectedRetentionDays'>,
): JobJanitor {
  const retention = importRetentionOf(config);
  return async (ctx) => {
    const { failedRuns, droppedTables } = await sweepInterruptedImports(ctx);
    const files = await purgeImportFiles(ctx.database.db, { files: fileStoreOf(config), retention });
    const done = [
      failedRuns.length > 0 ? `${failedRuns.length} interrupted run(s) marked failed` : '',
      droppedTables.length > 0 ? `${droppedTables.length} staging table(s) dropped` : '',
      files.sources.length > 0 ? `${files.sources.length} uploaded file(s) deleted after ${retention.sourceDays} days` : '',
      files.rejected.length > 0 ? `${files.rejected.length} rejected rows file(s) deleted after ${retention.rejectedDays} days` : '',
      files.incomplete.length > 0 ? `${files.incomplete.length} incomplete upload(s) removed` : '',
    ].filter(Boolean);
    return done.length > 0 ? `imports: ${done.join(', ')}` : null;
  };
}
