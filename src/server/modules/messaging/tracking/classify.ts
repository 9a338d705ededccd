// How a hit is classified. Apple Mail Privacy Protection fetches every image of a message when it
// arrives, from Apple's relays, with the user agent exactly `Mozilla/5.0`: such an open says nothing
// about a reader (apple_proxy). A link scanner (mail security gateways, antivirus) follows links
// before anyone reads: a click within a minute of the SMTP accept, a hit on the hidden link (no human
// sees it), or three links of one message within two seconds are a scanner's. Everything else is
// human. Reports, A/B tests and segments count human events by default.
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import type { MailEventClassification, MailEventKind } from '../../../db/schema.ts';
import { HIDDEN_LINK } from './tokens.ts';

/** A click this soon after the relay accepted the message is a scanner's. */
export const SCANNER_AFTER_SEND_MS = 60_000;
/** Three clicks of one recipient within this window are a scanner's. */
export const SCANNER_BURST_MS = 2_000;
export const SCANNER_BURST_COUNT = 3;
/** Apple Mail Privacy Protection's user agent, exactly. */
export const APPLE_PROXY_USER_AGENT = 'Mozilla/5.0';

/** The prefixes of a relay list in Apple's egress CSV format (prefix first; # comments). */
export function relayBlockList(csv: string): BlockList {
  const list = new BlockList();
  for (const line of csv.split(/\r?\n/)) {
    const prefix = line.split(',')[0]?.trim() ?? '';
    if (prefix === '' || prefix.startsWith('#')) continue;
    const [network, bits] = prefix.split('/');
    const family = isIP(network ?? '');
    if (family === 0) continue;
    list.addSubnet(network as string, Number(bits ?? (family === 4 ? 32 : 128)), family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}

let appleRelays: BlockList | null = null;
/** Apple's relays, from apple-relay-ranges.csv (read once). */
export function appleRelayList(): BlockList {
  appleRelays ??= relayBlockList(readFileSync(path.join(import.meta.dirname, 'apple-relay-ranges.csv'), 'utf8'));
  return appleRelays;
}

/** Whether an address is one of the list's (IPv4, IPv6, IPv4-mapped IPv6). */
export function inRelays(list: BlockList, ip: string | null): boolean {
  if (!ip) return false;
  const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(plain);
  return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
}

export interface HitFacts {
  kind: MailEventKind;
  linkIndex: number | null;
  userAgent: string;
  ip: string | null;
  at: Date;
  /** When the relay accepted the message (mailing_recipient.sent_at). */
  sentAt: Date | null;
  /** The instants of the recipient's other clicks around this one (this one excluded). */
  otherClicks: readonly Date[];
}

/** A hit's classification (see the file's head). */
export function classifyHit(hit: HitFacts, relays: BlockList = appleRelayList()): MailEventClassification {
  if (hit.userAgent === APPLE_PROXY_USER_AGENT && inRelays(relays, hit.ip)) return 'apple_proxy';
  if (hit.kind === 'open') return 'human';
  if (hit.linkIndex === HIDDEN_LINK) return 'scanner';
  if (hit.sentAt && hit.at.getTime() - hit.sentAt.getTime() < SCANNER_AFTER_SEND_MS) return 'scanner';
  return inBurst(hit.at, hit.otherClicks) ? 'scanner' : 'human';
}

/** Whether a click at `at` is one of SCANNER_BURST_COUNT clicks within SCANNER_BURST_MS. */
export function inBurst(at: Date, others: readonly Date[]): boolean {
  const t = at.getTime();
  const times = [t, ...others.map((d) => d.getTime())].sort((a, b) => a - b);
  for (let i = 0; i + SCANNER_BURST_COUNT - 1 < times.length; i++) {
    const first = times[i] as number;
    const last = times[i + SCANNER_BURST_COUNT - 1] as number;
    if (last - first <= SCANNER_BURST_MS && first <= t && t <= last) return true;
  }
  return false;
}
