// Dispatch: the `sms.send` job takes due messages (FOR UPDATE SKIP LOCKED), checks at that moment
// the person's SMS consent, the sending hours and electoral silence, defers what may not go now
// to the next allowed instant (status `deferred`, `not_before`, a run queued for then: never
// dropped), marks the rest `sending` and commits BEFORE asking the provider: a message is asked
// for once, even if the worker dies (it then stays `sending`, never sent twice).
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { TenantRunner } from '../../db/database.ts';
import { defineJob, type EnqueueOptions, type JobJanitor } from '../../jobs/queue.ts';
import { canReach } from '../consent/index.ts';
import { recordActivity } from '../timeline/index.ts';
import { type OutgoingSms, type SmsProvider, smsProviderOf } from './provider.ts';
import { nextSendableInstant } from './silence.ts';
import { claimDue, loadSettings, nextDueAt } from './sms.repo.ts';

export const SEND_JOB = 'sms.send';
const BATCH = 50;
const CONCURRENCY = 4;
/** A refusal that said "try later" (429, 5xx): the message waits this long. */
const RETRY_MS = 5 * 60_000;

type Enqueue = (options: EnqueueOptions) => Promise<string>;

/** Makes sure a dispatch run of the campaign will happen at `at` (now by default), unless one is queued for then already. */
export async function requestDispatch(enqueue: Enqueue, tenant: TenantRunner, campaignId: string, at?: Date): Promise<void> {
  const now = new Date();
  const when = at && at > now ? at : now;
  const iso = when.toISOString();
  const queued = await tenant((trx) =>
    trx
      .selectFrom('job_run')
      .select('id')
      .where('kind', '=', SEND_JOB)
      .where('state', '=', 'queued')
      .where(sql<boolean>`coalesce(params->>'at', '') = ${when > now ? iso : ''}`)
      .limit(1)
      .executeTakeFirst(),
  );
  if (queued) return;
  await enqueue({ campaignId, kind: SEND_JOB, params: when > now ? { at: iso } : {}, ...(when > now ? { startAfter: when } : {}) });
}

/** The status callback URL of a message (its id in the query: a report that overtakes the provider's answer still finds it). */
export function statusCallbackOf(baseUrl: string, campaignId: string, messageId: string): string {
  return `${baseUrl}/api/v1/sms/twilio/${campaignId}/status?message_id=${messageId}`;
}

export interface DispatchSummary {
  sent: number;
  failed: number;
  deferred: number;
  skipped: number;
}

/**
 * One dispatch pass of a campaign at `now()`: claims due messages batch by batch until none is
 * due, and sends them. `now` is the clock (tests move it across the sending hours).
 */
