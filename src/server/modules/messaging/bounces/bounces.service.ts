// The bounce rules, applied to one report about one message (a DSN or ARF report from the bounce
// mailbox, a provider's event): the report is recorded once (delivery_event, unique per source
// and event id, so a second reading changes nothing), the recipient row gets its delivery status,
// and the address is suppressed after one hard bounce, three soft bounces of different messages
// within 14 days with no delivery after them, or one complaint (which also withdraws the e-mail
// consent, through suppressAddress). A suppression goes on the person's timeline and in the audit log.
import { sql } from 'kysely';
import type { Trx } from '../../../db/database.ts';
import type { DeliveryEventKind, DeliveryEventSource, MailSuppressionReason } from '../../../db/schema.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { insertAuditEvents } from '../../audit/index.ts';
import { normalizeEmail } from '../../people/index.ts';
import { recordActivity } from '../../timeline/index.ts';
import { evaluateComplaintRate } from '../deliverability/deliverability.service.ts';
import { suppressAddress } from '../suppression.ts';

/** Soft bounces that suppress an address, and the window they must fall in. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_DAYS = 14;

/** The timeline's activity type of a suppression (labelled in the people screens' messages). */
export const SUPPRESSION_ACTIVITY = 'mail.suppressed';

/** One report about one message, as the bounce mailbox or a provider's webhook gave it. */
export interface DeliveryReport {
  source: DeliveryEventSource;
  /** Unique per source: the provider's event id, or the mailbox report's digest and position. */
  sourceEventId: string;
  kind: DeliveryEventKind;
  /** The address the report names (may differ from the one we sent to: forwarding). */
  email: string | null;
  /** The recipient row a verified VERP token named. */
  recipientId: string | null;
  /** The Message-ID of our message, as the report quotes it (with or without angle brackets). */
  messageId: string | null;
  statusCode: string | null;
  diagnostic: string | null;
  occurredAt: Date;
  /**
   * Whether the report may name an address alone (no message of ours found): a provider's signed
   * event may; a message anyone can send to the bounce mailbox may not, or a forged DSN would
   * suppress whoever it names.
   */
  trustAddressAlone: boolean;
}

export interface ApplyOutcome {
  outcome: 'recorded' | 'duplicate' | 'unmatched';
  /** The suppression this report made (null: none, or the address was already suppressed). */
  suppressed: MailSuppressionReason | null;
  /** The delivery_event row (recorded or found). */
  eventId: string | null;
}

// Weakest first: a status is replaced only by a stronger one.
const STRENGTH: readonly DeliveryEventKind[] = ['delayed', 'delivered', 'soft_bounce', 'hard_bounce', 'complaint'];

const SOURCE_LABEL: Record<DeliveryEventSource, string> = {
  imap: 'Boîte des rebonds',
  mailgun: 'Mailgun',
  sendgrid: 'SendGrid',
};

interface RecipientRow {
  id: string;
  mailing_id: string;
  person_id: string;
  email: string;
}

/** The Message-ID without its angle brackets (reports and providers quote it either way). */
export function bareMessageId(value: string): string {
  return value.trim().replace(/^<|>$/g, '');
}

async function findRecipient(trx: Trx, campaignId: string, report: DeliveryReport): Promise<RecipientRow | null> {
  const base = trx.selectFrom('mailing_recipient').select(['id', 'mailing_id', 'person_id', 'email']).where('campaign_id', '=', campaignId);
  if (report.recipientId) {
    const row = await base.where('id', '=', report.recipientId).executeTakeFirst();
    if (row) return row;
  }
  if (report.messageId) {
    const bare = bareMessageId(report.messageId);
    if (!bare) return null;
    const rows = await base
      .where('message_id', 'in', [bare, `<${bare}>`])
      .limit(2)
      .execute();
    // A Message-ID names one message, hence one recipient; two rows would be a sender's bug.
    if (rows.length === 1) return rows[0] ?? null;
  }
  return null;
}

