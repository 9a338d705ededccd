// Scheduled mailings and weekly series (issue 15, item 3), on PGlite and PostgreSQL with a real SMTP
// server on loopback: the weekly rule on Paris clocks across both daylight-saving changes; the
// schedule helper (OSDI's scheduled_start_date, a recurrence, its refusals); a scheduled send that
// runs through the queue; the electoral silence refusing a one-off and holding an occurrence until
// the polls close; a series making one copy per occurrence with its audience evaluated then;
// pause, resume and cancel against the SMTP sink; and the 409s of illegal transitions.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { tenantRunnerOf } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { isoWeekdayOf } from '../../lib/zoned-time.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { type SmtpSink, startSmtpSink } from '../../testing/smtp-sink.ts';
import { recordConsents } from '../consent/index.ts';
import { nextWeeklyOccurrence, runSchedule } from './schedule.ts';
import { sendJob, sendMailing } from './send.ts';
import { createBulkTransport } from './transport.ts';

const PARIS = 'Europe/Paris';

describe('nextWeeklyOccurrence', () => {
  it('keeps Monday 08:00 on Paris clocks across the change to summer time and back', () => {
    const monday = { weekday: 1, time: '08:00', timeZone: PARIS };
    // Winter (UTC+1), then the Monday after the last Sunday of March 2027 (UTC+2).
    expect(nextWeeklyOccurrence(monday, new Date('2027-03-20T12:00:00Z')).toISOString()).toBe('2027-03-22T07:00:00.000Z');
    expect(nextWeeklyOccurrence(monday, new Date('2027-03-22T07:00:00Z')).toISOString()).toBe('2027-03-29T06:00:00.000Z');
    // And back to winter time after the last Sunday of October 2027.
    expect(nextWeeklyOccurrence(monday, new Date('2027-10-25T06:00:00Z')).toISOString()).toBe('2027-11-01T07:00:00.000Z');
  });

  it('sends a time the clocks skip at the end of the gap, and a time read twice at its first reading', () => {
    const sunday = { weekday: 7, time: '02:30', timeZone: PARIS };
    // 28 March 2027: 02:00 jumps to 03:00 (UTC+2 = 01:00Z).
    expect(nextWeeklyOccurrence(sunday, new Date('2027-03-27T12:00:00Z')).toISOString()).toBe('2027-03-28T01:00:00.000Z');
    // 31 October 2027: 02:30 happens at 00:30Z (summer time), then again at 01:30Z.
    expect(nextWeeklyOccurrence(sunday, new Date('2027-10-30T12:00:00Z')).toISOString()).toBe('2027-10-31T00:30:00.000Z');
  });

  it('is strictly after the instant given, even on the rule’s own day and time', () => {
    const at = new Date('2027-01-04T07:00:00Z'); // Monday 08:00 in Paris
    expect(nextWeeklyOccurrence({ weekday: 1, time: '08:00', timeZone: PARIS }, at).toISOString()).toBe('2027-01-11T07:00:00.000Z');
    expect(nextWeeklyOccurrence({ weekday: 1, time: '08:00', timeZone: PARIS }, new Date(at.getTime() - 1)).toISOString()).toBe(
      at.toISOString(),
    );
  });
});

