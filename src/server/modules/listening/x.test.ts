// X through the API against a local X API v2 on loopback: the watch's query in X's syntax, recent
// search with since_id and next_token paging, x-rate-limit headers and 429 deferring the next poll,
// posting a reply with the user token refreshed once after a 401 (the rotated tokens sealed back),
// the candidate's approval and the electoral silence holding X posts as any other, the month's
// cost counted, projected and capped (polling paused, with its state), and no token in clear in the
// database or the logs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { withTenant } from '../../db/database.ts';
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
import { X_QUERY_MAX, xQueryOf } from './adapters/x.ts';
import { credentialsAad, openCredentials } from './crypto.ts';
import { envOf, publishDue } from './pass.ts';
import { normaliseQuery } from './query.ts';
import { costOf, monthOf } from './x-cost.ts';
import { startX, X_BEARER, X_CLIENT_ID, X_REFRESH_TOKEN, X_USER_TOKEN, X_USERNAME } from './x-server.fixture.ts';

describeEachDatabase('listening on X', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let cm: TestClient;
  let candidate: TestClient;
  let x: Awaited<ReturnType<typeof startX>>;
  const logs: string[] = [];
  const key = randomBytes(32);
  let team = '';
  let cand = '';
  let watch = '';
  let nextId = 1800000000000000000n;
  const tweet = (text: string, author = '7', extra: Partial<Parameters<typeof x.addTweet>[0]> = {}) => {
    nextId += 1n;
    const id = String(nextId);
    x.addTweet({ id, text, author_id: author, created_at: new Date().toISOString(), lang: 'fr', conversation_id: id, ...extra });
    return id;
  };
  const account = async (id: string) =>
    (await cm.request('GET', '/api/v1/listening/accounts')).json()._embedded.accounts.find((a: { id: string }) => a.id === id);

  beforeAll(async () => {
    x = await startX();
    x.addUser({ id: '7', username: 'riveraine', name: 'Une riveraine', followers: 1234 });
    x.addUser({ id: '8', username: 'journaliste', name: 'Le Journal', followers: 250_000 });
    // Every log line the app writes is kept (and not printed): none may hold a credential.
    keepLogLines(logs);
    t = await buildTestApp(ctx.database, { logLevel: 'debug', listening: { secretKey: key, allowNetworks: ['127.0.0.0/8'] } });
    c = await createCampaignFixture(ctx.database.db, 'listening-x');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'anne@example.org', role: 'candidate' });
    owner = new TestClient(t.app);
    cm = new TestClient(t.app);
    candidate = new TestClient(t.app);
    await owner.login('owner@example.org');
    await cm.login('cm@example.org');
    await candidate.login('anne@example.org');
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
    await x?.close();
  });

  it("translates a watch's query into X's search syntax, within X's 512 characters", () => {
    const q = normaliseQuery({
      phrases: ['Anne Dupont', 'pistes "cyclables"'],
      words: ['mairie', 'Hôtel-de-Ville'],
      exclude: ['concours', 'jeu gratuit'],
      hashtags: ['#Paris2026'],
      mentions: ['@annedupont'],
      language: 'fr',
    });
    expect(xQueryOf(q)).toBe(
      '("Anne Dupont" OR "pistes cyclables" OR mairie OR "Hôtel-de-Ville" OR #Paris2026 OR @annedupont) -concours -"jeu gratuit" lang:fr -is:retweet',
    );
    expect(xQueryOf(normaliseQuery({ words: ['OR'] }))).toBe('"OR" -is:retweet');
    const long = xQueryOf(normaliseQuery({ words: Array.from({ length: 20 }, (_, i) => `motassezlong${i}`.repeat(3)), exclude: ['pub'] }));
    expect(long.length).toBeLessThanOrEqual(X_QUERY_MAX);
    expect(long).toMatch(/^\(motassezlong0/);
    expect(long).toMatch(/-is:retweet$/);
  });

  it('connects X accounts with a paid key: the user token checked, every token sealed, the cost settings shown', async () => {
    const res = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'x',
      kind: 'team',
      handle: 'whatever',
      base_url: x.baseUrl,
      token: X_BEARER,
      user_token: X_USER_TOKEN,
      refresh_token: X_REFRESH_TOKEN,
      client_id: X_CLIENT_ID,
    });
    expect(res.statusCode).toBe(201);
    // The handle is the one X knows for the user token.
    expect(res.json()).toMatchObject({
      network: 'x',
      handle: X_USERNAME,
      status: 'connected',
      x_cost: { price_per_post_read: 0.005, price_per_post_created: 0.015, monthly_cap: null, posts_read: 0, spent: 0, state: 'active' },
    });
    team = res.json().id;
    expect(res.body).not.toMatch(/x-user|x-app|refresh/);
    const refused = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'x',
      kind: 'candidate',
      handle: 'anne',
      base_url: x.baseUrl,
      token: X_BEARER,
      user_token: 'not-a-valid-token',
    });
    expect(refused.json().code).toBe('LISTENING_ACCOUNT_REFUSED');
    const second = await owner.request('POST', '/api/v1/listening/accounts', {
      network: 'x',
      kind: 'candidate',
      handle: 'anne',
      base_url: x.baseUrl,
      token: X_BEARER,
      user_token: X_USER_TOKEN,
      refresh_token: X_REFRESH_TOKEN,
      client_id: X_CLIENT_ID,
      price_per_post_read: 0.004,
      monthly_cap: 50,
    });
    expect(second.json().x_cost).toMatchObject({ price_per_post_read: 0.004, monthly_cap: 50 });
    cand = second.json().id;
  });

  it('searches recent posts with the bearer token: paging with next_token, then since_id; threads and reach from the expansions', async () => {
    x.state.pageSize = 10;
    const first = tweet('Anne Dupont promet des pistes cyclables rue de Rivoli');
    for (let i = 0; i < 23; i++) tweet(`Réunion publique ${i} avec Anne Dupont`, i % 2 ? '7' : '8');
    tweet('Un tweet sans rapport');
    const res = await cm.request('POST', '/api/v1/listening/watches', {
      name: 'X',
      source: 'x',
      account_id: team,
      query: { phrases: ['Anne Dupont'], exclude: ['concours'], language: 'fr' },
    });
    expect(res.statusCode).toBe(201);
    watch = res.json().id;
    const polled = (await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json();
    // 25 posts read over three pages of 10, 10 and 5; 24 of them match (the last is billed all the same).
    expect(polled).toMatchObject({ caught: 25, added: 24, error: null });
    const searches = x.searches();
    expect(searches).toHaveLength(3);
    expect(searches[0]?.get('query')).toBe('"Anne Dupont" -concours lang:fr -is:retweet');
    expect(searches[0]?.get('since_id')).toBeNull();
    expect(searches[0]?.get('expansions')).toBe('author_id');
    expect(searches[0]?.get('user.fields')).toBe('username,name,public_metrics');
    expect(searches[0]?.get('tweet.fields')).toContain('referenced_tweets');
    expect(searches.slice(1).map((s) => s.get('next_token'))).toEqual(['page-10', 'page-20']);
    expect(
      x.requests.filter((r) => r.url.startsWith('/2/tweets/search')).every((r) => r.headers.authorization === `Bearer ${X_BEARER}`),
    ).toBe(true);
    // The next poll asks only for newer posts; a reply joins its parent's thread.
    const newest = String(nextId);
    const reply = tweet('@riveraine Anne Dupont a répondu sur les pistes ?', '8', {
      referenced_tweets: [{ type: 'replied_to', id: first }],
    });
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ caught: 1, added: 1 });
    expect(x.searches().at(-1)?.get('since_id')).toBe(newest);
    const mentions = (await cm.request('GET', '/api/v1/listening/mentions?q=pistes')).json()._embedded.mentions;
    const caught = mentions.find((m: { external_id: string }) => m.external_id === reply);
    expect(caught).toMatchObject({
      source: 'x',
      author_handle: 'journaliste',
      author_name: 'Le Journal',
      author_reach: 250_000,
      in_reply_to: first,
      thread_key: first,
      url: `https://x.com/journaliste/status/${reply}`,
    });
    // 26 posts read this month, at 0.005 € each.
    expect((await account(team)).x_cost).toMatchObject({ posts_read: 26, spent: 0.13 });
  });

  it('honours the rate limit: a spent quota or a 429 defers the next poll to x-rate-limit-reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 900;
    x.state.remaining = 0;
    x.state.reset = reset;
    tweet('Anne Dupont au marché');
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ added: 1, error: null });
    let after = (await cm.request('GET', `/api/v1/listening/watches/${watch}`)).json();
    expect(new Date(after.next_poll_at).getTime()).toBe(reset * 1000);
    x.state.remaining = 449;
    x.state.next429 = true;
    const polled = (await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json();
    expect(polled.error).toMatch(/429/);
    after = (await cm.request('GET', `/api/v1/listening/watches/${watch}`)).json();
    expect(new Date(after.next_poll_at).getTime()).toBeGreaterThanOrEqual(reset * 1000);
    // A failed search is not billed.
    expect((await account(team)).x_cost.posts_read).toBe(27);
  });

  it('posts a reply with the user token; after a 401 the token is refreshed, the post retried once, the new tokens sealed', async () => {
    const mention = (await cm.request('GET', '/api/v1/listening/mentions?q=marché')).json()._embedded.mentions[0];
    const draft = await cm.request('POST', '/api/v1/listening/drafts', {
      account_id: team,
      mention_id: mention.id,
      text: 'Merci ! Rendez-vous samedi au marché.',
    });
    expect(draft.json().status).toBe('scheduled');
    const published = await cm.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`);
    expect(published.json()).toMatchObject({
      status: 'published',
      external_url: expect.stringContaining(`https://x.com/${X_USERNAME}/status/`),
    });
    expect(x.posted.at(-1)).toEqual({
      text: 'Merci ! Rendez-vous samedi au marché.',
      reply: { in_reply_to_tweet_id: mention.external_id },
    });
    expect(x.requests.filter((r) => r.url === '/2/tweets').at(-1)?.headers.authorization).toBe(`Bearer ${X_USER_TOKEN}`);
    expect((await cm.request('GET', `/api/v1/listening/mentions/${mention.id}`)).json().status).toBe('handled');

    // The user token expires: 401, one refresh (refresh_token grant with the client id), one retry.
    x.expireUserToken();
    const refused = x.counters.postsRefused;
    const post = await cm.request('POST', '/api/v1/listening/drafts', { account_id: team, text: 'Le programme est en ligne' });
    expect((await cm.request('POST', `/api/v1/listening/drafts/${post.json().id}/publish`)).json().status).toBe('published');
    expect(x.counters.postsRefused).toBe(refused + 1);
    expect(x.counters.token).toBe(1);
    expect(x.state.rotations).toBe(1);
    const row = await ctx.database.db
      .selectFrom('listening_account')
      .select('credentials')
      .where('id', '=', team)
      .executeTakeFirstOrThrow();
    const sealed = openCredentials(key, credentialsAad(c.id, team), Buffer.from(row.credentials));
    expect(sealed).toMatchObject({
      token: X_BEARER,
      userToken: x.state.userToken,
      refreshToken: x.state.refreshToken,
      clientId: X_CLIENT_ID,
    });
    expect(sealed.userTokenExpiresAt).toBeGreaterThan(Date.now() + 3600_000);
    // Still 401 after the refresh: no second retry, the draft failed and the account shows disconnected.
    const posts = x.counters.posts + x.counters.postsRefused;
    x.state.refuseUser = true;
    const third = await cm.request('POST', '/api/v1/listening/drafts', { account_id: team, text: 'Encore' });
    const failed = (await cm.request('POST', `/api/v1/listening/drafts/${third.json().id}/publish`)).json();
    expect(failed).toMatchObject({ status: 'failed', last_error: expect.stringContaining('user token') });
    expect(x.counters.posts + x.counters.postsRefused).toBe(posts + 2);
    expect(x.counters.token).toBe(2);
    expect((await account(team)).status).toBe('disconnected');
    // The rotated refresh token was sealed even though the post failed.
    const again = await ctx.database.db
      .selectFrom('listening_account')
      .select('credentials')
      .where('id', '=', team)
      .executeTakeFirstOrThrow();
    expect(openCredentials(key, credentialsAad(c.id, team), Buffer.from(again.credentials)).refreshToken).toBe(x.state.refreshToken);
    // Two posts created this month, at 0.015 € each.
    expect((await account(team)).x_cost).toMatchObject({ posts_created: 2 });
    // Reconnected with the current tokens.
    x.state.refuseUser = false;
    const reconnected = await owner.request('PUT', `/api/v1/listening/accounts/${team}`, {
      token: X_BEARER,
      user_token: x.state.userToken,
      refresh_token: x.state.refreshToken,
      client_id: X_CLIENT_ID,
    });
    expect(reconnected.json().status).toBe('connected');
  });

  it("a post on the candidate's X account waits for her approval, and the electoral silence holds X posts", async () => {
    // The fixture has one user: the candidate's account takes its current tokens.
    const current = { token: X_BEARER, user_token: x.state.userToken, refresh_token: x.state.refreshToken, client_id: X_CLIENT_ID };
    expect((await owner.request('PUT', `/api/v1/listening/accounts/${cand}`, current)).json().status).toBe('connected');
    const before = x.posted.length;
    const draft = await cm.request('POST', '/api/v1/listening/drafts', { account_id: cand, text: 'Bonne journée à tous' });
    expect(draft.json().status).toBe('pending_approval');
    const refused = await cm.request('POST', `/api/v1/listening/drafts/${draft.json().id}/publish`);
    expect(refused.json().code).toBe('LISTENING_APPROVAL_REQUIRED');
    await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id);
    expect(x.posted.length).toBe(before);
    expect((await candidate.request('POST', `/api/v1/listening/drafts/${draft.json().id}/approve`, {})).json().status).toBe('scheduled');
    await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id);
    expect(x.posted.at(-1)?.text).toBe('Bonne journée à tous');

    const tomorrow = new Date(Date.now() + 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
    await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales', kind: 'municipal' });
    const round = await owner.request('POST', '/api/v1/calendar/rounds', { date: tomorrow });
    expect(round.statusCode).toBe(201);
    const count = x.posted.length;
    const silent = await cm.request('POST', '/api/v1/listening/drafts', { account_id: team, text: 'Votez demain !' });
    expect((await cm.request('POST', `/api/v1/listening/drafts/${silent.json().id}/publish`)).json().code).toBe('ELECTORAL_SILENCE');
    expect((await publishDue((fn) => withTenant(ctx.database.db, c.id, fn), envOf(t.app.deps.config), c.id)).held).toBe(1);
    expect((await cm.request('GET', `/api/v1/listening/drafts/${silent.json().id}`)).json().status).toBe('held');
    expect(x.posted.length).toBe(count);
    await owner.request('DELETE', `/api/v1/calendar/rounds/${round.json().id}`);
    await cm.request('DELETE', `/api/v1/listening/drafts/${silent.json().id}`);
  });

  it('projects the month at the current pace', () => {
    const priced = { id: 'a', x_read_price: 5000, x_post_price: 15000, x_monthly_cap: null, created_at: new Date('2026-01-01T00:00:00Z') };
    // 10 € spent over the first 10 days of a 31-day month: 31 € by its end.
    const cost = costOf(priced, { posts_read: 2000, posts_created: 0, spent: 10_000_000 }, new Date('2026-03-11T00:00:00Z'));
    expect(cost).toMatchObject({ month: '2026-03', spent: 10, projected: 31, state: 'active', paused_until: null });
    // An account connected mid-month: the pace runs from its connection.
    const late = costOf(
      { ...priced, created_at: new Date('2026-03-21T00:00:00Z') },
      { posts_read: 200, posts_created: 0, spent: 1_000_000 },
      new Date('2026-03-26T00:00:00Z'),
    );
    expect(late.projected).toBe(2.2);
    // A cap bounds the projection: the watches stop there.
    expect(
      costOf(
        { ...priced, x_monthly_cap: 2000 },
        { posts_read: 2000, posts_created: 0, spent: 10_000_000 },
        new Date('2026-03-11T00:00:00Z'),
      ).projected,
    ).toBe(20);
    expect(monthOf(new Date('2026-12-31T23:59:00Z')).end.toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });

  it('a cap bounds what a search reads, then pauses polling until next month with a clear state; raising it resumes', async () => {
    x.state.pageSize = 100;
    let spent = (await account(team)).x_cost.spent as number;
    // Room for about 40 more posts read (the cap is in cents): the search asks for that many, not 100.
    const cap = Math.round((spent + 0.2) * 100) / 100;
    await owner.request('PUT', `/api/v1/listening/accounts/${team}`, { monthly_cap: cap });
    tweet('Anne Dupont à la radio');
    await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    const room = Math.floor((Math.round(cap * 100) * 10_000 - Math.round(spent * 1_000_000)) / 5000);
    expect(room).toBeGreaterThanOrEqual(39);
    expect(x.searches().at(-1)?.get('max_results')).toBe(String(room));
    // Reached: no search, the watch waits for the next month, the account says why.
    spent = (await account(team)).x_cost.spent as number;
    const set = await owner.request('PUT', `/api/v1/listening/accounts/${team}`, { monthly_cap: Math.floor(spent * 100) / 100 });
    spent = Math.floor(spent * 100) / 100;
    expect(set.json().x_cost).toMatchObject({ monthly_cap: spent, state: 'capped', paused_until: monthOf(new Date()).end.toISOString() });
    const asked = x.searches().length;
    const polled = (await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json();
    expect(polled.error).toMatch(/monthly cap/);
    expect(x.searches().length).toBe(asked);
    const paused = (await cm.request('GET', `/api/v1/listening/watches/${watch}`)).json();
    expect(new Date(paused.next_poll_at).toISOString()).toBe(monthOf(new Date()).end.toISOString());
    expect(paused.last_error).toMatch(/monthly cap/);
    // Raised: the watch is due again at once.
    const raised = await owner.request('PUT', `/api/v1/listening/accounts/${team}`, { monthly_cap: 100 });
    expect(raised.json().x_cost.state).toBe('active');
    expect(new Date((await cm.request('GET', `/api/v1/listening/watches/${watch}`)).json().next_poll_at).getTime()).toBeLessThanOrEqual(
      Date.now(),
    );
    // Prices are settings: a community manager cannot change them.
    expect((await cm.request('PUT', `/api/v1/listening/accounts/${team}`, { price_per_post_read: 0 })).statusCode).toBe(403);
  });

  it('a burst beyond the page bound is read by the next poll from where paging stopped; an expired next_token is given up', async () => {
    x.state.pageSize = 10;
    const since = String(nextId);
    for (let i = 0; i < 35; i++) tweet(`Anne Dupont, rafale ${i}`);
    const newest = String(nextId);
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ caught: 30, added: 30 });
    // The next poll resumes with the same since_id and the stored next_token, then moves since_id on.
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ caught: 5, added: 5 });
    const resumed = x.searches().at(-1);
    expect(resumed?.get('next_token')).toBe('page-30');
    expect(resumed?.get('since_id')).toBe(since);
    tweet('Anne Dupont, après la rafale');
    await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    expect(x.searches().at(-1)?.get('since_id')).toBe(newest);
    // Unfinished again, and the token expires: those pages are given up, the watch goes on.
    for (let i = 0; i < 35; i++) tweet(`Anne Dupont, deuxième rafale ${i}`);
    const newest2 = String(nextId);
    await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    x.state.expiredTokens = true;
    expect((await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`)).json()).toMatchObject({ caught: 0, error: null });
    x.state.expiredTokens = false;
    await cm.request('POST', `/api/v1/listening/watches/${watch}/poll`);
    expect(x.searches().at(-1)?.get('since_id')).toBe(newest2);
    expect(x.searches().at(-1)?.get('next_token')).toBeNull();
  });

  it('no X token is readable in the database, the audit log or the logs', async () => {
    const secrets = [X_BEARER, X_USER_TOKEN, X_REFRESH_TOKEN, 'x-user-access-rotated', 'x-user-refresh-rotated'];
    const rows = await ctx.database.db.selectFrom('listening_account').select('credentials').where('network', '=', 'x').execute();
    expect(rows.length).toBe(2);
    for (const row of rows) for (const s of secrets) expect(Buffer.from(row.credentials).includes(Buffer.from(s))).toBe(false);
    const audit = JSON.stringify(
      await ctx.database.db.selectFrom('audit_event').select('details').where('campaign_id', '=', c.id).execute(),
    );
    const drafts = JSON.stringify(
      await ctx.database.db.selectFrom('listening_draft').selectAll().where('campaign_id', '=', c.id).execute(),
    );
    const watches = JSON.stringify(
      await ctx.database.db.selectFrom('listening_watch').selectAll().where('campaign_id', '=', c.id).execute(),
    );
    expect(logs.length).toBeGreaterThan(10);
    for (const text of [audit, drafts, watches, logs.join('\n')]) for (const s of secrets) expect(text).not.toContain(s);
  });
});
