// Use cases of webhook subscriptions: create (the secret shown once), change, turn on and off,
// delete, send a test, replay a delivery. Each runs in the caller's tenant transaction.
import type { Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { webhookEventTypes } from './delivery.ts';
import { TEST_EVENT_TYPE, testBody } from './payload.ts';
import { newWebhookSecret } from './signature.ts';
import { allowListOf, checkTarget, TargetRefused } from './ssrf.ts';
import { findDelivery, findSubscription } from './webhooks.repo.ts';

/** Who acts, as the audit log records it. */
export interface WebhookActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
}

/**
 * Refuses a URL webhooks may not reach: not http(s), with credentials, or naming or resolving to
 * a private address. A name that does not resolve (yet) is accepted: its deliveries will say so.
 */
export async function assertTargetAllowed(url: string, allowNetworks: readonly string[]): Promise<void> {
  try {
    await checkTarget(url, { allow: allowListOf(allowNetworks) });
  } catch (error) {
    if (!(error instanceof TargetRefused) || error.reason === 'unresolvable') return;
    throw new AppError('WEBHOOK_URL_FORBIDDEN', error.message, {
      reason: error.reason,
      errors: [{ pointer: '/url', message: error.message }],
    });
  }
}

/** Refuses event types outside the catalogue; returns them without repeats, in the catalogue's order. */
export function checkEventTypes(types: readonly string[]): string[] {
  const known = webhookEventTypes() as string[];
  const unknown = types.map((t, i) => ({ t, i })).filter(({ t }) => !known.includes(t));
  if (unknown.length > 0)
    throw new AppError('WEBHOOK_EVENT_TYPE_UNKNOWN', `Unknown event type: ${unknown.map((u) => u.t).join(', ')}.`, {
      known,
      errors: unknown.map((u) => ({ pointer: `/event_types/${u.i}`, message: `unknown event type "${u.t}"` })),
    });
  return known.filter((t) => types.includes(t));
}

function audit(trx: Trx, actor: WebhookActor, action: string, targetId: string, details: Record<string, unknown> = {}) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'webhook',
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

/** Creates a subscription; the answer carries its secret, never shown again. */
export async function createSubscription(
  trx: Trx,
  actor: WebhookActor,
  input: { url: string; eventTypes: string[]; name: string },
): Promise<{ id: string; secret: string }> {
  const id = uuidv7();
  const secret = newWebhookSecret();
  await trx
    .insertInto('webhook_subscription')
    .values({
      campaign_id: actor.campaignId,
      id,
      name: input.name,
      url: input.url,
      event_types: input.eventTypes,
      secret,
      created_by_label: actor.label,
    })
    .execute();
  await audit(trx, actor, 'webhook.created', id, { url: input.url, event_types: input.eventTypes });
  return { id, secret };
}

/** Changes a subscription; `active: true` re-enables it and forgets its run of failures. */
export async function updateSubscription(
  trx: Trx,
  actor: WebhookActor,
  id: string,
  input: { url?: string | undefined; eventTypes?: string[] | undefined; name?: string | undefined; active?: boolean | undefined },
): Promise<void> {
  const current = await findSubscription(trx, id);
  if (!current) throw notFound('webhook');
  const now = new Date();
  const switching = input.active !== undefined && input.active !== current.active;
  await trx
    .updateTable('webhook_subscription')
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.eventTypes !== undefined ? { event_types: input.eventTypes } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(switching && input.active
        ? { active: true, disabled_reason: null, disabled_at: null, consecutive_failures: 0, failing_since: null, last_error: null }
        : {}),
      ...(switching && !input.active ? { active: false, disabled_reason: 'manual' as const, disabled_at: now } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  const action = switching ? (input.active ? 'webhook.enabled' : 'webhook.disabled') : 'webhook.updated';
  await audit(trx, actor, action, id, {
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.eventTypes !== undefined ? { event_types: input.eventTypes } : {}),
  });
}

/** Deletes a subscription and its log. */
export async function deleteSubscription(trx: Trx, actor: WebhookActor, id: string): Promise<void> {
  const deleted = await trx.deleteFrom('webhook_subscription').where('id', '=', id).returning(['url']).executeTakeFirst();
  if (!deleted) throw notFound('webhook');
  await audit(trx, actor, 'webhook.deleted', id, { url: deleted.url });
}

/** Queues a test delivery (one attempt, also to a disabled endpoint); returns its id. */
export async function queueTest(trx: Trx, actor: WebhookActor, subscriptionId: string): Promise<string> {
  if (!(await findSubscription(trx, subscriptionId))) throw notFound('webhook');
  const id = uuidv7();
  const now = new Date();
  await trx
    .insertInto('webhook_delivery')
    .values({
      campaign_id: actor.campaignId,
      id,
      subscription_id: subscriptionId,
      event_id: null,
      event_type: TEST_EVENT_TYPE,
      idempotency_key: id,
      body: JSON.stringify(testBody(id, now)),
      next_attempt_at: now,
      retry_until: now,
      manual: true,
    })
    .execute();
  return id;
}

/**
 * Sends a finished delivery again, now, with its body and idempotency key (one attempt; a receiver
 * that had handled it recognises the key).
 */
export async function replayDelivery(trx: Trx, actor: WebhookActor, subscriptionId: string, deliveryId: string): Promise<void> {
  const delivery = await findDelivery(trx, subscriptionId, deliveryId);
  if (!delivery) throw notFound('delivery');
  if (delivery.state === 'pending')
    throw new AppError('WEBHOOK_DELIVERY_PENDING', 'This delivery is still being tried; it cannot be replayed yet.');
  const now = new Date();
  await trx
    .updateTable('webhook_delivery')
    .set({ state: 'pending', next_attempt_at: now, retry_until: now, manual: true, claimed_until: null })
    .where('id', '=', deliveryId)
    .execute();
  await audit(trx, actor, 'webhook.replayed', subscriptionId, { delivery_id: deliveryId, event_type: delivery.event_type });
}
