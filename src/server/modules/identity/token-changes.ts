// Token changes reach every server instance: a write that revokes a token, removes a member or
// changes their role (which narrows or ends the tokens they made) notifies TOKEN_CHANNEL in its own
// transaction; PostgreSQL delivers the notification at commit (never for a rollback) to every
// instance listening, and each forgets what its token cache held about it.
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { TokenCache, TokenChange } from './token-cache.ts';

export const TOKEN_CHANNEL = 'relais_token_change';

/** Tells every instance, at commit, that cached tokens concerned by a change must be read again. */
export async function notifyTokenChange(trx: Db | Trx, change: TokenChange): Promise<void> {
  await sql`select pg_notify(${TOKEN_CHANNEL}, ${JSON.stringify(change)})`.execute(trx);
}

/** Applies a notification's payload to a cache (an unreadable one empties it: safe, if slower). */
export function applyTokenChange(cache: TokenCache, payload: string): void {
  let change: unknown;
  try {
    change = JSON.parse(payload);
  } catch {
    change = null;
  }
  if (change && typeof change === 'object' && 'tokenId' in change && typeof change.tokenId === 'string') {
    cache.forget({ tokenId: change.tokenId });
  } else if (change && typeof change === 'object' && 'userId' in change && typeof change.userId === 'string') {
    const campaignId = 'campaignId' in change && typeof change.campaignId === 'string' ? change.campaignId : null;
    cache.forget({ userId: change.userId, campaignId });
  } else {
    cache.clear();
  }
}
