// WebSub (W3C Recommendation, 2018) as a subscriber: discovering a feed's hub (§4: the HTTP Link
// header first, then <link rel="hub"> / <atom:link rel="hub"> in the feed, with rel="self" as the
// topic), asking the hub to subscribe or unsubscribe (§5.1: a form POST answered 202), and checking
// a content distribution's X-Hub-Signature (§8: an HMAC of the raw body with the subscription's
// secret, sha1/sha256/sha384/sha512, compared in constant time).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { guardedFetch } from '../fetch.ts';
import { SourceError } from './common.ts';

/** What the subscriber asks for; a hub may grant less (the verification says how long). */
export const LEASE_SECONDS = 7 * 24 * 3600;

export interface HubLink {
  hub: string;
  topic: string;
}

/** rel → URLs of a Link header (RFC 8288), as hubs and feeds write it. */
function linksOfHeader(header: string | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!header) return out;
  for (const m of header.matchAll(/<([^>]{1,2000})>\s*((?:;\s*[a-z*]+\s*=\s*(?:"[^"]*"|[^;,]*)\s*)*)/gi)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]*))/i.exec(m[2] ?? '');
    for (const r of (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/)) {
      if (r) out.set(r, [...(out.get(r) ?? []), m[1] ?? '']);
    }
  }
  return out;
}

/** rel → URLs of the <link> / <atom:link> elements of a feed's first bytes (before the items). */
function linksOfFeed(body: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const head = body.slice(0, 64 * 1024);
  const cut = head.search(/<(item|entry)[\s>]/i);
  for (const m of (cut >= 0 ? head.slice(0, cut) : head).matchAll(/<(?:atom:)?link\b([^>]*)\/?>/gi)) {
    const attrs = m[1] ?? '';
    const rel = /\brel\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1];
    const href = /\bhref\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1];
    if (!rel || !href) continue;
    const url = href.replace(/&amp;/g, '&');
    for (const r of rel.toLowerCase().split(/\s+/)) if (r) out.set(r, [...(out.get(r) ?? []), url]);
  }
  return out;
}

/** The feed's hub and topic, when it names a hub (the Link header wins over the body, §4). */
export function discoverHub(headers: Record<string, string>, body: string, feedUrl: string): HubLink | null {
  const header = linksOfHeader(headers.link);
  const inFeed = linksOfFeed(body);
  const hub = header.get('hub')?.[0] ?? inFeed.get('hub')?.[0];
  if (!hub) return null;
  const topic = header.get('self')?.[0] ?? inFeed.get('self')?.[0] ?? feedUrl;
  try {
    return { hub: new URL(hub, feedUrl).toString(), topic: new URL(topic, feedUrl).toString() };
  } catch {
    return null;
  }
}

/**
 * Asks the hub to subscribe or unsubscribe (§5.1). The hub answers 202 and verifies the intent
 * with a GET to the callback, possibly before this call returns. Throws SourceError otherwise.
 */
export async function requestSubscription(
  hubUrl: string,
  request: { mode: 'subscribe' | 'unsubscribe'; topic: string; callback: string; secret: string; leaseSeconds: number },
  allowNetworks: readonly string[],
): Promise<void> {
  const form = new URLSearchParams({
    'hub.mode': request.mode,
    'hub.topic': request.topic,
    'hub.callback': request.callback,
  });
  if (request.mode === 'subscribe') {
    form.set('hub.lease_seconds', String(request.leaseSeconds));
    form.set('hub.secret', request.secret);
  }
  const answer = await guardedFetch(hubUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    allowNetworks,
    maxBytes: 64 * 1024,
  });
  if (answer.status < 200 || answer.status >= 300)
    throw new SourceError(`The hub answered HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
}

const ALGORITHMS = new Set(['sha1', 'sha256', 'sha384', 'sha512']);

export type SignatureVerdict = 'valid' | 'missing' | 'invalid';

/** Checks `X-Hub-Signature: method=hex` against the HMAC of the raw body (constant-time). */
export function verifyHubSignature(secret: string, header: string | undefined, body: Buffer): SignatureVerdict {
  if (!header) return 'missing';
  const eq = header.indexOf('=');
  const method = header.slice(0, eq).trim().toLowerCase();
  const given = header
    .slice(eq + 1)
    .trim()
    .toLowerCase();
  if (eq < 0 || !ALGORITHMS.has(method) || !/^[0-9a-f]+$/.test(given)) return 'invalid';
  const expected = createHmac(method, secret).update(body).digest();
  const received = Buffer.from(given, 'hex');
  return received.length === expected.length && timingSafeEqual(received, expected) ? 'valid' : 'invalid';
}
