// A short-lived cache of API token lookups, one per server instance: an API call then costs no token
// query. It is kept true by the token changes every instance hears (token-changes.ts): revoking a
// token, removing its creator or changing their role empties the entries concerned on every
// instance as PostgreSQL delivers the notification. An entry is never kept past TTL_MS all the same.
import type { findActiveTokenByHash } from './identity.repo.ts';

export type TokenRow = NonNullable<Awaited<ReturnType<typeof findActiveTokenByHash>>>;

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/** What changed about tokens: one token (revoked), or every token a user made (in one campaign, or all). */
export type TokenChange = { tokenId: string } | { userId: string; campaignId: string | null };

export interface TokenCache {
  /** The cached active token of a secret hash, if fresh. */
  get(hashHex: string, now?: number): TokenRow | undefined;
  /**
   * Remembers an active token read by a lookup that started at `generation` (cache.generation then):
   * a change heard meanwhile may concern it, so it is not kept.
   */
  remember(hashHex: string, token: TokenRow, generation: number, now?: number): void;
  /** Forgets what a change concerns. */
  forget(change: TokenChange): void;
  /** Forgets everything (the notifications may have been missed). */
  clear(): void;
  /** Grows with every change or clear. */
  readonly generation: number;
}

/** A new, empty cache. */
export function createTokenCache(): TokenCache {
  const byHash = new Map<string, { token: TokenRow; until: number }>();
  let generation = 0;
  return {
    get(hashHex, now = Date.now()) {
      const hit = byHash.get(hashHex);
      if (!hit) return undefined;
      if (hit.until < now || (hit.token.expires_at && hit.token.expires_at.getTime() <= now)) {
        byHash.delete(hashHex);
        return undefined;
      }
      return hit.token;
    },
    remember(hashHex, token, since, now = Date.now()) {
      if (since !== generation) return;
      if (byHash.size >= MAX_ENTRIES) byHash.delete(byHash.keys().next().value as string);
      byHash.set(hashHex, { token, until: now + TTL_MS });
    },
    forget(change) {
      generation++;
      for (const [hash, { token }] of byHash) {
        const hit =
          'tokenId' in change
            ? token.id === change.tokenId
            : token.created_by === change.userId && (change.campaignId === null || token.campaign_id === change.campaignId);
        if (hit) byHash.delete(hash);
      }
    },
    clear() {
      generation++;
      byHash.clear();
    },
    get generation() {
      return generation;
    },
  };
}
