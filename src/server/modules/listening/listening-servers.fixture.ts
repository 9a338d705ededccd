// Local servers on loopback speaking the real protocols the adapters use, for tests: an RSS feed
// with ETag / Last-Modified and 304s, a Mastodon instance (verify_credentials, tag timelines,
// search, statuses with Idempotency-Key, X-RateLimit-* headers), and an AT Protocol PDS (XRPC
// createSession, refreshSession, searchPosts with expiring access tokens, createRecord). The
// Mastodon instance also streams (SSE: /api/v1/streaming/hashtag and /public, update and delete
// events, heartbeats) for the stream job.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Started {
  baseUrl: string;
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export async function start(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void): Promise<Started> {
  const requests: Started['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

// -- RSS -------------------------------------------------------------------------------------------

export interface FeedItem {
  guid: string;
  title: string;
  description: string;
  link: string;
  pubDate: Date;
}

export async function startFeedServer() {
  const items: FeedItem[] = [];
  let version = 1;
  let lastModified = new Date('2026-01-01T00:00:00Z');
  const server = await start((req, _body, res) => {
    if (!req.url?.startsWith('/feed.xml')) return void res.writeHead(404).end();
    const etag = `"v${version}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blog du quartier</title><link>http://blog.example/</link><language>fr</language>
${items
  .map(
    (i) =>
      `<item><guid>${i.guid}</guid><title>${i.title}</title><link>${i.link}</link><description><![CDATA[${i.description}]]></description><pubDate>${i.pubDate.toUTCString()}</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`;
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag, 'last-modified': lastModified.toUTCString() });
    res.end(xml);
  });
  return {
    ...server,
    feedUrl: `${server.baseUrl}/feed.xml`,
    add(item: FeedItem) {
      items.unshift(item);
      version += 1;
      lastModified = new Date();
    },
  };
}

// -- Mastodon --------------------------------------------------------------------------------------

export const MASTODON_TOKEN = 'mastodon-user-token-0123456789';

export interface MastodonStatus {
  id: string;
  content: string;
  acct: string;
  followers: number;
  inReplyTo?: string;
  tags?: string[];
  createdAt?: Date;
}

export async function startMastodon() {
  const statuses: MastodonStatus[] = [];
  const posted = new Map<string, { id: string; status: string; in_reply_to_id: string | null }>();
  let rateLimited = false;
  let revoked = false;
  // Streaming (SSE) connections open now, and who waits for the next one.
  const streams = new Set<{ res: http.ServerResponse; tag: string | null }>();
  const streamWaiters: (() => void)[] = [];
  let streamRefusal: { status: number; headers: Record<string, string> } | null = null;
  const view = (s: MastodonStatus, base: string) => ({
    id: s.id,
    uri: `${base}/users/${s.acct}/statuses/${s.id}`,
    url: `${base}/@${s.acct}/${s.id}`,
    created_at: (s.createdAt ?? new Date()).toISOString(),
    in_reply_to_id: s.inReplyTo ?? null,
    language: 'fr',
    content: `<p>${s.content}</p>`,
    account: { acct: s.acct, display_name: s.acct.toUpperCase(), followers_count: s.followers },
  });
  const server: Started = await start((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (revoked || req.headers.authorization !== `Bearer ${MASTODON_TOKEN}`)
      return json(res, 401, { error: 'The access token is invalid' });
    const limitHeaders: Record<string, string> = rateLimited
      ? { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.now() + 15 * 60_000).toISOString() }
      : { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '299' };
    if (url.pathname === '/api/v1/streaming/hashtag' || url.pathname === '/api/v1/streaming/public') {
      if (streamRefusal) return json(res, streamRefusal.status, { error: 'Too many requests' }, streamRefusal.headers);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(':)\n');
      const stream = { res, tag: url.pathname.endsWith('/hashtag') ? (url.searchParams.get('tag') ?? '').toLowerCase() : null };
      streams.add(stream);
      res.on('close', () => streams.delete(stream));
      for (const w of streamWaiters.splice(0)) w();
      return;
    }
    if (url.pathname === '/api/v1/accounts/verify_credentials') return json(res, 200, { id: '1', acct: 'equipe', username: 'equipe' });
    const sinceId = url.searchParams.get('since_id') ?? url.searchParams.get('min_id');
    const newer = (s: MastodonStatus) => !sinceId || BigInt(s.id) > BigInt(sinceId);
    const newestFirst = () => [...statuses].sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
    const tag = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
    if (tag) {
      const name = decodeURIComponent(tag[1] ?? '').toLowerCase();
      return json(
        res,
        200,
        newestFirst()
          .filter((s) => newer(s) && s.tags?.includes(name))
          .map((s) => view(s, server.baseUrl)),
        limitHeaders,
      );
    }
    if (url.pathname === '/api/v2/search') {
      const q = (url.searchParams.get('q') ?? '').replace(/"/g, '').toLowerCase();
      const found = newestFirst().filter((s) => newer(s) && s.content.toLowerCase().includes(q));
      return json(res, 200, { accounts: [], hashtags: [], statuses: found.map((s) => view(s, server.baseUrl)) }, limitHeaders);
    }
    if (url.pathname === '/api/v1/statuses' && req.method === 'POST') {
      const key = String(req.headers['idempotency-key'] ?? '');
      const input = JSON.parse(body) as { status: string; in_reply_to_id?: string };
      const existing = key ? posted.get(key) : undefined;
      const out = existing ?? { id: String(900000 + posted.size + 1), status: input.status, in_reply_to_id: input.in_reply_to_id ?? null };
      if (key && !existing) posted.set(key, out);
      return json(res, 200, {
        id: out.id,
        uri: `${server.baseUrl}/users/equipe/statuses/${out.id}`,
        url: `${server.baseUrl}/@equipe/${out.id}`,
        content: out.status,
        in_reply_to_id: out.in_reply_to_id,
        created_at: new Date().toISOString(),
        language: 'fr',
        account: { acct: 'equipe', display_name: 'Équipe', followers_count: 10 },
      });
    }
    json(res, 404, { error: 'Record not found' });
  });
  return {
    ...server,
    statuses,
    posted,
    setRateLimited(value: boolean) {
      rateLimited = value;
    },
    /** Resolves when the next streaming connection opens. */
    nextStream(): Promise<void> {
      return new Promise((resolve) => streamWaiters.push(resolve));
    },
    /** Posts a status: kept for the REST timelines and sent as an `update` event on the streams it fits. */
    stream(status: MastodonStatus, options: { keep?: boolean } = {}) {
      if (options.keep !== false && !statuses.some((s) => s.id === status.id)) statuses.push(status);
      const event = `event: update\r\ndata: ${JSON.stringify(view(status, server.baseUrl))}\r\n\r\n`;
      for (const s of streams) if (s.tag === null || status.tags?.includes(s.tag)) s.res.write(event);
    },
    /** A heartbeat and a `delete` event on every open stream. */
    beat() {
      for (const s of streams) s.res.write(':thump\n\nevent: delete\ndata: 1\n\n');
    },
    /** Cuts every open stream (a restart, a network failure). */
    cut() {
      for (const s of streams) s.res.destroy();
      streams.clear();
    },
    get openStreams() {
      return streams.size;
    },
    /** Refuses the streaming API (e.g. 429 with Retry-After) until set back to null. */
    refuseStreams(value: { status: number; headers: Record<string, string> } | null) {
      streamRefusal = value;
    },
    /** The user revoked the app's token (every call answers 401 until restored). */
    setRevoked(value: boolean) {
      revoked = value;
    },
  };
}

// -- Bluesky (AT Protocol) -------------------------------------------------------------------------

export const BLUESKY_HANDLE = 'candidate.example';
export const BLUESKY_PASSWORD = 'app-pass-word-1234';

export interface BlueskyPost {
  rkey: string;
  text: string;
  handle: string;
  createdAt: Date;
  replyTo?: { uri: string; cid: string };
}

export async function startBluesky() {
  const did = 'did:plc:candidate123';
  const posts: BlueskyPost[] = [];
  const records: { rkey: string; record: Record<string, unknown> }[] = [];
  const access = new Set<string>();
  const refresh = new Set<string>();
  const counters = { createSession: 0, refreshSession: 0, expired: 0 };
  const issue = () => {
    const a = `access-${randomUUID()}`;
    const r = `refresh-${randomUUID()}`;
    access.add(a);
    refresh.add(r);
    return { accessJwt: a, refreshJwt: r, did, handle: BLUESKY_HANDLE, active: true };
  };
  const bearer = (req: http.IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const server = await start((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = url.pathname.replace(/^\/xrpc\//, '');
    if (method === 'com.atproto.server.createSession' && req.method === 'POST') {
      const input = JSON.parse(body || '{}') as { identifier?: string; password?: string };
      if (input.identifier !== BLUESKY_HANDLE || input.password !== BLUESKY_PASSWORD)
        return json(res, 401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
      counters.createSession += 1;
      return json(res, 200, issue());
    }
    if (method === 'com.atproto.server.refreshSession' && req.method === 'POST') {
      const token = bearer(req);
      if (!refresh.has(token)) return json(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
      refresh.delete(token);
      counters.refreshSession += 1;
      return json(res, 200, issue());
    }
    const token = bearer(req);
    if (!access.has(token)) {
      counters.expired += 1;
      return json(res, 400, { error: 'ExpiredToken', message: 'Token has expired' });
    }
    const headers = {
      'ratelimit-limit': '3000',
      'ratelimit-remaining': '2999',
      'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 300),
      'ratelimit-policy': '3000;w=300',
    };
    if (method === 'app.bsky.feed.searchPosts') {
      const q = (url.searchParams.get('q') ?? '').replace(/"/g, '').toLowerCase();
      const since = url.searchParams.get('since');
      const found = posts
        .filter((p) => p.text.toLowerCase().includes(q) && (!since || p.createdAt.toISOString() > since))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((p) => ({
          uri: `at://did:plc:${p.handle}/app.bsky.feed.post/${p.rkey}`,
          cid: `cid-${p.rkey}`,
          author: { did: `did:plc:${p.handle}`, handle: p.handle, displayName: p.handle },
          record: {
            $type: 'app.bsky.feed.post',
            text: p.text,
            createdAt: p.createdAt.toISOString(),
            langs: ['fr'],
            ...(p.replyTo ? { reply: { root: p.replyTo, parent: p.replyTo } } : {}),
          },
          indexedAt: p.createdAt.toISOString(),
        }));
      return json(res, 200, { posts: found, hitsTotal: found.length }, headers);
    }
    if (method === 'com.atproto.repo.createRecord' && req.method === 'POST') {
      const input = JSON.parse(body) as { repo: string; collection: string; record: Record<string, unknown> };
      if (input.repo !== did || input.collection !== 'app.bsky.feed.post') return json(res, 400, { error: 'InvalidRequest' });
      const rkey = `3k${records.length + 1}`;
      records.push({ rkey, record: input.record });
      return json(res, 200, { uri: `at://${did}/app.bsky.feed.post/${rkey}`, cid: `cid-new-${rkey}` }, headers);
    }
    json(res, 404, { error: 'MethodNotImplemented' });
  });
  return {
    ...server,
    did,
    posts,
    records,
    counters,
    /** Expires every access token (as a PDS does after a couple of hours). */
    expireAccessTokens() {
      access.clear();
    },
  };
}