async function personOfAddress(trx: Trx, campaignId: string, email: string): Promise<string | null> {
  const row = await trx
    .selectFrom('person')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('email', '=', email)
    .where('merged_into', 'is', null)
    .where('anonymized_at', 'is', null)
    .orderBy('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Soft bounces of different messages to the address within the window before `at`, none before a later delivery. */
async function recentSoftBounces(trx: Trx, campaignId: string, email: string, at: Date): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(distinct coalesce(e.recipient_id::text, e.id::text)) as n
    from delivery_event e
    where e.campaign_id = ${campaignId} and e.email = ${email} and e.kind = 'soft_bounce'
      and e.occurred_at <= ${at}
      and e.occurred_at > ${at}::timestamptz - make_interval(days => ${SOFT_BOUNCE_WINDOW_DAYS})
      and e.occurred_at > coalesce((
        select max(d.occurred_at) from delivery_event d
        where d.campaign_id = ${campaignId} and d.email = ${email} and d.kind = 'delivered' and d.occurred_at <= ${at}
      ), '-infinity'::timestamptz)`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}

function suppressionReasonOf(kind: DeliveryEventKind): MailSuppressionReason | null {
  if (kind === 'hard_bounce') return 'hard_bounce';
  if (kind === 'complaint') return 'complaint';
  return null;
}

/** Records one report and applies the bounce rules to it, in the caller's tenant transaction. */
export async function applyDeliveryReport(trx: Trx, campaignId: string, report: DeliveryReport): Promise<ApplyOutcome> {
  const recipient = await findRecipient(trx, campaignId, report);
  const reported = report.email ? normalizeEmail(report.email) : null;
  if (!recipient && !(report.trustAddressAlone && reported)) return { outcome: 'unmatched', suppressed: null, eventId: null };
  // The address we sent to is the one that failed, even when the report names where it was forwarded.
  const email = recipient?.email.toLowerCase() ?? (reported as string);
  const personId = recipient?.person_id ?? (await personOfAddress(trx, campaignId, email));
  const occurredAt = report.occurredAt.getTime() > Date.now() ? new Date() : report.occurredAt;

  const id = uuidv7();
  const inserted = await trx
    .insertInto('delivery_event')
    .values({
      campaign_id: campaignId,
      id,
      source: report.source,
      source_event_id: report.sourceEventId,
      kind: report.kind,
      email,
      recipient_id: recipient?.id ?? null,
      mailing_id: recipient?.mailing_id ?? null,
      person_id: personId,
      status_code: report.statusCode?.slice(0, 20) ?? null,
      diagnostic: report.diagnostic?.slice(0, 1000) ?? null,
      occurred_at: occurredAt,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'source', 'source_event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx
      .selectFrom('delivery_event')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('source', '=', report.source)
      .where('source_event_id', '=', report.sourceEventId)
      .executeTakeFirst();
    return { outcome: 'duplicate', suppressed: null, eventId: existing?.id ?? null };
  }

  if (recipient) {
    const weaker = STRENGTH.slice(0, STRENGTH.indexOf(report.kind));
    await trx
      .updateTable('mailing_recipient')
      .set({ delivery_status: report.kind, delivery_status_at: occurredAt })
      .where('campaign_id', '=', campaignId)
      .where('id', '=', recipient.id)
      .where((eb) =>
        weaker.length > 0
          ? eb.or([eb('delivery_status', 'is', null), eb('delivery_status', 'in', weaker)])
          : eb('delivery_status', 'is', null),
      )
      .execute();
  }

  // A complaint moves the rolling 24-hour complaint rate: an alert, or sending paused (deliverability/).
  if (report.kind === 'complaint') await evaluateComplaintRate(trx, campaignId);

  let reason = suppressionReasonOf(report.kind);
  if (report.kind === 'soft_bounce' && (await recentSoftBounces(trx, campaignId, email, occurredAt)) >= SOFT_BOUNCE_LIMIT) {
    reason = 'soft_bounces';
  }
  if (!reason) return { outcome: 'recorded', suppressed: null, eventId: id };

  const proof = {
    source: report.source,
    delivery_event_id: id,
    source_event_id: report.sourceEventId,
    status_code: report.statusCode,
    diagnostic: report.diagnostic?.slice(0, 300) ?? null,
    mailing_id: recipient?.mailing_id ?? null,
    recipient_id: recipient?.id ?? null,
    person_id: personId,
  };
  const result = await suppressAddress(trx, campaignId, email, reason, proof);
  // Already suppressed: nothing to show, unless a complaint withdrew a consent that still stood.
  if (!result.suppressed && result.withdrawnPersonIds.length === 0) return { outcome: 'recorded', suppressed: null, eventId: id };

  const actorLabel = SOURCE_LABEL[report.source];
  if (personId) {
    await recordActivity(trx, {
      campaignId,
      personId,
      type: SUPPRESSION_ACTIVITY,
      refType: recipient ? 'mailing' : null,
      refId: recipient?.mailing_id ?? null,
      data: { reason, email, source: report.source, status_code: report.statusCode },
      actorLabel,
      at: occurredAt,
    });
  }
  await insertAuditEvents(trx, [
    {
      campaignId,
      action: 'mail.suppressed',
      actorLabel,
      targetType: personId ? 'person' : null,
      targetId: personId,
      details: { email, reason, source: report.source, delivery_event_id: id, consent_withdrawn: result.withdrawnPersonIds },
    },
  ]);
  return { outcome: 'recorded', suppressed: result.suppressed ? reason : null, eventId: id };
}
