// Plain queries of the messaging module: mailings (scoped to the actor's zones), their recipients.
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import type { MailingTable } from '../../db/schema.ts';

export type MailingRow = Selectable<MailingTable>;

/** Mailings an actor may see: all for campaign-wide staff; for a referent, those bound within their zones. */
function visible(trx: Trx, campaignId: string, zoneScope: readonly string[] | null) {
  let q = trx.selectFrom('mailing').selectAll().where('campaign_id', '=', campaignId);
  if (zoneScope) q = q.where(sql<boolean>`zone_ids is not null and zone_ids <@ ${sql.val([...zoneScope])}::uuid[]`);
  return q;
}

/** One mailing, if the actor may see it; `lock` takes its row for the transaction (send, state changes). */
export function findMailing(trx: Trx, campaignId: string, zoneScope: readonly string[] | null, id: string, lock = false) {
  const q = visible(trx, campaignId, zoneScope).where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

/** A page of mailings, newest first, with the total. */
export async function listMailings(
  trx: Trx,
  campaignId: string,
  zoneScope: readonly string[] | null,
  page: { page: number; perPage: number },
) {
  const [rows, total] = await Promise.all([
    visible(trx, campaignId, zoneScope)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage)
      .execute(),
    visible(trx, campaignId, zoneScope)
      .clearSelect()
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Recipient rows per status of a mailing (the statistics). */
export async function recipientCounts(trx: Trx, campaignId: string, mailingId: string) {
  const rows = await trx
    .selectFrom('mailing_recipient')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .groupBy('status')
    .execute();
  const counts = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0, held: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/**
 * The recipient row a VERP token or an unsubscribe mailto names, found by its id alone, outside
 * row-level security (as sessions and tokens are found: the row tells the campaign). For the bounce
 * mailbox reader, which then works in that campaign's tenant transaction.
 */
export function findRecipientById(db: Db, recipientId: string) {
  return db
    .selectFrom('mailing_recipient')
    .select(['campaign_id', 'id', 'mailing_id', 'person_id', 'email', 'status', 'sent_at'])
    .where('id', '=', recipientId)
    .executeTakeFirst();
}
