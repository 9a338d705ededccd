// Mastodon's streaming API over server-sent events: GET /api/v1/streaming/hashtag?tag=… for a
// watch of one hashtag, /api/v1/streaming/public otherwise (the ingest's matching filters it), with
// the account's token; `update` events carry a status as JSON, `delete` an id, `:thump` comments
// keep the line alive. Connected through the same SSRF guard as every fetch, for a bounded time.
import { guardedStream, type StreamEnd } from '../fetch.ts';
import type { CaughtItem, WatchQuery } from './common.ts';
import { itemOf, type Status } from './mastodon.ts';

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Largest event kept (a status is a few kilobytes): a longer one ends the stream. */
const MAX_EVENT_CHARS = 1024 * 1024;

/**
 * An incremental text/event-stream parser (the HTML standard's "event stream interpretation"):
 * lines end with CRLF, LF or CR (even split across chunks); `data` lines join with LF; `event`
 * names the type (default "message"); a blank line dispatches; lines starting with ':' are comments
 * (heartbeats) and go to onComment. Returns the function to feed chunks to.
 */
export function sseParser(onEvent: (event: SseEvent) => void, onComment: (text: string) => void = () => {}): (chunk: string) => void {
  let buffer = '';
  let data: string[] | null = null;
  let type = '';
  let lastId: string | null = null;
  let first = true;
  return (chunk) => {
    buffer += chunk;
    if (first && buffer.length > 0) {
      if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
      first = false;
    }
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      if (lf < 0 && cr < 0) break;
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (cr === buffer.length - 1) break;
        end = cr;
        next = buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      const line = buffer.slice(start, end);
      start = next;
      if (line === '') {
        if (data !== null) onEvent({ event: type || 'message', data: data.join('\n'), id: lastId });
        data = null;
        type = '';
        continue;
      }
      if (line.startsWith(':')) {
        onComment(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') {
        data = data ?? [];
        data.push(value);
      } else if (field === 'event') type = value;
      else if (field === 'id' && !value.includes('\0')) lastId = value;
    }
    buffer = buffer.slice(start);
    if (buffer.length + (data?.reduce((n, d) => n + d.length, 0) ?? 0) > MAX_EVENT_CHARS)
      throw new Error(`An event is longer than ${MAX_EVENT_CHARS} characters.`);
  };
}

/** The stream that fits a watch: one hashtag and nothing else → that hashtag's, else the public one. */
export function streamPathOf(query: WatchQuery): string {
  const only = query.hashtags.length === 1 && query.words.length + query.phrases.length + query.mentions.length === 0;
  return only ? `/api/v1/streaming/hashtag?tag=${encodeURIComponent(query.hashtags[0] ?? '')}` : '/api/v1/streaming/public';
}

export interface StreamInput {
  baseUrl: string;
  token: string | undefined;
  query: WatchQuery;
  allowNetworks: readonly string[];
  signal: AbortSignal;
  idleTimeoutMs?: number;
}

/**
 * Holds the watch's stream until the signal ends it or the server closes: each `update` is handed
 * to onStatus (awaited in order), `delete`s and heartbeats to onBeat. Answers how it ended; throws
 * on a network failure, a forbidden target, or when onStatus failed.
 */
export async function holdMastodonStream(
  input: StreamInput,
  onStatus: (item: CaughtItem, statusId: string) => Promise<void>,
  onBeat: () => void = () => {},
): Promise<StreamEnd> {
  const base = input.baseUrl.replace(/\/$/, '');
  let chain: Promise<void> = Promise.resolve();
  let failure: Error | null = null;
  const feed = sseParser(
    (event) => {
      if (event.event !== 'update') {
        onBeat();
        return;
      }
      let status: Status;
      try {
        status = JSON.parse(event.data) as Status;
      } catch {
        return;
      }
      if (!status?.id || !status.account) return;
      const original = status.reblog ?? status;
      chain = chain
        .then(() => onStatus(itemOf(base, original), status.id))
        .catch((error: Error) => {
          failure ??= error;
        });
    },
    () => onBeat(),
  );
  const end = await guardedStream(
    `${base}${streamPathOf(input.query)}`,
    {
      headers: { accept: 'text/event-stream', ...(input.token ? { authorization: `Bearer ${input.token}` } : {}) },
      allowNetworks: input.allowNetworks,
      signal: input.signal,
      ...(input.idleTimeoutMs ? { idleTimeoutMs: input.idleTimeoutMs } : {}),
    },
    (text) => {
      try {
        feed(text);
      } catch (error) {
        failure ??= error as Error;
      }
    },
  );
  await chain;
  if (failure) throw failure;
  return end;
}
