// The segments API: saved segments, live count, members, streamed CSV exports (permission, audit,
// format), referent scoping and isolation between campaigns, on both databases.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { EXPORT_BATCH } from './segment-export.ts';
import { createSegmentFixture, type SegmentFixture } from './segments.fixtures.ts';

function parseCsv(body: string): string[][] {
  // The fixture's values hold no quotes or separators except where asserted.
  return body
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(';'));
}

describeEachDatabase('segments API', (ctx) => {
  let t: TestApp;
  let a: SegmentFixture;
  let b: SegmentFixture;
  let owner: TestClient;
  let referent: TestClient;
  let manager: TestClient;
  let segmentB: string;
  const militants = () => ({ op: 'and', children: [{ field: 'tag', cmp: 'has', value: a.tag.militant }] });

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    a = await createSegmentFixture(db, 'api-a');
    b = await createSegmentFixture(db, 'api-b');
    await createMemberFixture(db, a.id, { email: 'owner@a.example.org', role: 'owner' });
    await createMemberFixture(db, a.id, { email: 'referent@a.example.org', role: 'referent', zoneIds: [a.z1] });
    await createMemberFixture(db, a.id, { email: 'cm@a.example.org', role: 'community_manager' });
    await createMemberFixture(db, b.id, { email: 'owner@b.example.org', role: 'owner' });
    owner = new TestClient(t.app);
    referent = new TestClient(t.app);
    manager = new TestClient(t.app);
    await owner.login('owner@a.example.org');
    await referent.login('referent@a.example.org');
    await manager.login('cm@a.example.org');
    const ownerB = new TestClient(t.app);
    await ownerB.login('owner@b.example.org');
    const created = await ownerB.request('POST', '/api/v1/segments', {
      name: 'B militants',
      definition: { op: 'and', children: [{ field: 'tag', cmp: 'has', value: b.tag.militant }] },
    });
    expect(created.statusCode, created.body).toBe(201);
    segmentB = created.json().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('saves, reads, lists, updates and deletes segments', async () => {
    const created = await owner.request('POST', '/api/v1/segments', { name: 'Militants', definition: militants() });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json().definition).toEqual(militants());
    expect((await owner.request('GET', `/api/v1/segments/${id}`)).json().name).toBe('Militants');
    const list = (await owner.request('GET', '/api/v1/segments')).json();
    expect(list._embedded.segments.map((s: { id: string }) => s.id)).toEqual([id]);
    const updated = await owner.request('PUT', `/api/v1/segments/${id}`, { name: 'Militants 11e' });
    expect(updated.json()).toMatchObject({ name: 'Militants 11e', definition: militants() });
    expect((await owner.request('DELETE', `/api/v1/segments/${id}`)).statusCode).toBe(204);
    expect((await owner.request('GET', `/api/v1/segments/${id}`)).statusCode).toBe(404);
  });

  it('lets a referent save a segment but not rename, redefine or delete one: the campaign shares them', async () => {
    const shared = (await owner.request('POST', '/api/v1/segments', { name: 'Partagé', definition: militants() })).json();
    const everyone = { op: 'and', children: [] };
    for (const res of [
      await referent.request('PUT', `/api/v1/segments/${shared.id}`, { name: 'Renommé' }),
      await referent.request('PUT', `/api/v1/segments/${shared.id}`, { definition: everyone }),
      await referent.request('DELETE', `/api/v1/segments/${shared.id}`),
    ]) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().code).toBe('GROUP_SHARED');
    }
    expect((await owner.request('GET', `/api/v1/segments/${shared.id}`)).json()).toMatchObject({
      name: 'Partagé',
      definition: militants(),
    });
    const own = await referent.request('POST', '/api/v1/segments', { name: 'Du référent', definition: militants() });
    expect(own.statusCode, own.body).toBe(201);
    // The campaign-wide roles still rename, redefine and delete.
    expect((await owner.request('PUT', `/api/v1/segments/${shared.id}`, { name: 'Renommé', definition: everyone })).statusCode).toBe(200);
    expect((await owner.request('DELETE', `/api/v1/segments/${shared.id}`)).statusCode).toBe(204);
    expect((await owner.request('DELETE', `/api/v1/segments/${own.json().id}`)).statusCode).toBe(204);
  });

  it('refuses a definition with an unknown reference, pointing at the node', async () => {
    const res = await owner.request('POST', '/api/v1/segments', {
      name: 'Bad',
      definition: { op: 'and', children: [{ field: 'tag', cmp: 'has', value: b.tag.militant }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'SEGMENT_INVALID', errors: [{ pointer: '/definition/children/0/value' }] });
    const malformed = await owner.request('POST', '/api/v1/segments/count', { definition: { op: 'xor', children: [] } });
    expect(malformed.statusCode).toBe(400);
  });

  it('refuses days that are not in the calendar when a definition is saved or counted, pointing at the value', async () => {
    const cases = [
      { node: { field: 'created_date', cmp: 'gte', value: '2026-02-30' }, pointer: '/definition/children/0/value' },
      { node: { field: 'birthdate', cmp: 'between', value: ['1990-01-01', '1990-13-01'] }, pointer: '/definition/children/0/value/1' },
      { node: { field: 'modified_date', cmp: 'lte', value: '2026-01-01T24:30:00Z' }, pointer: '/definition/children/0/value' },
      {
        node: { field: 'activity', cmp: 'exists', value: { type: 'petition.signed', since: '2025-02-29' } },
        pointer: '/definition/children/0/value/since',
      },
    ];
    for (const { node, pointer } of cases) {
      const definition = { op: 'and', children: [node] };
      for (const res of [
        await owner.request('POST', '/api/v1/segments', { name: 'Février', definition }),
        await owner.request('POST', '/api/v1/segments/count', { definition }),
      ]) {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({ code: 'SEGMENT_INVALID', errors: [{ pointer }] });
      }
    }
    // One saved before this check (written straight to the table) answers the same 400 when used, not 500.
    const definition = { op: 'and', children: [cases[0]!.node] };
    const id = crypto.randomUUID();
    await ctx.database.db
      .insertInto('segment')
      .values({ campaign_id: a.id, id, name: 'Ancien', definition: JSON.stringify(definition) })
      .execute();
    for (const url of [`/api/v1/segments/${id}/people`, `/api/v1/segments/${id}/export.csv`]) {
      const res = await owner.request('GET', url);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'SEGMENT_INVALID', errors: [{ pointer: '/definition/children/0/value' }] });
    }
    await ctx.database.db.deleteFrom('segment').where('id', '=', id).execute();
    // A leap day that exists passes.
    const leap = { op: 'and', children: [{ field: 'created_date', cmp: 'gte', value: '2028-02-29' }] };
    expect((await owner.request('POST', '/api/v1/segments/count', { definition: leap })).statusCode).toBe(200);
  });

  it('counts live, with the SQL time, within the caller zones', async () => {
    const res = await owner.request('POST', '/api/v1/segments/count', { definition: militants() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().count).toBe(2);
    expect(typeof res.json().sql_ms).toBe('number');
    const scoped = await referent.request('POST', '/api/v1/segments/count', { definition: militants() });
    expect(scoped.json().count).toBe(1);
    const everyone = await referent.request('POST', '/api/v1/segments/count', { definition: { op: 'and', children: [] } });
    expect(everyone.json().count).toBe(3);
  });

  it("lists a segment's people as an OSDI collection, scoped for a referent", async () => {
    const id = (await owner.request('POST', '/api/v1/segments', { name: 'Tous', definition: { op: 'and', children: [] } })).json().id;
    const page1 = (await owner.request('GET', `/api/v1/segments/${id}/people?per_page=2`)).json();
    expect(page1).toMatchObject({ total_records: 5, total_pages: 3, page: 1, per_page: 2 });
    expect(page1._links.next.href).toContain('page=2');
    const names = page1._embedded['osdi:people'].map((p: { family_name: string }) => p.family_name);
    expect(names).toEqual(['Dupont', 'Family0']);
    const alice = (await owner.request('GET', `/api/v1/segments/${id}/people?per_page=10`))
      .json()
      ._embedded['osdi:people'].find((p: { given_name: string }) => p.given_name === 'Alice');
    expect(alice).toMatchObject({
      tags: [{ name: 'militant' }],
      zones: [{ id: a.z1, layer: 'arrondissement' }],
      consents: { email: true },
    });
    const scoped = (await referent.request('GET', `/api/v1/segments/${id}/people?per_page=10`)).json();
    expect(scoped.total_records).toBe(3);
    expect(scoped._embedded['osdi:people'].every((p: { zones: { id: string }[] }) => p.zones.some((z) => z.id === a.z1))).toBe(true);
  });

  it("answers 404 for another campaign's segment", async () => {
    for (const [method, url, body] of [
      ['GET', `/api/v1/segments/${segmentB}`],
      ['PUT', `/api/v1/segments/${segmentB}`, { name: 'stolen' }],
      ['DELETE', `/api/v1/segments/${segmentB}`],
      ['GET', `/api/v1/segments/${segmentB}/people`],
      ['GET', `/api/v1/segments/${segmentB}/export.csv`],
    ] as const) {
      const res = await owner.request(method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
    const row = await ctx.database.db.selectFrom('segment').select('name').where('id', '=', segmentB).executeTakeFirstOrThrow();
    expect(row.name).toBe('B militants');
  });

  it('exports CSV for spreadsheets (BOM, `;`, French headers), audited with the definition and row count', async () => {
    const res = await owner.request('POST', '/api/v1/people/export.csv', { definition: militants() });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parseCsv(res.body);
    expect(header!.slice(0, 12)).toEqual([
      'id',
      'prénom',
      'nom',
      'e-mail',
      'téléphone',
      'adresse',
      'code postal',
      'ville',
      'étape',
      'consentements',
      'étiquettes',
      'listes',
    ]);
    expect(header).toEqual(expect.arrayContaining(['Arrondissements', 'source', 'créé le', 'Âge', 'Profession']));
    expect(rows.map((r) => r[1]).sort()).toEqual(['Alice', 'Bob']);
    const alice = rows.find((r) => r[1] === 'Alice')!;
    const col = (name: string) => alice[header!.indexOf(name)];
    expect([col('téléphone'), col('étape'), col('consentements'), col('étiquettes'), col('Arrondissements'), col('Âge')]).toEqual([
      '+33611111111',
      'Sympathisant',
      'e-mail',
      'militant',
      'Zone 1',
      '34',
    ]);
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_label', 'target_type', 'details'])
      .where('campaign_id', '=', a.id)
      .where('action', '=', 'people.exported')
      .orderBy('at', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_label: 'owner@a.example.org', target_type: 'people' });
    expect(audit.details).toMatchObject({ format: 'csv', row_count: 2, definition: militants() });
  });

  it('exports a saved segment within the referent zones, and needs people.export', async () => {
    const id = (await owner.request('POST', '/api/v1/segments', { name: 'Militants', definition: militants() })).json().id;
    const res = await referent.request('GET', `/api/v1/segments/${id}/export.csv`);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      parseCsv(res.body)
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['Alice']);
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select(['target_type', 'target_id', 'details'])
      .where('action', '=', 'people.exported')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ row_count: 1, zone_scope: [a.z1] });
    const forbidden = await manager.request('GET', `/api/v1/segments/${id}/export.csv`);
    expect(forbidden.statusCode).toBe(403);
    const token = (await owner.request('POST', '/api/v1/api_tokens', { name: 'read', scopes: ['people:read'] })).json().token;
    const byToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/people/export.csv',
      headers: { authorization: `Bearer ${token}` },
      payload: { definition: militants() },
    });
    expect(byToken.statusCode).toBe(403);
    expect(byToken.json().code).toBe('TOKEN_SCOPE_MISSING');
  });

  it('streams exports larger than one batch, quoting what needs it', async () => {
    const n = EXPORT_BATCH + 37;
    await sql`
      insert into person (campaign_id, id, given_name, family_name, zone_ids, source)
      select ${a.id}::uuid, gen_random_uuid(), 'Bulk' || i, 'Dupont; "le grand"', ${sql.val([a.z2])}::uuid[], 'bulk'
      from generate_series(1, ${n}::int) as i`.execute(ctx.database.db);
    const res = await owner.request('POST', '/api/v1/people/export.csv', {
      definition: { op: 'and', children: [{ field: 'source', cmp: 'eq', value: 'bulk' }] },
    });
    expect(res.statusCode).toBe(200);
    const lines = res.body.split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(n + 1);
    expect(new Set(lines.slice(1).map((l) => l.slice(0, 36))).size).toBe(n);
    expect(lines[1]).toContain(';"Dupont; ""le grand""";');
    expect(res.headers['x-total-count']).toBe(String(n));
  });
});
