// The bulk transport: nodemailer over the mailing relay, pooled (MAILING_SMTP_CONNECTIONS) and
// rate-limited (MAILING_RATE_PER_SECOND), DKIM-signing when a key is configured — with
// List-Unsubscribe and List-Unsubscribe-Post among the signed headers, as RFC 8058 asks — one
// recipient per message; or, without a relay, the development outbox.
import nodemailer from 'nodemailer';
import type { MailingConfig } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';

/** One message to one recipient. */
export interface BulkMessage {
  campaignId: string;
  from: { name: string; address: string };
  replyTo: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Without the angle brackets. */
  messageId: string;
  /** The envelope sender (VERP return path). */
  returnPath: string;
  headers: Record<string, string>;
}

export interface BulkTransport {
  readonly kind: 'smtp' | 'outbox';
  /** Hands a message over; resolves once the relay accepted it (rejects with the SMTP error). */
  send(message: BulkMessage): Promise<void>;
  close(): void;
}

// nodemailer's default list (RFC 6376 §5.4.1) has List-Unsubscribe but not List-Unsubscribe-Post,
// which RFC 8058 §4 requires to be signed too.
const SIGNED_HEADERS =
  'From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:Content-Type:Content-Transfer-Encoding:' +
  'Content-ID:Content-Description:In-Reply-To:References:List-Id:List-Help:List-Unsubscribe:List-Unsubscribe-Post:' +
  'List-Subscribe:List-Post:List-Owner:List-Archive';

/** True when an SMTP failure may pass if tried again later (4xx replies, connections lost). */
export function isTemporaryFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown }).responseCode;
  if (typeof code === 'number') return code >= 400 && code < 500;
  return true;
}

/** Opens the transport the configuration asks for. */
export function createBulkTransport(config: MailingConfig, db: Db): BulkTransport {
  if (!config.smtpUrl) {
    return {
      kind: 'outbox',
      async send(m) {
        await db
          .insertInto('dev_outbox')
          .values({ id: uuidv7(), campaign_id: m.campaignId, to_address: m.to, subject: m.subject, text_body: m.text, html_body: m.html })
          .execute();
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    pool: true,
    maxConnections: config.connections,
    maxMessages: 500,
    rateDelta: 1000,
    rateLimit: config.ratePerSecond,
  } as nodemailer.TransportOptions);
  // Given with each message: the pooled transport made from a URL leaves a transport-level dkim unused.
  const dkim = config.dkim
    ? {
        domainName: config.dkim.domainName,
        keySelector: config.dkim.keySelector,
        privateKey: config.dkim.privateKey,
        headerFieldNames: SIGNED_HEADERS,
      }
    : undefined;
  return {
    kind: 'smtp',
    async send(m) {
      await transport.sendMail({
        from: { name: m.from.name, address: m.from.address },
        to: m.to,
        ...(m.replyTo ? { replyTo: m.replyTo } : {}),
        subject: m.subject,
        html: m.html,
        text: m.text,
        messageId: `<${m.messageId}>`,
        envelope: { from: m.returnPath, to: [m.to] },
        headers: m.headers,
        ...(dkim ? { dkim } : {}),
      });
    },
    close() {
      transport.close();
    },
  };
}
