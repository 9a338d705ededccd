// A broad search (the only filter of the people list) ranks and counts at most SEARCH_CAP
// matches and says so; with another filter, or with a referent's zones, no match is lost.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { listPeople, SEARCH_CAP } from './people.repo.ts';

const MANY = 2 * SEARCH_CAP + 200;

describeEachDatabase('people search cap', (ctx) => {
  const suite = useOwnerApp(ctx, 'search-cap');

  beforeAll(async () => {
    const { c } = suite;
    // First in the table (what a scan meets first), as many people as the cap in whom "zebulon" is
    // inside a word only: a broad search ranks twice the cap's worth of matches, and keeps those in
    // whom the term starts a word.
    await sql`insert into person (campaign_id, id, given_name, family_name, zone_ids)
      select ${c.id}::uuid, ('00000000-0000-7000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Anne', 'Bazébulon' || g, '{}'
      from generate_series(1, ${SEARCH_CAP}) g`.execute(ctx.database.db);
    // MANY people named Zébulon, alternately in the two zones, every third a volunteer.
    await sql`insert into person (campaign_id, id, given_name, family_name, email, zone_ids, ladder_stage)
      select ${c.id}::uuid, ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Zébulon', 'Manège' || g,
        'z' || g || '@example.org', array[(array[${c.zones[0]!.id}::uuid, ${c.zones[1]!.id}::uuid])[1 + g % 2]],
        case when g % 3 = 0 then 'volunteer' else 'curious' end
      from generate_series(1, ${MANY}) g`.execute(ctx.database.db);
  });

  it('stops at the cap when the search is the only filter, and says the total is a lower bound', async () => {
    const res = await suite.owner.request('GET', '/api/v1/people?q=zebulon&per_page=20');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.total_records).toBe(SEARCH_CAP);
    expect(body.total_is_lower_bound).toBe(true);
    expect(body._embedded['osdi:people']).toHaveLength(20);
    // A narrower search counts exactly.
    const narrow = (await suite.owner.request('GET', `/api/v1/people?q=man%C3%A8ge${MANY - 1}`)).json();
    expect(narrow.total_records).toBe(1);
    expect(narrow.total_is_lower_bound).toBeUndefined();
  });

  it('keeps the people in whom the term starts a word before those in whom it is inside a word', async () => {
    const page = await withTenant(ctx.database.db, suite.c.id, (trx) =>
      listPeople(trx, { campaignId: suite.c.id, zoneScope: null }, { q: 'zebulon', page: 1, perPage: SEARCH_CAP }),
    );
    expect(page.rows).toHaveLength(SEARCH_CAP);
    expect(page.rows.filter((r) => r.given_name !== 'Zébulon')).toEqual([]);
    // Fewer word starts than the cap: the other matches fill the rest.
    const filled = await withTenant(ctx.database.db, suite.c.id, (trx) =>
      listPeople(trx, { campaignId: suite.c.id, zoneScope: null }, { q: 'zebulon manege1', page: 1, perPage: SEARCH_CAP }),
    );
    expect(filled.total).toBeLessThan(SEARCH_CAP);
    expect(filled.rows.every((r) => r.family_name.startsWith('Manège1'))).toBe(true);
  });

  it('counts every match when another filter narrows the list', async () => {
    const body = (await suite.owner.request('GET', '/api/v1/people?q=zebulon&stage=volunteer')).json();
    expect(body.total_records).toBe(Math.floor(MANY / 3));
    expect(body.total_is_lower_bound).toBeUndefined();
  });

  it('keeps only what a referent may see before capping', async () => {
    const zone = suite.c.zones[1]!.id;
    const page = await withTenant(ctx.database.db, suite.c.id, (trx) =>
      listPeople(trx, { campaignId: suite.c.id, zoneScope: [zone] }, { q: 'zébulon', page: 1, perPage: 100 }),
    );
    // Half of MANY live in that zone: still more than the cap, all of them visible to the referent.
    expect(page.total).toBe(SEARCH_CAP);
    expect(page.totalIsLowerBound).toBe(true);
    expect(page.rows.every((r) => r.zone_ids.includes(zone))).toBe(true);
  });
});

describeEachDatabase('people search cap: exact matches first', (ctx) => {
  const suite = useOwnerApp(ctx, 'search-exact');

  beforeAll(async () => {
    const { c } = suite;
    // What a scan meets first: more Leroy and Royer than the cap, then 128 Roy and one Agathe whose
    // e-mail holds "roy" as a word; in French order within the Roy, "Élodie" among the E.
    await sql`insert into person (campaign_id, id, given_name, family_name, zone_ids)
      select ${c.id}::uuid, ('00000000-0000-7000-9000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Jean',
        case when g % 2 = 0 then 'Leroy' else 'Royer' end, '{}'
      from generate_series(1, ${2 * SEARCH_CAP}) g`.execute(ctx.database.db);
    await sql`insert into person (campaign_id, id, given_name, family_name, zone_ids)
      select ${c.id}::uuid, ('00000000-0000-7000-a000-' || lpad(to_hex(g), 12, '0'))::uuid,
        (array['Zoé', 'Élodie', 'Anne', 'Yanis'])[1 + g % 4], 'Roy', '{}'
      from generate_series(1, 128) g`.execute(ctx.database.db);
    await sql`insert into person (campaign_id, id, given_name, family_name, email, zone_ids)
      values (${c.id}::uuid, '00000000-0000-7000-b000-000000000001', 'Agathe', 'Martin', 'agathe.roy.7@example.org', '{}')`.execute(
      ctx.database.db,
    );
  });

  it('keeps every whole-word match before the cap and lists them first, in French order of names', async () => {
    const body = (await suite.owner.request('GET', '/api/v1/people?q=roy&per_page=200')).json();
    const people = body._embedded['osdi:people'] as Array<{ given_name: string; family_name: string }>;
    expect(body.total_records).toBe(SEARCH_CAP);
    const first = people.slice(0, 129);
    expect(first.filter((p) => p.family_name === 'Roy')).toHaveLength(128);
    expect(first.some((p) => p.given_name === 'Agathe')).toBe(true);
    // Then the word starts (Royer), which fill the cap before the rest (Leroy).
    expect(new Set(people.slice(129).map((p) => p.family_name))).toEqual(new Set(['Royer']));
    // Within the Roy: Anne, Élodie, Yanis, Zoé (French order: É among the E).
    const givens = first.filter((p) => p.family_name === 'Roy').map((p) => p.given_name);
    expect([...new Set(givens)]).toEqual(['Anne', 'Élodie', 'Yanis', 'Zoé']);
  });

  it('keeps the relevance order on later pages', async () => {
    const second = (await suite.owner.request('GET', '/api/v1/people?q=roy&per_page=100&page=2')).json();
    const names = (second._embedded['osdi:people'] as Array<{ family_name: string }>).map((p) => p.family_name);
    expect(names.slice(0, 28).every((n) => n === 'Roy')).toBe(true);
  });
});
