// The providers' event webhooks over HTTP: requests signed in the test as Mailgun and SendGrid sign
// them (HMAC-SHA256 of timestamp + token; ECDSA P-256 over timestamp + raw body), then tampered,
// unsigned, stale and replayed ones; each event counts once.
import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { buildTestApp, createCampaignFixture, type FixtureCampaign, type TestApp } from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { emailConsentFixture, type SentMailing, sentMailingFixture } from './bounces.fixtures.ts';

const MAILGUN_KEY = `key-${randomBytes(16).toString('hex')}`;
const sendgridKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const SENDGRID_PUBLIC = sendgridKeys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

/** A Mailgun webhook body, signed as Mailgun signs it (or with the fields given). */
function mailgunBody(eventData: Record<string, unknown>, over: { timestamp?: number; token?: string; key?: string } = {}) {
  const timestamp = String(over.timestamp ?? Math.floor(Date.now() / 1000));
  const token = over.token ?? randomBytes(25).toString('hex');
  const signature = createHmac('sha256', over.key ?? MAILGUN_KEY)
    .update(timestamp + token)
    .digest('hex');
  return { signature: { timestamp, token, signature }, 'event-data': eventData };
}

/** SendGrid's headers for a raw body: base64 DER ECDSA signature of timestamp + body. */
function sendgridHeaders(raw: string, key = sendgridKeys.privateKey) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + raw), key).toString('base64');
  return {
    'content-type': 'application/json',
    'x-twilio-email-event-webhook-signature': signature,
    'x-twilio-email-event-webhook-timestamp': timestamp,
  };
}

