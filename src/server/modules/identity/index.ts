// The identity module's public face and manifest: sessions, password reset, members, API tokens and
// the roles policy; and what http/auth.ts needs to find who is calling (handed to it by app.ts, so
// that the HTTP layer imports no module).
import { defineModule } from '../manifest.ts';
import { identityErrors } from './identity.errors.ts';
import { permissionsOf, zoneScopeOf } from './identity.policy.ts';
import { findActiveTokenByHash, findSessionByTokenHash, touchSession, touchToken } from './identity.repo.ts';
import { identityRoutes } from './identity.routes.ts';
import { identityNav } from './nav.ts';
import { cachedToken, rememberToken } from './token-cache.ts';

export { type Permission, permissionsOf, type TokenScope, tokenScopes } from './identity.policy.ts';
export { createApiToken, createUser } from './identity.service.ts';

/** The look-ups http/auth.ts makes to resolve a request's actor (session cookie or API token). */
export const actorDirectory = {
  findActiveTokenByHash,
  findSessionByTokenHash,
  touchSession,
  touchToken,
  cachedToken,
  rememberToken,
  permissionsOf,
  zoneScopeOf,
};
export type ActorDirectory = typeof actorDirectory;

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
