// Reads of the listening tables, shaped as the API answers them (never the sealed credentials).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { costOf, usageOf } from './x-cost.ts';

export const ACCOUNT_COLUMNS = ['id', 'network', 'kind', 'handle', 'base_url', 'status', 'last_error', 'created_at', 'updated_at'] as const;
const PRICE_COLUMNS = ['x_read_price', 'x_post_price', 'x_monthly_cap'] as const;

/** Accounts as the API shows them: an X account with its month's cost (the prices are columns, never the credentials). */
async function withXCost<
  R extends { id: string; network: string; created_at: Date; x_read_price: number; x_post_price: number; x_monthly_cap: number | null },
>(trx: Trx, rows: R[]) {
  const now = new Date();
  const usage = await usageOf(
    trx,
    rows.filter((r) => r.network === 'x').map((r) => r.id),
    now,
  );
  return rows.map(({ x_read_price, x_post_price, x_monthly_cap, ...row }) => ({
    ...row,
    x_cost: row.network === 'x' ? costOf({ ...row, x_read_price, x_post_price, x_monthly_cap }, usage.get(row.id), now) : null,
  }));
}

export async function listAccounts(trx: Trx) {
  return withXCost(
    trx,
    await trx
      .selectFrom('listening_account')
      .select([...ACCOUNT_COLUMNS, ...PRICE_COLUMNS])
      .orderBy('created_at')
      .execute(),
  );
}

export async function findAccount(trx: Trx, id: string) {
  const row = await trx
    .selectFrom('listening_account')
    .select([...ACCOUNT_COLUMNS, ...PRICE_COLUMNS])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? (await withXCost(trx, [row]))[0] : undefined;
}

const WATCH_COLUMNS = [
  'w.id',
  'w.name',
  'w.source',
  'w.feed_url',
  'w.account_id',
  'w.query',
  'w.active',
  'w.next_poll_at',
  'w.failures',
  'w.last_polled_at',
  'w.last_error',
  'w.created_at',
] as const;

/** A watch's push state as the API shows it (websub.service.ts, stream.job.ts keep it). */
export interface WatchPush {
  websub: {
    state: 'pending' | 'verified' | 'expired' | 'denied' | 'unsubscribing';
    hub_url: string;
    topic_url: string;
    lease_seconds: number | null;
    expires_at: string | null;
    deliveries: number;
    rejected: number;
    last_delivery_at: string | null;
    denied_reason: string | null;
    last_error: string | null;
  } | null;
  stream: {
    state: 'connected' | 'disconnected';
    connected_at: string | null;
    last_event_at: string | null;
    events: number;
    failures: number;
    next_attempt_at: string | null;
    last_error: string | null;
  } | null;
}

function watches(trx: Trx) {
  return trx
    .selectFrom('listening_watch as w')
    .select(WATCH_COLUMNS)
    .select(
      sql<WatchPush>`jsonb_build_object(
        'websub', (SELECT jsonb_build_object('state', s.state, 'hub_url', s.hub_url, 'topic_url', s.topic_url,
            'lease_seconds', s.lease_seconds, 'expires_at', s.expires_at, 'deliveries', s.deliveries, 'rejected', s.rejected,
            'last_delivery_at', s.last_delivery_at, 'denied_reason', s.denied_reason, 'last_error', s.last_error)
          FROM listening_websub s WHERE s.watch_id = w.id),
        'stream', (SELECT jsonb_build_object('state', CASE WHEN st.state = 'connected' AND st.held_until > now() THEN 'connected' ELSE 'disconnected' END,
            'connected_at', st.connected_at, 'last_event_at', st.last_event_at, 'events', st.events, 'failures', st.failures,
            'next_attempt_at', st.next_attempt_at, 'last_error', st.last_error)
          FROM listening_stream st WHERE st.watch_id = w.id))`.as('push'),
    )
    .select((eb) =>
      eb
        .selectFrom('listening_mention as m')
        .whereRef('m.watch_id', '=', 'w.id')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('mention_count'),
    );
}

export async function listWatches(trx: Trx) {
  const rows = await watches(trx).orderBy('w.created_at').execute();
  return rows.map((r) => ({ ...r, mention_count: Number(r.mention_count ?? 0) }));
}

export async function findWatch(trx: Trx, id: string) {
  const row = await watches(trx).where('w.id', '=', id).executeTakeFirst();
  return row ? { ...row, mention_count: Number(row.mention_count ?? 0) } : undefined;
}

export const MENTION_COLUMNS = [
  'm.id',
  'm.watch_id',
  'm.source',
  'm.external_id',
  'm.thread_key',
  'm.in_reply_to',
  'm.url',
  'm.author_handle',
  'm.author_name',
  'm.author_reach',
  'm.text',
  'm.lang',
  'm.published_at',
  'm.sentiment',
  'm.urgency',
  'm.arrondissement',
  'm.theme',
  'm.status',
  'm.assigned_to',
  'm.tags',
  'm.handled_at',
  'm.person_id',
  'm.created_at',
] as const;

export interface MentionFilter {
  status?: 'new' | 'handled' | undefined;
  sentiment?: 'positive' | 'neutral' | 'negative' | undefined;
  urgency?: 'low' | 'normal' | 'high' | undefined;
  theme?: string | undefined;
  arrondissement?: number | undefined;
  assignedTo?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
}

