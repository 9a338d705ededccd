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

/** Throws TargetRefused for a forbidden target, an Error for a network failure, the deadline or an oversized answer. */
export async function guardedFetch(url: string, options: FetchOptions): Promise<FetchAnswer> {
  const target = await checkTarget(url, { allow: allowListOf(options.allowNetworks) });
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? FETCH_MAX_BYTES;
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
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
