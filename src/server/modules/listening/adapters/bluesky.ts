// Bluesky over AT Protocol XRPC: a session from the account's app password
// (com.atproto.server.createSession), app.bsky.feed.searchPosts with the access token (sort=latest,
// `since` = the newest post seen), com.atproto.server.refreshSession with the refresh token when the
// access token expired (ExpiredToken), a new session when the refresh token did too; RateLimit-*
// headers honoured. Publishing is com.atproto.repo.createRecord of an app.bsky.feed.post.
import type { Credentials } from '../crypto.ts';
import { type FetchAnswer, guardedFetch, jsonOf } from '../fetch.ts';
import { type CaughtItem, type PollInput, type PollOutcome, rateLimitedUntil, SourceError, searchTerms } from './common.ts';

interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

interface PostView {
  uri: string;
  cid: string;
  author: { did: string; handle: string; displayName?: string; followersCount?: number };
  record: {
    text?: string;
    createdAt?: string;
    langs?: string[];
    reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
  };
  indexedAt: string;
}

type Account = { baseUrl: string; handle: string; credentials: Credentials };

function xrpc(baseUrl: string, method: string): string {
  return `${baseUrl.replace(/\/$/, '')}/xrpc/${method}`;
}

async function call(
  url: string,
  options: { method?: 'GET' | 'POST'; token?: string; body?: unknown },
  allowNetworks: readonly string[],
): Promise<FetchAnswer> {
  return guardedFetch(url, {
    method: options.method ?? 'GET',
    headers: {
      accept: 'application/json',
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    allowNetworks,
  });
}

function isExpired(answer: FetchAnswer): boolean {
  if (answer.status !== 400 && answer.status !== 401) return false;
  try {
    return (JSON.parse(answer.body) as { error?: string }).error === 'ExpiredToken';
  } catch {
    return false;
  }
}

/** A new session from the app password (throws disconnected when refused). */
export async function createSession(account: Account, allowNetworks: readonly string[]): Promise<Credentials> {
  const answer = await call(
    xrpc(account.baseUrl, 'com.atproto.server.createSession'),
    { method: 'POST', body: { identifier: account.handle, password: account.credentials.password ?? '' } },
    allowNetworks,
  );
  if (answer.status === 401) throw new SourceError('Bluesky refused the app password.', { disconnected: true });
  if (answer.status !== 200)
    throw new SourceError(`Bluesky answered HTTP ${answer.status}.`, { notBefore: rateLimitedUntil(answer, new Date()) });
  const s = jsonOf<Session>(answer);
  return { password: account.credentials.password ?? '', accessJwt: s.accessJwt, refreshJwt: s.refreshJwt, did: s.did };
}

async function refreshSession(account: Account, allowNetworks: readonly string[]): Promise<Credentials> {
  const answer = await call(
    xrpc(account.baseUrl, 'com.atproto.server.refreshSession'),
    { method: 'POST', token: account.credentials.refreshJwt ?? '' },
    allowNetworks,
  );
  if (answer.status !== 200) return createSession(account, allowNetworks);
  const s = jsonOf<Session>(answer);
  return { ...account.credentials, accessJwt: s.accessJwt, refreshJwt: s.refreshJwt, did: s.did };
}

/**
 * Calls an XRPC method with the account's access token, refreshing the session once when it
 * expired (or creating one when there is none). Returns the answer and the credentials to keep
 * when they changed.
 */
async function authed(
  account: Account,
  url: string,
  options: { method?: 'GET' | 'POST'; body?: unknown },
  allowNetworks: readonly string[],
): Promise<{ answer: FetchAnswer; credentials: Credentials | null }> {
  let credentials: Credentials | null = null;
  let current = account.credentials;
  if (!current.accessJwt) {
    credentials = await createSession(account, allowNetworks);
    current = credentials;
  }
  let answer = await call(url, { ...options, token: current.accessJwt ?? '' }, allowNetworks);
  if (isExpired(answer)) {
    credentials = await refreshSession({ ...account, credentials: current }, allowNetworks);
    answer = await call(url, { ...options, token: credentials.accessJwt ?? '' }, allowNetworks);
  }
  if (answer.status === 401) throw new SourceError('Bluesky refused the session.', { disconnected: true });
  return { answer, credentials };
}

function itemOf(post: PostView): CaughtItem {
  const rkey = post.uri.split('/').pop() ?? '';
  return {
    externalId: post.uri,
    inReplyTo: post.record.reply?.parent.uri ?? null,
    url: `https://bsky.app/profile/${post.author.handle}/post/${rkey}`,
    replyRef: { uri: post.uri, cid: post.cid, root: post.record.reply?.root ?? { uri: post.uri, cid: post.cid } },
    authorHandle: post.author.handle,
    authorName: post.author.displayName || post.author.handle,
    authorReach: post.author.followersCount ?? 0,
    text: (post.record.text ?? '').slice(0, 5000),
    lang: post.record.langs?.[0] ?? null,
    publishedAt: new Date(post.record.createdAt ?? post.indexedAt),
  };
}

export async function pollBluesky(input: PollInput): Promise<PollOutcome> {
  if (!input.account) throw new SourceError('A Bluesky watch needs an account.');
  let account: Account = input.account;
  let changed: Credentials | null = null;
  const cursor: Record<string, unknown> = { ...input.cursor };
  const items: CaughtItem[] = [];
  let notBefore: Date | null = null;
  for (const term of searchTerms(input.query)) {
    const key = `q:${term}`;
    const params = new URLSearchParams({ q: term, sort: 'latest', limit: '50' });
    if (typeof cursor[key] === 'string') params.set('since', cursor[key] as string);
    if (input.query.language) params.set('lang', input.query.language);
    const { answer, credentials } = await authed(
      account,
      `${xrpc(account.baseUrl, 'app.bsky.feed.searchPosts')}?${params}`,
      {},
      input.allowNetworks,
    );
    if (credentials) {
      changed = credentials;
      account = { ...account, credentials };
    }
    notBefore = rateLimitedUntil(answer, input.now);
    if (answer.status !== 200) throw new SourceError(`Bluesky answered HTTP ${answer.status}.`, { notBefore });
    const posts = jsonOf<{ posts: PostView[] }>(answer).posts ?? [];
    for (const p of posts) items.push(itemOf(p));
    const newest = posts
      .map((p) => p.record.createdAt ?? p.indexedAt)
      .sort()
      .pop();
    if (newest) cursor[key] = newest;
    if (notBefore) break;
  }
  return { items, cursor, notBefore, credentials: changed };
}

export async function publishBluesky(
  account: Account,
  post: { text: string; inReplyTo: Record<string, unknown> | null },
  allowNetworks: readonly string[],
): Promise<{ externalId: string; url: string | null; credentials: Credentials | null }> {
  let credentials: Credentials | null = null;
  let current = account;
  if (!current.credentials.did) {
    credentials = await createSession(current, allowNetworks);
    current = { ...current, credentials };
  }
  const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', text: post.text, createdAt: new Date().toISOString() };
  const ref = post.inReplyTo as { uri?: string; cid?: string; root?: { uri: string; cid: string } } | null;
  if (ref?.uri && ref.cid) record.reply = { root: ref.root ?? { uri: ref.uri, cid: ref.cid }, parent: { uri: ref.uri, cid: ref.cid } };
  const { answer, credentials: refreshed } = await authed(
    current,
    xrpc(current.baseUrl, 'com.atproto.repo.createRecord'),
    { method: 'POST', body: { repo: current.credentials.did, collection: 'app.bsky.feed.post', record } },
    allowNetworks,
  );
  if (refreshed) credentials = refreshed;
  if (answer.status !== 200)
    throw new SourceError(`Bluesky answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`, {
      notBefore: rateLimitedUntil(answer, new Date()),
    });
  const { uri } = jsonOf<{ uri: string; cid: string }>(answer);
  return { externalId: uri, url: `https://bsky.app/profile/${account.handle}/post/${uri.split('/').pop() ?? ''}`, credentials };
}
