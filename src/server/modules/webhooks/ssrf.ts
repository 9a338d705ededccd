// Outgoing webhook requests, guarded against server-side request forgery: the host is resolved
// once, every address it resolves to must be public (not private, loopback, link-local, multicast,
// reserved, the cloud metadata address…, IPv4 and IPv6 alike, IPv4 hidden in IPv6 too), and the
// connection goes to that checked address (a second DNS answer cannot swap it: no rebinding). No
// redirect is followed, the whole exchange has a deadline, and at most a few KB of the answer is read.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Why a target is refused (the stable codes of the API's WEBHOOK_URL_FORBIDDEN detail). */
export type TargetRefusal = 'scheme' | 'credentials' | 'unresolvable' | 'private_address';

export class TargetRefused extends Error {
  readonly reason: TargetRefusal;
  constructor(reason: TargetRefusal, message: string) {
    super(message);
    this.reason = reason;
  }
}

// Special-purpose ranges (IANA registries): nothing a campaign's receiver legitimately lives on.
const V4_BLOCKED = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const;
const V6_BLOCKED = [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64: checked by its embedded IPv4 below, refused as a range too
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID…)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: an IPv4 address in disguise
  ['fc00::', 7], // unique local (AWS's metadata fd00:ec2::254 too)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const;

const blocked = new BlockList();
for (const [net, bits] of V4_BLOCKED) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of V6_BLOCKED) blocked.addSubnet(net, bits, 'ipv6');

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:a.b.c.d, also written in hex), or null. */
export function embeddedIpv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1] ?? null;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = Number.parseInt(hex[1] ?? '0', 16);
    const lo = Number.parseInt(hex[2] ?? '0', 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/** A list of CIDRs (WEBHOOK_ALLOW_NETWORKS) as a BlockList to test addresses against. */
export function allowListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', bits] = cidr.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
  }
  return list;
}

/** True when an address (a literal) may not be reached: not public, unless the deployment allows its network. */
export function isForbiddenAddress(address: string, allow: BlockList = new BlockList()): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (allow.check(address, type)) return false;
  if (type === 'ipv6') {
    const v4 = embeddedIpv4(address);
    if (v4 !== null) return isForbiddenAddress(v4, allow);
  }
  return blocked.check(address, type);
}

export interface CheckedTarget {
  url: URL;
  /** The address the connection goes to, checked. */
  address: string;
  family: 4 | 6;
}

/**
 * Parses and resolves a webhook URL, refusing what it may not reach. The URL parser already reads
 * the odd IPv4 spellings (2130706433, 0177.0.0.1, 0x7f.1) as the address they mean.
 */
export async function checkTarget(
  raw: string,
  options: { allow?: BlockList; resolve?: (host: string) => Promise<{ address: string; family: number }[]> } = {},
): Promise<CheckedTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('scheme', 'Not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TargetRefused('scheme', 'Only http and https URLs are allowed.');
  if (url.username || url.password) throw new TargetRefused('credentials', 'A webhook URL may not carry a user name or password.');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host);
  let addresses: { address: string; family: number }[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await (options.resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(host);
    } catch {
      throw new TargetRefused('unresolvable', `The host ${host} does not resolve.`);
    }
  }
  if (addresses.length === 0) throw new TargetRefused('unresolvable', `The host ${host} does not resolve.`);
  // Every answer must be public: a name that also resolves to a private address is refused.
  const bad = addresses.find((a) => isForbiddenAddress(a.address, options.allow));
  if (bad)
    throw new TargetRefused(
      'private_address',
      literal !== 0 ? `${host} is not a public address.` : `${host} resolves to ${bad.address}, which is not a public address.`,
    );
  const first = addresses[0] as { address: string; family: number };
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface PostResult {
  status: number;
  durationMs: number;
  /** The first bytes of the answer (for the log). */
  bodyStart: string;
}

export const REQUEST_TIMEOUT_MS = 10_000;
export const RESPONSE_MAX_BYTES = 64 * 1024;

/**
 * POSTs a body to a checked target, connecting to its checked address only (TLS still verifies
 * the host name). Redirects are answers like any other (not 2xx: a failure). Rejects on a network
 * error, the deadline, or an answer larger than RESPONSE_MAX_BYTES.
 */
export function postTo(
  target: CheckedTarget,
  options: { headers: Record<string, string>; body: string; timeoutMs?: number; maxResponseBytes?: number },
): Promise<PostResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? RESPONSE_MAX_BYTES;
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all)
      (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = target.url.protocol === 'https:' ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const request = client.request(
      target.url,
      {
        method: 'POST',
        headers: { ...options.headers, 'content-length': String(Buffer.byteLength(options.body)) },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy(new Error(`The answer is larger than ${maxBytes} bytes.`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            durationMs: Math.round(performance.now() - started),
            bodyStart: Buffer.concat(chunks).toString('utf8').slice(0, 500),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error: Error) =>
      reject(error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error(`No answer within ${timeoutMs} ms.`) : error),
    );
    request.end(options.body);
  });
}
