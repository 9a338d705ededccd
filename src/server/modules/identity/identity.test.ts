import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createCampaignFixture, createMemberFixture, TEST_PASSWORD, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

interface Received {
  to: string;
  body: string;
}

/** A real SMTP server on loopback that keeps what it receives. */
async function startSmtp(): Promise<{ url: string; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function resetTokenFrom(body: string): string {
  // Quoted-printable may fold long lines ("=\r\n") and encode "=" as "=3D".
  const unfolded = body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /\/app\/reset\?token=([A-Za-z0-9_%-]+)/.exec(unfolded);
  if (!match?.[1]) throw new Error(`no reset link in mail:\n${body}`);
  return decodeURIComponent(match[1]);
}

describeEachDatabase('identity', (ctx) => {
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let campaignId: string;
  let zoneIds: string[];

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await buildTestApp(ctx.database, { smtpUrl: smtp.url, loginMaxFailures: 3, loginLockMinutes: 15 });
    const c = await createCampaignFixture(ctx.database.db, 'ident');
    campaignId = c.id;
    zoneIds = c.zones.map((z) => z.id);
    await createMemberFixture(ctx.database.db, campaignId, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'admin@example.org', role: 'admin' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'lock@example.org', role: 'organizer' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'reset@example.org', role: 'organizer' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'vol@example.org', role: 'volunteer' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'timing@example.org', role: 'organizer' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'target@example.org', role: 'organizer' });
    await createMemberFixture(ctx.database.db, campaignId, { email: 'reset2@example.org', role: 'organizer' });
    for (const n of [1, 2, 3]) await createMemberFixture(ctx.database.db, campaignId, { email: `maker${n}@example.org`, role: 'admin' });
  });

  /**
   * A client signed in from its own address: the sign-in rate limit (20 a minute per address) stays
   * out of the way of the other tests signing in from the default one.
   */
  async function signedIn(email: string, remoteAddress: string): Promise<{ client: TestClient; userId: string }> {
    const res = await loginFrom(remoteAddress, email);
    expect(res.statusCode, res.body).toBe(200);
    const client = new TestClient(t.app);
    client.cookie = `relais_session=${res.cookies.find((c) => c.name === 'relais_session')?.value}`;
    client.csrf = res.json().csrf_token;
    return { client, userId: res.json().user.id };
  }

  /** Signs in as a member and creates a token with these scopes; answers its secret. */
  async function tokenOf(email: string, scopes: string[]): Promise<{ token: string; userId: string }> {
    const { client, userId } = await signedIn(email, '198.18.4.1');
    const created = await client.request('POST', '/api/v1/api_tokens', { name: `of ${email}`, scopes });
    expect(created.statusCode, created.body).toBe(201);
    return { token: created.json().token, userId };
  }

  const withToken = (token: string, url = '/api/v1/dashboard') => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  /** A sign-in attempt from a given client address. */
  function loginFrom(remoteAddress: string, email: string, password = TEST_PASSWORD) {
    return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { email, password } });
  }

  async function timed(attempt: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await attempt();
    return performance.now() - start;
  }

  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('signs in with a secure session cookie and answers the session document', async () => {
    const client = new TestClient(t.app);
    const res = await client.login('owner@example.org');
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'relais_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(res.json()).toMatchObject({ role: 'owner', campaign: { id: campaignId }, user: { email: 'owner@example.org' } });
    expect(res.json().permissions).toContain('users.manage');
    const session = await client.request('GET', '/api/v1/session');
    expect(session.statusCode).toBe(200);
    expect(session.json().csrf_token).toBe(client.csrf);
  });

  it('refuses a wrong password with a problem document, and the same for an unknown e-mail', async () => {
    const client = new TestClient(t.app);
    for (const email of ['owner@example.org', 'nobody@example.org']) {
      const res = await client.login(email, 'wrong-password-123');
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    }
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const client = new TestClient(t.app);
    const codes: string[] = [];
    for (let i = 0; i < 3; i += 1) codes.push((await client.login('lock@example.org', 'wrong-password-123')).json().code);
    expect(codes).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'ACCOUNT_LOCKED']);
    const res = await client.login('lock@example.org');
    expect(res.statusCode).toBe(423);
    expect(res.json()).toMatchObject({ code: 'ACCOUNT_LOCKED', retry_after_minutes: 15 });
    const audit = await ctx.database.db.selectFrom('audit_event').select('action').where('campaign_id', '=', campaignId).execute();
    expect(audit.map((a) => a.action)).toContain('auth.locked');
  });

  it('answers an unknown e-mail, a wrong password and a lock alike, in comparable time', async () => {
    const answers = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const res = await loginFrom('198.18.0.1', email, 'wrong-password-123');
        out.push(`${res.statusCode} ${res.json().code} ${res.json().detail}`);
      }
      return out;
    };
    const known = await answers('timing@example.org');
    expect(known.map((a) => a.split(' ').slice(0, 2).join(' '))).toEqual([
      '401 INVALID_CREDENTIALS',
      '401 INVALID_CREDENTIALS',
      '423 ACCOUNT_LOCKED',
      '423 ACCOUNT_LOCKED',
    ]);
    expect(await answers('nobody-timing@example.org')).toEqual(known);

    // Each kind of refusal verifies a password (Argon2, some 10 to 50 ms here) before answering,
    // where a lock used to answer after two lookups: the fastest answer of each kind (load only adds
    // time) stays near the fastest wrong password (a third, for the noise of a shared machine).
    const wrong: number[] = [];
    const unknown: number[] = [];
    const locked: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      wrong.push(await timed(() => loginFrom(`198.18.1.${i}`, 'timing@example.org', 'wrong-password-123')));
      unknown.push(await timed(() => loginFrom(`198.18.2.${i}`, 'nobody-timing@example.org', 'wrong-password-123')));
      locked.push(await timed(() => loginFrom('198.18.0.1', 'timing@example.org')));
    }
    for (const kind of [unknown, locked]) expect(Math.min(...kind)).toBeGreaterThan(Math.min(...wrong) / 3);
  });

  it('locks the guessing address, not the owner signing in from elsewhere, and a password reset lifts the lock', async () => {
    for (let i = 0; i < 3; i += 1) await loginFrom('198.18.3.1', 'target@example.org', 'wrong-password-123');
    expect((await loginFrom('198.18.3.1', 'target@example.org')).json().code).toBe('ACCOUNT_LOCKED');
    // The same /64 of IPv6 counts as one client.
    for (let i = 0; i < 3; i += 1) await loginFrom(`2001:db8:5:6::${i + 1}`, 'target@example.org', 'wrong-password-123');
    expect((await loginFrom('2001:db8:5:6::99', 'target@example.org')).json().code).toBe('ACCOUNT_LOCKED');
    const owner = await loginFrom('198.18.3.2', 'target@example.org');
    expect(owner.statusCode).toBe(200);
    // The owner signing in does not end the guesser's lock; the admins see it on the team page.
    expect((await loginFrom('198.18.3.1', 'target@example.org')).statusCode).toBe(423);
    const { client: admin } = await signedIn('admin@example.org', '198.18.3.3');
    const members = (await admin.request('GET', '/api/v1/members')).json()._embedded.members as { email: string; locked: boolean }[];
    expect(members.find((m) => m.email === 'target@example.org')?.locked).toBe(true);
    expect(members.find((m) => m.email === 'admin@example.org')?.locked).toBe(false);

    const requested = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'target@example.org' } });
    expect(requested.statusCode).toBe(202);
    await expect.poll(() => smtp.inbox.some((m) => m.to === 'target@example.org')).toBe(true);
    const token = resetTokenFrom(smtp.inbox.find((m) => m.to === 'target@example.org')?.body ?? '');
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'target-new-passphrase' },
    });
    expect(reset.statusCode).toBe(204);
    expect((await loginFrom('198.18.3.1', 'target@example.org', 'target-new-passphrase')).statusCode).toBe(200);
  });

  it('refuses a sign-in another site could make a browser send (login CSRF)', async () => {
    const attempt = (headers: Record<string, string>, payload: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '198.18.9.1', headers, payload });
    const json = JSON.stringify({ email: 'owner@example.org', password: TEST_PASSWORD });
    const form = await attempt(
      { 'content-type': 'application/x-www-form-urlencoded' },
      `email=owner%40example.org&password=${encodeURIComponent(TEST_PASSWORD)}`,
    );
    expect(form.statusCode).toBe(415);
    expect(form.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(form.cookies.some((c) => c.name === 'relais_session')).toBe(false);
    expect((await attempt({ 'content-type': 'text/plain' }, json)).json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const crossSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await attempt({ 'content-type': 'application/json', ...headers }, json);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json().code).toBe('CROSS_SITE_REQUEST');
    }
    // The back office's own request: JSON, same origin.
    const own = await attempt(
      { 'content-type': 'application/json; charset=utf-8', 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' },
      json,
    );
    expect(own.statusCode, own.body).toBe(200);
    const reset = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      remoteAddress: '198.18.9.1',
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      payload: JSON.stringify({ email: 'owner@example.org' }),
    });
    expect(reset.json().code).toBe('CROSS_SITE_REQUEST');
  });

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const client = new TestClient(t.app);
    await client.login('owner@example.org');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api_tokens',
      headers: { cookie: client.cookie },
      payload: { name: 'x', scopes: ['zones:read'] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CSRF_TOKEN_INVALID');
  });

  it('resets a password through a one-time e-mailed link and ends every session', async () => {
    const before = new TestClient(t.app);
    await before.login('reset@example.org');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'reset@example.org' } });
    expect(res.statusCode).toBe(202);
    // Unknown e-mails get the same answer and no mail.
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: 'ghost@example.org' } });
    expect(unknown.statusCode).toBe(202);
    await expect.poll(() => smtp.inbox.filter((m) => m.to === 'reset@example.org').length).toBe(1);
    expect(smtp.inbox.some((m) => m.to === 'ghost@example.org')).toBe(false);
    const token = resetTokenFrom(smtp.inbox.find((m) => m.to === 'reset@example.org')?.body ?? '');
    const weak = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password: 'short' } });
    expect(weak.json().code).toBe('WEAK_PASSWORD');
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a-brand-new-passphrase' },
    });
    expect(ok.statusCode).toBe(204);
    const reused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'another-new-passphrase' },
    });
    expect(reused.json().code).toBe('RESET_TOKEN_INVALID');
    expect((await before.request('GET', '/api/v1/session')).statusCode).toBe(401);
    expect((await new TestClient(t.app).login('reset@example.org', TEST_PASSWORD)).statusCode).toBe(401);
    expect((await new TestClient(t.app).login('reset@example.org', 'a-brand-new-passphrase')).statusCode).toBe(200);
  });

  it('ends every other outstanding reset link once one is used, and answers a request before looking the account up', async () => {
    const requestFrom = (remoteAddress: string, email: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', remoteAddress, payload: { email } });
    const mails = () => smtp.inbox.filter((m) => m.to === 'reset2@example.org');
    expect((await requestFrom('198.18.5.1', 'reset2@example.org')).statusCode).toBe(202);
    await expect.poll(() => mails().length).toBe(1);
    expect((await requestFrom('198.18.5.1', 'reset2@example.org')).statusCode).toBe(202);
    await expect.poll(() => mails().length).toBe(2);
    const [older, newer] = mails().map((m) => resetTokenFrom(m.body));
    const confirm = (token: string | undefined, password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } });
    expect((await confirm(newer, 'reset2-new-passphrase')).statusCode).toBe(204);
    expect((await confirm(older, 'reset2-evil-passphrase')).json().code).toBe('RESET_TOKEN_INVALID');
    expect((await loginFrom('198.18.5.2', 'reset2@example.org', 'reset2-new-passphrase')).statusCode).toBe(200);

    // The answer comes before the lookup, the link and the mail: an existing account's request is
    // answered as fast as an unknown one's (the fastest of each, load only adding time).
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      existing.push(await timed(() => requestFrom(`198.18.6.${i}`, 'reset2@example.org')));
      unknown.push(await timed(() => requestFrom(`198.18.7.${i}`, `ghost${i}@example.org`)));
    }
    expect(Math.min(...existing)).toBeLessThan(2 * Math.min(...unknown) + 3);
    await expect.poll(() => mails().length).toBe(7);
  });

  it('answers an empty preferences patch with the account unchanged', async () => {
    // Found by routes.fuzz.test.ts: PATCH /me with {} built an UPDATE without SET (500).
    const { client } = await signedIn('vol@example.org', '198.18.4.9');
    const res = await client.request('PATCH', '/api/v1/me', {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ email: 'vol@example.org', locale: 'fr' });
    const changed = await client.request('PATCH', '/api/v1/me', { locale: 'en' });
    expect(changed.json()).toMatchObject({ email: 'vol@example.org', locale: 'en' });
  });

  it('logs out everywhere', async () => {
    const a = new TestClient(t.app);
    const b = new TestClient(t.app);
    await a.login('admin@example.org');
    await b.login('admin@example.org');
    expect((await a.request('POST', '/api/v1/auth/logout-all')).statusCode).toBe(204);
    expect((await b.request('GET', '/api/v1/session')).statusCode).toBe(401);
    expect((await a.request('GET', '/api/v1/session')).statusCode).toBe(401);
  });

  it('creates API tokens shown once, accepts Bearer and OSDI-API-Token, and revokes them', async () => {
    const owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    const created = await owner.request('POST', '/api/v1/api_tokens', { name: 'hackathon', scopes: ['dashboard:read', 'zones:read'] });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^rl_/);
    const list = await owner.request('GET', '/api/v1/api_tokens');
    expect(JSON.stringify(list.json())).not.toContain(token);
    const stored = await ctx.database.db.selectFrom('api_token').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash.toString('hex')).not.toContain(token);

    const bearer = await t.app.inject({ url: '/api/v1/dashboard', headers: { authorization: `Bearer ${token}` } });
    expect(bearer.statusCode).toBe(200);
    const osdi = await t.app.inject({ url: '/api/v1/zone_layers', headers: { 'osdi-api-token': token } });
    expect(osdi.statusCode, osdi.body).toBe(200);
    const outOfScope = await t.app.inject({ url: '/api/v1/audit_events', headers: { authorization: `Bearer ${token}` } });
    expect(outOfScope.statusCode).toBe(403);
    expect(outOfScope.json().code).toBe('TOKEN_SCOPE_MISSING');
    const used = await ctx.database.db.selectFrom('api_token').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();

    expect((await owner.request('DELETE', `/api/v1/api_tokens/${id}`)).statusCode).toBe(204);
    const revoked = await t.app.inject({ url: '/api/v1/dashboard', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().code).toBe('TOKEN_INVALID');
    const garbage = await t.app.inject({ url: '/api/v1/dashboard', headers: { authorization: 'Bearer rl_not-a-token' } });
    expect(garbage.json().code).toBe('TOKEN_INVALID');
  });

  it("ends a token with its creator's membership or account, at once in this process, and follows a demotion", async () => {
    const { client: owner } = await signedIn('owner@example.org', '198.18.4.2');
    const removed = await tokenOf('maker1@example.org', ['dashboard:read']);
    expect((await withToken(removed.token)).statusCode).toBe(200); // now in the cache
    expect((await owner.request('DELETE', `/api/v1/members/${removed.userId}`)).statusCode).toBe(204);
    const afterRemoval = await withToken(removed.token);
    expect(afterRemoval.statusCode).toBe(401);
    expect(afterRemoval.json().code).toBe('TOKEN_INVALID');

    const disabled = await tokenOf('maker2@example.org', ['dashboard:read']);
    await ctx.database.db.updateTable('staff_user').set({ disabled_at: new Date() }).where('id', '=', disabled.userId).execute();
    expect((await withToken(disabled.token)).json().code).toBe('TOKEN_INVALID');

    const demoted = await tokenOf('maker3@example.org', ['dashboard:read', 'people:read']);
    expect((await withToken(demoted.token, '/api/v1/people')).statusCode).toBe(200);
    expect((await owner.request('PATCH', `/api/v1/members/${demoted.userId}`, { role: 'volunteer' })).statusCode).toBe(200);
    const afterDemotion = await withToken(demoted.token, '/api/v1/people');
    expect(afterDemotion.statusCode).toBe(403);
    expect(afterDemotion.json().code).toBe('TOKEN_SCOPE_MISSING');
    // Promoted again to referent of zone 1: the token regains people.read within that zone only.
    await owner.request('PATCH', `/api/v1/members/${demoted.userId}`, { role: 'referent', zone_ids: [zoneIds[0]] });
    const people = await withToken(demoted.token, '/api/v1/people');
    expect(people.statusCode).toBe(200);
    expect(people.json().total_records).toBe(1);
  });

  it('refuses a token expiry in the past with a stable code, and accepts one in the future', async () => {
    const { client: owner } = await signedIn('owner@example.org', '198.18.8.1');
    const past = await owner.request('POST', '/api/v1/api_tokens', {
      name: 'late',
      scopes: ['zones:read'],
      expires_at: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(past.json().code).toBe('TOKEN_EXPIRY_IN_PAST');
    const future = await owner.request('POST', '/api/v1/api_tokens', {
      name: 'on time',
      scopes: ['zones:read'],
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(future.statusCode).toBe(201);
  });

  it('refuses token scopes beyond the creator role, and token management to volunteers', async () => {
    const vol = new TestClient(t.app);
    await vol.login('vol@example.org');
    const res = await vol.request('POST', '/api/v1/api_tokens', { name: 'x', scopes: ['zones:read'] });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
  });

  it("attaches another campaign's account by e-mail without showing the admin anything of it", async () => {
    const other = await createCampaignFixture(ctx.database.db, 'ident-other');
    await createMemberFixture(ctx.database.db, other.id, { email: 'Someone.Else@example.org', role: 'owner' });
    await ctx.database.db
      .updateTable('staff_user')
      .set({ display_name: 'Secret Name' })
      .where('email', '=', 'someone.else@example.org')
      .execute();
    const { client: admin } = await signedIn('admin@example.org', '198.18.10.1');
    const added = await admin.request('POST', '/api/v1/members', {
      email: 'someone.else@example.org',
      display_name: 'Typed Name',
      role: 'volunteer',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ email: expect.stringMatching(/^someone\.else@example\.org$/i), display_name: 'Typed Name' });
    const fresh = await admin.request('POST', '/api/v1/members', {
      email: 'brand.new@example.org',
      display_name: 'New One',
      role: 'volunteer',
    });
    expect(Object.keys(added.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
    const seen = [
      added.body,
      (await admin.request('GET', '/api/v1/members')).body,
      (await admin.request('GET', '/api/v1/audit_events?per_page=100')).body,
    ].join('\n');
    expect(seen).not.toContain('Secret Name');
    // The account keeps its own name, and its owner is told by mail.
    const { client: self } = await signedIn('someone.else@example.org', '198.18.10.2');
    expect((await self.request('GET', '/api/v1/session')).json().user.display_name).toBe('Secret Name');
    await expect
      .poll(() => smtp.inbox.some((m) => /someone\.else@example\.org/i.test(m.to) && m.body.includes('Campaign ident')))
      .toBe(true);
  });

  it('manages members: referents need zones, admins cannot make owners, the last owner stays', async () => {
    const admin = new TestClient(t.app);
    await admin.login('admin@example.org');
    const noZone = await admin.request('POST', '/api/v1/members', { email: 'ref@example.org', display_name: 'Réf', role: 'referent' });
    expect(noZone.json().code).toBe('ZONE_REQUIRED');
    const added = await admin.request('POST', '/api/v1/members', {
      email: 'ref@example.org',
      display_name: 'Réf',
      role: 'referent',
      zone_ids: [zoneIds[0]],
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ role: 'referent', zones: [{ code: '1' }] });
    // No password given: an invitation link was e-mailed.
    await expect.poll(() => smtp.inbox.some((m) => m.to === 'ref@example.org')).toBe(true);
    const escalate = await admin.request('POST', '/api/v1/members', { email: 'boss@example.org', display_name: 'Boss', role: 'owner' });
    expect(escalate.json().code).toBe('FORBIDDEN');
    const dup = await admin.request('POST', '/api/v1/members', { email: 'ref@example.org', display_name: 'Réf', role: 'volunteer' });
    expect(dup.json().code).toBe('CONFLICT');

    const owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    const ownerId = (await owner.request('GET', '/api/v1/session')).json().user.id;
    const demote = await owner.request('PATCH', `/api/v1/members/${ownerId}`, { role: 'admin' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('LAST_OWNER');
    const refId = added.json().user_id;
    const changed = await owner.request('PATCH', `/api/v1/members/${refId}`, { role: 'organizer' });
    expect(changed.json()).toMatchObject({ role: 'organizer', zone_ids: [] });
    const actions = (await owner.request('GET', '/api/v1/audit_events?per_page=100'))
      .json()
      ._embedded.audit_events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['member.added', 'member.role_changed', 'token.created', 'token.revoked', 'auth.login']),
    );
  });
});

describeEachDatabase('client address', (ctx) => {
  let campaignId: string;
  beforeAll(async () => {
    campaignId = (await createCampaignFixture(ctx.database.db, 'proxy')).id;
    await createMemberFixture(ctx.database.db, campaignId, { email: 'proxied@example.org', role: 'organizer' });
  });

  async function failedLoginIps(): Promise<(string | null)[]> {
    const rows = await ctx.database.db
      .selectFrom('audit_event')
      .select('ip')
      .where('campaign_id', '=', campaignId)
      .where('action', '=', 'auth.login_failed')
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => r.ip);
  }

  it('ignores X-Forwarded-For by default: rotating it neither escapes the rate limit nor forges the audited address', async () => {
    const t = await buildTestApp(ctx.database);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1) {
        // Incomplete bodies: the limit counts before validation, so no hashing slows the test.
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: '203.0.113.5',
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
          payload: { email: 'proxied@example.org' },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
      expect(statuses[20]).toBe(429);
      // The password-reset request shares the protection.
      const resets: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset',
          remoteAddress: '203.0.113.5',
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
          payload: { email: 'not-an-email' },
        });
        resets.push(res.statusCode);
      }
      expect(resets).toEqual([400, 400, 400, 400, 400, 429]);
      const failed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '203.0.113.9',
        headers: { 'x-forwarded-for': '198.51.100.66' },
        payload: { email: 'proxied@example.org', password: 'wrong-password-123' },
      });
      expect(failed.json().code).toBe('INVALID_CREDENTIALS');
      expect((await failedLoginIps()).at(-1)).toBe('203.0.113.9');
    } finally {
      await t.close();
    }
  });

  it('believes X-Forwarded-For from the proxies TRUST_PROXY lists, and only from them', async () => {
    const t = await buildTestApp(ctx.database, { trustProxy: ['203.0.113.0/28'] });
    try {
      for (const remoteAddress of ['203.0.113.10', '192.0.2.1']) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress,
          headers: { 'x-forwarded-for': '198.51.100.77' },
          payload: { email: 'proxied@example.org', password: 'wrong-password-123' },
        });
        expect(res.json().code).toBe('INVALID_CREDENTIALS');
      }
      expect((await failedLoginIps()).slice(-2)).toEqual(['198.51.100.77', '192.0.2.1']);
    } finally {
      await t.close();
    }
  });
});

describe('sign-in rate limit', () => {
  it('answers 429 RATE_LIMITED past 20 attempts a minute from one address', async () => {
    const { openTestDatabase } = await import('../../testing/databases.ts');
    const database = await openTestDatabase('pglite');
    const t = await buildTestApp(database);
    try {
      let last = 0;
      let body: { code?: string } = {};
      for (let i = 0; i < 21; i += 1) {
        // The limit counts before validation: incomplete bodies keep the test fast (no hashing).
        const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: `x${i}@example.org` } });
        last = res.statusCode;
        body = res.json();
      }
      expect(last).toBe(429);
      expect(body.code).toBe('RATE_LIMITED');
    } finally {
      await t.close();
      await database.destroy();
    }
  });
});
