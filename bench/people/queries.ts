// Read benchmarks on the imported base, each against the same question asked by hand in SQL:
// - a typical segment count (stage + two zones + a tag + e-mail consent), compiled by the segment
//   compiler and run as the app runs it (tenant transaction, row-level security), vs the same
//   count written by hand;
// - search as you type (the people list with `q`, first page and total, as the API answers it) vs
//   a sequential ILIKE scan for the same term over names, e-mail and phone.
// Each pair runs alternately, the same number of times, after a warm-up.
import { sql } from 'kysely';
import { withTenant } from '../../src/server/db/database.ts';
import { listPeople } from '../../src/server/modules/people/people.repo.ts';
import { countSegment } from '../../src/server/modules/segments/segments.service.ts';
import { BENCH_TAGS } from './generate.ts';
import type { World } from './world.ts';

export interface Timings {
  samples: number[];
  median: number;
  p95: number;
}

export interface SegmentRun {
  count: number;
  app: Timings;
  hand: Timings;
}

export interface SearchRun {
  terms: string[];
  app: Timings;
  scan: Timings;
  /** Median per term, to see which ones are slow. */
  perTerm: Array<{ term: string; appMs: number; scanMs: number }>;
}

/** Median and 95th percentile (nearest rank) of the samples. */
export function timings(samples: number[]): Timings {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
  return { samples, median: at(0.5), p95: at(0.95) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

/** The two most populated arrondissements (or top-layer zones) and the most used tag. */
async function segmentInputs(world: World) {
  const { db } = world.runtime.database;
  // People per zone in one pass over person (no index serves zone_ids), then the top layer's two largest.
  const zones = await sql<{ id: string }>`with counts as (
        select z, count(*) as n from person p cross join unnest(p.zone_ids) as z
        where p.campaign_id = ${world.campaignId} group by z)
      select z.id from zone z
      join zone_layer l on l.campaign_id = z.campaign_id and l.id = z.layer_id
      join counts c on c.z = z.id
      where z.campaign_id = ${world.campaignId}
      order by l.position, c.n desc
      limit 2`.execute(db);
  const tag = await db
    .selectFrom('tag')
    .select('id')
    .where('campaign_id', '=', world.campaignId)
    .where('name', '=', BENCH_TAGS[0])
    .executeTakeFirstOrThrow();
  return { zones: zones.rows.map((z) => z.id), tag: tag.id };
}

/** Segment count, compiled vs by hand; `rounds` of each, alternately. */
export async function segmentCount(world: World, rounds: number): Promise<SegmentRun> {
  const { db } = world.runtime.database;
  const c = world.campaignId;
  const { zones, tag } = await segmentInputs(world);
  const definition = {
    op: 'and',
    children: [
      { field: 'ladder_stage', cmp: 'in', value: ['sympathizer', 'volunteer'] },
      { field: 'zone', cmp: 'in', value: zones },
      { field: 'tag', cmp: 'has', value: tag },
      { field: 'consent', cmp: 'given', value: 'email' },
    ],
  };
  const app = () => withTenant(db, c, async (trx) => (await countSegment(trx, definition, { campaignId: c, zoneScope: null })).count);
  const hand = () =>
    withTenant(db, c, async (trx) => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from person p
        where p.campaign_id = ${c} and p.anonymized_at is null and p.merged_into is null
          and p.ladder_stage in ('sympathizer', 'volunteer')
          and p.zone_ids && ${zones}::uuid[]
          and exists (select 1 from tagging t where t.campaign_id = p.campaign_id and t.person_id = p.id and t.tag_id = ${tag})
          and p.consent_email`.execute(trx);
      return Number(rows[0]?.n);
    });
  const appMs: number[] = [];
  const handMs: number[] = [];
  let count = -1;
  for (let i = 0; i < 3; i++) {
    await app();
    await hand();
  }
  for (let i = 0; i < rounds; i++) {
    const [a, n] = await timed(app);
    const [h, m] = await timed(hand);
    if (n !== m) throw new Error(`segment count ${n} differs from the hand-written count ${m}`);
    count = n;
    appMs.push(a);
    handMs.push(h);
  }
  return { count, app: timings(appMs), hand: timings(handMs) };
}

/** What a user types, letter by letter: name prefixes, a typo, an e-mail fragment, a phone. */
async function searchTerms(world: World): Promise<string[]> {
  const { db } = world.runtime.database;
  const someone = await db
    .selectFrom('person')
    .select(['family_name', 'given_name', 'email', 'phone'])
    .where('campaign_id', '=', world.campaignId)
    .where('phone', 'is not', null)
    .where('email', 'is not', null)
    .orderBy('id')
    .offset(1234)
    .limit(1)
    .executeTakeFirstOrThrow();
  const family = someone.family_name.toLowerCase();
  const typed = (word: string, from: number) =>
    Array.from({ length: Math.max(0, word.length - from + 1) }, (_, i) => word.slice(0, from + i));
  const phone = (someone.phone as string).replace(/^\+33/, '0');
  return [
    ...typed(family, 3),
    `${someone.given_name.toLowerCase()} ${family.slice(0, 4)}`,
    // a typo: two letters swapped
    family.length > 4 ? `${family.slice(0, 2)}${family[3]}${family[2]}${family.slice(4)}` : family,
    (someone.email as string).split('@')[0]?.slice(0, 10) ?? family,
    phone.slice(0, 6),
    phone,
  ];
}

/** Search as you type vs a sequential ILIKE scan, `rounds` passes over the terms. */
export async function searchAsYouType(world: World, rounds: number): Promise<SearchRun> {
  const { db } = world.runtime.database;
  const c = world.campaignId;
  const terms = await searchTerms(world);
  const app = (q: string) => withTenant(db, c, (trx) => listPeople(trx, { campaignId: c, zoneScope: null }, { q, page: 1, perPage: 50 }));
  // Every match counted, as the app counts them for its total: the whole table is read.
  const scan = (q: string) =>
    sql`select count(*) from person
      where campaign_id = ${c}
        and (given_name || ' ' || family_name || ' ' || coalesce(email::text, '') || ' ' || coalesce(phone, '')) ilike ${`%${q}%`}`.execute(
      db,
    );
  // One untimed pass over every term: the first calls of each statement (plans, and on PGlite the
  // WebAssembly engine's tier-up) are not what a user typing meets.
  for (const q of terms) {
    await app(q);
    await scan(q);
  }
  const byTerm = terms.map(() => ({ app: [] as number[], scan: [] as number[] }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, q] of terms.entries()) {
      byTerm[i]?.app.push((await timed(() => app(q)))[0]);
      byTerm[i]?.scan.push((await timed(() => scan(q)))[0]);
    }
  }
  return {
    terms,
    app: timings(byTerm.flatMap((t) => t.app)),
    scan: timings(byTerm.flatMap((t) => t.scan)),
    perTerm: terms.map((term, i) => ({ term, appMs: timings(byTerm[i]?.app ?? []).median, scanMs: timings(byTerm[i]?.scan ?? []).median })),
  };
}
