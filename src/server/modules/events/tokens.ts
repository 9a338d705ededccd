// Signed tokens of an RSVP: the ticket's QR code (check-in), the "I'm coming / I can't anymore"
// links of the reminders and the thank-you's "I was there". Campaign id, RSVP id and action in 33
// bytes with an HMAC-SHA256 (96 bits) under the deployment's token secret, base64url: 60
// characters (short enough for a path segment and a small QR code), nothing stored.

import { timingSafeEqual } from 'node:crypto';
import { uuidBytes, uuidOf } from '../../lib/ids.ts';
import { hmacSha256 } from '../../lib/secrets.ts';

export const TOKEN_ACTIONS = ['ticket', 'yes', 'no', 'attended'] as const;
export type TokenAction = (typeof TOKEN_ACTIONS)[number];

export interface RsvpToken {
  campaignId: string;
  rsvpId: string;
  action: TokenAction;
}

const MAC_BYTES = 12;

function macOf(secret: string, body: Buffer): Buffer {
  return hmacSha256(secret, Buffer.concat([Buffer.from('relais-event:'), body])).subarray(0, MAC_BYTES);
}

/** The token of one action on one RSVP (URL-safe, 60 characters). */
export function signRsvpToken(secret: string, t: RsvpToken): string {
  const body = Buffer.concat([uuidBytes(t.campaignId), uuidBytes(t.rsvpId), Buffer.from([TOKEN_ACTIONS.indexOf(t.action)])]);
  return Buffer.concat([body, macOf(secret, body)]).toString('base64url');
}

/** The RSVP and action a token names, or null when it is malformed or its signature is wrong. */
export function verifyRsvpToken(secret: string, token: string): RsvpToken | null {
  if (token.length !== 60 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 33 + MAC_BYTES) return null;
  const body = raw.subarray(0, 33);
  if (!timingSafeEqual(raw.subarray(33), macOf(secret, body))) return null;
  const action = TOKEN_ACTIONS[body[32] as number];
  if (!action) return null;
  return { campaignId: uuidOf(body.subarray(0, 16)), rsvpId: uuidOf(body.subarray(16, 32)), action };
}
