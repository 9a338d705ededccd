// Audit log: security-relevant and personal-data events, one row per event per campaign.
import { type RawBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface AuditEntry {
  campaignId: string;
  action: string;
  actorUserId?: string | null;
  actorTokenId?: string | null;
  actorLabel?: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** Appends events to the audit log (one row each). */
export async function insertAuditEvents(db: Db | Trx, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_event')
    .values(
      entries.map((e) => ({
        campaign_id: e.campaignId,
        id: uuidv7(),
        action: e.action,
        actor_user_id: e.actorUserId ?? null,
        actor_token_id: e.actorTokenId ?? null,
        actor_label: e.actorLabel ?? '',
        target_type: e.targetType ?? null,
        target_id: e.targetId ?? null,
        ip: e.ip ?? null,
        details: JSON.stringify(e.details ?? {}),
      })),
    )
    .execute();
}

export interface AuditQuery {
  page: number;
  perPage: number;
  action?: string | undefined;
}

/** A member's name in the campaign (the name its admin typed, else the account's own); null for a non-member. */
const memberName = (userId: RawBuilder<unknown>) => sql<string | null>`(
  select coalesce(m.display_name, u.display_name) from membership m join staff_user u on u.id = m.user_id
  where m.campaign_id = e.campaign_id and m.user_id = ${userId})`;

/**
 * A page of the tenant's audit log, newest first, with the total count. Each event names its actor
 * (a member by the campaign's name for them) and its target (a member, a person — never an
 * anonymised one —, a token, a segment, an import's file), so that a person can read it.
 */
export async function listAuditEvents(trx: Trx, q: AuditQuery) {
  let base = trx.selectFrom('audit_event as e');
  if (q.action) base = base.where('e.action', 'like', `${q.action.replace(/[%_\\]/g, '\\$&')}%`);
  const [rows, total] = await Promise.all([
    base
      .select(['e.id', 'e.at', 'e.action', 'e.actor_label', 'e.target_type', 'e.target_id', 'e.ip', 'e.details'])
      .select([
        memberName(sql`e.actor_user_id`).as('actor_name'),
        sql<string | null>`case e.target_type
          when 'staff_user' then ${memberName(sql`e.target_id::uuid`)}
          when 'person' then (select nullif(trim(p.given_name || ' ' || p.family_name), '') from person p
            where p.campaign_id = e.campaign_id and p.id = e.target_id::uuid and p.anonymized_at is null)
          when 'api_token' then (select t.name from api_token t where t.campaign_id = e.campaign_id and t.id = e.target_id::uuid)
          when 'segment' then (select g.name from segment g where g.campaign_id = e.campaign_id and g.id = e.target_id::uuid)
          when 'import' then (select i.file_name from people_import i where i.campaign_id = e.campaign_id and i.id = e.target_id::uuid)
        end`.as('target_name'),
      ])
      .orderBy('e.at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
