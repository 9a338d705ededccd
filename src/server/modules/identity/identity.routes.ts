// HTTP routes of identity: sign-in, session, password reset, members and API tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ROLES } from '../../db/schema.ts';
import { inTenant, requireActor, SESSION_COOKIE } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { actorRef, metaOf } from '../../http/request-meta.ts';
import { collection, DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { clientKeyOf, grantableScopes, type TokenScope, tokenScopes } from './identity.policy.ts';
import * as repo from './identity.repo.ts';
import * as service from './identity.service.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const RoleSchema = StringEnum(ROLES);
const Locale = StringEnum(['fr', 'en'] as const);
const ZoneSummary = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });

export const SessionSchema = Type.Object({
  user: Type.Object({ id: Uuid, email: Type.String(), display_name: Type.String(), locale: Locale }),
  csrf_token: Type.String(),
  campaign: Nullable(
    Type.Object({
      id: Uuid,
      slug: Type.String(),
      name: Type.String(),
      city: Type.String(),
      election_date: Nullable(Type.String()),
      settings: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
  role: Nullable(RoleSchema),
  zones: Type.Array(ZoneSummary),
  permissions: Type.Array(Type.String()),
  campaigns: Type.Array(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), role: RoleSchema })),
});

export const MemberSchema = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  zone_ids: Type.Array(Uuid),
  zones: Type.Array(ZoneSummary),
  locked: Type.Boolean(),
  created_at: DateTime,
});

export const TokenSchema = Type.Object({
  id: Uuid,
  /** The application the token is for: the list groups tokens by it. */
  application: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** The secret's first characters, to recognise it. */
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  /** Zones the token is limited to (its creator's, for a referent); empty = the whole campaign. */
  zone_ids: Type.Array(Uuid),
  /** Requests a minute; null = the deployment's default (API_TOKEN_RATE_LIMIT). */
  rate_limit_per_minute: Nullable(Type.Integer()),
  /** The owner: the staff member who created it (null for the operator's tokens, made by the CLI). */
  created_by: Nullable(Uuid),
  created_by_name: Nullable(Type.String()),
  created_at: DateTime,
  last_used_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
  expires_at: Nullable(DateTime),
});

export const LoginBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 200 }),
});
export const ResetRequestBody = Type.Object({ email: Email });
export const CampaignSwitchBody = Type.Object({ campaign_id: Uuid });
export const ResetConfirmBody = Type.Object({
  token: Type.String({ minLength: 10, maxLength: 200 }),
  password: Type.String({ maxLength: 200 }),
});
export const MePatch = Type.Object({
  locale: Type.Optional(Locale),
  display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
});
export const MemberInput = Type.Object({
  email: Email,
  display_name: Type.String({ minLength: 1, maxLength: 120 }),
  role: RoleSchema,
  zone_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
  password: Type.Optional(Type.String({ maxLength: 200 })),
});
export const MemberPatch = Type.Object({ role: Type.Optional(RoleSchema), zone_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50 })) });
/** A created token: the only answer that holds its secret. */
export const TokenCreatedSchema = Type.Intersect([TokenSchema, Type.Object({ token: Type.String() })]);

/**
 * The token routes' schemas that name scopes: built when the routes register, since the scopes come
 * from the list of modules, which imports this file. The web derives its types from the return type.
 */
export function tokenScopeSchemas() {
  const ScopeId = StringEnum(tokenScopes().map((s) => s.id) as TokenScope[]);
  return {
    TokenScopesSchema: Type.Object({
      scopes: Type.Array(
        Type.Object({
          id: ScopeId,
          /** The resource and action of `<resource>:<action>`, for grouping. */
          resource: Type.String(),
          action: Type.String(),
          description_fr: Type.String(),
          description_en: Type.String(),
        }),
      ),
    }),
    TokenInput: Type.Object({
      /** The application the token is for (defaults to its name). */
      application: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
      name: Type.String({ minLength: 1, maxLength: 120 }),
      description: Type.Optional(Type.String({ maxLength: 1000 })),
      scopes: Type.Array(ScopeId, { minItems: 1, maxItems: 50 }),
      expires_at: Type.Optional(DateTime),
      rate_limit_per_minute: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
    }),
  };
}
// Sign-in and reset limits count per client like the lockout does (an IPv6 client per /64).
const clientKeyOfRequest = (request: FastifyRequest) => clientKeyOf(request.ip);

