// Deliveries: after commit, the event subscriber writes one delivery row per matching subscription
// and asks for a delivery pass (the `webhooks.deliver` job); a pass sends every due delivery,
// signed, records the answer, schedules the retries (backoff.ts) and disables an endpoint that has
// failed for a day. The rows are the state: a restart loses nothing, and a crashed worker's claims
// lapse after CLAIM_MS.
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import { type Db, type TenantRunner, type Trx, withTenant } from '../../db/database.ts';
// event-types.ts itself, not events/index.ts: the events' subscriber list imports this module back.
import { type AnyDomainEvent, type DomainEventType, WEBHOOK_EVENTS } from '../../events/event-types.ts';
import type { EventSubscriber } from '../../events/index.ts';
import { defineJob, type EnqueueOptions, type JobJanitor } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createMailer } from '../../mail/mailer.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { nextAttemptAt, RETRY_WINDOW_MS, shouldDisable } from './backoff.ts';
import { eventBody } from './payload.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';
import { allowListOf, checkTarget, postTo, TargetRefused } from './ssrf.ts';
import { type ClaimedDelivery, claimDue, nextDueAt } from './webhooks.repo.ts';

export const DELIVER_JOB = 'webhooks.deliver';
/** How long a worker holds the deliveries it is sending. */
const CLAIM_MS = 2 * 60_000;
/** Deliveries taken per round, and sent at once. */
const CLAIM_BATCH = 20;
const CONCURRENCY = 4;
/** A queued pass that has not started this long after its time is taken for lost (a crashed queue). */
const LOST_PASS_MS = 15 * 60_000;

/** The event types webhooks may subscribe to (those events/event-types.ts offers). */
export function webhookEventTypes(): DomainEventType[] {
  return (Object.keys(WEBHOOK_EVENTS) as DomainEventType[]).filter((t) => WEBHOOK_EVENTS[t] !== null);
}

/** The API base of links in deliveries. */
export function apiBaseOf(config: Pick<Config, 'publicUrl'> | null): string {
  return `${config?.publicUrl ?? ''}/api/v1`;
}

type Enqueue = (options: EnqueueOptions) => Promise<string>;

/**
 * Makes sure a delivery pass of the campaign will run at `at` (now by default): queues one unless
 * a queued one will run by then. Several processes may both queue one: a pass finding nothing is cheap.
 */
export async function requestPass(enqueue: Enqueue, tenant: TenantRunner, campaignId: string, at?: Date): Promise<void> {
  const now = new Date();
  const when = at && at > now ? at : now;
  const iso = when.toISOString();
  const lostBefore = new Date(now.getTime() - LOST_PASS_MS).toISOString();
  const queued = await tenant((trx) =>
    trx
      .selectFrom('job_run')
      .select('id')
      .where('kind', '=', DELIVER_JOB)
      .where('state', '=', 'queued')
      .where(
        sql<boolean>`coalesce(params->>'at', to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) between ${lostBefore} and ${iso}`,
      )
      .limit(1)
      .executeTakeFirst(),
  );
  if (queued) return;
  await enqueue({
    campaignId,
    kind: DELIVER_JOB,
    params: when > now ? { at: iso } : {},
    ...(when > now ? { startAfter: when } : {}),
  });
}

/** The after-commit subscriber: a delivery row per active subscription wanting the event, then a pass. */
export const webhooksSubscriber: EventSubscriber = {
  name: 'webhooks',
  get types() {
    return webhookEventTypes();
  },
  // One query per batch of events: which have an active subscription in their campaign.
  async select(events, { db }) {
    const campaigns = [...new Set(events.map((e) => e.campaignId))];
    const wanted = await db
      .selectFrom('webhook_subscription')
      .select(['campaign_id', sql<string>`unnest(event_types)`.as('type')])
      .where('campaign_id', 'in', campaigns)
      .where('active', '=', true)
      .execute();
    const keys = new Set(wanted.map((w) => `${w.campaign_id} ${w.type}`));
    return new Set(events.filter((e) => keys.has(`${e.campaignId} ${e.type}`)).map((e) => e.id));
  },
  async handle(event, { db, jobs, config }) {
    const spec = WEBHOOK_EVENTS[event.type];
    if (!spec) return;
    // Outside the tenant first, naming the campaign: most events of most campaigns have no subscriber.
    const subscriptions = await db
      .selectFrom('webhook_subscription')
      .select('id')
      .where('campaign_id', '=', event.campaignId)
      .where('active', '=', true)
      .where(sql<boolean>`${event.type} = any(event_types)`)
      .execute();
    if (subscriptions.length === 0) return;
    const inserted = await withTenant(db, event.campaignId, (trx) => createEventDeliveries(trx, event, subscriptions, apiBaseOf(config)));
    if (inserted > 0 && jobs)
      await requestPass(
        (o) => jobs.enqueue(o),
        (fn) => withTenant(db, event.campaignId, fn),
        event.campaignId,
      );
  },
};

