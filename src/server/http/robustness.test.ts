// Property-based robustness (issue 12): whatever a client sends to a handful of endpoints, the
// answer is a 2xx or a 4xx problem document with a known stable code, never a 5xx, and a refused
// request leaves the data as it was.
import fc from 'fast-check';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { useOwnerApp } from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { knownErrorCodes } from './problem.ts';

const RUNS = 25;

// Strings an attacker tries: NUL, dates off the calendar, huge numbers as text, long and odd text.
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('\u0000', 'a\u0000b', '2026-02-31', '2026-13-01', '0000-00-00', '9'.repeat(40), '-1e309', ' ', '', 'x'.repeat(10_001)),
);
const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    fc.integer(),
    fc.constantFrom(2 ** 53, -(2 ** 63), 1e308, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(nastyString, tie('value'), { maxKeys: 3 }),
  ),
})).value;
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, nastyValue);

const personBody = fc.record(
  {
    given_name: maybe(fc.string({ maxLength: 20 })),
    family_name: maybe(fc.string({ maxLength: 20 })),
    email_addresses: maybe(fc.array(fc.record({ address: maybe(fc.emailAddress()) }), { maxLength: 2 })),
    phone_numbers: maybe(fc.array(fc.record({ number: nastyString }), { maxLength: 2 })),
    birthdate: nastyValue,
    gender: nastyValue,
    custom_fields: maybe(fc.dictionary(nastyString, nastyValue, { maxKeys: 3 })),
  },
  { requiredKeys: [] },
);

const condition = fc.record(
  {
    field: fc.constantFrom(
      'given_name',
      'ladder_stage',
      'zone',
      'tag',
      'consent',
      'created_date',
      'birthdate',
      'activity',
      'custom:age',
      'nope',
    ),
    cmp: fc.constantFrom('eq', 'contains', 'in', 'has', 'has_any', 'given', 'gte', 'between', 'within_days', 'exists', 'is_empty', 'zz'),
    value: nastyValue,
  },
  { requiredKeys: ['field', 'cmp'] },
);
const definition = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    condition,
    fc.record({ op: fc.constantFrom('and', 'or', 'not', 'xor'), children: fc.array(tie('node'), { maxLength: 4 }) }),
  ),
})).node;

describeEachDatabase('robustness (property-based)', (ctx) => {
  const s = useOwnerApp(ctx, 'robust');
  let personId: string;
  beforeAll(async () => {
    personId = s.c.people[0]!.id;
  });

  /** What a refused request must leave untouched. */
  const fingerprint = async () => {
    const { rows } = await sql<{ f: string }>`select concat_ws('|',
        (select count(*) from person), (select max(modified_at)::text from person),
        (select string_agg(md5(row(p.*)::text), ',' order by p.id) from person p),
        (select count(*) from tag), (select string_agg(name, ',' order by id) from tag),
        (select count(*) from segment), (select count(*) from activity)) as f`.execute(ctx.database.db);
    return rows[0]!.f;
  };

  const expectSound = (res: { statusCode: number; headers: Record<string, unknown>; body: string }) => {
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
      expect(knownErrorCodes()).toContain(JSON.parse(res.body).code);
    }
  };

  const property = (
    send: (body: unknown) => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>,
    body: fc.Arbitrary<unknown>,
  ) =>
    fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const before = await fingerprint();
        const res = await send(payload);
        expectSound(res);
        if (res.statusCode >= 400) expect(await fingerprint()).toBe(before);
      }),
      { numRuns: RUNS },
    );

  it('login: any body answers 2xx or a 4xx problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.record({ email: nastyString, password: nastyString }), nastyValue), async (payload) => {
        const res = await s.t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: JSON.stringify(payload),
          headers: { 'content-type': 'application/json' },
        });
        expectSound(res);
      }),
      { numRuns: RUNS },
    );
  });

  it('people create and update: 2xx, or a 4xx problem with the data unchanged', async () => {
    await property((body) => s.owner.request('POST', '/api/v1/people', body), personBody);
    await property((body) => s.owner.request('PUT', `/api/v1/people/${personId}`, body), personBody);
  });

  it('segment count: 2xx, or a 4xx problem with the data unchanged', async () => {
    await property((body) => s.owner.request('POST', '/api/v1/segments/count', { definition: body }), definition);
  });

  it('tags: 2xx, or a 4xx problem with the data unchanged', async () => {
    await property(
      (body) => s.owner.request('POST', '/api/v1/tags', body),
      fc.record({ name: maybe(fc.string({ maxLength: 90 })), description: nastyValue }, { requiredKeys: [] }),
    );
  });
});
