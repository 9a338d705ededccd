// Our driver for node-postgres behind Kysely's Driver interface. What it adds: a tenant transaction's
// BEGIN and settings are written to the socket together with the transaction's first query, so that
// a tenant request costs two round trips (BEGIN + settings + query, then COMMIT) instead of four.
// Kysely's own PostgresDriver keeps its pg client private, so it cannot do this; ours covers what
// Relais uses of it (queries, transactions) and leaves out Kysely's savepoint API, streaming and
// query cancellation. It also lends a connection's pg client to the bulk loader (db/bulk-load.ts),
// whose COPY FROM STDIN needs the client itself (pgClientOf).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dialect, Kysely } from 'kysely';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';

interface PendingBegin {
  /** `begin; select set_config(…), …`: parameterless, so one simple-protocol message. */
  sql: string;
  /** COMMIT is written right behind the first query, which must then be the only one. */
  oneStatement: boolean;
  used: boolean;
}

// The BEGIN a withTenant() call wants for its transaction: read by beginTransaction(), which runs
// in the async context of db.transaction().execute() and has no other way to receive it.
const pendingBegin = new AsyncLocalStorage<PendingBegin>();

/**
 * Runs start() (which opens a Kysely transaction) so that the transaction's BEGIN is beginSql; returns
 * a function telling, once inside the transaction, whether the driver sent it (PGlite's does not).
 */
export function withBeginSql<T>(
  beginSql: string,
  start: (sent: () => boolean) => Promise<T>,
  options: { oneStatement?: boolean } = {},
): Promise<T> {
  const pending: PendingBegin = { sql: beginSql, oneStatement: options.oneStatement ?? false, used: false };
  return pendingBegin.run(pending, () => start(() => pending.used));
}

// The pg client's socket (public in practice: pg's own Query corks it the same way).
type Corkable = { cork?: () => void; uncork?: () => void };
function streamOf(client: pg.PoolClient): Corkable {
  return (client as unknown as { connection: { stream: Corkable } }).connection.stream;
}
// pg's pipeline mode, switched on for one client only while its BEGIN and first query are in flight
// (a pool in pipeline mode would refuse pg-copy-streams, which the import stage uses).
type Pipelined = { pipeline: boolean };

