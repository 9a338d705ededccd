// Sandboxes: a campaign of generated data with a read-only token, and its removal with every row
// and file it holds; only sandboxes can be removed so, and only the operator calls the routes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, createCampaignFixture, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { createSandbox, removeSandbox, type Sandbox } from './sandbox.ts';

describeEachDatabase('sandbox', (ctx) => {
  let t: TestApp;
  let dataDir: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-sandbox-'));
    t = await buildTestApp(ctx.database, { dataDir, publicUrl: 'http://127.0.0.1:3104' });
    sandbox = await createSandbox(t.runtime, { peopleCount: 300, synthetic: true });
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${sandbox.token}` }, ...(payload ? { payload } : {}) });

  it('makes a campaign of generated people and a token that reads every resource and writes none', async () => {
    expect(sandbox.slug).toMatch(/^sandbox-[0-9a-f]{6}$/);
    expect(sandbox.api_url).toBe('http://127.0.0.1:3104/api/v1');
    expect(sandbox.remove_command).toBe(`relais sandbox --remove ${sandbox.slug}`);
    expect(sandbox.scopes).toEqual(expect.arrayContaining(['people:read', 'tags:read', 'lists:read', 'zones:read', 'segments:read']));
    expect(sandbox.scopes.every((s) => s.endsWith(':read'))).toBe(true);
    const people = await call('GET', '/api/v1/people?per_page=5');
    expect(people.statusCode, people.body).toBe(200);
    expect(people.json().total_records).toBe(300);
    const person = people.json()._embedded['osdi:people'][0];
    expect(person.email_addresses[0].address).toMatch(/@/);
    expect(person.zones.length).toBeGreaterThan(0);
    expect((await call('GET', '/api/v1/zone_layers')).statusCode).toBe(200);
    const write = await call('POST', '/api/v1/people', { given_name: 'Intrus', email_addresses: [{ address: 'intrus@example.org' }] });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'TOKEN_SCOPE_MISSING', required_scope: 'people:write' });
  });

  it('leaves other campaigns alone and refuses to remove one that is not a sandbox', async () => {
    const other = await createCampaignFixture(ctx.database.db, 'not-a-sandbox');
    await expect(removeSandbox(t.runtime, other.slug)).rejects.toMatchObject({ code: 'NOT_A_SANDBOX' });
    await expect(removeSandbox(t.runtime, 'sandbox-nothing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await ctx.database.db.selectFrom('campaign').select('id').where('id', '=', other.id).executeTakeFirst()).toBeDefined();
  });

  it('answers the sandbox routes to the operator only', async () => {
    const c = await createCampaignFixture(ctx.database.db, 'sandbox-routes');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    const owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    const res = await owner.request('DELETE', `/api/v1/sandboxes/${sandbox.slug}`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('SANDBOX_OPERATOR_ONLY');
    expect((await call('GET', '/api/v1/people?per_page=1')).statusCode).toBe(200);
  });

  it('removes the sandbox with every row and file it holds, and its token with it', async () => {
    const folder = path.join(dataDir, 'uploads', sandbox.campaign_id, 'x');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'source.csv'), 'e-mail\n');
    await removeSandbox(t.runtime, sandbox.slug);
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'campaign_id'`.execute(ctx.database.db);
    expect(tables.rows.length).toBeGreaterThan(15);
    for (const { table_name } of tables.rows) {
      const { rows } = await sql<{
        n: string;
      }>`select count(*) as n from ${sql.table(table_name)} where campaign_id = ${sandbox.campaign_id}`.execute(ctx.database.db);
      expect(Number(rows[0]?.n), table_name).toBe(0);
    }
    expect(
      await ctx.database.db.selectFrom('campaign').select('id').where('id', '=', sandbox.campaign_id).executeTakeFirst(),
    ).toBeUndefined();
    await expect(import('node:fs/promises').then((fs) => fs.stat(path.join(dataDir, 'uploads', sandbox.campaign_id)))).rejects.toThrow();
    await t.app.actorDirectory.sync();
    const refused = await call('GET', '/api/v1/people');
    expect(refused.statusCode).toBe(401);
  });
});
