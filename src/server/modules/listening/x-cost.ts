// The month's cost of an X account: X bills per post read (each post a search returns) and per
// post created, at prices that are settings of the account (micro-euros; X's pay-per-use list
// prices by default). Posts read and created are counted per account and UTC month, with what they
// cost at the prices of the moment; the estimate is this month so far, projected to the month's end
// at the pace since the month (or the account) began, and a cap after which its watches pause until
// the next month.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';

/** Defaults (micro-euros): X's list prices, $0.005 per post read and $0.015 per post created, taken at par. */
export const DEFAULT_READ_PRICE = 5_000;
export const DEFAULT_POST_PRICE = 15_000;
/** The fewest posts a recent search asks for (max_results ≥ 10): below that budget, the watches pause. */
export const MIN_POSTS_PER_SEARCH = 10;
const MICROS_PER_CENT = 10_000;
const HOUR_MS = 3_600_000;

/** The month's first day (UTC) as the usage table keys it, and the bounds of that month. */
export function monthOf(now: Date): { key: string; start: Date; end: Date } {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { key: start.toISOString().slice(0, 10), start, end };
}

interface PricedAccount {
  id: string;
  x_read_price: number;
  x_post_price: number;
  x_monthly_cap: number | null;
  created_at: Date;
}

/** Adds posts read and created this month, with their cost at the account's current prices. */
export async function recordXUsage(
  trx: Trx,
  campaignId: string,
  account: PricedAccount,
  counts: { read?: number; created?: number },
  now = new Date(),
): Promise<void> {
  const read = Math.max(0, Math.floor(counts.read ?? 0));
  const created = Math.max(0, Math.floor(counts.created ?? 0));
  if (read + created === 0) return;
  const spent = read * account.x_read_price + created * account.x_post_price;
  await trx
    .insertInto('listening_x_usage')
    .values({ campaign_id: campaignId, account_id: account.id, month: monthOf(now).key, posts_read: read, posts_created: created, spent })
    .onConflict((oc) =>
      oc.columns(['campaign_id', 'account_id', 'month']).doUpdateSet({
        posts_read: sql`listening_x_usage.posts_read + ${read}`,
        posts_created: sql`listening_x_usage.posts_created + ${created}`,
        spent: sql`listening_x_usage.spent + ${spent}`,
      }),
    )
    .execute();
}

export interface XCost {
  month: string;
  price_per_post_read: number;
  price_per_post_created: number;
  monthly_cap: number | null;
  posts_read: number;
  posts_created: number;
  spent: number;
  projected: number;
  state: 'active' | 'capped';
  paused_until: string | null;
}

const euros = (micros: number) => Math.round(micros) / 1_000_000;

/** What an account has read, created and spent this month, and what it will at this pace. */
export function costOf(
  account: PricedAccount,
  usage: { posts_read: number; posts_created: number; spent: number } | undefined,
  now: Date,
): XCost {
  const month = monthOf(now);
  const spent = usage?.spent ?? 0;
  // The pace since the month began, or since the account was connected if later; at least an hour.
  const from = account.created_at > month.start ? account.created_at : month.start;
  const elapsed = Math.max(HOUR_MS, now.getTime() - from.getTime());
  const atPace = spent + (spent / elapsed) * Math.max(0, month.end.getTime() - now.getTime());
  // Under a cap the watches stop there: the projection does not pass it (unless already passed by posts created).
  const cap = account.x_monthly_cap === null ? null : account.x_monthly_cap * MICROS_PER_CENT;
  const projected = cap === null ? atPace : Math.min(atPace, Math.max(cap, spent));
  const capped = remainingPosts(account, spent) !== null && (remainingPosts(account, spent) ?? 0) < MIN_POSTS_PER_SEARCH;
  return {
    month: month.key.slice(0, 7),
    price_per_post_read: euros(account.x_read_price),
    price_per_post_created: euros(account.x_post_price),
    monthly_cap: account.x_monthly_cap === null ? null : account.x_monthly_cap / 100,
    posts_read: usage?.posts_read ?? 0,
    posts_created: usage?.posts_created ?? 0,
    spent: euros(spent),
    projected: euros(projected),
    state: capped ? 'capped' : 'active',
    paused_until: capped ? month.end.toISOString() : null,
  };
}

/** Posts the account may still read this month under its cap (null: no cap, or reading is free). */
export function remainingPosts(account: Pick<PricedAccount, 'x_read_price' | 'x_monthly_cap'>, spent: number): number | null {
  if (account.x_monthly_cap === null || account.x_read_price <= 0) return null;
  return Math.max(0, Math.floor((account.x_monthly_cap * MICROS_PER_CENT - spent) / account.x_read_price));
}

/** This month's usage of the given accounts. */
export async function usageOf(trx: Trx, accountIds: readonly string[], now = new Date()) {
  if (accountIds.length === 0) return new Map<string, { posts_read: number; posts_created: number; spent: number }>();
  const rows = await trx
    .selectFrom('listening_x_usage')
    .select(['account_id', 'posts_read', 'posts_created', 'spent'])
    .where('month', '=', monthOf(now).key)
    .where('account_id', 'in', accountIds)
    .execute();
  return new Map(rows.map((r) => [r.account_id, { posts_read: r.posts_read, posts_created: r.posts_created, spent: Number(r.spent) }]));
}

/** Before an X poll: the posts it may read, or the moment its watches resume when the cap is reached. */
export async function xBudget(trx: Trx, account: PricedAccount, now: Date): Promise<{ maxPosts: number | null; pausedUntil: Date | null }> {
  const usage = (await usageOf(trx, [account.id], now)).get(account.id);
  const left = remainingPosts(account, usage?.spent ?? 0);
  if (left !== null && left < MIN_POSTS_PER_SEARCH) return { maxPosts: 0, pausedUntil: monthOf(now).end };
  return { maxPosts: left, pausedUntil: null };
}
