// The providers' signature schemes, checked against SendGrid's own published test vector (the
// key, signature, timestamp and payload of its Node library's tests) and against signatures made
// here as Mailgun makes them.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAILGUN_MAX_AGE_SECONDS, sendgridPublicKey, verifyMailgunSignature, verifySendgridSignature } from './provider-signatures.ts';

describe('verifySendgridSignature', () => {
  // sendgrid/sendgrid-nodejs, packages/eventwebhook/src/eventwebhook.spec.js (test data).
  const PUBLIC_KEY =
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
  const SIGNATURE = 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=';
  const TIMESTAMP = '1588788367';
  const PAYLOAD = Buffer.from(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));
  const key = sendgridPublicKey(PUBLIC_KEY);

  it("accepts SendGrid's own signed sample", () => {
    expect(verifySendgridSignature(key, { signature: SIGNATURE, timestamp: TIMESTAMP }, PAYLOAD)).toBe('ok');
  });

  it('refuses another payload, timestamp, signature or key, and says when headers are missing', () => {
    const otherKey = sendgridPublicKey(
      'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==',
    );
    expect(verifySendgridSignature(key, { signature: SIGNATURE, timestamp: TIMESTAMP }, Buffer.from('payload'))).toBe('invalid');
    expect(verifySendgridSignature(key, { signature: SIGNATURE, timestamp: '1588788368' }, PAYLOAD)).toBe('invalid');
    expect(verifySendgridSignature(key, { signature: SIGNATURE.replace('2j/0=', '3j/0='), timestamp: TIMESTAMP }, PAYLOAD)).toBe('invalid');
    expect(verifySendgridSignature(otherKey, { signature: SIGNATURE, timestamp: TIMESTAMP }, PAYLOAD)).toBe('invalid');
    expect(verifySendgridSignature(key, { signature: 'not base64 DER', timestamp: TIMESTAMP }, PAYLOAD)).toBe('invalid');
    expect(verifySendgridSignature(key, { signature: SIGNATURE, timestamp: 'timestamp' }, PAYLOAD)).toBe('invalid');
    expect(verifySendgridSignature(key, { signature: undefined, timestamp: TIMESTAMP }, PAYLOAD)).toBe('missing');
    expect(verifySendgridSignature(key, { signature: SIGNATURE, timestamp: undefined }, PAYLOAD)).toBe('missing');
  });

  it('refuses a key that is not ECDSA P-256', () => {
    expect(() => sendgridPublicKey('bm90IGEga2V5')).toThrow();
  });
});

describe('verifyMailgunSignature', () => {
  const KEY = 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0';
  const now = 1_796_630_000_000;
  const signed = (timestamp: string, token: string, key = KEY) => ({
    timestamp,
    token,
    signature: createHmac('sha256', key).update(`${timestamp}${token}`).digest('hex'),
  });
  const ts = String(now / 1000);

  it('accepts HMAC-SHA256 of timestamp + token with the signing key, within the window', () => {
    expect(verifyMailgunSignature(KEY, signed(ts, 'a'.repeat(50)), now)).toBe('ok');
    expect(verifyMailgunSignature(KEY, { ...signed(ts, 'f'.repeat(50)), timestamp: now / 1000 }, now)).toBe('ok');
    expect(verifyMailgunSignature(KEY, signed(String(now / 1000 - MAILGUN_MAX_AGE_SECONDS + 1), 'b'.repeat(50)), now)).toBe('ok');
  });

  it('refuses another key, a changed token or timestamp, an old or future timestamp, and missing fields', () => {
    const good = signed(ts, 'c'.repeat(50));
    expect(verifyMailgunSignature(KEY, signed(ts, 'c'.repeat(50), 'key-other'), now)).toBe('invalid');
    expect(verifyMailgunSignature(KEY, { ...good, token: 'd'.repeat(50) }, now)).toBe('invalid');
    expect(verifyMailgunSignature(KEY, { ...good, timestamp: String(now / 1000 + 1) }, now)).toBe('invalid');
    expect(verifyMailgunSignature(KEY, { ...good, signature: 'zz' }, now)).toBe('invalid');
    expect(verifyMailgunSignature(KEY, signed(String(now / 1000 - MAILGUN_MAX_AGE_SECONDS - 1), 'e'.repeat(50)), now)).toBe('stale');
    expect(verifyMailgunSignature(KEY, signed(String(now / 1000 + MAILGUN_MAX_AGE_SECONDS + 1), 'e'.repeat(50)), now)).toBe('stale');
    expect(verifyMailgunSignature(KEY, { timestamp: ts, token: 'x' }, now)).toBe('missing');
    expect(verifyMailgunSignature(KEY, null, now)).toBe('missing');
  });
});
