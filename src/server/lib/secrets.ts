// Random secrets and their hashes: tokens are stored hashed (sha256), never in clear.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random secret with an optional readable prefix. */
export function newSecret(prefix = '', bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a secret, as stored in the database. */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** HMAC-SHA256 of data under a deployment secret (signed tokens in links and return paths). */
export function hmacSha256(secret: string, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}
