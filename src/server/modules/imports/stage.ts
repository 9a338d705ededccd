// The staging table of one import: an UNLOGGED table filled by the platform's bulk loader outside
// any transaction (db/bulk-load.ts: COPY straight in, on either database), then read by the one
// set-based upsert, and dropped.
import { sql } from 'kysely';
import type { BulkTarget } from '../../db/bulk-load.ts';
import type { Db } from '../../db/database.ts';
import { STAGE_COLUMNS } from './rows.ts';

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

/** The staging table as the bulk loader's target: pass 1 writes stageRow()s into it. */
export function stageTargetOf(table: string): BulkTarget {
  return { table, columns: STAGE_COLUMNS };
}
