// Who is calling: resolves the actor of each request (session cookie or API token), enforces CSRF
// on cookie-authenticated writes, and offers requireActor(request, permission) to handlers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Trx } from '../db/database.ts';
import { type TenantLimits, withTenant } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import { hashSecret, safeEqual } from '../lib/secrets.ts';
// Type-only: the identity module hands its look-ups to authPlugin (app.ts), so http/ imports no module.
import type { ActorDirectory, Permission, TokenScope } from '../modules/identity/index.ts';
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
  /** A token's scopes (`people:read`…), within what its creator holds; null when not limited by scopes (sessions). */
  scopes: ReadonlySet<TokenScope> | null;
  /** A token's own rate limit (requests a minute), null for the deployment's default. */
  rateLimitPerMinute: number | null;
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
    /** This instance's look-ups of actors (and its token cache). */
    actorDirectory: ActorDirectory;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Routes that do not act on the current session: a stale cookie must not block them.
const CSRF_EXEMPT = new Set(['/api/v1/auth/login', '/api/v1/auth/password-reset', '/api/v1/auth/password-reset/confirm']);
const TOKEN_TOUCH_MS = 60_000;
const SESSION_TOUCH_MS = 5 * 60_000;
const tokenTouchedAt = new Map<string, number>();

/** The query parameter OSDI allows for the token (its name is case-insensitive). */
const QUERY_TOKEN = /(^|[?&])osdi-api-token=[^&#]*/gi;

/**
 * The API token a request carries, wherever OSDI and we allow it: `OSDI-API-Token` header,
 * `Authorization: Bearer`, or the `osdi-api-token` query parameter (any case).
 */
function bearerOf(request: FastifyRequest): string | null {
  const osdi = request.headers['osdi-api-token'];
  if (typeof osdi === 'string' && osdi) return osdi.trim();
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const query = request.query as Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(query ?? {})) {
    if (name.toLowerCase() !== 'osdi-api-token') continue;
    const token = Array.isArray(value) ? value[0] : value;
    if (typeof token === 'string' && token) return token.trim();
  }
  return null;
}

/** A URL without its `osdi-api-token` query parameter: what logs and links may repeat. */
export function withoutQueryToken(url: string): string {
  if (!/osdi-api-token/i.test(url)) return url;
  return url
    .replace(QUERY_TOKEN, '$1')
    .replace(/\?&+/, '?')
    .replace(/[?&]+$/, '')
    .replace(/&&+/g, '&');
}

/**
 * What a token may do: its scopes and zones, within what its creator holds now (a creator demoted
 * or moved to other zones takes their tokens along: a scope stands for a permission, kept only
 * while the creator holds it). An operator's token (no creator) has its own.
 */
function tokenReach(
  token: NonNullable<Awaited<ReturnType<ActorDirectory['activeToken']>>>,
  { permissionsOf, permissionOfScope, zoneScopeOf }: ActorDirectory,
) {
  const own = token.zone_ids.length > 0 ? token.zone_ids : null;
  const held = token.creator_role ? new Set(permissionsOf(token.creator_role)) : null;
  const scopes = new Set<TokenScope>();
  const permissions = new Set<Permission>();
  for (const scope of token.scopes as TokenScope[]) {
    const permission = permissionOfScope(scope);
    if (!permission || (held && !held.has(permission))) continue;
    scopes.add(scope);
    permissions.add(permission);
  }
  if (!token.creator_role) return { scopes, permissions, zoneScope: own };
  const live = zoneScopeOf(token.creator_role, token.creator_zone_ids ?? []);
  return { scopes, permissions, zoneScope: own && live ? own.filter((id) => live.includes(id)) : (own ?? live) };
}

