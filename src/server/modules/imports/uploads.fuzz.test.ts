// The import's readers under fuzzing (issue 12): CSV in any encoding, separator, quoting and line
// ending, XLSX written by exceljs or by hand, then truncated, flipped, spliced, with parts renamed
// or missing, XML mutated and small zip bombs, uploaded by the four callers. Whatever the file, the
// answer is a 201 or a 4xx problem with a known code, in time, nothing kept when refused, and the
// process's memory stays bounded. FUZZ_RUNS=10 runs ten times as many files (bench/fuzz.ts: minutes).
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../testing/databases.ts';
import { callerNames, expectSoundAnswer, type FuzzBench, fuzzSettings, fuzzTimeout, openFuzzBench } from '../../testing/fuzz/harness.ts';
import { fileOf, uploadRecipes } from '../../testing/fuzz/uploads.ts';
import { multipartOf } from '../../testing/multipart.ts';

const RUNS = 100;
/** Growth of the resident memory allowed over a whole run (a reader holding a file would pass it). */
const RSS_GROWTH_BOUND = 512 * 1024 * 1024;

const callerArb = fc.oneof({ arbitrary: fc.constant('owner' as const), weight: 4 }, callerNames);
const bodyCut = fc.option(fc.double({ min: 0.5, max: 0.999, noNaN: true }), { freq: 8 });

describeEachDatabase('import uploads under fuzzing', (ctx) => {
  let bench: FuzzBench;
  beforeAll(async () => {
    bench = await openFuzzBench(ctx.database, 'fuzz-upload');
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  it(
    'answers any CSV or XLSX upload with a 201 or a 4xx problem, in time, keeping nothing when refused, in bounded memory',
    async () => {
      const rssAtStart = process.memoryUsage().rss;
      let peak = rssAtStart;
      await fc.assert(
        fc.asyncProperty(callerArb, uploadRecipes, bodyCut, async (caller, recipe, cut) => {
          const upload = multipartOf(recipe.name, await fileOf(recipe));
          // Now and then the multipart body itself is cut short (the closing boundary or more lost).
          const payload = cut === null ? upload.payload : upload.payload.subarray(0, Math.floor(cut * upload.payload.length));
          const res = await expectSoundAnswer(
            ctx.database,
            { method: 'POST', url: '/api/v1/imports', headers: upload.headers, payload },
            bench.callers[caller],
            'POST /api/v1/imports',
          );
          if (caller === 'owner') expect([201, 400, 413, 415, 422], res.body).toContain(res.statusCode);
          peak = Math.max(peak, process.memoryUsage().rss);
          expect(peak - rssAtStart, `resident memory grew by ${Math.round((peak - rssAtStart) / 1e6)} MB`).toBeLessThan(RSS_GROWTH_BOUND);
        }),
        fuzzSettings(RUNS),
      );
    },
    fuzzTimeout(RUNS, 1_000),
  );
});
