// Plain queries of webhook subscriptions and deliveries (in the caller's tenant transaction).
import { type Selectable, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from '../../db/schema.ts';

export type SubscriptionRow = Selectable<WebhookSubscriptionTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

const SUBSCRIPTION_COLUMNS = [
  'id',
  'name',
  'url',
  'event_types',
  'active',
  'disabled_reason',
  'disabled_at',
  'consecutive_failures',
  'failing_since',
  'last_error',
  'created_by_label',
  'created_at',
  'updated_at',
] as const;

/** The campaign's subscriptions (never their secrets), oldest first. */
export function listSubscriptions(trx: Trx) {
  return trx.selectFrom('webhook_subscription').select(SUBSCRIPTION_COLUMNS).orderBy('created_at').orderBy('id').execute();
}

/** One subscription (without its secret). */
export function findSubscription(trx: Trx, id: string) {
  return trx.selectFrom('webhook_subscription').select(SUBSCRIPTION_COLUMNS).where('id', '=', id).executeTakeFirst();
}

const DELIVERY_COLUMNS = [
  'id',
  'subscription_id',
  'event_id',
  'event_type',
  'idempotency_key',
  'state',
  'attempts',
  'manual',
  'next_attempt_at',
  'last_attempt_at',
  'response_status',
  'duration_ms',
  'error',
  'created_at',
  'delivered_at',
] as const;

/** A page of a subscription's delivery log, newest first, with the total. */
export async function listDeliveries(trx: Trx, q: { subscriptionId: string; page: number; perPage: number; state?: string | undefined }) {
  let base = trx.selectFrom('webhook_delivery').where('subscription_id', '=', q.subscriptionId);
  if (q.state) base = base.where('state', '=', q.state as DeliveryRow['state']);
  const [rows, total] = await Promise.all([
    base
      .select(DELIVERY_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** One delivery with its body. */
export function findDelivery(trx: Trx, subscriptionId: string, id: string) {
  return trx
    .selectFrom('webhook_delivery')
    .select([...DELIVERY_COLUMNS, 'body'])
    .where('subscription_id', '=', subscriptionId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface ClaimedDelivery {
  id: string;
  subscription_id: string;
  event_type: string;
  idempotency_key: string;
  body: unknown[];
  attempts: number;
  manual: boolean;
  retry_until: Date;
  url: string;
  secret: string;
}

/**
 * Takes up to `limit` deliveries due at `now` for this worker until `claimedUntil` (another worker
 * skips them; if this one dies they are due again then). Only active endpoints', except what the
 * back office asked for by hand.
 */
export async function claimDue(trx: Trx, options: { now: Date; claimedUntil: Date; limit: number }): Promise<ClaimedDelivery[]> {
  const { rows } = await sql<ClaimedDelivery>`
    with due as (
      select d.campaign_id, d.id from webhook_delivery d
      join webhook_subscription s on s.campaign_id = d.campaign_id and s.id = d.subscription_id
      where d.state = 'pending' and d.next_attempt_at <= ${options.now}
        and (d.claimed_until is null or d.claimed_until <= ${options.now})
        and (s.active or d.manual)
      order by d.next_attempt_at, d.id
      limit ${options.limit}
      for update of d skip locked
    )
    update webhook_delivery d set claimed_until = ${options.claimedUntil}
    from due, webhook_subscription s
    where d.campaign_id = due.campaign_id and d.id = due.id and s.campaign_id = d.campaign_id and s.id = d.subscription_id
    returning d.id, d.subscription_id, d.event_type, d.idempotency_key, d.body, d.attempts, d.manual, d.retry_until, s.url, s.secret`.execute(
    trx,
  );
  return rows;
}

/** The earliest next attempt of a pending delivery to an endpoint that may receive it, or null. */
export async function nextDueAt(trx: Trx): Promise<Date | null> {
  const row = await trx
    .selectFrom('webhook_delivery as d')
    .innerJoin('webhook_subscription as s', (j) => j.onRef('s.campaign_id', '=', 'd.campaign_id').onRef('s.id', '=', 'd.subscription_id'))
    .select((eb) => eb.fn.min('d.next_attempt_at').as('at'))
    .where('d.state', '=', 'pending')
    .where((eb) => eb.or([eb('s.active', '=', true), eb('d.manual', '=', true)]))
    .executeTakeFirst();
  return row?.at ? new Date(row.at as Date | string) : null;
}
