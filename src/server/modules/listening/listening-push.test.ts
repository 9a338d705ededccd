// Listening's push sources against local servers on loopback speaking the real protocols: a WebSub
// hub that verifies the subscription with a GET to the callback of the real listening server and
// distributes signed POSTs when it publishes, and a Mastodon instance's SSE streaming with its REST
// tag timeline for the catch-up after a reconnect.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import type { EnqueueOptions } from '../../jobs/queue.ts';
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
import { keepLogLines } from '../../testing/log-lines.ts';
import { freePort } from '../../testing/ports.ts';
import { TargetRefused } from '../webhooks/index.ts';
import { sseParser } from './adapters/mastodon-stream.ts';
import { discoverHub, verifyHubSignature } from './adapters/websub.ts';
import { guardedStream } from './fetch.ts';
import { startWebSubHub } from './listening-push.fixture.ts';
import { MASTODON_TOKEN, startMastodon } from './listening-servers.fixture.ts';
import { envOf, passJob } from './pass.ts';
import { runStream, STREAM_JOB, type StreamDeps } from './stream.job.ts';
import { SAFETY_POLL_MS, websubMaintenance } from './websub.service.ts';

describeEachDatabase('listening push', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let cm: TestClient;
  let hub: Awaited<ReturnType<typeof startWebSubHub>>;
  let masto: Awaited<ReturnType<typeof startMastodon>>;
  const logs: string[] = [];
  const key = randomBytes(32);
  let watchId = '';

  beforeAll(async () => {
    [hub, masto] = await Promise.all([startWebSubHub(), startMastodon()]);
    // Every log line the app writes is kept (and not printed): none may hold a credential.
    keepLogLines(logs);
    const port = await freePort();
    t = await buildTestApp(ctx.database, {
      logLevel: 'info',
      publicUrl: `http://127.0.0.1:${port}`,
      listening: { secretKey: key, allowNetworks: ['127.0.0.0/8'] },
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    c = await createCampaignFixture(ctx.database.db, 'listeningpush');
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    cm = new TestClient(t.app);
    await cm.login('cm@example.org');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await Promise.all([hub?.close(), masto?.close()]);
  });

  const watch = async () => (await cm.request('GET', `/api/v1/listening/watches/${watchId}`)).json();
  const mentions = async (q: string) => (await cm.request('GET', `/api/v1/listening/mentions?q=${encodeURIComponent(q)}`)).json();

  it('discovers the hub from the Link header before the feed, and checks signatures of every algorithm in constant time', () => {
    expect(discoverHub({ link: '<https://hub.example/>; rel="hub", <https://blog.example/feed>; rel="self"' }, '', 'https://x/f')).toEqual({
      hub: 'https://hub.example/',
      topic: 'https://blog.example/feed',
    });
    expect(
      discoverHub(
        {},
        '<rss><channel><atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/><atom:link rel="self" href="https://b/rss"/><item><link rel="hub" href="https://evil/"/></item></channel></rss>',
        'https://b/feed',
      ),
    ).toEqual({ hub: 'https://pubsubhubbub.appspot.com/', topic: 'https://b/rss' });
    expect(discoverHub({}, '<rss><channel><title>x</title></channel></rss>', 'https://b/feed')).toBeNull();
    const body = Buffer.from('<feed/>');
    for (const alg of ['sha1', 'sha256', 'sha384', 'sha512']) {
      const sig = `${alg}=${createHmac(alg, 's3cret').update(body).digest('hex')}`;
      expect(verifyHubSignature('s3cret', sig, body), alg).toBe('valid');
      expect(verifyHubSignature('other', sig, body), alg).toBe('invalid');
    }
    expect(verifyHubSignature('s3cret', undefined, body)).toBe('missing');
    expect(verifyHubSignature('s3cret', 'md5=abcd', body)).toBe('invalid');
  });

  it('subscribes at the hub a feed names; the hub verifies through the real callback; polling becomes hourly', async () => {
    hub.entries.push({ id: 'e1', title: 'Anne Dupont au conseil', summary: 'Compte rendu du conseil' });
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'Journal du 11e',
      source: 'rss',
      feed_url: hub.feedUrl,
      query: { phrases: ['Anne Dupont'] },
    });
    expect(res.statusCode).toBe(201);
    watchId = res.json().id;
    const verified = hub.nextVerification();
    const poll = await cm.request('POST', `/api/v1/listening/watches/${watchId}/poll`);
    expect(poll.json()).toMatchObject({ added: 1, error: null });
    await verified;
    expect(hub.requests[0]).toMatchObject({ mode: 'subscribe', topic: hub.feedUrl, lease: String(7 * 24 * 3600) });
    expect(hub.requests[0]?.callback).toMatch(/\/api\/v1\/listening\/websub\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}$/);
    expect(hub.requests[0]?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hub.verifications).toEqual([expect.objectContaining({ mode: 'subscribe', status: 200, echoed: true })]);
    const w = await watch();
    expect(w.push.websub).toMatchObject({ state: 'verified', hub_url: hub.hubUrl, topic_url: hub.feedUrl, lease_seconds: 3 * 24 * 3600 });
    expect(new Date(w.next_poll_at).getTime()).toBeGreaterThan(Date.now() + SAFETY_POLL_MS - 60_000);
    // The secret is sealed: not in the database in clear.
    const row = await ctx.database.db.selectFrom('listening_websub').select('secret').executeTakeFirstOrThrow();
    expect(Buffer.from(row.secret).includes(Buffer.from(hub.requests[0]?.secret ?? 'x'))).toBe(false);
  });

  it('ingests a signed delivery at once, through the same matching and de-duplication as a poll', async () => {
    const statuses = await hub.publish({ id: 'e2', title: 'Anne Dupont et les crèches', summary: 'Bravo pour le 11e arrondissement' });
    expect(statuses).toEqual([202]);
    const found = await mentions('crèches');
    expect(found.total_records).toBe(1);
    expect(found._embedded.mentions[0]).toMatchObject({ source: 'rss', arrondissement: 11, watch_id: watchId });
    // The delivery carried e1 again (already polled): one mention each, and the non-matching entry none.
    await hub.publish({ id: 'e3', title: 'Recette du jour', summary: 'Rien à voir' });
    expect((await mentions('conseil')).total_records).toBe(1);
    expect((await mentions('Recette')).total_records).toBe(0);
    expect((await watch()).push.websub).toMatchObject({ deliveries: 2, rejected: 0 });
  });

  it('drops a delivery with a wrong or missing signature (answered 2xx as WebSub §8 allows), counted and logged', async () => {
    const forged = await hub.publish({ id: 'e4', title: 'Anne Dupont démissionne', summary: 'Faux' }, () => `sha256=${'0'.repeat(64)}`);
    expect(forged).toEqual([202]);
    const unsigned = await hub.publish({ id: 'e5', title: 'Anne Dupont, faux encore', summary: 'Faux' }, () => null);
    expect(unsigned).toEqual([202]);
    expect((await mentions('démissionne')).total_records).toBe(0);
    expect((await mentions('faux encore')).total_records).toBe(0);
    expect((await watch()).push.websub).toMatchObject({ deliveries: 2, rejected: 2 });
    expect(logs.filter((l) => l.includes('websub delivery dropped')).length).toBe(2);
    // A callback no subscription has: 410, so a hub stops.
    const gone = await fetch(`${t.app.deps.config.publicUrl}/api/v1/listening/websub/${c.id}/${'A'.repeat(43)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/atom+xml' },
      body: '<feed/>',
    });
    expect(gone.status).toBe(410);
    // A body over the cap is refused before it is read.
    const callback = hub.requests[0]?.callback ?? '';
    const big = await fetch(callback, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
  });

  it('refuses a verification for a topic it did not ask for, or for an unknown callback', async () => {
    const callback = hub.requests[0]?.callback ?? '';
    expect(await hub.verifyRaw(callback, 'http://127.0.0.1:1/other-feed')).toBe(false);
    expect(hub.verifications.at(-1)).toMatchObject({ status: 404, echoed: false });
    expect(await hub.verifyRaw(callback.replace(/[^/]+$/, 'B'.repeat(43)), hub.feedUrl)).toBe(false);
    expect(hub.verifications.at(-1)).toMatchObject({ status: 404 });
    // Unsolicited: a renewal nobody asked for (the request was answered over a day ago) is refused.
    await ctx.database.db
      .updateTable('listening_websub')
      .set({ requested_at: new Date(Date.now() - 2 * 86_400_000) })
      .execute();
    expect(await hub.verifyRaw(callback, hub.feedUrl)).toBe(false);
  });

  it('records a hub that denies the subscription (WebSub §5.2), and polls the feed again at once', async () => {
    const db = ctx.database.db;
    const before = await db.selectFrom('listening_websub').selectAll().executeTakeFirstOrThrow();
    const watchBefore = await db
      .selectFrom('listening_watch')
      .select(['id', 'next_poll_at'])
      .where('id', '=', before.watch_id ?? '')
      .executeTakeFirstOrThrow();
    const callback = hub.requests[0]?.callback ?? '';
    const denial = (topic: string) =>
      fetch(`${callback}?${new URLSearchParams({ 'hub.mode': 'denied', 'hub.topic': topic, 'hub.reason': 'quota dépassé' })}`);
    // A denial for another topic changes nothing.
    expect((await denial('http://127.0.0.1:1/other-feed')).status).toBe(404);
    expect((await db.selectFrom('listening_websub').select('state').executeTakeFirstOrThrow()).state).toBe(before.state);
    const answer = await denial(hub.feedUrl);
    expect(answer.status).toBe(200);
    const after = await db.selectFrom('listening_websub').select(['state', 'denied_reason']).executeTakeFirstOrThrow();
    expect(after).toEqual({ state: 'denied', denied_reason: 'quota dépassé' });
    const watch = await db.selectFrom('listening_watch').select('next_poll_at').where('id', '=', watchBefore.id).executeTakeFirstOrThrow();
    expect(watch.next_poll_at.getTime()).toBeLessThanOrEqual(Date.now());
    // Put back as it was for the renewal that follows.
    await db.updateTable('listening_websub').set({ state: before.state, denied_reason: before.denied_reason }).execute();
    await db.updateTable('listening_watch').set({ next_poll_at: watchBefore.next_poll_at }).where('id', '=', watchBefore.id).execute();
  });

  it('renews the lease before it ends (the pass asks the hub again, which re-verifies)', async () => {
    const tenant = tenantRunnerOf(ctx.database.db, c.id);
    const env = envOf(t.app.deps.config);
    const before = hub.requests.length;
    // Far from the end: nothing asked.
    expect((await websubMaintenance(tenant, env, c.id)).asked).toBe(0);
    await ctx.database.db
      .updateTable('listening_websub')
      .set({ expires_at: new Date(Date.now() + 30 * 60_000) })
      .execute();
    const verified = hub.nextVerification();
    expect((await websubMaintenance(tenant, env, c.id)).asked).toBe(1);
    await verified;
    expect(hub.requests.slice(before)).toEqual([expect.objectContaining({ mode: 'subscribe', topic: hub.feedUrl })]);
    expect(hub.verifications.at(-1)).toMatchObject({ echoed: true });
    const w = (await watch()).push.websub;
    expect(w.state).toBe('verified');
    expect(new Date(w.expires_at).getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    // A lease that ran out: expired, and the watch is polled at once (which subscribes again).
    await ctx.database.db
      .updateTable('listening_websub')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .execute();
    await websubMaintenance(tenant, env, c.id);
    expect((await watch()).push.websub.state).toBe('expired');
    expect(new Date((await watch()).next_poll_at).getTime()).toBeLessThanOrEqual(Date.now());
    const again = hub.nextVerification();
    await cm.request('POST', `/api/v1/listening/watches/${watchId}/poll`);
    await again;
    expect((await watch()).push.websub.state).toBe('verified');
  });

  it('unsubscribes when the watch is paused (the hub confirms), and the SSRF guard applies to the hub URL', async () => {
    const tenant = tenantRunnerOf(ctx.database.db, c.id);
    const env = envOf(t.app.deps.config);
    expect((await cm.request('PUT', `/api/v1/listening/watches/${watchId}`, { active: false })).statusCode).toBe(200);
    const confirmed = hub.nextVerification();
    await websubMaintenance(tenant, env, c.id);
    await confirmed;
    expect(hub.requests.at(-1)).toMatchObject({ mode: 'unsubscribe', topic: hub.feedUrl });
    expect(hub.verifications.at(-1)).toMatchObject({ mode: 'unsubscribe', echoed: true });
    expect((await watch()).push.websub).toBeNull();
    expect(hub.subscriptions.size).toBe(0);
    // A feed naming a hub on a private address: the subscription is refused by the guard, nothing sent.
    hub.setHubUrl('http://169.254.169.254/hub');
    await cm.request('PUT', `/api/v1/listening/watches/${watchId}`, { active: true });
    const asked = hub.requests.length;
    expect((await cm.request('POST', `/api/v1/listening/watches/${watchId}/poll`)).json().error).toBeNull();
    const w = (await watch()).push.websub;
    expect(w).toMatchObject({
      state: 'denied',
      hub_url: 'http://169.254.169.254/hub',
      last_error: expect.stringContaining('not a public address'),
    });
    expect(hub.requests.length).toBe(asked);
    hub.setHubUrl(null);
  });

  it('unsubscribes when the watch is removed (its row outlives the watch until the hub confirms)', async () => {
    // Back to the loopback hub: the next poll subscribes again (another hub than the denied one).
    const verified = hub.nextVerification();
    await cm.request('POST', `/api/v1/listening/watches/${watchId}/poll`);
    await verified;
    expect((await watch()).push.websub.state).toBe('verified');
    expect((await cm.request('DELETE', `/api/v1/listening/watches/${watchId}`)).statusCode).toBe(204);
    const orphan = await ctx.database.db.selectFrom('listening_websub').select(['watch_id', 'state']).executeTakeFirstOrThrow();
    expect(orphan).toEqual({ watch_id: null, state: 'verified' });
    const confirmed = hub.nextVerification();
    await websubMaintenance(tenantRunnerOf(ctx.database.db, c.id), envOf(t.app.deps.config), c.id);
    await confirmed;
    expect(hub.requests.at(-1)).toMatchObject({ mode: 'unsubscribe', topic: hub.feedUrl });
    expect(await ctx.database.db.selectFrom('listening_websub').selectAll().execute()).toEqual([]);
    expect(hub.subscriptions.size).toBe(0);
  });

  // -- Mastodon streaming ------------------------------------------------------------------------

  it('parses server-sent events: CRLF split across chunks, multi-line data, comments as heartbeats', () => {
    const events: { event: string; data: string; id: string | null }[] = [];
    const comments: string[] = [];
    const feed = sseParser(
      (e) => events.push(e),
      (c) => comments.push(c),
    );
    for (const chunk of [
      '\uFEFF:thump\n',
      'event: upd',
      'ate\r',
      '\ndata: {"a":',
      '1}\r\n',
      'data:2\r\nid: 7\r\n\r',
      '\n',
      'data: x\n\nevent: delete\n\n',
    ])
      feed(chunk);
    expect(comments).toEqual(['thump']);
    expect(events).toEqual([
      { event: 'update', data: '{"a":1}\n2', id: '7' },
      { event: 'message', data: 'x', id: '7' },
    ]);
  });

  let streamWatch = '';
  const enqueued: EnqueueOptions[] = [];
  const deps = (): StreamDeps => ({
    tenant: tenantRunnerOf(ctx.database.db, c.id),
    env: envOf(t.app.deps.config),
    campaignId: c.id,
    enqueue: async (o) => {
      enqueued.push(o);
      return uuidv7();
    },
  });
  const mentionCount = async (q: string) => (await mentions(q)).total_records as number;

  it('Mastodon streaming: a status pushed on the hashtag stream becomes a mention while the run holds the connection', async () => {
    const owner = new TestClient(t.app);
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await owner.login('owner@example.org');
    const account = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'mastodon',
      kind: 'team',
      handle: 'equipe',
      base_url: masto.baseUrl,
      token: MASTODON_TOKEN,
    });
    expect(account.statusCode).toBe(201);
    masto.statuses.push({ id: '500', content: 'Avant le direct #Paris2026', acct: 'avant', followers: 1, tags: ['paris2026'] });
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'Direct',
      source: 'mastodon',
      account_id: account.json().id,
      query: { hashtags: ['paris2026'] },
    });
    streamWatch = res.json().id;
    // The pass queues a stream run for the watch.
    const passQueued: EnqueueOptions[] = [];
    await passJob.run({
      campaignId: c.id,
      runId: uuidv7(),
      params: {},
      tenant: tenantRunnerOf(ctx.database.db, c.id),
      database: ctx.database,
      files: fileStoreOf(t.app.deps.config),
      config: t.app.deps.config,
      enqueue: async (o) => {
        passQueued.push(o);
        return uuidv7();
      },
      progress: async () => {},
    });
    expect(passQueued).toContainEqual(expect.objectContaining({ kind: STREAM_JOB, params: { watch_id: streamWatch } }));

    const opened = masto.nextStream();
    const stop = new AbortController();
    const run = runStream(deps(), streamWatch, { signal: stop.signal });
    await opened;
    // A second run for the same watch does not open a second connection.
    expect((await runStream(deps(), streamWatch)).outcome).toBe('busy');
    expect(masto.requests.filter((r) => r.url.startsWith('/api/v1/streaming/hashtag?tag=paris2026'))).toHaveLength(1);
    expect(masto.requests.at(-1)?.headers.authorization).toBe(`Bearer ${MASTODON_TOKEN}`);
    expect((await watch2()).push.stream).toMatchObject({ state: 'connected' });
    masto.beat();
    masto.stream({
      id: '501',
      content: 'Meeting en direct #Paris2026 place de la Bastille',
      acct: 'direct',
      followers: 5,
      tags: ['paris2026'],
    });
    await vi.waitFor(async () => expect(await mentionCount('Bastille')).toBe(1), { timeout: 5000, interval: 50 });
    stop.abort();
    const result = await run;
    // The status posted before was caught by the pass's REST poll: nothing to catch up.
    expect(result).toMatchObject({ outcome: 'handover', caughtUp: 0, streamed: 1, added: 1 });
    expect(await mentionCount('Avant le direct')).toBe(1);
    // The next run takes over at once.
    expect(enqueued.at(-1)).toMatchObject({ kind: STREAM_JOB, params: { watch_id: streamWatch } });
    expect(enqueued.at(-1)?.startAfter).toBeUndefined();
  });

  const watch2 = async () => (await cm.request('GET', `/api/v1/listening/watches/${streamWatch}`)).json();

  it('Mastodon streaming: after a cut, the next run catches up the missed status through REST once (no duplicate)', async () => {
    const opened = masto.nextStream();
    const run = runStream(deps(), streamWatch);
    await opened;
    masto.cut();
    const cut = await run;
    expect(cut).toMatchObject({ outcome: 'cut', error: expect.stringContaining('closed') });
    const w = await watch2();
    expect(w.push.stream).toMatchObject({ state: 'disconnected', failures: 1 });
    // REST polling covers the watch while no stream holds it; the next run waits for its back-off.
    expect(new Date(w.next_poll_at).getTime()).toBeLessThanOrEqual(Date.now());
    expect(enqueued.at(-1)?.startAfter?.getTime()).toBeGreaterThan(Date.now() + 30_000);
    // Posted while nobody listened.
    masto.statuses.push({
      id: '502',
      content: 'Pendant la coupure #Paris2026 au marché',
      acct: 'coupure',
      followers: 2,
      tags: ['paris2026'],
    });
    const reopened = masto.nextStream();
    const stop = new AbortController();
    const again = runStream(deps(), streamWatch, { signal: stop.signal });
    await reopened;
    expect(masto.requests.some((r) => r.url.startsWith('/api/v1/timelines/tag/paris2026') && r.url.includes('since_id=501'))).toBe(true);
    expect(await mentionCount('coupure')).toBe(1);
    // The instance sends it on the stream too (a replay): still one mention.
    masto.stream(
      { id: '502', content: 'Pendant la coupure #Paris2026 au marché', acct: 'coupure', followers: 2, tags: ['paris2026'] },
      { keep: false },
    );
    await vi.waitFor(async () => expect((await watch2()).push.stream.events).toBe(2), { timeout: 5000, interval: 50 });
    stop.abort();
    expect(await again).toMatchObject({ outcome: 'handover', caughtUp: 1, streamed: 1, added: 1 });
    expect(await mentionCount('coupure')).toBe(1);
    expect((await watch2()).push.stream).toMatchObject({ state: 'disconnected', failures: 0, last_error: null });
  });

  it('Mastodon streaming: honours Retry-After on a refused stream, and connects only through the SSRF guard', async () => {
    masto.refuseStreams({ status: 429, headers: { 'retry-after': '900' } });
    const refused = await runStream(deps(), streamWatch);
    masto.refuseStreams(null);
    expect(refused).toMatchObject({ outcome: 'failed', error: expect.stringContaining('429') });
    const next = new Date((await watch2()).push.stream.next_attempt_at).getTime();
    expect(next).toBeGreaterThan(Date.now() + 14 * 60_000);
    expect(enqueued.at(-1)?.startAfter?.getTime()).toBe(next);
    await expect(
      guardedStream(`${masto.baseUrl}/api/v1/streaming/public`, { allowNetworks: [], signal: new AbortController().signal }, () => {}),
    ).rejects.toBeInstanceOf(TargetRefused);
    // A paused watch: the run ends at once and forgets the stream.
    await cm.request('PUT', `/api/v1/listening/watches/${streamWatch}`, { active: false });
    expect((await runStream(deps(), streamWatch)).outcome).toBe('gone');
    expect((await watch2()).push.stream).toBeNull();
  });
});
