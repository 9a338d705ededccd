// Listening end to end through the API, against local servers on loopback speaking the real
// protocols (RSS with 304s, Mastodon REST, AT Protocol XRPC): accounts sealed at rest and never in
// the logs, the SSRF guard on feed URLs, each adapter's cursor, rate limits and session refresh,
// the inbox's de-duplication, threads and triage, the candidate's approval enforced by the API, a
// community manager posting to the team account, electoral silence holding a scheduled post, and the
// spike detector on a seeded burst and an ordinary day.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { tenantRunnerOf, withTenant } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import type { EnqueueOptions, JanitorContext } from '../../jobs/queue.ts';
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
import { ACCOUNT_SID, AUTH_TOKEN, startTwilio } from '../../testing/twilio-server.ts';
import { TargetRefused } from '../webhooks/index.ts';
import { rateLimitedUntil } from './adapters/common.ts';
import { credentialsAad, openCredentials, sealCredentials } from './crypto.ts';
import { guardedFetch } from './fetch.ts';
import {
  BLUESKY_HANDLE,
  BLUESKY_PASSWORD,
  MASTODON_TOKEN,
  startBluesky,
  startFeedServer,
  startMastodon,
} from './listening-servers.fixture.ts';
import { detectSpike, envOf, PASS_JOB, passChainJanitorOf, passJob, publishDue } from './pass.ts';
import { triage } from './triage.ts';

