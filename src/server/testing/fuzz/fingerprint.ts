// The state a refused request must leave untouched: a hash of every row of every table of the
// application's schema, per table, so that a difference names the tables a 4xx wrote to.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';

// Columns a request touches on purpose whatever its answer: a session's and a token's last use.
const TOUCH_COLUMNS = new Set(['last_seen_at', 'last_used_at', 'expires_at']);
// Written by the after-commit event dispatcher on its own clock, not by the request under test.
const BACKGROUND_TABLES = new Set(['domain_event_cursor']);

export type Fingerprint = ReadonlyMap<string, string>;

const queries = new WeakMap<Db, Promise<string | null>>();

/** One SQL statement hashing each table of the public schema (row count and the md5 of its rows). */
async function fingerprintQuery(db: Db): Promise<string | null> {
  const { rows } = await sql<{ table_name: string; columns: string[] }>`
    select c.table_name, array_agg(quote_ident(c.column_name::text) order by c.ordinal_position) as columns
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
    group by c.table_name order by c.table_name`.execute(db);
  const parts = rows
    .filter((r) => !BACKGROUND_TABLES.has(r.table_name) && !r.table_name.startsWith('import_stage_'))
    .map((r) => {
      const columns = r.columns.filter((c) => !TOUCH_COLUMNS.has(c.replace(/"/g, '')));
      const table = `"${r.table_name.replace(/"/g, '""')}"`;
      return `select '${r.table_name}' as t, (select count(*) || ':' || coalesce(md5(string_agg(h, '' order by h)), '')
        from (select md5(row(${columns.join(', ')})::text) as h from ${table}) s) as f`;
    });
  return parts.length > 0 ? parts.join('\nunion all\n') : null;
}

/** The fingerprint of the database: table name → row count and hash of its rows (as the superuser, under no RLS). */
export async function databaseFingerprint(db: Db): Promise<Fingerprint> {
  let query = queries.get(db);
  if (!query) {
    query = fingerprintQuery(db);
    queries.set(db, query);
  }
  const text = await query;
  if (!text) return new Map();
  const { rows } = await sql<{ t: string; f: string }>`${sql.raw(text)}`.execute(db);
  return new Map(rows.map((r) => [r.t, r.f]));
}

/** The tables whose rows differ between two fingerprints (sorted). */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names].filter((n) => before.get(n) !== after.get(n)).sort();
}
