// Credentials of social accounts sealed at rest: AES-256-GCM under LISTENING_SECRET_KEY, a fresh
// 12-byte nonce per seal, the account's campaign and id as associated data (a sealed blob copied to
// another row does not open). Stored as nonce || ciphertext || tag; the clear text never reaches the
// database, the logs or an API answer.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../http/problem.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** What an account's sealed credentials hold (by network). */
export interface Credentials {
  /** Mastodon's user token, X's bearer token. */
  token?: string;
  /** Bluesky's app password and its current session. */
  password?: string;
  accessJwt?: string;
  refreshJwt?: string;
  did?: string;
  /** X's OAuth 2.0 user context (posting): access and refresh tokens, when the access token expires (ms), the app's client id and secret. */
  userToken?: string;
  refreshToken?: string;
  userTokenExpiresAt?: number;
  clientId?: string;
  clientSecret?: string;
}

function keyOf(key: Buffer | null): Buffer {
  if (!key) throw new AppError('LISTENING_KEY_MISSING', 'LISTENING_SECRET_KEY is not set: social accounts cannot be connected.');
  return key;
}

export function sealCredentials(key: Buffer | null, aad: string, credentials: Credentials): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(key), nonce);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

export function openCredentials(key: Buffer | null, aad: string, sealed: Buffer): Credentials {
  const decipher = createDecipheriv('aes-256-gcm', keyOf(key), sealed.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const clear = Buffer.concat([decipher.update(sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  return JSON.parse(clear.toString('utf8')) as Credentials;
}

/** The associated data binding a sealed blob to its row. */
export const credentialsAad = (campaignId: string, accountId: string) => `listening_account:${campaignId}:${accountId}`;
