// The job that evaluates an A/B test when its wait is over (queued by the send job when the test
// share has gone, and by itself when the test waits longer). When the rest is released, it queues
// the send job, which sends the rest with the chosen variant.
import { Type } from 'typebox';
import { defineJob } from '../../../jobs/queue.ts';
import { evaluateAbTest } from './ab.service.ts';

export const AB_EVALUATE_JOB_KIND = 'messaging.ab_evaluate';

export const abEvaluateJob = defineJob({
  kind: AB_EVALUATE_JOB_KIND,
  params: Type.Object({ mailing_id: Type.String({ format: 'uuid' }) }),
  async run(ctx) {
    const outcome = await ctx.tenant((trx) => evaluateAbTest(trx, ctx.campaignId, ctx.params.mailing_id));
    if (outcome.released) {
      await ctx.enqueue({ campaignId: ctx.campaignId, kind: 'messaging.send', params: { mailing_id: ctx.params.mailing_id } });
      return { decision: outcome.released.decision, variant: outcome.released.variant, released: outcome.released.rows };
    }
    if (outcome.nextAt) {
      await ctx.enqueue({ campaignId: ctx.campaignId, kind: AB_EVALUATE_JOB_KIND, params: ctx.params, startAfter: outcome.nextAt });
      return { next_evaluation: outcome.nextAt.toISOString() };
    }
    return { decision: null };
  },
});
