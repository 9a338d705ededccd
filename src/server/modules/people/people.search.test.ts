// Search as you type over 100,000 people uses the GIN trigram index (no sequential scan), on both
// databases, and the compiled search SQL is snapshotted for review.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { createCampaignFixture, type FixtureCampaign } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { listPeople, peoplePageQuery, phoneFragment } from './people.repo.ts';

const PEOPLE = 100_000;

describeEachDatabase('people search plan', (ctx) => {
  let c: FixtureCampaign;

  beforeAll(async () => {
    const { db } = ctx.database;
    c = await createCampaignFixture(db, 'search-plan');
    // uuid-like ids built from the row number: cheap and unique.
    // Varied names (from md5), plus a few known people to find.
    await sql`
      insert into person (campaign_id, id, given_name, family_name, email, zone_ids)
      select ${c.id}::uuid,
        ('00000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid,
        (array['Jean','Marie','Pierre','Sophie','Luc','Anne','Paul','Léa'])[1 + g % 8],
        initcap(translate(substr(md5(g::text), 1, 5 + g % 6), '0123456789', 'aeioubcdfg')),
        'p' || g || '@example.org',
        array[(array[${c.zones[0]!.id}::uuid, ${c.zones[1]!.id}::uuid])[1 + g % 2]]
      from generate_series(1, ${PEOPLE}) g`.execute(db);
    await db
      .insertInto('person')
      .values(
        ['Lefèvre', 'Lefebvre', 'Lefèvre-Durand', 'Ranlefevre'].map((family_name, i) => ({
          campaign_id: c.id,
          id: `00000000-0000-7000-9000-00000000000${i}`,
          given_name: 'Claire',
          family_name,
          zone_ids: [c.zones[0]!.id],
        })),
      )
      .execute();
    await sql`analyze person`.execute(db);
  }, 120_000);

  const plan = (q: string) =>
    withTenant(ctx.database.db, c.id, async (trx) => {
      const compiled = peoplePageQuery(trx, { campaignId: c.id, zoneScope: [c.zones[0]!.id] }, { page: 1, perPage: 50, q }).compile();
      const { rows } = await sql.raw<{ 'QUERY PLAN': string }>(`explain ${inline(compiled.sql, compiled.parameters)}`).execute(trx);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });

  // The matching itself runs in relais_person_search() (PL/pgSQL, as the tables' owner), whose
  // statements EXPLAIN cannot show: the transaction's own scan counters say how it read person.
  const scans = (q: string, cap: number | null) =>
    withTenant(ctx.database.db, c.id, async (trx) => {
      // For a table, numscans counts its sequential scans; for an index, the scans of that index.
      const counters = async () => {
        const { rows } = await sql<{ seq: string; trgm: string }>`
          select pg_stat_get_xact_numscans('person'::regclass) as seq,
            pg_stat_get_xact_numscans('person_search_trgm_idx'::regclass) as trgm`.execute(trx);
        return { seq: Number(rows[0]?.seq), trgm: Number(rows[0]?.trgm) };
      };
      const before = await counters();
      await sql`select count(*) from relais_person_search(${q}, null::text, null::uuid[], ${cap}::integer)`.execute(trx);
      const after = await counters();
      return { seq: after.seq - before.seq, trgm: after.trgm - before.trgm };
    });

  it('uses the trigram index for a name, a typo and an e-mail fragment, through row-level security', async () => {
    for (const q of ['lefevre', 'lefevr', 'lefebre', 'p4242@exa']) {
      const outer = await plan(q);
      expect(outer, outer).not.toMatch(/Seq Scan on person/);
      for (const cap of [null, 1000]) {
        const read = await scans(q, cap);
        expect(read.seq, `${q}, cap ${cap}`).toBe(0);
        expect(read.trgm, `${q}, cap ${cap}`).toBeGreaterThan(0);
      }
    }
  });

  it('finds exact, typo and substring matches, word prefixes first', async () => {
    const ids = await withTenant(ctx.database.db, c.id, async (trx) => {
      return (await peoplePageQuery(trx, { campaignId: c.id, zoneScope: null }, { page: 1, perPage: 500, q: 'LEFEVRE' }).execute()).map(
        (r) => r.family_name,
      );
    });
    // The whole word, then the start of a word, then the rest by similarity (the substring before the typo).
    const known = ['Lefèvre', 'Lefèvre-Durand', 'Ranlefevre', 'Lefebvre'];
    expect(ids.filter((name) => known.includes(name))).toEqual(known);
    expect(ids.slice(0, 2)).toEqual(['Lefèvre', 'Lefèvre-Durand']);
  });
});

