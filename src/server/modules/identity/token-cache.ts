// A short-lived in-process cache of API token lookups: an API call then costs no token query.
// Revocation, and removing a creator or changing their role, clears the entries at once in this
// process; other instances notice within TTL_MS (an entry is never extended past it).
import type { findActiveTokenByHash } from './identity.repo.ts';

type TokenRow = NonNullable<Awaited<ReturnType<typeof findActiveTokenByHash>>>;

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;
const byHash = new Map<string, { token: TokenRow; until: number }>();

/** The cached active token of a secret hash, if fresh. */
export function cachedToken(hashHex: string, now = Date.now()): TokenRow | undefined {
  const hit = byHash.get(hashHex);
  if (!hit) return undefined;
  if (hit.until < now || (hit.token.expires_at && hit.token.expires_at.getTime() <= now)) {
    byHash.delete(hashHex);
    return undefined;
  }
  return hit.token;
}

/** Remembers an active token for a few seconds. */
export function rememberToken(hashHex: string, token: TokenRow, now = Date.now()): void {
  if (byHash.size >= MAX_ENTRIES) byHash.delete(byHash.keys().next().value as string);
  byHash.set(hashHex, { token, until: now + TTL_MS });
}

/** Forgets a token (revocation) in this process. */
export function forgetToken(tokenId: string): void {
  for (const [hash, entry] of byHash) if (entry.token.id === tokenId) byHash.delete(hash);
}

/** Forgets the tokens a user created (in one campaign, or in all): they lost or changed their membership. */
export function forgetTokensOf(userId: string, campaignId?: string): void {
  for (const [hash, entry] of byHash) {
    if (entry.token.created_by === userId && (campaignId === undefined || entry.token.campaign_id === campaignId)) byHash.delete(hash);
  }
}