class PgConnection implements DatabaseConnection {
  readonly #client: pg.PoolClient;
  #begin: Promise<unknown> | null = null;
  #oneStatement = false;
  /** The one-statement transaction's COMMIT, already sent (null otherwise). */
  #committed: Promise<pg.QueryResult> | null = null;
  #discarded = false;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  /** Queues BEGIN + settings without waiting: the first query is written behind them. */
  beginPipelined(sql: string, oneStatement: boolean): void {
    this.#oneStatement = oneStatement;
    this.#committed = null;
    (this.#client as unknown as Pipelined).pipeline = true;
    streamOf(this.#client).cork?.();
    this.#begin = this.#client.query(sql);
    // Always observed (by the first query, commit or rollback); never an unhandled rejection.
    this.#begin.catch(() => {});
  }

  /** Sends a BEGIN still held back (a transaction that ran no query) and waits for its answer. */
  async settleBegin(): Promise<void> {
    const begin = this.#begin;
    if (!begin) return;
    this.#begin = null;
    streamOf(this.#client).uncork?.();
    try {
      await begin;
    } finally {
      (this.#client as unknown as Pipelined).pipeline = false;
    }
  }

  /**
   * The pg client, for a statement Kysely cannot send (COPY FROM STDIN): a BEGIN still held back is
   * sent first, so that what the client runs is inside the transaction, after its settings.
   */
  async client(): Promise<pg.PoolClient> {
    if (this.#discarded) throw new Error('Postgres connection has been discarded');
    if (this.#committed || (this.#begin && this.#oneStatement))
      throw new Error('A one-statement tenant transaction cannot lend its client.');
    await this.settleBegin();
    return this.#client;
  }

  /** The COMMIT a one-statement transaction sent with its query, if any: commitTransaction awaits it. */
  takeCommitted(): Promise<pg.QueryResult> | null {
    const committed = this.#committed;
    this.#committed = null;
    return committed;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#discarded) throw new Error('Postgres connection has been discarded');
    // Past the COMMIT: a second query would run outside the transaction, as the login role.
    if (this.#committed) throw new Error('A one-statement tenant transaction ran a second statement.');
    const begin = this.#begin;
    let result: pg.QueryResult;
    if (begin) {
      this.#begin = null;
      const running = this.#client.query(compiledQuery.sql, compiledQuery.parameters as unknown[]);
      const committed = this.#oneStatement ? this.#client.query('commit') : null;
      if (committed) {
        this.#committed = committed;
        committed.catch(() => {});
      }
      streamOf(this.#client).uncork?.();
      const [began, ran] = await Promise.allSettled([begin, running, ...(committed ? [committed] : [])]);
      (this.#client as unknown as Pipelined).pipeline = false;
      // A failed BEGIN or setting aborts the transaction, so the query failed too: report the cause.
      if (began.status === 'rejected') throw began.reason;
      if (ran.status === 'rejected') throw ran.reason;
      result = ran.value;
    } else {
      result = await this.#client.query(compiledQuery.sql, compiledQuery.parameters as unknown[]);
    }
    const { command, rowCount, rows } = result;
    if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command } as R] };
    return {
      numAffectedRows:
        command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE' ? BigInt(rowCount ?? 0) : undefined,
      rows: (rows ?? []) as R[],
    };
  }

  // biome-ignore lint/correctness/useYield: streaming needs a cursor, which Relais does not configure (as before).
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('Streaming is not configured: use a server-side cursor (DECLARE … FETCH).');
  }

  markForDiscard(): void {
    this.#discarded = true;
  }

  release(): void {
    this.#client.release(this.#discarded);
  }
}

/**
 * The pg client behind a connection of our driver (null for another driver's, such as PGlite's), for
 * the length of a provideConnection() call: the transaction's own client inside a transaction.
 */
export function pgClientOf(connection: DatabaseConnection): Promise<pg.PoolClient> | null {
  return connection instanceof PgConnection ? connection.client() : null;
}

function beginSqlOf(settings: TransactionSettings): string {
  if (!settings.isolationLevel && !settings.accessMode) return 'begin';
  return ['start transaction', settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode]
    .filter(Boolean)
    .join(' ');
}

class PgDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #connect: () => Promise<pg.PoolClient>;
  readonly #connections = new WeakMap<pg.PoolClient, PgConnection>();

  constructor(pool: pg.Pool, connect: () => Promise<pg.PoolClient>) {
    this.#pool = pool;
    this.#connect = connect;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PgConnection(client);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const pending = pendingBegin.getStore();
    if (pending && !pending.used && !settings.isolationLevel && !settings.accessMode) {
      // Consumed once: a transaction opened inside the tenant callback (on `db`) is a plain one.
      pending.used = true;
      (connection as PgConnection).beginPipelined(pending.sql, pending.oneStatement);
      return;
    }
    await connection.executeQuery(CompiledQuery.raw(beginSqlOf(settings)));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const pg = connection as PgConnection;
    await pg.settleBegin();
    const committed = pg.takeCommitted();
    const { rows } = committed
      ? { rows: [{ command: (await committed).command }] }
      : await connection.executeQuery<{ command: string }>(CompiledQuery.raw('commit'));
    // PostgreSQL completes COMMIT with a ROLLBACK tag if an earlier error left the transaction aborted.
    if (rows[0]?.command === 'ROLLBACK') throw new Error('The transaction was aborted by an earlier error and rolled back.');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const pg = connection as PgConnection;
    try {
      await pg.settleBegin().catch(() => {});
      const committed = pg.takeCommitted();
      // Already ended by the COMMIT sent with the query (or rolled back by it after an error).
      if (committed) return void (await committed.catch(() => {}));
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (error) {
      pg.markForDiscard();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PgConnection).release();
  }

  async destroy(): Promise<void> {
    if (!this.#pool.ended) await this.#pool.end();
  }
}

/** Kysely's PostgreSQL dialect over a pg pool, with pipelined tenant BEGINs (see withBeginSql). */
export class PipelinedPostgresDialect implements Dialect {
  readonly #pool: pg.Pool;
  readonly #connect: () => Promise<pg.PoolClient>;

  /** `connect` takes a client from the pool (database.ts bounds the wait, failing with DatabaseBusyError). */
  constructor(pool: pg.Pool, connect: () => Promise<pg.PoolClient> = () => pool.connect()) {
    this.#pool = pool;
    this.#connect = connect;
  }

  createDriver(): Driver {
    return new PgDriver(this.#pool, this.#connect);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}
