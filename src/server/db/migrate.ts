// Forward-only migrations: numbered .sql files, each applied once in its own transaction. Then the
// SQL functions, one file each in functions/, re-applied whenever a file's text changed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');
const FUNCTIONS_DIR = path.join(import.meta.dirname, 'functions');
// Serialises concurrent migrators (migrations and functions alike).
const MIGRATION_LOCK = 727274;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

/** Lists the migration files in order; throws on a gap or a duplicate number. */
export function listMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return files.map((file, index) => {
    const version = Number(file.slice(0, 4));
    if (version !== index + 1) throw new Error(`migration ${file}: expected number ${index + 1}`);
    return { version, name: file.replace(/\.sql$/, ''), sql: readFileSync(path.join(dir, file), 'utf8') };
  });
}

/** Applies pending migrations and returns the names applied. Safe to run from several processes. */
export async function migrate(database: Database, onApplied?: (name: string) => void): Promise<string[]> {
  const { raw } = database;
  await raw.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: string[] = [];
  for (const migration of listMigrations()) {
    // One transaction per migration; the advisory lock serialises concurrent migrators.
    const ran = await raw.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('SELECT 1 FROM schema_migration WHERE version = $1', [migration.version]);
      if (done.rows.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) {
      applied.push(migration.name);
      onApplied?.(migration.name);
    }
  }
  await applyFunctions(database, { onApplied: (name) => onApplied?.(`function ${name}`) });
  await grantAppRole(database);
  return applied;
}

export interface FunctionFile {
  /** The function's name (the file's, without .sql). */
  name: string;
  sql: string;
  /** SHA-256 of the text, hex: what schema_function remembers. */
  sha256: string;
}

/** Lists the SQL function files (one `CREATE OR REPLACE FUNCTION` each), by name. */
export function listFunctions(dir = FUNCTIONS_DIR): FunctionFile[] {
  return readdirSync(dir)
    .filter((f) => /^[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = readFileSync(path.join(dir, file), 'utf8');
      const name = file.replace(/\.sql$/, '');
      if (!new RegExp(`CREATE OR REPLACE FUNCTION ${name}\\(`).test(sql))
        throw new Error(`functions/${file}: expected CREATE OR REPLACE FUNCTION ${name}(…)`);
      return { name, sql, sha256: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the function files whose text differs from the one last applied (schema_function keeps a
 * hash per file), in one transaction under the migrators' lock; returns the names applied. Runs after
 * the migrations: a migration that needs a function changed (a new signature) defines it itself.
 */
export async function applyFunctions(
  database: Database,
  options: { dir?: string; onApplied?: (name: string) => void } = {},
): Promise<string[]> {
  const { raw } = database;
  await raw.exec(`CREATE TABLE IF NOT EXISTS schema_function (
    name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const files = listFunctions(options.dir);
  const applied = await raw.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const { rows } = await tx.query('SELECT name, sha256 FROM schema_function');
    const known = new Map(rows.map((r) => [String(r.name), String(r.sha256)]));
    const names: string[] = [];
    for (const file of files) {
      if (known.get(file.name) === file.sha256) continue;
      await tx.exec(file.sql);
      await tx.query(
        `INSERT INTO schema_function (name, sha256) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()`,
        [file.name, file.sha256],
      );
      names.push(file.name);
    }
    return names;
  });
  for (const name of applied) options.onApplied?.(name);
  return applied;
}

/** Gives the request role access to the tables (idempotent, after every migration run). */
async function grantAppRole({ raw }: Database): Promise<void> {
  await raw.exec(`
    DO $$ BEGIN EXECUTE format('GRANT relais_app TO %I', current_user);
    EXCEPTION WHEN OTHERS THEN NULL; END $$;
    GRANT USAGE ON SCHEMA public TO relais_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO relais_app;
    REVOKE ALL ON session, password_reset, schema_migration, schema_function, domain_event_cursor FROM relais_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO relais_app;
  `);
}
