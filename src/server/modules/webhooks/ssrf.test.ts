// The SSRF guard (addresses refused, odd spellings, DNS answers, pinning, no redirects, limits),
// the signature and the retry schedule: pure or against a receiver on loopback.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptOffsets, MAX_CONSECUTIVE_FAILURES, nextAttemptAt, RETRY_WINDOW_MS, retryDelayMs, shouldDisable } from './backoff.ts';
import { signatureHeader, verifySignature } from './signature.ts';
import { allowListOf, checkTarget, embeddedIpv4, isForbiddenAddress, postTo, TargetRefused } from './ssrf.ts';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => (error instanceof TargetRefused ? error.reason : `not a refusal: ${String(error)}`),
  );

describe('SSRF guard: addresses', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '0.0.0.0',
    '100.64.0.1',
    '192.0.2.10',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1', // the same, in hex
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe', // 169.254.169.254 mapped
    '64:ff9b::7f00:1',
    '2002:7f00:1::',
    '2001:db8::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.216.34', '172.32.0.1', '2001:4860:4860::8888', '2a00:1450:4007:80e::200e', '::ffff:8.8.8.8'])(
    'lets %s through',
    (address) => {
      expect(isForbiddenAddress(address)).toBe(false);
    },
  );

  it('reads the IPv4 hidden in a mapped IPv6 address, dotted or hex', () => {
    expect(embeddedIpv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(embeddedIpv4('::FFFF:7F00:0001')).toBe('127.0.0.1');
    expect(embeddedIpv4('2001:db8::1')).toBeNull();
  });

  it('lets through only the networks the deployment allows', () => {
    const allow = allowListOf(['127.0.0.0/8', '::1/128']);
    expect(isForbiddenAddress('127.0.0.1', allow)).toBe(false);
    expect(isForbiddenAddress('::ffff:127.0.0.1', allow)).toBe(false);
    expect(isForbiddenAddress('::1', allow)).toBe(false);
    expect(isForbiddenAddress('10.0.0.1', allow)).toBe(true);
    expect(isForbiddenAddress('169.254.169.254', allow)).toBe(true);
  });
});

describe('SSRF guard: URLs', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://2130706433/', // decimal
    'http://0177.0.0.1/', // octal
    'http://0x7f.1/', // hex, short form
    'http://127.1/',
    'http://[::1]:8080/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
    'http://169.254.169.254/latest/meta-data/',
    'https://localhost/',
  ])('refuses %s by default', async (url) => {
    expect(await refusal(checkTarget(url))).toBe('private_address');
  });

  it('refuses other schemes and credentials', async () => {
    expect(await refusal(checkTarget('ftp://example.org/'))).toBe('scheme');
    expect(await refusal(checkTarget('file:///etc/passwd'))).toBe('scheme');
    expect(await refusal(checkTarget('not a url'))).toBe('scheme');
    expect(await refusal(checkTarget('https://user:pw@example.org/'))).toBe('credentials');
  });

  it('refuses a name when any of its addresses is private (a DNS answer mixing both), and one that does not resolve', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect(await refusal(checkTarget('https://mixed.example/', { resolve }))).toBe('private_address');
    expect(await refusal(checkTarget('https://none.example/', { resolve: async () => [] }))).toBe('unresolvable');
    const target = await checkTarget('https://public.example/x', { resolve: async () => [{ address: '93.184.216.34', family: 4 }] });
    expect(target).toMatchObject({ address: '93.184.216.34', family: 4 });
  });
});

