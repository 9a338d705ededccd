// The `messaging.bounces` job: one reading of the bounce mailbox for a campaign, queued again
// every few minutes while the campaign has sent mail recently (bounces come back within days).
import { sql } from 'kysely';
import { Type } from 'typebox';
import { type TenantRunner, tenantRunnerOf } from '../../../db/database.ts';
import { defineJob, type EnqueueOptions } from '../../../jobs/queue.ts';
import { MAILBOX_BATCH, readBounceMailbox } from './mailbox.ts';
import { recipientTokenReaderOf } from './recipient-token.ts';

export const BOUNCES_JOB_KIND = 'messaging.bounces';
/** Minutes between two readings of the mailbox. */
export const BOUNCE_CHECK_MINUTES = 10;
/** Days after the last message sent during which the mailbox is still read for the campaign. */
export const BOUNCE_CHECK_DAYS = 7;

/**
 * Makes sure a reading of the bounce mailbox is queued for the campaign (now, or at `at`) unless
 * one is already waiting. The sending job calls it when a mailing has gone out.
 */
export async function requestBounceCheck(
  enqueue: (options: EnqueueOptions) => Promise<string>,
  tenant: TenantRunner,
  campaignId: string,
  at?: Date,
): Promise<void> {
  const waiting = await tenant((trx) =>
    trx.selectFrom('job_run').select('id').where('kind', '=', BOUNCES_JOB_KIND).where('state', '=', 'queued').limit(1).executeTakeFirst(),
  );
  if (waiting) return;
  await enqueue({ campaignId, kind: BOUNCES_JOB_KIND, params: {}, ...(at ? { startAfter: at } : {}) });
}

/** One reading of the bounce mailbox for the campaign; queues the next while mail went out lately. */
export const bouncesJob = defineJob({
  kind: BOUNCES_JOB_KIND,
  params: Type.Object({}, { additionalProperties: false }),
  expireInSeconds: 15 * 60,
  // Frequent and short, with nothing to read for a person unless something bounced.
  unlisted: true,
  async run(ctx) {
    const imap = ctx.config.bounces.imap;
    if (!imap) return { skipped: 'not_configured' };
    try {
      const result = await readBounceMailbox({
        imap,
        campaignId: ctx.campaignId,
        tenant: ctx.tenant,
        // Finding the campaign of a token is a look-up outside the tenant (recipient-token.ts).
        readToken: recipientTokenReaderOf(ctx.config, ctx.database.db),
        progress: (done, total) => ctx.progress(done, total, 'bounces.reading'),
      });
      // Messages of other campaigns stay unseen for their own runs: make sure those runs come,
      // even for a campaign that sends no more (each in its own tenant).
      for (const other of result.otherCampaignIds) {
        await requestBounceCheck(ctx.enqueue, tenantRunnerOf(ctx.database.db, other), other);
      }
      // A full batch: more is waiting, read on now.
      if (result.unseen >= MAILBOX_BATCH) await requestBounceCheck(ctx.enqueue, ctx.tenant, ctx.campaignId);
      return result;
    } finally {
      // Also after a failure (the mailbox unreachable for a while): the readings go on.
      const recent = await ctx.tenant((trx) =>
        trx
          .selectFrom('mailing_recipient')
          .select('id')
          .where('sent_at', '>', sql<Date>`now() - make_interval(days => ${BOUNCE_CHECK_DAYS})`)
          .limit(1)
          .executeTakeFirst(),
      );
      if (recent) {
        await requestBounceCheck(ctx.enqueue, ctx.tenant, ctx.campaignId, new Date(Date.now() + BOUNCE_CHECK_MINUTES * 60_000));
      }
    }
  },
});
