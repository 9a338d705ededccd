// The one bulk loader: rows streamed into a table by the fastest path each database offers.
//
// - PostgreSQL: COPY FROM STDIN (pg-copy-streams) on the connection's own pg client (pg-driver.ts
//   lends it). Outside a transaction the rows go straight into the table (the import's staging
//   table). Inside one — a tenant transaction, whose role is under row-level security, which COPY
//   FROM refuses — they go into a temporary table, then one INSERT … SELECT moves them into the
//   table: the policies check every row, and ON CONFLICT and the constants apply there.
// - PGlite: outside a transaction, COPY FROM '/dev/blob' with the rows as a Blob, 8 MiB at a time.
//   Inside one, COPY from a "file" needs a superuser, which a tenant transaction is not: multi-row
//   INSERTs that carry a column per array parameter through unnest() (5,000 rows a statement),
//   measured as fast as COPY into a temporary table and INSERT there (the insert into the table's
//   indexes is the cost).
//
// Rows are arrays of values in the order of the columns; values are encoded once, by one rule
// (textOf): null is NULL, strings as they are, dates in ISO 8601, arrays as PostgreSQL array
// literals, other objects as JSON.
import { once } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { uuidv7 } from '../lib/ids.ts';
import { type Db, pgliteOf } from './database.ts';
import { pgClientOf } from './pg-driver.ts';

/** Column types the loader writes (PostgreSQL names). */
export type BulkType =
  | 'text'
  | 'uuid'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'float8'
  | 'boolean'
  | 'date'
  | 'timestamptz'
  | 'jsonb'
  | 'text[]'
  | 'uuid[]';

export interface BulkColumn {
  name: string;
  type: BulkType;
}

export interface BulkTarget {
  /** The table (a name written by our code, checked as an identifier). */
  table: string;
  /** The columns each row gives, in order. */
  columns: readonly BulkColumn[];
  /** Columns with the same value on every row (e.g. campaign_id). */
  constants?: ReadonlyArray<BulkColumn & { value: unknown }>;
  /** Raw ON CONFLICT clause, e.g. "do nothing" (inside a transaction only). Written by our code only. */
  onConflict?: string;
}

export type BulkRow = readonly unknown[];

/** A load in progress. Between open and end, the transaction it runs in must not be queried. */
export interface BulkLoader {
  /** Adds rows; resolves when the database can take more. */
  write(rows: readonly BulkRow[]): Promise<void>;
  /** Finishes the load; resolves with the number of rows written once the database has them all. */
  end(): Promise<number>;
  /** Gives up: nothing of a COPY is kept (PGlite's statements already run are the transaction's to roll back). */
  abort(error: Error): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
/** Bytes of CSV per COPY on PGlite (each one Blob in memory). */
const PGLITE_CHUNK_BYTES = 8 * 1024 * 1024;
/** Rows per INSERT … unnest() statement. */
const UNNEST_BATCH = 5000;

/** The text PostgreSQL reads a value from (COPY and casts alike); null for NULL. */
export function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value instanceof Date) return value.toISOString();
      if (Array.isArray(value)) return arrayLiteral(value);
      return JSON.stringify(value);
  }
}

function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    const text = textOf(v);
    return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

function csvQuoted(text: string): string {
  return text.includes('"') ? `"${text.replace(/"/g, '""')}"` : `"${text}"`;
}

/** One value as a field of COPY … (FORMAT csv): NULL unquoted and empty, any text quoted (so "" is an empty string). */
function csvField(value: unknown): string {
  // The common cases first: this runs for every value of a million-row import.
  if (typeof value === 'string') return csvQuoted(value);
  if (typeof value === 'number') return String(value);
  if (value === null || value === undefined) return '';
  if (Array.isArray(value) && value.length === 0) return '"{}"';
  return csvQuoted(textOf(value) as string);
}

function checkWidth(row: BulkRow, width: number): void {
  if (row.length !== width) throw new Error(`bulk load: a row of ${row.length} values for ${width} columns`);
}

