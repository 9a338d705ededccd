// Closing a PostgreSQL database ends its sessions, even when it was only used through `raw` (as the
// migrator uses it): a session left open keeps a template database from being copied, and a
// process that reopens its database again and again would run out of connections.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { openDatabase } from './database.ts';

const baseUrl = loadConfig().databaseUrl;

/** Sessions of this run's own connections, named by application_name. */
async function sessionsNamed(name: string): Promise<number> {
  const admin = new pg.Client({ connectionString: baseUrl as string });
  await admin.connect();
  try {
    // A backend exits a moment after its client has gone: give it a second.
    for (let attempt = 0; attempt < 20; attempt++) {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name]);
      if (rows[0]?.n === 0) return 0;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name]);
    return rows[0]?.n as number;
  } finally {
    await admin.end();
  }
}

describe.skipIf(!baseUrl)('openDatabase [postgres]', () => {
  const named = (name: string) => {
    const url = new URL(baseUrl as string);
    url.searchParams.set('application_name', name);
    return url.toString();
  };

  it('ends its sessions on close when only raw queries were made', async () => {
    const name = `relais_close_raw_${randomBytes(4).toString('hex')}`;
    const database = await openDatabase({ databaseUrl: named(name), pgliteDir: null, poolSize: 2 });
    await database.raw.query('SELECT 1');
    await database.raw.transaction((tx) => tx.query('SELECT 2'));
    await database.close();
    expect(await sessionsNamed(name)).toBe(0);
  });

  it('ends its sessions on close when the query builder was used too', async () => {
    const name = `relais_close_both_${randomBytes(4).toString('hex')}`;
    const database = await openDatabase({ databaseUrl: named(name), pgliteDir: null, poolSize: 2 });
    await database.raw.query('SELECT 1');
    await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    await database.close();
    expect(await sessionsNamed(name)).toBe(0);
  });
});