describe('outgoing requests (a receiver on loopback)', () => {
  let server: http.Server;
  let port = 0;
  const seen: { url: string; host: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ url: req.url ?? '', host: req.headers.host ?? '' });
      req.resume();
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
      } else if (req.url === '/huge') {
        res.writeHead(200);
        res.end(Buffer.alloc(1024 * 1024, 97));
      } else if (req.url === '/silent') {
        // Never answers: the deadline ends it.
      } else {
        res.writeHead(204).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const allow = allowListOf(['127.0.0.0/8']);

  it('connects to the checked address, whatever the name would resolve to later (no rebinding)', async () => {
    // "receiver.invalid" resolves nowhere: the request can only reach the receiver through the pinned address.
    const target = await checkTarget(`http://receiver.invalid:${port}/ok`, {
      allow,
      resolve: async () => [{ address: '127.0.0.1', family: 4 }],
    });
    const result = await postTo(target, { headers: {}, body: '[]' });
    expect(result.status).toBe(204);
    expect(seen.at(-1)).toEqual({ url: '/ok', host: `receiver.invalid:${port}` });
  });

  it('follows no redirect: a 302 is the answer', async () => {
    const before = seen.length;
    const result = await postTo(await checkTarget(`http://127.0.0.1:${port}/redirect`, { allow }), { headers: {}, body: '[]' });
    expect(result.status).toBe(302);
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/redirect']);
  });

  it('stops reading an answer past the size cap, and waiting past the deadline', async () => {
    const huge = await checkTarget(`http://127.0.0.1:${port}/huge`, { allow });
    await expect(postTo(huge, { headers: {}, body: '[]', maxResponseBytes: 64 * 1024 })).rejects.toThrow(/larger than 65536 bytes/);
    const silent = await checkTarget(`http://127.0.0.1:${port}/silent`, { allow });
    await expect(postTo(silent, { headers: {}, body: '[]', timeoutMs: 200 })).rejects.toThrow(/No answer within 200 ms/);
  });
});

describe('Relais-Signature', () => {
  const secret = 'whsec_test';
  const body = '[{"idempotency_key":"k"}]';
  const at = new Date('2026-03-01T10:00:00Z');

  it('signs the time and the body; a receiver checks both within the tolerance', () => {
    const header = signatureHeader(secret, body, at);
    expect(header).toMatch(/^t=1772359200,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, { now: new Date(at.getTime() + 60_000) })).toBe(true);
    expect(verifySignature(secret, `${body} `, header, { now: at })).toBe(false); // body changed
    expect(verifySignature('whsec_other', body, header, { now: at })).toBe(false); // another secret
    expect(verifySignature(secret, body, header, { now: new Date(at.getTime() + 301_000) })).toBe(false); // replayed later
    expect(verifySignature(secret, body, header.replace(/t=\d+/, 't=1772359260'), { now: at })).toBe(false); // time changed
    expect(verifySignature(secret, body, 'v1=abc', { now: at })).toBe(false);
  });
});

describe('retry schedule', () => {
  it('waits 30 s, then doubles, up to 4 h', () => {
    expect([1, 2, 3, 4, 5, 9, 10, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 7_680_000, 14_400_000, 14_400_000,
    ]);
  });

  it('tries for a day after the event, the last attempt at the day, then gives up', () => {
    const offsets = attemptOffsets();
    expect(offsets.slice(0, 5)).toEqual([0, 30_000, 90_000, 210_000, 450_000]);
    expect(offsets.at(-1)).toBe(RETRY_WINDOW_MS);
    expect(offsets.length).toBe(15); // 0, 30 s, 1 min 30, 3 min 30… 4 h apart at the end, the last at 24 h
    const until = new Date(RETRY_WINDOW_MS);
    expect(nextAttemptAt(20, until, until)).toBeNull();
  });

  it('disables an endpoint after a day of failures or too many in a row', () => {
    const now = new Date('2026-03-02T12:00:00Z');
    expect(shouldDisable(3, new Date(now.getTime() - RETRY_WINDOW_MS + 1000), now)).toBe(false);
    expect(shouldDisable(3, new Date(now.getTime() - RETRY_WINDOW_MS), now)).toBe(true);
    expect(shouldDisable(MAX_CONSECUTIVE_FAILURES, now, now)).toBe(true);
    expect(shouldDisable(0, null, now)).toBe(false);
  });
});
