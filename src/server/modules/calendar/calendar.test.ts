// The election calendar through the API and the silence check every sender asks, on both
// databases: the election and its rounds, the boundaries of the silence (00:00 on the eve to the
// polls' closing, Paris time, across both changes of the clocks), bad input answered with stable
// codes, campaigns kept apart, who may read and who may change it.
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { createCampaignFixture, createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import {
  assertNotInSilence,
  checkElectoralSilence,
  demoRoundDays,
  electoralSilenceError,
  nextAllowedAt,
  seedDemoCalendar,
} from './index.ts';

describeEachDatabase('calendar', (ctx) => {
  const s = useOwnerApp(ctx, 'calendar');
  const rounds: Record<string, string> = {};

  const check = async (at: string, client = s.owner) => {
    const res = await client.request('GET', `/api/v1/calendar/check?at=${encodeURIComponent(at)}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as {
      allowed: boolean;
      code: string | null;
      round: { date: string } | null;
      silence_until: string | null;
      next_allowed_at: string;
    };
  };

  beforeAll(async () => {
    const election = await s.owner.request('PUT', '/api/v1/calendar', { name: 'Élections municipales 2027', kind: 'municipal' });
    expect(election.statusCode, election.body).toBe(200);
    for (const date of ['2027-03-14', '2027-03-21']) {
      const res = await s.owner.request('POST', '/api/v1/calendar/rounds', { date });
      expect(res.statusCode, res.body).toBe(201);
      rounds[date] = res.json().id;
    }
  });

  it('holds the election and its rounds, numbered by day, each with its silence', async () => {
    const res = await s.owner.request('GET', '/api/v1/calendar');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.election).toMatchObject({ name: 'Élections municipales 2027', kind: 'municipal' });
    expect(body.rounds).toEqual([
      expect.objectContaining({
        number: 1,
        date: '2027-03-14',
        polls_close: '20:00',
        time_zone: 'Europe/Paris',
        silence_from: '2027-03-12T23:00:00.000Z',
        silence_until: '2027-03-14T19:00:00.000Z',
      }),
      expect.objectContaining({ number: 2, date: '2027-03-21' }),
    ]);
    expect(body.next_round).toMatchObject({ date: '2027-03-14' });
    // The election renamed: the rounds stay.
    const renamed = await s.owner.request('PUT', '/api/v1/calendar', { name: 'Municipales 2027', kind: 'municipal' });
    expect(renamed.json()).toMatchObject({ election: { name: 'Municipales 2027' }, rounds: [{}, {}] });
  });

  it('allows 23:59 the day before the eve, refuses from 00:00 on the eve until 19:59 on the day, allows 20:00', async () => {
    expect((await check('2027-03-12T23:59:00+01:00')).allowed).toBe(true);
    const eve = await check('2027-03-13T00:00:00+01:00');
    expect(eve).toMatchObject({
      allowed: false,
      code: 'ELECTORAL_SILENCE',
      round: { date: '2027-03-14' },
      silence_until: '2027-03-14T19:00:00.000Z',
      next_allowed_at: '2027-03-14T19:00:00.000Z',
    });
    expect((await check('2027-03-14T19:59:00+01:00')).allowed).toBe(false);
    expect((await check('2027-03-14T19:59:59.999+01:00')).allowed).toBe(false);
    expect(await check('2027-03-14T20:00:00+01:00')).toMatchObject({ allowed: true, code: null, round: null });
    // The same instants written in UTC, and on Paris clocks without an offset.
    expect((await check('2027-03-12T22:59:00Z')).allowed).toBe(true);
    expect((await check('2027-03-12T23:00:00Z')).allowed).toBe(false);
    expect((await check('2027-03-13T00:00')).allowed).toBe(false);
    expect((await check('2027-03-12T23:59')).allowed).toBe(true);
    // A day alone is its midnight in Paris; an offset may be written without its colon.
    expect((await check('2027-03-13')).allowed).toBe(false);
    expect((await check('2027-03-12')).allowed).toBe(true);
    expect((await check('2027-03-12T23:59:00+0100')).allowed).toBe(true);
    expect((await check('2027-03-13T00:00:00+0100')).allowed).toBe(false);
    expect((await check('2027-03-21T19:59')).round?.date).toBe('2027-03-21');
    expect((await check('2027-03-21T20:00')).allowed).toBe(true);
  });

  it('follows the change to summer time (last Sunday of March) and back (last Sunday of October)', async () => {
    for (const date of ['2027-03-28', '2027-10-31']) {
      const res = await s.owner.request('POST', '/api/v1/calendar/rounds', { date });
      expect(res.statusCode, res.body).toBe(201);
      rounds[date] = res.json().id;
    }
    const march = (await s.owner.request('GET', `/api/v1/calendar/rounds/${rounds['2027-03-28']}`)).json();
    expect(march).toMatchObject({ number: 3, silence_from: '2027-03-26T23:00:00.000Z', silence_until: '2027-03-28T18:00:00.000Z' });
    expect((await check('2027-03-26T23:59')).allowed).toBe(true);
    expect((await check('2027-03-27T00:00')).allowed).toBe(false);
    // 19:59 and 20:00 summer time, on the day the clocks went forward.
    expect((await check('2027-03-28T19:59:00+02:00')).allowed).toBe(false);
    expect((await check('2027-03-28T20:00:00+02:00')).allowed).toBe(true);
    expect((await check('2027-03-28T19:59')).allowed).toBe(false);
    expect((await check('2027-03-28T20:00')).allowed).toBe(true);

    const october = (await s.owner.request('GET', `/api/v1/calendar/rounds/${rounds['2027-10-31']}`)).json();
    expect(october).toMatchObject({ silence_from: '2027-10-29T22:00:00.000Z', silence_until: '2027-10-31T19:00:00.000Z' });
    expect((await check('2027-10-29T23:59:00+02:00')).allowed).toBe(true);
    expect((await check('2027-10-30T00:00:00+02:00')).allowed).toBe(false);
    expect((await check('2027-10-31T19:59:00+01:00')).allowed).toBe(false);
    expect((await check('2027-10-31T20:00:00+01:00')).allowed).toBe(true);
  });

  it('answers the send paths: checkElectoralSilence, nextAllowedAt and the ELECTORAL_SILENCE problem', async () => {
    const campaignId = s.c.id;
    const db = ctx.database.db;
    await withTenant(db, campaignId, async (trx) => {
      expect(await checkElectoralSilence(trx, campaignId, new Date('2027-03-12T22:59:59Z'))).toEqual({ allowed: true });
      const refused = await checkElectoralSilence(trx, campaignId, new Date('2027-03-13T08:00:00Z'));
      expect(refused).toEqual({
        allowed: false,
        code: 'ELECTORAL_SILENCE',
        round: { id: rounds['2027-03-14'], date: '2027-03-14', polls_close: '20:00', time_zone: 'Europe/Paris' },
        from: new Date('2027-03-12T23:00:00Z'),
        until: new Date('2027-03-14T19:00:00Z'),
      });
      expect((await nextAllowedAt(trx, campaignId, new Date('2027-03-13T08:00:00Z'))).toISOString()).toBe('2027-03-14T19:00:00.000Z');
      const free = new Date('2027-05-01T10:00:00Z');
      expect(await nextAllowedAt(trx, campaignId, free)).toEqual(free);
      if (refused.allowed) throw new Error('unreachable');
      const error = electoralSilenceError(refused);
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe('ELECTORAL_SILENCE');
      expect(error.message).toContain('2027-03-14T19:00:00.000Z');
      expect(error.extra).toEqual({
        round_id: rounds['2027-03-14'],
        round_date: '2027-03-14',
        time_zone: 'Europe/Paris',
        silence_from: '2027-03-12T23:00:00.000Z',
        silence_until: '2027-03-14T19:00:00.000Z',
      });
      await expect(assertNotInSilence(trx, campaignId, new Date('2027-03-14T18:59:00Z'))).rejects.toMatchObject({
        code: 'ELECTORAL_SILENCE',
      });
      await expect(assertNotInSilence(trx, campaignId, new Date('2027-03-14T19:00:00Z'))).resolves.toBeUndefined();
    });
  });

  it('moves a round and its silence, and removes it', async () => {
    const id = rounds['2027-10-31'] ?? '';
    const moved = await s.owner.request('PUT', `/api/v1/calendar/rounds/${id}`, { date: '2027-11-07', polls_close: '19:00' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ date: '2027-11-07', polls_close: '19:00', silence_until: '2027-11-07T18:00:00.000Z' });
    expect((await check('2027-10-30T12:00')).allowed).toBe(true);
    expect((await check('2027-11-07T18:59')).allowed).toBe(false);
    expect((await check('2027-11-07T19:00')).allowed).toBe(true);
    expect((await s.owner.request('DELETE', `/api/v1/calendar/rounds/${id}`)).statusCode).toBe(204);
    expect((await check('2027-11-07T12:00')).allowed).toBe(true);
    expect((await s.owner.request('DELETE', `/api/v1/calendar/rounds/${id}`)).json().code).toBe('NOT_FOUND');
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('campaign_id', '=', s.c.id)
      .where('target_id', '=', id)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['calendar.round_added', 'calendar.round_updated', 'calendar.round_removed']);
  });

  it('refuses bad days, times and zones, a second round on a day and overlapping silences, with stable codes', async () => {
    const post = (body: unknown) => s.owner.request('POST', '/api/v1/calendar/rounds', body);
    const expectCode = async (res: Promise<{ statusCode: number; json: () => { code: string } }>, status: number, code: string) => {
      const r = await res;
      expect(r.statusCode).toBe(status);
      expect(r.json().code).toBe(code);
    };
    await expectCode(post({ date: '2027-02-30' }), 400, 'CALENDAR_DATE_INVALID');
    await expectCode(post({ date: '14/03/2027' }), 400, 'CALENDAR_DATE_INVALID');
    await expectCode(post({ date: '1789-07-14' }), 400, 'CALENDAR_DATE_INVALID');
    await expectCode(post({ date: '2027-06-13', polls_close: '24:00' }), 400, 'CALENDAR_TIME_INVALID');
    await expectCode(post({ date: '2027-06-13', polls_close: '8h' }), 400, 'CALENDAR_TIME_INVALID');
    await expectCode(post({ date: '2027-06-13', time_zone: 'Mars/Olympus' }), 400, 'CALENDAR_TIME_ZONE_UNKNOWN');
    await expectCode(post({ date: '2027-03-14' }), 409, 'CALENDAR_ROUND_DUPLICATE');
    // The day after a round: its eve is the round's day, inside that round's silence.
    await expectCode(post({ date: '2027-03-15' }), 409, 'CALENDAR_ROUND_OVERLAP');
    await expectCode(post({ date: '2027-03-13' }), 409, 'CALENDAR_ROUND_OVERLAP');
    await expectCode(post({ date: '2027-03-22', time_zone: 'Pacific/Noumea' }), 409, 'CALENDAR_ROUND_OVERLAP');
    // Moving a round onto another's day, or next to it, is refused the same way.
    const second = rounds['2027-03-21'];
    await expectCode(s.owner.request('PUT', `/api/v1/calendar/rounds/${second}`, { date: '2027-03-14' }), 409, 'CALENDAR_ROUND_DUPLICATE');
    await expectCode(s.owner.request('PUT', `/api/v1/calendar/rounds/${second}`, { date: '2027-03-15' }), 409, 'CALENDAR_ROUND_OVERLAP');
    await expectCode(s.owner.request('PUT', `/api/v1/calendar/rounds/${second}`, { date: '2027-13-01' }), 400, 'CALENDAR_DATE_INVALID');
    await expectCode(s.owner.request('GET', '/api/v1/calendar/check?at=2027-03-14T25:00'), 400, 'CALENDAR_INSTANT_INVALID');
    await expectCode(s.owner.request('GET', '/api/v1/calendar/check?at=demain'), 400, 'CALENDAR_INSTANT_INVALID');
    await expectCode(s.owner.request('PUT', '/api/v1/calendar', { name: '  ', kind: 'municipal' }), 400, 'VALIDATION_FAILED');
    await expectCode(s.owner.request('PUT', '/api/v1/calendar', { name: 'X', kind: 'coronation' }), 400, 'VALIDATION_FAILED');
    // Nothing changed.
    const body = (await s.owner.request('GET', '/api/v1/calendar')).json();
    expect(body.rounds.map((r: { date: string }) => r.date)).toEqual(['2027-03-14', '2027-03-21', '2027-03-28']);
  });

  it('asks for the election before its rounds, and removes the rounds with it', async () => {
    const other = await createCampaignFixture(ctx.database.db, 'calendar-empty');
    await createMemberFixture(ctx.database.db, other.id, { email: 'empty-owner@example.org', role: 'owner' });
    const owner = new TestClient(s.t.app);
    await owner.login('empty-owner@example.org');
    expect((await owner.request('GET', '/api/v1/calendar')).json()).toEqual({ election: null, rounds: [], next_round: null });
    const refused = await owner.request('POST', '/api/v1/calendar/rounds', { date: '2027-06-13' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('CALENDAR_ELECTION_MISSING');
    await owner.request('PUT', '/api/v1/calendar', { name: 'Législatives', kind: 'legislative' });
    expect((await owner.request('POST', '/api/v1/calendar/rounds', { date: '2027-06-13' })).statusCode).toBe(201);
    expect((await check('2027-06-12T12:00', owner)).allowed).toBe(false);
    expect((await owner.request('DELETE', '/api/v1/calendar')).statusCode).toBe(204);
    expect((await check('2027-06-12T12:00', owner)).allowed).toBe(true);
    expect((await owner.request('GET', '/api/v1/calendar')).json().rounds).toEqual([]);
    expect((await owner.request('DELETE', '/api/v1/calendar')).statusCode).toBe(404);
  });

  it("keeps campaigns apart: another campaign neither sees nor touches this one's rounds, nor is held by them", async () => {
    const other = await createCampaignFixture(ctx.database.db, 'calendar-other');
    await createMemberFixture(ctx.database.db, other.id, { email: 'other-owner@example.org', role: 'owner' });
    const stranger = new TestClient(s.t.app);
    await stranger.login('other-owner@example.org');
    const id = rounds['2027-03-14'];
    expect((await stranger.request('GET', '/api/v1/calendar')).json().rounds).toEqual([]);
    expect((await stranger.request('GET', `/api/v1/calendar/rounds/${id}`)).statusCode).toBe(404);
    expect((await stranger.request('PUT', `/api/v1/calendar/rounds/${id}`, { date: '2027-04-04' })).statusCode).toBe(404);
    expect((await stranger.request('DELETE', `/api/v1/calendar/rounds/${id}`)).statusCode).toBe(404);
    expect((await check('2027-03-13T12:00', stranger)).allowed).toBe(true);
    await withTenant(ctx.database.db, other.id, async (trx) => {
      // Even asked with this campaign's id from another tenant's transaction, row-level security shows nothing.
      expect((await checkElectoralSilence(trx, s.c.id, new Date('2027-03-13T12:00:00Z'))).allowed).toBe(true);
    });
    // The same day in another campaign is its own round.
    await stranger.request('PUT', '/api/v1/calendar', { name: 'Municipales', kind: 'municipal' });
    expect((await stranger.request('POST', '/api/v1/calendar/rounds', { date: '2027-03-14' })).statusCode).toBe(201);
    expect((await s.owner.request('GET', `/api/v1/calendar/rounds/${id}`)).json().date).toBe('2027-03-14');
  });

  it('lets every member read and ask, only the director and owners change; tokens by scope', async () => {
    await createMemberFixture(ctx.database.db, s.c.id, { email: 'admin@example.org', role: 'admin' });
    await createMemberFixture(ctx.database.db, s.c.id, { email: 'referent@example.org', role: 'referent', zoneIds: [s.c.zones[0]!.id] });
    await createMemberFixture(ctx.database.db, s.c.id, { email: 'volunteer@example.org', role: 'volunteer' });
    const admin = new TestClient(s.t.app);
    await admin.login('admin@example.org');
    const referent = new TestClient(s.t.app);
    await referent.login('referent@example.org');
    const volunteer = new TestClient(s.t.app);
    await volunteer.login('volunteer@example.org');

    for (const reader of [referent, volunteer]) {
      expect((await reader.request('GET', '/api/v1/calendar')).json().rounds.length).toBeGreaterThan(0);
      expect((await check('2027-03-13T12:00', reader)).allowed).toBe(false);
    }
    const id = rounds['2027-03-21'];
    for (const [method, url, body] of [
      ['PUT', '/api/v1/calendar', { name: 'Autre', kind: 'other' }],
      ['POST', '/api/v1/calendar/rounds', { date: '2027-09-05' }],
      ['PUT', `/api/v1/calendar/rounds/${id}`, { polls_close: '18:00' }],
      ['DELETE', `/api/v1/calendar/rounds/${id}`, undefined],
      ['DELETE', '/api/v1/calendar', undefined],
    ] as const) {
      const res = await referent.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    const byAdmin = await admin.request('PUT', `/api/v1/calendar/rounds/${id}`, { polls_close: '20:00' });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);

    const token = async (scopes: string[]) => {
      const res = await s.owner.request('POST', '/api/v1/api_tokens', { name: scopes.join(' '), scopes });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().token as string;
    };
    const reader = await token(['calendar:read']);
    const writer = await token(['calendar:write']);
    const unrelated = await token(['people:read']);
    const call = (t: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      s.t.app.inject({ method, url, headers: { authorization: `Bearer ${t}` }, ...(payload ? { payload } : {}) });
    expect((await call(reader, 'GET', '/api/v1/calendar/check?at=2027-03-13T12:00')).json().allowed).toBe(false);
    const readOnly = await call(reader, 'POST', '/api/v1/calendar/rounds', { date: '2027-09-05' });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: 'calendar:write' });
    for (const url of ['/api/v1/calendar', '/api/v1/calendar/check']) {
      const refused = await call(unrelated, 'GET', url);
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: 'calendar:read' });
    }
    const added = await call(writer, 'POST', '/api/v1/calendar/rounds', { date: '2027-09-05' });
    expect(added.statusCode, added.body).toBe(201);
    expect((await call(writer, 'GET', '/api/v1/calendar')).json().code).toBe('TOKEN_SCOPE_MISSING');
    const scopes = (await s.owner.request('GET', '/api/v1/api_tokens/scopes')).json().scopes as { id: string; description_fr: string }[];
    expect(scopes.map((x) => x.id)).toEqual(expect.arrayContaining(['calendar:read', 'calendar:write']));
  });

  it('gives the demo two Sundays ahead, outside any silence now', async () => {
    const demo = await createCampaignFixture(ctx.database.db, 'calendar-demo');
    const now = new Date();
    await withTenant(ctx.database.db, demo.id, async (trx) => {
      await seedDemoCalendar(trx, demo.id, now);
      expect(await checkElectoralSilence(trx, demo.id, now)).toEqual({ allowed: true });
      const days = await trx.selectFrom('calendar_round').select('polls_close').where('campaign_id', '=', demo.id).execute();
      expect(days).toHaveLength(2);
      const [first] = demoRoundDays(now);
      const eve = await checkElectoralSilence(trx, demo.id, new Date(`${first}T08:00:00Z`));
      expect(eve.allowed).toBe(false);
    });
  });
});
