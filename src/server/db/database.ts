// Opens the database: Kysely over node-postgres when DATABASE_URL is set, embedded PGlite otherwise.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PGliteDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type Listener, type ListenHandlers, listenPglite, listenPostgres } from './listener.ts';
import { PipelinedPostgresDialect, withBeginSql } from './pg-driver.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export type Db = Kysely<DB>;
export type Trx = Transaction<DB>;

/** A raw SQL runner (used by pg-boss and by COPY-style bulk paths). */
export interface RawSql {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Runs several statements without parameters. */
  exec(text: string): Promise<void>;
  /** Runs fn on one connection inside BEGIN … COMMIT (ROLLBACK when it throws). */
  transaction<T>(fn: (tx: RawSql) => Promise<T>): Promise<T>;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  readonly raw: RawSql;
  /** The embedded instance, when kind is 'pglite' (pg-boss talks to it directly). */
  readonly pglite?: PGlite;
  /** Listens on a notification channel (`pg_notify` in a transaction reaches every listener at commit). */
  listen(channel: string, handlers: ListenHandlers): Promise<Listener>;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl: string | null;
  /** Folder of the persisted PGlite database; null keeps it in memory (tests). */
  pgliteDir: string | null;
  poolSize?: number;
  /** PostgreSQL: how long a query waits for a pool connection before failing with DatabaseBusyError. */
  acquireTimeoutMs?: number;
  /** PostgreSQL: the server ends a session idle inside a transaction this long (0 = never). */
  idleInTransactionTimeoutMs?: number;
}

/** No database connection was free in time (the pool is exhausted, or the server does not answer). */
export class DatabaseBusyError extends Error {
  constructor(cause: unknown) {
    super('No database connection became free in time.', { cause });
    this.name = 'DatabaseBusyError';
  }
}

// bigint (int8) and numeric come back as strings by default in pg; counts are parsed where read.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => v);

