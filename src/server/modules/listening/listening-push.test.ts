// Listening's push sources against local servers on loopback speaking the real protocols: a WebSub
// hub that verifies the subscription with a GET to the callback of the real listening server and
// distributes signed POSTs when it publishes, and a Mastodon instance's SSE streaming with its REST
// tag timeline for the catch-up after a reconnect.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
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
import { freePort } from '../sms/twilio-server.fixture.ts';
import { discoverHub, verifyHubSignature } from './adapters/websub.ts';
import { startWebSubHub } from './listening-push.fixture.ts';
import { envOf } from './pass.ts';
import { SAFETY_POLL_MS, websubMaintenance } from './websub.service.ts';

describeEachDatabase('listening push', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let cm: TestClient;
  let hub: Awaited<ReturnType<typeof startWebSubHub>>;
  const logs: string[] = [];
  const key = randomBytes(32);
  let watchId = '';

  beforeAll(async () => {
    hub = await startWebSubHub();
    const write = process.stdout.write.bind(process.stdout);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{"level"')) {
        logs.push(text);
        return true;
      }
      return write(chunk as string, ...(rest as []));
    });
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
    await hub?.close();
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
});
