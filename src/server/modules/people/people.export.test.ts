// The people list with a saved segment as its filter (shareable as ?segment_id=), and the list's CSV
// export: the same people the list shows — its search, filters and segment — within the caller's zones.
import { beforeAll, expect, it } from 'vitest';
import { createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('people list: segment filter and export', (ctx) => {
  const suite = useOwnerApp(ctx, 'listexport');
  let owner: TestClient;
  let referent: TestClient;
  let segmentId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ({ owner } = suite);
    const { c } = suite;
    const { db } = ctx.database;
    const mk = async (key: string, body: Record<string, unknown>, zone: 0 | 1) => {
      const res = await owner.request('POST', '/api/v1/people', body);
      expect(res.statusCode, res.body).toBe(201);
      ids[key] = res.json().id;
      await db
        .updateTable('person')
        .set({ zone_ids: [c.zones[zone]!.id] })
        .where('id', '=', ids[key]!)
        .execute();
    };
    await mk('roy', { given_name: 'Agathe', family_name: 'Roy', email_addresses: [{ address: 'agathe.roy@example.org' }] }, 0);
    await mk('leroy', { given_name: 'Jean', family_name: 'Leroy', email_addresses: [{ address: 'jean.leroy@example.org' }] }, 0);
    await mk('royFar', { given_name: 'Paul', family_name: 'Roy', email_addresses: [{ address: 'paul.roy@example.org' }] }, 1);
    await mk('other', { given_name: 'Zoé', family_name: 'Martin', email_addresses: [{ address: 'zoe.martin@example.org' }] }, 0);
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Marché' })).json();
    for (const key of ['roy', 'royFar', 'other'])
      expect((await owner.request('POST', `/api/v1/tags/${tag.id}/taggings`, { person_id: ids[key] })).statusCode).toBeLessThan(300);
    const segment = await owner.request('POST', '/api/v1/segments', {
      name: 'Au marché',
      definition: { op: 'and', children: [{ field: 'tag', cmp: 'has', value: tag.id }] },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    segmentId = segment.json().id;
    await createMemberFixture(db, c.id, { email: 'ref-export@example.org', role: 'referent', zoneIds: [c.zones[0]!.id] });
    referent = new TestClient(suite.t.app);
    await referent.login('ref-export@example.org');
  });

  const listed = async (client: TestClient, query: string) => {
    const res = await client.request('GET', `/api/v1/people?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res
      .json()
      ._embedded['osdi:people'].map((p: { id: string }) => p.id)
      .sort();
  };
  const exported = async (client: TestClient, query: string) => {
    const res = await client.request('GET', `/api/v1/people/export.csv?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    return res.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(';')[0])
      .sort();
  };
  const sorted = (...keys: string[]) => keys.map((k) => ids[k]).sort();

  it('lists a saved segment’s people in the people list, with the other filters and the search', async () => {
    expect(await listed(owner, `segment_id=${segmentId}`)).toEqual(sorted('roy', 'royFar', 'other'));
    expect(await listed(owner, `segment_id=${segmentId}&q=roy`)).toEqual(sorted('roy', 'royFar'));
    expect(await listed(owner, `segment_id=${segmentId}&zone_id=${suite.c.zones[1]!.id}`)).toEqual(sorted('royFar'));
    // A referent sees the segment's people of their zones only.
    expect(await listed(referent, `segment_id=${segmentId}`)).toEqual(sorted('roy', 'other'));
    const missing = await owner.request('GET', '/api/v1/people?segment_id=00000000-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
  });

  it('exports the list as it is filtered: search, segment, zone; a referent’s export stays in their zones; audited', async () => {
    expect(await exported(owner, 'q=roy')).toEqual(sorted('roy', 'leroy', 'royFar'));
    expect(await exported(owner, `q=roy&segment_id=${segmentId}`)).toEqual(sorted('roy', 'royFar'));
    expect(await exported(owner, `segment_id=${segmentId}&zone_id=${suite.c.zones[0]!.id}`)).toEqual(sorted('roy', 'other'));
    expect(await exported(referent, 'q=roy')).toEqual(sorted('roy', 'leroy'));
    const audit = await ctx.database.db
      .selectFrom('audit_event')
      .select(['details'])
      .where('campaign_id', '=', suite.c.id)
      .where('action', '=', 'people.exported')
      .execute();
    expect(audit.some((a) => (a.details as { filters?: { q?: string } }).filters?.q === 'roy')).toBe(true);
  });
});
