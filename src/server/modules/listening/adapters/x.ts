// X (Twitter) API v2, only with the campaign's own paid key. Reading is recent search
// (GET /2/tweets/search/recent) with the app's bearer token: the watch's query in X's syntax (one
// request for all its terms), `since_id` = the newest post seen, `next_token` pages up to a bound
// and to the month's remaining budget, the author expanded for handle, name and followers.
// x-rate-limit-remaining/-reset and 429 are honoured. Posting is POST /2/tweets with the OAuth 2.0
// user token, refreshed (POST /2/oauth2/token, grant_type=refresh_token) when it expired or is
// refused, then retried once; the new tokens are handed back to be sealed.
import type { Credentials } from '../crypto.ts';
import { type FetchAnswer, guardedFetch, jsonOf } from '../fetch.ts';
import { type CaughtItem, type PollInput, type PollOutcome, rateLimitedUntil, SourceError, type WatchQuery } from './common.ts';

/** X's limit on a recent-search query's length (pay-per-use and Basic access). */
export const X_QUERY_MAX = 512;
/** Pages read per poll at most (100 posts each): the rest of a burst is read by the next polls (the cursor keeps next_token). */
export const X_MAX_PAGES = 3;
/** X's bounds on max_results for recent search. */
const MIN_RESULTS = 10;
const MAX_RESULTS = 100;
/** An access token this close to its expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 60_000;

type Account = { baseUrl: string; handle: string; credentials: Credentials };

/** A failure after the tokens were refreshed: X rotated the refresh token, the new one must still be sealed. */
export class XCallError extends SourceError {
  readonly credentials: Credentials | null;
  constructor(message: string, options: { notBefore?: Date | null; disconnected?: boolean }, credentials: Credentials | null) {
    super(message, options);
    this.credentials = credentials;
  }
}

interface Tweet {
  id: string;
  text: string;
  author_id?: string;
  created_at?: string;
  lang?: string;
  conversation_id?: string;
  referenced_tweets?: { type: 'replied_to' | 'quoted' | 'retweeted'; id: string }[];
}
interface User {
  id: string;
  username: string;
  name?: string;
  public_metrics?: { followers_count?: number };
}
interface SearchPage {
  data?: Tweet[];
  includes?: { users?: User[] };
  meta?: { newest_id?: string; oldest_id?: string; result_count?: number; next_token?: string };
}

