// Mastodon: hashtag timelines (GET /api/v1/timelines/tag/:tag) and full-text search of statuses
// (GET /api/v2/search, type=statuses, with the account's user token), each term with its own
// since_id in the cursor; X-RateLimit-Remaining/-Reset and Retry-After honoured. Publishing is
// POST /api/v1/statuses with an Idempotency-Key (a retry after a lost answer is not posted twice).
import { guardedFetch, jsonOf } from '../fetch.ts';
import { type CaughtItem, type PollInput, type PollOutcome, rateLimitedUntil, SourceError, textOfHtml } from './common.ts';

export interface Status {
  id: string;
  uri: string;
  url: string | null;
  created_at: string;
  in_reply_to_id: string | null;
  language: string | null;
  content: string;
  account: { acct: string; display_name: string; followers_count: number };
  reblog?: Status | null;
}

/** A status as a caught item (REST timelines, search and the streaming API's update events). */
export function itemOf(baseUrl: string, status: Status): CaughtItem {
  return {
    externalId: `${new URL(baseUrl).host}:${status.id}`,
    inReplyTo: status.in_reply_to_id ? `${new URL(baseUrl).host}:${status.in_reply_to_id}` : null,
    url: status.url ?? status.uri,
    replyRef: { status_id: status.id },
    authorHandle: status.account.acct,
    authorName: status.account.display_name || status.account.acct,
    authorReach: status.account.followers_count ?? 0,
    text: textOfHtml(status.content).slice(0, 5000),
    lang: status.language,
    publishedAt: new Date(status.created_at),
  };
}

function authHeaders(input: { credentials: { token?: string } }): Record<string, string> {
  return input.credentials.token ? { authorization: `Bearer ${input.credentials.token}` } : {};
}

async function getJson<T>(url: string, input: PollInput): Promise<{ body: T; notBefore: Date | null }> {
  if (!input.account) throw new SourceError('A Mastodon watch needs an account.');
  const answer = await guardedFetch(url, {
    headers: { accept: 'application/json', ...authHeaders(input.account) },
    allowNetworks: input.allowNetworks,
  });
  const notBefore = rateLimitedUntil(answer, input.now);
  if (answer.status === 401) throw new SourceError('Mastodon refused the token (401).', { disconnected: true });
  if (answer.status !== 200) throw new SourceError(`Mastodon answered HTTP ${answer.status}.`, { notBefore });
  return { body: jsonOf<T>(answer), notBefore };
}

export async function pollMastodon(input: PollInput): Promise<PollOutcome> {
  if (!input.account) throw new SourceError('A Mastodon watch needs an account.');
  const base = input.account.baseUrl.replace(/\/$/, '');
  const cursor: Record<string, unknown> = { ...input.cursor };
  const items: CaughtItem[] = [];
  let notBefore: Date | null = null;
  const later = (d: Date | null) => {
    if (d && (!notBefore || d > notBefore)) notBefore = d;
  };
  for (const tag of input.query.hashtags.slice(0, 5)) {
    const key = `tag:${tag}`;
    const since = typeof cursor[key] === 'string' ? `&since_id=${encodeURIComponent(cursor[key] as string)}` : '';
    const { body, notBefore: nb } = await getJson<Status[]>(
      `${base}/api/v1/timelines/tag/${encodeURIComponent(tag)}?limit=40${since}`,
      input,
    );
    later(nb);
    for (const s of body) items.push(itemOf(base, s.reblog ?? s));
    if (body[0]) cursor[key] = body[0].id;
    if (nb) break;
  }
  const terms = [...input.query.phrases.map((p) => `"${p}"`), ...input.query.words, ...input.query.mentions.map((m) => `@${m}`)].slice(
    0,
    5,
  );
  for (const term of terms) {
    if (notBefore) break;
    const key = `q:${term}`;
    const since = typeof cursor[key] === 'string' ? `&min_id=${encodeURIComponent(cursor[key] as string)}` : '';
    const { body, notBefore: nb } = await getJson<{ statuses: Status[] }>(
      `${base}/api/v2/search?type=statuses&resolve=false&limit=40&q=${encodeURIComponent(term)}${since}`,
      input,
    );
    later(nb);
    for (const s of body.statuses ?? []) items.push(itemOf(base, s));
    const newest = (body.statuses ?? []).reduce<string | null>((m, s) => (m === null || BigInt(s.id) > BigInt(m) ? s.id : m), null);
    if (newest) cursor[key] = newest;
  }
  return { items, cursor, notBefore, credentials: null };
}

/** Checks a token (GET /api/v1/accounts/verify_credentials); returns the account's acct. */
export async function verifyMastodon(baseUrl: string, token: string, allowNetworks: readonly string[]): Promise<string> {
  const answer = await guardedFetch(`${baseUrl.replace(/\/$/, '')}/api/v1/accounts/verify_credentials`, {
    headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    allowNetworks,
  });
  if (answer.status === 401 || answer.status === 403) throw new SourceError('Mastodon refused the token.', { disconnected: true });
  if (answer.status !== 200) throw new SourceError(`Mastodon answered HTTP ${answer.status}.`);
  return jsonOf<{ acct: string }>(answer).acct;
}

export interface Published {
  externalId: string;
  url: string | null;
}

export async function publishMastodon(
  account: { baseUrl: string; credentials: { token?: string } },
  post: { text: string; inReplyTo: Record<string, unknown> | null; idempotencyKey: string },
  allowNetworks: readonly string[],
): Promise<Published> {
  const base = account.baseUrl.replace(/\/$/, '');
  const body: Record<string, unknown> = { status: post.text, visibility: 'public' };
  if (post.inReplyTo && typeof post.inReplyTo.status_id === 'string') body.in_reply_to_id = post.inReplyTo.status_id;
  const answer = await guardedFetch(`${base}/api/v1/statuses`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      'idempotency-key': post.idempotencyKey,
      ...authHeaders(account),
    },
    body: JSON.stringify(body),
    allowNetworks,
  });
  if (answer.status === 401 || answer.status === 403) throw new SourceError('Mastodon refused the token.', { disconnected: true });
  if (answer.status !== 200)
    throw new SourceError(`Mastodon answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`, {
      notBefore: rateLimitedUntil(answer, new Date()),
    });
  const status = jsonOf<Status>(answer);
  return { externalId: `${new URL(base).host}:${status.id}`, url: status.url ?? status.uri };
}
