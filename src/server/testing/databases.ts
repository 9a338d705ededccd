// Test databases: every test file gets a freshly migrated database, PGlite always and PostgreSQL
// too when DATABASE_URL is set, so that the same tests prove both.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { loadConfig } from '../config.ts';
import { type Database, type DatabaseKind, openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

export interface TestDatabase extends Database {
  /** The PostgreSQL URL of this database (null on PGlite), to open it again with other pool settings. */
  readonly url: string | null;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

/**
 * The kinds of database this run tests against: PGlite, and PostgreSQL too when DATABASE_URL is set.
 * RELAIS_TEST_DATABASES=postgres keeps PostgreSQL alone (CI's second run: its first already ran
 * every test on PGlite, so running them there again only cost time).
 */
export function testDatabaseKinds(): DatabaseKind[] {
  if (!loadConfig().databaseUrl) return ['pglite'];
  return process.env.RELAIS_TEST_DATABASES === 'postgres' ? ['postgres'] : ['pglite', 'postgres'];
}

function urlFor(base: string, dbName: string): string {
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  return url.toString();
}

/** Opens a freshly migrated database of the given kind. */
export async function openTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ databaseUrl: null, pgliteDir: null });
    await migrate(database);
    return { ...database, url: null, destroy: () => database.close() };
  }
  const baseUrl = loadConfig().databaseUrl;
  if (!baseUrl) throw new Error('DATABASE_URL is not set');
  const name = `relais_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    // Copying a template needs it to be unused: test files running at once take turns.
    await admin.query('SELECT pg_advisory_lock(727275)');
    const templateDb = inject('templateDb');
    const template = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateDb]);
    await admin.query(template.rowCount ? `CREATE DATABASE ${name} TEMPLATE ${templateDb}` : `CREATE DATABASE ${name}`);
    await admin.query('SELECT pg_advisory_unlock(727275)');
  } finally {
    await admin.end();
  }
  const url = urlFor(baseUrl, name);
  const database = await openDatabase({ databaseUrl: url, pgliteDir: null, poolSize: 5 });
  await migrate(database);
  return {
    ...database,
    url,
    async destroy() {
      await database.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => dropper.end());
    },
  };
}

/** Creates the migrated template database once per run (vitest globalSetup). */
export async function prepareTemplateDatabase(templateDb: string): Promise<void> {
  const baseUrl = loadConfig().databaseUrl;
  if (!baseUrl) return;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${templateDb}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ databaseUrl: urlFor(baseUrl, templateDb), pgliteDir: null, poolSize: 1 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
  if ((await sessionsLeft(baseUrl, 'datname', templateDb)) > 0) {
    throw new Error(`database ${templateDb} still has sessions after its pool was closed`);
  }
}

/**
 * How many server sessions match (database name or application_name) once the server has had up to
 * `waitMs` to end them: a backend exits a moment after its client disconnects, and copying a
 * template that still has one fails ("is being accessed by other users").
 */
export async function sessionsLeft(baseUrl: string, by: 'datname' | 'application_name', value: string, waitMs = 5000): Promise<number> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const count = async () =>
      (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${by} = $1`, [value])).rows[0]?.n as number;
    for (let waited = 0; waited < waitMs; waited += 50) {
      if ((await count()) === 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return count();
  } finally {
    await admin.end();
  }
}

/** Drops the run's template database (vitest globalSetup teardown). */
export async function dropTemplateDatabase(templateDb: string): Promise<void> {
  const baseUrl = loadConfig().databaseUrl;
  if (!baseUrl) return;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`).finally(() => admin.end());
}

export interface DatabaseContext {
  readonly kind: DatabaseKind;
  readonly database: TestDatabase;
}

/** Declares the same suite once per database kind, each with its own fresh database. */
export function describeEachDatabase(name: string, body: (ctx: DatabaseContext) => void): void {
  for (const kind of testDatabaseKinds()) {
    describe(`${name} [${kind}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(kind);
      }, 60_000);
      afterAll(async () => {
        await database?.destroy();
      });
      body({
        kind,
        get database() {
          if (!database) throw new Error('database not ready');
          return database;
        },
      });
    });
  }
}
