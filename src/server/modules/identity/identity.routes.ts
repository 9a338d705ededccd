// HTTP routes of identity: sign-in, session, password reset, members and API tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { ROLES } from '../../db/schema.ts';
import { requireActor, SESSION_COOKIE } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { actorRef, metaOf } from '../../http/request-meta.ts';
import { collection, DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { grantableScopes, TOKEN_SCOPES } from './identity.policy.ts';
import * as repo from './identity.repo.ts';
import * as service from './identity.service.ts';

const Email = Type.String({ format: 'email', maxLength: 254 });
const RoleSchema = StringEnum(ROLES);
const Locale = StringEnum(['fr', 'en'] as const);
const ZoneSummary = Type.Object({ id: Uuid, code: Type.String(), name: Type.String() });

const SessionSchema = Type.Object({
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

const MemberSchema = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  display_name: Type.String(),
  role: RoleSchema,
  zone_ids: Type.Array(Uuid),
  zones: Type.Array(ZoneSummary),
  locked: Type.Boolean(),
  created_at: DateTime,
});

const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  created_at: DateTime,
  last_used_at: Nullable(DateTime),
  revoked_at: Nullable(DateTime),
  expires_at: Nullable(DateTime),
  created_by_name: Type.Optional(Nullable(Type.String())),
});

const ScopeId = StringEnum(TOKEN_SCOPES.map((s) => s.id));

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

async function withZones(app: FastifyInstance, campaignId: string, members: Awaited<ReturnType<typeof repo.listMembers>>) {
  const ids = [...new Set(members.flatMap((m) => m.zone_ids))];
  const zones = await repo.findZoneSummaries(app.deps.database.db, campaignId, ids);
  const byId = new Map(zones.map((z) => [z.id, z]));
  return members.map((m) => ({ ...m, zones: m.zone_ids.flatMap((id) => byId.get(id) ?? []) }));
}

export const identityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.deps.database;

  app.post(
    '/auth/login',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password (opens a cookie session)',
        body: Type.Object({
          email: Type.String({ minLength: 1, maxLength: 254 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: { 200: SessionSchema, ...problems(400, 401, 403, 423, 429) },
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
      config: { rateLimit: { max: 5, timeWindow: '15 minutes' } },
      schema: {
        tags: ['auth'],
        summary: 'E-mail a one-time password reset link (answers 202 whether or not the account exists)',
        body: Type.Object({ email: Email }),
        response: { 202: Type.Object({ status: Type.Literal('accepted') }), ...problems(400, 429) },
      },
    },
    async (request, reply) => {
      await service.requestPasswordReset(
        db,
        { mailer: app.deps.mailer, publicUrl: app.deps.config.publicUrl },
        request.body.email,
        metaOf(request),
      );
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/auth/password-reset/confirm',
    {
      config: { rateLimit: { max: 20, timeWindow: '15 minutes' } },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset link token; ends every session',
        body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }), password: Type.String({ maxLength: 200 }) }),
        response: { 204: NoContent, ...problems(400, 429) },
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
        body: Type.Object({ campaign_id: Uuid }),
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
        body: Type.Object({ locale: Type.Optional(Locale), display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })) }),
        response: {
          200: Type.Object({ id: Uuid, email: Type.String(), display_name: Type.String(), locale: Locale }),
          ...problems(400, 401),
        },
      },
    },
    async (request) => {
      const actor = request.actor;
      if (!actor?.userId) throw new AppError('UNAUTHENTICATED', 'Not signed in.');
      const { locale, display_name } = request.body;
      return db
        .updateTable('staff_user')
        .set({ ...(locale ? { locale } : {}), ...(display_name ? { display_name } : {}) })
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
      const members = await withTenant(app.deps.database.db, actor.campaignId, (trx) => repo.listMembers(trx, actor.campaignId));
      return { total_records: members.length, _embedded: { members: await withZones(app, actor.campaignId, members) } };
    },
  );

  app.post(
    '/members',
    {
      schema: {
        tags: ['team'],
        summary: 'Add a member (creates the account and e-mails an invitation when no password is given)',
        body: Type.Object({
          email: Email,
          display_name: Type.String({ minLength: 1, maxLength: 120 }),
          role: RoleSchema,
          zone_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50 })),
          password: Type.Optional(Type.String({ maxLength: 200 })),
        }),
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
        body: Type.Object({ role: Type.Optional(RoleSchema), zone_ids: Type.Optional(Type.Array(Uuid, { maxItems: 50 })) }),
        response: { 200: MemberSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      const member = await withTenant(app.deps.database.db, actor.campaignId, (trx) =>
        service.updateMember(trx, actorRef(request, actor), request.params.user_id, {
          role: request.body.role,
          zoneIds: request.body.zone_ids,
        }),
      );
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
      await withTenant(app.deps.database.db, actor.campaignId, (trx) =>
        service.removeMember(trx, actorRef(request, actor), request.params.user_id),
      );
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api_tokens/scopes',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Scopes you may grant to a token',
        response: {
          200: Type.Object({
            scopes: Type.Array(Type.Object({ id: Type.String(), description_fr: Type.String(), description_en: Type.String() })),
          }),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'tokens.manage');
      const allowed = actor.role ? grantableScopes(actor.role) : [];
      return {
        scopes: TOKEN_SCOPES.filter((s) => allowed.includes(s.id)).map((s) => ({ id: s.id, description_fr: s.fr, description_en: s.en })),
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
      const tokens = await withTenant(app.deps.database.db, actor.campaignId, (trx) => service.listApiTokens(trx));
      return { total_records: tokens.length, _embedded: { api_tokens: tokens } };
    },
  );

  app.post(
    '/api_tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this response only',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 120 }),
          scopes: Type.Array(ScopeId, { minItems: 1, maxItems: 20 }),
          expires_at: Type.Optional(DateTime),
        }),
        response: { 201: Type.Intersect([TokenSchema, Type.Object({ token: Type.String() })]), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'tokens.manage');
      const created = await withTenant(app.deps.database.db, actor.campaignId, (trx) =>
        service.createApiToken(trx, actorRef(request, actor), {
          name: request.body.name,
          scopes: request.body.scopes,
          expiresAt: request.body.expires_at ? new Date(request.body.expires_at) : null,
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
      await withTenant(app.deps.database.db, actor.campaignId, (trx) =>
        service.revokeApiToken(trx, actorRef(request, actor), request.params.id),
      );
      return reply.status(204).send(null);
    },
  );
};
