// WebSub subscriptions of RSS/Atom watches (adapters/websub.ts speaks the protocol): a poll that
// finds a hub in the feed subscribes (the row committed as pending before the hub is asked, since it
// may verify at once); the callback echoes the hub's challenge only for the pending or renewing
// subscription of that topic; a delivery signed with the subscription's secret goes through the one
// ingest path (matching, de-duplication with polled items, triage); the pass renews leases before
// they end, marks them expired, and unsubscribes when the watch is paused or removed. While a
// subscription is verified the watch is polled only hourly, as a safety net.
import { randomBytes } from 'node:crypto';
import type { TenantRunner, Trx } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { WatchQuery } from './adapters/common.ts';
import { itemsOfFeed } from './adapters/rss.ts';
import { type HubLink, LEASE_SECONDS, requestSubscription, verifyHubSignature } from './adapters/websub.ts';
import { openCredentials, sealCredentials } from './crypto.ts';
import { ingest, type ListeningEnv } from './listening.service.ts';

/** The polling interval of a watch whose WebSub subscription is verified (a safety poll). */
export const SAFETY_POLL_MS = 3600_000;
/** A verification is accepted this long after the request it answers. */
const VERIFY_WINDOW_MS = 24 * 3600_000;
/** A denied or unanswered subscription is asked again after this long. */
const RETRY_AFTER_MS = 24 * 3600_000;
/** Largest delivery read (a feed document). */
export const DELIVERY_MAX_BYTES = 1024 * 1024;
/** Shortest and longest lease accepted from a hub. */
const MIN_LEASE = 60;
const MAX_LEASE = 365 * 24 * 3600;

const aadOf = (campaignId: string, id: string) => `listening_websub:${campaignId}:${id}`;

