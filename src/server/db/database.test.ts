// Closing a PostgreSQL database ends its sessions, even when it was only used through `raw` (as the
// migrator uses it): a session left open keeps a template database from being copied, and a
// process that reopens its database again and again would run out of connections.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { sessionsLeft } from '../testing/databases.ts';
import { openDatabase } from './database.ts';

const baseUrl = loadConfig().databaseUrl;

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
    expect(await sessionsLeft(baseUrl as string, 'application_name', name, 1000)).toBe(0);
  });

  it('ends its sessions on close when the query builder was used too', async () => {
    const name = `relais_close_both_${randomBytes(4).toString('hex')}`;
    const database = await openDatabase({ databaseUrl: named(name), pgliteDir: null, poolSize: 2 });
    await database.raw.query('SELECT 1');
    await database.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    await database.close();
    expect(await sessionsLeft(baseUrl as string, 'application_name', name, 1000)).toBe(0);
  });
});
