// The Relais-Signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the
// subscription's secret>`. The time is signed with the body, so a receiver that refuses old times
// (SIGNATURE_TOLERANCE_SECONDS) cannot be fed a captured delivery again later.
import { createHmac } from 'node:crypto';
import { newSecret, safeEqual } from '../../lib/secrets.ts';

export const SIGNATURE_HEADER = 'Relais-Signature';
/** The window a receiver should accept (documented in docs/API.md): five minutes either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new subscription secret (shown once). */
export function newWebhookSecret(): string {
  return newSecret('whsec_', 32);
}

function hmacOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The header value for a body sent at `now`. */
export function signatureHeader(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacOf(secret, t, body)}`;
}

/**
 * What a receiver does (and the tests): true when the header signs this body with this secret, at
 * a time within the tolerance of `now`.
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const [key = '', value = ''] = item.trim().split('=', 2);
    parts.set(key, [...(parts.get(key) ?? []), value]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) return false;
  const expected = hmacOf(secret, t, body);
  return (parts.get('v1') ?? []).some((v) => safeEqual(v, expected));
}