/** The callback the hub calls: the deployment's public URL, the campaign, an unguessable token. */
export function callbackUrl(publicUrl: string, campaignId: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/api/v1/listening/websub/${campaignId}/${token}`;
}

/** Renew when less than this remains of the lease (at most 2 hours, half of a short lease). */
function renewMarginMs(leaseSeconds: number | null): number {
  return Math.min(2 * 3600_000, ((leaseSeconds ?? LEASE_SECONDS) * 1000) / 2);
}

interface Ask {
  id: string;
  hub: string;
  topic: string;
  token: string;
  secret: string;
  mode: 'subscribe' | 'unsubscribe';
}

/** Sends a subscribe or unsubscribe request; a refusal (or the SSRF guard) is written on the row. */
async function send(tenant: TenantRunner, env: ListeningEnv, campaignId: string, ask: Ask): Promise<void> {
  try {
    await requestSubscription(
      ask.hub,
      {
        mode: ask.mode,
        topic: ask.topic,
        callback: callbackUrl(env.publicUrl ?? '', campaignId, ask.token),
        secret: ask.secret,
        leaseSeconds: LEASE_SECONDS,
      },
      env.allowNetworks,
    );
  } catch (error) {
    const message = ((error as Error).message || 'failed').slice(0, 500);
    await tenant((trx) =>
      ask.mode === 'subscribe'
        ? trx
            .updateTable('listening_websub')
            .set({ state: 'denied', denied_reason: null, last_error: message })
            .where('id', '=', ask.id)
            .where('state', '=', 'pending')
            .execute()
        : trx.updateTable('listening_websub').set({ last_error: message }).where('id', '=', ask.id).execute(),
    );
  }
}

function secretOf(env: ListeningEnv, campaignId: string, row: { id: string; secret: Buffer }): string | null {
  try {
    return openCredentials(env.secretKey, aadOf(campaignId, row.id), row.secret).token ?? null;
  } catch {
    return null;
  }
}

/**
 * After a successful poll of an RSS watch: subscribes when its feed names a hub and no subscription
 * holds (or the hub or topic changed, or the last one expired, or was denied a day ago); keeps the
 * safety interval while verified. `hub` undefined (a 304) changes nothing.
 */
export async function websubAfterPoll(
  tenant: TenantRunner,
  env: ListeningEnv,
  campaignId: string,
  watchId: string,
  hub: HubLink | null | undefined,
  now = new Date(),
): Promise<void> {
  if (!hub || !env.secretKey || !env.publicUrl) return;
  const ask = await tenant(async (trx): Promise<Ask | null> => {
    const row = await trx.selectFrom('listening_websub').selectAll().where('watch_id', '=', watchId).forUpdate().executeTakeFirst();
    const same = row && row.hub_url === hub.hub && row.topic_url === hub.topic;
    if (row && same) {
      if (row.state === 'verified') {
        await trx
          .updateTable('listening_watch')
          .set({ next_poll_at: new Date(now.getTime() + SAFETY_POLL_MS) })
          .where('id', '=', watchId)
          .execute();
        return null;
      }
      if ((row.state === 'pending' || row.state === 'denied') && now.getTime() - row.requested_at.getTime() < RETRY_AFTER_MS) return null;
    }
    const secret = randomBytes(32).toString('base64url');
    // The callback stays the subscription's (a renewal or a new hub); the secret is new each time.
    const token = row?.callback_token ?? randomBytes(32).toString('base64url');
    const id = row?.id ?? uuidv7();
    const sealed = sealCredentials(env.secretKey, aadOf(campaignId, id), { token: secret });
    const values = {
      hub_url: hub.hub,
      topic_url: hub.topic,
      callback_token: token,
      secret: sealed,
      state: 'pending' as const,
      requested_at: now,
      lease_seconds: null,
      expires_at: null,
      denied_reason: null,
      last_error: null,
    };
    if (row) await trx.updateTable('listening_websub').set(values).where('id', '=', id).execute();
    else
      await trx
        .insertInto('listening_websub')
        .values({ campaign_id: campaignId, id, watch_id: watchId, ...values })
        .execute();
    return { id, hub: hub.hub, topic: hub.topic, token, secret, mode: 'subscribe' };
  });
  if (ask) await send(tenant, env, campaignId, ask);
}

/**
 * The pass's upkeep of subscriptions: renews the leases about to end, marks the ended ones expired
 * (their watch is polled at once, and the poll subscribes again), unsubscribes those whose watch was
 * paused or removed, and forgets unsubscriptions the hub never confirmed after a day.
 */
export async function websubMaintenance(tenant: TenantRunner, env: ListeningEnv, campaignId: string, now = new Date()) {
  const asks = await tenant(async (trx) => {
    const rows = await trx
      .selectFrom('listening_websub as s')
      .leftJoin('listening_watch as w', 'w.id', 's.watch_id')
      .select(['s.id', 's.watch_id', 's.hub_url', 's.topic_url', 's.callback_token', 's.secret', 's.state'])
      .select(['s.expires_at', 's.lease_seconds', 's.requested_at', 'w.active'])
      .forUpdate('s')
      .execute();
    const out: Ask[] = [];
    for (const row of rows) {
      const live = row.watch_id !== null && row.active === true;
      const secret = secretOf(env, campaignId, row);
      if (!live) {
        const stale = row.state === 'unsubscribing' && now.getTime() - row.requested_at.getTime() > VERIFY_WINDOW_MS;
        if (row.state === 'denied' || row.state === 'expired' || stale || !secret) {
          await trx.deleteFrom('listening_websub').where('id', '=', row.id).execute();
        } else if (row.state !== 'unsubscribing') {
          await trx.updateTable('listening_websub').set({ state: 'unsubscribing', requested_at: now }).where('id', '=', row.id).execute();
          out.push({ id: row.id, hub: row.hub_url, topic: row.topic_url, token: row.callback_token, secret, mode: 'unsubscribe' });
        }
        continue;
      }
      if (row.state !== 'verified' || !row.expires_at) continue;
      if (row.expires_at <= now) {
        await trx.updateTable('listening_websub').set({ state: 'expired' }).where('id', '=', row.id).execute();
        await trx
          .updateTable('listening_watch')
          .set({ next_poll_at: now })
          .where('id', '=', row.watch_id as string)
          .execute();
      } else if (secret && row.expires_at.getTime() - now.getTime() < renewMarginMs(row.lease_seconds)) {
        // Renewal: the subscription stays verified (deliveries keep coming) while the hub re-verifies.
        await trx.updateTable('listening_websub').set({ requested_at: now }).where('id', '=', row.id).execute();
        out.push({ id: row.id, hub: row.hub_url, topic: row.topic_url, token: row.callback_token, secret, mode: 'subscribe' });
      }
    }
    return out;
  });
  for (const ask of asks) await send(tenant, env, campaignId, ask);
  return { asked: asks.length };
}

export interface VerificationQuery {
  'hub.mode'?: string | undefined;
  'hub.topic'?: string | undefined;
  'hub.challenge'?: string | undefined;
  'hub.lease_seconds'?: string | undefined;
  'hub.reason'?: string | undefined;
}

/**
 * The hub's verification of intent (§5.3) or its denial (§5.2): the challenge to echo, '' to answer
 * a denial, null when no request of ours matches (answered 404).
 */
export async function verifyIntent(trx: Trx, token: string, q: VerificationQuery, now = new Date()): Promise<string | null> {
  const row = await trx.selectFrom('listening_websub').selectAll().where('callback_token', '=', token).forUpdate().executeTakeFirst();
  if (!row || q['hub.topic'] !== row.topic_url) return null;
  const recent = now.getTime() - row.requested_at.getTime() < VERIFY_WINDOW_MS;
  const mode = q['hub.mode'];
  if (mode === 'subscribe' && q['hub.challenge'] && recent && (row.state === 'pending' || row.state === 'verified')) {
    const asked = Number(q['hub.lease_seconds']);
    const lease = Number.isFinite(asked) && asked > 0 ? Math.round(Math.min(MAX_LEASE, Math.max(MIN_LEASE, asked))) : LEASE_SECONDS;
    await trx
      .updateTable('listening_websub')
      .set({ state: 'verified', lease_seconds: lease, expires_at: new Date(now.getTime() + lease * 1000), last_error: null })
      .where('id', '=', row.id)
      .execute();
    if (row.watch_id)
      await trx
        .updateTable('listening_watch')
        .set({ next_poll_at: new Date(now.getTime() + SAFETY_POLL_MS) })
        .where('id', '=', row.watch_id)
        .execute();
    return q['hub.challenge'];
  }
  if (mode === 'unsubscribe' && q['hub.challenge'] && row.state === 'unsubscribing') {
    await trx.deleteFrom('listening_websub').where('id', '=', row.id).execute();
    return q['hub.challenge'];
  }
  if (mode === 'denied' && (row.state === 'pending' || row.state === 'verified')) {
    await trx
      .updateTable('listening_websub')
      .set({ state: 'denied', denied_reason: (q['hub.reason'] ?? '').slice(0, 500) || null })
      .where('id', '=', row.id)
      .execute();
    if (row.watch_id) await trx.updateTable('listening_watch').set({ next_poll_at: now }).where('id', '=', row.watch_id).execute();
    return '';
  }
  return null;
}

export type DeliveryOutcome =
  | { outcome: 'unknown' }
  | { outcome: 'dropped'; reason: 'signature_missing' | 'signature_invalid' | 'not_verified' | 'not_a_feed' }
  | { outcome: 'ingested'; caught: number; added: number };

/**
 * A content distribution (§7): ingested only when signed with the subscription's secret and the
 * subscription is verified; otherwise dropped and counted (the caller still answers 2xx, §8).
 */
export async function receiveDelivery(
  trx: Trx,
  env: ListeningEnv,
  campaignId: string,
  token: string,
  signature: string | undefined,
  body: Buffer,
  now = new Date(),
): Promise<DeliveryOutcome> {
  const row = await trx
    .selectFrom('listening_websub as s')
    .leftJoin('listening_watch as w', 'w.id', 's.watch_id')
    .select(['s.id', 's.secret', 's.state', 's.watch_id', 'w.feed_url', 'w.query', 'w.active'])
    .where('s.callback_token', '=', token)
    .executeTakeFirst();
  if (!row) return { outcome: 'unknown' };
  const drop = async (reason: 'signature_missing' | 'signature_invalid' | 'not_verified' | 'not_a_feed'): Promise<DeliveryOutcome> => {
    await trx
      .updateTable('listening_websub')
      .set((eb) => ({ rejected: eb('rejected', '+', 1), last_error: `delivery dropped: ${reason}` }))
      .where('id', '=', row.id)
      .execute();
    return { outcome: 'dropped', reason };
  };
  const secret = secretOf(env, campaignId, row);
  const verdict = secret ? verifyHubSignature(secret, signature, body) : 'invalid';
  if (verdict !== 'valid') return drop(verdict === 'missing' ? 'signature_missing' : 'signature_invalid');
  if (row.state !== 'verified' || !row.watch_id || !row.feed_url || !row.active) return drop('not_verified');
  let items: ReturnType<typeof itemsOfFeed>;
  try {
    items = itemsOfFeed(body.toString('utf8'), row.feed_url, now);
  } catch {
    return drop('not_a_feed');
  }
  const added = await ingest(trx, campaignId, { id: row.watch_id, source: 'rss', query: row.query as WatchQuery }, items);
  await trx
    .updateTable('listening_websub')
    .set((eb) => ({ deliveries: eb('deliveries', '+', 1), last_delivery_at: now }))
    .where('id', '=', row.id)
    .execute();
  return { outcome: 'ingested', caught: items.length, added };
}
