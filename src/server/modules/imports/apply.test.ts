// The set-based phase of an import, compiled: a reviewer reads here the SQL that runs.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.ts';
import { applyStatements } from './apply.ts';

/** A Kysely that only compiles (no connection), to snapshot generated SQL. */
function sqlCompiler() {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

describe('applyStatements', () => {
  it('compiles every statement of the set-based phase to the SQL reviewed here', () => {
    const statements = applyStatements({
      campaignId: '00000000-0000-7000-8000-000000000001',
      table: 'import_stage_0000000000007000800000000000000a',
      importId: '00000000-0000-7000-8000-00000000000a',
      fileName: 'contacts.csv',
      onDuplicate: 'update',
      addTags: ['import'],
      addListId: '00000000-0000-7000-8000-00000000000b',
      consent: { channels: ['email'], proofText: 'texte' },
      actorLabel: 'owner@example.org',
      zoneScope: ['00000000-0000-7000-8000-00000000000c'],
    });
    const db = sqlCompiler();
    const compiled = Object.fromEntries(
      Object.entries(statements).map(([name, statement]) => [name, statement.compile(db).sql.replace(/\s+/g, ' ').trim()]),
    );
    expect(compiled).toMatchSnapshot();
  });
});
