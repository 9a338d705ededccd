// Outgoing mail: nodemailer over SMTP_URL, or, without it, a development outbox in the database
// that the back office shows.
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { uuidv7 } from '../lib/ids.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Campaign the message belongs to (dev outbox visibility); null for account mail. */
  campaignId?: string | null;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}

/** Creates the mailer the configuration asks for. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, db: Db): Mailer {
  if (config.smtpUrl) {
    const url = new URL(config.smtpUrl);
    // Pooled and rate-limited: the relay, not the app, sets the pace of large sends.
    url.searchParams.set('pool', 'true');
    const transport = nodemailer.createTransport(url.toString());
    return {
      kind: 'smtp',
      async send(message) {
        await transport.sendMail({
          from: config.mailFrom,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
        });
      },
      async close() {
        transport.close();
      },
    };
  }
  return {
    kind: 'outbox',
    async send(message) {
      await db
        .insertInto('dev_outbox')
        .values({
          id: uuidv7(),
          campaign_id: message.campaignId ?? null,
          to_address: message.to,
          subject: message.subject,
          text_body: message.text,
          html_body: message.html ?? null,
        })
        .execute();
    },
    async close() {},
  };
}
