// The complaint rate over a rolling 24 hours (an alert at 0.1 % in the audit log and on the screens,
// sending paused at 0.3 %: a running send stops before its next batch, new sends get 409 until an
// admin resumes) and the per-mailing circuit breaker (unsubscribes through the real one-click POST
// pause the send with its reason; a person's resume lets it finish). Complaints come through the
// bounce handling's own entry point (applyDeliveryReport), a real SMTP server receives the mail.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type SmtpSink, sinkMailingConfig, startSmtpSink } from '../../../testing/smtp-sink.ts';
import { applyDeliveryReport } from '../bounces/bounces.service.ts';
import { mailableListFixture } from '../messaging.fixtures.ts';
import { sendMailing } from '../send.ts';
import { createBulkTransport } from '../transport.ts';
import { breakerVerdict } from './deliverability.service.ts';

const SETTINGS = {
  default_connections: 5,
  default_rate_per_minute: 60_000,
  domains: [],
  spf_includes: [],
  spf_ips: [],
  dmarc_policy: 'none',
  dmarc_report_address: null,
  complaint_alert_rate: 0.001,
  complaint_pause_rate: 0.003,
  complaint_min_sent: 100,
  breaker_unsubscribe_rate: 0.2,
  breaker_complaint_rate: 0.003,
  breaker_min_delivered: 4,
};

it('breakerVerdict: nothing before the minimum of deliveries, then the first threshold crossed', () => {
  const s = { breaker_min_delivered: 100, breaker_unsubscribe_rate: 0.02, breaker_complaint_rate: 0.003 };
  expect(breakerVerdict({ delivered: 99, unsubscribes: 50, complaints: 50 }, s)).toBeNull();
  expect(breakerVerdict({ delivered: 1000, unsubscribes: 19, complaints: 2 }, s)).toBeNull();
  expect(breakerVerdict({ delivered: 1000, unsubscribes: 20, complaints: 0 }, s)).toBe('unsubscribe_rate');
  expect(breakerVerdict({ delivered: 1000, unsubscribes: 0, complaints: 3 }, s)).toBe('complaint_rate');
});

