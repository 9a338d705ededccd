// The typed TypeScript client: the committed types match the server's OpenAPI document (regenerate
// with `npm run client:generate`), and the client reads and writes people against a running server.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, createCampaignFixture, createMemberFixture, type TestApp, TestClient } from '../../src/server/testing/app.ts';
import { describeEachDatabase } from '../../src/server/testing/databases.ts';
import { SCHEMA_FILE, schemaSourceOf } from './generate.ts';
import { createRelaisClient, type RelaisClient } from './src/index.ts';

describeEachDatabase('TypeScript client', (ctx) => {
  let t: TestApp;
  let relais: RelaisClient;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const c = await createCampaignFixture(ctx.database.db, 'client');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    const owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    const created = await owner.request('POST', '/api/v1/api_tokens', {
      application: 'Client TypeScript',
      name: 'test',
      scopes: ['people:read', 'people:write'],
    });
    const { port } = t.app.server.address() as AddressInfo;
    relais = createRelaisClient({ baseUrl: `http://127.0.0.1:${port}`, token: created.json().token });
  });

  afterAll(async () => {
    await t?.close();
  });

  it.runIf(ctx.kind === 'pglite')('is generated from the OpenAPI document the server serves (npm run client:generate)', async () => {
    const document = t.app.swagger() as unknown as Record<string, unknown>;
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await schemaSourceOf(document));
  });

  it('writes and reads people', async () => {
    const created = await relais.POST('/api/v1/people', {
      body: {
        given_name: 'Camille',
        family_name: 'Client',
        email_addresses: [{ address: 'camille.client@example.org', primary: true }],
        phone_numbers: [{ number: '+33612345678' }],
      },
    });
    expect(created.error, JSON.stringify(created.error)).toBeUndefined();
    const id = created.data?.id;
    expect(id).toBeDefined();

    const updated = await relais.PUT('/api/v1/people/{id}', { params: { path: { id: id as string } }, body: { family_name: 'Cliente' } });
    expect(updated.data?.family_name).toBe('Cliente');

    const one = await relais.GET('/api/v1/people/{id}', { params: { path: { id: id as string } } });
    expect(one.data?.email_addresses[0]?.address).toBe('camille.client@example.org');
    expect(one.data?.phone_numbers[0]?.number).toBe('+33612345678');

    const page = await relais.GET('/api/v1/people', { params: { query: { q: 'cliente', page: 1, per_page: 10 } } });
    expect(page.data?._embedded['osdi:people'].map((p) => p.id)).toContain(id);

    // Errors come back typed too: a scope the token lacks.
    const denied = await relais.GET('/api/v1/tags', { params: { query: { page: 1, per_page: 25 } } });
    expect(denied.response.status).toBe(403);
  });
});
