// What every source adapter shares: the shape of a caught item, of a poll's outcome, and the
// reading of rate-limit headers into the moment the watch may ask again.
import type { Credentials } from '../crypto.ts';
import type { FetchAnswer } from '../fetch.ts';

export interface WatchQuery {
  phrases: string[];
  words: string[];
  exclude: string[];
  hashtags: string[];
  mentions: string[];
  language: string | null;
}

/** An item as a source gives it, before matching and triage. */
export interface CaughtItem {
  externalId: string;
  inReplyTo: string | null;
  url: string | null;
  replyRef: Record<string, unknown> | null;
  authorHandle: string;
  authorName: string;
  authorReach: number;
  text: string;
  lang: string | null;
  publishedAt: Date;
}

export interface PollInput {
  query: WatchQuery;
  cursor: Record<string, unknown>;
  feedUrl: string | null;
  account: { baseUrl: string; handle: string; credentials: Credentials } | null;
  allowNetworks: readonly string[];
  now: Date;
  /** Posts the source may still bill this month (X's cap), when it bills per post read. */
  maxPosts?: number | null;
}

export interface PollOutcome {
  items: CaughtItem[];
  cursor: Record<string, unknown>;
  /** Earliest next poll the source's rate limits allow (null: the usual interval). */
  notBefore: Date | null;
  /** New credentials to seal (a refreshed session), or null. */
  credentials: Credentials | null;
  /** The WebSub hub a feed names (rss only), to subscribe to (websub.service.ts). */
  hub?: { hub: string; topic: string } | null;
}

/** The usual interval between two polls of a watch. */
export const POLL_INTERVAL_MS = 60_000;
/** Longest back-off after failures. */
export const MAX_BACKOFF_MS = 60 * 60_000;

/** A source's failure that says when to try again (429, 503 with Retry-After), or that the account is disconnected. */
export class SourceError extends Error {
  readonly notBefore: Date | null;
  readonly disconnected: boolean;
  constructor(message: string, options: { notBefore?: Date | null; disconnected?: boolean } = {}) {
    super(message);
    this.notBefore = options.notBefore ?? null;
    this.disconnected = options.disconnected ?? false;
  }
}

/**
 * When the source lets us ask again: Retry-After (seconds or an HTTP date), else, once the quota is
 * spent (X-RateLimit-Remaining / RateLimit-Remaining at 0), its reset (an ISO date as Mastodon
 * writes it, epoch seconds as Bluesky and X do, or seconds from now as the IETF draft does).
 */
export function rateLimitedUntil(answer: FetchAnswer, now: Date): Date | null {
  const h = answer.headers;
  const retryAfter = h['retry-after'];
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return new Date(now.getTime() + seconds * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return new Date(at);
  }
  const remaining = h['x-ratelimit-remaining'] ?? h['ratelimit-remaining'] ?? h['x-rate-limit-remaining'];
  const reset = h['x-ratelimit-reset'] ?? h['ratelimit-reset'] ?? h['x-rate-limit-reset'];
  if (remaining !== undefined && Number(remaining) <= 0 && reset) {
    const n = Number(reset);
    if (Number.isFinite(n)) return new Date(n > 1e9 ? n * 1000 : now.getTime() + n * 1000);
    const at = Date.parse(reset);
    if (!Number.isNaN(at)) return new Date(at);
  }
  if (answer.status === 429) return new Date(now.getTime() + POLL_INTERVAL_MS);
  return null;
}

/** Exponential back-off after consecutive failures: 1, 2, 4… minutes, at most an hour. */
export function backoffAfter(failures: number, now: Date): Date {
  return new Date(now.getTime() + Math.min(MAX_BACKOFF_MS, POLL_INTERVAL_MS * 2 ** Math.max(0, failures - 1)));
}

/** Text of an HTML fragment (Mastodon's content, a feed's description). */
export function textOfHtml(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(
      /&(amp|lt|gt|quot|#39|apos|nbsp);/g,
      (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ' })[e] ?? '',
    )
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** The terms a search-based source asks for, one search each (OR), at most a handful. */
export function searchTerms(query: WatchQuery): string[] {
  return [
    ...query.phrases.map((p) => `"${p}"`),
    ...query.words,
    ...query.hashtags.map((t) => `#${t}`),
    ...query.mentions.map((m) => `@${m}`),
  ].slice(0, 5);
}
