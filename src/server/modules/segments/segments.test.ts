// Behaviour of compiled segments on a real database: each condition kind selects the right people,
// NOT is an exact complement, anonymised and merged people never match, the referent's zones bound
// everything, and bad references are refused with a pointer to the node.
import { CompiledQuery, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshStatistics, withTenant } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import type { SegmentDefinition, SegmentNode } from './segment-definition.ts';
import { createSegmentFixture, type SegmentFixture } from './segments.fixtures.ts';
import { segmentPersonIds } from './segments.service.ts';

describeEachDatabase('segments', (ctx) => {
  let f: SegmentFixture;
  let other: SegmentFixture;
  let names: Map<string, string>;

  beforeAll(async () => {
    f = await createSegmentFixture(ctx.database.db, 'seg-a');
    other = await createSegmentFixture(ctx.database.db, 'seg-b');
    const rows = await ctx.database.db.selectFrom('person').select(['id', 'given_name']).execute();
    names = new Map(rows.map((r) => [r.id, r.given_name]));
  });

  /** Given names of the people a definition selects in campaign A (sorted). */
  async function select(definition: SegmentDefinition | SegmentNode, zoneScope: string[] | null = null): Promise<string[]> {
    const def = 'op' in definition ? definition : { op: 'and' as const, children: [definition] };
    const rows = await withTenant(ctx.database.db, f.id, async (trx) =>
      (await segmentPersonIds(trx, def, { campaignId: f.id, zoneScope })).execute(),
    );
    return rows.map((r) => names.get(r.id) ?? r.id).sort();
  }

  async function failure(definition: unknown): Promise<AppError> {
    try {
      await withTenant(ctx.database.db, f.id, (trx) => segmentPersonIds(trx, definition, { campaignId: f.id, zoneScope: null }));
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected SEGMENT_INVALID');
  }

  it('selects everyone of the campaign but the anonymised and merged people', async () => {
    expect(await select({ op: 'and', children: [] })).toEqual(['Alice', 'Bob', 'Chloé', 'Given0', 'Given1']);
  });

  describe('fields', () => {
    it('compares names case- and accent-insensitively', async () => {
      expect(await select({ field: 'given_name', cmp: 'eq', value: 'CHLOE' })).toEqual(['Chloé']);
      expect(await select({ field: 'family_name', cmp: 'contains', value: 'efe' })).toEqual(['Chloé']);
      expect(await select({ field: 'family_name', cmp: 'starts_with', value: 'mar' })).toEqual(['Alice']);
      expect(await select({ field: 'given_name', cmp: 'contains', value: '%' })).toEqual([]);
    });
    it('matches e-mails, phones, postcodes, localities and sources', async () => {
      expect(await select({ field: 'email', cmp: 'eq', value: 'ALICE@seg-a.example.org' })).toEqual(['Alice']);
      expect(await select({ field: 'email', cmp: 'is_empty' })).toEqual(['Bob']);
      expect(await select({ field: 'phone', cmp: 'starts_with', value: '+3361' })).toEqual(['Alice']);
      expect(await select({ field: 'postcode', cmp: 'eq', value: '75011' })).toEqual(['Alice', 'Chloé']);
      expect(await select({ field: 'source', cmp: 'neq', value: 'import' })).toEqual(['Bob', 'Given0', 'Given1']);
      expect(await select({ field: 'locality', cmp: 'contains', value: 'par' })).toEqual(['Alice', 'Bob', 'Chloé']);
    });
  });

  it('filters on ladder stage and zones', async () => {
    expect(await select({ field: 'ladder_stage', cmp: 'in', value: ['volunteer', 'activist'] })).toEqual(['Bob', 'Chloé', 'Given1']);
    expect(await select({ field: 'zone', cmp: 'in', value: [f.z2] })).toEqual(['Bob', 'Given1']);
    expect(await select({ field: 'zone', cmp: 'in', value: [f.z1, f.z2] })).toHaveLength(5);
  });

  it('filters on tags and lists', async () => {
    expect(await select({ field: 'tag', cmp: 'has', value: f.tag.militant })).toEqual(['Alice', 'Bob']);
    expect(await select({ field: 'tag', cmp: 'has_any', value: [f.tag.jeune, f.tag.militant] })).toEqual(['Alice', 'Bob']);
    expect(await select({ field: 'tag', cmp: 'has_none', value: [f.tag.jeune] })).toEqual(['Alice', 'Chloé', 'Given0', 'Given1']);
    expect(await select({ field: 'list', cmp: 'member', value: f.list.phoning })).toEqual(['Chloé']);
  });

  it('follows the consent ledger (a later withdrawal wins)', async () => {
    expect(await select({ field: 'consent', cmp: 'given', value: 'email' })).toEqual(['Alice']);
    expect(await select({ field: 'consent', cmp: 'given', value: 'sms' })).toEqual(['Chloé']);
    expect(await select({ field: 'consent', cmp: 'not_given', value: 'email' })).toEqual(['Bob', 'Chloé', 'Given0', 'Given1']);
  });

  it('compares custom fields by their type (bad values never match)', async () => {
    expect(await select({ field: 'custom:age', cmp: 'gt', value: 40 })).toEqual(['Bob']);
    expect(await select({ field: 'custom:age', cmp: 'lt', value: '40' })).toEqual(['Alice']);
    expect(await select({ field: 'custom:job', cmp: 'contains', value: 'enseign' })).toEqual(['Alice']);
    expect(await select({ field: 'custom:job', cmp: 'eq', value: 'RETRAITE' })).toEqual(['Bob']);
    expect(await select({ field: 'custom:joined', cmp: 'gt', value: '2025-12-31' })).toEqual(['Chloé']);
    expect(await select({ field: 'custom:size', cmp: 'eq', value: 'M' })).toEqual(['Alice']);
    expect(await select({ field: 'custom:size', cmp: 'neq', value: 'M' })).toEqual(['Bob', 'Chloé', 'Given0', 'Given1']);
    expect(await select({ field: 'custom:job', cmp: 'is_empty' })).toEqual(['Chloé', 'Given0', 'Given1']);
  });

  it('filters on dates', async () => {
    expect(await select({ field: 'created_date', cmp: 'lte', value: '2026-01-10' })).toEqual(['Alice']);
    expect(await select({ field: 'created_date', cmp: 'between', value: ['2026-01-01', '2026-03-01'] })).toEqual(['Alice', 'Bob']);
    expect(await select({ field: 'created_date', cmp: 'within_days', value: 7 })).toEqual(['Chloé', 'Given0', 'Given1']);
    expect(await select({ field: 'birthdate', cmp: 'gte', value: '1990-05-01' })).toEqual(['Alice']);
    expect(await select({ field: 'last_consent_date', cmp: 'gte', value: '2026-01-15' })).toEqual(['Chloé']);
    expect(await select({ field: 'last_consent_date', cmp: 'lte', value: '2026-01-31' })).toEqual(['Alice']);
  });

  it('filters on activities: opened mailing X, signed petition Y, knocked with outcome Z', async () => {
    const activity = (value: Record<string, unknown>, cmp: 'exists' | 'not_exists' = 'exists') =>
      select({ field: 'activity', cmp, value } as SegmentNode);
    expect(await activity({ type: 'mailing.opened', ref_id: 'm-1' })).toEqual(['Bob']);
    expect(await activity({ type: 'mailing.opened' })).toEqual(['Alice', 'Bob']);
    expect(await activity({ type: 'mailing.opened', min_count: 2 })).toEqual(['Bob']);
    expect(await activity({ type: 'petition.signed', ref_id: 'pet-1' })).toEqual(['Alice']);
    expect(await activity({ type: 'door.knocked', data: { outcome: 'absent' } })).toEqual(['Chloé']);
    expect(await activity({ type: 'door.knocked', since: '2026-02-21' })).toEqual(['Bob']);
    expect(await activity({ type: 'door.knocked', until: '2026-02-20' })).toEqual(['Chloé']);
    expect(await activity({ type: 'door.knocked' }, 'not_exists')).toEqual(['Alice', 'Given0', 'Given1']);
  });

  it('combines with OR and NOT, NOT being the exact complement even over missing values', async () => {
    expect(
      await select({
        op: 'or',
        children: [
          { field: 'list', cmp: 'member', value: f.list.phoning },
          { field: 'tag', cmp: 'has', value: f.tag.jeune },
        ],
      }),
    ).toEqual(['Bob', 'Chloé']);
    // Bob has no e-mail at all: "not (e-mail contains alice)" still selects him.
    expect(await select({ op: 'not', children: [{ field: 'email', cmp: 'contains', value: 'alice' }] })).toEqual([
      'Bob',
      'Chloé',
      'Given0',
      'Given1',
    ]);
    expect(await select({ op: 'not', children: [{ field: 'custom:age', cmp: 'gt', value: 40 }] })).toEqual([
      'Alice',
      'Chloé',
      'Given0',
      'Given1',
    ]);
    expect(await select({ op: 'not', children: [{ field: 'birthdate', cmp: 'gte', value: '1990-01-01' }] })).toHaveLength(4);
  });

  it("never goes beyond a referent's zones", async () => {
    expect(await select({ op: 'and', children: [] }, [f.z1])).toEqual(['Alice', 'Chloé', 'Given0']);
    expect(await select({ field: 'zone', cmp: 'in', value: [f.z2] }, [f.z1])).toEqual([]);
    expect(await select({ field: 'tag', cmp: 'has', value: f.tag.militant }, [f.z1])).toEqual(['Alice']);
    expect(await select({ op: 'and', children: [] }, [])).toEqual([]);
  });

  it('refuses unknown or foreign references with a pointer to the node', async () => {
    const error = await failure({
      op: 'and',
      children: [
        { field: 'ladder_stage', cmp: 'in', value: ['curious'] },
        { op: 'or', children: [{ field: 'tag', cmp: 'has_any', value: [f.tag.jeune, other.tag.jeune] }] },
        { field: 'list', cmp: 'member', value: other.list.phoning },
        { field: 'zone', cmp: 'in', value: [other.z1] },
        { field: 'custom:nope', cmp: 'eq', value: 'x' },
      ],
    });
    expect(error.code).toBe('SEGMENT_INVALID');
    expect((error.extra.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '/definition/children/1/children/0/value/1',
      '/definition/children/2/value',
      '/definition/children/3/value/0',
      '/definition/children/4/field',
    ]);
  });

  it('refuses values that do not fit the custom field, too deep trees and malformed nodes', async () => {
    const bad = [
      { field: 'custom:age', cmp: 'gt', value: 'old' },
      { field: 'custom:joined', cmp: 'contains', value: '2026' },
      { field: 'custom:size', cmp: 'eq', value: 'XXL' },
    ];
    for (const [i, node] of bad.entries()) {
      const error = await failure({ op: 'and', children: [node] });
      expect(error.code, `case ${i}`).toBe('SEGMENT_INVALID');
    }
    let deep: SegmentNode = { field: 'consent', cmp: 'given', value: 'email' };
    for (let i = 0; i < 9; i++) deep = { op: 'and', children: [deep] };
    expect((await failure(deep)).message).toContain('levels deep');
    const malformed = await failure({ op: 'and', children: [{ field: 'ladder_stage', cmp: 'in', value: ['boss'] }] });
    expect(malformed.code).toBe('SEGMENT_INVALID');
  });

  it('counts a typical segment from the person index alone once a load is vacuumed (no heap read)', async () => {
    // Stage + zones + tag + consent, as a campaign asks most often: migration 0010's index holds all
    // the person columns it reads (the policy's campaign, the base exclusions included), and
    // refreshStatistics marks the pages all-visible, so PostgreSQL and PGlite count without reading
    // the table. The scan kinds that would read the table are switched off to see which one is left.
    await refreshStatistics(ctx.database.db, ['person', 'tagging']);
    const definition: SegmentDefinition = {
      op: 'and',
      children: [
        { field: 'ladder_stage', cmp: 'in', value: ['sympathizer', 'volunteer'] },
        { field: 'zone', cmp: 'in', value: [f.z1, f.z2] },
        { field: 'tag', cmp: 'has', value: f.tag.militant },
        { field: 'consent', cmp: 'given', value: 'email' },
      ],
    };
    const plan = await withTenant(ctx.database.db, f.id, async (trx) => {
      await sql`select set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)`.execute(trx);
      const compiled = (await segmentPersonIds(trx, definition, { campaignId: f.id, zoneScope: null })).compile();
      const explain = `explain (analyze, format json) select count(*) from (${compiled.sql}) as segment`;
      const { rows } = await trx.executeQuery<{ 'QUERY PLAN': unknown }>(CompiledQuery.raw(explain, [...compiled.parameters]));
      return rows[0]?.['QUERY PLAN'];
    });
    const nodes: Array<Record<string, unknown>> = [];
    const walk = (node: Record<string, unknown>) => {
      nodes.push(node);
      for (const child of (node.Plans as Array<Record<string, unknown>> | undefined) ?? []) walk(child);
    };
    const root = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: Record<string, unknown> }>;
    walk(root[0]?.Plan as Record<string, unknown>);
    const onPerson = nodes.filter((n) => n['Relation Name'] === 'person');
    expect(onPerson.map((n) => [n['Node Type'], n['Index Name'], n['Heap Fetches']])).toEqual([
      ['Index Only Scan', 'person_segment_idx', 0],
    ]);
  });
});
