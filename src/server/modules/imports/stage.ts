// The staging table of one import: an UNLOGGED table filled with COPY — COPY FROM STDIN through
// pg-copy-streams on PostgreSQL, COPY FROM '/dev/blob' in chunks on PGlite — then read by the one
// set-based upsert, and dropped.
import { once } from 'node:events';
import { CompiledQuery, sql } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, Db } from '../../db/database.ts';
import { STAGE_COLUMNS } from './rows.ts';

/** Rows per COPY on PGlite (each chunk is one Blob in memory). */
const PGLITE_CHUNK_BYTES = 8 * 1024 * 1024;

/** The staging table's name for an import (its id, without dashes). */
export function stageTableOf(importId: string): string {
  const hex = importId.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new Error('bad import id');
  return `import_stage_${hex}`;
}

/** Creates the (empty) staging table, owned by the request role that runs the upsert. */
export async function createStageTable(db: Db, table: string): Promise<void> {
  const t = sql.table(table);
  await sql`drop table if exists ${t}`.execute(db);
  await sql`create unlogged table ${t} (
    line integer not null,
    person_id uuid not null,
    given_name text not null,
    family_name text not null,
    email text,
    phone text,
    emails text[] not null,
    phones text[] not null,
    street_address text not null,
    postcode text not null,
    locality text not null,
    birthdate date,
    gender text,
    ladder_stage text,
    tags text[] not null,
    custom_fields jsonb,
    target_id uuid,
    action text,
    reject text,
    address_changed boolean not null default false,
    address_id text,
    lon double precision,
    lat double precision,
    zone_ids uuid[] not null default '{}'
  )`.execute(db);
  // Owned by the request role that runs the upsert, so that it may also ANALYZE it mid-way.
  await sql`alter table ${t} owner to relais_app`.execute(db);
}

/** Once filled: a key on the line number and fresh statistics, so the planner joins it sensibly. */
export async function indexStageTable(db: Db, table: string): Promise<void> {
  const t = sql.table(table);
  await sql`alter table ${t} add primary key (line)`.execute(db);
  await sql`analyze ${t}`.execute(db);
}

/** Drops the staging table (idempotent). */
export async function dropStageTable(db: Db, table: string): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}

export interface StageSink {
  /** Appends COPY lines; resolves when the database can take more. */
  write(lines: string): Promise<void>;
  /** Ends the COPY and waits for the database to have every row. */
  end(): Promise<void>;
  /** Gives up (the COPY is cancelled and its connection released). */
  abort(error: Error): Promise<void>;
}

function copySql(table: string, source: 'stdin' | 'blob'): string {
  return `COPY ${table} (${STAGE_COLUMNS.join(', ')}) FROM ${source === 'stdin' ? 'STDIN' : "'/dev/blob'"} WITH (FORMAT csv)`;
}

/** Opens a COPY into the staging table on whichever database this is. */
export function openStageSink(database: Database, table: string): StageSink {
  return database.pglite ? pgliteSink(database.pglite, table) : postgresSink(database.db, table);
}

function pgliteSink(pglite: NonNullable<Database['pglite']>, table: string): StageSink {
  const text = copySql(table, 'blob');
  let parts: string[] = [];
  let size = 0;
  const flush = async () => {
    if (parts.length === 0) return;
    const blob = new Blob(parts);
    parts = [];
    size = 0;
    await pglite.query(text, [], { blob });
  };
  return {
    async write(lines) {
      parts.push(lines);
      size += lines.length;
      if (size >= PGLITE_CHUNK_BYTES) await flush();
    },
    end: flush,
    async abort() {
      parts = [];
    },
  };
}

/**
 * COPY FROM STDIN on one pooled connection. Kysely does not expose its pg client, but hands the
 * compiled "sql" to client.query(), which accepts a submittable stream: that is how the
 * pg-copy-streams stream reaches the connection Kysely reserved for us.
 */
function postgresSink(db: Db, table: string): StageSink {
  const stream = copyFrom(copySql(table, 'stdin'));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  let failed: Error | null = null;
  finished.catch((error: Error) => {
    failed = error;
  });
  const held = db.connection().execute(async (conn) => {
    await conn.executeQuery(CompiledQuery.raw(stream as unknown as string));
    await finished;
  });
  held.catch(() => {});
  return {
    async write(lines) {
      if (failed) throw failed;
      if (!stream.write(lines)) await Promise.race([once(stream, 'drain'), finished]);
    },
    async end() {
      stream.end();
      await held;
    },
    async abort(error) {
      stream.destroy(error);
      await held.catch(() => {});
    },
  };
}