function csvLines(rows: readonly BulkRow[], width: number, prefix: string): string {
  let text = '';
  for (const row of rows) {
    checkWidth(row, width);
    text += prefix;
    for (let i = 0; i < width; i++) text += i === 0 ? csvField(row[i]) : `,${csvField(row[i])}`;
    text += '\n';
  }
  return text;
}

function checkTarget(target: BulkTarget): void {
  const names = [target.table, ...(target.constants ?? []).map((c) => c.name), ...target.columns.map((c) => c.name)];
  for (const name of names) if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
  if (target.columns.length === 0) throw new Error('bulk load: no columns');
}

/**
 * Opens a load into target.table through `executor`: a transaction (the rows are the transaction's,
 * row-level security applies) or the database (the rows are committed by the load itself; no ON
 * CONFLICT). See the header for the path each database takes.
 */
export function openBulkLoad(executor: Db, target: BulkTarget): BulkLoader {
  checkTarget(target);
  if (target.onConflict && !executor.isTransaction) throw new Error('bulk load: ON CONFLICT needs a transaction');
  const pglite = pgliteOf(executor);
  if (!pglite) return copyLoad(executor, target);
  return executor.isTransaction ? unnestLoad(executor, target) : blobLoad(pglite, target);
}

/** Loads every row of an iterable of batches (see openBulkLoad); returns the number of rows written. */
export async function bulkLoad(
  executor: Db,
  target: BulkTarget,
  batches: Iterable<readonly BulkRow[]> | AsyncIterable<readonly BulkRow[]>,
): Promise<number> {
  const loader = openBulkLoad(executor, target);
  try {
    for await (const rows of batches) await loader.write(rows);
  } catch (error) {
    await loader.abort(error as Error);
    throw error;
  }
  return loader.end();
}

/** The column list and the constants' literals (in every line: for a COPY straight into the table). */
function constantsPrefix(target: BulkTarget): string {
  return (target.constants ?? []).map((c) => `${csvField(c.value)},`).join('');
}

function insertSelect(target: BulkTarget, from: string): { text: string; values: unknown[] } {
  const constants = target.constants ?? [];
  const names = [...constants, ...target.columns].map((c) => c.name).join(', ');
  const select = [...constants.map((c, i) => `$${i + 1}::${c.type}`), ...target.columns.map((c) => c.name)].join(', ');
  return {
    text: `insert into ${target.table} (${names}) select ${select} from ${from}${target.onConflict ? ` on conflict ${target.onConflict}` : ''}`,
    values: constants.map((c) => textOf(c.value)),
  };
}

/** PostgreSQL: COPY FROM STDIN on the executor's connection, through a temporary table inside a transaction. */
function copyLoad(executor: Db, target: BulkTarget): BulkLoader {
  const viaTemp = executor.isTransaction;
  const into = viaTemp ? `relais_bulk_${uuidv7().replace(/-/g, '')}` : target.table;
  const copied = viaTemp ? target.columns : [...(target.constants ?? []), ...target.columns];
  const prefix = viaTemp ? '' : constantsPrefix(target);
  let stream: ReturnType<typeof copyFrom> | null = null;
  let failed: Error | null = null;
  let written = 0;
  let inserted: number | null = null;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => {
    opened = resolve;
  });
  // The connection is held for the whole load: its client runs the COPY, then (in a transaction)
  // the INSERT … SELECT and the temporary table's drop.
  const held = executor.getExecutor().provideConnection(async (connection) => {
    const client = await (pgClientOf(connection) ?? Promise.reject(new Error('bulk load: not a PostgreSQL connection of ours')));
    if (viaTemp) {
      const columns = target.columns.map((c) => `${c.name} ${c.type}`).join(', ');
      await client.query(`create temporary table ${into} (${columns}) on commit drop`);
    }
    const copy = client.query(copyFrom(`copy ${into} (${copied.map((c) => c.name).join(', ')}) from stdin with (format csv)`));
    const finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    stream = copy;
    opened();
    await finished;
    if (viaTemp) {
      const insert = insertSelect(target, into);
      inserted = (await (client as pg.PoolClient).query(insert.text, insert.values)).rowCount ?? 0;
      await client.query(`drop table ${into}`);
    }
  });
  held.catch((error: Error) => {
    failed = error;
    opened();
  });
  const ready = async () => {
    await open;
    if (failed) throw failed;
    return stream as NonNullable<typeof stream>;
  };
  return {
    async write(rows) {
      if (rows.length === 0) return;
      const copy = await ready();
      written += rows.length;
      if (!copy.write(csvLines(rows, target.columns.length, prefix))) {
        await Promise.race([once(copy, 'drain'), held.then(() => {})]);
      }
      if (failed) throw failed;
    },
    async end() {
      const copy = await ready();
      copy.end();
      await held;
      return inserted ?? written;
    },
    async abort(error) {
      await open;
      (stream as NonNullable<typeof stream> | null)?.destroy(error);
      await held.catch(() => {});
    },
  };
}

