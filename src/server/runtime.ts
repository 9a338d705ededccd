// Wires a running Relais: database, migrations, mailer, job queue and HTTP app, from a Config.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type Database, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { eventSubscribers, startEventDispatcher } from './events/index.ts';
import { fileStoreOf } from './files/storage.ts';
import { createJobQueue, type JobDefinition, type JobJanitor, type JobQueue } from './jobs/queue.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { allModules } from './modules/index.ts';

/** Every job kind the workers run: those the modules' manifests declare. */
export function jobDefinitions(): readonly JobDefinition[] {
  return allModules().flatMap((m) => m.jobs ?? []);
}

/**
 * Clean-ups run when a worker starts and every 10 minutes (what crashed job processes leave behind,
 * files past their retention), each made from the deployment settings it needs: the manifests'.
 */
export function jobJanitors(config: Config): readonly JobJanitor[] {
  return allModules().flatMap((m) => (m.janitors ?? []).map((janitorOf) => janitorOf(config)));
}

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
  const db =
    database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      pgliteDir: pgliteDirOf(config),
      poolSize: config.databasePoolSize,
      acquireTimeoutMs: config.databaseAcquireTimeoutMs,
      idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs,
    }));
  await migrate(db);
  const mailer = createMailer(config, db.db);
  const jobs = createJobQueue(db, jobDefinitions(), { janitors: jobJanitors(config), files: fileStoreOf(config), config });
  // Domain events reach their after-commit subscribers from every process (at least once).
  const subscribers = eventSubscribers();
  const dispatcher =
    subscribers.length > 0
      ? startEventDispatcher(db.db, subscribers, {
          context: { jobs, config },
          onError: (error) => console.error('[events]', (error as Error).message),
        })
      : null;
  return {
    config,
    database: db,
    mailer,
    jobs,
    async close() {
      await dispatcher?.stop();
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
