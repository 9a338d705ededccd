// Signed tracking tokens, in the style of messaging/tokens.ts: the open pixel's names the campaign and
// the recipient row; a click's also names the link (its position) and its MAC covers the target URL,
// carried beside it (`?u=`), so the redirect needs no lookup and goes only where we signed it to go.
import { hmacSha256, safeEqual } from '../../../lib/secrets.ts';
import { uuidBytes, uuidOf } from '../tokens.ts';

/** The link index of the hidden link the renderer adds (only a machine follows it). */
export const HIDDEN_LINK = -1;

function idsOf(campaignId: string, recipientId: string): Buffer {
  return Buffer.concat([uuidBytes(campaignId), uuidBytes(recipientId)]);
}

function openMac(secret: string, ids: Buffer): Buffer {
  return hmacSha256(secret, Buffer.concat([Buffer.from('open:'), ids])).subarray(0, 16);
}

function clickMac(secret: string, ids: Buffer, index: number, url: string): Buffer {
  return hmacSha256(secret, Buffer.concat([Buffer.from('click:'), ids, indexBytes(index), Buffer.from(url, 'utf8')])).subarray(0, 16);
}

function indexBytes(index: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(index);
  return b;
}

export interface TrackedRecipient {
  campaignId: string;
  recipientId: string;
}

/** The open pixel's token of a recipient row (64 base64url characters). */
export function openToken(secret: string, campaignId: string, recipientId: string): string {
  const ids = idsOf(campaignId, recipientId);
  return Buffer.concat([ids, openMac(secret, ids)]).toString('base64url');
}

/** The recipient an open token names, or null when it is not one of ours. */
export function readOpenToken(secret: string, token: string): TrackedRecipient | null {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  const ids = raw.subarray(0, 32);
  if (!safeEqual(openMac(secret, ids).toString('hex'), raw.subarray(32).toString('hex'))) return null;
  return { campaignId: uuidOf(ids.subarray(0, 16)), recipientId: uuidOf(ids.subarray(16)) };
}

/** A click token of a recipient row and link (67 base64url characters), signed with the link's URL. */
export function clickToken(secret: string, campaignId: string, recipientId: string, index: number, url: string): string {
  const ids = idsOf(campaignId, recipientId);
  return Buffer.concat([ids, indexBytes(index), clickMac(secret, ids, index, url)]).toString('base64url');
}

/** The recipient and link a click token names for that URL, or null when either was changed. */
export function readClickToken(secret: string, token: string, url: string): (TrackedRecipient & { index: number }) | null {
  if (!/^[A-Za-z0-9_-]{67}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 50) return null;
  const ids = raw.subarray(0, 32);
  const index = raw.readInt16BE(32);
  if (!safeEqual(clickMac(secret, ids, index, url).toString('hex'), raw.subarray(34).toString('hex'))) return null;
  return { campaignId: uuidOf(ids.subarray(0, 16)), recipientId: uuidOf(ids.subarray(16)), index };
}