/**
 * Sign-in and reset are exempt from the session's CSRF token (no session yet), so they refuse what
 * another site can make a browser send: a form (only JSON is read, which a cross-site page cannot
 * send without a CORS preflight that is never granted), and any request the browser marks as coming
 * from another site (Sec-Fetch-Site) or whose Origin is neither this host nor PUBLIC_URL's.
 */
function refuseCrossSite(app: FastifyInstance) {
  const publicHost = new URL(app.deps.config.publicUrl).hostname;
  // Host names only: ports are written or implied differently in Origin and Host.
  const hostnameOf = (value: string, prefix = ''): string | null => {
    try {
      return new URL(prefix + value).hostname || null;
    } catch {
      return null;
    }
  };
  return async (request: FastifyRequest) => {
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send a JSON body (Content-Type: application/json).');
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new AppError('CROSS_SITE_REQUEST', 'Sign in from this site only.');
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      // "null" (an opaque origin) or garbage has no host name and is refused.
      const host = hostnameOf(origin);
      if (!host || (host !== hostnameOf(request.headers.host ?? '', 'http://') && host !== publicHost)) {
        throw new AppError('CROSS_SITE_REQUEST', 'Sign in from this site only.');
      }
    }
  };
}

function sessionCookieOptions(app: FastifyInstance) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: app.deps.config.cookieSecure,
    maxAge: app.deps.config.sessionTtlHours * 3600,
  };
}

/** The session document of the signed-in user (what the back office boots from). */
async function sessionDocument(app: FastifyInstance, request: FastifyRequest) {
  const actor = request.actor;
  if (actor?.kind !== 'session' || !actor.userId) {
    throw new AppError('UNAUTHENTICATED', 'Not signed in.');
  }
  const { db } = app.deps.database;
  const [user, campaigns, campaign] = await Promise.all([
    repo.findUserById(db, actor.userId),
    repo.listUserCampaigns(db, actor.userId),
    actor.campaignId ? repo.findCampaign(db, actor.campaignId) : undefined,
  ]);
  if (!user) throw new AppError('UNAUTHENTICATED', 'Not signed in.');
  const zones = actor.campaignId && actor.zoneScope ? await repo.findZoneSummaries(db, actor.campaignId, actor.zoneScope) : [];
  return {
    user: { id: user.id, email: user.email, display_name: user.display_name, locale: user.locale },
    csrf_token: actor.csrfToken ?? '',
    campaign: campaign ?? null,
    role: actor.role,
    zones,
    permissions: [...actor.permissions],
    campaigns,
  };
}

/** Members as the API shows them: with their zones, and whether sign-ins on their e-mail are locked somewhere. */
async function withZones(app: FastifyInstance, campaignId: string, members: Awaited<ReturnType<typeof repo.listMembers>>) {
  const { db } = app.deps.database;
  const ids = [...new Set(members.flatMap((m) => m.zone_ids))];
  const zones = await repo.findZoneSummaries(db, campaignId, ids);
  // Read outside row-level security: login_throttle is global and closed to the request role.
  const locked = await repo.lockedEmails(
    db,
    members.map((m) => m.email),
  );
  const byId = new Map(zones.map((z) => [z.id, z]));
  return members.map((m) => ({
    ...m,
    zones: m.zone_ids.flatMap((id) => byId.get(id) ?? []),
    locked: locked.has(m.email.toLowerCase()),
  }));
}

