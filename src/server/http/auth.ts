// Who is calling: resolves the actor of each request (session cookie or API token), enforces CSRF
// on cookie-authenticated writes, and offers requireActor(request, permission) to handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../db/schema.ts';
import { hashSecret, safeEqual } from '../lib/secrets.ts';
import { type Permission, permissionsOf, zoneScopeOf } from '../modules/identity/identity.policy.ts';
import { findActiveTokenByHash, findSessionByTokenHash, touchSession, touchToken } from '../modules/identity/identity.repo.ts';
import { cachedToken, rememberToken } from '../modules/identity/token-cache.ts';
import { AppError } from './problem.ts';

export const SESSION_COOKIE = 'relais_session';
export const TOKEN_PREFIX = 'rl_';

export interface Actor {
  kind: 'session' | 'token';
  userId: string | null;
  tokenId: string | null;
  /** Shown in the audit log. */
  label: string;
  campaignId: string | null;
  role: Role | null;
  permissions: ReadonlySet<Permission>;
  /** Zones the actor is limited to, or null for the whole campaign. */
  zoneScope: string[] | null;
  sessionId: string | null;
  csrfToken: string | null;
  locale: 'fr' | 'en';
}

/** An actor with a campaign selected: what requireActor() guarantees to handlers. */
export type TenantActor = Actor & { campaignId: string };

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyInstance {
    /** Re-reads the actor of a request (after sign-in or a campaign switch). */
    resolveActor(request: FastifyRequest): Promise<void>;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Routes that do not act on the current session: a stale cookie must not block them.
const CSRF_EXEMPT = new Set(['/api/v1/auth/login', '/api/v1/auth/password-reset', '/api/v1/auth/password-reset/confirm']);
const TOKEN_TOUCH_MS = 60_000;
const SESSION_TOUCH_MS = 5 * 60_000;
const tokenTouchedAt = new Map<string, number>();

function bearerOf(request: FastifyRequest): string | null {
  const osdi = request.headers['osdi-api-token'];
  if (typeof osdi === 'string' && osdi) return osdi.trim();
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  return null;
}

/** The authenticated actor of a request (throws on a bad token, returns null when anonymous). */
async function resolveActor(app: FastifyInstance, request: FastifyRequest): Promise<Actor | null> {
  const { db } = app.deps.database;
  const bearer = bearerOf(request);
  if (bearer !== null) {
    let token: Awaited<ReturnType<typeof findActiveTokenByHash>>;
    if (bearer.startsWith(TOKEN_PREFIX)) {
      const hash = hashSecret(bearer);
      const key = hash.toString('hex');
      token = cachedToken(key);
      if (!token) {
        token = await findActiveTokenByHash(db, hash);
        if (token) rememberToken(key, token);
      }
    }
    if (!token) throw new AppError('TOKEN_INVALID', 'The API token is unknown, revoked or expired.');
    const now = Date.now();
    const last = tokenTouchedAt.get(token.id) ?? token.last_used_at?.getTime() ?? 0;
    if (now - last > TOKEN_TOUCH_MS) {
      tokenTouchedAt.set(token.id, now);
      await touchToken(db, token.campaign_id, token.id);
    }
    return {
      kind: 'token',
      userId: null,
      tokenId: token.id,
      label: `token:${token.name}`,
      campaignId: token.campaign_id,
      role: null,
      permissions: new Set(token.scopes as Permission[]),
      zoneScope: token.zone_ids.length > 0 ? token.zone_ids : null,
      sessionId: null,
      csrfToken: null,
      locale: 'fr',
    };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const row = await findSessionByTokenHash(db, hashSecret(cookie));
  if (!row || row.disabled_at) return null;
  if (Date.now() - row.last_seen_at.getTime() > SESSION_TOUCH_MS) {
    await touchSession(db, row.session_id, new Date(Date.now() + app.deps.config.sessionTtlHours * 3600_000));
  }
  const role = row.role ?? null;
  return {
    kind: 'session',
    userId: row.user_id,
    tokenId: null,
    label: row.email,
    campaignId: role ? row.campaign_id : null,
    role,
    permissions: new Set(role ? permissionsOf(role) : []),
    zoneScope: role ? zoneScopeOf(role, row.zone_ids ?? []) : null,
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    locale: row.locale,
  };
}

/** Throws unless the request carries an actor with a campaign and the permission. */
export function requireActor(request: FastifyRequest, permission?: Permission): TenantActor {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API token.');
  if (!actor.campaignId) throw new AppError('NO_CAMPAIGN_SELECTED', 'Choose a campaign first.');
  if (permission && !actor.permissions.has(permission)) {
    if (actor.kind === 'token') {
      throw new AppError('TOKEN_SCOPE_MISSING', `This token lacks the scope ${permission}.`, {
        required_scope: permission,
      });
    }
    throw new AppError('FORBIDDEN', 'Your role does not allow this action.');
  }
  return actor as TenantActor;
}

export const authPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    request.actor = await resolveActor(app, request);
    const actor = request.actor;
    if (actor?.kind === 'session' && UNSAFE_METHODS.has(request.method) && !CSRF_EXEMPT.has(request.routeOptions.url ?? '')) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
        throw new AppError('CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header.');
      }
    }
  });
  app.decorate('resolveActor', async (request: FastifyRequest) => {
    request.actor = await resolveActor(app, request);
  });
});
