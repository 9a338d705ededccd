// The SQL the reports and the duplicate finder run, compiled and snapshotted for review.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.ts';
import { duplicatesStatement } from './duplicates.ts';
import { funnelConversionsStatement, funnelStagesStatement } from './funnel.ts';

const compiler = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const scope = { campaignId: '00000000-0000-7000-8000-000000000001', zoneScope: ['00000000-0000-7000-8000-000000000002'] };
const tidy = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('people SQL', () => {
  it('funnel: people per stage at each week end, overall and per top-layer zone', () => {
    const { sql } = funnelStagesStatement(scope, { weeks: 12, asOf: new Date('2026-03-01T12:00:00Z') }).compile(compiler);
    expect(tidy(sql)).toMatchSnapshot();
  });
  it('funnel: conversions per week', () => {
    const { sql } = funnelConversionsStatement(scope, { weeks: 12, zoneId: scope.zoneScope[0] }).compile(compiler);
    expect(tidy(sql)).toMatchSnapshot();
  });
  it('duplicates: equi-joins on e-mails, phones and addresses', () => {
    const { sql } = duplicatesStatement(scope, { page: 1, perPage: 50 }).compile(compiler);
    expect(tidy(sql)).toMatchSnapshot();
  });
});
