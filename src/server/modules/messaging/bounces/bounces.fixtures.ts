// Test data of the bounce tests: mailings already sent, one recipient row per person each, with
// the Message-ID the sender gave the message.
import type { Db } from '../../../db/database.ts';
import { withTenant } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { recordConsents } from '../../consent/index.ts';

export interface SentMailing {
  mailingId: string;
  /** Recipient rows, in the order of the people given. */
  recipients: { id: string; personId: string; email: string; messageId: string }[];
}

/** A sent mailing to the given people (their current address), each with a Message-ID `<m-…@relais.test>`. */
export async function sentMailingFixture(
  db: Db,
  campaignId: string,
  people: readonly { id: string; email: string }[],
  options: { messageIds?: readonly string[]; sentAt?: Date } = {},
): Promise<SentMailing> {
  const mailingId = uuidv7();
  const recipients = people.map((p, i) => ({
    id: uuidv7(),
    personId: p.id,
    email: p.email,
    messageId: options.messageIds?.[i] ?? `<m-${uuidv7()}@relais.test>`,
  }));
  await withTenant(db, campaignId, async (trx) => {
    await trx
      .insertInto('mailing')
      .values({ campaign_id: campaignId, id: mailingId, name: 'Lettre', subject: 'La lettre du lundi', status: 'sent' })
      .execute();
    if (recipients.length === 0) return;
    await trx
      .insertInto('mailing_recipient')
      .values(
        recipients.map((r) => ({
          campaign_id: campaignId,
          id: r.id,
          mailing_id: mailingId,
          person_id: r.personId,
          email: r.email,
          status: 'sent' as const,
          sent_at: options.sentAt ?? new Date(),
          message_id: r.messageId,
        })),
      )
      .execute();
  });
  return { mailingId, recipients };
}

/** Gives the people e-mail consent (a ledger line each), as a signup form would. */
export async function emailConsentFixture(db: Db, campaignId: string, personIds: readonly string[]): Promise<void> {
  await withTenant(db, campaignId, (trx) =>
    recordConsents(
      trx,
      personIds.map((personId) => ({ campaignId, personId, channel: 'email' as const, status: 'given' as const, source: 'form' })),
    ),
  );
}
