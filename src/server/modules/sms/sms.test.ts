// SMS end to end, over HTTP both ways: a local server on loopback speaks Twilio's Messages API
// (basic auth, form fields, an answer with a `sid`) and calls the app's callback URLs back with
// X-Twilio-Signature as Twilio does (status reports, replies). Settings and the French sender
// rule, the estimate, a send (queued, skipped and why), exactly one provider request per message,
// delivery reports that never go backwards, sending hours at dispatch, consent at dispatch, and a
// STOP reply that withdraws consent so that the next send skips the person.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TwilioConfig } from '../../config.ts';
import { tenantRunnerOf, withTenant } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { freePort } from '../../testing/ports.ts';
import { ACCOUNT_SID, AUTH_TOKEN, postSigned, startTwilio } from '../../testing/twilio-server.ts';
import { recordConsents } from '../consent/index.ts';
import { dispatchDue, lostSendingJanitorOf, SENDING_LOST_MS } from './dispatch.ts';
import { DEFAULT_SENDING_HOURS, nextAllowedInstant } from './hours.ts';
import { outboxProvider, twilioProvider } from './provider.ts';
import { queueSms } from './sms.service.ts';
import { bodySha256, twilioSignature } from './twilio-signature.ts';

describeEachDatabase('sms', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let twilio: Awaited<ReturnType<typeof startTwilio>>;
  let appUrl: string;
  let twilioConfig: TwilioConfig;
  const people: Record<'mobile' | 'mobile2' | 'noConsent' | 'landline', string> = { mobile: '', mobile2: '', noConsent: '', landline: '' };
  const PHONE = { mobile: '+33612345678', mobile2: '+33698765432', noConsent: '+33611112222', landline: '+33144556677' };

  beforeAll(async () => {
    twilio = await startTwilio();
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    twilioConfig = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: twilio.baseUrl, messagingServiceSid: null, from: null };
    t = await buildTestApp(ctx.database, { twilio: twilioConfig, smsCallbackBaseUrl: appUrl });
    await t.app.listen({ port, host: '127.0.0.1' });
    c = await createCampaignFixture(ctx.database.db, 'sms');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'referent@example.org', role: 'referent', zoneIds: [c.zones[0]!.id] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    for (const key of Object.keys(PHONE) as (keyof typeof PHONE)[]) people[key] = uuidv7();
    await ctx.database.db
      .insertInto('person')
      .values(
        (Object.keys(PHONE) as (keyof typeof PHONE)[]).map((key) => ({
          campaign_id: c.id,
          id: people[key],
          given_name: key,
          family_name: 'Sms',
          phone: PHONE[key],
          zone_ids: [c.zones[0]!.id],
        })),
      )
      .execute();
    await withTenant(ctx.database.db, c.id, (trx) =>
      recordConsents(
        trx,
        [people.mobile, people.mobile2, people.landline].map((personId) => ({
          campaignId: c.id,
          personId,
          channel: 'sms' as const,
          status: 'given' as const,
          source: 'form',
          proof: { form: 'test' },
          at: new Date(Date.now() - 60_000),
        })),
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.close();
  });

  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  /** A dispatch pass through the Twilio adapter, at the first allowed instant from now (or `at`). */
  const dispatch = (at?: Date) =>
    dispatchDue({
      tenant: tenant(),
      campaignId: c.id,
      provider: twilioProvider(twilioConfig),
      callbackBaseUrl: appUrl,
      now: () => at ?? nextAllowedInstant(new Date(), DEFAULT_SENDING_HOURS),
    });
  const messagesOf = (sendId: string) =>
    ctx.database.db
      .selectFrom('sms_message')
      .selectAll()
      .where('campaign_id', '=', c.id)
      .where('send_id', '=', sendId)
      .orderBy('id')
      .execute();
  const send = async (body: Record<string, unknown>) => {
    const res = await owner.request('POST', '/api/v1/sms/sends', body);
    expect(res.statusCode, res.body).toBe(202);
    return res.json() as {
      send_id: string;
      body: string;
      queued: { person_id: string; message_id: string; to: string }[];
      deferred: { person_id: string; message_id: string; reason: string; until: string }[];
      skipped: { person_id: string; reason: string }[];
    };
  };

  it('refuses to send before the campaign has a sender and a STOP number', async () => {
    const res = await owner.request('POST', '/api/v1/sms/sends', { text: 'Bonjour', person_ids: [people.mobile] });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'SMS_NOT_CONFIGURED' });
  });

  it('refuses a French mobile as sender and bad hours, then takes an alphanumeric sender', async () => {
    const base = { sender_name: 'Paris Ensemble', stop_number: '36180' };
    for (const sender of ['06 12 34 56 78', '+33712345678']) {
      const res = await owner.request('PUT', '/api/v1/sms/settings', { ...base, sender });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'SMS_SENDER_INVALID' });
    }
    const hours = await owner.request('PUT', '/api/v1/sms/settings', {
      ...base,
      sender: 'PARIS2026',
      hours_start: '22:00',
      hours_end: '08:00',
    });
    expect(hours.json()).toMatchObject({ code: 'SMS_HOURS_INVALID' });
    const zone = await owner.request('PUT', '/api/v1/sms/settings', { ...base, sender: 'PARIS2026', time_zone: 'Mars/Olympus' });
    expect(zone.json()).toMatchObject({ code: 'SMS_HOURS_INVALID' });
    const ok = await owner.request('PUT', '/api/v1/sms/settings', { ...base, sender: 'PARIS2026' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      sender: 'PARIS2026',
      hours_start: '08:00',
      hours_end: '21:30',
      time_zone: 'Europe/Paris',
      block_sundays: true,
    });
    const read = await owner.request('GET', '/api/v1/sms/settings');
    expect(read.json()).toMatchObject({ sender: 'PARIS2026', stop_number: '36180', segment_price: 0.065 });
  });

  it('estimates encoding, segments, cost, replacements and recipients with consent', async () => {
    const res = await owner.request('POST', '/api/v1/sms/estimate', {
      text: 'Rendez-vous à la fête du quartier samedi : « venez nombreux »\u00a0!',
      person_ids: Object.values(people),
    });
    expect(res.statusCode, res.body).toBe(200);
    const e = res.json();
    expect(e).toMatchObject({
      encoding: 'UCS-2',
      recipients: 2,
      skipped: { no_consent: 1, no_mobile: 1, not_found: 0, duplicate_number: 0 },
      replaced_encoding: 'GSM-7',
      currency: 'EUR',
    });
    expect(e.body).toMatch(/^Paris Ensemble : Rendez-vous/);
    expect(e.body).toMatch(/\nSTOP au 36180$/);
    expect(e.segments).toBe(2); // 88 UCS-2 units
    expect(e.cost).toBeCloseTo(2 * 2 * 0.065, 5);
    expect(e.replacements.map((r: { from: string }) => r.from)).toEqual(expect.arrayContaining(['ê', '«', '»', '\u00a0']));
    // The replaced text is what was typed, replaced (the name and STOP line are added when sending).
    expect(e.replaced_text).toBe('Rendez-vous à la fete du quartier samedi : "venez nombreux" !');
    expect(e.replaced_segments).toBe(1);
  });

  it('sends one request per message to the Twilio API, and follows its delivery reports', async () => {
    const unknown = uuidv7();
    const result = await send({ text: 'Réunion publique mardi 19h au gymnase', person_ids: [...Object.values(people), unknown] });
    const waiting = [...result.queued, ...result.deferred];
    expect(waiting.map((q) => q.person_id).sort()).toEqual([people.mobile, people.mobile2].sort());
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { person_id: people.noConsent, reason: 'no_consent' },
        { person_id: people.landline, reason: 'no_mobile' },
        { person_id: unknown, reason: 'not_found' },
      ]),
    );
    const before = twilio.received.length;
    const summary = await dispatch();
    expect(summary).toMatchObject({ sent: 2, failed: 0, deferred: 0 });
    const requests = twilio.received.slice(before);
    expect(requests).toHaveLength(2);
    for (const r of requests) {
      expect(r.form.From).toBe('PARIS2026');
      expect(r.form.Body).toBe('Paris Ensemble : Réunion publique mardi 19h au gymnase\nSTOP au 36180');
      expect(r.form.StatusCallback).toMatch(new RegExp(`^${appUrl}/api/v1/sms/twilio/${c.id}/status\\?message_id=`));
    }
    expect(requests.map((r) => r.form.To).sort()).toEqual([PHONE.mobile, PHONE.mobile2].sort());
    // The reports (sent, then delivered) arrive over HTTP, signed.
    await twilio.settled();
    expect(twilio.callbacks.slice(-4).map((cb) => cb.status)).toEqual([204, 204, 204, 204]);
    const messages = await messagesOf(result.send_id);
    expect(messages.map((m) => m.status)).toEqual(['delivered', 'delivered']);
    expect(messages.map((m) => m.provider_sid).sort()).toEqual(requests.map((r) => r.sid).sort());
    expect(messages.every((m) => m.sent_at && m.delivered_at && m.encoding === 'GSM-7' && m.segments === 1)).toBe(true);
    // Each on its person's timeline.
    const activities = await ctx.database.db
      .selectFrom('activity')
      .select(['person_id', 'ref_id'])
      .where('campaign_id', '=', c.id)
      .where('type', '=', 'sms.sent')
      .where(
        'ref_id',
        'in',
        messages.map((m) => m.id),
      )
      .execute();
    expect(activities.map((a) => a.person_id).sort()).toEqual([people.mobile, people.mobile2].sort());
    // Another pass asks nothing more of the provider.
    await dispatch();
    expect(twilio.received.length).toBe(before + 2);

    // A late or repeated report never moves a message back, and is recorded once.
    const message = messages[0]!;
    const url = `${appUrl}/api/v1/sms/twilio/${c.id}/status?message_id=${message.id}`;
    for (const status of ['sent', 'delivered', 'sending']) {
      const res = await postSigned(url, { MessageSid: message.provider_sid!, MessageStatus: status, AccountSid: ACCOUNT_SID });
      expect(res.status).toBe(204);
    }
    const after = await ctx.database.db.selectFrom('sms_message').select('status').where('id', '=', message.id).executeTakeFirstOrThrow();
    expect(after.status).toBe('delivered');
    const events = await ctx.database.db
      .selectFrom('sms_status_event')
      .select('status')
      .where('message_id', '=', message.id)
      .orderBy('status')
      .execute();
    expect(events.map((e) => e.status)).toEqual(['delivered', 'sending', 'sent']);

    const listed = await owner.request('GET', `/api/v1/sms/messages?send_id=${result.send_id}`);
    expect(listed.json()).toMatchObject({ total_records: 2 });
  });

  it('re-queues a message the provider refused for now (429), fails one it refused for good, each asked once', async () => {
    twilio.refuse.set(PHONE.mobile, { status: 429, code: 20429, message: 'Too Many Requests' });
    twilio.refuse.set(PHONE.mobile2, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    let at = new Date();
    try {
      const result = await send({ text: 'Collage ce soir', person_ids: [people.mobile, people.mobile2] });
      at = nextAllowedInstant(new Date(), DEFAULT_SENDING_HOURS);
      const before = twilio.received.length;
      expect(await dispatch(at)).toMatchObject({ sent: 0, failed: 1, deferred: 1 });
      expect(twilio.received.length).toBe(before + 2);
      const messages = await messagesOf(result.send_id);
      const byPerson = new Map(messages.map((m) => [m.person_id, m]));
      expect(byPerson.get(people.mobile2)).toMatchObject({ status: 'failed', error_code: '21610' });
      const later = byPerson.get(people.mobile)!;
      expect(later).toMatchObject({ status: 'queued', error_code: '20429' });
      expect(new Date(later.not_before).getTime()).toBeGreaterThan(at.getTime());
      // Not due again yet: nothing more is asked.
      await dispatch(at);
      expect(twilio.received.length).toBe(before + 2);
    } finally {
      twilio.refuse.clear();
    }
    // Once due, the re-queued one goes out; the failed one is never asked for again.
    const before = twilio.received.length;
    const retryAt = nextAllowedInstant(new Date(at.getTime() + 10 * 60_000), DEFAULT_SENDING_HOURS);
    expect(await dispatch(retryAt)).toMatchObject({ sent: 1 });
    expect(twilio.received.slice(before).map((r) => r.form.To)).toEqual([PHONE.mobile]);
    await twilio.settled();
  });

  it('answers 403 problem+json to a callback whose signature does not verify', async () => {
    const url = `${appUrl}/api/v1/sms/twilio/${c.id}/inbound`;
    const params = { MessageSid: 'SMforged', From: PHONE.mobile, To: 'PARIS2026', Body: 'STOP' };
    const forged = await postSigned(url, params, 'another-token');
    expect(forged.status).toBe(403);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect(await forged.json()).toMatchObject({ code: 'SMS_SIGNATURE_INVALID' });
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    expect(unsigned.status).toBe(403);
    // A parameter changed after signing.
    const tampered = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, params) },
      body: new URLSearchParams({ ...params, From: PHONE.mobile2 }).toString(),
    });
    expect(tampered.status).toBe(403);
    // Nothing was recorded, and the consent stands.
    const inbound = await ctx.database.db.selectFrom('sms_inbound').select('id').where('provider_sid', '=', 'SMforged').execute();
    expect(inbound).toHaveLength(0);
  });

  it('takes a JSON report signed with bodySHA256', async () => {
    const result = await send({ text: 'Tractage samedi 10h', person_ids: [people.mobile2] });
    await dispatch();
    await twilio.settled();
    const [message] = await messagesOf(result.send_id);
    // The message was delivered by the server's reports; a JSON "undelivered" cannot move it back, a bad hash is refused.
    const body = JSON.stringify({ MessageSid: message!.provider_sid, MessageStatus: 'failed', ErrorCode: '30003' });
    const url = `${appUrl}/api/v1/sms/twilio/${c.id}/status?bodySHA256=${bodySha256(body)}`;
    const signature = twilioSignature(AUTH_TOKEN, url, {});
    const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, body });
    expect(ok.status).toBe(204);
    const events = await ctx.database.db
      .selectFrom('sms_status_event')
      .select(['status', 'error_code'])
      .where('message_id', '=', message!.id)
      .execute();
    expect(events).toEqual(expect.arrayContaining([{ status: 'failed', error_code: '30003' }]));
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
      body: body.replace('30003', '30004'),
    });
    expect(bad.status).toBe(403);
  });

  it('withdraws SMS consent on a STOP reply, with the message as proof, and the next send skips the person', async () => {
    const url = `${appUrl}/api/v1/sms/twilio/${c.id}/inbound`;
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: ACCOUNT_SID,
      From: PHONE.mobile,
      To: '36180',
      Body: '  Arrêt ',
    };
    const res = await postSigned(url, params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/xml');
    expect(await res.text()).toContain('<Response></Response>');
    // The same message again (Twilio retries) adds nothing.
    expect((await postSigned(url, params)).status).toBe(200);
    const ledger = await ctx.database.db
      .selectFrom('consent')
      .select(['status', 'source', 'proof'])
      .where('campaign_id', '=', c.id)
      .where('person_id', '=', people.mobile)
      .where('channel', '=', 'sms')
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    expect(ledger).toHaveLength(2);
    expect(ledger[0]).toMatchObject({ status: 'withdrawn', source: 'sms_stop' });
    expect(ledger[0]!.proof).toMatchObject({ message_sid: params.MessageSid, from: PHONE.mobile, text_shown: '  Arrêt ' });
    // An ordinary reply is kept and withdraws nothing.
    await postSigned(url, {
      ...params,
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      From: PHONE.mobile2,
      Body: 'Je serai là samedi',
    });
    const replies = await ctx.database.db
      .selectFrom('sms_inbound')
      .select(['from_number', 'is_stop', 'person_ids'])
      .where('campaign_id', '=', c.id)
      .orderBy('id')
      .execute();
    expect(replies).toEqual([
      { from_number: PHONE.mobile, is_stop: true, person_ids: [people.mobile] },
      { from_number: PHONE.mobile2, is_stop: false, person_ids: [] },
    ]);

    const again = await send({ text: 'Dernier meeting jeudi', person_ids: [people.mobile, people.mobile2] });
    expect([...again.queued, ...again.deferred].map((q) => q.person_id)).toEqual([people.mobile2]);
    expect(again.skipped).toEqual([{ person_id: people.mobile, reason: 'no_consent' }]);
    const before = twilio.received.length;
    expect(await dispatch()).toMatchObject({ sent: 1 });
    expect(twilio.received.slice(before).map((r) => r.form.To)).toEqual([PHONE.mobile2]);
    await twilio.settled();
  });

  it('defers at dispatch outside the sending hours and sends at the next allowed instant, never dropping', async () => {
    const result = await send({ text: 'Porte-à-porte dimanche ?', person_ids: [people.mobile2] });
    const before = twilio.received.length;
    // Sunday 10 January 2027, 10:00 in Paris: Sundays are blocked.
    const sunday = new Date('2027-01-10T09:00:00Z');
    const deferred = await dispatch(sunday);
    expect(deferred).toMatchObject({ sent: 0, deferred: 1 });
    const [waiting] = await messagesOf(result.send_id);
    expect(waiting).toMatchObject({ status: 'deferred', deferred_reason: 'sunday' });
    expect(new Date(waiting!.not_before).toISOString()).toBe('2027-01-11T07:00:00.000Z'); // Monday 08:00 CET
    expect(twilio.received.length).toBe(before);
    // Still Sunday: nothing due yet. Monday 08:00: sent.
    expect(await dispatch(new Date('2027-01-10T20:00:00Z'))).toMatchObject({ sent: 0, deferred: 0 });
    expect(await dispatch(new Date('2027-01-11T07:00:00Z'))).toMatchObject({ sent: 1 });
    expect(twilio.received.length).toBe(before + 1);
    await twilio.settled();
  });

  it('holds messages during electoral silence: refused when asked for now, held when scheduled or caught at dispatch', async () => {
    expect((await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales 2027', kind: 'municipal' })).statusCode).toBe(200);
    // Round on Sunday 14 March 2027: silence from Saturday 13 at 00:00 to Sunday 14 at 20:00, Paris.
    const round = await owner.request('POST', '/api/v1/calendar/rounds', { date: '2027-03-14' });
    expect(round.statusCode, round.body).toBe(201);
    const actor = { campaignId: c.id, zoneScope: null, label: 'test' };
    const input = { text: 'Votez dimanche', person_ids: [people.mobile2] };
    const refused = await withTenant(ctx.database.db, c.id, (trx) =>
      queueSms(trx, actor, input, { defaultSender: null, publicUrl: appUrl, now: new Date('2027-03-13T10:00:00Z') }).catch(
        (e: unknown) => e,
      ),
    );
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('ELECTORAL_SILENCE');
    const held = await withTenant(ctx.database.db, c.id, (trx) =>
      queueSms(
        trx,
        actor,
        { ...input, send_at: '2027-03-13T10:00:00Z' },
        { defaultSender: null, publicUrl: appUrl, now: new Date('2027-03-01T10:00:00Z') },
      ),
    );
    // The silence ends on Sunday evening; Sundays are blocked: Monday 08:00 CET.
    expect(held.deferred).toEqual([expect.objectContaining({ person_id: people.mobile2, reason: 'electoral_silence' })]);
    expect(new Date(held.not_before).toISOString()).toBe('2027-03-15T07:00:00.000Z');

    // Queued before the silence, dispatched inside it: deferred, then sent when it is over.
    const result = await send({ text: 'Réunion de campagne', person_ids: [people.mobile2] });
    const before = twilio.received.length;
    expect(await dispatch(new Date('2027-03-13T10:00:00Z'))).toMatchObject({ sent: 0, deferred: 1 });
    const [waiting] = await messagesOf(result.send_id);
    expect(waiting).toMatchObject({ status: 'deferred', deferred_reason: 'electoral_silence' });
    expect(new Date(waiting!.not_before).toISOString()).toBe('2027-03-15T07:00:00.000Z');
    expect(twilio.received.length).toBe(before);
    expect(await dispatch(new Date('2027-03-15T07:00:00Z'))).toMatchObject({ sent: 2 });
    expect(twilio.received.length).toBe(before + 2);
    await twilio.settled();
  });

  it('checks consent again at dispatch', async () => {
    const result = await send({ text: 'Apéro militant vendredi', person_ids: [people.mobile2] });
    await withTenant(ctx.database.db, c.id, (trx) =>
      recordConsents(trx, [{ campaignId: c.id, personId: people.mobile2, channel: 'sms', status: 'withdrawn', source: 'manual' }]),
    );
    const before = twilio.received.length;
    expect(await dispatch()).toMatchObject({ sent: 0, skipped: 1 });
    expect(twilio.received.length).toBe(before);
    const [message] = await messagesOf(result.send_id);
    expect(message).toMatchObject({ status: 'failed', error_code: 'no_consent' });
  });

  it('writes to the development outbox without a provider account', async () => {
    await withTenant(ctx.database.db, c.id, (trx) =>
      recordConsents(trx, [{ campaignId: c.id, personId: people.mobile2, channel: 'sms', status: 'given', source: 'manual' }]),
    );
    const result = await send({ text: 'Test de la boîte de développement', person_ids: [people.mobile2] });
    await dispatchDue({
      tenant: tenant(),
      campaignId: c.id,
      provider: outboxProvider(ctx.database.db),
      callbackBaseUrl: null,
      now: () => nextAllowedInstant(new Date(), DEFAULT_SENDING_HOURS),
    });
    const [message] = await messagesOf(result.send_id);
    expect(message).toMatchObject({ status: 'delivered', provider: 'outbox' });
    const outbox = await ctx.database.db.selectFrom('dev_outbox').selectAll().where('campaign_id', '=', c.id).execute();
    expect(outbox).toEqual([expect.objectContaining({ to_address: PHONE.mobile2, subject: 'SMS · PARIS2026', text_body: message!.body })]);
  });

  it('marks a message a dead worker left sending without a sid as failed, and never asks for it again', async () => {
    const id = uuidv7();
    const stale = new Date(Date.now() - SENDING_LOST_MS - 60_000);
    await withTenant(ctx.database.db, c.id, (trx) =>
      trx
        .insertInto('sms_message')
        .values({
          campaign_id: c.id,
          id,
          send_id: uuidv7(),
          person_id: people.mobile2,
          to_number: PHONE.mobile2,
          sender: 'PARIS2026',
          body: 'x',
          encoding: 'GSM-7',
          segments: 1,
          status: 'sending',
          updated_at: stale,
        })
        .execute(),
    );
    const janitor = lostSendingJanitorOf();
    const summary = await janitor({ database: ctx.database, soleWorker: true, isRunPending: async () => false });
    expect(summary).toMatch(/1 messages/);
    const row = await ctx.database.db
      .selectFrom('sms_message')
      .select(['status', 'error_code'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', error_code: 'interrupted' });
    const before = twilio.received.length;
    await dispatch();
    expect(twilio.received.length).toBe(before);
  });

  it('opens estimate and send to API tokens by scope (sms:read, sms:send)', async () => {
    const reader = (await owner.request('POST', '/api/v1/api_tokens', { name: 'sms read', scopes: ['sms:read'] })).json().token as string;
    const sender = (await owner.request('POST', '/api/v1/api_tokens', { name: 'sms send', scopes: ['sms:read', 'sms:send'] })).json()
      .token as string;
    const call = (token: string, url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
    const body = { text: 'Merci pour samedi', person_ids: [people.landline] };
    expect((await call(reader, '/api/v1/sms/estimate', body)).statusCode).toBe(200);
    const refused = await call(reader, '/api/v1/sms/sends', body);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: 'sms:send' });
    const sent = await call(sender, '/api/v1/sms/sends', body);
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json().skipped).toEqual([{ person_id: people.landline, reason: 'no_mobile' }]);
  });

  it('lets only those who may send: a referent may not', async () => {
    const referent = new TestClient(t.app);
    await referent.login('referent@example.org');
    const res = await referent.request('POST', '/api/v1/sms/sends', { text: 'x', person_ids: [people.mobile2] });
    expect(res.statusCode).toBe(403);
  });
});
