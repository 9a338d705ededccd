// RSS and Atom feeds: a conditional GET (If-None-Match with the last ETag, If-Modified-Since with
// the last Last-Modified), a 304 costs nothing, a 200 is parsed (RSS 0.9–2.0, Atom) and its items
// become caught items; the feed's own rate limit (Retry-After, 429) is honoured.
import { parseFeed } from '@rowanmanning/feed-parser';
import { guardedFetch } from '../fetch.ts';
import { type CaughtItem, type PollInput, type PollOutcome, rateLimitedUntil, SourceError, textOfHtml } from './common.ts';
import { discoverHub } from './websub.ts';

/** Items read from one answer (the newest first in most feeds). */
const MAX_ITEMS = 200;

export async function pollRss(input: PollInput): Promise<PollOutcome> {
  if (!input.feedUrl) throw new SourceError('The watch has no feed URL.');
  const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8' };
  const etag = input.cursor.etag;
  const lastModified = input.cursor.last_modified;
  if (typeof etag === 'string') headers['if-none-match'] = etag;
  if (typeof lastModified === 'string') headers['if-modified-since'] = lastModified;
  const answer = await guardedFetch(input.feedUrl, { headers, allowNetworks: input.allowNetworks });
  const notBefore = rateLimitedUntil(answer, input.now);
  if (answer.status === 304) return { items: [], cursor: input.cursor, notBefore, credentials: null };
  if (answer.status !== 200) throw new SourceError(`The feed answered HTTP ${answer.status}.`, { notBefore });
  const items = itemsOfFeed(answer.body, input.feedUrl, input.now);
  const cursor: Record<string, unknown> = {};
  if (answer.headers.etag) cursor.etag = answer.headers.etag;
  if (answer.headers['last-modified']) cursor.last_modified = answer.headers['last-modified'];
  return { items, cursor, notBefore, credentials: null, hub: discoverHub(answer.headers, answer.body, input.feedUrl) };
}

/**
 * The items of a feed document (a polled answer, or a WebSub delivery of the same feed): their ids
 * prefixed by the watch's feed URL, so a pushed item and a polled one are the same mention.
 */
export function itemsOfFeed(body: string, feedUrl: string, now: Date): CaughtItem[] {
  let feed: ReturnType<typeof parseFeed>;
  try {
    feed = parseFeed(body);
  } catch {
    throw new SourceError('The answer is not an RSS or Atom feed.');
  }
  const site = feed.title ?? new URL(feedUrl).hostname;
  const items: CaughtItem[] = [];
  for (const item of feed.items.slice(0, MAX_ITEMS)) {
    const id = item.id ?? item.url;
    if (!id) continue;
    const text = textOfHtml(item.content ?? item.description ?? '');
    items.push({
      externalId: `${feedUrl}#${id}`.slice(0, 2000),
      inReplyTo: null,
      url: item.url,
      replyRef: null,
      authorHandle: site.slice(0, 200),
      authorName: (item.authors[0]?.name ?? site).slice(0, 200),
      authorReach: 0,
      text: `${item.title ?? ''}\n${text}`.trim().slice(0, 5000),
      lang: feed.language,
      publishedAt: item.published ?? item.updated ?? now,
    });
  }
  return items;
}
