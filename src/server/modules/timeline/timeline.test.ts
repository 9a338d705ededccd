// The timeline: one function records a line (with its activity.recorded event, and the ladder's
// reaction in the same transaction); one query reads a person's lines of every kind, newest first.
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { recordConsents } from '../consent/index.ts';
import { personTimeline, recordActivity } from './index.ts';

describeEachDatabase('timeline', (ctx) => {
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'timeline');
  });

  it('records activities and reads them with the consents and ladder moves, newest first, by pages', async () => {
    const personId = c.people[0]!.id;
    await withTenant(ctx.database.db, c.id, async (trx) => {
      await recordActivity(trx, {
        campaignId: c.id,
        personId,
        type: 'door.knocked',
        refType: 'turf',
        refId: c.zones[0]!.id,
        data: { outcome: 'talked' },
        actorLabel: 'canvasser',
        at: new Date(Date.now() - 60_000),
      });
      await recordConsents(trx, [{ campaignId: c.id, personId, channel: 'email', status: 'given', source: 'door' }]);
      // The default rules promote a curious person who signs a petition: a move on the timeline too.
      await recordActivity(trx, { campaignId: c.id, personId, type: 'petition.signed', actorLabel: 'site' });
    });
    const read = (page: number, perPage: number) =>
      withTenant(ctx.database.db, c.id, (trx) => personTimeline(trx, c.id, personId, { page, perPage }));
    const all = await read(1, 10);
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => [r.kind, r.type]).sort()).toEqual([
      ['activity', 'door.knocked'],
      ['activity', 'petition.signed'],
      ['consent', 'consent.given'],
      ['ladder_move', 'ladder.moved'],
    ]);
    expect(all.rows.at(-1)).toMatchObject({
      kind: 'activity',
      type: 'door.knocked',
      actor_label: 'canvasser',
      data: { ref_type: 'turf', ref_id: c.zones[0]!.id, outcome: 'talked' },
    });
    const times = all.rows.map((r) => new Date(r.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const second = await read(2, 3);
    expect(second).toMatchObject({ total: 4, rows: [all.rows[3]] });
  });
});
