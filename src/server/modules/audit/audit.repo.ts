// Audit log: security-relevant and personal-data events, one row per event per campaign.
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

/** A page of the tenant's audit log, newest first, with the total count. */
export async function listAuditEvents(trx: Trx, q: AuditQuery) {
  let base = trx.selectFrom('audit_event');
  if (q.action) base = base.where('action', 'like', `${q.action.replace(/[%_\\]/g, '\\$&')}%`);
  const [rows, total] = await Promise.all([
    base
      .select(['id', 'at', 'action', 'actor_label', 'target_type', 'target_id', 'ip', 'details'])
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}