describeEachDatabase('listening', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let cm: TestClient;
  let candidate: TestClient;
  let feed: Awaited<ReturnType<typeof startFeedServer>>;
  let masto: Awaited<ReturnType<typeof startMastodon>>;
  let bsky: Awaited<ReturnType<typeof startBluesky>>;
  const logs: string[] = [];
  let teamAccount = '';
  let candidateAccount = '';
  const key = randomBytes(32);

  beforeAll(async () => {
    [feed, masto, bsky] = await Promise.all([startFeedServer(), startMastodon(), startBluesky()]);
    // Every log line the app writes is kept (and not printed): none may hold a credential.
    keepLogLines(logs);
    t = await buildTestApp(ctx.database, { logLevel: 'debug', listening: { secretKey: key, allowNetworks: ['127.0.0.0/8'] } });
    c = await createCampaignFixture(ctx.database.db, 'listening');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'anne.dupont@example.org', role: 'candidate' });
    await ctx.database.db
      .updateTable('staff_user')
      .set({ display_name: 'Anne Dupont' })
      .where('email', '=', 'anne.dupont@example.org')
      .execute();
    owner = new TestClient(t.app);
    cm = new TestClient(t.app);
    candidate = new TestClient(t.app);
    await owner.login('owner@example.org');
    await cm.login('cm@example.org');
    await candidate.login('anne.dupont@example.org');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await Promise.all([feed?.close(), masto?.close(), bsky?.close()]);
  });

  it('connects accounts with their credentials sealed: never in the database in clear, never answered, never logged', async () => {
    const team = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'mastodon',
      kind: 'team',
      handle: 'equipe',
      base_url: masto.baseUrl,
      token: MASTODON_TOKEN,
    });
    expect(team.statusCode).toBe(201);
    expect(team.body).not.toContain(MASTODON_TOKEN);
    expect(team.json()).toMatchObject({ status: 'connected', handle: 'equipe', kind: 'team' });
    teamAccount = team.json().id;
    const cand = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'bluesky',
      kind: 'candidate',
      handle: BLUESKY_HANDLE,
      base_url: bsky.baseUrl,
      password: BLUESKY_PASSWORD,
    });
    expect(cand.statusCode).toBe(201);
    candidateAccount = cand.json().id;
    expect(bsky.counters.createSession).toBe(1);

    // A refused token is not stored; a community manager cannot connect accounts.
    const bad = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'mastodon',
      kind: 'team',
      handle: 'x',
      base_url: masto.baseUrl,
      token: 'wrong',
    });
    expect(bad.json().code).toBe('LISTENING_ACCOUNT_REFUSED');
    expect(
      (await cm.request('POST', '/api/v1/listening/accounts', { network: 'x', kind: 'team', handle: 'x', token: 'abc' })).statusCode,
    ).toBe(403);

    const dump = await ctx.database.db
      .selectFrom('listening_account')
      .select(['credentials', (eb) => eb.cast<string>(eb.ref('handle'), 'text').as('h')])
      .execute();
    for (const row of dump) {
      const bytes = Buffer.from(row.credentials);
      expect(bytes.includes(Buffer.from(MASTODON_TOKEN))).toBe(false);
      expect(bytes.includes(Buffer.from(BLUESKY_PASSWORD))).toBe(false);
    }
    const audit = await ctx.database.db.selectFrom('audit_event').select('details').where('campaign_id', '=', c.id).execute();
    expect(JSON.stringify(audit)).not.toContain(MASTODON_TOKEN);
    // The list shows the accounts without credentials.
    const list = await cm.request('GET', '/api/v1/listening/accounts');
    expect(list.json().total_records).toBe(2);
    expect(list.body).not.toMatch(/token|password|credentials/);
  });

  it('seals with AES-256-GCM bound to its row: another key or another row does not open it', () => {
    const sealed = sealCredentials(key, credentialsAad(c.id, 'a'), { token: 'secret-token' });
    expect(openCredentials(key, credentialsAad(c.id, 'a'), sealed)).toEqual({ token: 'secret-token' });
    expect(() => openCredentials(randomBytes(32), credentialsAad(c.id, 'a'), sealed)).toThrow();
    expect(() => openCredentials(key, credentialsAad(c.id, 'b'), sealed)).toThrow();
    expect(() => sealCredentials(null, 'x', { token: 'y' })).toThrow(/LISTENING_SECRET_KEY/);
  });

  it('refuses a feed URL pointing at a private address, and the fetcher refuses loopback unless allowed', async () => {
    for (const url of [
      'http://10.0.0.5/feed.xml',
      'http://169.254.169.254/latest',
      'http://[::ffff:192.168.1.1]/rss',
      'file:///etc/passwd',
    ]) {
      const res = await cm.request('POST', '/api/v1/listening/watches', {
        name: 'x',
        source: 'rss',
        feed_url: url,
        query: { words: ['dupont'] },
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().code).toBe('LISTENING_URL_FORBIDDEN');
    }
    await expect(guardedFetch(feed.feedUrl, { allowNetworks: [] })).rejects.toBeInstanceOf(TargetRefused);
    // The answer's size is capped.
    await expect(guardedFetch(feed.feedUrl, { allowNetworks: ['127.0.0.0/8'], maxBytes: 10 })).rejects.toThrow(/larger/);
  });

  it('RSS: catches a new blog post, de-duplicated, with conditional GETs answered 304', async () => {
    feed.add({
      guid: 'p1',
      title: 'Anne Dupont répond sur le logement',
      description: 'Honte ! Un scandale dans le 11e arrondissement.',
      link: 'http://blog.example/p1',
      pubDate: new Date(),
    });
    feed.add({ guid: 'p2', title: 'Recette de cuisine', description: 'Rien à voir', link: 'http://blog.example/p2', pubDate: new Date() });
    feed.add({
      guid: 'p3',
      title: 'Anne Dupont et le sport',
      description: 'publicité',
      link: 'http://blog.example/p3',
      pubDate: new Date(),
    });
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'Blog du quartier',
      source: 'rss',
      feed_url: feed.feedUrl,
      query: { phrases: ['Anne Dupont'], exclude: ['publicité'] },
    });
    expect(res.statusCode).toBe(201);
    const watch = res.json().id;
    const first = await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    expect(first.json()).toMatchObject({ caught: 3, added: 1, error: null });
    const second = await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    expect(second.json()).toMatchObject({ caught: 0, added: 0 });
    expect(feed.requests.at(-1)?.headers['if-none-match']).toBe('"v4"');
    expect(feed.requests.at(-1)?.headers['if-modified-since']).toBeTruthy();
    feed.add({
      guid: 'p4',
      title: 'Anne Dupont au marché',
      description: 'Bravo, merci pour la visite',
      link: 'http://blog.example/p4',
      pubDate: new Date(),
    });
    const third = await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    expect(third.json()).toMatchObject({ caught: 4, added: 1 });
    const inbox = await cm.request('GET', '/api/v1/listening/mentions?q=logement');
    const m = inbox.json()._embedded.mentions[0];
    expect(m).toMatchObject({
      source: 'rss',
      sentiment: 'negative',
      urgency: 'high',
      arrondissement: 11,
      theme: 'logement',
      status: 'new',
    });
  });

  it('the pass job polls the due watches on the queue and queues the next pass', async () => {
    // Creating a watch asked for a pass.
    const queued = await ctx.database.db
      .selectFrom('job_run')
      .select('kind')
      .where('campaign_id', '=', c.id)
      .where('kind', '=', PASS_JOB)
      .execute();
    expect(queued.length).toBeGreaterThan(0);
    feed.add({
      guid: 'p5',
      title: 'Anne Dupont en réunion publique',
      description: 'Compte rendu',
      link: 'http://blog.example/p5',
      pubDate: new Date(),
    });
    await ctx.database.db
      .updateTable('listening_watch')
      .set({ next_poll_at: new Date(Date.now() - 1000) })
      .where('campaign_id', '=', c.id)
      .execute();
    const enqueued: EnqueueOptions[] = [];
    const result = (await passJob.run({
      campaignId: c.id,
      runId: uuidv7(),
      params: {},
      tenant: tenantRunnerOf(ctx.database.db, c.id),
      database: ctx.database,
      files: fileStoreOf(t.app.deps.config),
      config: t.app.deps.config,
      enqueue: async (o) => {
        enqueued.push(o);
        return uuidv7();
      },
      progress: async () => {},
    })) as { added: number };
    expect(result.added).toBe(1);
    expect(enqueued).toEqual([expect.objectContaining({ kind: PASS_JOB, startAfter: expect.any(Date) })]);
  });

  it('the janitor restarts a pass chain that died with its worker, and leaves a live one alone', async () => {
    const janitor = passChainJanitorOf();
    const pending = new Set<string>();
    const enqueued: string[] = [];
    const janitorCtx = (soleWorker = false): JanitorContext => ({
      database: ctx.database,
      soleWorker,
      isRunPending: async (_kind, runId) => pending.has(runId),
      enqueue: async (o) => {
        const id = await t.app.deps.jobs.enqueue(o);
        if (o.campaignId === c.id) enqueued.push(id);
        return id;
      },
    });
    const passes = () =>
      ctx.database.db
        .selectFrom('job_run')
        .select(['id', 'state', 'error'])
        .where('campaign_id', '=', c.id)
        .where('kind', '=', PASS_JOB)
        .where('state', 'in', ['queued', 'running'])
        .execute();
    // The chain died: the last pass was running when its worker crashed, and the queue holds nothing.
    await ctx.database.db
      .updateTable('job_run')
      .set({ state: 'succeeded' })
      .where('campaign_id', '=', c.id)
      .where('kind', '=', PASS_JOB)
      .execute();
    const crashed = uuidv7();
    await ctx.database.db
      .insertInto('job_run')
      .values({ campaign_id: c.id, id: crashed, kind: PASS_JOB, params: '{}', state: 'running' })
      .execute();
    expect(await janitor(janitorCtx())).toMatch(/pass chain of \d+ campaign/);
    expect(enqueued).toHaveLength(1);
    const lost = await ctx.database.db.selectFrom('job_run').select(['state', 'error']).where('id', '=', crashed).executeTakeFirstOrThrow();
    expect(lost).toMatchObject({ state: 'failed', error: expect.stringMatching(/lost/) });
    expect((await passes()).map((r) => r.id)).toEqual(enqueued);
    // Now the queue holds the new pass: the chain is alive, nothing is queued again.
    for (const id of enqueued) pending.add(id);
    await janitor(janitorCtx());
    expect(enqueued).toHaveLength(1);
    // A campaign whose watches are all paused needs no pass.
    await ctx.database.db.updateTable('listening_watch').set({ active: false }).where('campaign_id', '=', c.id).execute();
    pending.clear();
    await janitor(janitorCtx());
    expect(enqueued).toHaveLength(1);
    await ctx.database.db.updateTable('listening_watch').set({ active: true }).where('campaign_id', '=', c.id).execute();
  });

  it('Mastodon: hashtag timeline and search with the token, since_id cursors, threads, rate limits honoured', async () => {
    masto.statuses.push(
      { id: '100', content: 'Que propose Dupont pour les pistes cyclables ?', acct: 'velo@paris.social', followers: 120 },
      { id: '101', content: 'Meeting ce soir #Paris2026', acct: 'militant', followers: 40, tags: ['paris2026'] },
    );
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'Mastodon',
      source: 'mastodon',
      account_id: teamAccount,
      query: { words: ['Dupont'], hashtags: ['#paris2026'] },
    });
    expect(res.statusCode).toBe(201);
    const watch = res.json().id;
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ added: 2, error: null });
    expect(masto.requests.some((r) => r.url.startsWith('/api/v1/timelines/tag/paris2026'))).toBe(true);
    expect(
      masto.requests
        .filter((r) => !r.url.includes('verify_credentials'))
        .every((r) => r.headers.authorization === `Bearer ${MASTODON_TOKEN}`),
    ).toBe(true);
    // A reply joins its parent's thread; the cursor asks only for newer statuses.
    masto.statuses.push({
      id: '102',
      content: 'Dupont a raison, enfin des pistes cyclables',
      acct: 'voisine',
      followers: 3,
      inReplyTo: '100',
    });
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ added: 1 });
    expect(masto.requests.some((r) => r.url.includes('min_id=100'))).toBe(true);
    const list = (await cm.request('GET', '/api/v1/listening/mentions?q=pistes')).json()._embedded.mentions;
    expect(list).toHaveLength(2);
    expect(new Set(list.map((m: { thread_key: string }) => m.thread_key)).size).toBe(1);
    expect(list[0].thread_size).toBe(2);
    // Quota spent: the next poll waits for X-RateLimit-Reset.
    masto.setRateLimited(true);
    await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    masto.setRateLimited(false);
    const after = (await cm.request('GET', `/api/v1/listening/watches/${watch}`)).json();
    expect(new Date(after.next_poll_at).getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
    expect(rateLimitedUntil({ status: 429, headers: { 'retry-after': '120' }, body: '' }, new Date(0))?.getTime()).toBe(120_000);
    // A revoked token: the account shows as disconnected, its watch stops asking until reconnected.
    masto.setRevoked(true);
    await ctx.database.db.updateTable('listening_watch').set({ next_poll_at: new Date() }).where('id', '=', watch).execute();
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json().error).toMatch(/401/);
    expect((await cm.request('GET', '/api/v1/listening/state')).json().disconnected_accounts).toBe(1);
    const account = (await cm.request('GET', '/api/v1/listening/accounts'))
      .json()
      ._embedded.accounts.find((a: { id: string }) => a.id === teamAccount);
    expect(account).toMatchObject({ status: 'disconnected', last_error: expect.stringContaining('401') });
    const asked = masto.requests.length;
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json().error).toMatch(/disconnected/);
    expect(masto.requests.length).toBe(asked);
    masto.setRevoked(false);
    const reconnected = await owner.request('PUT', `/api/v1/listening/accounts/${teamAccount}`, { token: MASTODON_TOKEN });
    expect(reconnected.json()).toMatchObject({ status: 'connected', last_error: null });
  });

  it('Bluesky: searchPosts with the session, refreshed when the access token expires', async () => {
    bsky.posts.push({ rkey: 'a1', text: 'Le programme de Anne Dupont sur les crèches', handle: 'parent.bsky', createdAt: new Date() });
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'Bluesky',
      source: 'bluesky',
      account_id: candidateAccount,
      query: { phrases: ['Anne Dupont'], language: 'fr' },
    });
    const watch = res.json().id;
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ added: 1, error: null });
    bsky.expireAccessTokens();
    bsky.posts.push({
      rkey: 'a2',
      text: 'Anne Dupont à la radio ce matin',
      handle: 'auditeur.bsky',
      createdAt: new Date(Date.now() + 1000),
    });
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ added: 1, error: null });
    expect(bsky.counters.refreshSession).toBe(1);
    expect(bsky.counters.createSession).toBe(1);
    expect(bsky.requests.find((r) => r.url.includes('searchPosts'))?.url).toContain('lang=fr');
  });

  it('triage reads sentiment with negations, urgency from reach and crisis words', () => {
    expect(triage('Ce n’est pas nul du tout, bravo', 10).sentiment).toBe('positive');
    expect(triage('Quelle honte, incompétente', 10_000).urgency).toBe('high');
    expect(triage('Belle journée au marché, merci', 10).urgency).toBe('low');
    expect(triage('Les rats dans le 18e, Paris', 10)).toMatchObject({ theme: 'proprete', arrondissement: 18 });
  });

  it('the inbox: assign, tag, mark handled; an author is linked to a person only deliberately, audited', async () => {
    const list = (await cm.request('GET', '/api/v1/listening/mentions?status=new')).json();
    expect(list.total_records).toBeGreaterThanOrEqual(5);
    expect(list._embedded.mentions.every((m: { person_id: string | null }) => m.person_id === null)).toBe(true);
    const id = list._embedded.mentions[0].id;
    const cmId = (
      await ctx.database.db.selectFrom('staff_user').select('id').where('email', '=', 'cm@example.org').executeTakeFirstOrThrow()
    ).id;
    const patched = await cm.request('PATCH', `/api/v1/listening/mentions/${id}`, {
      assigned_to: cmId,
      tags: ['presse', 'presse'],
      status: 'handled',
    });
    expect(patched.json()).toMatchObject({ assigned_to: cmId, tags: ['presse'], status: 'handled' });
    expect((await cm.request('GET', '/api/v1/listening/mentions?assigned=me')).json().total_records).toBe(1);
    const link = await cm.request('PUT', `/api/v1/listening/mentions/${id}/person`, { person_id: c.people[0]!.id });
    expect(link.statusCode).toBe(204);
    const audited = await ctx.database.db
      .selectFrom('audit_event')
      .select(['action', 'target_id'])
      .where('action', '=', 'listening.author_linked')
      .execute();
    expect(audited).toEqual([{ action: 'listening.author_linked', target_id: c.people[0]!.id }]);
  });

  it('a community manager posts to the team account directly (Idempotency-Key), answering a mention with a key message', async () => {
    const km = await cm.request('POST', '/api/v1/listening/key_messages', {
      theme: 'transports',
      kind: 'answer',
      title: 'Pistes cyclables',
      body: 'Nous doublerons les pistes cyclables protégées d’ici 2030.',
    });
    expect(km.statusCode).toBe(201);
    const mention = (await cm.request('GET', '/api/v1/listening/mentions?q=Que propose')).json()._embedded.mentions[0];
    const draft = await cm.request('POST', '/api/v1/listening/drafts', {
      account_id: teamAccount,
      mention_id: mention.id,
      key_message_id: km.json().id,
      text: km.json().body,
    });
    expect(draft.json().status).toBe('scheduled');
    const published = await cm.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', external_url: expect.stringContaining('/@equipe/') });
    const post = masto.requests.find((r) => r.method === 'POST' && r.url === '/api/v1/statuses');
    expect(post?.headers['idempotency-key']).toBeTruthy();
    expect(JSON.parse(post?.body ?? '{}')).toMatchObject({ in_reply_to_id: '100' });
    expect((await cm.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`)).json().code).toBe('LISTENING_DRAFT_STATE');
    expect((await cm.request('GET', `/api/v1/listening/mentions/${mention.id}`)).json()).toMatchObject({
      status: 'handled',
      drafts: [{ status: 'published' }],
    });
    // What the candidate writes herself on the team's account is signed.
    const signed = await candidate.request('POST', '/api/v1/listening/drafts', {
      account_id: teamAccount,
      text: 'Merci à toutes et tous',
      scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
    });
    expect(signed.json().text).toBe('Merci à toutes et tous — AD');
  });

  it("a post on the candidate's account cannot be published without her approval, through the API too", async () => {
    const draft = await cm.request('POST', '/api/v1/listening/drafts', {
      account_id: candidateAccount,
      text: 'Rendez-vous samedi au marché',
    });
    expect(draft.json().status).toBe('pending_approval');
    const id = draft.json().id;
    // She is told, with the link to her queue.
    const notice = await ctx.database.db
      .selectFrom('dev_outbox')
      .select(['subject', 'text_body'])
      .where('to_address', '=', 'anne.dupont@example.org')
      .execute();
    expect(notice.at(-1)?.subject).toContain('attend votre approbation');
    expect(notice.at(-1)?.text_body).toContain('/app/listening?tab=approvals');
    const refused = await cm.request('POST', `/api/v1/listening/drafts/${id}/publish`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('LISTENING_APPROVAL_REQUIRED');
    expect((await cm.request('POST', `/api/v1/listening/drafts/${id}/approve`, {})).statusCode).toBe(403);
    await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id);
    expect(bsky.records).toHaveLength(0);
    // The candidate's queue, her edit and approval; then it goes out.
    const queue = (await candidate.request('GET', '/api/v1/listening/drafts?status=pending_approval')).json();
    expect(queue._embedded.drafts.map((d: { id: string }) => d.id)).toContain(id);
    const approved = await candidate.request('POST', `/api/v1/listening/drafts/${id}/approve`, {
      text: 'Rendez-vous samedi au marché d’Aligre !',
    });
    expect(approved.json()).toMatchObject({ status: 'scheduled', approved_by: expect.any(String) });
    // An edit by the team afterwards sends it back to her.
    const edited = await cm.request('PUT', `/api/v1/listening/drafts/${id}`, { text: 'Rendez-vous samedi au marché !' });
    expect(edited.json().status).toBe('pending_approval');
    await candidate.request('POST', `/api/v1/listening/drafts/${id}/approve`, {});
    await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id);
    expect(bsky.records.map((r) => r.record.text)).toEqual(['Rendez-vous samedi au marché !']);
    const refusedDraft = await cm.request('POST', '/api/v1/listening/drafts', { account_id: candidateAccount, text: 'Trop agressif' });
    expect(
      (await candidate.request('POST', `/api/v1/listening/drafts/${refusedDraft.json().id}/refuse`, { reason: 'Pas ce ton' })).json(),
    ).toMatchObject({ status: 'refused', refused_reason: 'Pas ce ton' });
    const actions = (await ctx.database.db.selectFrom('audit_event').select('action').where('target_id', '=', id).execute()).map(
      (a) => a.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'listening.draft_submitted',
        'listening.draft_approved',
        'listening.draft_edited',
        'listening.draft_published',
      ]),
    );
  });

  it('electoral silence holds a scheduled post until the polls close', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    expect((await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales', kind: 'municipal' })).statusCode).toBeLessThan(300);
    const round = await owner.request('POST', '/api/v1/calendar/rounds', { date: tomorrow });
    expect(round.statusCode).toBe(201);
    const before = masto.requests.filter((r) => r.method === 'POST').length;
    const draft = await cm.request('POST', '/api/v1/listening/drafts', { account_id: teamAccount, text: 'Votez demain !' });
    const now = await cm.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`);
    expect(now.json().code).toBe('ELECTORAL_SILENCE');
    const outcomes = await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id);
    expect(outcomes.held).toBe(1);
    const held = (await cm.request('GET', `/api/v1/listening/drafts/${draft.json().id}`)).json();
    expect(held.status).toBe('held');
    expect(new Date(held.scheduled_at).getTime()).toBeGreaterThan(Date.now() + 3600_000);
    expect(masto.requests.filter((r) => r.method === 'POST').length).toBe(before);
    await owner.request('DELETE', `/api/v1/calendar/rounds/${round.json().id}`);
  });

  /** Seeds `perHour` mentions an hour for `hours` hours before `at`, and `burst` in the hour before it. */
  const seed = async (at: Date, perHour: number, hours: number, burst: number) => {
    const rows = [];
    for (let h = 1; h <= hours; h++) for (let i = 0; i < perHour; i++) rows.push(new Date(at.getTime() - h * 3600_000 - i * 1000 - 60_000));
    for (let i = 0; i < burst; i++) rows.push(new Date(at.getTime() - i * 30_000 - 1000));
    await ctx.database.db
      .insertInto('listening_mention')
      .values(
        rows.map((p) => ({
          campaign_id: c.id,
          id: uuidv7(),
          source: 'rss' as const,
          external_id: uuidv7(),
          thread_key: 'seed',
          author_handle: 'seed',
          text: 'seed',
          published_at: p,
          sentiment: 'neutral' as const,
          urgency: 'normal' as const,
        })),
      )
      .execute();
  };
  const tenant = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(ctx.database.db, c.id, fn);

  it('the spike detector fires on a seeded burst, not on an ordinary day, and switches to crisis mode', async () => {
    const ordinary = new Date('2025-03-02T12:00:00Z');
    await seed(ordinary, 6, 7 * 24, 9);
    const calm = await detectSpike(t.app.deps.config, ctx.database.db, tenant, c.id, ordinary);
    expect(calm).toMatchObject({ spike: false, alerted: false, lastHour: 9 });
    const burst = new Date('2025-06-02T12:00:00Z');
    await seed(burst, 3, 7 * 24, 80);
    const spike = await detectSpike(t.app.deps.config, ctx.database.db, tenant, c.id, burst);
    expect(spike).toMatchObject({ spike: true, alerted: true, lastHour: 80 });
    const state = (await cm.request('GET', '/api/v1/listening/state')).json();
    expect(state.crisis).toBe(true);
    const mail = await ctx.database.db
      .selectFrom('dev_outbox')
      .select(['to_address', 'subject'])
      .where('campaign_id', '=', c.id)
      .where('subject', 'like', '%pic de mentions%')
      .execute();
    expect(mail.map((m) => m.to_address).sort()).toEqual(['anne.dupont@example.org', 'cm@example.org', 'owner@example.org']);
    expect(mail[0]?.subject).toContain('pic de mentions');
    // No second alert for the same spike; crisis mode ends by hand.
    expect((await detectSpike(t.app.deps.config, ctx.database.db, tenant, c.id, new Date(burst.getTime() + 60_000))).alerted).toBe(false);
    expect((await cm.request('PUT', '/api/v1/listening/state', { crisis: false })).statusCode).toBe(204);
    expect((await cm.request('GET', '/api/v1/listening/state')).json().crisis).toBe(false);
  });

  it('texts a spike alert to the alert numbers at night, through the SMS provider, once per spike', async () => {
    // Only an admin names the numbers; they are checked and normalised.
    expect((await cm.request('PUT', '/api/v1/listening/alert_phones', { phones: ['06 12 34 56 78'] })).statusCode).toBe(403);
    const bad = await owner.request('PUT', '/api/v1/listening/alert_phones', { phones: ['06 12 34 56 78', 'pas un numéro'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].pointer).toBe('/phones/1');
    const saved = await owner.request('PUT', '/api/v1/listening/alert_phones', { phones: ['06 12 34 56 78', '+33612345678'] });
    expect(saved.json()).toEqual({ phones: ['+33612345678'] });
    expect((await cm.request('GET', '/api/v1/listening/state')).json().alert_phones).toEqual(['+33612345678']);
    const twilio = await startTwilio();
    try {
      const config = {
        ...t.app.deps.config,
        twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: twilio.baseUrl, messagingServiceSid: null, from: 'Relais' },
      };
      // 23:30 in Paris, outside the SMS sending hours: a crisis alert goes anyway.
      const night = new Date('2025-09-02T21:30:00Z');
      await seed(night, 2, 7 * 24, 60);
      const spike = await detectSpike(config, ctx.database.db, tenant, c.id, night);
      expect(spike).toMatchObject({ spike: true, alerted: true, sms: { sent: ['+33612345678'], failed: [], skipped: null } });
      expect(twilio.received).toHaveLength(1);
      expect(twilio.received[0]?.form).toMatchObject({ To: '+33612345678', From: 'Relais' });
      expect(twilio.received[0]?.form.Body).toMatch(/pic de mentions, 60 en une heure/);
      // Staff alerts carry no STOP line (not a send to people).
      expect(twilio.received[0]?.form.Body).not.toMatch(/STOP/);
      expect((await cm.request('GET', '/api/v1/listening/state')).json().last_sms_alert_at).toBe(night.toISOString());
      // The next passes of the same spike text nobody again.
      for (const minutes of [1, 5, 30]) {
        const again = await detectSpike(config, ctx.database.db, tenant, c.id, new Date(night.getTime() + minutes * 60_000));
        expect(again).toMatchObject({ spike: true, alerted: false, sms: null });
      }
      expect(twilio.received).toHaveLength(1);
    } finally {
      await twilio.close();
    }
  });

  it('counts the inbox up to 1,000 mentions, then says "more than"; a narrower filter counts exactly', async () => {
    // The spike tests seeded a few thousand new mentions.
    const broad = (await cm.request('GET', '/api/v1/listening/mentions?status=new&per_page=30')).json();
    expect(broad).toMatchObject({ total_records: 1000, total_is_lower_bound: true, total_pages: 34 });
    expect(broad._embedded.mentions).toHaveLength(30);
    const narrow = (await cm.request('GET', '/api/v1/listening/mentions?status=handled')).json();
    expect(narrow.total_is_lower_bound).toBeUndefined();
    expect(narrow.total_records).toBe(narrow._embedded.mentions.length);
  });

  it('reports response times, per week too, and no credential ever reached the logs', async () => {
    const report = (await cm.request('GET', '/api/v1/listening/report?days=30')).json();
    expect(report.all.answered).toBe(1);
    expect(report.all.answered_within_hour).toBe(1);
    expect(report.day.mentions + report.night.mentions).toBe(report.all.mentions);
    // Weekly figures: weeks start on a Monday, add up to the whole, each split into day and night.
    expect(report.by_week.length).toBeGreaterThan(0);
    const sum = (key: 'mentions' | 'handled' | 'answered' | 'answered_within_hour') =>
      report.by_week.reduce((n: number, w: Record<string, number>) => n + (w[key] ?? 0), 0);
    for (const key of ['mentions', 'handled', 'answered', 'answered_within_hour'] as const) expect(sum(key)).toBe(report.all[key]);
    for (const w of report.by_week) {
      expect(new Date(`${w.week}T12:00:00Z`).getUTCDay()).toBe(1);
      expect(w.day.mentions + w.night.mentions).toBe(w.mentions);
      expect(w.day.answered_within_hour + w.night.answered_within_hour).toBe(w.answered_within_hour);
    }
    const answeredWeek = report.by_week.find((w: { answered: number }) => w.answered === 1);
    expect(answeredWeek.median_response_minutes).toBeGreaterThanOrEqual(0);
    expect(answeredWeek.median_response_minutes).toBeLessThanOrEqual(60);
    // The dashboard's weekly figures, for those who read listening only.
    const dashboard = (await cm.request('GET', '/api/v1/dashboard')).json();
    const week = (await cm.request('GET', '/api/v1/listening/report?days=7')).json();
    expect(dashboard.listening_week).toEqual({
      ...week.all,
      answered_within_hour_day: week.day.answered_within_hour,
      answered_within_hour_night: week.night.answered_within_hour,
    });
    expect(dashboard.listening_week.answered_within_hour).toBe(1);
    await createMemberFixture(ctx.database.db, c.id, {
      email: 'referent@example.org',
      role: 'referent',
      zoneIds: [c.zones[0]?.id as string],
    });
    const referent = new TestClient(t.app);
    await referent.login('referent@example.org');
    expect((await referent.request('GET', '/api/v1/dashboard')).json().listening_week).toBeNull();
    expect(logs.length).toBeGreaterThan(10);
    const all = logs.join('\n');
    expect(all).not.toContain(MASTODON_TOKEN);
    expect(all).not.toContain(BLUESKY_PASSWORD);
    expect(all).not.toContain('access-');
  });

  it('shows an account whose credentials cannot be opened (another key) as disconnected, without failing the pass', async () => {
    await ctx.database.db
      .updateTable('listening_account')
      .set({ credentials: sealCredentials(randomBytes(32), credentialsAad(c.id, candidateAccount), { password: 'x' }) })
      .where('id', '=', candidateAccount)
      .execute();
    const watch = (await cm.request('GET', '/api/v1/listening/watches'))
      .json()
      ._embedded.watches.find((w: { source: string }) => w.source === 'bluesky');
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch.id}/poll`)).json().error).toMatch(/cannot be read/);
    const draft = await candidate.request('POST', '/api/v1/listening/drafts', { account_id: candidateAccount, text: 'Bonne soirée' });
    expect((await candidate.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`)).json()).toMatchObject({
      status: 'failed',
      last_error: expect.stringContaining('reconnect'),
    });
    const account = (await cm.request('GET', '/api/v1/listening/accounts'))
      .json()
      ._embedded.accounts.find((a: { id: string }) => a.id === candidateAccount);
    expect(account.status).toBe('disconnected');
  });
});
