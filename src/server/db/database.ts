// Opens the database: Kysely over node-postgres when DATABASE_URL is set, embedded PGlite otherwise.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
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
  // Kysely sees the pool through `connect`, so a full pool fails the same way everywhere.
  const dialectPool = { Client: pg.Client, options: pool.options, connect, end: () => pool.end() };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: dialectPool }) });
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
    async close() {
      await db.destroy();
      // Kysely ends the pool only if it ever used it: a database used through `raw` alone (the
      // migrator) would otherwise keep its sessions open.
      if (!pool.ended) await pool.end();
    },
  };
}

async function openPglite(dir: string | null): Promise<Database> {
  if (dir) mkdirSync(path.dirname(dir), { recursive: true });
  const pglite = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    extensions: { citext, pg_trgm, unaccent },
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
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
 * Runs fn in a transaction scoped to one campaign: row-level security applies (the transaction
 * runs as the non-superuser role relais_app) and only that campaign's rows are visible.
 */
export function withTenant<T>(db: Db, campaignId: string, fn: (trx: Trx) => Promise<T>, limits?: TenantLimits): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('relais.campaign_id', ${campaignId}, true), set_config('role', 'relais_app', true)${
      limits?.statementTimeoutMs ? sql`, set_config('statement_timeout', ${String(limits.statementTimeoutMs)}, true)` : sql``
    }`.execute(trx);
    return fn(trx);
  });
}

/** Bounds of a tenant transaction run for a request (PostgreSQL; PGlite cannot interrupt a statement). */
export interface TenantLimits {
  /** Longest statement, in ms (SET LOCAL statement_timeout; 0 or absent = the server's default). */
  statementTimeoutMs?: number;
}
