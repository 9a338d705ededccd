// Local servers on loopback speaking listening's push protocols, for tests: a WebSub hub (takes a
// subscription, verifies it with a GET to the subscriber's callback, distributes signed POSTs when
// its feed "publishes") with the Atom feed that names it, and a Mastodon instance's SSE streaming
// (update/delete events, :thump heartbeats) beside the REST tag timeline used to catch up.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

// -- WebSub hub and its feed ---------------------------------------------------------------------

export interface HubEntry {
  id: string;
  title: string;
  summary: string;
}

export interface HubSubscription {
  callback: string;
  topic: string;
  secret: string;
  leaseSeconds: number;
  verified: boolean;
}

export async function startWebSubHub(options: { hubUrl?: string } = {}) {
  const entries: HubEntry[] = [];
  const subscriptions = new Map<string, HubSubscription>();
  const requests: { mode: string; topic: string; callback: string; lease: string | null; secret: string | null }[] = [];
  const verifications: { callback: string; mode: string; status: number; echoed: boolean }[] = [];
  const waiters: (() => void)[] = [];
  let base = '';
  let hubOverride = options.hubUrl ?? null;
  const feedUrl = () => `${base}/feed.atom`;
  const hubUrl = () => hubOverride ?? `${base}/hub`;
  const feedXml = () => `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Journal du 11e</title>
  <id>${feedUrl()}</id>
  <link rel="hub" href="${hubUrl()}"/>
  <link rel="self" href="${feedUrl()}"/>
  <updated>${new Date().toISOString()}</updated>
${entries
  .map(
    (e) =>
      `  <entry><id>${e.id}</id><title>${e.title}</title><link href="http://journal.example/${e.id}"/><updated>${new Date().toISOString()}</updated><summary>${e.summary}</summary></entry>`,
  )
  .join('\n')}
</feed>`;

  /** The verification of intent (§5.3): a GET to the callback; verified when the challenge comes back. */
  async function verify(sub: HubSubscription, mode: 'subscribe' | 'unsubscribe', params: Record<string, string> = {}) {
    const challenge = randomBytes(12).toString('hex');
    const url = new URL(sub.callback);
    url.searchParams.set('hub.mode', mode);
    url.searchParams.set('hub.topic', params.topic ?? sub.topic);
    url.searchParams.set('hub.challenge', challenge);
    if (mode === 'subscribe') url.searchParams.set('hub.lease_seconds', String(sub.leaseSeconds));
    const res = await fetch(url);
    const body = await res.text();
    const echoed = res.status >= 200 && res.status < 300 && body === challenge;
    verifications.push({ callback: sub.callback, mode, status: res.status, echoed });
    return echoed;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/feed.atom') {
      res.writeHead(200, { 'content-type': 'application/atom+xml; charset=utf-8' });
      return void res.end(feedXml());
    }
    if (url.pathname === '/hub' && req.method === 'POST') {
      const form = new URLSearchParams(await readBody(req));
      const mode = form.get('hub.mode') ?? '';
      const topic = form.get('hub.topic') ?? '';
      const callback = form.get('hub.callback') ?? '';
      requests.push({ mode, topic, callback, lease: form.get('hub.lease_seconds'), secret: form.get('hub.secret') });
      if (!callback || !topic || (mode !== 'subscribe' && mode !== 'unsubscribe')) return void res.writeHead(400).end('bad request');
      res.writeHead(202).end();
      // Verification after the 202, as hubs do; the lease granted is the hub's own (shorter than asked).
      const sub: HubSubscription = {
        callback,
        topic,
        secret: form.get('hub.secret') ?? subscriptions.get(callback)?.secret ?? '',
        leaseSeconds: Math.min(Number(form.get('hub.lease_seconds') ?? 3600), 3 * 24 * 3600),
        verified: false,
      };
      const ok = await verify(sub, mode);
      if (ok && mode === 'subscribe') subscriptions.set(callback, { ...sub, verified: true });
      if (ok && mode === 'unsubscribe') subscriptions.delete(callback);
      for (const w of waiters.splice(0)) w();
      return;
    }
    res.writeHead(404).end();
  });
  base = await listen(server);
  return {
    get feedUrl() {
      return feedUrl();
    },
    get hubUrl() {
      return hubUrl();
    },
    /** Names another hub in the feed (an address the SSRF guard must refuse). */
    setHubUrl(url: string | null) {
      hubOverride = url;
    },
    entries,
    subscriptions,
    requests,
    verifications,
    /** Resolves at the next verification the hub makes (after a subscribe or unsubscribe request). */
    nextVerification(): Promise<void> {
      return new Promise((resolve) => waiters.push(resolve));
    },
    /** A verification GET of the hub's own, for any topic (an impostor's, or a stale one). */
    verifyRaw(callback: string, topic: string) {
      return verify({ callback, topic, secret: '', leaseSeconds: 3600, verified: false }, 'subscribe');
    },
    /**
     * Adds an entry and distributes the feed to the verified subscribers of the topic, signed with
     * each one's secret (or with `sign` to forge a signature). Answers each callback's status.
     */
    async publish(entry: HubEntry, sign?: (body: string) => string | null): Promise<number[]> {
      entries.unshift(entry);
      const body = feedXml();
      const statuses: number[] = [];
      for (const sub of subscriptions.values()) {
        if (!sub.verified || sub.topic !== feedUrl()) continue;
        const signature = sign ? sign(body) : `sha256=${createHmac('sha256', sub.secret).update(body).digest('hex')}`;
        const res = await fetch(sub.callback, {
          method: 'POST',
          headers: {
            'content-type': 'application/atom+xml',
            link: `<${hubUrl()}>; rel="hub", <${feedUrl()}>; rel="self"`,
            ...(signature ? { 'x-hub-signature': signature } : {}),
          },
          body,
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      return statuses;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
