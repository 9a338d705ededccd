// Multi-row inserts through unnest(): one statement carries thousands of rows with one array
// parameter per column, which parses far faster than thousands of scalar parameters (PGlite and pg).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';

/** Rows per insert statement in bulk paths. */
export const BULK_BATCH = 5000;

export interface BulkColumn {
  name: string;
  /** PostgreSQL element type of the array parameter: text, float8, int4, uuid, timestamptz… */
  type: 'text' | 'float8' | 'int4' | 'int2' | 'uuid' | 'timestamptz';
  /** Cast applied to each element after unnest, e.g. text → 'jsonb' or 'uuid[]'. */
  cast?: 'jsonb' | 'uuid[]' | 'float8[]';
  values: readonly unknown[];
}

export interface BulkInsert {
  table: keyof DB & string;
  /** Columns with the same value on every row (e.g. campaign_id). */
  constants?: ReadonlyArray<{ name: string; type: BulkColumn['type']; value: unknown }>;
  columns: readonly BulkColumn[];
  /** Raw ON CONFLICT clause, e.g. "(campaign_id, id) DO NOTHING". Written by our code only. */
  onConflict?: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Inserts one batch of rows given column by column (all value arrays of equal length). */
export async function insertUnnest(db: Kysely<DB>, insert: BulkInsert): Promise<void> {
  const count = insert.columns[0]?.values.length ?? 0;
  if (count === 0) return;
  const names = [...(insert.constants ?? []).map((c) => c.name), ...insert.columns.map((c) => c.name)];
  for (const name of [insert.table, ...names]) {
    if (!IDENT.test(name)) throw new Error(`bad identifier ${name}`);
  }
  for (const c of insert.columns) {
    if (c.values.length !== count) throw new Error(`column ${c.name}: ${c.values.length} values, expected ${count}`);
  }
  const selectList = [
    ...(insert.constants ?? []).map((c) => sql`${c.value}::${sql.raw(c.type)}`),
    ...insert.columns.map((c, i) => (c.cast ? sql.raw(`c${i}::${c.cast}`) : sql.raw(`c${i}`))),
  ];
  const arrays = insert.columns.map((c) => sql`${c.values}::${sql.raw(c.type)}[]`);
  const aliases = insert.columns.map((_, i) => `c${i}`).join(', ');
  await sql`insert into ${sql.raw(insert.table)} (${sql.raw(names.join(', '))})
    select ${sql.join(selectList)} from unnest(${sql.join(arrays)}) as t(${sql.raw(aliases)})
    ${insert.onConflict ? sql.raw(`on conflict ${insert.onConflict}`) : sql``}`.execute(db);
}
