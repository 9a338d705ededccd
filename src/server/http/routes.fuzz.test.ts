// Every route under fuzzing (issue 12): each operation of the API document, plus the pages the
// document leaves out, called by the owner, a zone-scoped referent, an API token and nobody, with
// path parameters, query strings and bodies made from its schemas and then mutated. Whatever is
// sent, the answer is a 2xx/3xx or a 4xx problem+json with a known code, within the time bound, and
// a refused request leaves the database as it was. FUZZ_RUNS=10 runs ten times as many cases;
// bench/fuzz.ts runs it for minutes with varied seeds.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../testing/databases.ts';
import { callerNames, expectSoundAnswer, type FuzzBench, fuzzSettings, fuzzTimeout, openFuzzBench } from '../testing/fuzz/harness.ts';
import { type Operation, operationsOf, requestsOf, resolverOf } from '../testing/fuzz/requests.ts';

// Cases per operation in the suite (about 250 operations, each database).
const RUNS = 6;
// The operations are fuzzed in parts, each a test with its own time bound (one test for them all
// outgrew its bound as modules added routes).
const PARTS = 4;
// Routes the API document does not list (it hides them): the public site, the document itself,
// the documentation's files. (The back office's shell, /app, answers 503 in tests: no web build.)
const UNLISTED: Operation[] = [
  { method: 'GET', path: '/', pathParams: [], query: [], body: null, contentTypes: [] },
  { method: 'GET', path: '/api/openapi.json', pathParams: [], query: [], body: null, contentTypes: [] },
  { method: 'GET', path: '/api/docs/static/{file}', pathParams: ['file'], query: [], body: null, contentTypes: [] },
  { method: 'POST', path: '/api/v1/{path}', pathParams: ['path'], query: [], body: null, contentTypes: [] },
];

describeEachDatabase('every route under fuzzing', (ctx) => {
  let bench: FuzzBench;
  let operations: Operation[];
  let resolve: (ref: string) => Record<string, unknown>;
  beforeAll(async () => {
    bench = await openFuzzBench(ctx.database, 'fuzz');
    const doc = bench.t.app.swagger() as Parameters<typeof operationsOf>[0] & Parameters<typeof resolverOf>[0];
    operations = [...operationsOf(doc).filter((op) => !op.path.startsWith('/app/')), ...UNLISTED];
    resolve = resolverOf(doc);
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  it('lists every route of the API document, so that a new one is fuzzed without this test being edited', () => {
    expect(operations.length).toBeGreaterThan(200);
  });

  it.each(Array.from({ length: PARTS }, (_, part) => part))(
    'answers every operation (part %i), for every caller, with a 2xx or a 4xx problem, in time, and refuses without writing',
    async (part) => {
      const ids = fc.constantFrom(...bench.ids);
      const options = { resolve, ids, pathIds: ids, emails: fc.constantFrom(...bench.emails) };
      const failures: string[] = [];
      for (const op of operations.filter((_, i) => i % PARTS === part)) {
        const route = `${op.method} ${op.path}`;
        const details = await fc.check(
          fc.asyncProperty(callerNames, requestsOf(op, options), async (caller, request) => {
            await expectSoundAnswer(ctx.database, request, bench.callers[caller], route);
          }),
          fuzzSettings(RUNS),
        );
        if (details.failed) {
          const error =
            details.errorInstance instanceof Error ? details.errorInstance.message.split('\n')[0] : String(details.errorInstance);
          failures.push(`${route}: ${error}\n${fc.defaultReportMessage(details)}`);
        }
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    fuzzTimeout(RUNS * 90, 200),
  );
});
