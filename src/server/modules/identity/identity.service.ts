// Use cases of staff identity: sign-in with lockout, sessions, password reset, members, API tokens.
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db, Trx } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { hashSecret, newSecret } from '../../lib/secrets.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { canAssignRole, clientKeyOf, grantableScopes, passwordProblem, type TokenScope } from './identity.policy.ts';
import * as repo from './identity.repo.ts';
import { notifyTokenChange } from './token-changes.ts';

// Argon2id (Algorithm.Argon2id = 2; a const enum, so written as its value) with OWASP's parameters.
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
const RESET_TTL_MINUTES = 60;
const INVITE_TTL_MINUTES = 7 * 24 * 60;
// Verified against when the e-mail is unknown, so that timing does not reveal which accounts exist.
let dummyHash: Promise<string> | null = null;

/** Hashes a password with Argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

function assertPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('WEAK_PASSWORD', problem);
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface LoginResult {
  sessionToken: string;
  userId: string;
}

async function auditForUser(
  db: Db,
  userId: string,
  entry: { action: string; label: string; ip: string | null; details?: Record<string, unknown> },
) {
  const campaigns = await repo.listUserCampaigns(db, userId);
  await insertAuditEvents(
    db,
    campaigns.map((c) => ({
      campaignId: c.id,
      action: entry.action,
      actorUserId: userId,
      actorLabel: entry.label,
      targetType: 'staff_user',
      targetId: userId,
      ip: entry.ip,
      details: entry.details ?? {},
    })),
  );
}

function lockedProblem(lockedUntil: Date): AppError {
  const minutes = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 60_000));
  return new AppError('ACCOUNT_LOCKED', `Too many failed sign-ins for this e-mail from your address: try again in ${minutes} min.`, {
    retry_after_minutes: minutes,
  });
}

/**
 * Checks a password, applies the lockout policy and opens a session. Failures are counted per
 * (e-mail, client address), for unknown e-mails too, and the password is always verified (against
 * a dummy hash when there is no account), so neither the answer nor its time says whether an
 * account exists, and a lock stops a guesser without locking the owner out from elsewhere.
 */
export async function login(
  db: Db,
  config: Pick<Config, 'loginMaxFailures' | 'loginLockMinutes' | 'sessionTtlHours'>,
  input: { email: string; password: string },
  meta: RequestMeta,
): Promise<LoginResult> {
  const email = input.email.trim();
  const key = { email: email.toLowerCase(), client: clientKeyOf(meta.ip) };
  const user = await repo.findUserByEmail(db, email);
  const lockedUntil = await repo.findLoginLock(db, key);
  dummyHash ??= hashPassword('not-a-real-password-0');
  const ok = await verify(user?.password_hash ?? (await dummyHash), input.password).catch(() => false);
  if (lockedUntil) throw lockedProblem(lockedUntil);
  if (!user || !ok) {
    const counted = await repo.recordLoginFailure(db, key, {
      maxFailures: config.loginMaxFailures,
      windowMinutes: config.loginLockMinutes,
    });
    if (user) {
      await auditForUser(db, user.id, {
        action: counted.locked_until ? 'auth.locked' : 'auth.login_failed',
        label: user.email,
        ip: meta.ip,
        details: { failed_logins: counted.failures },
      });
    }
    if (counted.locked_until) throw lockedProblem(counted.locked_until);
    throw new AppError('INVALID_CREDENTIALS', 'Wrong e-mail or password.');
  }
  if (user.disabled_at) throw new AppError('ACCOUNT_DISABLED', 'This account is disabled.');
  const campaigns = await repo.listUserCampaigns(db, user.id);
  const sessionToken = newSecret();
  await db.transaction().execute(async (trx) => {
    await repo.clearLoginFailures(trx, key.email, key.client);
    await trx
      .insertInto('session')
      .values({
        id: uuidv7(),
        token_hash: hashSecret(sessionToken),
        user_id: user.id,
        campaign_id: campaigns[0]?.id ?? null,
        csrf_token: newSecret('', 24),
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 400) ?? null,
        expires_at: new Date(Date.now() + config.sessionTtlHours * 3600_000),
      })
      .execute();
  });
  await auditForUser(db, user.id, { action: 'auth.login', label: user.email, ip: meta.ip });
  return { sessionToken, userId: user.id };
}

