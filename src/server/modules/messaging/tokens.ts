// Signed recipient tokens. The unsubscribe link carries the campaign and the recipient row
// (base64url, with a 128-bit HMAC); the VERP return path `bounces+<token>@domain` carries the
// recipient row only, in lower-case base32 (MTAs may change the case of a local part, which must
// stay within 64 octets) with a 64-bit HMAC, and its reader finds the campaign from the row.
import { uuidBytes, uuidOf } from '../../lib/ids.ts';
import { hmacSha256, safeEqual } from '../../lib/secrets.ts';

// The 16 bytes of a uuid in signed tokens (lib/ids.ts), under the names the tracking tokens import.
export { uuidBytes, uuidOf };

/** The unsubscribe token of a recipient row (in /u/<token> links and List-Unsubscribe). */
export function unsubscribeToken(secret: string, campaignId: string, recipientId: string): string {
  const ids = Buffer.concat([uuidBytes(campaignId), uuidBytes(recipientId)]);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('unsubscribe:'), ids])).subarray(0, 16);
  return Buffer.concat([ids, mac]).toString('base64url');
}

/** The campaign and recipient row an unsubscribe token names, or null when it is not one of ours (tampered, cut, forged). */
export function readUnsubscribeToken(secret: string, token: string): { campaignId: string; recipientId: string } | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 48) return null;
  const ids = raw.subarray(0, 32);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('unsubscribe:'), ids])).subarray(0, 16);
  if (!safeEqual(mac.toString('hex'), raw.subarray(32).toString('hex'))) return null;
  return { campaignId: uuidOf(ids.subarray(0, 16)), recipientId: uuidOf(ids.subarray(16)) };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function fromBase32(text: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = BASE32.indexOf(ch);
    if (v === -1) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The VERP token of a recipient row: 39 lower-case base32 characters. */
export function verpToken(secret: string, recipientId: string): string {
  const id = uuidBytes(recipientId);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('verp:'), id])).subarray(0, 8);
  return base32(Buffer.concat([id, mac]));
}

/** The recipient row of a VERP token (any case), or null when the token is not ours. */
export function readVerpToken(secret: string, token: string): string | null {
  const lower = token.toLowerCase();
  if (!/^[a-z2-7]{39}$/.test(lower)) return null;
  const raw = fromBase32(lower);
  if (raw?.length !== 24) return null;
  const id = raw.subarray(0, 16);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('verp:'), id])).subarray(0, 8);
  return safeEqual(mac.toString('hex'), raw.subarray(16).toString('hex')) ? uuidOf(id) : null;
}

/** The per-message return path of a recipient row (bounces reach the bounce mailbox with the row named). */
export function returnPathOf(secret: string, bounceDomain: string, recipientId: string): string {
  return `bounces+${verpToken(secret, recipientId)}@${bounceDomain}`;
}

/**
 * The recipient row a bounce was addressed to (`bounces+<token>@…`, any case, or the
 * `unsubscribe+<token>@…` of the List-Unsubscribe mailto), or null. For the bounce mailbox reader.
 */
export function recipientOfAddress(secret: string, address: string): { kind: 'bounce' | 'unsubscribe'; recipientId: string } | null {
  const m = /^(bounces|unsubscribe)\+([a-z2-7]{39})@/i.exec(address.trim().replace(/^<|>$/g, ''));
  if (!m) return null;
  const recipientId = readVerpToken(secret, m[2] ?? '');
  return recipientId ? { kind: (m[1] ?? '').toLowerCase() === 'bounces' ? 'bounce' : 'unsubscribe', recipientId } : null;
}