describeEachDatabase('deliverability: complaint rate and circuit breaker', (ctx) => {
  let sink: SmtpSink;
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let organizer: TestClient;
  let listId: string;
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const run = (mailingId: string, extra: { batchSize?: number; progress?: () => Promise<void> } = {}) => {
    const transport = createBulkTransport(t.runtime.config.mailing, ctx.database.db);
    return sendMailing({
      campaignId: c.id,
      mailingId,
      tenant: tenant(),
      config: t.runtime.config,
      transport,
      soleWorker: false,
      ...(extra.batchSize ? { batchSize: extra.batchSize } : {}),
      ...(extra.progress ? { progress: extra.progress } : {}),
    }).finally(() => transport.close());
  };
  const create = async () => {
    const res = await owner.request('POST', '/api/v1/messages', {
      name: 'Lettre',
      subject: 'Bonjour',
      from: 'Équipe',
      content: { blocks: [{ type: 'paragraph', text: 'Nouvelles.' }] },
      audience: { list_ids: [listId] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const audit = async (action: string) =>
    ctx.database.db.selectFrom('audit_event').selectAll().where('campaign_id', '=', c.id).where('action', '=', action).execute();
  const state = async () => (await owner.request('GET', '/api/v1/messaging/deliverability/state')).json();

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.campagne.test',
      mailing: sinkMailingConfig(sink, { connections: 2 }),
    });
    c = await createCampaignFixture(ctx.database.db, 'plaintes');
    const people = Array.from({ length: 10 }, (_, i) => ({
      given_name: `P${i}`,
      family_name: 'Test',
      email: `p${i}@exemple.test`,
      zone_ids: [c.zones[0]?.id as string],
    }));
    ({ listId } = await mailableListFixture(ctx.database.db, c.id, people));
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'orga@example.org', role: 'organizer' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    organizer = new TestClient(t.app);
    await organizer.login('orga@example.org');
    expect((await owner.request('PUT', '/api/v1/messaging/deliverability', SETTINGS)).statusCode).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('stops a send whose unsubscribe rate crosses the threshold, shows why, and lets a person resume it', async () => {
    const id = await create();
    expect((await owner.request('POST', `/api/v1/messages/${id}/send`)).statusCode).toBe(202);
    const before = sink.messages.length;
    let batches = 0;
    // After the first batch of 5, two of its recipients unsubscribe with the one-click POST (40 % ≥ 20 %).
    const outcome = await run(id, {
      batchSize: 5,
      progress: async () => {
        batches += 1;
        if (batches > 1) return;
        for (const m of sink.messages.slice(before, before + 2)) {
          const url = new URL(/<(https:[^>]+)>/.exec(m.raw.replace(/\r?\n[ \t]+/g, ' '))?.[1] ?? '');
          const res = await t.app.inject({
            method: 'POST',
            url: url.pathname,
            payload: 'List-Unsubscribe=One-Click',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          });
          expect(res.statusCode).toBe(200);
        }
      },
    });
    expect(outcome).toMatchObject({ done: true, sent: 5, breaker: 'unsubscribe_rate' });
    expect(sink.messages.length - before).toBe(5);
    const paused = (await owner.request('GET', `/api/v1/messages/${id}`)).json();
    expect(paused).toMatchObject({ status: 'paused', pause_reason: 'unsubscribe_rate' });
    expect((await audit('mail.circuit_breaker')).map((a) => a.details)).toEqual([
      { reason: 'unsubscribe_rate', delivered: 5, unsubscribes: 2, complaints: 0, threshold: 0.2 },
    ]);

    // A person resumes: the breaker stays quiet for this mailing, the rest goes out (less the two).
    const resumed = (await owner.request('POST', `/api/v1/messages/${id}/send`)).json();
    expect(resumed).toMatchObject({ status: 'sending', pause_reason: null });
    expect(await run(id)).toMatchObject({ done: true, sent: 5 });
    expect(sink.messages.length - before).toBe(10);
  });

  it('alerts at 0.1 %, pauses sending at 0.3 % until an admin resumes, and pauses again on a new complaint', async () => {
    // 1,000 messages sent in the last 24 hours (an earlier mailing).
    const earlier = uuidv7();
    await ctx.database.db.insertInto('mailing').values({ campaign_id: c.id, id: earlier, status: 'sent', subject: 'Avant' }).execute();
    const rows = Array.from({ length: 990 }, (_, i) => ({
      campaign_id: c.id,
      id: uuidv7(),
      mailing_id: earlier,
      person_id: uuidv7(),
      email: `r${i}@exemple.test`,
      status: 'sent' as const,
      sent_at: new Date(),
    }));
    await ctx.database.db
      .insertInto('person')
      .values(rows.map((r) => ({ campaign_id: c.id, id: r.person_id, given_name: 'R', family_name: 'R', email: r.email })))
      .execute();
    await ctx.database.db.insertInto('mailing_recipient').values(rows).execute();
    const complain = (i: number) =>
      tenant()((trx) =>
        applyDeliveryReport(trx, c.id, {
          source: 'mailgun',
          sourceEventId: `complaint-${i}`,
          kind: 'complaint',
          email: rows[i]?.email as string,
          recipientId: rows[i]?.id as string,
          messageId: null,
          statusCode: null,
          diagnostic: null,
          occurredAt: new Date(),
          trustAddressAlone: false,
        }),
      );
    // 990 here + the 10 of the first test = 1,000 sent.
    expect(await state()).toMatchObject({ complaints: 0, sent: 1000, alert: false, paused_at: null });
    await complain(0);
    expect(await state()).toMatchObject({ complaints: 1, sent: 1000, rate: 0.001, alert: true, paused_at: null });
    expect(await audit('mail.complaint_alert')).toHaveLength(1);

    const running = await create();
    expect((await owner.request('POST', `/api/v1/messages/${running}/send`)).statusCode).toBe(202);
    await complain(1);
    await complain(2);
    const paused = await state();
    expect(paused).toMatchObject({ complaints: 3, rate: 0.003, alert: true, paused_rate: 0.003 });
    expect(paused.paused_at).not.toBeNull();
    // One alert line a day; one pause line.
    expect(await audit('mail.complaint_alert')).toHaveLength(1);
    expect((await audit('mail.sending_paused')).map((a) => a.details)).toEqual([
      { rate: 0.003, complaints: 3, sent: 1000, threshold: 0.003 },
    ]);

    // The running send stops before its next batch; a new send is refused with its code.
    const before = sink.messages.length;
    expect(await run(running)).toMatchObject({ done: false, retryAt: null, sent: 0, pausedByComplaints: true });
    expect(sink.messages.length).toBe(before);
    const refused = await owner.request('POST', `/api/v1/messages/${await create()}/send`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'MAILING_SENDING_PAUSED', paused_rate: 0.003 });

    // Only an admin resumes; the sends left sending are queued again and go out.
    expect((await organizer.request('POST', '/api/v1/messaging/deliverability/resume')).statusCode).toBe(403);
    const resumed = await owner.request('POST', '/api/v1/messaging/deliverability/resume');
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json()).toMatchObject({ paused_at: null });
    expect(await audit('mail.sending_resumed')).toHaveLength(1);
    const queued = await ctx.database.db
      .selectFrom('job_run')
      .select('params')
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'messaging.send')
      .execute();
    expect(queued.map((j) => (j.params as { mailing_id: string }).mailing_id)).toContain(running);
    // (Less the two who unsubscribed in the first test.)
    expect(await run(running)).toMatchObject({ done: true, sent: 8 });
    // The old complaints are still in the window, but a send's start does not pause again without a new one…
    expect((await state()).paused_at).toBeNull();
    // …and a new complaint does.
    await complain(3);
    expect((await state()).paused_at).not.toBeNull();
  });
});