/** Ends one session. */
export async function logout(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', sessionId).execute();
}

/** Ends every session of a user (logout everywhere). */
export async function logoutEverywhere(db: Db, userId: string, meta: RequestMeta, label: string): Promise<number> {
  const result = await db.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst();
  await auditForUser(db, userId, { action: 'auth.logout_all', label, ip: meta.ip });
  return Number(result.numDeletedRows);
}

/** Switches the campaign of a session, if the user is a member of it. */
export async function selectCampaign(db: Db, sessionId: string, userId: string, campaignId: string): Promise<void> {
  const member = await db
    .selectFrom('membership')
    .select('role')
    .where('user_id', '=', userId)
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  if (!member) throw notFound('campaign');
  await db.updateTable('session').set({ campaign_id: campaignId }).where('id', '=', sessionId).execute();
}

async function issueResetLink(db: Db, userId: string, ttlMinutes: number, publicUrl: string): Promise<string> {
  const token = newSecret();
  await db
    .insertInto('password_reset')
    .values({ token_hash: hashSecret(token), user_id: userId, expires_at: new Date(Date.now() + ttlMinutes * 60_000) })
    .execute();
  return `${publicUrl}/app/reset?token=${encodeURIComponent(token)}`;
}

/**
 * E-mails a one-time reset link if the account exists; says nothing either way. Callers run it off
 * the response path, so the answer's time does not depend on the account existing either.
 */
export async function requestPasswordReset(
  db: Db,
  deps: { mailer: Mailer; publicUrl: string },
  email: string,
  meta: RequestMeta,
): Promise<void> {
  const user = await repo.findUserByEmail(db, email.trim());
  if (!user || user.disabled_at) return;
  const link = await issueResetLink(db, user.id, RESET_TTL_MINUTES, deps.publicUrl);
  const fr = user.locale === 'fr';
  await deps.mailer.send({
    to: user.email,
    subject: fr ? 'Relais : réinitialisation de votre mot de passe' : 'Relais: reset your password',
    text: fr
      ? `Bonjour ${user.display_name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable ${RESET_TTL_MINUTES} minutes, une seule fois) :\n${link}\n\nSi vous n'avez rien demandé, ignorez ce message.`
      : `Hello ${user.display_name},\n\nTo choose a new password, open this link (valid ${RESET_TTL_MINUTES} minutes, once):\n${link}\n\nIf you did not ask for this, ignore this message.`,
  });
  await auditForUser(db, user.id, { action: 'auth.password_reset_requested', label: user.email, ip: meta.ip });
}

/** Sets a new password from a one-time link, and ends every session of the account. */
export async function confirmPasswordReset(db: Db, token: string, password: string, meta: RequestMeta): Promise<void> {
  assertPassword(password);
  const passwordHash = await hashPassword(password);
  const user = await db.transaction().execute(async (trx) => {
    const reset = await trx
      .updateTable('password_reset')
      .set({ used_at: sql`now()` })
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returning('user_id')
      .executeTakeFirst();
    if (!reset) throw new AppError('RESET_TOKEN_INVALID', 'This link is invalid, expired or already used.');
    const user = await trx
      .updateTable('staff_user')
      .set({ password_hash: passwordHash, password_changed_at: sql`now()` })
      .where('id', '=', reset.user_id)
      .returning(['id', 'email'])
      .executeTakeFirstOrThrow();
    await trx.deleteFrom('session').where('user_id', '=', reset.user_id).execute();
    // One link used ends every other outstanding one (older requests, an invitation).
    await trx
      .updateTable('password_reset')
      .set({ used_at: sql`now()` })
      .where('user_id', '=', reset.user_id)
      .where('used_at', 'is', null)
      .execute();
    // The owner proved control of the mailbox: sign-in locks on this e-mail, from any address, end.
    await repo.clearLoginFailures(trx, user.email);
    return user;
  });
  await auditForUser(db, user.id, { action: 'auth.password_reset', label: user.email, ip: meta.ip });
}

