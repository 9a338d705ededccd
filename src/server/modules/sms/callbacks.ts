// What the provider calls back: delivery reports (once per message and status; a status never
// goes backwards) and inbound messages (kept once per MessageSid; a STOP withdraws the SMS consent
// of the people holding the number, a ledger line each with the message as proof).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { SmsStatus } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordConsents } from '../consent/index.ts';
import { normalizePhone } from '../people/index.ts';
import { statusOfTwilio } from './provider.ts';
import { isStopReply } from './rules.ts';
import { statusesBelow } from './sms.repo.ts';

export interface StatusReport {
  messageSid: string;
  providerStatus: string;
  errorCode: string | null;
  /** Our message id, from the callback URL's query. */
  messageId: string | null;
}

/** Applies a delivery report; returns what it changed ('unknown' when no message matches). */
export async function applyStatusReport(trx: Trx, campaignId: string, report: StatusReport): Promise<'applied' | 'ignored' | 'unknown'> {
  const status = statusOfTwilio(report.providerStatus);
  let query = trx.selectFrom('sms_message').select(['id', 'provider_sid', 'status']).where('campaign_id', '=', campaignId);
  query = report.messageId
    ? query.where((eb) => eb.or([eb('id', '=', report.messageId as string), eb('provider_sid', '=', report.messageSid)]))
    : query.where('provider_sid', '=', report.messageSid);
  const messages = await query.execute();
  const message = messages.find((m) => m.provider_sid === report.messageSid) ?? messages.find((m) => m.provider_sid === null);
  if (!message) return 'unknown';
  if (!status) return 'ignored';
  const inserted = await trx
    .insertInto('sms_status_event')
    .values({
      campaign_id: campaignId,
      message_id: message.id,
      status,
      provider_status: report.providerStatus,
      error_code: report.errorCode,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'message_id', 'status']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'ignored';
  const now = new Date();
  const result = await trx
    .updateTable('sms_message')
    .set((eb) => ({
      status,
      provider_sid: eb.fn.coalesce('provider_sid', eb.val(report.messageSid)),
      updated_at: now,
      ...(status === 'sent' || status === 'delivered' ? { sent_at: eb.fn.coalesce('sent_at', eb.val(now)) } : {}),
      ...(status === 'delivered' ? { delivered_at: now } : {}),
      ...(status === 'undelivered' || status === 'failed' ? { error_code: report.errorCode ?? report.providerStatus } : {}),
    }))
    .where('campaign_id', '=', campaignId)
    .where('id', '=', message.id)
    .where('status', 'in', statusesBelow(status as SmsStatus))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? 'applied' : 'ignored';
}

export interface InboundMessage {
  messageSid: string;
  from: string;
  to: string;
  body: string;
}

/**
 * Keeps a reply (once per MessageSid) and, when it is a STOP, withdraws SMS consent of every
 * person of the campaign holding the number (or who was texted on it) whose consent stands.
 */
export async function receiveInbound(
  trx: Trx,
  campaignId: string,
  inbound: InboundMessage,
): Promise<{ stop: boolean; withdrawn: string[]; duplicate: boolean }> {
  const stop = isStopReply(inbound.body);
  const id = uuidv7();
  const from = normalizePhone(inbound.from) ?? inbound.from.trim();
  const inserted = await trx
    .insertInto('sms_inbound')
    .values({
      campaign_id: campaignId,
      id,
      provider_sid: inbound.messageSid,
      from_number: from,
      to_number: inbound.to,
      body: inbound.body,
      is_stop: stop,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'provider_sid']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return { stop, withdrawn: [], duplicate: true };
  if (!stop) return { stop, withdrawn: [], duplicate: false };
  const { rows } = await sql<{ id: string }>`
    select p.id from person p
    where p.campaign_id = ${campaignId} and p.anonymized_at is null and p.merged_into is null
      and (p.phone = ${from} or ${from} = any(p.phones)
        or p.id in (select m.person_id from sms_message m where m.campaign_id = ${campaignId} and m.to_number = ${from}))
      and p.consent_sms`.execute(trx);
  const withdrawn = rows.map((r) => r.id);
  const at = new Date();
  await recordConsents(
    trx,
    withdrawn.map((personId) => ({
      campaignId,
      personId,
      channel: 'sms' as const,
      status: 'withdrawn' as const,
      source: 'sms_stop',
      proof: {
        form: 'sms_reply',
        message_sid: inbound.messageSid,
        from,
        to: inbound.to,
        text_shown: inbound.body,
        received_at: at.toISOString(),
      },
      actorLabel: from,
      at,
    })),
  );
  if (withdrawn.length > 0)
    await trx
      .updateTable('sms_inbound')
      .set({ person_ids: withdrawn })
      .where('campaign_id', '=', campaignId)
      .where('id', '=', id)
      .execute();
  return { stop, withdrawn, duplicate: false };
}
