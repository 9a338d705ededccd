// The mail providers' events, turned into the bounce rules' reports. Pure. Opens and clicks are
// left out (the messaging module tracks its own), and so are the providers' own refusals to send
// (Mailgun's "suppress-…", SendGrid's "dropped"): they say nothing new about the address.
//
// Mailgun (webhook payload `event-data`): delivered; failed with severity temporary (it will try
// again) or permanent (reason "bounce", "old" when it gave up retrying, "suppress-bounce"…, with
// `delivery-status.code` and its message); complained.
// SendGrid (Event Webhook, a JSON array): delivered, deferred, bounce (`type` "bounce" or
// "blocked", `status` an RFC 3463 code, `reason`), spamreport; `sg_event_id` identifies the event,
// `smtp-id` is the message's Message-ID.
import type { DeliveryEventKind } from '../../../db/schema.ts';
import type { DeliveryReport } from './bounces.service.ts';
import { classifyFailure, enhancedCodeIn } from './dsn.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function instant(seconds: number | null): Date {
  const at = seconds === null ? new Date() : new Date(seconds * 1000);
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

function report(over: Omit<DeliveryReport, 'recipientId' | 'trustAddressAlone'>): DeliveryReport {
  // A provider's signed event may name an address alone: the provider saw the bounce itself.
  return { ...over, recipientId: null, trustAddressAlone: true };
}

/** A Mailgun webhook's event as a report; null for the events the rules do not use. */
export function mailgunReport(eventData: unknown): DeliveryReport | null {
  if (!isObject(eventData)) return null;
  const id = str(eventData.id);
  const event = str(eventData.event);
  if (!id || !event) return null;
  const message = isObject(eventData.message) ? eventData.message : {};
  const headers = isObject(message.headers) ? message.headers : {};
  const status = isObject(eventData['delivery-status']) ? eventData['delivery-status'] : {};
  const code = num(status.code);
  const text = [str(status.message), str(status.description)].filter(Boolean).join(' ');
  const enhanced = str(status['enhanced-code']) ?? enhancedCodeIn(text);
  let kind: DeliveryEventKind | null = null;
  if (event === 'delivered') kind = 'delivered';
  else if (event === 'complained') kind = 'complaint';
  else if (event === 'failed') {
    const reason = str(eventData.reason);
    if (eventData.severity === 'temporary') kind = 'delayed';
    else if (reason === 'suppress-bounce') kind = 'hard_bounce';
    else if (reason?.startsWith('suppress-')) kind = null;
    // It gave up after retrying transient failures: a soft bounce.
    else if (reason === 'old') kind = 'soft_bounce';
    else kind = classifyFailure(enhanced ?? (code ? String(code) : null), text) === 'hard' ? 'hard_bounce' : 'soft_bounce';
  }
  if (!kind) return null;
  return report({
    source: 'mailgun',
    sourceEventId: id.slice(0, 200),
    kind,
    email: str(eventData.recipient),
    messageId: str(headers['message-id']),
    statusCode: enhanced ?? (code ? String(code) : null),
    diagnostic: text || null,
    occurredAt: instant(num(eventData.timestamp)),
  });
}

/** One SendGrid event as a report; null for the events the rules do not use. */
export function sendgridReport(event: unknown): DeliveryReport | null {
  if (!isObject(event)) return null;
  const id = str(event.sg_event_id);
  const type = str(event.event);
  if (!id || !type) return null;
  const status = str(event.status);
  const reason = str(event.reason) ?? str(event.response);
  let kind: DeliveryEventKind | null = null;
  if (type === 'delivered') kind = 'delivered';
  else if (type === 'deferred') kind = 'delayed';
  else if (type === 'spamreport') kind = 'complaint';
  else if (type === 'bounce') {
    // "blocked": refused for the sender's reputation or content, nothing against the address.
    kind =
      event.type === 'blocked'
        ? 'soft_bounce'
        : classifyFailure(status ?? enhancedCodeIn(reason ?? ''), reason ?? '') === 'hard'
          ? 'hard_bounce'
          : 'soft_bounce';
  }
  if (!kind) return null;
  return report({
    source: 'sendgrid',
    sourceEventId: id.slice(0, 200),
    kind,
    email: str(event.email),
    messageId: str(event['smtp-id']),
    statusCode: status,
    diagnostic: reason,
    occurredAt: instant(num(event.timestamp)),
  });
}
