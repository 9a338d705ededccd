// Deliverability of a campaign's mail: its settings (caps per receiving domain, SPF/DMARC wishes,
// thresholds), the rolling 24-hour complaint rate (an alert at 0.1 %, sending paused at 0.3 % by
// default, as Gmail's and Yahoo's bulk-sender rules ask) and each mailing's circuit breaker.
import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Trx } from '../../../db/database.ts';
import type { MailDeliverabilityTable, MailingPauseReason } from '../../../db/schema.ts';
import { AppError } from '../../../http/problem.ts';
import { insertAuditEvents } from '../../audit/index.ts';
import type { DomainCap, DomainCaps } from './domain-throttle.ts';

export type DeliverabilitySettings = Selectable<MailDeliverabilityTable>;

/** The campaign's settings; the row (with the migration's defaults) is made the first time. */
export async function loadSettings(trx: Trx, campaignId: string): Promise<DeliverabilitySettings> {
  await trx
    .insertInto('mail_deliverability')
    .values({ campaign_id: campaignId })
    .onConflict((oc) => oc.column('campaign_id').doNothing())
    .execute();
  return trx.selectFrom('mail_deliverability').selectAll().where('campaign_id', '=', campaignId).executeTakeFirstOrThrow();
}

/** The domains with their own caps, by name. */
export async function listDomainCaps(trx: Trx, campaignId: string) {
  return trx
    .selectFrom('mail_domain_cap')
    .select(['domain', 'connections', 'rate_per_minute'])
    .where('campaign_id', '=', campaignId)
    .orderBy('domain')
    .execute();
}

/** The caps a send applies: the defaults and each domain's own. */
export async function loadDomainCaps(trx: Trx, campaignId: string): Promise<DomainCaps> {
  const settings = await loadSettings(trx, campaignId);
  const rows = await listDomainCaps(trx, campaignId);
  return {
    defaults: { connections: settings.default_connections, ratePerMinute: settings.default_rate_per_minute },
    domains: new Map<string, DomainCap>(rows.map((r) => [r.domain, { connections: r.connections, ratePerMinute: r.rate_per_minute }])),
  };
}

export interface SettingsInput {
  default_connections: number;
  default_rate_per_minute: number;
  domains: { domain: string; connections: number; rate_per_minute: number }[];
  spf_includes: string[];
  spf_ips: string[];
  dmarc_policy: 'none' | 'quarantine' | 'reject';
  dmarc_report_address: string | null;
  complaint_alert_rate: number;
  complaint_pause_rate: number;
  complaint_min_sent: number;
  breaker_unsubscribe_rate: number;
  breaker_complaint_rate: number;
  breaker_min_delivered: number;
}

/** Saves the settings and replaces the domains' caps (one transaction: the caller's). */
export async function saveSettings(trx: Trx, campaignId: string, input: SettingsInput): Promise<void> {
  if (input.complaint_alert_rate > input.complaint_pause_rate)
    throw new AppError('VALIDATION_FAILED', 'complaint_alert_rate must not exceed complaint_pause_rate.');
  const domains = input.domains.map((d) => ({ ...d, domain: d.domain.trim().toLowerCase() }));
  if (new Set(domains.map((d) => d.domain)).size !== domains.length)
    throw new AppError('VALIDATION_FAILED', 'Each domain may have one line of caps.');
  await loadSettings(trx, campaignId);
  const { domains: _, ...values } = input;
  await trx
    .updateTable('mail_deliverability')
    .set({
      ...values,
      spf_includes: input.spf_includes.map((s) => s.trim().toLowerCase()),
      spf_ips: input.spf_ips.map((s) => s.trim()),
      dmarc_report_address: input.dmarc_report_address?.trim() || null,
      updated_at: new Date(),
    })
    .where('campaign_id', '=', campaignId)
    .execute();
  await trx.deleteFrom('mail_domain_cap').where('campaign_id', '=', campaignId).execute();
  if (domains.length > 0)
    await trx
      .insertInto('mail_domain_cap')
      .values(domains.map((d) => ({ campaign_id: campaignId, ...d })))
      .execute();
}

export interface ComplaintState {
  /** Complaints received in the last 24 hours. */
  complaints: number;
  /** Messages sent in the last 24 hours that did not bounce (delivered, or nothing heard). */
  sent: number;
  /** complaints / sent (0 when nothing was sent). */
  rate: number;
  /** The rate crossed the alert threshold (with enough mail sent to judge). */
  alert: boolean;
  /** Sending is paused by the complaint rate, since then. */
  paused_at: Date | null;
  paused_rate: number | null;
}

