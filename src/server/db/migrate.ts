// Forward-only migrations: numbered .sql files, each applied once in its own transaction.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = path.join(import.meta.dirname, 'migrations');

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
      await tx.query('SELECT pg_advisory_xact_lock(727274)');
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
  await grantAppRole(database);
  return applied;
}

/** Gives the request role access to the tables (idempotent, after every migration run). */
async function grantAppRole({ raw }: Database): Promise<void> {
  await raw.exec(`
    DO $$ BEGIN EXECUTE format('GRANT relais_app TO %I', current_user);
    EXCEPTION WHEN OTHERS THEN NULL; END $$;
    GRANT USAGE ON SCHEMA public TO relais_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO relais_app;
    REVOKE ALL ON session, password_reset, schema_migration, domain_event_cursor FROM relais_app;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO relais_app;
  `);
}