/** Creates a staff account (used by the CLI and the demo seed). */
export async function createUser(
  db: Db | Trx,
  input: { email: string; displayName: string; password: string; locale?: 'fr' | 'en' },
): Promise<string> {
  assertPassword(input.password);
  const existing = await repo.findUserByEmail(db, input.email);
  if (existing) throw new AppError('EMAIL_TAKEN', `An account already uses ${input.email}.`);
  const id = uuidv7();
  await db
    .insertInto('staff_user')
    .values({
      id,
      email: input.email.trim(),
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      locale: input.locale ?? 'fr',
    })
    .execute();
  return id;
}

export interface ActorRef {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  role: Role | null;
  ip: string | null;
}

async function assertZones(trx: Db | Trx, campaignId: string, role: Role, zoneIds: readonly string[]): Promise<void> {
  if (role !== 'referent') return;
  if (zoneIds.length === 0) throw new AppError('ZONE_REQUIRED', 'A referent needs at least one zone.');
  const found = await repo.findZoneSummaries(trx, campaignId, zoneIds);
  if (found.length !== new Set(zoneIds).size) throw new AppError('VALIDATION_FAILED', 'Unknown zone id in zone_ids.');
}

/**
 * Adds a member to the campaign, creating the account (with an invitation link) if needed.
 * Accounts are global, so this runs in one transaction outside row-level security, every query
 * naming the campaign explicitly; the invitation is mailed after commit. An existing account is
 * attached under the name the admin typed, and answered with only what the admin typed: nothing of
 * the account (its owner's name, whether it existed) reaches the admin; its owner is told by mail.
 */
export async function addMember(
  db: Db,
  deps: { mailer: Mailer; publicUrl: string },
  actor: ActorRef,
  input: { email: string; displayName: string; role: Role; zoneIds: string[]; password?: string | undefined },
) {
  if (!actor.role || !canAssignRole(actor.role, input.role)) {
    throw new AppError('FORBIDDEN', `Your role cannot give the role ${input.role}.`);
  }
  if (input.password !== undefined) assertPassword(input.password);
  const { userId, invite, existed } = await db.transaction().execute(async (trx) => {
    await assertZones(trx, actor.campaignId, input.role, input.zoneIds);
    let user = await repo.findUserByEmail(trx, input.email.trim());
    const existed = user !== undefined;
    let invite = false;
    if (!user) {
      const id = await createUser(trx, {
        email: input.email,
        displayName: input.displayName,
        password: input.password ?? newSecret('', 24),
      });
      user = await repo.findUserById(trx, id);
      invite = input.password === undefined;
    }
    if (!user) throw new Error('user vanished');
    if (await repo.findMember(trx, actor.campaignId, user.id)) {
      throw new AppError('CONFLICT', `${input.email} is already a member of this campaign.`);
    }
    await trx
      .insertInto('membership')
      .values({
        campaign_id: actor.campaignId,
        user_id: user.id,
        role: input.role,
        zone_ids: input.role === 'referent' ? input.zoneIds : [],
        display_name: input.displayName,
      })
      .execute();
    await insertAuditEvents(trx, [
      {
        campaignId: actor.campaignId,
        action: 'member.added',
        actorUserId: actor.userId,
        actorTokenId: actor.tokenId,
        actorLabel: actor.label,
        targetType: 'staff_user',
        targetId: user.id,
        ip: actor.ip,
        details: { email: input.email.trim(), role: input.role, zone_ids: input.zoneIds },
      },
    ]);
    return { userId: user.id, invite, existed };
  });
  if (invite) {
    const user = await repo.findUserById(db, userId);
    if (user) {
      const link = await issueResetLink(db, user.id, INVITE_TTL_MINUTES, deps.publicUrl);
      await deps.mailer.send({
        to: user.email,
        campaignId: actor.campaignId,
        subject: 'Relais : vous êtes invité·e à rejoindre la campagne',
        text: `Bonjour ${user.display_name},\n\n${actor.label} vous a ajouté·e à l'équipe de campagne sur Relais.\nChoisissez votre mot de passe avec ce lien (valable 7 jours) :\n${link}\n`,
      });
    }
  }
  if (existed) {
    const [user, campaign] = [await repo.findUserById(db, userId), await repo.findCampaign(db, actor.campaignId)];
    if (user && campaign) {
      const fr = user.locale === 'fr';
      await deps.mailer.send({
        to: user.email,
        campaignId: actor.campaignId,
        subject: fr
          ? `Relais : vous avez été ajouté·e à la campagne ${campaign.name}`
          : `Relais: you were added to the campaign ${campaign.name}`,
        text: fr
          ? `Bonjour,\n\n${actor.label} vous a ajouté·e à l'équipe de la campagne « ${campaign.name} » sur Relais, avec votre compte existant.\nElle apparaît dans la liste de vos campagnes quand vous vous connectez : ${deps.publicUrl}/app/\n\nSi vous ne connaissez pas cette campagne, signalez-le à son équipe ou ignorez ce message.`
          : `Hello,\n\n${actor.label} added you to the team of the campaign "${campaign.name}" on Relais, with your existing account.\nIt is in your list of campaigns when you sign in: ${deps.publicUrl}/app/\n\nIf you do not know this campaign, tell its team or ignore this message.`,
      });
    }
  }
  return repo.findMember(db, actor.campaignId, userId);
}

