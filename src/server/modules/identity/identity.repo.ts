// Queries of the identity domain. Session, token and login lookups run outside tenant scope
// (they find the tenant); everything else takes a tenant transaction.
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';

type Q = Db | Trx;

/** The session row of a cookie token with its user and current membership, if still valid. */
export function findSessionByTokenHash(db: Q, tokenHash: Buffer) {
  return db
    .selectFrom('session as s')
    .innerJoin('staff_user as u', 'u.id', 's.user_id')
    .leftJoin('membership as m', (j) => j.onRef('m.user_id', '=', 's.user_id').onRef('m.campaign_id', '=', 's.campaign_id'))
    .select([
      's.id as session_id',
      's.csrf_token',
      's.campaign_id',
      's.last_seen_at',
      'u.id as user_id',
      'u.email',
      'u.display_name',
      'u.locale',
      'u.disabled_at',
      'm.role',
      'm.zone_ids',
    ])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/**
 * The API token row of a bearer secret, if active: not revoked or expired, and its creator still a
 * member of its campaign with an account not disabled (a token without creator is the operator's,
 * made by the CLI). The creator's live role and zones come along: a token never holds more.
 */
export function findActiveTokenByHash(db: Q, tokenHash: Buffer) {
  return db
    .selectFrom('api_token as t')
    .leftJoin('membership as m', (j) => j.onRef('m.campaign_id', '=', 't.campaign_id').onRef('m.user_id', '=', 't.created_by'))
    .leftJoin('staff_user as u', 'u.id', 't.created_by')
    .select([
      't.id',
      't.campaign_id',
      't.name',
      't.scopes',
      't.zone_ids',
      't.last_used_at',
      't.expires_at',
      't.rate_limit_per_minute',
      't.created_by',
      'm.role as creator_role',
      'm.zone_ids as creator_zone_ids',
    ])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', sql<Date>`now()`)]))
    .where((eb) => eb.or([eb('t.created_by', 'is', null), eb.and([eb('m.user_id', 'is not', null), eb('u.disabled_at', 'is', null)])]))
    .executeTakeFirst();
}

/** Marks a token as used now (called at most once a minute per token). */
export async function touchToken(db: Q, campaignId: string, id: string): Promise<void> {
  await db.updateTable('api_token').set({ last_used_at: sql`now()` }).where('campaign_id', '=', campaignId).where('id', '=', id).execute();
}

/** Extends a session's sliding expiry. */
export async function touchSession(db: Q, sessionId: string, expiresAt: Date): Promise<void> {
  await db.updateTable('session').set({ last_seen_at: sql`now()`, expires_at: expiresAt }).where('id', '=', sessionId).execute();
}

/** Where a sign-in lock or failure count is kept: the e-mail as typed (lower-cased) and the client key. */
export interface LoginThrottleKey {
  email: string;
  client: string;
}

/** The end of the running sign-in lock of an e-mail at a client address, if any. */
export async function findLoginLock(db: Q, key: LoginThrottleKey): Promise<Date | null> {
  const row = await db
    .selectFrom('login_throttle')
    .select('locked_until')
    .where('email', '=', key.email)
    .where('client', '=', key.client)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.locked_until ?? null;
}

/**
 * Counts a failed sign-in of an e-mail from a client address within the window, and locks that
 * pair when the count reaches the threshold. Also purges the rows that no longer matter.
 */
export async function recordLoginFailure(
  db: Q,
  key: LoginThrottleKey,
  policy: { maxFailures: number; windowMinutes: number },
): Promise<{ failures: number; locked_until: Date | null }> {
  await db.deleteFrom('login_throttle').where('expires_at', '<=', sql<Date>`now()`).execute();
  const window = sql<Date>`now() + make_interval(mins => ${policy.windowMinutes})`;
  const { rows } = await sql<{ failures: number; locked_until: Date | null }>`
    insert into login_throttle as t (email, client, failures, expires_at, locked_until)
    values (${key.email}, ${key.client}, 1, ${window}, case when 1 >= ${policy.maxFailures} then ${window} end)
    on conflict (email, client) do update set
      failures = case when t.expires_at <= now() then 1 else t.failures + 1 end,
      locked_until = case when (case when t.expires_at <= now() then 1 else t.failures + 1 end) >= ${policy.maxFailures}
        then ${window} end,
      expires_at = case
        when t.expires_at <= now() or t.failures + 1 >= ${policy.maxFailures} then ${window}
        else t.expires_at end
    returning failures, locked_until`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('login_throttle upsert returned nothing');
  return row;
}

/** Forgets the failed sign-ins of an e-mail: from one client address, or from all (password reset). */
export async function clearLoginFailures(db: Q, email: string, client?: string): Promise<void> {
  let query = db.deleteFrom('login_throttle').where('email', '=', email.toLowerCase());
  if (client !== undefined) query = query.where('client', '=', client);
  await query.execute();
}

/** Which of these e-mails have sign-ins locked from some address right now. */
export async function lockedEmails(db: Q, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await db
    .selectFrom('login_throttle')
    .select('email')
    .distinct()
    .where(
      'email',
      'in',
      emails.map((e) => e.toLowerCase()),
    )
    .where('locked_until', '>', sql<Date>`now()`)
    .execute();
  return new Set(rows.map((r) => r.email));
}

export function findUserByEmail(db: Q, email: string) {
  return db.selectFrom('staff_user').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Q, id: string) {
  return db.selectFrom('staff_user').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Campaigns a user belongs to, with their role in each. */
export function listUserCampaigns(db: Q, userId: string) {
  return db
    .selectFrom('membership as m')
    .innerJoin('campaign as c', 'c.id', 'm.campaign_id')
    .select(['c.id', 'c.slug', 'c.name', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('c.name')
    .execute();
}

export function findCampaign(db: Q, id: string) {
  return db
    .selectFrom('campaign')
    .select(['id', 'slug', 'name', 'city', 'election_date', 'settings'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findCampaignBySlug(db: Q, slug: string) {
  return db.selectFrom('campaign').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Members of a campaign with their zones, each under the name the campaign gave them. */
export function listMembers(trx: Q, campaignId: string) {
  return trx
    .selectFrom('membership as m')
    .innerJoin('staff_user as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'u.email',
      sql<string>`coalesce(m.display_name, u.display_name)`.as('display_name'),
      'm.role',
      'm.zone_ids',
      'm.created_at',
    ])
    .where('m.campaign_id', '=', campaignId)
    .orderBy(sql`coalesce(m.display_name, u.display_name)`)
    .execute();
}

export function findMember(trx: Q, campaignId: string, userId: string) {
  return trx
    .selectFrom('membership as m')
    .innerJoin('staff_user as u', 'u.id', 'm.user_id')
    .select([
      'm.user_id',
      'u.email',
      sql<string>`coalesce(m.display_name, u.display_name)`.as('display_name'),
      'm.role',
      'm.zone_ids',
      'm.created_at',
    ])
    .where('m.campaign_id', '=', campaignId)
    .where('m.user_id', '=', userId)
    .executeTakeFirst();
}

export async function countOwners(trx: Q, campaignId: string): Promise<number> {
  const row = await trx
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('role', '=', 'owner' satisfies Role)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Zone summaries (id, code, name) for a list of ids. */
export function findZoneSummaries(trx: Q, campaignId: string, ids: readonly string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return trx
    .selectFrom('zone')
    .select(['id', 'code', 'name'])
    .where('campaign_id', '=', campaignId)
    .where('id', 'in', [...ids])
    .orderBy('code')
    .execute();
}
