// Data fixes carried by migrations, run again over rows written the old way; SQL function files
// re-applied when, and only when, their text changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { applyFunctions, listFunctions, listMigrations, migrate } from './migrate.ts';

describeEachDatabase('migrations', (ctx) => {
  let c: FixtureCampaign;

  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'migrations');
  });

  /** Forgets that a migration ran and runs the pending ones again: it must then apply to today's rows. */
  const rerun = async (name: string) => {
    const migration = listMigrations().find((m) => m.name === name);
    if (!migration) throw new Error(`no migration ${name}`);
    await ctx.database.raw.query('DELETE FROM schema_migration WHERE version = $1', [migration.version]);
    expect(await migrate(ctx.database)).toEqual([name]);
  };

  it('0015 stores no gender as NULL where a blank one was stored', async () => {
    const person = (id: string, gender: string | null) => ({ campaign_id: c.id, id, family_name: 'Genre', gender });
    const [blank, spaces, set, none] = [uuidv7(), uuidv7(), uuidv7(), uuidv7()];
    await ctx.database.db
      .insertInto('person')
      .values([person(blank, ''), person(spaces, '  '), person(set, 'femme'), person(none, null)])
      .execute();
    await rerun('0015_blank_gender_null');
    const rows = await ctx.database.db.selectFrom('person').select(['id', 'gender']).where('campaign_id', '=', c.id).execute();
    const gender = new Map(rows.map((r) => [r.id, r.gender]));
    expect([gender.get(blank), gender.get(spaces), gender.get(set), gender.get(none)]).toEqual([null, null, 'femme', null]);
  });

  it('records every function file when migrating, and applies none again when nothing changed', async () => {
    const { rows } = await ctx.database.raw.query('SELECT name, sha256 FROM schema_function ORDER BY name');
    expect(rows).toEqual(listFunctions().map((f) => ({ name: f.name, sha256: f.sha256 })));
    const reported: string[] = [];
    await migrate(ctx.database, (name) => reported.push(name));
    expect(reported).toEqual([]);
  });

  describe('a function file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-functions-'));
    const write = (body: string) =>
      writeFileSync(
        path.join(dir, 'relais_test_answer.sql'),
        `CREATE OR REPLACE FUNCTION relais_test_answer() RETURNS integer LANGUAGE sql AS $$ ${body} $$;\n`,
      );
    const answer = async () => (await sql<{ n: number }>`select relais_test_answer() as n`.execute(ctx.database.db)).rows[0]?.n;
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is applied when new or changed, and not run again while unchanged', async () => {
      write('SELECT 1');
      expect(await applyFunctions(ctx.database, { dir })).toEqual(['relais_test_answer']);
      expect(await answer()).toBe(1);
      // Replaced behind the migrator's back: an unchanged file is not run again, so this stays.
      await sql`CREATE OR REPLACE FUNCTION relais_test_answer() RETURNS integer LANGUAGE sql AS $$ SELECT 7 $$`.execute(ctx.database.db);
      expect(await applyFunctions(ctx.database, { dir })).toEqual([]);
      expect(await answer()).toBe(7);
      write('SELECT 2');
      expect(await applyFunctions(ctx.database, { dir })).toEqual(['relais_test_answer']);
      expect(await answer()).toBe(2);
    });

    it('that fails leaves the function and its recorded hash as they were', async () => {
      write('SELECT 3');
      await applyFunctions(ctx.database, { dir });
      const before = await ctx.database.raw.query(`SELECT sha256 FROM schema_function WHERE name = 'relais_test_answer'`);
      write('SELECT no_such_column FROM no_such_table');
      await expect(applyFunctions(ctx.database, { dir })).rejects.toThrow(/no_such_table/);
      expect(await answer()).toBe(3);
      expect(await ctx.database.raw.query(`SELECT sha256 FROM schema_function WHERE name = 'relais_test_answer'`)).toEqual(before);
    });
  });
});