describeEachDatabase('mail provider webhooks', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let m: SentMailing;
  beforeAll(async () => {
    t = await buildTestApp(ctx.database, { bounces: { imap: null, mailgunSigningKey: MAILGUN_KEY, sendgridPublicKey: SENDGRID_PUBLIC } });
    c = await createCampaignFixture(ctx.database.db, 'hooks');
    const people = c.people.map((p, i) => ({ id: p.id, email: `person${i}.hooks@example.org` }));
    await emailConsentFixture(
      ctx.database.db,
      c.id,
      people.map((p) => p.id),
    );
    m = await sentMailingFixture(ctx.database.db, c.id, people, { messageIds: ['<mg-0@relais.test>', '<mg-1@relais.test>'] });
  });
  afterAll(async () => {
    await t?.close();
  });

  const mailgun = (body: unknown, campaign = c.id) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/mail/mailgun/${campaign}`,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const suppressions = () => tenant()((trx) => trx.selectFrom('mail_suppression').select(['email', 'reason']).orderBy('email').execute());

  it('Mailgun: a signed permanent failure suppresses; its retry changes nothing; a temporary one is a delay', async () => {
    const failed = {
      id: `mg-${uuidv7()}`,
      event: 'failed',
      severity: 'permanent',
      reason: 'bounce',
      timestamp: Date.now() / 1000,
      recipient: 'person0.hooks@example.org',
      message: { headers: { 'message-id': 'mg-0@relais.test' } },
      'delivery-status': { code: 550, message: '5.1.1 The email account that you tried to reach does not exist' },
    };
    const body = mailgunBody(failed);
    const first = await mailgun(body);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: 1, recorded: 1, duplicates: 0, ignored: 0 });
    // Mailgun retries with the same body when it did not get our answer: welcome, and a no-op.
    const retry = await mailgun(body);
    expect(retry.json()).toEqual({ received: 1, recorded: 0, duplicates: 1, ignored: 0 });
    expect(await suppressions()).toEqual([{ email: 'person0.hooks@example.org', reason: 'hard_bounce' }]);
    const row = await tenant()((trx) =>
      trx
        .selectFrom('mailing_recipient')
        .select('delivery_status')
        .where('id', '=', m.recipients[0]?.id as string)
        .executeTakeFirstOrThrow(),
    );
    expect(row.delivery_status).toBe('hard_bounce');

    const temporary = await mailgun(
      mailgunBody({
        ...failed,
        id: `mg-${uuidv7()}`,
        severity: 'temporary',
        recipient: 'person1.hooks@example.org',
        message: { headers: { 'message-id': 'mg-1@relais.test' } },
      }),
    );
    expect(temporary.json()).toMatchObject({ recorded: 1 });
    expect(await suppressions()).toHaveLength(1);
  });

  it('Mailgun: tampered, unsigned, stale and replayed requests are refused with problem+json, and change nothing', async () => {
    const event = { id: `mg-${uuidv7()}`, event: 'complained', timestamp: Date.now() / 1000, recipient: 'person1.hooks@example.org' };
    const good = mailgunBody(event);
    const tampered = {
      ...good,
      signature: { ...good.signature, signature: good.signature.signature.replace(/^./, (ch) => (ch === 'a' ? 'b' : 'a')) },
    };
    const cases: [unknown, number, string][] = [
      [tampered, 403, 'MAIL_WEBHOOK_SIGNATURE_INVALID'],
      [mailgunBody(event, { key: 'key-not-ours' }), 403, 'MAIL_WEBHOOK_SIGNATURE_INVALID'],
      [{ 'event-data': event }, 401, 'MAIL_WEBHOOK_SIGNATURE_MISSING'],
      [mailgunBody(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 }), 403, 'MAIL_WEBHOOK_STALE'],
      [mailgunBody(event, { timestamp: Math.floor(Date.now() / 1000) + 3600 }), 403, 'MAIL_WEBHOOK_STALE'],
      [[1, 2], 400, 'MAIL_WEBHOOK_PAYLOAD_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const res = await mailgun(body);
      expect(res.statusCode, code).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status, code });
    }
    const notJson = await t.app.inject({
      method: 'POST',
      url: `/api/v1/webhooks/mail/mailgun/${c.id}`,
      payload: '{"signature":',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.json()).toMatchObject({ status: 400, code: 'MAIL_WEBHOOK_PAYLOAD_INVALID' });
    expect(await suppressions()).not.toContainEqual({ email: 'person1.hooks@example.org', reason: 'complaint' });

    // A captured signature carrying another event (Mailgun signs the token, not the event): refused.
    const accepted = await mailgun(good);
    expect(accepted.statusCode).toBe(200);
    const forged = { ...good, 'event-data': { ...event, id: `mg-${uuidv7()}`, recipient: 'person0.hooks@example.org' } };
    const replay = await mailgun(forged);
    expect(replay.statusCode).toBe(403);
    expect(replay.json()).toMatchObject({ code: 'MAIL_WEBHOOK_REPLAYED' });
    // Nor to another campaign's URL.
    const other = await createCampaignFixture(ctx.database.db, 'hooks-other');
    expect((await mailgun(forged, other.id)).json()).toMatchObject({ code: 'MAIL_WEBHOOK_REPLAYED' });
    // A campaign that does not exist, correctly signed.
    expect((await mailgun(mailgunBody(event), uuidv7())).statusCode).toBe(404);

    // The complaint that got through withdrew the consent.
    const person = await tenant()((trx) =>
      trx
        .selectFrom('person')
        .select('consent_email')
        .where('id', '=', m.recipients[1]?.personId as string)
        .executeTakeFirstOrThrow(),
    );
    expect(person.consent_email).toBe(false);
    expect(await suppressions()).toContainEqual({ email: 'person1.hooks@example.org', reason: 'complaint' });
  });

  it('SendGrid: a signed batch is applied event by event, once; tampered or unsigned batches are refused', async () => {
    const s = await createCampaignFixture(ctx.database.db, 'grid');
    const people = s.people.map((p, i) => ({ id: p.id, email: `person${i}.grid@example.org` }));
    await emailConsentFixture(
      ctx.database.db,
      s.id,
      people.map((p) => p.id),
    );
    await sentMailingFixture(ctx.database.db, s.id, people, { messageIds: ['<sg-0@relais.test>', '<sg-1@relais.test>'] });
    const now = Math.floor(Date.now() / 1000);
    const events = [
      {
        email: 'person0.grid@example.org',
        timestamp: now,
        'smtp-id': '<sg-0@relais.test>',
        event: 'delivered',
        sg_event_id: `d-${uuidv7()}`,
        response: '250 OK',
      },
      { email: 'person0.grid@example.org', timestamp: now, 'smtp-id': '<sg-0@relais.test>', event: 'open', sg_event_id: `o-${uuidv7()}` },
      {
        email: 'person1.grid@example.org',
        timestamp: now,
        'smtp-id': '<sg-1@relais.test>',
        event: 'bounce',
        type: 'bounce',
        status: '5.1.1',
        reason: '550 5.1.1 unknown user',
        sg_event_id: `b-${uuidv7()}`,
      },
      {
        email: 'person0.grid@example.org',
        timestamp: now,
        'smtp-id': '<sg-0@relais.test>',
        event: 'spamreport',
        sg_event_id: `s-${uuidv7()}`,
      },
    ];
    const raw = JSON.stringify(events);
    const post = (payload: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/webhooks/mail/sendgrid/${s.id}`, payload, headers });

    const tampered = raw.replace('person1.grid', 'person2.grid');
    const refusals: [string, Record<string, string>, number, string][] = [
      [tampered, sendgridHeaders(raw), 403, 'MAIL_WEBHOOK_SIGNATURE_INVALID'],
      [
        raw,
        sendgridHeaders(raw, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey),
        403,
        'MAIL_WEBHOOK_SIGNATURE_INVALID',
      ],
      [
        raw,
        { ...sendgridHeaders(raw), 'x-twilio-email-event-webhook-signature': 'bm90IGEgc2lnbmF0dXJl' },
        403,
        'MAIL_WEBHOOK_SIGNATURE_INVALID',
      ],
      [raw, { ...sendgridHeaders(raw), 'x-twilio-email-event-webhook-timestamp': String(now + 1) }, 403, 'MAIL_WEBHOOK_SIGNATURE_INVALID'],
      [raw, { 'content-type': 'application/json' }, 401, 'MAIL_WEBHOOK_SIGNATURE_MISSING'],
    ];
    for (const [payload, headers, status, code] of refusals) {
      const res = await post(payload, headers);
      expect(res.statusCode, code).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code });
    }
    const grid = tenantRunnerOf(ctx.database.db, s.id);
    expect(await grid((trx) => trx.selectFrom('delivery_event').select('id').execute())).toEqual([]);

    const first = await post(raw, sendgridHeaders(raw));
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: 4, recorded: 3, duplicates: 0, ignored: 1 });
    const again = await post(raw, sendgridHeaders(raw));
    expect(again.json()).toEqual({ received: 4, recorded: 0, duplicates: 3, ignored: 1 });
    const state = await grid(async (trx) => ({
      suppressions: await trx.selectFrom('mail_suppression').select(['email', 'reason']).orderBy('email').execute(),
      statuses: await trx.selectFrom('mailing_recipient').select(['email', 'delivery_status']).orderBy('email').execute(),
    }));
    expect(state.suppressions).toEqual([
      { email: 'person0.grid@example.org', reason: 'complaint' },
      { email: 'person1.grid@example.org', reason: 'hard_bounce' },
    ]);
    expect(state.statuses).toEqual([
      { email: 'person0.grid@example.org', delivery_status: 'complaint' },
      { email: 'person1.grid@example.org', delivery_status: 'hard_bounce' },
    ]);
    // A signed body that is not an array of events.
    const object = JSON.stringify({ event: 'bounce' });
    expect((await post(object, sendgridHeaders(object))).json()).toMatchObject({ status: 400, code: 'MAIL_WEBHOOK_PAYLOAD_INVALID' });
  });
});

describeEachDatabase('mail provider webhooks without keys', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.database, { bounces: { imap: null, mailgunSigningKey: null, sendgridPublicKey: null } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 404 MAIL_WEBHOOK_NOT_CONFIGURED', async () => {
    for (const provider of ['mailgun', 'sendgrid']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/webhooks/mail/${provider}/${uuidv7()}`,
        payload: '[]',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'MAIL_WEBHOOK_NOT_CONFIGURED' });
    }
  });
});
