// A demonstration job: counts the campaign's people per ladder stage in steps, reporting progress,
// so the queue, the worker and the progress display can be seen working end to end.
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { defineJob } from './queue.ts';

/** The demonstration job: steps and the delay between them are clamped when it runs. */
export const demoJob = defineJob({
  kind: 'demo.count',
  params: Type.Object({ steps: Type.Optional(Type.Number()), delay_ms: Type.Optional(Type.Number()) }),
  async run(ctx) {
    const steps = Math.min(Math.max(Number(ctx.params.steps ?? 10), 1), 1000);
    const delayMs = Math.min(Math.max(Number(ctx.params.delay_ms ?? 150), 0), 5000);
    await ctx.progress(0, steps, 'demo.counting');
    for (let i = 1; i <= steps; i += 1) {
      await sleep(delayMs);
      await ctx.progress(i, steps, 'demo.counting');
    }
    const rows = await ctx.tenant((trx) =>
      trx
        .selectFrom('person')
        .select(['ladder_stage', sql<string>`count(*)`.as('n')])
        .where('campaign_id', '=', ctx.campaignId)
        .groupBy('ladder_stage')
        .execute(),
    );
    return { steps, people_by_stage: Object.fromEntries(rows.map((r) => [r.ladder_stage, Number(r.n)])) };
  },
});
