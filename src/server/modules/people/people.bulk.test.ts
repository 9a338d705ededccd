// Bulk actions at the sizes the API accepts: ids travel as one array parameter, so a request naming
// 70,000 people (3 parameters a row would be 210,000; 1 an id, 70,000) and moving 9,000 on the ladder
// (8 parameters a row would be 72,000; the wire protocol carries 65,535) work, and over BULK_MAX
// people the answer is 400 BULK_TOO_LARGE. The campaign holds 9,000 people, not 70,000: the ids
// sent are what the parameters are made of, and ids of nobody (or of another campaign) count for
// nothing — which the test also checks. Inserting 100,000 people per database cost minutes a run.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { refreshStatistics } from '../../db/database.ts';
import { type FixtureCampaign, type TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { BULK_MAX } from './bulk.ts';

const SENT = 70_000;
// Past the 8,191 people that one parameter a column of ladder_move allowed; each move rewrites a person row.
const MANY = 9_000;

describeEachDatabase('people bulk actions at scale', (ctx) => {
  const suite = useOwnerApp(ctx, 'bulk');
  let c: FixtureCampaign;
  let owner: TestClient;
  let ids: string[];
  const curious = { op: 'and', children: [{ field: 'ladder_stage', cmp: 'in', value: ['curious'] }] };

  beforeAll(async () => {
    ({ c, owner } = suite);
    const { db } = ctx.database;
    await sql`
      insert into person (campaign_id, id, given_name, family_name, ladder_stage, zone_ids)
      select ${c.id}::uuid, gen_random_uuid(), 'Masse', 'N' || g, 'curious', array[${c.zones[0]!.id}]::uuid[]
      from generate_series(1, ${MANY}) g`.execute(db);
    await refreshStatistics(db, ['person']);
    const rows = await db.selectFrom('person').select('id').where('campaign_id', '=', c.id).where('given_name', '=', 'Masse').execute();
    // The campaign's MANY people, then ids of nobody up to SENT.
    ids = [...rows.map((r) => r.id), ...Array.from({ length: SENT - rows.length }, () => crypto.randomUUID())];
  }, 120_000);

  const bulk = (body: Record<string, unknown>) => owner.request('POST', '/api/v1/people/bulk', body);

  it(`tags, untags and lists ${SENT} ids (${MANY} people), and moves ${MANY}, in one request each`, async () => {
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Masse' })).json();
    const list = (await owner.request('POST', '/api/v1/lists', { name: 'Masse' })).json();
    const tagged = await bulk({ person_ids: ids, action: 'add_tag', tag_id: tag.id });
    expect(tagged.json(), tagged.body).toEqual({ affected: MANY });
    const bySegment = await bulk({ segment: curious, action: 'remove_tag', tag_id: tag.id });
    expect(bySegment.json(), bySegment.body).toEqual({ affected: MANY });
    expect((await bulk({ segment: curious, action: 'add_tag', tag_id: tag.id })).json()).toEqual({ affected: MANY + 1 }); // and the fixture's curious person
    const untagged = await bulk({ person_ids: ids, action: 'remove_tag', tag_id: tag.id });
    expect(untagged.json(), untagged.body).toEqual({ affected: MANY });
    // This route refuses ids of nobody (404): the campaign's people only; it writes through the same addMembers.
    const listed = await owner.request('POST', `/api/v1/lists/${list.id}/items`, { person_ids: ids.slice(0, MANY) });
    expect(listed.json(), listed.body).toEqual({ affected: MANY });
    expect((await bulk({ person_ids: ids, action: 'remove_from_list', list_id: list.id })).json()).toEqual({ affected: MANY });
    const moved = await bulk({ person_ids: ids, action: 'move_stage', to_stage: 'volunteer', reason: 'réunion' });
    expect(moved.json(), moved.body).toEqual({ affected: MANY });
    const { db } = ctx.database;
    const stages = await db
      .selectFrom('person')
      .select((eb) => ['ladder_stage', eb.fn.countAll<string>().as('n')])
      .where('campaign_id', '=', c.id)
      .where('given_name', '=', 'Masse')
      .groupBy('ladder_stage')
      .orderBy('ladder_stage')
      .execute();
    expect(stages.map((s) => [s.ladder_stage, Number(s.n)])).toEqual([['volunteer', MANY]]);
    const moves = await db
      .selectFrom('ladder_move')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', c.id)
      .where('reason', '=', 'réunion')
      .where('from_stage', '=', 'curious')
      .executeTakeFirstOrThrow();
    expect(Number(moves.n)).toBe(MANY);
  }, 120_000);

  it(`refuses more than ${BULK_MAX} people with 400 BULK_TOO_LARGE, changing nothing`, async () => {
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Trop' })).json();
    const tooMany = Array.from({ length: BULK_MAX + 1 }, () => crypto.randomUUID());
    for (const res of [
      await bulk({ person_ids: tooMany, action: 'add_tag', tag_id: tag.id }),
      await owner.request('POST', `/api/v1/tags/${tag.id}/taggings`, { person_ids: tooMany }),
    ]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'BULK_TOO_LARGE', max: BULK_MAX });
    }
    const tagged = await ctx.database.db.selectFrom('tagging').select('person_id').where('tag_id', '=', tag.id).execute();
    expect(tagged).toEqual([]);
  }, 120_000);
});
