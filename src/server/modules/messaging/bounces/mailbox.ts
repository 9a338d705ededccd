// The bounce mailbox read over IMAP (imapflow): unseen messages are fetched, read (dsn.ts),
// applied to the campaign they belong to (bounces.service.ts) and then marked seen — and moved
// when a folder is configured. Running it twice changes nothing: handled messages are seen, and a
// message seen again (someone marked it unread) finds its delivery_event rows already there.
//
// The mailbox serves the whole deployment; a run belongs to one campaign. A message's VERP token
// (signed: only our own return paths carry a valid one) names its campaign: a message of another
// campaign is left unseen for that campaign's run. A message without a valid token is matched by
// the Message-ID it quotes within the run's campaign, and otherwise put aside as unmatched.
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { BouncesConfig } from '../../../config.ts';
import type { TenantRunner } from '../../../db/database.ts';
import type { DeliveryEventKind } from '../../../db/schema.ts';
import { suppressAddress } from '../suppression.ts';
import { applyDeliveryReport, type DeliveryReport } from './bounces.service.ts';
import { type BounceReport, type DeliveryClass, parseBounceMessage } from './dsn.ts';

export type MailboxSettings = NonNullable<BouncesConfig['imap']>;

/** The recipient row (and its campaign) a VERP or mailto token names once its signature is checked; null for a token that is not ours. */
export type RecipientTokenReader = (token: string) => Promise<{ campaignId: string; recipientId: string } | null>;

/** Messages read in one run at most (the next run takes the rest). */
export const MAILBOX_BATCH = 500;
/** Bytes of a message read at most: a report and the headers of the original fit well within. */
export const MAILBOX_MESSAGE_MAX_BYTES = 512 * 1024;

export interface MailboxRun {
  /** Unseen messages found in the mailbox (this campaign's and others'). */
  unseen: number;
  /** Messages this run handled and marked seen. */
  handled: number;
  /** Reports recorded (one per recipient block). */
  recorded: number;
  duplicates: number;
  /** Autoreplies, people writing to the return path, feedback other than abuse. */
  ignored: number;
  /** Messages to the List-Unsubscribe mailto address that unsubscribed their recipient. */
  unsubscribed: number;
  /** Reports that name no message of ours. */
  unmatched: number;
  /** Left unseen: their token names another campaign. */
  otherCampaign: number;
  /** Those campaigns (their own runs handle these messages). */
  otherCampaignIds: string[];
  suppressed: number;
}

export interface ReadMailboxOptions {
  imap: MailboxSettings;
  campaignId: string;
  tenant: TenantRunner;
  readToken: RecipientTokenReader;
  /** The local part of the return paths (`bounces` in bounces+<token>@domain). */
  verpLocalPart?: string;
  progress?: (done: number, total: number) => Promise<void>;
}

const KIND_OF: Record<DeliveryClass, DeliveryEventKind> = {
  hard: 'hard_bounce',
  soft: 'soft_bounce',
  delayed: 'delayed',
  delivered: 'delivered',
};

/** The reports one message makes, one per recipient block; sourceEventId is the message's digest and the block's position. */
export function reportsOf(parsed: BounceReport, digest: string, recipientId: string | null, at: Date): DeliveryReport[] {
  const common = { source: 'imap' as const, recipientId, occurredAt: at, trustAddressAlone: false };
  if (parsed.kind === 'complaint') {
    return [
      {
        ...common,
        sourceEventId: `${digest}:0`,
        kind: 'complaint',
        email: parsed.recipient,
        messageId: parsed.messageId,
        statusCode: null,
        diagnostic: `feedback-type: ${parsed.feedbackType}`,
      },
    ];
  }
  if (parsed.kind !== 'dsn') return [];
  return parsed.recipients.map((r, i) => ({
    ...common,
    sourceEventId: `${digest}:${i}`,
    kind: KIND_OF[r.classification],
    email: r.recipient,
    messageId: parsed.messageId,
    statusCode: r.status,
    diagnostic: r.diagnosticCode,
  }));
}

