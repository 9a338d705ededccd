// Every request listening makes (feeds, Mastodon, Bluesky), through the webhooks' SSRF guard: the
// host resolved once and every address checked public (unless LISTENING_ALLOW_NETWORKS allows its
// network: tests, a local demo), the connection pinned to that address, no redirect followed, a
// deadline on the whole exchange and a cap on the answer's size.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { allowListOf, checkTarget } from '../webhooks/index.ts';

export const FETCH_TIMEOUT_MS = 10_000;
/** Largest answer read (a feed, a page of search results). */
export const FETCH_MAX_BYTES = 2 * 1024 * 1024;

export interface FetchOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  allowNetworks: readonly string[];
  timeoutMs?: number;
  maxBytes?: number;
}

export interface FetchAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A DNS lookup answering only the address the guard checked (no second resolution). */
function pinnedLookup(target: { address: string; family: number }): LookupFunction {
  return (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

/** Throws TargetRefused for a forbidden target, an Error for a network failure, the deadline or an oversized answer. */
export async function guardedFetch(url: string, options: FetchOptions): Promise<FetchAnswer> {
  const target = await checkTarget(url, { allow: allowListOf(options.allowNetworks) });
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? FETCH_MAX_BYTES;
  const pinned = pinnedLookup(target);
  const client = target.url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': 'Relais-listening/1', ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  return new Promise<FetchAnswer>((resolve, reject) => {
    const request = client.request(
      target.url,
      { method: options.method ?? 'GET', headers, lookup: pinned, agent: false, signal: AbortSignal.timeout(timeoutMs) },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            reject(new Error(`The answer is larger than ${maxBytes} bytes.`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: response.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.on('error', reject);
      },
    );
    request.on('error', (error: Error) =>
      reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`No answer within ${timeoutMs} ms.`) : error),
    );
    request.end(options.body);
  });
}

/** Parses a JSON answer, or throws with the status and the first bytes. */
export function jsonOf<T>(answer: FetchAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new Error(`HTTP ${answer.status}: not JSON (${answer.body.slice(0, 120)})`);
  }
}

export interface StreamOptions {
  headers?: Record<string, string>;
  allowNetworks: readonly string[];
  /** Ends the stream (the hold time is over, the job is stopping): resolves with ended 'aborted'. */
  signal: AbortSignal;
  /** Deadline for the answer's headers. */
  connectTimeoutMs?: number;
  /** Longest silence (no byte, not even a heartbeat) before the connection is judged dead. */
  idleTimeoutMs?: number;
}

export interface StreamEnd {
  status: number;
  headers: Record<string, string>;
  /** The first bytes of an answer other than 200 (its error). */
  body: string;
  ended: 'closed' | 'aborted' | 'idle';
}

/**
 * A long-lived GET through the same guard (a server-sent events stream): each chunk of a 200 answer
 * goes to onText as it comes; resolves when the server closes, the signal aborts or the line stays
 * silent too long; rejects on a network failure or a forbidden target (TargetRefused).
 */
export async function guardedStream(url: string, options: StreamOptions, onText: (text: string) => void): Promise<StreamEnd> {
  const target = await checkTarget(url, { allow: allowListOf(options.allowNetworks) });
  const client = target.url.protocol === 'https:' ? https : http;
  const connectTimeoutMs = options.connectTimeoutMs ?? FETCH_TIMEOUT_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? 90_000;
  return new Promise<StreamEnd>((resolve, reject) => {
    let settled = false;
    const done = (end: StreamEnd | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      options.signal.removeEventListener('abort', abort);
      if (end instanceof Error) reject(end);
      else resolve(end);
      request.destroy();
    };
    const request = client.request(target.url, {
      method: 'GET',
      headers: { 'user-agent': 'Relais-listening/1', ...options.headers },
      lookup: pinnedLookup(target),
      agent: false,
    });
    const connectTimer = setTimeout(() => done(new Error(`No answer within ${connectTimeoutMs} ms.`)), connectTimeoutMs);
    const abort = () => done({ status: 200, headers: {}, body: '', ended: 'aborted' });
    if (options.signal.aborted) return abort();
    options.signal.addEventListener('abort', abort, { once: true });
    request.on('response', (response) => {
      clearTimeout(connectTimer);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(response.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const status = response.statusCode ?? 0;
      response.setEncoding('utf8');
      if (status !== 200) {
        let body = '';
        response.on('data', (chunk: string) => {
          if (body.length < 4096) body += chunk;
        });
        response.on('end', () => done({ status, headers, body: body.slice(0, 4096), ended: 'closed' }));
        return;
      }
      response.setTimeout(idleTimeoutMs, () => done({ status, headers, body: '', ended: 'idle' }));
      response.on('data', (chunk: string) => {
        if (!settled) onText(chunk);
      });
      // The server closing the stream, or the connection lost under it, ends it alike: a cut.
      const cut = () => done({ status, headers, body: '', ended: 'closed' });
      response.on('end', cut);
      response.on('aborted', cut);
      response.on('error', cut);
      request.removeAllListeners('error');
      request.on('error', cut);
    });
    request.on('error', (error: Error) => done(error));
    request.end();
  });
}
