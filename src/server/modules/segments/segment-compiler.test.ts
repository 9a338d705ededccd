// Snapshots of the SQL that segments compile to, so a reviewer reads the query that runs.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.ts';
import { compileSegment } from './segment-compiler.ts';
import type { SegmentDefinition } from './segment-definition.ts';

// A Kysely that only compiles (no connection).
const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const C = '0190aaaa-0000-7000-8000-00000000000c';
const Z1 = '0190aaaa-0000-7000-8000-0000000000a1';
const Z2 = '0190aaaa-0000-7000-8000-0000000000a2';
const T1 = '0190aaaa-0000-7000-8000-0000000000b1';
const L1 = '0190aaaa-0000-7000-8000-0000000000c1';

function compile(definition: SegmentDefinition, zoneScope: string[] | null = null) {
  const q = db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(
      compileSegment(definition, {
        campaignId: C,
        zoneScope,
        customFieldTypes: { age: 'number', joined: 'date', job: 'text', size: 'choice' },
      }),
    )
    .compile();
  return { sql: q.sql, parameters: q.parameters };
}

describe('compileSegment', () => {
  it('compiles the typical count: stage + two zones + a tag + consent', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'ladder_stage', cmp: 'in', value: ['sympathizer', 'volunteer'] },
          { field: 'zone', cmp: 'in', value: [Z1, Z2] },
          { field: 'tag', cmp: 'has', value: T1 },
          { field: 'consent', cmp: 'given', value: 'email' },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "sympathizer",
          "volunteer",
          [
            "0190aaaa-0000-7000-8000-0000000000a1",
            "0190aaaa-0000-7000-8000-0000000000a2",
          ],
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000b1",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and "person"."ladder_stage" in ($2, $3)
        and "person"."zone_ids" && $4::uuid[]
        and exists (select 1 from tagging t where t.campaign_id = $5 and t.person_id = "person"."id" and t.tag_id in ($6))
        and "person"."consent_email")",
      }
    `);
  });

  it("adds a referent's zones and nests OR / NOT groups", () => {
    expect(
      compile(
        {
          op: 'or',
          children: [
            { field: 'list', cmp: 'member', value: L1 },
            {
              op: 'not',
              children: [
                { field: 'tag', cmp: 'has_any', value: [T1] },
                { field: 'consent', cmp: 'not_given', value: 'sms' },
              ],
            },
            { field: 'tag', cmp: 'has_none', value: [T1] },
          ],
        },
        [Z1],
      ),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          [
            "0190aaaa-0000-7000-8000-0000000000a1",
          ],
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000c1",
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000b1",
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000b1",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and "person"."zone_ids" && $2::uuid[]
        and (exists (select 1 from list_member m where m.campaign_id = $3 and m.person_id = "person"."id" and m.list_id = $4) or not (exists (select 1 from tagging t where t.campaign_id = $5 and t.person_id = "person"."id" and t.tag_id in ($6)) and not "person"."consent_sms") or not exists (select 1 from tagging t where t.campaign_id = $7 and t.person_id = "person"."id" and t.tag_id in ($8))))",
      }
    `);
  });

  it('compiles text fields (accent- and case-insensitive, e-mail on its index)', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'family_name', cmp: 'contains', value: '50%_off' },
          { field: 'given_name', cmp: 'starts_with', value: 'Hél' },
          { field: 'email', cmp: 'eq', value: 'a@example.org' },
          { field: 'phone', cmp: 'is_empty' },
          { field: 'postcode', cmp: 'neq', value: '75011' },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "%50\\%\\_off%",
          "Hél%",
          "a@example.org",
          "75011",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and lower(relais_unaccent(coalesce("person"."family_name", ''))) like lower(relais_unaccent($2))
        and lower(relais_unaccent(coalesce("person"."given_name", ''))) like lower(relais_unaccent($3))
        and "person"."email" = $4
        and coalesce("person"."phone", '') = ''
        and lower(relais_unaccent(coalesce("person"."postcode", ''))) <> lower(relais_unaccent($5)))",
      }
    `);
  });

  it('compiles custom fields by type', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'custom:age', cmp: 'gt', value: 40 },
          { field: 'custom:joined', cmp: 'lt', value: '2026-01-01' },
          { field: 'custom:size', cmp: 'neq', value: 'M' },
          { field: 'custom:job', cmp: 'contains', value: 'prof' },
          { field: 'custom:job', cmp: 'is_empty' },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "age",
          "age",
          "40",
          "joined",
          "joined",
          "2026-01-01",
          "size",
          "M",
          "job",
          "%prof%",
          "job",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and coalesce(case when ("person"."custom_fields" ->> $2) ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' then ("person"."custom_fields" ->> $3)::numeric end > $4::numeric, false)
        and coalesce(case when ("person"."custom_fields" ->> $5) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' then substr(("person"."custom_fields" ->> $6), 1, 10)::date end < $7::date, false)
        and coalesce(("person"."custom_fields" ->> $8) <> $9, true)
        and coalesce(lower(relais_unaccent(("person"."custom_fields" ->> $10))) like lower(relais_unaccent($11)), false)
        and coalesce(("person"."custom_fields" ->> $12), '') = '')",
      }
    `);
  });

  it('compiles dates', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'created_date', cmp: 'between', value: ['2026-01-01', '2026-01-31'] },
          { field: 'modified_date', cmp: 'lte', value: '2026-02-01T12:00:00Z' },
          { field: 'birthdate', cmp: 'lte', value: '2000-01-01' },
          { field: 'last_consent_date', cmp: 'within_days', value: 30 },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "2026-01-01",
          "2026-01-31",
          "2026-02-01T12:00:00Z",
          "2000-01-01",
          30,
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and ("person"."created_at" >= $2::timestamptz and "person"."created_at" < $3::date + 1)
        and "person"."modified_at" <= $4::timestamptz
        and ("person"."birthdate" is not null and "person"."birthdate" <= $5::date)
        and ("person"."last_consent_at" is not null and "person"."last_consent_at" >= now() - make_interval(days => $6::int)))",
      }
    `);
  });

  it('compiles activities: opened mailing X, signed petition Y twice, knocked with outcome Z', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'activity', cmp: 'exists', value: { type: 'mailing.opened', ref_id: 'mailing-1' } },
          { field: 'activity', cmp: 'exists', value: { type: 'petition.signed', ref_id: 'petition-1', min_count: 2, since: '2026-01-01' } },
          { field: 'activity', cmp: 'not_exists', value: { type: 'door.knocked', data: { outcome: 'absent' }, until: '2026-03-01' } },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-00000000000c",
          "mailing.opened",
          "mailing-1",
          "0190aaaa-0000-7000-8000-00000000000c",
          "petition.signed",
          "petition-1",
          "2026-01-01",
          2,
          2,
          "0190aaaa-0000-7000-8000-00000000000c",
          "door.knocked",
          "{"outcome":"absent"}",
          "2026-03-01",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and exists (select 1 from activity a where a.campaign_id = $2 and a.person_id = "person"."id" and a.type = $3 and a.ref_id = $4)
        and (select count(*) from (select 1 from activity a where a.campaign_id = $5 and a.person_id = "person"."id" and a.type = $6 and a.ref_id = $7 and a.at >= $8::timestamptz limit $9) n) >= $10
        and not exists (select 1 from activity a where a.campaign_id = $11 and a.person_id = "person"."id" and a.type = $12 and a.data @> $13::jsonb and a.at < $14::date + 1))",
      }
    `);
  });

  it('compiles mailings: received X, opened Y (human events), not clicked Z', () => {
    expect(
      compile({
        op: 'and',
        children: [
          { field: 'mailing', cmp: 'received', value: '0190aaaa-0000-7000-8000-0000000000a1' },
          { field: 'mailing', cmp: 'opened', value: '0190aaaa-0000-7000-8000-0000000000a2' },
          { field: 'mailing', cmp: 'not_clicked', value: '0190aaaa-0000-7000-8000-0000000000a3' },
        ],
      }),
    ).toMatchInlineSnapshot(`
      {
        "parameters": [
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000a1",
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000a2",
          "0190aaaa-0000-7000-8000-00000000000c",
          "0190aaaa-0000-7000-8000-0000000000a3",
        ],
        "sql": "select count(*) as "n" from "person" where ("person"."campaign_id" = $1
        and "person"."anonymized_at" is null
        and "person"."merged_into" is null
        and exists (select 1 from mailing_recipient r where r.campaign_id = $2 and r.mailing_id = $3 and r.person_id = "person"."id" and r.status = 'sent')
        and exists (select 1 from mail_event e where e.campaign_id = $4 and e.person_id = "person"."id" and e.mailing_id = $5 and e.classification = 'human')
        and not exists (select 1 from mail_event e where e.campaign_id = $6 and e.person_id = "person"."id" and e.mailing_id = $7 and e.kind = 'click' and e.classification = 'human'))",
      }
    `);
  });
});