function filtered(trx: Trx, f: MentionFilter) {
  let query = trx.selectFrom('listening_mention as m');
  if (f.status) query = query.where('m.status', '=', f.status);
  if (f.sentiment) query = query.where('m.sentiment', '=', f.sentiment);
  if (f.urgency) query = query.where('m.urgency', '=', f.urgency);
  if (f.theme) query = query.where('m.theme', '=', f.theme);
  if (f.arrondissement) query = query.where('m.arrondissement', '=', f.arrondissement);
  if (f.assignedTo) query = query.where('m.assigned_to', '=', f.assignedTo);
  if (f.tag) query = query.where(sql<boolean>`${f.tag} = ANY(m.tags)`);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('m.text', 'ilike', like), eb('m.author_handle', 'ilike', like)]));
  }
  return query;
}

/**
 * The inbox counts this many mentions at most: an exact count read every new mention (a sequential
 * scan, 70–120 ms for 40,000 under load, measured by bench/listening.ts), and past a thousand the
 * screen says "more than" and the filters narrow it down.
 */
export const MENTION_COUNT_CAP = 1000;

/** A page of the inbox: the most urgent first in crisis mode, else the newest first; its count capped. */
export async function listMentions(trx: Trx, f: MentionFilter, page: { offset: number; limit: number }, crisis: boolean) {
  let query = filtered(trx, f)
    .leftJoin('staff_user as u', 'u.id', 'm.assigned_to')
    .select(MENTION_COLUMNS)
    .select(['u.display_name as assigned_to_name'])
    .select((eb) =>
      eb
        .selectFrom('listening_mention as t')
        .whereRef('t.thread_key', '=', 'm.thread_key')
        .select((e) => e.fn.countAll<string>().as('n'))
        .as('thread_size'),
    );
  if (crisis) query = query.orderBy(sql`CASE m.urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END`);
  const rows = await query.orderBy('m.published_at', 'desc').orderBy('m.id', 'desc').offset(page.offset).limit(page.limit).execute();
  const counted = await trx
    .selectFrom(
      filtered(trx, f)
        .select(sql<number>`1`.as('one'))
        .limit(MENTION_COUNT_CAP + 1)
        .as('c'),
    )
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(counted.n);
  return {
    rows: rows.map((r) => ({ ...r, thread_size: Number(r.thread_size ?? 1) })),
    total: n > MENTION_COUNT_CAP ? Math.max(MENTION_COUNT_CAP, page.offset + rows.length) : n,
    totalIsLowerBound: n > MENTION_COUNT_CAP,
  };
}

export async function findMention(trx: Trx, id: string) {
  const row = await trx
    .selectFrom('listening_mention as m')
    .leftJoin('staff_user as u', 'u.id', 'm.assigned_to')
    .select(MENTION_COLUMNS)
    .select(['u.display_name as assigned_to_name', 'm.reply_ref'])
    .where('m.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, thread_size: 1 } : undefined;
}

export function threadOf(trx: Trx, threadKey: string) {
  return trx
    .selectFrom('listening_mention as m')
    .leftJoin('staff_user as u', 'u.id', 'm.assigned_to')
    .select(MENTION_COLUMNS)
    .select(['u.display_name as assigned_to_name'])
    .where('m.thread_key', '=', threadKey)
    .orderBy('m.published_at')
    .limit(100)
    .execute();
}

export function listKeyMessages(trx: Trx, theme?: string) {
  let q = trx.selectFrom('listening_key_message').selectAll().orderBy('theme').orderBy('title');
  if (theme) q = q.where('theme', '=', theme);
  return q.execute();
}

export function findKeyMessage(trx: Trx, id: string) {
  return trx.selectFrom('listening_key_message').selectAll().where('id', '=', id).executeTakeFirst();
}

const DRAFT_COLUMNS = [
  'd.id',
  'd.account_id',
  'd.mention_id',
  'd.key_message_id',
  'd.text',
  'd.status',
  'd.scheduled_at',
  'd.approved_by',
  'd.approved_at',
  'd.refused_reason',
  'd.external_id',
  'd.external_url',
  'd.published_at',
  'd.last_error',
  'd.created_by',
  'd.created_at',
  'd.updated_at',
] as const;

function drafts(trx: Trx) {
  return trx
    .selectFrom('listening_draft as d')
    .innerJoin('listening_account as a', 'a.id', 'd.account_id')
    .leftJoin('staff_user as c', 'c.id', 'd.created_by')
    .leftJoin('listening_mention as m', 'm.id', 'd.mention_id')
    .select(DRAFT_COLUMNS)
    .select([
      'a.handle as account_handle',
      'a.network as account_network',
      'a.kind as account_kind',
      'c.display_name as created_by_name',
      'm.text as mention_text',
      'm.author_handle as mention_author',
    ]);
}

export function listDrafts(trx: Trx, status?: string, mentionId?: string) {
  let q = drafts(trx);
  if (status) q = q.where('d.status', '=', status as 'pending_approval');
  if (mentionId) q = q.where('d.mention_id', '=', mentionId);
  return q.orderBy('d.created_at', 'desc').limit(500).execute();
}

export function findDraft(trx: Trx, id: string) {
  return drafts(trx).where('d.id', '=', id).executeTakeFirst();
}
