// The signature schemes of the mail providers' event webhooks, checked as each provider documents
// them. Pure: what was received and the key in, a verdict out.
//
// Mailgun ("Securing Webhooks"): the body carries `signature: { timestamp, token, signature }`;
// `signature` is the hex HMAC-SHA256 of `timestamp + token` (no separator) keyed by the webhook
// signing key. It covers neither the event nor the URL, so a captured signature could carry a
// forged event: timestamps older than the window are refused, and a token is bound to the first
// event it came with (the caller keeps the tokens).
//
// SendGrid (Signed Event Webhook): `X-Twilio-Email-Event-Webhook-Signature` is a base64 ECDSA
// (P-256, SHA-256, DER-encoded) signature of `timestamp + raw body`, the timestamp being
// `X-Twilio-Email-Event-Webhook-Timestamp`; the verification key shown in SendGrid's mail settings
// is a base64 DER SubjectPublicKeyInfo. SendGrid documents no age for the timestamp and retries
// failed posts for up to 72 hours, so none is imposed: a replayed batch changes nothing, each event
// counting once by its sg_event_id.
import { createHmac, createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';

export type SignatureVerdict = 'ok' | 'missing' | 'invalid' | 'stale';

/** How far a Mailgun timestamp may be from now, either way, in seconds. */
export const MAILGUN_MAX_AGE_SECONDS = 15 * 60;

/** Checks a Mailgun webhook signature (HMAC-SHA256 of timestamp + token) and its timestamp's age. */
export function verifyMailgunSignature(
  signingKey: string,
  sig: Readonly<Record<string, unknown>> | null | undefined,
  nowMs: number = Date.now(),
): SignatureVerdict {
  // Mailgun writes the timestamp as a string; a number is read the same way.
  const timestamp = typeof sig?.timestamp === 'number' ? String(sig.timestamp) : sig?.timestamp;
  const { token, signature } = sig ?? {};
  if (typeof timestamp !== 'string' || typeof token !== 'string' || typeof signature !== 'string') return 'missing';
  if (!/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{64}$/i.test(signature) || token.length === 0 || token.length > 200) {
    return 'invalid';
  }
  const expected = createHmac('sha256', signingKey)
    .update(timestamp + token)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return 'invalid';
  // The age is checked after the signature: a forged request learns nothing about the window.
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAILGUN_MAX_AGE_SECONDS) return 'stale';
  return 'ok';
}

const sendgridKeys = new Map<string, KeyObject>();

/** SendGrid's verification key (base64 DER SPKI, or PEM) as a key object; throws when it is not a P-256 public key. */
export function sendgridPublicKey(configured: string): KeyObject {
  const cached = sendgridKeys.get(configured);
  if (cached) return cached;
  const text = configured.trim();
  const key = text.startsWith('-----BEGIN')
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('the SendGrid verification key must be an ECDSA P-256 public key');
  }
  sendgridKeys.set(configured, key);
  return key;
}

/** Checks a SendGrid Event Webhook signature: ECDSA P-256/SHA-256 over timestamp + the raw body. */
export function verifySendgridSignature(
  publicKey: KeyObject,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: Buffer,
): SignatureVerdict {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp) || signature.length > 200) return 'invalid';
  try {
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify('sha256', signed, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64')) ? 'ok' : 'invalid';
  } catch {
    // A signature that is not DER at all.
    return 'invalid';
  }
}
