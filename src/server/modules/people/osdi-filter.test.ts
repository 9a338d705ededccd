// The OSDI filter parser and compiler, without a database: the tree a filter makes, the SQL it
// compiles to (values bound, never in the text), and the FILTER_INVALID problems of what it refuses.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { compileOsdiFilter, filterInstant, parseOsdiFilter, personFilterFields } from './osdi-filter.ts';

const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
const fields = personFilterFields((t) => (t.startsWith('06') ? `+33${t.slice(1)}` : null));
const compiled = (filter: string) => db.selectFrom('person').select('person.id').where(compileOsdiFilter(filter, fields)).compile();

describe('OSDI filter', () => {
  it('parses and before or, not, parentheses and quoted quotes', () => {
    expect(parseOsdiFilter("a eq 'x' or b ne 'it''s' and not (c gt 5 or d le true)")).toEqual({
      kind: 'or',
      children: [
        { kind: 'cmp', field: 'a', op: 'eq', value: 'x', at: 0 },
        {
          kind: 'and',
          children: [
            { kind: 'cmp', field: 'b', op: 'ne', value: "it's", at: 12 },
            {
              kind: 'not',
              child: {
                kind: 'or',
                children: [
                  { kind: 'cmp', field: 'c', op: 'gt', value: 5, at: 34 },
                  { kind: 'cmp', field: 'd', op: 'le', value: true, at: 44 },
                ],
              },
            },
          ],
        },
      ],
    });
  });

  it('compiles to SQL whose values are bound parameters', () => {
    const q = compiled("email_address eq 'Jane@Example.com' or (family_name ne 'O''Brien' and modified_date gt '2013-11-17T18:27:35-05')");
    expect(q.sql).toMatchInlineSnapshot(
      `"select "person"."id" from "person" where (("person"."email" = $1 or $2 = any("person"."emails")) or (lower("person"."family_name") <> lower($3) and "person"."modified_at" >= $4))"`,
    );
    expect(q.parameters.slice(0, 3)).toEqual(['jane@example.com', 'jane@example.com', "O'Brien"]);
    // -05 is five hours behind UTC; gt is "after the millisecond shown".
    expect((q.parameters[3] as Date).toISOString()).toBe('2013-11-17T23:27:35.001Z');
    expect(compiled("phone_number eq '06 12'").parameters[0]).toBe('+336 12');
  });

  it("reads the spec's date forms: a day, Z, -05, -0500, -05:00, a space for the T", () => {
    const iso = (t: string) => filterInstant(t)?.at.toISOString();
    expect(iso('2013-11-17T18:27:35-05')).toBe('2013-11-17T23:27:35.000Z');
    expect(iso('2013-11-17T18:27:35-0500')).toBe('2013-11-17T23:27:35.000Z');
    expect(iso('2013-11-17T18:27:35-05:00')).toBe('2013-11-17T23:27:35.000Z');
    expect(iso('2013-11-17 18:27:35Z')).toBe('2013-11-17T18:27:35.000Z');
    expect(filterInstant('2013-11-17')).toEqual({ at: new Date('2013-11-17T00:00:00Z'), day: true });
    for (const bad of ['2026-02-30', '2026-01-01T25:00', 'hier', '2026-01-01T10:00+15']) expect(filterInstant(bad), bad).toBeNull();
  });

  it('refuses what it cannot read with FILTER_INVALID and the position', () => {
    const refusal = (filter: string) => {
      try {
        compiled(filter);
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        return { code: (error as AppError).code, position: (error as AppError).extra.position, message: (error as AppError).message };
      }
      throw new Error(`accepted: ${filter}`);
    };
    expect(refusal("given_name eq 'Jane")).toMatchObject({ code: 'FILTER_INVALID', position: 15 });
    expect(refusal("given_name like 'J%'")).toMatchObject({ position: 12 });
    expect(refusal("nope eq 'x'").message).toContain('unknown field nope');
    expect(refusal("(given_name eq 'x'")).toMatchObject({ code: 'FILTER_INVALID' });
    expect(refusal("given_name eq 'x')")).toMatchObject({ position: 18 });
    expect(refusal("given_name eq 'x' given_name eq 'y'")).toMatchObject({ position: 19 });
    expect(refusal("email_address lt 'a'").message).toContain('only eq and ne');
    expect(refusal(`${'('.repeat(20)}given_name eq 'x'${')'.repeat(20)}`).message).toContain('deeper');
    expect(refusal(Array.from({ length: 51 }, () => "given_name eq 'x'").join(' or ')).message).toContain('more than 50');
    expect(refusal('; drop table person')).toMatchObject({ code: 'FILTER_INVALID', position: 1 });
  });
});
