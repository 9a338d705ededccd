// Data fixes carried by migrations, run again over rows written the old way.
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { listMigrations, migrate } from './migrate.ts';

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
});
