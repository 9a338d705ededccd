// Tenant isolation: a user or token of campaign A can neither read, list, update nor delete anything
// of campaign B, even with B's ids in the URL (404, not 403, not data); row-level security holds
// underneath the application's own scoping; referents see only their zones.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from './db/database.ts';
import { withBeginSql } from './db/pg-driver.ts';
import { buildTestApp, createCampaignFixture, createMemberFixture, type FixtureCampaign, type TestApp, TestClient } from './testing/app.ts';
import { describeEachDatabase } from './testing/databases.ts';

describeEachDatabase('tenancy', (ctx) => {
  let t: TestApp;
  let a: FixtureCampaign;
  let b: FixtureCampaign;
  let ownerA: TestClient;
  let tokenA: string;
  let bMemberId: string;
  let bTokenId: string;
  let bJobId: string;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    a = await createCampaignFixture(db, 'camp-a');
    b = await createCampaignFixture(db, 'camp-b');
    await createMemberFixture(db, a.id, { email: 'owner-a@example.org', role: 'owner' });
    await createMemberFixture(db, a.id, { email: 'referent-a1@example.org', role: 'referent', zoneIds: [a.zones[0]!.id] });
    await createMemberFixture(db, b.id, { email: 'owner-b@example.org', role: 'owner' });
    bMemberId = await createMemberFixture(db, b.id, { email: 'admin-b@example.org', role: 'admin' });
    ownerA = new TestClient(t.app);
    await ownerA.login('owner-a@example.org');
    tokenA = (
      await ownerA.request('POST', '/api/v1/api_tokens', { name: 'a', scopes: ['dashboard:read', 'zones:read', 'jobs:read', 'audit:read'] })
    ).json().token;
    const ownerB = new TestClient(t.app);
    await ownerB.login('owner-b@example.org');
    bTokenId = (await ownerB.request('POST', '/api/v1/api_tokens', { name: 'b', scopes: ['zones:read'] })).json().id;
    bJobId = crypto.randomUUID();
    await db.insertInto('job_run').values({ campaign_id: b.id, id: bJobId, kind: 'demo.count' }).execute();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 404 for campaign B's member, token and job, through a session", async () => {
    const attempts = [
      ownerA.request('PATCH', `/api/v1/members/${bMemberId}`, { role: 'volunteer' }),
      ownerA.request('DELETE', `/api/v1/members/${bMemberId}`),
      ownerA.request('DELETE', `/api/v1/api_tokens/${bTokenId}`),
      ownerA.request('GET', `/api/v1/jobs/${bJobId}`),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.statusCode, res.body).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    // Nothing of B changed.
    const member = await ctx.database.db.selectFrom('membership').select('role').where('user_id', '=', bMemberId).executeTakeFirstOrThrow();
    expect(member.role).toBe('admin');
    const token = await ctx.database.db.selectFrom('api_token').select('revoked_at').where('id', '=', bTokenId).executeTakeFirstOrThrow();
    expect(token.revoked_at).toBeNull();
  });

  it("answers 404 for campaign B's job through an API token of A", async () => {
    const res = await t.app.inject({ url: `/api/v1/jobs/${bJobId}`, headers: { authorization: `Bearer ${tokenA}` } });
    expect(res.statusCode).toBe(404);
  });

  it('lists only the caller campaign rows', async () => {
    const members = (await ownerA.request('GET', '/api/v1/members')).json()._embedded.members;
    expect(members.map((m: { email: string }) => m.email).sort()).toEqual(['owner-a@example.org', 'referent-a1@example.org']);
    const tokens = (await ownerA.request('GET', '/api/v1/api_tokens')).json()._embedded.api_tokens;
    expect(tokens.map((x: { name: string }) => x.name)).toEqual(['a']);
    const zones = (await t.app.inject({ url: '/api/v1/zones', headers: { authorization: `Bearer ${tokenA}` } })).json()._embedded.zones;
    expect(zones.map((z: { id: string }) => z.id).sort()).toEqual(a.zones.map((z) => z.id).sort());
    const jobs = (await t.app.inject({ url: '/api/v1/jobs', headers: { authorization: `Bearer ${tokenA}` } })).json()._embedded.jobs;
    expect(jobs.map((j: { id: string }) => j.id)).not.toContain(bJobId);
    const audit = (await t.app.inject({ url: '/api/v1/audit_events?per_page=500', headers: { authorization: `Bearer ${tokenA}` } })).json();
    expect(JSON.stringify(audit)).not.toContain('owner-b@example.org');
    const dashboard = (await t.app.inject({ url: '/api/v1/dashboard', headers: { authorization: `Bearer ${tokenA}` } })).json();
    expect(dashboard.people_total).toBe(a.people.length);
  });

  it('cannot switch a session to a campaign the user is not a member of', async () => {
    const res = await ownerA.request('PUT', '/api/v1/session/campaign', { campaign_id: b.id });
    expect(res.statusCode).toBe(404);
    expect((await ownerA.request('GET', '/api/v1/session')).json().campaign.id).toBe(a.id);
  });

  it("shows a referent only their zone's figures and zones", async () => {
    const referent = new TestClient(t.app);
    await referent.login('referent-a1@example.org');
    const dashboard = (await referent.request('GET', '/api/v1/dashboard')).json();
    expect(dashboard.scope).toBe('zones');
    expect(dashboard.people_total).toBe(1);
    expect(dashboard.zones.map((z: { code: string }) => z.code)).toEqual(['1']);
    const zones = (await referent.request('GET', '/api/v1/zones')).json()._embedded.zones;
    expect(zones.map((z: { code: string }) => z.code)).toEqual(['1']);
    expect((await referent.request('GET', '/api/v1/members')).statusCode).toBe(403);
  });

  it('row-level security hides other campaigns even from a query without a WHERE', async () => {
    const rows = await withTenant(ctx.database.db, a.id, (trx) => trx.selectFrom('person').select('campaign_id').execute());
    expect(rows.length).toBe(a.people.length);
    expect(new Set(rows.map((r) => r.campaign_id))).toEqual(new Set([a.id]));
    const updated = await withTenant(ctx.database.db, a.id, (trx) =>
      trx.updateTable('person').set({ given_name: 'pwned' }).where('campaign_id', '=', b.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(ctx.database.db, a.id, (trx) =>
      trx.deleteFrom('zone').where('campaign_id', '=', b.id).executeTakeFirst(),
    );
    expect(Number(deleted.numDeletedRows)).toBe(0);
    await expect(
      withTenant(ctx.database.db, a.id, (trx) =>
        trx.insertInto('person').values({ campaign_id: b.id, id: crypto.randomUUID(), email: 'x@example.org' }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    // The request role cannot read sessions at all.
    await expect(withTenant(ctx.database.db, a.id, (trx) => sql`select * from session`.execute(trx))).rejects.toThrow(/permission denied/);
    // Failed sign-ins (e-mails and addresses of every campaign) are closed to the request role.
    await ctx.database.db
      .insertInto('login_throttle')
      .values({ email: 'x@example.org', client: '192.0.2.1', failures: 1, expires_at: new Date(Date.now() + 60_000) })
      .execute();
    expect(await withTenant(ctx.database.db, a.id, (trx) => trx.selectFrom('login_throttle').select('email').execute())).toEqual([]);
    // Without a campaign set, nothing is visible.
    const none = await ctx.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'relais_app', true)`.execute(trx);
      return trx.selectFrom('person').select('id').execute();
    });
    expect(none).toEqual([]);
  });

  it("runs a tenant transaction's first query, written with BEGIN and the settings, as relais_app on its campaign", async () => {
    const { db } = ctx.database;
    const seen = await withTenant(db, a.id, async (trx) => {
      // The first query travels with BEGIN (PostgreSQL: one round trip); the second runs after.
      const first = await sql<{ who: string; campaign: string; campaigns: number; superuser: string }>`
        select current_user as who, current_setting('relais.campaign_id') as campaign,
          (select count(distinct campaign_id)::int from zone) as campaigns, current_setting('is_superuser') as superuser`.execute(trx);
      const layers = await trx.selectFrom('zone_layer').select('campaign_id').execute();
      return { first: first.rows[0], layers };
    });
    expect(seen.first).toEqual({ who: 'relais_app', campaign: a.id, campaigns: 1, superuser: 'off' });
    expect(seen.layers.length).toBeGreaterThan(0);
    expect(new Set(seen.layers.map((l) => l.campaign_id))).toEqual(new Set([a.id]));
    // The settings were the transaction's own: every pooled connection is back to the login role.
    const after = await Promise.all(
      Array.from({ length: 12 }, () =>
        sql<{
          who: string;
          campaign: string;
        }>`select current_user as who, coalesce(current_setting('relais.campaign_id', true), '') as campaign`.execute(db),
      ),
    );
    for (const r of after) expect(r.rows[0]).toEqual({ who: expect.not.stringMatching(/^relais_app$/), campaign: '' });
    // Campaigns in parallel on several connections each see their own rows.
    const campaigns = [a.id, b.id, a.id, b.id];
    const seenBy = await Promise.all(
      campaigns.map((id) =>
        withTenant(db, id, async (trx) => (await trx.selectFrom('zone').select('campaign_id').execute()).map((r) => r.campaign_id)),
      ),
    );
    expect(seenBy.map((ids) => [...new Set(ids)])).toEqual(campaigns.map((id) => [id]));
  });

  it('never runs the first query when the settings sent with BEGIN fail', async () => {
    const { db } = ctx.database;
    const attempt = withBeginSql(`begin; select set_config('role', 'no_such_role', true)`, (sent) =>
      db.transaction().execute(async (trx) => {
        if (!sent()) await sql`select set_config('role', 'no_such_role', true)`.execute(trx);
        return trx.selectFrom('person').select('campaign_id').execute();
      }),
    );
    await expect(attempt).rejects.toThrow(/no_such_role/);
    // The connection went back to the pool usable, outside any transaction.
    const { rows } = await sql<{ n: number }>`select 1 as n`.execute(db);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('runs a one-read tenant transaction as relais_app on its campaign, read only, one statement', async () => {
    const { db } = ctx.database;
    const rows = await withTenant(db, a.id, (trx) => trx.selectFrom('zone').select('campaign_id').execute(), { oneRead: true });
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.campaign_id))).toEqual(new Set([a.id]));
    const who = await withTenant(
      db,
      b.id,
      (trx) =>
        sql<{ who: string; campaign: string }>`select current_user as who, current_setting('relais.campaign_id') as campaign`.execute(trx),
      { oneRead: true },
    );
    expect(who.rows).toEqual([{ who: 'relais_app', campaign: b.id }]);
    await expect(
      withTenant(db, a.id, (trx) => trx.updateTable('zone').set({ name: 'x' }).where('campaign_id', '=', a.id).execute(), {
        oneRead: true,
      }),
    ).rejects.toThrow(/read-only transaction/);
    if (ctx.database.kind === 'postgres') {
      // Its COMMIT went out with the first statement: a second one must fail, never run as the login role.
      await expect(
        withTenant(
          db,
          a.id,
          async (trx) => {
            await trx.selectFrom('zone').select('id').execute();
            return trx.selectFrom('person').select('campaign_id').execute();
          },
          { oneRead: true },
        ),
      ).rejects.toThrow(/second statement/);
    }
    // The pooled connections are left outside any transaction, as the login role.
    const after = await Promise.all(Array.from({ length: 12 }, () => sql<{ who: string }>`select current_user as who`.execute(db)));
    for (const r of after) expect(r.rows[0]?.who).not.toBe('relais_app');
  });
});
