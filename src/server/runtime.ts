// Wires a running Relais: database, migrations, mailer, job queue and HTTP app, from a Config.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { fileStoreOf } from './files/storage.ts';
import { demoJob } from './jobs/demo.job.ts';
import { createJobQueue, type JobDefinition, type JobJanitor, type JobQueue } from './jobs/queue.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { importPeopleJob } from './modules/imports/import.job.ts';
import { importJanitorOf } from './modules/imports/janitor.ts';
import { retentionJob } from './modules/people/rights.ts';

/** Every job kind the workers run. Add new kinds here. */
export const JOB_DEFINITIONS: readonly JobDefinition[] = [demoJob, importPeopleJob, retentionJob];
/**
 * Clean-ups run when a worker starts and every 10 minutes (what crashed job processes leave behind,
 * files past their retention), each made from the deployment settings it needs.
 */
export const JOB_JANITORS: readonly ((config: Config) => JobJanitor)[] = [importJanitorOf];

export interface Runtime {
  config: Config;
  database: Database;
  mailer: Mailer;
  jobs: JobQueue;
  close(): Promise<void>;
}

/** Folder of the embedded database inside DATA_DIR. */
export function pgliteDirOf(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'pglite');
}

/** Opens the database, migrates it and creates the services (no HTTP, no worker yet). */
export async function openRuntime(config: Config, database?: Database): Promise<Runtime> {
  const db = database ?? (await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: pgliteDirOf(config) }));
  await migrate(db);
  const mailer = createMailer(config, db.db);
  const jobs = createJobQueue(db, JOB_DEFINITIONS, {
    janitors: JOB_JANITORS.map((janitorOf) => janitorOf(config)),
    files: fileStoreOf(config),
  });
  return {
    config,
    database: db,
    mailer,
    jobs,
    async close() {
      await jobs.stop();
      await mailer.close();
      if (!database) await db.close();
    },
  };
}

/** Builds the HTTP app over a runtime. */
export function appOf(runtime: Runtime): Promise<FastifyInstance> {
  return buildApp({ config: runtime.config, database: runtime.database, mailer: runtime.mailer, jobs: runtime.jobs });
}
