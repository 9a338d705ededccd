// The SMS provider interface and its two adapters: Twilio's Messages API (any server speaking it:
// the base URL is a setting, so tests point it at a local one), and the development outbox
// (the back office's dev outbox screen shows each SMS as a row, nothing leaves the machine).
import type { Config, TwilioConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface OutgoingSms {
  campaignId: string;
  messageId: string;
  to: string;
  /** The sender (alphanumeric ID, short code or number); ignored when the provider uses a messaging service. */
  from: string;
  body: string;
  /** Where the provider reports the message's status. */
  statusCallback: string | null;
}

/** What the provider said of one request. */
export type SendOutcome =
  | { ok: true; sid: string; status: 'sending' | 'sent' | 'delivered' }
  | { ok: false; errorCode: string; errorMessage: string; retryable: boolean };

export interface SmsProvider {
  readonly kind: 'twilio' | 'outbox';
  send(message: OutgoingSms): Promise<SendOutcome>;
}

/** The deployment's provider: Twilio when its account is configured, else the development outbox. */
export function smsProviderOf(config: Pick<Config, 'twilio'>, db: Db): SmsProvider {
  return config.twilio ? twilioProvider(config.twilio) : outboxProvider(db);
}

/** Twilio's statuses as ours (queued/accepted/scheduled/sending are all "with the provider"). */
export function statusOfTwilio(status: string): 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed' | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'sending';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

const TIMEOUT_MS = 15_000;

/**
 * Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded
 * To, From or MessagingServiceSid, Body, StatusCallback, HTTP basic auth AccountSid:AuthToken.
 */
export function twilioProvider(settings: Pick<TwilioConfig, 'accountSid' | 'authToken' | 'baseUrl' | 'messagingServiceSid'>): SmsProvider {
  const url = `${settings.baseUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    kind: 'twilio',
    async send(message) {
      const form = new URLSearchParams();
      form.set('To', message.to);
      if (settings.messagingServiceSid) form.set('MessagingServiceSid', settings.messagingServiceSid);
      else form.set('From', message.from);
      form.set('Body', message.body);
      if (message.statusCallback) form.set('StatusCallback', message.statusCallback);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: form.toString(),
          signal: AbortSignal.timeout(TIMEOUT_MS),
          redirect: 'error',
        });
      } catch (error) {
        // The request may or may not have reached Twilio: not retried, so that nobody gets it twice.
        return { ok: false, errorCode: 'network', errorMessage: `${(error as Error).message}`.slice(0, 500), retryable: false };
      }
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {}
      if (response.ok && typeof json.sid === 'string') {
        const status = statusOfTwilio(String(json.status ?? 'queued'));
        return { ok: true, sid: json.sid, status: status === 'sent' || status === 'delivered' ? status : 'sending' };
      }
      // Twilio's error document: { code, message, more_info, status }. 429 and 5xx were refused
      // before the message was taken: safe to try again later.
      return {
        ok: false,
        errorCode: json.code !== undefined ? String(json.code) : `http_${response.status}`,
        errorMessage: String(json.message ?? text.slice(0, 500)),
        retryable: response.status === 429 || response.status >= 500,
      };
    },
  };
}

/** The development outbox: each SMS a dev_outbox row (to: the number, subject: "SMS · sender"), delivered at once. */
export function outboxProvider(db: Db): SmsProvider {
  return {
    kind: 'outbox',
    async send(message) {
      const id = uuidv7();
      await db
        .insertInto('dev_outbox')
        .values({
          id,
          campaign_id: message.campaignId,
          to_address: message.to,
          subject: `SMS · ${message.from}`,
          text_body: message.body,
          html_body: null,
        })
        .execute();
      return { ok: true, sid: `DEV${id.replace(/-/g, '')}`, status: 'delivered' };
    },
  };
}
