// The ladder: activities promote by the campaign's rules (defaults when none), never demote; manual
// moves with a reason; stage labels; the weekly funnel from the move history.
import { beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { isEvent } from '../../events/index.ts';
import { uuidv7 } from '../../lib/ids.ts';
import {
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
  useOwnerApp,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { recordActivity } from '../timeline/index.ts';
import { isoWeekLabel } from './funnel.ts';
import { DEFAULT_RULES } from './ladder.ts';

describe('isoWeekLabel', () => {
  it('names ISO weeks, including those across a year boundary', () => {
    expect(isoWeekLabel(new Date('2026-01-05T00:00:00Z'))).toBe('2026-W02');
    expect(isoWeekLabel(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeekLabel(new Date('2021-01-04T00:00:00Z'))).toBe('2021-W01');
  });
});

describeEachDatabase('ladder', (ctx) => {
  const suite = useOwnerApp(ctx, 'ladder');
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  beforeAll(() => {
    ({ t, c, owner } = suite);
  });

  const newPerson = async (stage: 'curious' | 'volunteer' = 'curious') => {
    const id = uuidv7();
    await ctx.database.db
      .insertInto('person')
      .values({ campaign_id: c.id, id, family_name: 'L', ladder_stage: stage, zone_ids: [c.zones[0]!.id] })
      .execute();
    return id;
  };
  // Records an activity through the timeline; the ladder's move, if any, is among the events it wrote.
  const act = async (personId: string, type: string) => {
    const { events } = await withTenant(ctx.database.db, c.id, (trx) =>
      recordActivity(trx, { campaignId: c.id, personId, type, actorLabel: 'test' }),
    );
    const moved = events.find((e) => isEvent(e, 'ladder.moved'));
    if (!moved || !isEvent(moved, 'ladder.moved')) return { move: null };
    const m = moved.payload;
    return { move: { from: m.from_stage, to: m.to_stage, ruleId: m.rule_id, moveId: m.move_id } };
  };
  const stageOf = async (id: string) =>
    (await ctx.database.db.selectFrom('person').select('ladder_stage').where('id', '=', id).executeTakeFirstOrThrow()).ladder_stage;

  it('promotes by the default rules and records the move with its rule', async () => {
    const p = await newPerson();
    expect((await act(p, 'petition.signed')).move).toMatchObject({ from: 'curious', to: 'sympathizer', ruleId: DEFAULT_RULES[0]!.id });
    expect((await act(p, 'event.rsvp')).move).toBeNull(); // rsvp alone is not enough
    expect((await act(p, 'event.attended')).move).toMatchObject({ from: 'sympathizer', to: 'volunteer' });
    await act(p, 'canvass.shift_completed');
    await act(p, 'canvass.shift_completed');
    expect(await stageOf(p)).toBe('volunteer');
    expect((await act(p, 'canvass.shift_completed')).move?.to).toBe('activist');
    const moves = await ctx.database.db
      .selectFrom('ladder_move')
      .select(['to_stage', 'rule_id', 'reason'])
      .where('person_id', '=', p)
      .orderBy('at')
      .execute();
    expect(moves.map((m) => m.to_stage)).toEqual(['sympathizer', 'volunteer', 'activist']);
    expect(moves.every((m) => m.rule_id && m.reason)).toBe(true);
  });

  it('never demotes: a volunteer who signs a petition stays a volunteer', async () => {
    const p = await newPerson('volunteer');
    expect((await act(p, 'petition.signed')).move).toBeNull();
    expect(await stageOf(p)).toBe('volunteer');
  });

  it("uses the campaign's own rules and stage labels once saved, and goes back to defaults with rules: []", async () => {
    const put = await owner.request('PUT', '/api/v1/ladder', {
      stages: [{ stage: 'activist', label_fr: 'Pilier', label_en: 'Pillar' }],
      rules: [{ to_stage: 'activist', conditions: [{ type: 'door.knocked', min_count: 2 }], description: 'Deux portes' }],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().default_rules).toBe(false);
    expect(put.json().stages.find((s: { stage: string }) => s.stage === 'activist').label_fr).toBe('Pilier');
    expect(put.json().stages.find((s: { stage: string }) => s.stage === 'curious').label_fr).toBe('Curieux');
    // The dashboard names the stages as the campaign does, in ladder order.
    const dashboard = (await owner.request('GET', '/api/v1/dashboard')).json();
    expect(dashboard.stages.map((s: { stage: string }) => s.stage)).toEqual(['curious', 'sympathizer', 'volunteer', 'activist']);
    expect(dashboard.stages[3]).toEqual({ stage: 'activist', label_fr: 'Pilier', label_en: 'Pillar' });
    const p = await newPerson();
    expect((await act(p, 'petition.signed')).move).toBeNull(); // the default rule no longer applies
    await act(p, 'door.knocked');
    expect((await act(p, 'door.knocked')).move).toMatchObject({ to: 'activist', ruleId: put.json().rules[0].id });
    const back = await owner.request('PUT', '/api/v1/ladder', { rules: [] });
    expect(back.json().default_rules).toBe(true);
  });

  it('moves by hand (down too) with a reason, visible in the timeline', async () => {
    const p = await newPerson('volunteer');
    const res = await owner.request('POST', `/api/v1/people/${p}/ladder`, { to_stage: 'sympathizer', reason: 'Plus disponible' });
    expect(res.json().ladder_stage).toBe('sympathizer');
    const timeline = (await owner.request('GET', `/api/v1/people/${p}/activities`)).json()._embedded['relais:timeline'];
    expect(timeline[0]).toMatchObject({
      kind: 'ladder_move',
      data: { from_stage: 'volunteer', to_stage: 'sympathizer', reason: 'Plus disponible' },
    });
  });

  it('reports the funnel per ISO week and per arrondissement from the move history', async () => {
    const db = ctx.database.db;
    const f = await createCampaignFixture(db, 'funnel');
    await createMemberFixture(db, f.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(db, f.id, { email: 'ref-funnel@example.org', role: 'referent', zoneIds: [f.zones[1]!.id] });
    const weekAgo = (w: number) => new Date(Date.now() - w * 7 * 86_400_000);
    // The fixture's two people: zone 1 curious, zone 2 volunteer, created now. Add history:
    const mover = uuidv7();
    await db
      .insertInto('person')
      .values({ campaign_id: f.id, id: mover, ladder_stage: 'volunteer', zone_ids: [f.zones[0]!.id], created_at: weekAgo(3) })
      .execute();
    await db
      .insertInto('ladder_move')
      .values([
        { campaign_id: f.id, id: uuidv7(), person_id: mover, at: weekAgo(2), from_stage: 'curious', to_stage: 'sympathizer', reason: 'r' },
        {
          campaign_id: f.id,
          id: uuidv7(),
          person_id: mover,
          at: weekAgo(1),
          from_stage: 'sympathizer',
          to_stage: 'volunteer',
          reason: 'r',
        },
      ])
      .execute();
    const client = new TestClient(t.app);
    await client.login('owner@example.org');
    await client.request('PUT', '/api/v1/session/campaign', { campaign_id: f.id });
    const res = await client.request('GET', '/api/v1/ladder/funnel?weeks=4');
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.weeks).toHaveLength(4);
    const [w3, w2, w1, w0] = report.weeks;
    expect(w3.stages).toEqual({ curious: 1, sympathizer: 0, volunteer: 0, activist: 0 });
    expect(w2.stages).toMatchObject({ curious: 0, sympathizer: 1 });
    expect(w2.conversions).toEqual([{ from: 'curious', to: 'sympathizer', count: 1 }]);
    expect(w1.stages).toMatchObject({ volunteer: 1 });
    expect(w0.stages).toEqual({ curious: 1, sympathizer: 0, volunteer: 2, activist: 0 });
    expect(w0.week).toMatch(/^\d{4}-W\d{2}$/);
    const zone1 = report.zones.find((z: { id: string }) => z.id === f.zones[0]!.id);
    expect(zone1.weeks[3].stages).toEqual({ curious: 1, sympathizer: 0, volunteer: 1, activist: 0 });
    // A referent of zone 2 sees only zone 2.
    const ref = new TestClient(t.app);
    await ref.login('ref-funnel@example.org');
    await ref.request('PUT', '/api/v1/session/campaign', { campaign_id: f.id });
    const scoped = (await ref.request('GET', '/api/v1/ladder/funnel?weeks=4')).json();
    expect(scoped.weeks[3].stages).toEqual({ curious: 0, sympathizer: 0, volunteer: 1, activist: 0 });
    expect(scoped.zones.map((z: { id: string }) => z.id)).toEqual([f.zones[1]!.id]);
    expect((await client.request('GET', `/api/v1/ladder/funnel?zone_id=${c.zones[0]!.id}`)).statusCode).toBe(404);
  });
});