/** A term as X reads it: bare when it is one plain word, quoted otherwise (X has no escape for a quote). */
function term(raw: string, sign = ''): string {
  const clean = raw.replace(/"/g, ' ').replace(/\s+/g, ' ').trim();
  if (!clean) return '';
  if (sign) return `${sign}${clean.replace(/[^\p{L}\p{N}_]/gu, '')}`;
  return /^[\p{L}\p{N}_][\p{L}\p{N}_'’.]*$/u.test(clean) && !/^(OR|AND)$/.test(clean) ? clean : `"${clean}"`;
}

/**
 * The watch's query in X's search syntax: its phrases (quoted), words, #hashtags and @mentions
 * OR'd, each exclusion as `-word` or `-"some words"`, `lang:xx`, and `-is:retweet` (a retweet is
 * the same words again). Terms that would pass X's 512 characters are left out, the last first.
 */
export function xQueryOf(query: WatchQuery): string {
  const anyOf = [
    ...query.phrases.map((p) => `"${p.replace(/"/g, ' ').replace(/\s+/g, ' ').trim()}"`),
    ...query.words.map((w) => term(w)),
    ...query.hashtags.map((h) => term(h, '#')),
    ...query.mentions.map((m) => term(m, '@')),
  ].filter((t) => t && t !== '""' && t !== '#' && t !== '@');
  const exclusions = query.exclude
    .map((x) => term(x))
    .filter(Boolean)
    .map((x) => `-${x}`);
  const always = [...(query.language && /^[a-z]{2,3}$/.test(query.language) ? [`lang:${query.language}`] : []), '-is:retweet'];
  const build = () => [terms.length > 1 ? `(${terms.join(' OR ')})` : (terms[0] ?? ''), ...exclusions, ...always].filter(Boolean).join(' ');
  const terms = [...anyOf];
  let q = build();
  // Exclusions go first (the search stays about the watch's terms), then terms, never the first one.
  while (q.length > X_QUERY_MAX && exclusions.length > 0) {
    exclusions.pop();
    q = build();
  }
  while (q.length > X_QUERY_MAX && terms.length > 1) {
    terms.pop();
    q = build();
  }
  return q.slice(0, X_QUERY_MAX);
}

function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

function itemOf(tweet: Tweet, users: Map<string, User>): CaughtItem {
  const author = tweet.author_id ? users.get(tweet.author_id) : undefined;
  const username = author?.username ?? tweet.author_id ?? 'unknown';
  const parent = tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
  const publishedAt = tweet.created_at ? new Date(tweet.created_at) : new Date();
  return {
    externalId: tweet.id,
    inReplyTo: parent,
    url: `https://x.com/${encodeURIComponent(username)}/status/${encodeURIComponent(tweet.id)}`,
    replyRef: { tweet_id: tweet.id, ...(tweet.conversation_id ? { conversation_id: tweet.conversation_id } : {}) },
    authorHandle: username.slice(0, 200),
    authorName: (author?.name || username).slice(0, 200),
    authorReach: author?.public_metrics?.followers_count ?? 0,
    text: (tweet.text ?? '').slice(0, 5000),
    lang: tweet.lang && tweet.lang !== 'und' ? tweet.lang : null,
    publishedAt: Number.isNaN(publishedAt.getTime()) ? new Date() : publishedAt,
  };
}

/**
 * Polls X's recent search. `maxPosts` (the month's remaining budget in posts) bounds what is read:
 * each post returned is billed. The outcome's items are every post read (the count to bill).
 */
export async function pollX(input: PollInput): Promise<PollOutcome> {
  if (!input.account) throw new SourceError('An X watch needs an X account.');
  if (!input.account.credentials.token) throw new SourceError('The X account has no bearer token: reconnect it.', { disconnected: true });
  const base = input.account.baseUrl.replace(/\/$/, '');
  const query = xQueryOf(input.query);
  const cursor: Record<string, unknown> = { ...input.cursor };
  const since = typeof cursor.since_id === 'string' && /^\d{1,25}$/.test(cursor.since_id) ? cursor.since_id : null;
  let budget = input.maxPosts ?? Number.POSITIVE_INFINITY;
  const items: CaughtItem[] = [];
  let notBefore: Date | null = null;
  // Paging left unfinished by the last poll (its bound, the budget or a rate limit) resumes where it stopped.
  const pending =
    cursor.pending && typeof cursor.pending === 'object' ? (cursor.pending as { next_token?: unknown; newest_id?: unknown }) : null;
  const resume = pending && typeof pending.next_token === 'string' ? pending.next_token : null;
  let nextToken: string | null = resume;
  let newest: string | null = resume && typeof pending?.newest_id === 'string' ? pending.newest_id : null;
  for (let page = 0; page < X_MAX_PAGES && budget >= MIN_RESULTS; page += 1) {
    const params = new URLSearchParams({
      query,
      max_results: String(Math.max(MIN_RESULTS, Math.min(MAX_RESULTS, Math.floor(budget)))),
      expansions: 'author_id',
      'user.fields': 'username,name,public_metrics',
      'tweet.fields': 'created_at,lang,conversation_id,referenced_tweets,public_metrics,author_id',
    });
    if (since) params.set('since_id', since);
    if (nextToken) params.set('next_token', nextToken);
    let answer: FetchAnswer;
    try {
      answer = await guardedFetch(`${base}/2/tweets/search/recent?${params}`, {
        headers: { accept: 'application/json', ...bearer(input.account.credentials.token) },
        allowNetworks: input.allowNetworks,
      });
    } catch (error) {
      // A later page lost: keep what the first ones read (and were billed for).
      if (page > 0) break;
      throw error;
    }
    notBefore = rateLimitedUntil(answer, input.now);
    if (answer.status === 401 || answer.status === 403)
      throw new SourceError(`X refused the bearer token (${answer.status}).`, { disconnected: answer.status === 401 });
    // An expired next_token: the unfinished pages are given up, the search goes on from the newest post seen.
    if (answer.status === 400 && page === 0 && resume) {
      const { pending: _gone, ...rest } = cursor;
      return { items: [], cursor: newest ? { ...rest, since_id: newest } : rest, notBefore, credentials: null };
    }
    if (answer.status !== 200) {
      if (page > 0) break;
      throw new SourceError(`X answered HTTP ${answer.status}.`, { notBefore });
    }
    const body = jsonOf<SearchPage>(answer);
    const users = new Map((body.includes?.users ?? []).map((u) => [u.id, u]));
    const tweets = body.data ?? [];
    for (const tweet of tweets) items.push(itemOf(tweet, users));
    budget -= tweets.length;
    if (page === 0 && !resume) newest = body.meta?.newest_id ?? null;
    nextToken = body.meta?.next_token ?? null;
    if (!nextToken || notBefore) break;
  }
  if (nextToken) {
    // Posts left (older than this poll's newest): the next poll reads them with the same since_id.
    cursor.pending = { next_token: nextToken, newest_id: newest };
  } else {
    delete cursor.pending;
    if (newest) cursor.since_id = newest;
  }
  return { items, cursor, notBefore, credentials: null };
}

/** Exchanges the refresh token for new tokens (X rotates the refresh token too). */
export async function refreshXToken(account: Account, allowNetworks: readonly string[], now = new Date()): Promise<Credentials> {
  const c = account.credentials;
  if (!c.refreshToken || !c.clientId)
    throw new SourceError('The X user token expired and there is no refresh token or client id: reconnect the account.', {
      disconnected: true,
    });
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  // A confidential client authenticates with Basic; a public one sends only its client id.
  if (c.clientSecret) headers.authorization = `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
  const answer = await guardedFetch(`${account.baseUrl.replace(/\/$/, '')}/2/oauth2/token`, {
    method: 'POST',
    headers,
    body: form.toString(),
    allowNetworks,
  });
  if (answer.status === 400 || answer.status === 401)
    throw new SourceError('X refused the refresh token: reconnect the account.', { disconnected: true });
  if (answer.status !== 200) throw new SourceError(`X answered HTTP ${answer.status} to the token refresh.`);
  const t = jsonOf<{ access_token?: string; refresh_token?: string; expires_in?: number }>(answer);
  if (!t.access_token) throw new SourceError('X answered the token refresh without an access token.');
  return {
    ...c,
    userToken: t.access_token,
    refreshToken: t.refresh_token ?? c.refreshToken,
    ...(typeof t.expires_in === 'number' ? { userTokenExpiresAt: now.getTime() + t.expires_in * 1000 } : {}),
  };
}

/**
 * Calls X with the user token: refreshed first when it is about to expire, refreshed and retried
 * once when X answers 401. Returns the answer and the new credentials when they changed.
 */
async function withUserToken(
  account: Account,
  request: (token: string) => Promise<FetchAnswer>,
  allowNetworks: readonly string[],
): Promise<{ answer: FetchAnswer; credentials: Credentials | null }> {
  let current = account.credentials;
  let changed: Credentials | null = null;
  if (!current.userToken) throw new SourceError('The X account has no user token: reconnect it to post.');
  if (current.userTokenExpiresAt && current.userTokenExpiresAt - EXPIRY_MARGIN_MS <= Date.now() && current.refreshToken) {
    changed = await refreshXToken({ ...account, credentials: current }, allowNetworks);
    current = changed;
  }
  const send = async (token: string) => {
    try {
      return await request(token);
    } catch (error) {
      throw new XCallError((error as Error).message, {}, changed);
    }
  };
  let answer = await send(current.userToken ?? '');
  if (answer.status === 401 && current.refreshToken) {
    changed = await refreshXToken({ ...account, credentials: current }, allowNetworks);
    current = changed;
    answer = await send(current.userToken ?? '');
  }
  if (answer.status === 401) throw new XCallError('X refused the user token: reconnect the account.', { disconnected: true }, changed);
  return { answer, credentials: changed };
}

/** Checks a user token (GET /2/users/me); returns the account's username and the credentials if refreshed. */
export async function verifyX(account: Account, allowNetworks: readonly string[]): Promise<{ handle: string; credentials: Credentials }> {
  const base = account.baseUrl.replace(/\/$/, '');
  if (!account.credentials.userToken) return { handle: account.handle, credentials: account.credentials };
  const { answer, credentials } = await withUserToken(
    account,
    (token) => guardedFetch(`${base}/2/users/me`, { headers: { accept: 'application/json', ...bearer(token) }, allowNetworks }),
    allowNetworks,
  );
  if (answer.status !== 200) throw new XCallError(`X answered HTTP ${answer.status}.`, {}, credentials);
  const me = jsonOf<{ data?: { username?: string } }>(answer).data;
  return { handle: me?.username ?? account.handle, credentials: credentials ?? account.credentials };
}

/** Posts (or replies) with the user token: POST /2/tweets { text, reply: { in_reply_to_tweet_id } }. */
export async function publishX(
  account: Account,
  post: { text: string; inReplyTo: Record<string, unknown> | null },
  allowNetworks: readonly string[],
): Promise<{ externalId: string; url: string | null; credentials: Credentials | null }> {
  const base = account.baseUrl.replace(/\/$/, '');
  const body: Record<string, unknown> = { text: post.text };
  if (post.inReplyTo && typeof post.inReplyTo.tweet_id === 'string') body.reply = { in_reply_to_tweet_id: post.inReplyTo.tweet_id };
  const { answer, credentials } = await withUserToken(
    account,
    (token) =>
      guardedFetch(`${base}/2/tweets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer(token) },
        body: JSON.stringify(body),
        allowNetworks,
      }),
    allowNetworks,
  );
  if (answer.status !== 201 && answer.status !== 200)
    throw new XCallError(
      `X answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`,
      { notBefore: rateLimitedUntil(answer, new Date()) },
      credentials,
    );
  let id: string | undefined;
  try {
    id = jsonOf<{ data?: { id?: string } }>(answer).data?.id;
  } catch {
    id = undefined;
  }
  if (!id) throw new XCallError('X answered without the new post’s id.', {}, credentials);
  return { externalId: id, url: `https://x.com/${encodeURIComponent(account.handle)}/status/${encodeURIComponent(id)}`, credentials };
}
