// canReach: the latest ledger entry up to now decides, a withdrawal after a grant wins, a grant
// after a withdrawal wins again; an anonymised or merged person is never reachable. Each entry
// writes a consent.changed event in its transaction.
import { beforeAll, expect, it } from 'vitest';
import type { ConsentChannel } from '../../../shared/enums.ts';
import { withTenant } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { canReach, recordConsents } from './index.ts';

describeEachDatabase('consent', (ctx) => {
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'consent');
  });

  const newPerson = async () => {
    const id = uuidv7();
    await ctx.database.db
      .insertInto('person')
      .values({ campaign_id: c.id, id, family_name: 'C', email: `${id}@example.org`, phone: '+33612345678' })
      .execute();
    return id;
  };
  const reach = (personId: string, channel: ConsentChannel = 'sms') =>
    withTenant(ctx.database.db, c.id, (trx) => canReach(trx, { campaignId: c.id, personId, channel }));
  const record = (personId: string, status: 'given' | 'withdrawn', at: Date, channel: ConsentChannel = 'sms') =>
    withTenant(ctx.database.db, c.id, (trx) => recordConsents(trx, [{ campaignId: c.id, personId, channel, status, source: 'test', at }]));
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

  it('follows the latest entry: grant, withdraw, grant again, per channel', async () => {
    const p = await newPerson();
    expect(await reach(p)).toBe(false); // no entry: no consent
    await record(p, 'given', minutesAgo(30));
    expect(await reach(p)).toBe(true);
    expect(await reach(p, 'email')).toBe(false); // another channel
    await record(p, 'withdrawn', minutesAgo(20));
    expect(await reach(p)).toBe(false);
    await record(p, 'given', minutesAgo(10));
    expect(await reach(p)).toBe(true);
  });

  it('honours a withdrawal recorded late with an earlier grant written after it', async () => {
    const p = await newPerson();
    await record(p, 'withdrawn', minutesAgo(5));
    // An older grant arriving afterwards (a paper form keyed in late) does not override it.
    await record(p, 'given', minutesAgo(60));
    expect(await reach(p)).toBe(false);
  });

  it('ignores an entry dated in the future until its time comes', async () => {
    const p = await newPerson();
    await record(p, 'given', minutesAgo(10));
    await record(p, 'withdrawn', new Date(Date.now() + 3_600_000));
    expect(await reach(p)).toBe(true);
  });

  it('never reaches an anonymised or a merged person, whatever the ledger says', async () => {
    const anonymised = await newPerson();
    const merged = await newPerson();
    const kept = await newPerson();
    for (const p of [anonymised, merged, kept]) await record(p, 'given', minutesAgo(10));
    await ctx.database.db.updateTable('person').set({ anonymized_at: new Date() }).where('id', '=', anonymised).execute();
    await ctx.database.db.updateTable('person').set({ merged_into: kept }).where('id', '=', merged).execute();
    expect(await reach(anonymised)).toBe(false);
    expect(await reach(merged)).toBe(false);
    expect(await reach(kept)).toBe(true);
    expect(await reach(uuidv7())).toBe(false); // no such person
  });

  it('writes a consent.changed event per entry, in the same transaction', async () => {
    const p = await newPerson();
    const [id] = await record(p, 'withdrawn', minutesAgo(1), 'email');
    const events = await ctx.database.db.selectFrom('domain_event').selectAll().where('person_id', '=', p).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'consent.changed',
      campaign_id: c.id,
      payload: { consent_id: id, channel: 'email', status: 'withdrawn', source: 'test' },
    });
  });
});
