// Databases of the bench: a fresh PostgreSQL database, or a temporary folder for PGlite.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export const BENCH_DATABASE = 'relais_bench';

/** The URL of a database on the server of baseUrl. */
export function databaseUrlOf(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlOf(baseUrl, 'postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Drops and re-creates the bench database (another name lets two benches run side by side); returns its URL. */
export async function createBenchPostgres(baseUrl: string, name = BENCH_DATABASE): Promise<string> {
  await withAdmin(baseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrlOf(baseUrl, name);
}

/** Drops the bench database. */
export async function dropBenchPostgres(baseUrl: string, name = BENCH_DATABASE): Promise<void> {
  await withAdmin(baseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** The DATA_DIR of an embedded database for this run (the database itself lives in its pglite/). */
export function pgliteDataDir(): string {
  return path.join(os.tmpdir(), `relais-bench-${process.pid}`);
}

/** Removes the temporary DATA_DIR. */
export async function removePgliteDataDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