/** Reads the unseen messages of the bounce mailbox and applies those of the campaign. */
export async function readBounceMailbox(options: ReadMailboxOptions): Promise<MailboxRun> {
  const { imap } = options;
  const run: MailboxRun = {
    unseen: 0,
    handled: 0,
    recorded: 0,
    duplicates: 0,
    ignored: 0,
    unsubscribed: 0,
    unmatched: 0,
    otherCampaign: 0,
    otherCampaignIds: [],
    suppressed: 0,
  };
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    // No IDLE or other background work: the run connects, reads and leaves.
    disableAutoIdle: true,
  });
  await client.connect();
  try {
    if (imap.doneMailbox) {
      // Created once; an existing folder is no error.
      await client.mailboxCreate(imap.doneMailbox).catch(() => undefined);
    }
    const lock = await client.getMailboxLock(imap.mailbox);
    try {
      const found = await client.search({ seen: false }, { uid: true });
      const uids = (Array.isArray(found) ? found : []).slice(0, MAILBOX_BATCH);
      run.unseen = uids.length;
      let done = 0;
      for (const uid of uids) {
        // One message at a time, each fetched whole (up to the cap): imapflow must not be given
        // other commands while a fetch is being iterated.
        const message = await client.fetchOne(
          String(uid),
          { uid: true, internalDate: true, source: { maxLength: MAILBOX_MESSAGE_MAX_BYTES } },
          { uid: true },
        );
        done++;
        if (message === false || !message.source) continue;
        const handled = await handleMessage(options, message.source, message.internalDate, run);
        if (handled) {
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
          if (imap.doneMailbox) await client.messageMove(String(uid), imap.doneMailbox, { uid: true });
          run.handled++;
        }
        if (options.progress && done % 50 === 0) await options.progress(done, uids.length);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return run;
}

function leaveForOther(run: MailboxRun, campaignId: string): false {
  run.otherCampaign++;
  if (!run.otherCampaignIds.includes(campaignId)) run.otherCampaignIds.push(campaignId);
  return false;
}

/** Applies one message; false when it belongs to another campaign (left unseen). */
async function handleMessage(
  options: ReadMailboxOptions,
  source: Buffer,
  internalDate: Date | string | undefined,
  run: MailboxRun,
): Promise<boolean> {
  const parsed = await parseBounceMessage(source, { verpLocalPart: options.verpLocalPart ?? 'bounces' });
  if (parsed.kind === 'ignored') {
    run.ignored++;
    return true;
  }
  if (parsed.kind === 'unsubscribe') return unsubscribeByMail(options, parsed, run);
  const named = parsed.verpToken ? await options.readToken(parsed.verpToken) : null;
  if (named && named.campaignId !== options.campaignId) return leaveForOther(run, named.campaignId);
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 40);
  const at = internalDate ? new Date(internalDate) : new Date();
  const reports = reportsOf(parsed, digest, named?.recipientId ?? null, Number.isNaN(at.getTime()) ? new Date() : at);
  const outcomes = await options.tenant(async (trx) => {
    const out = [];
    for (const report of reports) out.push(await applyDeliveryReport(trx, options.campaignId, report));
    return out;
  });
  for (const o of outcomes) {
    if (o.outcome === 'recorded') run.recorded++;
    else if (o.outcome === 'duplicate') run.duplicates++;
    else run.unmatched++;
    if (o.suppressed) run.suppressed++;
  }
  return true;
}

/**
 * A message to the List-Unsubscribe mailto address (RFC 2369; mailbox providers' unsubscribe
 * buttons send one): the token's recipient row is unsubscribed, as by the one-click link.
 */
async function unsubscribeByMail(
  options: ReadMailboxOptions,
  parsed: Extract<BounceReport, { kind: 'unsubscribe' }>,
  run: MailboxRun,
): Promise<boolean> {
  const named = await options.readToken(parsed.token);
  if (!named) {
    run.unmatched++;
    return true;
  }
  if (named.campaignId !== options.campaignId) return leaveForOther(run, named.campaignId);
  const result = await options.tenant(async (trx) => {
    const row = await trx
      .selectFrom('mailing_recipient')
      .select(['id', 'mailing_id', 'person_id', 'email'])
      .where('campaign_id', '=', options.campaignId)
      .where('id', '=', named.recipientId)
      .executeTakeFirst();
    if (!row) return null;
    return suppressAddress(trx, options.campaignId, row.email, 'unsubscribed', {
      method: 'mailto',
      recipient_id: row.id,
      mailing_id: row.mailing_id,
      person_id: row.person_id,
      from: parsed.from,
      at: new Date().toISOString(),
    });
  });
  if (!result) run.unmatched++;
  else run.unsubscribed++;
  return true;
}
