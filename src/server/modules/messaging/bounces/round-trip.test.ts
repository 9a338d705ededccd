// From the send to the suppression, through real parts: a mailing sent by the messaging module to
// a real SMTP server on loopback, the bounce an MTA would write for it (addressed to the message's
// own VERP return path, the returned headers stripped of their Message-ID so that the token alone
// leads back), delivered into a real Dovecot and read by the bounce reader.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config.ts';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { createCampaignFixture } from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type DovecotServer, dovecotBinary, startDovecot } from '../../../testing/dovecot.ts';
import { type SmtpSink, startSmtpSink } from '../../../testing/smtp-sink.ts';
import { sendMailing } from '../send.ts';
import { createBulkTransport } from '../transport.ts';
import { emailConsentFixture } from './bounces.fixtures.ts';
import { readBounceMailbox } from './mailbox.ts';
import { recipientTokenReaderOf } from './recipient-token.ts';

const binary = dovecotBinary();
if (!binary) console.warn('round-trip.test.ts: dovecot is not installed (apt-get install dovecot-imapd): skipped');

/** The DSN Postfix writes for a message refused with 550 5.1.1, returning its headers. */
function postfixDsn(envelopeFrom: string, recipient: string, returnedHeaders: string): string {
  return [
    'From: MAILER-DAEMON@mx.relais.test (Mail Delivery System)',
    `To: ${envelopeFrom}`,
    'Subject: Undelivered Mail Returned to Sender',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="B0UND"',
    '',
    '--B0UND',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `<${recipient}>: host mx.example.net said: 550 5.1.1 User unknown`,
    '',
    '--B0UND',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.relais.test',
    `X-Postfix-Sender: rfc822; ${envelopeFrom}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--B0UND',
    'Content-Type: text/rfc822-headers',
    '',
    returnedHeaders,
    '--B0UND--',
    '',
  ].join('\r\n');
}

describe.skipIf(!binary)('a sent message bounces back to its sender', () => {
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  beforeAll(async () => {
    dovecot = await startDovecot();
    sink = await startSmtpSink();
  }, 30_000);
  afterAll(async () => {
    await sink?.close();
    await dovecot?.stop();
  });

  describeEachDatabase('round trip', (ctx) => {
    it('the VERP return path of the message sent leads the bounce to its recipient row', async () => {
      const base = loadConfig({ LOG_LEVEL: 'silent' });
      const config = {
        ...base,
        mailing: {
          ...base.mailing,
          smtpUrl: sink.url,
          fromAddress: 'lettre@campagne.test',
          bounceDomain: 'rebonds.campagne.test',
          tokenSecret: 'a-test-secret-of-at-least-thirty-two-characters',
          dkim: null,
          ratePerSecond: 1000,
        },
      };
      const c = await createCampaignFixture(ctx.database.db, 'round');
      const person = { id: c.people[0]?.id as string, email: 'person0.round@example.org' };
      await emailConsentFixture(ctx.database.db, c.id, [person.id]);
      const tenant = tenantRunnerOf(ctx.database.db, c.id);
      const mailingId = uuidv7();
      const recipientId = uuidv7();
      await tenant(async (trx) => {
        await trx
          .insertInto('mailing')
          .values({
            campaign_id: c.id,
            id: mailingId,
            name: 'Lettre',
            subject: 'La lettre du lundi',
            status: 'sending',
            content: JSON.stringify({ blocks: [{ type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' }] }),
          })
          .execute();
        await trx
          .insertInto('mailing_recipient')
          .values({ campaign_id: c.id, id: recipientId, mailing_id: mailingId, person_id: person.id, email: person.email })
          .execute();
      });
      const transport = createBulkTransport(config.mailing, ctx.database.db);
      const before = sink.messages.length;
      try {
        await sendMailing({ campaignId: c.id, mailingId, tenant, config, transport, soleWorker: false });
      } finally {
        await transport.close();
      }
      const sent = sink.messages.slice(before);
      expect(sent).toHaveLength(1);
      const message = sent[0] as (typeof sent)[number];
      expect(message.mailFrom).toMatch(/^bounces\+[a-z2-7]{39}@rebonds\.campagne\.test$/);

      const headers = (message.raw.split(/\r?\n\r?\n/)[0] ?? '')
        .split(/\r?\n(?![ \t])/)
        .filter((h) => !/^message-id:/i.test(h))
        .join('\r\n');
      const folder = `rt-${uuidv7().slice(-12)}`;
      const client = new ImapFlow({
        host: dovecot.host,
        port: dovecot.port,
        secure: false,
        auth: { user: dovecot.user, pass: dovecot.password },
        logger: false,
      });
      await client.connect();
      try {
        await client.mailboxCreate(folder);
        // The MTA may write the return path in capitals: the token is read in any case.
        await client.append(folder, postfixDsn(message.mailFrom.toUpperCase(), person.email, `${headers}\r\n`));
      } finally {
        await client.logout();
      }

      const run = await readBounceMailbox({
        imap: {
          host: dovecot.host,
          port: dovecot.port,
          secure: false,
          user: dovecot.user,
          password: dovecot.password,
          mailbox: folder,
          doneMailbox: null,
        },
        campaignId: c.id,
        tenant,
        readToken: recipientTokenReaderOf(config, ctx.database.db),
      });
      expect(run).toMatchObject({ handled: 1, recorded: 1, suppressed: 1, unmatched: 0 });
      const state = await tenant(async (trx) => ({
        suppression: await trx.selectFrom('mail_suppression').select(['email', 'reason']).execute(),
        row: await trx
          .selectFrom('mailing_recipient')
          .select(['status', 'delivery_status'])
          .where('id', '=', recipientId)
          .executeTakeFirstOrThrow(),
        event: await trx.selectFrom('delivery_event').select(['recipient_id', 'mailing_id', 'status_code']).executeTakeFirstOrThrow(),
      }));
      expect(state.suppression).toEqual([{ email: person.email, reason: 'hard_bounce' }]);
      expect(state.row).toEqual({ status: 'sent', delivery_status: 'hard_bounce' });
      expect(state.event).toEqual({ recipient_id: recipientId, mailing_id: mailingId, status_code: '5.1.1' });
    }, 60_000);
  });
});