describeEachDatabase('mailing schedules', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let sink: SmtpSink;
  let listId: string;
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const config = () => t.runtime.config;

  /** Sends what is due of a mailing with the SMTP sink, as the messaging.send job does. */
  const send = (mailingId: string, extra: { batchSize?: number; progress?: () => Promise<void> } = {}) => {
    const transport = createBulkTransport(config().mailing, ctx.database.db);
    return sendMailing({
      campaignId: c.id,
      mailingId,
      tenant: tenant(),
      config: config(),
      transport,
      soleWorker: false,
      ...(extra.batchSize ? { batchSize: extra.batchSize } : {}),
      ...(extra.progress ? { progress: extra.progress } : {}),
    }).finally(() => transport.close());
  };
  const run = (mailingId: string, at: Date | string, now: Date) =>
    runSchedule(tenant(), { campaignId: c.id, mailingId, at: new Date(at), config: config(), now });
  const mailing = (id: string) => tenant()((trx) => trx.selectFrom('mailing').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  const addPerson = async (key: string) => {
    const id = uuidv7();
    await ctx.database.db
      .insertInto('person')
      .values({
        campaign_id: c.id,
        id,
        given_name: key,
        family_name: 'Test',
        email: `${key}@exemple.test`,
        zone_ids: [c.zones[0]?.id as string],
      })
      .execute();
    await tenant()((trx) => recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]));
    await ctx.database.db.insertInto('list_member').values({ campaign_id: c.id, list_id: listId, person_id: id }).execute();
    return id;
  };
  beforeAll(async () => {
    sink = await startSmtpSink();
    const base = loadConfig({ LOG_LEVEL: 'silent' });
    t = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.campagne.test',
      mailing: { ...base.mailing, smtpUrl: sink.url, fromAddress: 'lettre@campagne.test', ratePerSecond: 1000, connections: 2, dkim: null },
    });
    c = await createCampaignFixture(ctx.database.db, 'programme');
    listId = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: c.id, id: listId, name: 'Lettre du lundi' }).execute();
    for (const key of ['ana', 'basile', 'chloe', 'dris', 'elise']) await addPerson(key);
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const create = async (name = 'Lettre du lundi') => {
    const res = await owner.request('POST', '/api/v1/messages', {
      name,
      subject: 'Bonjour {{given_name|"à vous"}}',
      from: 'Équipe Paris',
      content: { blocks: [{ type: 'paragraph', text: 'Les nouvelles de la semaine.' }] },
      audience: { list_ids: [listId] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };
  const schedule = (id: string, body: Record<string, unknown>) => owner.request('POST', `/api/v1/messages/${id}/schedule`, body);
  const scheduleRuns = (mailingId: string) =>
    ctx.database.db
      .selectFrom('job_run')
      .select(['params', 'state'])
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'messaging.schedule')
      .where(sql<boolean>`params->>'mailing_id' = ${mailingId}`)
      .execute();

  it('schedules a one-off send with OSDI’s scheduled_start_date: a job queued for that instant, the schedule helper linked', async () => {
    const m = await create();
    const at = new Date(Date.now() + 3 * 86_400_000);
    const res = await schedule(m.id, { scheduled_start_date: at.toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ status: 'scheduled', time_zone: PARIS, recurrence: null, held_until: null });
    expect(Date.parse(body.scheduled_start_date)).toBe(at.getTime());
    expect(body._links['osdi:schedule_helper'].href).toBe(`https://relais.campagne.test/api/v1/messages/${m.id}/schedule`);
    const runs = await scheduleRuns(m.id);
    expect(runs.map((r) => r.params)).toEqual([{ mailing_id: m.id, at: at.toISOString() }]);
    // Before its instant nothing goes out; a job of an older instant (rescheduled since) does nothing.
    expect((await run(m.id, new Date(at.getTime() - 60_000), new Date())).outcome).toBe('stale');
    const started = await run(m.id, at, at);
    expect(started).toMatchObject({
      outcome: 'started',
      mailingId: m.id,
      jobs: [{ kind: 'messaging.send', params: { mailing_id: m.id } }],
    });
    expect((await mailing(m.id)).total_targeted).toBe(5);
    // A second run of the same job finds it sending: nothing more.
    expect((await run(m.id, at, at)).outcome).toBe('stale');
  });

  it('reads scheduled_start_local on the mailing’s clocks (Paris), and refuses a day the calendar lacks', async () => {
    const m = await create();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS }).format(new Date(Date.now() + 40 * 86_400_000));
    const res = await schedule(m.id, { scheduled_start_local: `${day}T08:00` });
    expect(res.statusCode, res.body).toBe(200);
    const at = new Date(res.json().scheduled_start_date);
    const paris = new Intl.DateTimeFormat('en-CA', {
      timeZone: PARIS,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    expect(paris.format(at)).toBe(`${day}, 08:00`);
    const bad = await schedule(m.id, { scheduled_start_local: `${day.slice(0, 4)}-02-31T08:00` });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'MAILING_SCHEDULE_INVALID']);
  });

  it('refuses a time in the past, a schedule without time or recurrence, an unknown zone, a stop date', async () => {
    const m = await create();
    const past = await schedule(m.id, { scheduled_start_date: new Date(Date.now() - 3600_000).toISOString() });
    expect([past.statusCode, past.json().code]).toEqual([400, 'MAILING_SCHEDULE_IN_PAST']);
    const none = await schedule(m.id, {});
    expect([none.statusCode, none.json().code]).toEqual([400, 'MAILING_SCHEDULE_INVALID']);
    const zone = await schedule(m.id, { recurrence: { weekday: 1, time: '08:00' }, time_zone: 'Europe/Atlantis' });
    expect([zone.statusCode, zone.json().code]).toEqual([400, 'MAILING_SCHEDULE_INVALID']);
    const far = await schedule(m.id, { scheduled_start_date: new Date(Date.now() + 400 * 86_400_000).toISOString() });
    expect([far.statusCode, far.json().code]).toEqual([400, 'MAILING_SCHEDULE_INVALID']);
    const stop = await schedule(m.id, { scheduled_start_date: new Date(Date.now() + 3600_000).toISOString(), scheduled_stop_date: null });
    expect(stop.statusCode).toBe(400);
    const incomplete = (await owner.request('POST', '/api/v1/messages', { name: 'vide', audience: { list_ids: [listId] } })).json();
    const refused = await schedule(incomplete.id, { scheduled_start_date: new Date(Date.now() + 3600_000).toISOString() });
    expect([refused.statusCode, refused.json().code]).toEqual([400, 'MAILING_INCOMPLETE']);
    expect((await mailing(m.id)).status).toBe('draft');
  });

  it('makes a weekly series: one copy per occurrence, linked to its series, its audience evaluated at each', async () => {
    const m = await create('La lettre du lundi');
    const res = await schedule(m.id, { recurrence: { weekday: 1, time: '08:00' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'scheduled', recurrence: { weekday: 1, time: '08:00' }, time_zone: PARIS });
    const first = new Date(res.json().scheduled_start_date);
    expect(first.getTime()).toBe(nextWeeklyOccurrence({ weekday: 1, time: '08:00', timeZone: PARIS }, new Date()).getTime());
    // The series' model is never sent itself.
    const direct = await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    expect([direct.statusCode, direct.json().code]).toEqual([409, 'MAILING_STATE_CONFLICT']);

    const one = await run(m.id, first, first);
    expect(one.outcome).toBe('started');
    const second = nextWeeklyOccurrence({ weekday: 1, time: '08:00', timeZone: PARIS }, first);
    expect(one.jobs).toContainEqual({
      kind: 'messaging.schedule',
      params: { mailing_id: m.id, at: second.toISOString() },
      startAfter: second,
    });
    const copy = await owner.request('GET', `/api/v1/messages/${one.mailingId}`);
    expect(copy.json()).toMatchObject({
      name: 'La lettre du lundi',
      status: 'sending',
      series_id: m.id,
      total_targeted: 5,
      recurrence: null,
    });
    expect(Date.parse(copy.json().occurrence_date)).toBe(first.getTime());
    expect(copy.json()._links['relais:series'].href).toContain(m.id);
    expect((await mailing(m.id)).scheduled_at?.getTime()).toBe(second.getTime());
    // The same occurrence run twice makes no second copy.
    expect((await run(m.id, first, first)).outcome).toBe('stale');
    await send(one.mailingId as string);

    // A new subscriber before the next Monday is in the next occurrence, not in the last one.
    await addPerson(`fanny${Date.now()}`);
    const two = await run(m.id, second, second);
    expect(two.outcome).toBe('started');
    expect((await mailing(two.mailingId as string)).total_targeted).toBe(6);
    expect((await mailing(one.mailingId as string)).total_targeted).toBe(5);
    const copies = await tenant()((trx) => trx.selectFrom('mailing').select('id').where('series_id', '=', m.id).execute());
    expect(copies).toHaveLength(2);

    // Cancelling the model stops the series: its pending occurrence job does nothing.
    const third = nextWeeklyOccurrence({ weekday: 1, time: '08:00', timeZone: PARIS }, second);
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/cancel`)).json().status).toBe('cancelled');
    expect((await run(m.id, third, third)).outcome).toBe('stale');
    expect(await tenant()((trx) => trx.selectFrom('mailing').select('id').where('series_id', '=', m.id).execute())).toHaveLength(2);
  });

  it('stops a series whose scheduler may no longer send', async () => {
    const userId = await createMemberFixture(ctx.database.db, c.id, { email: 'orga@example.org', role: 'organizer' });
    const orga = new TestClient(t.app);
    await orga.login('orga@example.org');
    const m = await create('Série de l’organisatrice');
    const res = await orga.request('POST', `/api/v1/messages/${m.id}/schedule`, { recurrence: { weekday: 3, time: '18:30' } });
    expect(res.statusCode, res.body).toBe(200);
    await ctx.database.db
      .updateTable('membership')
      .set({ role: 'volunteer' })
      .where('user_id', '=', userId)
      .where('campaign_id', '=', c.id)
      .execute();
    const at = new Date(res.json().scheduled_start_date);
    expect(await run(m.id, at, at)).toMatchObject({ outcome: 'series_stopped', jobs: [] });
    expect((await mailing(m.id)).status).toBe('cancelled');
  });

  describe('electoral silence', () => {
    // A round five days from now (Paris): its silence runs from 00:00 on its eve to 20:00 on its day.
    const dayIn = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: PARIS }).format(new Date(Date.now() + days * 86_400_000));
    let silenceFrom: Date;
    let silenceUntil: Date;
    beforeAll(async () => {
      expect((await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales partielles', kind: 'municipal' })).statusCode).toBe(200);
      const round = await owner.request('POST', '/api/v1/calendar/rounds', { date: dayIn(5) });
      expect(round.statusCode, round.body).toBe(201);
      silenceFrom = new Date(round.json().silence_from);
      silenceUntil = new Date(round.json().silence_until);
    });
    afterAll(async () => {
      await owner.request('DELETE', '/api/v1/calendar');
    });

    it('refuses a one-off time inside the silence with ELECTORAL_SILENCE, saying until when', async () => {
      const m = await create();
      const res = await schedule(m.id, { scheduled_start_date: new Date(silenceFrom.getTime() + 3600_000).toISOString() });
      expect([res.statusCode, res.json().code]).toEqual([409, 'ELECTORAL_SILENCE']);
      expect(Date.parse(res.json().silence_until)).toBe(silenceUntil.getTime());
      expect((await mailing(m.id)).status).toBe('draft');
    });

    it('holds an occurrence that falls inside, says why and until when, and sends it when the polls close', async () => {
      const m = await create('Lettre de la veille');
      // Every week on the eve's day at 10:00: the first occurrence is inside the silence.
      const eve = isoWeekdayOf(dayIn(4));
      const res = await schedule(m.id, { recurrence: { weekday: eve, time: '10:00' } });
      expect(res.statusCode, res.body).toBe(200);
      const at = new Date(res.json().scheduled_start_date);
      expect(at >= silenceFrom && at < silenceUntil).toBe(true);
      const held = await run(m.id, at, at);
      expect(held).toMatchObject({ outcome: 'held', heldUntil: silenceUntil });
      const copy = await owner.request('GET', `/api/v1/messages/${held.mailingId}`);
      expect(copy.json()).toMatchObject({ status: 'scheduled', held_reason: 'electoral_silence', series_id: m.id, total_targeted: 0 });
      expect(Date.parse(copy.json().held_until)).toBe(silenceUntil.getTime());
      expect(held.jobs).toContainEqual({
        kind: 'messaging.schedule',
        params: { mailing_id: held.mailingId, at: silenceUntil.toISOString() },
        startAfter: silenceUntil,
      });
      // The series goes on the next week.
      expect((await mailing(m.id)).scheduled_at?.getTime()).toBe(at.getTime() + 7 * 86_400_000);
      // When the polls close, the held occurrence goes out, and no longer says it is held.
      const released = await run(held.mailingId as string, silenceUntil, silenceUntil);
      expect(released.outcome).toBe('started');
      expect(await mailing(held.mailingId as string)).toMatchObject({ status: 'sending', held_until: null, held_reason: null });
    });

    it('holds a one-off whose time fell into a silence declared after it was scheduled', async () => {
      const m = await create();
      const at = new Date(silenceFrom.getTime() - 3600_000);
      expect((await schedule(m.id, { scheduled_start_date: at.toISOString() })).statusCode).toBe(200);
      // The job runs late, inside the silence.
      const held = await run(m.id, at, new Date(silenceFrom.getTime() + 60_000));
      expect(held).toMatchObject({ outcome: 'held', mailingId: m.id, heldUntil: silenceUntil });
      expect((await run(m.id, silenceUntil, silenceUntil)).outcome).toBe('started');
    });
  });

  it('a send under way that runs into a silence says it is held, and until when', async () => {
    const m = await create();
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/send`)).statusCode).toBe(202);
    // A round tomorrow: its silence began at 00:00 today (Paris).
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: PARIS }).format(new Date(Date.now() + 86_400_000));
    expect((await owner.request('PUT', '/api/v1/calendar', { name: 'Partielle', kind: 'municipal' })).statusCode).toBe(200);
    const round = await owner.request('POST', '/api/v1/calendar/rounds', { date: tomorrow });
    expect(round.statusCode, round.body).toBe(201);
    try {
      const queued: unknown[] = [];
      const result = await sendJob.run({
        campaignId: c.id,
        runId: uuidv7(),
        params: { mailing_id: m.id },
        tenant: tenant(),
        database: ctx.database,
        files: {} as never,
        config: config(),
        enqueue: async (o) => {
          queued.push(o);
          return uuidv7();
        },
        progress: async () => undefined,
      });
      expect(result).toMatchObject({ sent: 0, finished: false, held_until: round.json().silence_until });
      const body = (await owner.request('GET', `/api/v1/messages/${m.id}`)).json();
      expect(body).toMatchObject({ status: 'sending', held_reason: 'electoral_silence' });
      expect(Date.parse(body.held_until)).toBe(Date.parse(round.json().silence_until));
    } finally {
      await owner.request('DELETE', '/api/v1/calendar');
    }
    // Once the silence is over (here: the round removed), the send goes on and no longer says it is held.
    const again = await sendJob.run({
      campaignId: c.id,
      runId: uuidv7(),
      params: { mailing_id: m.id },
      tenant: tenant(),
      database: ctx.database,
      files: {} as never,
      config: config(),
      enqueue: async () => uuidv7(),
      progress: async () => undefined,
    });
    expect(again).toMatchObject({ finished: true });
    expect(await mailing(m.id)).toMatchObject({ status: 'sent', held_until: null, held_reason: null });
  });

  it('pauses before the next batch, resumes where it stopped, and every recipient gets one message', async () => {
    const m = await create();
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/send`)).statusCode).toBe(202);
    const total = (await mailing(m.id)).total_targeted;
    const before = sink.messages.length;
    let batches = 0;
    const outcome = await send(m.id, {
      batchSize: 2,
      progress: async () => {
        batches += 1;
        if (batches === 1) expect((await owner.request('POST', `/api/v1/messages/${m.id}/pause`)).json().status).toBe('paused');
      },
    });
    expect(outcome).toMatchObject({ done: true, sent: 2 });
    expect(sink.messages.length - before).toBe(2);
    const counts = await owner.request('GET', `/api/v1/messages/${m.id}`);
    expect(counts.json()).toMatchObject({ status: 'paused', statistics: { sent: 2, queued: total - 2 } });
    const resumed = await owner.request('POST', `/api/v1/messages/${m.id}/resume`);
    expect([resumed.statusCode, resumed.json().status]).toEqual([202, 'sending']);
    await send(m.id, { batchSize: 2 });
    expect(sink.messages.length - before).toBe(total);
    const rcpts = sink.messages.slice(before).flatMap((g) => g.rcptTo);
    expect(new Set(rcpts).size).toBe(total);
    expect((await mailing(m.id)).status).toBe('sent');
  });

  it('cancels: the queued recipients are skipped and nothing more goes out', async () => {
    const m = await create();
    await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    const before = sink.messages.length;
    let batches = 0;
    await send(m.id, {
      batchSize: 2,
      progress: async () => {
        batches += 1;
        if (batches === 1) expect((await owner.request('POST', `/api/v1/messages/${m.id}/cancel`)).json().status).toBe('cancelled');
      },
    });
    expect(await send(m.id)).toMatchObject({ done: true, sent: 0 });
    expect(sink.messages.length - before).toBe(2);
    const body = (await owner.request('GET', `/api/v1/messages/${m.id}`)).json();
    expect(body).toMatchObject({ status: 'cancelled', statistics: { sent: 2, queued: 0, skipped: body.total_targeted - 2 } });
  });

  it('answers a clear 409 for every illegal transition', async () => {
    const m = await create();
    const expect409 = async (method: 'POST' | 'DELETE', action: string, status: string) => {
      const res = await owner.request(
        method,
        `/api/v1/messages/${m.id}/${action}`,
        method === 'POST' && action === 'schedule' ? { scheduled_start_date: new Date(Date.now() + 3600_000).toISOString() } : undefined,
      );
      expect([res.statusCode, res.json().code, res.json().mailing_status]).toEqual([409, 'MAILING_STATE_CONFLICT', status]);
    };
    await expect409('POST', 'pause', 'draft');
    await expect409('POST', 'resume', 'draft');
    await expect409('DELETE', 'schedule', 'draft');
    await schedule(m.id, { scheduled_start_date: new Date(Date.now() + 3600_000).toISOString() });
    await expect409('POST', 'pause', 'scheduled');
    await expect409('POST', 'resume', 'scheduled');
    await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    await send(m.id);
    expect((await mailing(m.id)).status).toBe('sent');
    await expect409('POST', 'schedule', 'sent');
    await expect409('POST', 'cancel', 'sent');
    await expect409('POST', 'pause', 'sent');
  });

  // Last: once this process works the queue, the sends the tests above queue run by themselves.
  it('sends a scheduled mailing through the queue when its time comes, and unscheduling makes it a draft again', async () => {
    await t.runtime.jobs.work();
    const m = await create();
    const before = sink.messages.length;
    const res = await schedule(m.id, { scheduled_start_date: new Date(Date.now() + 2_000).toISOString() });
    expect(res.statusCode, res.body).toBe(200);
    await expect.poll(async () => (await mailing(m.id)).status, { timeout: 30_000, interval: 200 }).toBe('sent');
    // (The sends the earlier tests queued run too now: only this mailing's messages count.)
    const rows = await tenant()((trx) =>
      trx.selectFrom('mailing_recipient').select(['status', 'message_id']).where('mailing_id', '=', m.id).execute(),
    );
    expect(rows.length).toBe((await mailing(m.id)).total_targeted);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const sent = sink.messages.slice(before).filter((g) => rows.some((r) => r.message_id && g.raw.includes(r.message_id)));
    expect(sent.length).toBe(rows.length);
    expect((await mailing(m.id)).started_at?.getTime()).toBeGreaterThanOrEqual(Date.parse(res.json().scheduled_start_date));

    const later = await create();
    await schedule(later.id, { scheduled_start_date: new Date(Date.now() + 86_400_000).toISOString() });
    const undone = await owner.request('DELETE', `/api/v1/messages/${later.id}/schedule`);
    expect(undone.json()).toMatchObject({ status: 'draft', scheduled_start_date: null });
  }, 60_000);
});