/** Changes a member's role and zones. */
export async function updateMember(
  trx: Trx,
  actor: ActorRef,
  userId: string,
  input: { role?: Role | undefined; zoneIds?: string[] | undefined },
) {
  const member = await repo.findMember(trx, actor.campaignId, userId);
  if (!member) throw notFound('member');
  const role = input.role ?? member.role;
  const zoneIds = role === 'referent' ? (input.zoneIds ?? member.zone_ids) : [];
  if (!actor.role || !canAssignRole(actor.role, member.role) || !canAssignRole(actor.role, role)) {
    throw new AppError('FORBIDDEN', `Your role cannot change a member to or from ${role}.`);
  }
  if (member.role === 'owner' && role !== 'owner' && (await repo.countOwners(trx, actor.campaignId)) <= 1) {
    throw new AppError('LAST_OWNER', 'A campaign keeps at least one owner.');
  }
  await assertZones(trx, actor.campaignId, role, zoneIds);
  await trx
    .updateTable('membership')
    .set({ role, zone_ids: zoneIds })
    .where('campaign_id', '=', actor.campaignId)
    .where('user_id', '=', userId)
    .execute();
  // The member's tokens follow the new role and zones: every instance reads them again.
  await notifyTokenChange(trx, { userId, campaignId: actor.campaignId });
  await insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action: 'member.role_changed',
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'staff_user',
      targetId: userId,
      ip: actor.ip,
      details: { email: member.email, from: { role: member.role, zone_ids: member.zone_ids }, to: { role, zone_ids: zoneIds } },
    },
  ]);
  return repo.findMember(trx, actor.campaignId, userId);
}

/** Removes a member from the campaign (the account stays, their sessions lose this campaign). */
export async function removeMember(trx: Trx, actor: ActorRef, userId: string): Promise<void> {
  const member = await repo.findMember(trx, actor.campaignId, userId);
  if (!member) throw notFound('member');
  if (!actor.role || !canAssignRole(actor.role, member.role)) throw new AppError('FORBIDDEN', 'Your role cannot remove this member.');
  if (member.role === 'owner' && (await repo.countOwners(trx, actor.campaignId)) <= 1) {
    throw new AppError('LAST_OWNER', 'A campaign keeps at least one owner.');
  }
  await trx.deleteFrom('membership').where('campaign_id', '=', actor.campaignId).where('user_id', '=', userId).execute();
  // Their tokens died with the membership (the lookup joins it): every instance forgets them.
  await notifyTokenChange(trx, { userId, campaignId: actor.campaignId });
  await insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action: 'member.removed',
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'staff_user',
      targetId: userId,
      ip: actor.ip,
      details: { email: member.email, role: member.role },
    },
  ]);
}

