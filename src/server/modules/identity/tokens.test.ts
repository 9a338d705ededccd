// API tokens per application (issue 13): scopes per resource and action, the old scopes mapped,
// rate limits per token with the RateLimit-* headers, and revocation refused at once by every
// server instance (two apps over the same database, each with its own pool and token cache).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../db/database.ts';
import { LISTENER_APPLICATION_NAME } from '../../db/listener.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { buildTestApp, createCampaignFixture, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('API tokens per application', (ctx) => {
  let a: TestApp;
  let b: TestApp;
  let second: Database | null = null;
  let owner: TestClient;
  let makerId: string;
  let campaignId: string;

  beforeAll(async () => {
    a = await buildTestApp(ctx.database);
    // The second instance: its own pool and listening connection on PostgreSQL; on the embedded
    // database (one process) a second app over the same instance.
    second = ctx.database.url ? await openDatabase({ databaseUrl: ctx.database.url, pgliteDir: null, poolSize: 2 }) : null;
    b = await buildTestApp(second ?? ctx.database);
    const c = await createCampaignFixture(ctx.database.db, 'tokens');
    campaignId = c.id;
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    makerId = await createMemberFixture(ctx.database.db, c.id, { email: 'maker@example.org', role: 'admin' });
    owner = new TestClient(a.app);
    await owner.login('owner@example.org');
  });

  afterAll(async () => {
    await b?.close();
    await second?.close();
    await a?.close();
  });

  const call = (app: TestApp, token: string, url: string) => app.app.inject({ url, headers: { authorization: `Bearer ${token}` } });

  async function createToken(client: TestClient, body: Record<string, unknown>) {
    const res = await client.request('POST', '/api/v1/api_tokens', { name: 'default', ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; token: string };
  }

  it('keeps a token per application with its owner, description and limit, and lists them', async () => {
    const created = await owner.request('POST', '/api/v1/api_tokens', {
      application: 'Carte des bénévoles',
      name: 'production',
      description: 'Lit les contacts pour la carte du hackathon',
      scopes: ['people:read', 'zones:read'],
      rate_limit_per_minute: 120,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      application: 'Carte des bénévoles',
      name: 'production',
      description: 'Lit les contacts pour la carte du hackathon',
      scopes: ['people:read', 'zones:read'],
      rate_limit_per_minute: 120,
      created_by_name: 'owner',
      last_used_at: null,
    });
    expect((await call(a, created.json().token, '/api/v1/people')).statusCode).toBe(200);
    const list = (await owner.request('GET', '/api/v1/api_tokens')).json()._embedded.api_tokens as Record<string, unknown>[];
    const row = list.find((t) => t.id === created.json().id);
    expect(row).toMatchObject({ application: 'Carte des bénévoles', created_by_name: 'owner', rate_limit_per_minute: 120 });
    expect(row?.last_used_at).not.toBeNull();
    // Without an application, a token is its own, under its name.
    expect((await createToken(owner, { name: 'script', scopes: ['zones:read'] })).id).toBeDefined();
    const scopes = (await owner.request('GET', '/api/v1/api_tokens/scopes')).json().scopes as { id: string; resource: string }[];
    expect(scopes.find((s) => s.id === 'tags:write')).toMatchObject({ resource: 'tags', action: 'write' });
  });

  it('gives a token only the resources of its scopes, and names the missing scope in a 403 problem', async () => {
    const { token } = await createToken(owner, { scopes: ['tags:read'] });
    expect((await call(a, token, '/api/v1/tags')).statusCode).toBe(200);
    for (const [url, scope] of [
      ['/api/v1/people', 'people:read'],
      ['/api/v1/lists', 'lists:read'],
      ['/api/v1/segments', 'segments:read'],
      ['/api/v1/custom_fields', 'custom_fields:read'],
    ] as const) {
      const res = await call(a, token, url);
      expect(res.statusCode, url).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 403, code: 'TOKEN_SCOPE_MISSING', required_scope: scope });
      expect(res.json().detail).toContain(scope);
    }
    // A staff-only route: no scope opens it.
    const members = await call(a, token, '/api/v1/members');
    expect(members.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: null });
    // A token that reads tags cannot tag.
    const write = await a.app.inject({
      method: 'POST',
      url: '/api/v1/tags',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'nouvelle' },
    });
    expect(write.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: 'tags:write' });
  });

  it("maps a token's old scopes (permission names) to the scopes of the same reach", async () => {
    const secret = `rl_${'o'.repeat(40)}`;
    const id = uuidv7();
    await ctx.database.db
      .insertInto('api_token')
      .values({
        campaign_id: campaignId,
        id,
        name: 'ancien',
        token_hash: hashSecret(secret),
        prefix: secret.slice(0, 9),
        scopes: ['people.read', 'zones.read'],
      })
      .execute();
    const migration = readFileSync(path.join(import.meta.dirname, '../../db/migrations/0022_application_tokens.sql'), 'utf8');
    const mapping = migration.slice(migration.indexOf('-- Scopes are per resource'));
    await sql.raw(mapping).execute(ctx.database.db);
    const row = await ctx.database.db.selectFrom('api_token').select('scopes').where('id', '=', id).executeTakeFirstOrThrow();
    expect([...row.scopes].sort()).toEqual(
      ['custom_fields:read', 'ladder:read', 'lists:read', 'people:read', 'segments:read', 'tags:read', 'zones:read'].sort(),
    );
    for (const url of ['/api/v1/people', '/api/v1/tags', '/api/v1/lists', '/api/v1/zone_layers']) {
      expect((await call(a, secret, url)).statusCode, url).toBe(200);
    }
  });

  it('limits each token per minute with the RateLimit headers, then answers 429 with Retry-After', async () => {
    const { token } = await createToken(owner, { scopes: ['zones:read'], rate_limit_per_minute: 3 });
    const { token: other } = await createToken(owner, { scopes: ['zones:read'] });
    for (const remaining of [2, 1, 0]) {
      const res = await call(a, token, '/api/v1/zone_layers');
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
      expect(res.headers['ratelimit-policy']).toBe('3;w=60');
      expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['ratelimit-reset'])).toBeLessThanOrEqual(60);
    }
    const refused = await call(a, token, '/api/v1/zone_layers');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ code: 'RATE_LIMITED', limit: 3, window_seconds: 60 });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // Another token has its own count, with the deployment's default limit.
    const fine = await call(a, other, '/api/v1/zone_layers');
    expect(fine.statusCode).toBe(200);
    expect(fine.headers['ratelimit-limit']).toBe(String(a.runtime.config.apiTokenRateLimit));
    // The back office's session is not counted per token.
    const session = await owner.request('GET', '/api/v1/zone_layers');
    expect(session.statusCode).toBe(200);
    expect(session.headers['ratelimit-limit']).toBeUndefined();
  });

  it('refuses a revoked token at once on the other instance, which had it cached', async () => {
    const { id, token } = await createToken(owner, { scopes: ['zones:read'] });
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(200);
    // Instance b answers from its cache: a change made behind the application's back (no
    // notification) is not seen, which is what makes the notification necessary.
    await ctx.database.db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(200);
    await ctx.database.db.updateTable('api_token').set({ revoked_at: null }).where('id', '=', id).execute();

    expect((await owner.request('DELETE', `/api/v1/api_tokens/${id}`)).statusCode).toBe(204);
    // The revoking instance refuses it from its answer on.
    expect((await call(a, token, '/api/v1/zone_layers')).statusCode).toBe(401);
    // The other as soon as it has heard the notification PostgreSQL sent at commit.
    await b.app.actorDirectory.sync();
    const refused = await call(b, token, '/api/v1/zone_layers');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('TOKEN_INVALID');
  });

  it("ends a member's tokens on every instance when the member is removed", async () => {
    const maker = new TestClient(a.app);
    await maker.login('maker@example.org');
    const { token } = await createToken(maker, { scopes: ['zones:read'] });
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(200);
    expect((await owner.request('DELETE', `/api/v1/members/${makerId}`)).statusCode).toBe(204);
    await b.app.actorDirectory.sync();
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(401);
  });

  it.runIf(ctx.kind === 'postgres')('reads every token again while an instance cannot hear the changes', async () => {
    const { id, token } = await createToken(owner, { scopes: ['zones:read'] });
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(200);
    // Revoked behind the application's back (no notification): b's cache still holds the token.
    await ctx.database.db.updateTable('api_token').set({ revoked_at: new Date() }).where('id', '=', id).execute();
    expect((await call(b, token, '/api/v1/zone_layers')).statusCode).toBe(200);
    // Cut the listening connections: what b cached may be stale from then on, so b drops it and
    // reads tokens again — well before the cache's own 10 s bound.
    await sql`select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`.execute(ctx.database.db);
    await expect.poll(async () => (await call(b, token, '/api/v1/zone_layers')).statusCode, { timeout: 5_000, interval: 50 }).toBe(401);
  });
});