/** The authenticated actor of a request (throws on a bad token, returns null when anonymous). */
async function resolveActor(app: FastifyInstance, request: FastifyRequest, directory: ActorDirectory): Promise<Actor | null> {
  const { db } = app.deps.database;
  const bearer = bearerOf(request);
  if (bearer !== null) {
    const token = bearer.startsWith(TOKEN_PREFIX) ? await directory.activeToken(db, hashSecret(bearer)) : undefined;
    if (!token) throw new AppError('TOKEN_INVALID', 'The API token is unknown, revoked or expired.');
    const now = Date.now();
    const last = tokenTouchedAt.get(token.id) ?? token.last_used_at?.getTime() ?? 0;
    if (now - last > TOKEN_TOUCH_MS) {
      tokenTouchedAt.set(token.id, now);
      await directory.touchToken(db, token.campaign_id, token.id);
    }
    const { scopes, permissions, zoneScope } = tokenReach(token, directory);
    return {
      kind: 'token',
      userId: null,
      tokenId: token.id,
      label: `token:${token.name}`,
      campaignId: token.campaign_id,
      role: null,
      permissions,
      scopes,
      rateLimitPerMinute: token.rate_limit_per_minute,
      zoneScope,
      sessionId: null,
      csrfToken: null,
      locale: 'fr',
    };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const row = await directory.findSessionByTokenHash(db, hashSecret(cookie));
  if (!row || row.disabled_at) return null;
  if (Date.now() - row.last_seen_at.getTime() > SESSION_TOUCH_MS) {
    await directory.touchSession(db, row.session_id, new Date(Date.now() + app.deps.config.sessionTtlHours * 3600_000));
  }
  const role = row.role ?? null;
  return {
    kind: 'session',
    userId: row.user_id,
    tokenId: null,
    label: row.email,
    campaignId: role ? row.campaign_id : null,
    role,
    permissions: new Set(role ? directory.permissionsOf(role) : []),
    scopes: null,
    rateLimitPerMinute: null,
    zoneScope: role ? directory.zoneScopeOf(role, row.zone_ids ?? []) : null,
    sessionId: row.session_id,
    csrfToken: row.csrf_token,
    locale: row.locale,
  };
}

/**
 * Throws unless the request carries an actor with a campaign and what the route needs: a token
 * scope (`people:read`: a session passes when its role holds the permission the scope stands for,
 * a token when it carries the scope), or a permission that no token scope opens (`users.manage`).
 */
export function requireActor(request: FastifyRequest, need?: TokenScope | Permission): TenantActor {
  const actor = request.actor;
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send an API token.');
  if (!actor.campaignId) throw new AppError('NO_CAMPAIGN_SELECTED', 'Choose a campaign first.');
  if (!need) return actor as TenantActor;
  const scopePermission = request.server.actorDirectory.permissionOfScope(need);
  const permission = scopePermission ?? (need as Permission);
  const scoped = actor.scopes !== null && scopePermission !== undefined;
  if (scoped ? !actor.scopes?.has(need as TokenScope) : !actor.permissions.has(permission)) {
    if (actor.scopes !== null) {
      const detail = scopePermission
        ? `This token lacks the scope ${need}: create a token with it in the back office (Paramètres › Jetons d'API).`
        : `API tokens cannot do this (${need} is for signed-in staff only).`;
      throw new AppError('TOKEN_SCOPE_MISSING', detail, { required_scope: scopePermission ? need : null });
    }
    throw new AppError('FORBIDDEN', 'Your role does not allow this action.');
  }
  return actor as TenantActor;
}

/** withTenant for a request: the actor's campaign, with the request's bounds (statement timeout). */
export function inTenant<T>(
  app: FastifyInstance,
  actor: TenantActor,
  fn: (trx: Trx) => Promise<T>,
  options: { oneRead?: boolean } = {},
): Promise<T> {
  return withTenant(app.deps.database.db, actor.campaignId, fn, { ...options, ...requestLimits(app) });
}

/** The bounds of every tenant transaction a request runs (the configured statement timeout). */
export function requestLimits(app: FastifyInstance): TenantLimits {
  return { statementTimeoutMs: app.deps.config.statementTimeoutMs };
}

/** Resolves each API request's actor and checks CSRF; the identity module's look-ups come as `directory`. */
export const authPlugin = fp(async (app: FastifyInstance, { directory }: { directory: ActorDirectory }) => {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (!request.url.startsWith('/api/')) return;
    // A one-time upload link (media's tus uploads) is the request's only credential: a session
    // cookie the same browser carries is ignored (the link's page cannot send its CSRF token). The
    // header cannot be sent cross-site without a CORS preflight, which this API never grants.
    if (request.headers['upload-link'] !== undefined) {
      request.actor = null;
      return;
    }
    request.actor = await resolveActor(app, request, directory);
    const actor = request.actor;
    if (actor?.kind === 'session' && UNSAFE_METHODS.has(request.method) && !CSRF_EXEMPT.has(request.routeOptions.url ?? '')) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !actor.csrfToken || !safeEqual(sent, actor.csrfToken)) {
        throw new AppError('CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header.');
      }
    }
  });
  app.decorate('resolveActor', async (request: FastifyRequest) => {
    request.actor = await resolveActor(app, request, directory);
  });
});
