// Webhooks end to end, against a real receiver on loopback (node:http): a change commits, the
// dispatcher writes the delivery, a pass signs and sends it; 500s are retried on the schedule with
// the same idempotency key; an endpoint failing for a day is disabled with a notice; the log
// replays; who may manage webhooks; bad input answers problem+json with stable codes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { RETRY_WINDOW_MS } from './backoff.ts';
import { attemptDelivery, DELIVERY_LOG_RETENTION_DAYS, deliverDue, deliveryLogJanitorOf } from './delivery.ts';
import { verifySignature } from './signature.ts';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: Record<string, unknown>[];
}

/** A webhook receiver on loopback answering from a script of statuses (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', headers: req.headers, raw, body: JSON.parse(raw) });
      const status = req.url?.startsWith('/down') ? 500 : (script.shift() ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 500 ? 'boom' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    script,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * How long a test waits for the dispatcher: on PostgreSQL it delivers an event only once every
 * older transaction of the server has ended, and other suites share that server.
 */
const DISPATCH_WAIT_MS = 60_000;
const SLOW = { timeout: 4 * DISPATCH_WAIT_MS };

describeEachDatabase('webhooks', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const ALLOW = ['127.0.0.0/8'];

  beforeAll(async () => {
    receiver = await startReceiver();
    t = await buildTestApp(ctx.database, { webhookAllowNetworks: ALLOW });
    c = await createCampaignFixture(ctx.database.db, 'webhooks');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'admin@example.org', role: 'admin' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'organizer@example.org', role: 'organizer' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  /** A delivery pass with the clock at `at` (default now). */
  const pass = (at?: Date) => deliverDue({ tenant: tenant(), allowNetworks: ALLOW, now: () => at ?? new Date() });
  const subscribe = async (path: string, eventTypes: string[]) => {
    const res = await owner.request('POST', '/api/v1/webhooks', { url: receiver.url(path), event_types: eventTypes, name: path });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; secret: string };
  };
  /** The deliveries of a subscription, once the dispatcher (after commit) has written `n` of them. */
  const deliveriesOf = async (subscriptionId: string, n: number) => {
    await expect
      .poll(
        async () =>
          (await ctx.database.db.selectFrom('webhook_delivery').select('id').where('subscription_id', '=', subscriptionId).execute())
            .length,
        { timeout: DISPATCH_WAIT_MS, interval: 100 },
      )
      .toBe(n);
    return ctx.database.db.selectFrom('webhook_delivery').selectAll().where('subscription_id', '=', subscriptionId).orderBy('id').execute();
  };
  /** Waits until the dispatcher has handled the events about a person (its cursor is past them). */
  const dispatched = async (personId: string) => {
    await expect
      .poll(
        async () => {
          const { rows } = await sql<{ left: string }>`select count(*)::text as left from domain_event e, domain_event_cursor c
            where c.subscriber = 'webhooks' and e.person_id = ${personId} and (e.txid, e.id) > (c.last_txid, c.last_id)`.execute(
            ctx.database.db,
          );
          return rows[0]?.left;
        },
        { timeout: DISPATCH_WAIT_MS, interval: 100 },
      )
      .toBe('0');
  };
  const createPerson = async (family_name: string) => {
    const res = await owner.request('POST', '/api/v1/people', {
      family_name,
      email_addresses: [{ address: `${family_name.toLowerCase()}@example.org` }],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('lists the event types a webhook may subscribe to, French and English', async () => {
    const res = await owner.request('GET', '/api/v1/webhooks/event_types');
    expect(res.statusCode).toBe(200);
    const types = res.json().event_types as { type: string; key: string; label_fr: string }[];
    expect(types.map((e) => e.type)).toEqual([
      'person.created',
      'person.updated',
      'person.tagged',
      'consent.changed',
      'ladder.moved',
      'people.imported',
    ]);
    expect(types[0]).toEqual({ type: 'person.created', key: 'osdi:person', label_fr: 'Contact créé', label_en: 'Person created' });
  });

  it('shows the secret once, at creation', async () => {
    const created = await subscribe('/once', ['person.created']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const list = await owner.request('GET', '/api/v1/webhooks');
    const one = await owner.request('GET', `/api/v1/webhooks/${created.id}`);
    expect(list.body).not.toContain(created.secret);
    expect(one.body).not.toContain(created.secret);
    expect(one.json()).toMatchObject({ url: receiver.url('/once'), event_types: ['person.created'], active: true, disabled_reason: null });
    await owner.request('DELETE', `/api/v1/webhooks/${created.id}`);
  });

  it('delivers a signed array after commit, retries after 500s with the same idempotency key, on the schedule', SLOW, async () => {
    const { id, secret } = await subscribe('/people', ['person.created', 'person.tagged']);
    const before = receiver.received.length;
    receiver.script.push(500, 500);
    const personId = await createPerson('Signed');
    const [delivery] = await deliveriesOf(id, 1);
    expect(delivery).toMatchObject({ event_type: 'person.created', state: 'pending', attempts: 0 });
    const start = new Date();
    // First attempt: 500, next one 30 s later.
    expect(await pass(start)).toMatchObject({ sent: 1, failed: 1 });
    let row = await ctx.database.db.selectFrom('webhook_delivery').selectAll().where('id', '=', delivery!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, response_status: 500, error: 'HTTP 500: boom' });
    expect(row.next_attempt_at!.getTime()).toBe(start.getTime() + 30_000);
    expect(row.retry_until.getTime() - row.created_at.getTime()).toBeGreaterThan(RETRY_WINDOW_MS - 60_000);
    // Not before its time.
    expect(await pass(new Date(start.getTime() + 29_000))).toMatchObject({ sent: 0 });
    // Second attempt 30 s later: 500 again, then a minute; third: 200.
    expect(await pass(new Date(start.getTime() + 30_000))).toMatchObject({ sent: 1, failed: 1 });
    row = await ctx.database.db.selectFrom('webhook_delivery').selectAll().where('id', '=', delivery!.id).executeTakeFirstOrThrow();
    expect(row.next_attempt_at!.getTime()).toBe(start.getTime() + 90_000);
    expect(await pass(new Date(start.getTime() + 90_000))).toMatchObject({ sent: 1, succeeded: 1 });
    row = await ctx.database.db.selectFrom('webhook_delivery').selectAll().where('id', '=', delivery!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'succeeded', attempts: 3, response_status: 200, error: null, next_attempt_at: null });
    expect(row.duration_ms).toBeGreaterThanOrEqual(0);

    const got = receiver.received.slice(before);
    expect(got).toHaveLength(3);
    const keys = got.map((r) => r.body[0]?.idempotency_key);
    expect(new Set(keys)).toEqual(new Set([delivery!.event_id]));
    for (const r of got) {
      // Each attempt is signed at its own time; a receiver checks it against its clock.
      const header = String(r.headers['relais-signature']);
      const t = Number(/t=(\d+)/.exec(header)?.[1]) * 1000;
      expect(verifySignature(secret, r.raw, header, { now: new Date(t) })).toBe(true);
      expect(verifySignature('whsec_wrong', r.raw, header, { now: new Date(t) })).toBe(false);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['idempotency-key']).toBe(delivery!.event_id);
    }
    const [object] = got[0]!.body;
    expect(object).toMatchObject({
      'osdi:person': { id: personId, family_name: 'Signed', identifiers: [`relais:${personId}`] },
      'relais:event': { id: delivery!.event_id, type: 'person.created', actor: 'owner@example.org' },
      idempotency_key: delivery!.event_id,
    });

    // A tagging arrives as osdi:tagging, linked to its tag and person; an update (not subscribed) does not arrive.
    const tag = await owner.request('POST', '/api/v1/tags', { name: 'Bénévoles' });
    await owner.request('POST', `/api/v1/tags/${tag.json().id}/taggings`, { person_id: personId });
    await owner.request('PUT', `/api/v1/people/${personId}`, { given_name: 'Changed' });
    const all = await deliveriesOf(id, 2);
    expect(all.map((d) => d.event_type)).toEqual(['person.created', 'person.tagged']);
    await pass();
    const tagging = receiver.received.at(-1)!.body[0]!;
    expect(tagging['osdi:tagging']).toMatchObject({
      tag: { id: tag.json().id, name: 'Bénévoles' },
      person: { id: personId },
      _links: { 'osdi:tag': { href: expect.stringMatching(new RegExp(`/api/v1/tags/${tag.json().id}$`)) } },
    });
    await owner.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('gives a delivery up after a day of failures, and disables an endpoint failing for a day', SLOW, async () => {
    const { id } = await subscribe('/down', ['person.created']);
    await createPerson('Unreachable');
    const [delivery] = await deliveriesOf(id, 1);
    const start = new Date();
    await pass(start);
    let sub = await ctx.database.db.selectFrom('webhook_subscription').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(sub).toMatchObject({ active: true, consecutive_failures: 1, last_error: 'HTTP 500: boom' });
    // A day later: the last attempt fails, the delivery is given up and the endpoint disabled.
    await pass(new Date(start.getTime() + RETRY_WINDOW_MS + 1000));
    const row = await ctx.database.db.selectFrom('webhook_delivery').selectAll().where('id', '=', delivery!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'failed', attempts: 2, next_attempt_at: null });
    sub = await ctx.database.db.selectFrom('webhook_subscription').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(sub).toMatchObject({ active: false, disabled_reason: 'failing', consecutive_failures: 2 });
    const shown = (await owner.request('GET', `/api/v1/webhooks/${id}`)).json();
    expect(shown).toMatchObject({ active: false, disabled_reason: 'failing', last_error: 'HTTP 500: boom' });
    const audit = await owner.request('GET', '/api/v1/audit_events?action=webhook.disabled');
    expect(audit.json()._embedded.audit_events[0]).toMatchObject({ target_id: id, actor_label: 'Relais' });

    // While disabled, new events make no delivery; re-enabled, its failures are forgotten.
    await dispatched(await createPerson('WhileDisabled'));
    const reenabled = await owner.request('PUT', `/api/v1/webhooks/${id}`, { active: true, url: receiver.url('/back') });
    expect(reenabled.json()).toMatchObject({
      active: true,
      disabled_reason: null,
      consecutive_failures: 0,
      failing_since: null,
      last_error: null,
    });
    await createPerson('AfterReenable');
    const rows = await deliveriesOf(id, 2);
    expect(rows.at(-1)?.body).toMatchObject([{ 'osdi:person': { family_name: 'AfterReenable' } }]);
    await owner.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('replays a delivery from the log with its body and idempotency key; a pending one cannot be', SLOW, async () => {
    const { id, secret } = await subscribe('/replay', ['person.created']);
    await createPerson('Replayed');
    const [delivery] = await deliveriesOf(id, 1);
    const early = await owner.request('POST', `/api/v1/webhooks/${id}/deliveries/${delivery!.id}/replay`);
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('WEBHOOK_DELIVERY_PENDING');
    await pass();
    const first = receiver.received.at(-1)!;
    const log = await owner.request('GET', `/api/v1/webhooks/${id}/deliveries`);
    expect(log.json()).toMatchObject({
      total_records: 1,
      _embedded: { deliveries: [{ id: delivery!.id, state: 'succeeded', attempts: 1, response_status: 200 }] },
    });
    const replay = await owner.request('POST', `/api/v1/webhooks/${id}/deliveries/${delivery!.id}/replay`);
    expect(replay.statusCode, replay.body).toBe(202);
    expect(replay.json()).toMatchObject({ state: 'pending', manual: true });
    await pass();
    const again = receiver.received.at(-1)!;
    expect(again.body).toEqual(first.body);
    expect(verifySignature(secret, again.raw, String(again.headers['relais-signature']))).toBe(true);
    const detail = (await owner.request('GET', `/api/v1/webhooks/${id}/deliveries/${delivery!.id}`)).json();
    expect(detail).toMatchObject({ state: 'succeeded', attempts: 2, body: first.body });
    await owner.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('deletes finished deliveries from the log after the retention, never pending ones', async () => {
    const { id } = await subscribe('/old', ['person.created']);
    const old = new Date(Date.now() - (DELIVERY_LOG_RETENTION_DAYS + 1) * 24 * 3600_000);
    const row = (n: number, state: 'succeeded' | 'failed' | 'pending') => ({
      campaign_id: c.id,
      id: `01900000-0000-7000-8000-00000000000${n}`,
      subscription_id: id,
      event_type: 'person.created',
      idempotency_key: `k${n}`,
      body: '[]',
      state,
      retry_until: old,
      created_at: old,
    });
    await ctx.database.db
      .insertInto('webhook_delivery')
      .values([row(1, 'succeeded'), row(2, 'failed'), row(3, 'pending')])
      .execute();
    const recent = (await owner.request('POST', `/api/v1/webhooks/${id}/test`)).json().id;
    const summary = await deliveryLogJanitorOf()({ database: ctx.database, soleWorker: true, isRunPending: async () => false });
    expect(summary).toMatch(/deleted 2 deliveries/);
    const left = await ctx.database.db
      .selectFrom('webhook_delivery')
      .select('id')
      .where('subscription_id', '=', id)
      .orderBy('id')
      .execute();
    expect(left.map((r) => r.id)).toEqual(['01900000-0000-7000-8000-000000000003', recent].sort());
    await owner.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('refuses private addresses unless the deployment allows them: loopback is refused by default', async () => {
    // The default settings (no WEBHOOK_ALLOW_NETWORKS): the receiver on loopback is never reached.
    const before = receiver.received.length;
    const outcome = await attemptDelivery(
      { id: 'x', url: receiver.url('/default'), secret: 's', body: [], event_type: 'webhook.test', idempotency_key: 'k' },
      { allowNetworks: [], now: new Date() },
    );
    expect(outcome).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/127\.0\.0\.1.*not a public address/) });
    expect(receiver.received.length).toBe(before);
    // Through the API, with the test's allow-list of loopback only: other private targets are refused.
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://0xa9fea9fe/',
    ]) {
      const res = await owner.request('POST', '/api/v1/webhooks', { url, event_types: ['person.created'] });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'WEBHOOK_URL_FORBIDDEN', reason: 'private_address' });
    }
  });

  it('answers bad input with problem+json and stable codes', async () => {
    const cases: [unknown, number, string][] = [
      [{ url: 'ftp://example.org/', event_types: ['person.created'] }, 400, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: 'https://user:pw@example.org/', event_types: ['person.created'] }, 400, 'WEBHOOK_URL_FORBIDDEN'],
      [{ url: receiver.url('/x'), event_types: ['person.created', 'petition.signed'] }, 400, 'WEBHOOK_EVENT_TYPE_UNKNOWN'],
      [{ url: receiver.url('/x'), event_types: [] }, 400, 'VALIDATION_FAILED'],
      [{ url: receiver.url('/x') }, 400, 'VALIDATION_FAILED'],
      [{ url: receiver.url('/x'), event_types: ['person.created'], secret: 'mine' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [payload, status, code] of cases) {
      const res = await owner.request('POST', '/api/v1/webhooks', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toBe(code);
    }
    const unknown = await owner.request('POST', '/api/v1/webhooks', { url: receiver.url('/x'), event_types: ['nope'] });
    expect(unknown.json().errors).toEqual([{ pointer: '/event_types/0', message: 'unknown event type "nope"' }]);
    const missing = '01900000-0000-7000-8000-000000000000';
    expect((await owner.request('GET', `/api/v1/webhooks/${missing}`)).json().code).toBe('NOT_FOUND');
    expect((await owner.request('POST', `/api/v1/webhooks/${missing}/test`)).statusCode).toBe(404);
    expect((await owner.request('PUT', `/api/v1/webhooks/${missing}`, { active: true })).statusCode).toBe(404);
    expect((await owner.request('GET', '/api/v1/webhooks/not-a-uuid')).json().code).toBe('VALIDATION_FAILED');
  });

  it('lets campaign admins and tokens with the webhooks scope manage webhooks, and no one else', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@example.org');
    expect((await admin.request('GET', '/api/v1/webhooks')).statusCode).toBe(200);
    const organizer = new TestClient(t.app);
    await organizer.login('organizer@example.org');
    const refused = await organizer.request('GET', '/api/v1/webhooks');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('FORBIDDEN');
    const scopes = (await owner.request('GET', '/api/v1/api_tokens/scopes')).json().scopes as { id: string; description_fr: string }[];
    expect(scopes.find((s) => s.id === 'webhooks:manage')?.description_fr).toBe('Gérer les webhooks (abonnements, journal des envois)');
    const withScope = (await owner.request('POST', '/api/v1/api_tokens', { name: 'hooks', scopes: ['webhooks:manage'] })).json().token;
    const without = (await owner.request('POST', '/api/v1/api_tokens', { name: 'read', scopes: ['people:read'] })).json().token;
    const bearer = (token: string) => t.app.inject({ url: '/api/v1/webhooks', headers: { authorization: `Bearer ${token}` } });
    expect((await bearer(withScope)).statusCode).toBe(200);
    const missing = await bearer(without);
    expect(missing.statusCode).toBe(403);
    expect(missing.json().code).toBe('TOKEN_SCOPE_MISSING');
  });

  it('keeps webhooks apart by campaign', async () => {
    const { id } = await subscribe('/mine', ['person.created']);
    const other = await createCampaignFixture(ctx.database.db, 'webhooks-other');
    await createMemberFixture(ctx.database.db, other.id, { email: 'other-owner@example.org', role: 'owner' });
    const stranger = new TestClient(t.app);
    await stranger.login('other-owner@example.org');
    expect((await stranger.request('GET', `/api/v1/webhooks/${id}`)).statusCode).toBe(404);
    expect((await stranger.request('GET', '/api/v1/webhooks')).json().total_records).toBe(0);
    expect((await stranger.request('POST', `/api/v1/webhooks/${id}/test`)).statusCode).toBe(404);
    await owner.request('DELETE', `/api/v1/webhooks/${id}`);
  });

  it('sends a test and retries through the job runtime, and mails the admins when it disables an endpoint', SLOW, async () => {
    await t.runtime.jobs.work();
    const { id, secret } = await subscribe('/job', ['person.created']);
    const before = receiver.received.length;
    const test = await owner.request('POST', `/api/v1/webhooks/${id}/test`);
    expect(test.statusCode, test.body).toBe(202);
    await expect.poll(() => receiver.received.length, { timeout: DISPATCH_WAIT_MS, interval: 100 }).toBeGreaterThan(before);
    const got = receiver.received.at(-1)!;
    expect(got.body[0]).toMatchObject({ 'relais:event': { type: 'webhook.test' }, idempotency_key: test.json().id });
    expect(verifySignature(secret, got.raw, String(got.headers['relais-signature']))).toBe(true);
    await expect
      .poll(async () => (await owner.request('GET', `/api/v1/webhooks/${id}/deliveries`)).json()._embedded.deliveries[0].state, {
        timeout: DISPATCH_WAIT_MS,
      })
      .toBe('succeeded');

    // An endpoint already failing for a day: the job's pass fails once more, disables it and mails the admins.
    const down = await subscribe('/down/job', ['person.created']);
    await ctx.database.db
      .updateTable('webhook_subscription')
      .set({ consecutive_failures: 12, failing_since: new Date(Date.now() - RETRY_WINDOW_MS - 60_000) })
      .where('id', '=', down.id)
      .execute();
    await createPerson('Noticed');
    await expect
      .poll(async () => (await owner.request('GET', `/api/v1/webhooks/${down.id}`)).json().disabled_reason, {
        timeout: DISPATCH_WAIT_MS,
        interval: 200,
      })
      .toBe('failing');
    await expect
      .poll(
        async () =>
          (await ctx.database.db.selectFrom('dev_outbox').select(['to_address', 'subject']).where('campaign_id', '=', c.id).execute())
            .filter((m) => m.subject.includes('webhook'))
            .map((m) => m.to_address)
            .sort(),
        { timeout: DISPATCH_WAIT_MS },
      )
      .toEqual(['admin@example.org', 'owner@example.org']);
    // The passes ran as jobs, but stay off the jobs screen (each delivery is in its webhook's log).
    const runs = await ctx.database.db.selectFrom('job_run').select('kind').where('campaign_id', '=', c.id).execute();
    expect(runs.some((r) => r.kind === 'webhooks.deliver')).toBe(true);
    const listed = (await owner.request('GET', '/api/v1/jobs')).json()._embedded.jobs as { kind: string }[];
    expect(listed.filter((j) => j.kind === 'webhooks.deliver')).toEqual([]);
  });
});
