// A prepared query is built and compiled once, and answers each run with that run's parameters,
// exactly as the same query built on the spot: on both databases, on the pool and in a tenant
// transaction.
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.ts';
import { withTenant } from './database.ts';
import { preparedQuery } from './prepared.ts';

describeEachDatabase('preparedQuery', (ctx) => {
  it('builds once and swaps each run’s values into the compiled parameters', async () => {
    const { db } = ctx.database;
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    await db
      .insertInto('campaign')
      .values(ids.map((id, i) => ({ id, slug: `prepared-${i}-${id.slice(0, 8)}`, name: `Campagne ${i}` })))
      .execute();
    let builds = 0;
    const byIds = preparedQuery((q, p: { ids: string[]; prefix: string }) => {
      builds += 1;
      return q
        .selectFrom('campaign')
        .select(['id', 'name'])
        .where(sql<boolean>`id = any(${p.ids}::uuid[])`)
        .where('slug', 'like', sql<string>`${p.prefix} || '%'`)
        .where('name', '<>', 'a constant of the query')
        .orderBy('name');
    });
    const first = await byIds(db, { ids: [ids[0] as string, ids[2] as string], prefix: 'prepared-' });
    const second = await byIds(db, { ids: [ids[1] as string], prefix: 'prepared-1' });
    const none = await byIds(db, { ids: [ids[1] as string], prefix: 'prepared-0' });
    expect(first.map((r) => r.name)).toEqual(['Campagne 0', 'Campagne 2']);
    expect(second).toEqual([{ id: ids[1], name: 'Campagne 1' }]);
    expect(none).toEqual([]);
    expect(builds).toBe(1);
  });

  it('runs inside a tenant transaction under its row-level security', async () => {
    const { db } = ctx.database;
    const [a, b] = [crypto.randomUUID(), crypto.randomUUID()];
    await db
      .insertInto('campaign')
      .values([a, b].map((id) => ({ id, slug: `prepared-tenant-${id.slice(0, 8)}`, name: id })))
      .execute();
    await db
      .insertInto('zone_layer')
      .values([a, b].map((campaign_id) => ({ campaign_id, id: crypto.randomUUID(), code: 'arrondissements', name: 'Arrondissements' })))
      .execute();
    const layers = preparedQuery((q) => q.selectFrom('zone_layer').select(['campaign_id', 'code']));
    const seen = await withTenant(db, a, (trx) => layers(trx, {}), { oneRead: true });
    expect(seen).toEqual([{ campaign_id: a, code: 'arrondissements' }]);
  });
});