/** PGlite outside a transaction: COPY FROM '/dev/blob' straight into the table, 8 MiB at a time. */
function blobLoad(pglite: PGlite, target: BulkTarget): BulkLoader {
  const columns = [...(target.constants ?? []), ...target.columns].map((c) => c.name).join(', ');
  const text = `copy ${target.table} (${columns}) from '/dev/blob' with (format csv)`;
  const prefix = constantsPrefix(target);
  let parts: string[] = [];
  let size = 0;
  let written = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const blob = new Blob(parts);
    parts = [];
    size = 0;
    await pglite.query(text, [], { blob });
  };
  return {
    async write(rows) {
      if (rows.length === 0) return;
      const lines = csvLines(rows, target.columns.length, prefix);
      parts.push(lines);
      size += lines.length;
      written += rows.length;
      if (size >= PGLITE_CHUNK_BYTES) await flush();
    },
    async end() {
      await flush();
      return written;
    },
    async abort() {
      parts = [];
    },
  };
}

/** PGlite inside a transaction: INSERT … SELECT FROM unnest(one array parameter per column). */
function unnestLoad(trx: Db, target: BulkTarget): BulkLoader {
  let batch: BulkRow[] = [];
  let written = 0;
  const constants = target.constants ?? [];
  // Scalars travel as arrays of their type; arrays and JSON as text, cast after unnest (an array of
  // arrays would be one two-dimensional array, flattened by unnest).
  const scalar = (c: BulkColumn) => !c.type.endsWith('[]') && c.type !== 'jsonb';
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const arrays = target.columns.map((c, i) => {
      const values = rows.map((row) => (scalar(c) && typeof row[i] !== 'object' ? row[i] : textOf(row[i])));
      return sql`${values}::${sql.raw(scalar(c) ? c.type : 'text')}[]`;
    });
    const select = [
      ...constants.map((c) => sql`${textOf(c.value)}::${sql.raw(c.type)}`),
      ...target.columns.map((c, i) => sql.raw(scalar(c) ? `c${i}` : `c${i}::${c.type}`)),
    ];
    const names = [...constants, ...target.columns].map((c) => c.name).join(', ');
    const aliases = target.columns.map((_, i) => `c${i}`).join(', ');
    const result = await sql`insert into ${sql.raw(target.table)} (${sql.raw(names)})
      select ${sql.join(select)} from unnest(${sql.join(arrays)}) as t(${sql.raw(aliases)})
      ${target.onConflict ? sql.raw(`on conflict ${target.onConflict}`) : sql``}`.execute(trx);
    written += Number(result.numAffectedRows ?? 0);
  };
  return {
    async write(rows) {
      for (const row of rows) {
        checkWidth(row, target.columns.length);
        batch.push(row);
        if (batch.length >= UNNEST_BATCH) await flush();
      }
    },
    async end() {
      await flush();
      return written;
    },
    async abort() {
      batch = [];
    },
  };
}
