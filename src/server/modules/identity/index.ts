// The identity module's public face and manifest: sessions, password reset, members, API tokens and
// the roles policy; and what http/auth.ts needs to find who is calling (handed to it by app.ts, so
// that the HTTP layer imports no module).
import type { Database, Db } from '../../db/database.ts';
import { defineModule } from '../manifest.ts';
import { identityErrors } from './identity.errors.ts';
import { permissionOfScope, permissionsOf, zoneScopeOf } from './identity.policy.ts';
import { findActiveTokenByHash, findSessionByTokenHash, touchSession, touchToken } from './identity.repo.ts';
import { identityRoutes } from './identity.routes.ts';
import { identityNav } from './nav.ts';
import { createTokenCache, type TokenChange, type TokenRow } from './token-cache.ts';
import { applyTokenChange, TOKEN_CHANNEL } from './token-changes.ts';

export {
  type Permission,
  permissionOfScope,
  permissionsOf,
  readScopes,
  type ScopeInfo,
  type TokenScope,
  tokenScopes,
  zoneScopeOf,
} from './identity.policy.ts';
export { createApiToken, createUser } from './identity.service.ts';
export type { TokenChange } from './token-cache.ts';
export { notifyTokenChange } from './token-changes.ts';

/**
 * The look-ups http/auth.ts makes to resolve a request's actor (session cookie or API token), over
 * this server instance's token cache. The cache is used only while the instance hears the token
 * changes (token-changes.ts): a revoked token is then refused by every instance as soon as
 * PostgreSQL delivers the notification, and with the listener down every token is read again.
 */
export async function openActorDirectory(database: Database) {
  const cache = createTokenCache();
  const listener = await database.listen(TOKEN_CHANNEL, {
    onMessage: (payload) => applyTokenChange(cache, payload),
    onGap: () => cache.clear(),
  });
  return {
    /** The active token of a secret's hash: from the cache, or read (and cached) when the cache may be trusted. */
    async activeToken(db: Db, hash: Buffer): Promise<TokenRow | undefined> {
      const key = hash.toString('hex');
      if (!listener.live) return findActiveTokenByHash(db, hash);
      const cached = cache.get(key);
      if (cached) return cached;
      const since = cache.generation;
      const token = await findActiveTokenByHash(db, hash);
      if (token && listener.live) cache.remember(key, token, since);
      return token;
    },
    /** Forgets, in this instance, what a change concerns (the others hear it from the database). */
    forget: (change: TokenChange) => cache.forget(change),
    /** Resolves once this instance has heard every token change committed before the call. */
    sync: () => listener.sync(),
    close: () => listener.close(),
    findSessionByTokenHash,
    touchSession,
    touchToken,
    permissionsOf,
    permissionOfScope,
    zoneScopeOf,
  };
}
export type ActorDirectory = Awaited<ReturnType<typeof openActorDirectory>>;

export const identityModule = defineModule({
  name: 'identity',
  routes: [{ prefix: '/api/v1', plugin: identityRoutes }],
  links: [
    { rel: 'relais:session', path: '/session', title: 'The signed-in session' },
    { rel: 'relais:members', path: '/members', title: "The campaign's members" },
    { rel: 'relais:api_tokens', path: '/api_tokens', title: 'API tokens' },
  ],
  errors: identityErrors,
  permissions: [
    { id: 'users.manage', roles: ['admin'] },
    { id: 'tokens.manage', roles: ['admin'] },
    // Owners only (owners hold every permission).
    { id: 'campaign.manage', roles: [] },
  ],
  nav: identityNav,
});