/** The rolling 24-hour complaint rate as it stands (no change made). */
async function measureComplaints(trx: Trx, campaignId: string, now: Date) {
  const since = new Date(now.getTime() - 24 * 3600_000);
  const { rows } = await sql<{ complaints: string; sent: string }>`
    select
      (select count(*) from delivery_event
        where campaign_id = ${campaignId} and kind = 'complaint' and occurred_at > ${since}) as complaints,
      (select count(*) from mailing_recipient
        where campaign_id = ${campaignId} and status = 'sent' and sent_at > ${since}
          and (delivery_status is null or delivery_status not in ('soft_bounce', 'hard_bounce'))) as sent`.execute(trx);
  const complaints = Number(rows[0]?.complaints ?? 0);
  const sent = Number(rows[0]?.sent ?? 0);
  return { complaints, sent, rate: sent > 0 ? complaints / sent : 0 };
}

/** Reads the complaint rate and its state (the alert banner and the settings show it). */
export async function complaintState(trx: Trx, campaignId: string, now = new Date()): Promise<ComplaintState> {
  const settings = await loadSettings(trx, campaignId);
  const m = await measureComplaints(trx, campaignId, now);
  const judged = m.sent >= settings.complaint_min_sent;
  return {
    ...m,
    alert: judged && m.rate >= settings.complaint_alert_rate,
    paused_at: settings.paused_at,
    paused_rate: settings.paused_rate,
  };
}

/**
 * Measures the complaint rate and acts on it: past the alert threshold, one audit line a day
 * (mail.complaint_alert); past the pause threshold, sending is paused (mail.sending_paused) — unless
 * a person resumed it and no complaint came since (resuming would otherwise be undone at once while
 * the old complaints are still in the window).
 */
export async function evaluateComplaintRate(trx: Trx, campaignId: string, now = new Date()): Promise<ComplaintState> {
  const settings = await loadSettings(trx, campaignId);
  const m = await measureComplaints(trx, campaignId, now);
  const judged = m.sent >= settings.complaint_min_sent;
  const alert = judged && m.rate >= settings.complaint_alert_rate;
  let pausedAt = settings.paused_at;
  let pausedRate = settings.paused_rate;
  const details = { rate: m.rate, complaints: m.complaints, sent: m.sent };
  if (alert && (!settings.alerted_at || settings.alerted_at.getTime() < now.getTime() - 24 * 3600_000)) {
    await trx.updateTable('mail_deliverability').set({ alerted_at: now }).where('campaign_id', '=', campaignId).execute();
    await insertAuditEvents(trx, [
      {
        campaignId,
        action: 'mail.complaint_alert',
        actorLabel: 'Relais',
        details: { ...details, threshold: settings.complaint_alert_rate },
      },
    ]);
  }
  if (judged && !pausedAt && m.rate >= settings.complaint_pause_rate) {
    const fresh = settings.resumed_at
      ? await trx
          .selectFrom('delivery_event')
          .select('id')
          .where('campaign_id', '=', campaignId)
          .where('kind', '=', 'complaint')
          .where('created_at', '>', settings.resumed_at)
          .limit(1)
          .executeTakeFirst()
      : true;
    if (fresh) {
      pausedAt = now;
      pausedRate = m.rate;
      await trx
        .updateTable('mail_deliverability')
        .set({ paused_at: now, paused_rate: m.rate })
        .where('campaign_id', '=', campaignId)
        .execute();
      await insertAuditEvents(trx, [
        {
          campaignId,
          action: 'mail.sending_paused',
          actorLabel: 'Relais',
          details: { ...details, threshold: settings.complaint_pause_rate },
        },
      ]);
    }
  }
  return { ...m, alert, paused_at: pausedAt, paused_rate: pausedRate };
}

/** Refuses a new send while the complaint rate holds sending paused (409 MAILING_SENDING_PAUSED). */
export async function assertSendingAllowed(trx: Trx, campaignId: string): Promise<void> {
  const row = await trx
    .selectFrom('mail_deliverability')
    .select(['paused_at', 'paused_rate'])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
  if (row?.paused_at)
    throw new AppError(
      'MAILING_SENDING_PAUSED',
      'Sending is paused: the complaint rate of the last 24 hours crossed its threshold. A person allowed to manage deliverability must resume it.',
      { paused_at: row.paused_at.toISOString(), paused_rate: row.paused_rate },
    );
}