/** Writes the deliveries of one event (once: a second handling of the same event adds none); returns how many. */
async function createEventDeliveries(
  trx: Trx,
  event: AnyDomainEvent,
  subscriptions: readonly { id: string }[],
  apiBase: string,
): Promise<number> {
  const spec = WEBHOOK_EVENTS[event.type];
  if (!spec) return 0;
  const body = JSON.stringify(await eventBody(trx, event, spec, apiBase));
  const now = new Date();
  const result = await trx
    .insertInto('webhook_delivery')
    .values(
      subscriptions.map((s) => ({
        campaign_id: event.campaignId,
        id: uuidv7(),
        subscription_id: s.id,
        event_id: event.id,
        event_type: event.type,
        idempotency_key: event.id,
        body,
        next_attempt_at: now,
        retry_until: new Date(event.at.getTime() + RETRY_WINDOW_MS),
      })),
    )
    .onConflict((oc) => oc.columns(['campaign_id', 'subscription_id', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** What one attempt gave. */
export interface AttemptOutcome {
  ok: boolean;
  status: number | null;
  durationMs: number | null;
  error: string | null;
}

/** Sends one delivery: resolves and checks the target, signs, POSTs. Never throws. */
export async function attemptDelivery(
  delivery: Pick<ClaimedDelivery, 'id' | 'url' | 'secret' | 'body' | 'event_type' | 'idempotency_key'>,
  options: { allowNetworks: readonly string[]; now: Date },
): Promise<AttemptOutcome> {
  const body = JSON.stringify(delivery.body);
  try {
    const target = await checkTarget(delivery.url, { allow: allowListOf(options.allowNetworks) });
    const result = await postTo(target, {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Relais-Webhooks/1',
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(delivery.secret, body, options.now),
        'relais-delivery': delivery.id,
        'relais-event': delivery.event_type,
        'idempotency-key': delivery.idempotency_key,
      },
    });
    const ok = result.status >= 200 && result.status < 300;
    return {
      ok,
      status: result.status,
      durationMs: result.durationMs,
      error: ok ? null : `HTTP ${result.status}${result.bodyStart ? `: ${result.bodyStart.slice(0, 200)}` : ''}`,
    };
  } catch (error) {
    const message = error instanceof TargetRefused ? error.message : `${(error as Error).message}`;
    return { ok: false, status: null, durationMs: null, error: message.slice(0, 1000) };
  }
}

/** An endpoint the pass disabled (for the notice). */
export interface DisabledEndpoint {
  id: string;
  url: string;
  name: string;
  lastError: string | null;
}

/** Records an attempt's outcome; returns the endpoint when this failure disabled it. */
async function recordOutcome(
  tenant: TenantRunner,
  delivery: ClaimedDelivery,
  outcome: AttemptOutcome,
  now: Date,
): Promise<DisabledEndpoint | null> {
  return tenant(async (trx) => {
    const attempts = delivery.attempts + 1;
    const next = outcome.ok ? null : nextAttemptAt(attempts, now, new Date(delivery.retry_until));
    await trx
      .updateTable('webhook_delivery')
      .set({
        attempts,
        state: outcome.ok ? 'succeeded' : next ? 'pending' : 'failed',
        next_attempt_at: next,
        claimed_until: null,
        last_attempt_at: now,
        response_status: outcome.status,
        duration_ms: outcome.durationMs,
        error: outcome.error,
        ...(outcome.ok ? { delivered_at: now } : {}),
      })
      .where('id', '=', delivery.id)
      .execute();
    // What the back office asked for by hand says nothing of the endpoint's health.
    if (delivery.manual) return null;
    if (outcome.ok) {
      await trx
        .updateTable('webhook_subscription')
        .set({ consecutive_failures: 0, failing_since: null, last_error: null })
        .where('id', '=', delivery.subscription_id)
        .where('consecutive_failures', '>', 0)
        .execute();
      return null;
    }
    const sub = await trx
      .updateTable('webhook_subscription')
      .set((eb) => ({
        consecutive_failures: eb('consecutive_failures', '+', 1),
        failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
        last_error: outcome.error,
      }))
      .where('id', '=', delivery.subscription_id)
      .where('active', '=', true)
      .returning(['id', 'url', 'name', 'consecutive_failures', 'failing_since', 'campaign_id'])
      .executeTakeFirst();
    if (!sub || !shouldDisable(sub.consecutive_failures, sub.failing_since ? new Date(sub.failing_since) : null, now)) return null;
    await trx
      .updateTable('webhook_subscription')
      .set({ active: false, disabled_reason: 'failing', disabled_at: now, updated_at: now })
      .where('id', '=', sub.id)
      .execute();
    // Its pending deliveries are given up (each can be replayed from the log once it works again).
    await trx
      .updateTable('webhook_delivery')
      .set({ state: 'failed', next_attempt_at: null, error: 'Point de réception désactivé après des échecs répétés.' })
      .where('subscription_id', '=', sub.id)
      .where('state', '=', 'pending')
      .where('manual', '=', false)
      .where('id', '!=', delivery.id)
      .execute();
    await insertAuditEvents(trx, [
      {
        campaignId: sub.campaign_id,
        action: 'webhook.disabled',
        actorLabel: 'Relais',
        targetType: 'webhook',
        targetId: sub.id,
        details: { url: sub.url, consecutive_failures: sub.consecutive_failures, last_error: outcome.error },
      },
    ]);
    return { id: sub.id, url: sub.url, name: sub.name, lastError: outcome.error };
  });
}

/** Runs items through fn, at most `limit` at a time. */
async function inPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export interface PassSummary {
  sent: number;
  succeeded: number;
  failed: number;
  disabled: DisabledEndpoint[];
}

/**
 * One delivery pass of a campaign: sends everything due at `now()` (read again each round), until
 * nothing is due. `now` is the clock (tests move it to walk the retry schedule).
 */
export async function deliverDue(options: {
  tenant: TenantRunner;
  allowNetworks: readonly string[];
  now?: () => Date;
}): Promise<PassSummary> {
  const clock = options.now ?? (() => new Date());
  const summary: PassSummary = { sent: 0, succeeded: 0, failed: 0, disabled: [] };
  for (;;) {
    const now = clock();
    const claimed = await options.tenant((trx) =>
      claimDue(trx, { now, claimedUntil: new Date(now.getTime() + CLAIM_MS), limit: CLAIM_BATCH }),
    );
    if (claimed.length === 0) return summary;
    await inPool(claimed, CONCURRENCY, async (delivery) => {
      const outcome = await attemptDelivery(delivery, { allowNetworks: options.allowNetworks, now });
      const disabled = await recordOutcome(options.tenant, delivery, outcome, now);
      summary.sent += 1;
      if (outcome.ok) summary.succeeded += 1;
      else summary.failed += 1;
      if (disabled) summary.disabled.push(disabled);
    });
  }
}

/** Mails the campaign's owners and admins that an endpoint was disabled (the back office shows it too). */
async function noticeDisabled(config: Config, db: Db, tenant: TenantRunner, campaignId: string, endpoints: readonly DisabledEndpoint[]) {
  if (endpoints.length === 0) return;
  const admins = await tenant((trx) =>
    trx
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.locale'])
      .where('m.campaign_id', '=', campaignId)
      .where('m.role', 'in', ['owner', 'admin'])
      .where('u.disabled_at', 'is', null)
      .execute(),
  );
  const mailer = createMailer(config, db);
  try {
    for (const admin of admins) {
      const lines = endpoints.map((e) => `- ${e.name ? `${e.name} — ` : ''}${e.url}\n  ${e.lastError ?? ''}`).join('\n');
      const fr = admin.locale !== 'en';
      await mailer.send({
        campaignId,
        to: admin.email,
        subject: fr ? 'Relais : un webhook a été désactivé' : 'Relais: a webhook was disabled',
        text: fr
          ? `Ces points de réception ont échoué pendant une journée (ou trop de fois de suite) et ont été désactivés :\n\n${lines}\n\nRéactivez-les depuis Paramètres › Webhooks une fois corrigés ; les envois manqués peuvent être rejoués depuis le journal.\n`
          : `These endpoints failed for a day (or too many times in a row) and were disabled:\n\n${lines}\n\nRe-enable them from Settings › Webhooks once fixed; missed deliveries can be replayed from the log.\n`,
      });
    }
  } finally {
    await mailer.close();
  }
}

/** The delivery pass as a job of the campaign; queues the next pass when retries are waiting. */
export const deliverJob = defineJob({
  kind: DELIVER_JOB,
  params: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
  expireInSeconds: 15 * 60,
  // Passes are many and short, and each delivery is in the webhook's own log: not on the jobs screen.
  unlisted: true,
  async run(ctx) {
    const summary = await deliverDue({ tenant: ctx.tenant, allowNetworks: ctx.config.webhookAllowNetworks });
    await noticeDisabled(ctx.config, ctx.database.db, ctx.tenant, ctx.campaignId, summary.disabled);
    const next = await ctx.tenant((trx) => nextDueAt(trx));
    if (next) await requestPass(ctx.enqueue, ctx.tenant, ctx.campaignId, next);
    return { sent: summary.sent, succeeded: summary.succeeded, failed: summary.failed, disabled: summary.disabled.map((d) => d.id) };
  },
});

/** Days a finished delivery (its body holds personal data) stays in the log. */
export const DELIVERY_LOG_RETENTION_DAYS = 30;

/** The janitor that deletes finished deliveries past the log's retention, every campaign's (a worker's clean-up). */
export function deliveryLogJanitorOf(): JobJanitor {
  return async ({ database }) => {
    const cutoff = new Date(Date.now() - DELIVERY_LOG_RETENTION_DAYS * 24 * 60 * 60 * 1000);
    const result = await database.db
      .deleteFrom('webhook_delivery')
      .where('state', '!=', 'pending')
      .where('created_at', '<', cutoff)
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    return n > 0 ? `webhooks: deleted ${n} deliveries older than ${DELIVERY_LOG_RETENTION_DAYS} days from the log` : null;
  };
}