export async function dispatchDue(options: {
  tenant: TenantRunner;
  campaignId: string;
  provider: SmsProvider;
  callbackBaseUrl: string | null;
  now?: () => Date;
}): Promise<DispatchSummary> {
  const clock = options.now ?? (() => new Date());
  const summary: DispatchSummary = { sent: 0, failed: 0, deferred: 0, skipped: 0 };
  for (;;) {
    const now = clock();
    const toSend = await options.tenant(async (trx) => {
      const due = await claimDue(trx, options.campaignId, now, BATCH);
      if (due.length === 0) return null;
      const settings = await loadSettings(trx, options.campaignId);
      // Sending hours and electoral silence, asked now: a message queued before either began waits.
      const sendable = await nextSendableInstant(trx, options.campaignId, now, settings.hours);
      const reason = sendable.reason;
      const until = reason ? sendable.at : null;
      const ready: (OutgoingSms & { personId: string })[] = [];
      for (const m of due) {
        if (!(await canReach(trx, { campaignId: options.campaignId, personId: m.person_id, channel: 'sms' }))) {
          await trx
            .updateTable('sms_message')
            .set({ status: 'failed', error_code: 'no_consent', error_message: 'SMS consent withdrawn before dispatch.', updated_at: now })
            .where('campaign_id', '=', options.campaignId)
            .where('id', '=', m.id)
            .execute();
          summary.skipped += 1;
        } else if (until && reason) {
          await trx
            .updateTable('sms_message')
            .set({ status: 'deferred', not_before: until, deferred_reason: reason, updated_at: now })
            .where('campaign_id', '=', options.campaignId)
            .where('id', '=', m.id)
            .execute();
          summary.deferred += 1;
        } else {
          ready.push({
            campaignId: options.campaignId,
            messageId: m.id,
            personId: m.person_id,
            to: m.to_number,
            from: m.sender,
            body: m.body,
            statusCallback:
              options.provider.kind === 'twilio' && options.callbackBaseUrl
                ? statusCallbackOf(options.callbackBaseUrl, options.campaignId, m.id)
                : null,
          });
        }
      }
      if (ready.length > 0)
        await trx
          .updateTable('sms_message')
          .set({ status: 'sending', provider: options.provider.kind, deferred_reason: null, updated_at: now })
          .where('campaign_id', '=', options.campaignId)
          .where(
            'id',
            'in',
            ready.map((r) => r.messageId),
          )
          .execute();
      return ready;
    });
    if (toSend === null) return summary;
    await inPool(toSend, CONCURRENCY, async (message) => {
      const outcome = await options.provider.send(message);
      const at = clock();
      await options.tenant(async (trx) => {
        const update = trx.updateTable('sms_message').where('campaign_id', '=', options.campaignId).where('id', '=', message.messageId);
        if (outcome.ok) {
          // A report may have overtaken this answer: it set the sid and a later status already.
          await update
            .set((eb) => ({
              provider_sid: eb.fn.coalesce('provider_sid', eb.val(outcome.sid)),
              status: sql`case when status = 'sending' then ${outcome.status} else status end`,
              sent_at: eb.fn.coalesce('sent_at', eb.val(at)),
              ...(outcome.status === 'delivered' ? { delivered_at: at } : {}),
              updated_at: at,
            }))
            .execute();
          // On the person's timeline (the ladder's rules may count it).
          await recordActivity(trx, {
            campaignId: options.campaignId,
            personId: message.personId,
            type: 'sms.sent',
            refType: 'sms_message',
            refId: message.messageId,
            actorLabel: 'Relais',
            at,
          });
          summary.sent += 1;
        } else if (outcome.retryable) {
          await update
            .set({
              status: 'queued',
              not_before: new Date(at.getTime() + RETRY_MS),
              error_code: outcome.errorCode,
              error_message: outcome.errorMessage,
              updated_at: at,
            })
            .execute();
          summary.deferred += 1;
        } else {
          await update
            .set({ status: 'failed', error_code: outcome.errorCode, error_message: outcome.errorMessage, updated_at: at })
            .execute();
          summary.failed += 1;
        }
      });
    });
  }
}

/** Runs items through fn, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The dispatch pass as a job of the campaign; queues the next pass at the earliest waiting message. */
export const sendJob = defineJob({
  kind: SEND_JOB,
  params: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
  expireInSeconds: 30 * 60,
  unlisted: true,
  async run(ctx) {
    const summary = await dispatchDue({
      tenant: ctx.tenant,
      campaignId: ctx.campaignId,
      provider: smsProviderOf(ctx.config, ctx.database.db),
      callbackBaseUrl: ctx.config.smsCallbackBaseUrl,
    });
    const next = await ctx.tenant((trx) => nextDueAt(trx, ctx.campaignId));
    if (next) await requestDispatch(ctx.enqueue, ctx.tenant, ctx.campaignId, next);
    return summary;
  },
});

/** How long a message may stay `sending` without the provider's sid before it is taken for lost. */
export const SENDING_LOST_MS = 60 * 60_000;

/**
 * The janitor of messages a dead worker left `sending` without a provider sid (every campaign's):
 * marked `failed` (`interrupted`), never asked for again — the request may have reached the
 * provider, and a person must not get a text twice. A report arriving later still finds it by id.
 */
export function lostSendingJanitorOf(): JobJanitor {
  return async ({ database }) => {
    const cutoff = new Date(Date.now() - SENDING_LOST_MS);
    const result = await database.db
      .updateTable('sms_message')
      .set({
        status: 'failed',
        error_code: 'interrupted',
        error_message: 'The sending process stopped during the request.',
        updated_at: new Date(),
      })
      .where('status', '=', 'sending')
      .where('provider_sid', 'is', null)
      .where('updated_at', '<', cutoff)
      .executeTakeFirst();
    const n = Number(result.numUpdatedRows);
    return n > 0 ? `sms: ${n} messages left sending by a stopped worker marked failed (interrupted)` : null;
  };
}