/** True when the complaint rate holds sending paused (a running send stops before its next batch). */
export async function isSendingPaused(trx: Trx, campaignId: string): Promise<boolean> {
  const row = await trx.selectFrom('mail_deliverability').select('paused_at').where('campaign_id', '=', campaignId).executeTakeFirst();
  return Boolean(row?.paused_at);
}

/** Ends a complaint-rate pause; returns the mailings left sending, which the caller queues again. */
export async function resumeSending(trx: Trx, campaignId: string, actor: { userId: string | null; label: string }): Promise<string[]> {
  const settings = await loadSettings(trx, campaignId);
  if (settings.paused_at) {
    await trx
      .updateTable('mail_deliverability')
      .set({ paused_at: null, paused_rate: null, resumed_at: new Date(), resumed_by: actor.userId })
      .where('campaign_id', '=', campaignId)
      .execute();
    await insertAuditEvents(trx, [
      {
        campaignId,
        action: 'mail.sending_resumed',
        actorUserId: actor.userId,
        actorLabel: actor.label,
        details: { paused_at: settings.paused_at.toISOString(), paused_rate: settings.paused_rate },
      },
    ]);
  }
  const rows = await trx.selectFrom('mailing').select('id').where('campaign_id', '=', campaignId).where('status', '=', 'sending').execute();
  return rows.map((r) => r.id);
}

export interface BreakerFigures {
  delivered: number;
  unsubscribes: number;
  complaints: number;
}

/** A mailing's human reactions so far: unsubscribes (one-click POST or preference page) and complaints. */
export async function breakerFigures(trx: Trx, campaignId: string, mailingId: string): Promise<BreakerFigures> {
  const { rows } = await sql<{ delivered: string; unsubscribes: string; complaints: string }>`
    select
      (select count(*) from mailing_recipient
        where campaign_id = ${campaignId} and mailing_id = ${mailingId} and status = 'sent'
          and (delivery_status is null or delivery_status not in ('soft_bounce', 'hard_bounce'))) as delivered,
      (select count(*) from mail_suppression
        where campaign_id = ${campaignId} and reason = 'unsubscribed' and proof->>'mailing_id' = ${mailingId}) as unsubscribes,
      (select count(*) from delivery_event
        where campaign_id = ${campaignId} and mailing_id = ${mailingId} and kind = 'complaint') as complaints`.execute(trx);
  const r = rows[0];
  return { delivered: Number(r?.delivered ?? 0), unsubscribes: Number(r?.unsubscribes ?? 0), complaints: Number(r?.complaints ?? 0) };
}

/** Which threshold (if any) the figures cross, once enough messages were delivered. */
export function breakerVerdict(
  f: BreakerFigures,
  s: Pick<DeliverabilitySettings, 'breaker_min_delivered' | 'breaker_unsubscribe_rate' | 'breaker_complaint_rate'>,
): MailingPauseReason | null {
  if (f.delivered < s.breaker_min_delivered) return null;
  if (f.complaints / f.delivered >= s.breaker_complaint_rate) return 'complaint_rate';
  if (f.unsubscribes / f.delivered >= s.breaker_unsubscribe_rate) return 'unsubscribe_rate';
  return null;
}

/**
 * The circuit breaker, asked before each batch: a sending mailing whose unsubscribe or complaint rate
 * crossed its threshold is paused with the reason (mail.circuit_breaker in the audit log). A mailing
 * a person resumed past its breaker is not stopped again.
 */
export async function tripBreaker(trx: Trx, campaignId: string, mailingId: string): Promise<MailingPauseReason | null> {
  const mailing = await trx
    .selectFrom('mailing')
    .select(['status', 'breaker_released_at'])
    .where('campaign_id', '=', campaignId)
    .where('id', '=', mailingId)
    .executeTakeFirst();
  if (mailing?.status !== 'sending' || mailing.breaker_released_at) return null;
  const settings = await loadSettings(trx, campaignId);
  const figures = await breakerFigures(trx, campaignId, mailingId);
  const reason = breakerVerdict(figures, settings);
  if (!reason) return null;
  await trx
    .updateTable('mailing')
    .set({ status: 'paused', pause_reason: reason, updated_at: new Date() })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', mailingId)
    .where('status', '=', 'sending')
    .execute();
  await insertAuditEvents(trx, [
    {
      campaignId,
      action: 'mail.circuit_breaker',
      actorLabel: 'Relais',
      targetType: 'mailing',
      targetId: mailingId,
      details: {
        reason,
        ...figures,
        threshold: reason === 'complaint_rate' ? settings.breaker_complaint_rate : settings.breaker_unsubscribe_rate,
      },
    },
  ]);
  return reason;
}