export const identityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { TokenScopesSchema, TokenInput } = tokenScopeSchemas();
  const { db } = app.deps.database;
  const crossSiteGuard = refuseCrossSite(app);
  // Reset requests still being handled after their answer; closing the app waits for them.
  const pendingResets = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...pendingResets]);
  });

  app.post(
    '/auth/login',
    {
      onRequest: crossSiteGuard,
      config: { rateLimit: { max: 20, timeWindow: '1 minute', keyGenerator: clientKeyOfRequest } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password (opens a cookie session)',
        body: LoginBody,
        response: { 200: SessionSchema, ...problems(400, 401, 403, 415, 423, 429) },
      },
    },
    async (request, reply) => {
      const { sessionToken } = await service.login(db, app.deps.config, request.body, metaOf(request));
      reply.setCookie(SESSION_COOKIE, sessionToken, sessionCookieOptions(app));
      // Resolve the new session as the actor, to answer with the same document as GET /session.
      request.cookies[SESSION_COOKIE] = sessionToken;
      await app.resolveActor(request);
      return sessionDocument(app, request);
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End this session', response: { 204: NoContent } } },
    async (request, reply) => {
      if (request.actor?.sessionId) await service.logout(db, request.actor.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/logout-all',
    { schema: { tags: ['auth'], summary: 'End every session of my account', response: { 204: NoContent, ...problems(401) } } },
    async (request, reply) => {
      const actor = request.actor;
      if (!actor?.userId) throw new AppError('UNAUTHENTICATED', 'Not signed in.');
      await service.logoutEverywhere(db, actor.userId, metaOf(request), actor.label);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/auth/password-reset',
    {
      onRequest: crossSiteGuard,
      config: { rateLimit: { max: 5, timeWindow: '15 minutes', keyGenerator: clientKeyOfRequest } },
      schema: {
        tags: ['auth'],
        summary: 'E-mail a one-time password reset link (answers 202 whether or not the account exists)',
        body: ResetRequestBody,
        response: { 202: Type.Object({ status: Type.Literal('accepted') }), ...problems(400, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      // Answered before any lookup: whether the account exists (a link written, a mail sent) must
      // not show in the time of the answer. A crash in between loses one mail; the user asks again.
      const work = service
        .requestPasswordReset(db, { mailer: app.deps.mailer, publicUrl: app.deps.config.publicUrl }, request.body.email, metaOf(request))
        .catch((error: unknown) => request.log.error({ err: error }, 'password reset request failed'))
        .finally(() => pendingResets.delete(work));
      pendingResets.add(work);
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      onRequest: crossSiteGuard,
      config: { rateLimit: { max: 20, timeWindow: '15 minutes', keyGenerator: clientKeyOfRequest } },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset link token; ends every session',
        body: ResetConfirmBody,
        response: { 204: NoContent, ...problems(400, 403, 415, 429) },
      },
    },
    async (request, reply) => {
      await service.confirmPasswordReset(db, request.body.token, request.body.password, metaOf(request));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, campaign, role and permissions',
        response: { 200: SessionSchema, ...problems(401) },
      },
    },
    async (request) => sessionDocument(app, request),
  );

  app.put(
    '/session/campaign',
    {
      schema: {
        tags: ['auth'],
        summary: 'Switch the campaign of this session',
        body: CampaignSwitchBody,
        response: { 200: SessionSchema, ...problems(401, 404) },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor?.sessionId || !actor.userId) throw new AppError('UNAUTHENTICATED', 'Not signed in.');
      await service.selectCampaign(db, actor.sessionId, actor.userId, request.body.campaign_id);
      await app.resolveActor(request);
      return sessionDocument(app, request);
    },
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Update my preferences',
        body: MePatch,
        response: {
          200: SessionSchema.properties.user,
          ...problems(400, 401),
        },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor?.userId) throw new AppError('UNAUTHENTICATED', 'Not signed in.');
      const { locale, display_name } = request.body;
      const changes = { ...(locale ? { locale } : {}), ...(display_name ? { display_name } : {}) };
      // An empty patch changes nothing (and an UPDATE without SET is not SQL): the account as it is.
      if (Object.keys(changes).length === 0) {
        return db
          .selectFrom('staff_user')
          .select(['id', 'email', 'display_name', 'locale'])
          .where('id', '=', actor.userId)
          .executeTakeFirstOrThrow();
      }
      return db
        .updateTable('staff_user')
        .set(changes)
        .where('id', '=', actor.userId)
        .returning(['id', 'email', 'display_name', 'locale'])
        .executeTakeFirstOrThrow();
    },
  );

  app.get(
    '/members',
    {
      schema: {
        tags: ['team'],
        summary: 'Members of the campaign and their roles',
        response: { 200: collection('members', MemberSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      const members = await inTenant(app, actor, (trx) => repo.listMembers(trx, actor.campaignId));
      return { total_records: members.length, _embedded: { members: await withZones(app, actor.campaignId, members) } };
    },
  );

  app.post(
    '/members',
    {
      schema: {
        tags: ['team'],
        summary: 'Add a member (creates the account and e-mails an invitation when no password is given)',
        body: MemberInput,
        response: { 201: MemberSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'users.manage');
      const b = request.body;
      const member = await service.addMember(
        db,
        { mailer: app.deps.mailer, publicUrl: app.deps.config.publicUrl },
        actorRef(request, actor),
        {
          email: b.email,
          displayName: b.display_name,
          role: b.role,
          zoneIds: b.zone_ids ?? [],
          password: b.password,
        },
      );
      if (!member) throw new Error('member vanished');
      const [withZ] = await withZones(app, actor.campaignId, [member]);
      return reply.status(201).send(withZ as NonNullable<typeof withZ>);
    },
  );

  app.patch(
    '/members/:user_id',
    {
      schema: {
        tags: ['team'],
        summary: "Change a member's role or zones",
        params: Type.Object({ user_id: Uuid }),
        body: MemberPatch,
        response: { 200: MemberSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      const member = await inTenant(app, actor, (trx) =>
        service.updateMember(trx, actorRef(request, actor), request.params.user_id, {
          role: request.body.role,
          zoneIds: request.body.zone_ids,
        }),
      );
      // The member's tokens follow the new role and zones; every instance hears of it at commit, this one now.
      app.actorDirectory.forget({ userId: request.params.user_id, campaignId: actor.campaignId });
      if (!member) throw new Error('member vanished');
      const [withZ] = await withZones(app, actor.campaignId, [member]);
      return withZ;
    },
  );

  app.delete(
    '/members/:user_id',
    {
      schema: {
        tags: ['team'],
        summary: 'Remove a member from the campaign',
        params: Type.Object({ user_id: Uuid }),
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'users.manage');
      await inTenant(app, actor, (trx) => service.removeMember(trx, actorRef(request, actor), request.params.user_id));
      // Their tokens died with the membership (the lookup joins it); every instance forgets them, this one now.
      app.actorDirectory.forget({ userId: request.params.user_id, campaignId: actor.campaignId });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api_tokens/scopes',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Scopes you may grant to a token',
        response: { 200: TokenScopesSchema },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'tokens.manage');
      const allowed = actor.role ? grantableScopes(actor.role) : [];
      return {
        scopes: tokenScopes()
          .filter((s) => allowed.includes(s.id))
          .map((s) => {
            const [resource = '', action = ''] = s.id.split(':');
            return { id: s.id, resource, action, description_fr: s.fr, description_en: s.en };
          }),
      };
    },
  );

  app.get(
    '/api_tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: "The campaign's API tokens (never their secrets)",
        response: { 200: collection('api_tokens', TokenSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'tokens.manage');
      const tokens = await inTenant(app, actor, (trx) => service.listApiTokens(trx));
      return { total_records: tokens.length, _embedded: { api_tokens: tokens } };
    },
  );

  app.post(
    '/api_tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this response only',
        body: TokenInput,
        response: { 201: TokenCreatedSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'tokens.manage');
      const created = await inTenant(app, actor, (trx) =>
        service.createApiToken(trx, actorRef(request, actor), {
          application: request.body.application,
          name: request.body.name,
          description: request.body.description ?? '',
          scopes: request.body.scopes,
          expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
          rateLimitPerMinute: request.body.rate_limit_per_minute ?? null,
        }),
      );
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/api_tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token at once',
        params: Type.Object({ id: Uuid }),
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'tokens.manage');
      await inTenant(app, actor, (trx) => service.revokeApiToken(trx, actorRef(request, actor), request.params.id));
      // Every instance hears of it at commit; this one forgets it before answering, whatever its listener's pace.
      app.actorDirectory.forget({ tokenId: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
