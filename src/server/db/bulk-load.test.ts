// The bulk loader on both databases, by each of its paths: inside a tenant transaction (PostgreSQL:
// COPY into a temporary table, then INSERT … SELECT; PGlite: unnest) and outside any transaction
// (COPY straight in). Values of every type come back as written, row-level security checks every
// row, ON CONFLICT applies, and an abandoned load leaves nothing.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../lib/ids.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type BulkTarget, bulkLoad, openBulkLoad } from './bulk-load.ts';
import { withTenant } from './database.ts';

const PERSON_COLUMNS: BulkTarget['columns'] = [
  { name: 'id', type: 'uuid' },
  { name: 'given_name', type: 'text' },
  { name: 'family_name', type: 'text' },
  { name: 'email', type: 'text' },
  { name: 'emails', type: 'text[]' },
  { name: 'zone_ids', type: 'uuid[]' },
  { name: 'custom_fields', type: 'jsonb' },
  { name: 'birthdate', type: 'date' },
  { name: 'lon', type: 'float8' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'consent_email', type: 'boolean' },
];

describeEachDatabase('bulk loader', (ctx) => {
  let campaignId: string;
  let otherCampaignId: string;
  const zone = uuidv7();

  beforeAll(async () => {
    campaignId = uuidv7();
    otherCampaignId = uuidv7();
    await ctx.database.db
      .insertInto('campaign')
      .values([
        { id: campaignId, slug: `bulk-${campaignId}`, name: 'Bulk' },
        { id: otherCampaignId, slug: `bulk-${otherCampaignId}`, name: 'Other' },
      ])
      .execute();
  });

  const target = (constants: BulkTarget['constants'], onConflict?: string): BulkTarget => ({
    table: 'person',
    constants,
    columns: PERSON_COLUMNS,
    ...(onConflict ? { onConflict } : {}),
  });

  /** Awkward values: quotes, commas, line breaks, backslashes, braces, NULL beside "" and "NULL". */
  const awkward = (id: string, source: string) => [
    id,
    `Éloïse "Lou", d'Arc\\`,
    'line\r\nbreak {x}',
    `${source}.${id}@example.org`,
    ['a@example.org', 'quote"d@example.org', 'back\\slash', 'NULL', '', 'com,ma'],
    [zone],
    { note: 'said "hi"\n', n: 1.5, list: [1, null] },
    '1980-05-17',
    2.3522219,
    new Date('2026-03-01T10:20:30.456Z'),
    true,
  ];
  const plain = (id: string) => [id, '', 'NULL', null, [], [], {}, null, null, new Date('2026-01-01T00:00:00Z'), false];

  async function readBack(ids: string[]) {
    return ctx.database.db
      .selectFrom('person')
      .select([
        'id',
        'campaign_id',
        'source',
        'given_name',
        'family_name',
        'email',
        'emails',
        'zone_ids',
        'custom_fields',
        'lon',
        'created_at',
        'consent_email',
      ])
      .select(sql<string | null>`birthdate::text`.as('birthdate'))
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
  }

  function expectRows(rows: Awaited<ReturnType<typeof readBack>>, ids: [string, string], source: string) {
    expect(rows).toEqual([
      expect.objectContaining({
        id: ids[0],
        campaign_id: campaignId,
        source,
        given_name: `Éloïse "Lou", d'Arc\\`,
        family_name: 'line\r\nbreak {x}',
        email: `${source}.${ids[0]}@example.org`,
        emails: ['a@example.org', 'quote"d@example.org', 'back\\slash', 'NULL', '', 'com,ma'],
        zone_ids: [zone],
        custom_fields: { note: 'said "hi"\n', n: 1.5, list: [1, null] },
        birthdate: '1980-05-17',
        lon: 2.3522219,
        created_at: new Date('2026-03-01T10:20:30.456Z'),
        consent_email: true,
      }),
      expect.objectContaining({
        id: ids[1],
        given_name: '',
        family_name: 'NULL',
        email: null,
        emails: [],
        zone_ids: [],
        custom_fields: {},
        birthdate: null,
        lon: null,
        consent_email: false,
      }),
    ]);
  }

  it('writes values of every type inside a tenant transaction, as they were given', async () => {
    const ids: [string, string] = [uuidv7(), uuidv7()];
    const constants = [
      { name: 'campaign_id', type: 'uuid' as const, value: campaignId },
      { name: 'source', type: 'text' as const, value: 'bulk-tenant' },
    ];
    const written = await withTenant(ctx.database.db, campaignId, (trx) =>
      bulkLoad(trx, target(constants), [[awkward(ids[0], 'bulk-tenant')], [plain(ids[1])]]),
    );
    expect(written).toBe(2);
    expectRows(await readBack(ids), ids, 'bulk-tenant');
  });

  it('writes the same values outside any transaction, straight into the table', async () => {
    const ids: [string, string] = [uuidv7(), uuidv7()];
    const constants = [
      { name: 'campaign_id', type: 'uuid' as const, value: campaignId },
      { name: 'source', type: 'text' as const, value: 'bulk-direct' },
    ];
    const loader = openBulkLoad(ctx.database.db, target(constants));
    await loader.write([awkward(ids[0], 'bulk-direct')]);
    await loader.write([plain(ids[1])]);
    expect(await loader.end()).toBe(2);
    expectRows(await readBack(ids), ids, 'bulk-direct');
  });

  it("lets row-level security refuse a row of another campaign inside a campaign's transaction", async () => {
    const id = uuidv7();
    const constants = [{ name: 'campaign_id', type: 'uuid' as const, value: otherCampaignId }];
    await expect(withTenant(ctx.database.db, campaignId, (trx) => bulkLoad(trx, target(constants), [[plain(id)]]))).rejects.toThrow(
      /row-level security/,
    );
    expect(await readBack([id])).toEqual([]);
  });

  it('applies ON CONFLICT inside a transaction, across many batches, and refuses it outside one', async () => {
    const constants = [
      { name: 'campaign_id', type: 'uuid' as const, value: campaignId },
      { name: 'source', type: 'text' as const, value: 'bulk-many' },
    ];
    const ids = Array.from({ length: 12_345 }, () => uuidv7());
    const row = (id: string, i: number) => [id, `Given ${i}`, 'Many', `many.${i}@example.org`, [], [], {}, null, i / 7, new Date(), false];
    await withTenant(ctx.database.db, campaignId, (trx) => bulkLoad(trx, target(constants), [ids.slice(0, 100).map(row)]));
    const written = await withTenant(ctx.database.db, campaignId, async (trx) => {
      const loader = openBulkLoad(trx, target(constants, '(campaign_id, id) do nothing'));
      for (let i = 0; i < ids.length; i += 1000) await loader.write(ids.slice(i, i + 1000).map((id, j) => row(id, i + j)));
      return loader.end();
    });
    expect(written).toBe(ids.length - 100);
    const count = await sql<{
      n: string;
    }>`select count(*)::text as n from person where campaign_id = ${campaignId} and source = 'bulk-many'`.execute(ctx.database.db);
    expect(count.rows[0]?.n).toBe(String(ids.length));
    expect(() => openBulkLoad(ctx.database.db, target(constants, 'do nothing'))).toThrow(/needs a transaction/);
  });

  it('keeps nothing of a load given up, and refuses a row of the wrong width', async () => {
    const constants = [
      { name: 'campaign_id', type: 'uuid' as const, value: campaignId },
      { name: 'source', type: 'text' as const, value: 'bulk-aborted' },
    ];
    const id = uuidv7();
    const loader = openBulkLoad(ctx.database.db, target(constants));
    await loader.write([plain(id)]);
    await loader.abort(new Error('the file is damaged'));
    expect(await readBack([id])).toEqual([]);
    await expect(
      withTenant(ctx.database.db, campaignId, (trx) => bulkLoad(trx, target(constants), [[[uuidv7(), 'too short']]])),
    ).rejects.toThrow(/a row of 2 values for 11 columns/);
  });
});