/** Creates an API token; the secret is returned once and only its hash is kept. */
export async function createApiToken(
  trx: Trx,
  actor: ActorRef & { zoneScope: string[] | null },
  input: {
    name: string;
    scopes: TokenScope[];
    expiresAt?: Date | null;
    /** The application the token is for (defaults to its name). */
    application?: string;
    description?: string;
    /** Requests a minute; null or absent = the deployment's API_TOKEN_RATE_LIMIT. */
    rateLimitPerMinute?: number | null;
  },
) {
  const allowed = actor.role ? grantableScopes(actor.role) : [];
  const refused = input.scopes.filter((s) => !allowed.includes(s));
  if (refused.length > 0) throw new AppError('FORBIDDEN', `Your role cannot grant: ${refused.join(', ')}.`);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
    throw new AppError('TOKEN_EXPIRY_IN_PAST', 'expires_at must be in the future.', { expires_at: input.expiresAt.toISOString() });
  }
  const token = newSecret('rl_');
  const id = uuidv7();
  const row = await trx
    .insertInto('api_token')
    .values({
      campaign_id: actor.campaignId,
      id,
      name: input.name,
      application: input.application?.trim() || input.name,
      description: input.description ?? '',
      rate_limit_per_minute: input.rateLimitPerMinute ?? null,
      token_hash: hashSecret(token),
      prefix: token.slice(0, 9),
      scopes: [...new Set(input.scopes)],
      // A referent's token is limited to the referent's zones.
      zone_ids: actor.zoneScope ?? [],
      created_by: actor.userId,
      expires_at: input.expiresAt ?? null,
    })
    .returning(TOKEN_COLUMNS)
    .executeTakeFirstOrThrow();
  await insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action: 'token.created',
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'api_token',
      targetId: id,
      ip: actor.ip,
      details: { name: input.name, application: row.application, scopes: input.scopes },
    },
  ]);
  const owner = actor.userId
    ? await trx.selectFrom('staff_user').select('display_name').where('id', '=', actor.userId).executeTakeFirst()
    : null;
  return { ...row, created_by_name: owner?.display_name ?? null, token };
}

// What the API shows of a token (never its hash).
const TOKEN_COLUMNS = [
  'id',
  'application',
  'name',
  'description',
  'prefix',
  'scopes',
  'zone_ids',
  'rate_limit_per_minute',
  'created_by',
  'created_at',
  'last_used_at',
  'revoked_at',
  'expires_at',
] as const;

/** Lists the campaign's tokens (never their secrets), by application, newest first within one. */
export function listApiTokens(trx: Trx) {
  return trx
    .selectFrom('api_token as t')
    .leftJoin('staff_user as u', 'u.id', 't.created_by')
    .select([...TOKEN_COLUMNS.map((c) => `t.${c}` as const), 'u.display_name as created_by_name'])
    .orderBy('t.application')
    .orderBy('t.created_at', 'desc')
    .execute();
}

/** Revokes a token at once. */
export async function revokeApiToken(trx: Trx, actor: ActorRef, id: string): Promise<void> {
  const row = await trx
    .updateTable('api_token')
    .set({ revoked_at: sql`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returning(['name'])
    .executeTakeFirst();
  if (!row) throw notFound('API token');
  await notifyTokenChange(trx, { tokenId: id });
  await insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action: 'token.revoked',
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'api_token',
      targetId: id,
      ip: actor.ip,
      details: { name: row.name },
    },
  ]);
}