/** Opens a database connection (pool or embedded instance). */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  return openPglite(options.pgliteDir);
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Without a bound, a request waits for a connection for ever once slow work holds them all.
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 5000,
    // A session parameter: no transaction (request, job or forgotten cursor) holds a connection
    // for ever on a client that stopped talking.
    ...(options.idleInTransactionTimeoutMs ? { idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs } : {}),
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it. Nothing to do here.
  });
  const connect = () =>
    pool.connect().catch((error: unknown) => {
      throw new DatabaseBusyError(error);
    });
  // Kysely takes its connections through `connect`, so a full pool fails the same way everywhere.
  const db = new Kysely<DB>({ dialect: new PipelinedPostgresDialect(pool, connect) });
  const raw: RawSql = {
    async query(text, values) {
      const client = await connect();
      try {
        // Several statements without parameters answer one result each (pg-boss sends such blocks).
        const result: pg.QueryResult | pg.QueryResult[] = await client.query(text, values as unknown[]);
        return { rows: Array.isArray(result) ? result.flatMap((r) => r.rows ?? []) : result.rows };
      } finally {
        client.release();
      }
    },
    async exec(text) {
      await raw.query(text);
    },
    async transaction(fn) {
      const client = await connect();
      const tx: RawSql = {
        query: async (text, values) => ({ rows: (await client.query(text, values as unknown[])).rows }),
        exec: async (text) => {
          await client.query(text);
        },
        transaction: (inner) => inner(tx),
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
  };
  return {
    kind: 'postgres',
    db,
    raw,
    listen: (channel, handlers) => listenPostgres(url, channel, handlers),
    async close() {
      await db.destroy();
      // Kysely ends the pool only if it ever used it: a database used through `raw` alone (the
      // migrator) would otherwise keep its sessions open.
      if (!pool.ended) await pool.end();
    },
  };
}

// The embedded instance behind a Kysely, found from the Kysely or any of its transactions (they
// share its dialect adapter): for the bulk loader's COPY FROM '/dev/blob', which Kysely cannot send.
const pgliteOfAdapter = new WeakMap<object, PGlite>();

/** The PGlite instance of an executor (a database or one of its transactions); null on PostgreSQL. */
export function pgliteOf(executor: Db): PGlite | null {
  return pgliteOfAdapter.get(executor.getExecutor().adapter) ?? null;
}

async function openPglite(dir: string | null): Promise<Database> {
  if (dir) mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    extensions: { citext, pg_trgm, unaccent },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  pgliteOfAdapter.set(db.getExecutor().adapter, pglite);
  const raw: RawSql = {
    async query(text, values) {
      const result = await pglite.query<Record<string, unknown>>(text, values as unknown[]);
      return { rows: result.rows };
    },
    async exec(text) {
      await pglite.exec(text);
    },
    transaction(fn) {
      return pglite.transaction(async (t) => {
        const tx: RawSql = {
          query: async (text, values) => ({
            rows: (await t.query<Record<string, unknown>>(text, values as unknown[])).rows,
          }),
          exec: async (text) => {
            await t.exec(text);
          },
          transaction: (inner) => inner(tx),
        };
        return fn(tx);
      });
    },
  };
  return {
    kind: 'pglite',
    db,
    raw,
    pglite,
    listen: (channel, handlers) => listenPglite(pglite, channel, handlers),
    async close() {
      await db.destroy();
    },
  };
}

/**
 * Refreshes the planner's statistics and the tables' visibility maps after a bulk write (VACUUM
 * ANALYZE; outside any transaction). PGlite runs no autovacuum, and even on PostgreSQL a query
 * right after a large load would be planned on empty statistics (a nested loop over "1 row" that is
 * really 30,000 is the difference between 50 ms and an hour) and could not count from an index
 * alone (an index-only scan needs the pages marked all-visible: segment counts, migration 0010).
 */
export async function refreshStatistics(db: Db, tables: readonly (keyof DB)[]): Promise<void> {
  for (const table of tables) await sql`vacuum (analyze) ${sql.table(table)}`.execute(db);
}

/**
 * The transaction settings of a tenant transaction, as (name, value) pairs: one `set_config(…, true)`
 * each, all in the one statement that follows BEGIN. A further per-transaction setting (a statement
 * timeout…) is one more pair here and costs no round trip.
 */
export function tenantSettingsOf(campaignId: string, limits: TenantLimits = {}): [name: string, value: string][] {
  const settings: [name: string, value: string][] = [
    ['relais.campaign_id', campaignId],
    ['role', 'relais_app'],
  ];
  if (limits.statementTimeoutMs) settings.push(['statement_timeout', String(limits.statementTimeoutMs)]);
  return settings;
}

// The campaign of each open tenant transaction.
const tenantOfTransaction = new WeakMap<Db, string>();

/**
 * The statement that applies the tenant settings inside an open transaction (literals, not
 * parameters: it travels with BEGIN in one simple-protocol message). For the one place that cannot
 * use withTenant's callback: a cursor read by an async generator (segment export).
 */
export function tenantSettingsSqlOf(campaignId: string, limits: TenantLimits = {}): string {
  const calls = tenantSettingsOf(campaignId, limits).map(
    ([name, value]) => `set_config(${pg.escapeLiteral(name)}, ${pg.escapeLiteral(value)}, true)`,
  );
  return `select ${calls.join(', ')}`;
}

// The settings statement of each (campaign, timeout) seen lately: every request would write the same
// string again. Bounded: a process serving more campaigns starts the cache afresh.
const settingsSqlCache = new Map<string, string>();
function settingsSqlOf(campaignId: string, statementTimeoutMs: number): string {
  const key = `${campaignId} ${statementTimeoutMs}`;
  let text = settingsSqlCache.get(key);
  if (text === undefined) {
    if (settingsSqlCache.size >= 1000) settingsSqlCache.clear();
    text = tenantSettingsSqlOf(campaignId, { statementTimeoutMs });
    settingsSqlCache.set(key, text);
  }
  return text;
}

/**
 * Runs fn in a transaction scoped to one campaign: row-level security applies (the transaction
 * runs as the non-superuser role relais_app) and only that campaign's rows are visible. The one way
 * to touch tenant data, for routes, jobs and commands alike. On PostgreSQL, BEGIN, the settings and
 * fn's first query go out together (one round trip; pg-driver.ts); on PGlite (in process), the
 * settings are one statement after BEGIN. `oneRead`: fn runs a single statement that only reads
 * (the transaction is READ ONLY); on PostgreSQL its COMMIT goes out with it too, so the whole
 * transaction is one round trip, and a second statement there fails instead of running.
 */
export function withTenant<T>(
  db: Db,
  campaignId: string,
  fn: (trx: Trx) => Promise<T>,
  options: { oneRead?: boolean } & TenantLimits = {},
): Promise<T> {
  if (db.isTransaction) {
    // Steps that run alone or inside a larger tenant transaction (the territory importer) join it.
    if (tenantOfTransaction.get(db) === campaignId) return fn(db as Trx);
    return Promise.reject(new Error(`withTenant(${campaignId}) was given a transaction that is not this campaign's tenant transaction`));
  }
  const settings = settingsSqlOf(campaignId, options.statementTimeoutMs ?? 0);
  const begin = options.oneRead ? 'begin read only' : 'begin';
  return withBeginSql(
    `${begin}; ${settings}`,
    (sent) =>
      db.transaction().execute(async (trx) => {
        tenantOfTransaction.set(trx, campaignId);
        if (!sent()) {
          if (options.oneRead) await sql`set transaction read only`.execute(trx);
          await sql.raw(settings).execute(trx);
        }
        return fn(trx);
      }),
    { oneStatement: options.oneRead ?? false },
  );
}

/** withTenant() bound to one campaign: what jobs and services that open several transactions are given. */
export type TenantRunner = <T>(fn: (trx: Trx) => Promise<T>) => Promise<T>;

/** The TenantRunner of a campaign. */
export function tenantRunnerOf(db: Db, campaignId: string): TenantRunner {
  return (fn) => withTenant(db, campaignId, fn);
}

/** Bounds of a tenant transaction run for a request (PostgreSQL; PGlite cannot interrupt a statement). */
export interface TenantLimits {
  /** Longest statement, in ms (SET LOCAL statement_timeout; 0 or absent = the server's default). */
  statementTimeoutMs?: number;
}