describeEachDatabase('people search: typo tolerance as a fallback', (ctx) => {
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'search-fallback');
    await ctx.database.db
      .insertInto('person')
      .values(
        [...Array.from({ length: 25 }, () => 'Dupond'), 'Dupont', 'Roy', 'Royer', 'Rodrigue'].map((family_name, i) => ({
          campaign_id: c.id,
          id: `00000000-0000-7000-a000-${String(i).padStart(12, '0')}`,
          given_name: 'Yvon',
          family_name,
        })),
      )
      .execute();
  });
  const search = (q: string) =>
    withTenant(ctx.database.db, c.id, async (trx) => {
      const { rows, total } = await listPeople(trx, { campaignId: c.id, zoneScope: null }, { page: 1, perPage: 100, q });
      return { names: rows.map((r) => r.family_name), total };
    });

  it('tries similar names only when the term as typed finds fewer than 20 people', async () => {
    // 25 found as typed: the similar "Dupont" is not added.
    expect(await search('dupond')).toEqual({ names: Array.from({ length: 25 }, () => 'Dupond'), total: 25 });
    // A typo finds nobody as typed: similar names are offered, and the total says how many.
    const typo = await search('dupomd');
    expect(new Set(typo.names)).toEqual(new Set(['Dupond', 'Dupont']));
    expect(typo.total).toBe(26);
  });

  it('matches a short term as typed only', async () => {
    expect((await search('roy')).names.sort()).toEqual(['Roy', 'Royer']);
  });

  it('matches the words of a term in order, with anything between them, and no similar names', async () => {
    expect((await search('yvon roy')).names.sort()).toEqual(['Roy', 'Royer']);
    expect((await search('  Yv  Dupon ')).total).toBe(26);
    // Two words with a typo: as typed only (similarity is for one-word terms).
    expect((await search('yvon dupomd')).total).toBe(0);
  });

  it('gives the total past the last page of a search', async () => {
    const beyond = await withTenant(ctx.database.db, c.id, (trx) =>
      listPeople(trx, { campaignId: c.id, zoneScope: null }, { page: 4, perPage: 10, q: 'dupond' }),
    );
    expect(beyond).toEqual({ rows: [], total: 25, totalIsLowerBound: false });
  });
});

// One snapshot whatever the databases of the run (compiling needs no connection).
describe('people search SQL', () => {
  it('compiles the search to the SQL reviewed here', () => {
    const db = new Kysely<DB>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    });
    const scope = { campaignId: '00000000-0000-7000-8000-000000000001', zoneScope: ['00000000-0000-7000-8000-000000000002'] };
    const compiled = peoplePageQuery(db as never, scope, { page: 1, perPage: 50, q: 'Lefèvre' }).compile();
    expect(compiled.sql).toMatchSnapshot();
  });
});

/** Inlines parameters into SQL for EXPLAIN (test data only: strings quoted, arrays as literals). */
function inline(text: string, params: readonly unknown[]): string {
  const lit = (v: unknown): string => {
    if (Array.isArray(v)) return `'{${v.map((x) => String(x)).join(',')}}'`;
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
  };
  return text.replace(/\$(\d+)/g, (_, i) => lit(params[Number(i) - 1]));
}

describe('phoneFragment', () => {
  it('reads a whole number, or the start of one as it is typed, in the E.164 form the base stores', () => {
    expect(phoneFragment('06 12 34 56 78')).toBe('+33612345678');
    expect(phoneFragment('06 12 3')).toBe('+336123');
    expect(phoneFragment('06.12')).toBe('+33612');
    expect(phoneFragment('0033 6 12')).toBe('+33612');
    expect(phoneFragment('+33 6 12')).toBe('+33612');
    // Too short to mean anything, not a number, or not a French national start.
    expect(phoneFragment('06')).toBeNull();
    expect(phoneFragment('dupont')).toBeNull();
    expect(phoneFragment('0042')).toBeNull();
  });
});

describeEachDatabase('people search: phones as they are typed', (ctx) => {
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'search-phone');
    await ctx.database.db
      .insertInto('person')
      .values([
        {
          campaign_id: c.id,
          id: '00000000-0000-7000-b000-000000000001',
          given_name: 'Inès',
          family_name: 'Garnier',
          phone: '+33642601933',
        },
        { campaign_id: c.id, id: '00000000-0000-7000-b000-000000000002', given_name: 'Hugo', family_name: 'Perrin', phone: '+33142601933' },
      ])
      .execute();
  });
  const search = (q: string) =>
    withTenant(ctx.database.db, c.id, async (trx) =>
      (await listPeople(trx, { campaignId: c.id, zoneScope: null }, { page: 1, perPage: 10, q })).rows.map((r) => r.family_name),
    );

  it('finds a mobile from the first digits typed the national way, and the whole number', async () => {
    expect(await search('06 42 60')).toEqual(['Garnier']);
    expect(await search('064260')).toEqual(['Garnier']);
    expect(await search('06 42 60 19 33')).toEqual(['Garnier']);
    expect(await search('01 42')).toEqual(['Perrin']);
    expect((await search('42601933')).sort()).toEqual(['Garnier', 'Perrin']);
  });
});
