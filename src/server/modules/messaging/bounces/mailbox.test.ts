// The bounce mailbox on a real Dovecot (Debian's, on a free loopback port): the sample reports of
// fixtures/ are delivered into it (IMAP APPEND), the reader suppresses the right people, marks
// what it handled as seen, leaves another campaign's messages alone, and a second run changes
// nothing. Skipped, saying so, where dovecot is not installed; CI installs it (.ci/run).
import { readdirSync, readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config.ts';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import { buildTestApp, createCampaignFixture } from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type DovecotServer, dovecotBinary, startDovecot } from '../../../testing/dovecot.ts';
import { verpToken } from '../tokens.ts';
import { emailConsentFixture, sentMailingFixture } from './bounces.fixtures.ts';
import { BOUNCES_JOB_KIND } from './bounces.job.ts';
import { type MailboxSettings, readBounceMailbox } from './mailbox.ts';
import { recipientTokenReaderOf } from './recipient-token.ts';

const binary = dovecotBinary();
if (!binary) {
  console.warn('mailbox.test.ts: dovecot is not installed (apt-get install dovecot-imapd): the IMAP tests are skipped');
}

const FIXTURES = new URL('./fixtures/', import.meta.url);
const config = loadConfig({ MAILING_TOKEN_SECRET: 'k'.repeat(40), LOG_LEVEL: 'silent' });
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

// The people the samples are about, and the Message-ID of the message each got.
const SENT = [
  { email: 'jeanne.martin@exemple-fai.fr', messageId: '<m-postfix-1@relais.test>' },
  { email: 'marc.petit@outlook.fr', messageId: '<m-exchange-1@relais.test>' },
  { email: 'sophie.leroy.inexistante@gmail.com', messageId: '<m-gmail-1@relais.test>' },
  { email: 'henri.moreau@vieux-serveur.test', messageId: '<m-qmail-1@relais.test>' },
  { email: 'paul.durand@boite-pleine.test', messageId: '<m-exim-1@relais.test>' },
  { email: 'lucie.bernard@lent.test', messageId: '<m-exim-2@relais.test>' },
  { email: 'remi.blanc@exemple-fai.fr', messageId: '<m-delivered-1@relais.test>' },
  { email: 'agnes.roux@hotmail.com', messageId: '<m-arf-1@relais.test>' },
  // The sendmail-style report quotes no Message-ID: only its VERP token (TOKTEXT2) leads to it.
  { email: 'claire.fontaine@petit-hebergeur.test', messageId: '<m-text-2@relais.test>' },
];

describe.skipIf(!binary)('bounce mailbox over IMAP (Dovecot)', () => {
  let dovecot: DovecotServer;
  beforeAll(async () => {
    dovecot = await startDovecot();
  }, 30_000);
  afterAll(async () => {
    await dovecot?.stop();
  });

  const imapClient = () =>
    new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });

  const settings = (mailbox: string, doneMailbox: string | null = null): MailboxSettings => ({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    user: dovecot.user,
    password: dovecot.password,
    mailbox,
    doneMailbox,
  });

  /** Delivers the raw messages into a fresh folder; returns its name. */
  const deliver = async (messages: (Buffer | string)[]): Promise<string> => {
    const folder = `t-${uuidv7().slice(-12)}`;
    const client = imapClient();
    await client.connect();
    try {
      await client.mailboxCreate(folder);
      for (const raw of messages) await client.append(folder, raw);
    } finally {
      await client.logout();
    }
    return folder;
  };

  const statusOf = async (folder: string): Promise<{ messages: number; unseen: number }> => {
    const client = imapClient();
    await client.connect();
    try {
      const status = await client.status(folder, { messages: true, unseen: true });
      return { messages: status ? (status.messages ?? -1) : -1, unseen: status ? (status.unseen ?? -1) : -1 };
    } finally {
      await client.logout();
    }
  };
  const unseenIn = async (folder: string) => (await statusOf(folder)).unseen;

  describeEachDatabase('reader', (ctx) => {
    it('suppresses the hard-bounced and the complainer from samples of several MTAs, and a second run changes nothing', async () => {
      const c = await createCampaignFixture(ctx.database.db, 'imap');
      const other = await createCampaignFixture(ctx.database.db, 'imap-other');
      const tenant = tenantRunnerOf(ctx.database.db, c.id);
      const people = SENT.map((s) => ({ id: uuidv7(), email: s.email }));
      await tenant((trx) =>
        trx
          .insertInto('person')
          .values(people.map((p) => ({ campaign_id: c.id, id: p.id, given_name: 'X', family_name: 'Y', email: p.email })))
          .execute(),
      );
      await emailConsentFixture(
        ctx.database.db,
        c.id,
        people.map((p) => p.id),
      );
      const m = await sentMailingFixture(ctx.database.db, c.id, people, { messageIds: SENT.map((s) => s.messageId) });
      const claire = m.recipients[8] as (typeof m.recipients)[number];
      const otherRow = (await sentMailingFixture(ctx.database.db, other.id, [{ id: other.people[0]?.id as string, email: 'x@other.test' }]))
        .recipients[0] as (typeof m.recipients)[number];
      const readToken = recipientTokenReaderOf(config, ctx.database.db);
      // The samples' return paths carry placeholders: the sendmail-style one gets Claire's real
      // token (it quotes no Message-ID: the token is all that leads to her); the others keep
      // theirs, which verify for nobody, and are matched by the Message-ID they quote.
      const samples = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
      const raw = (name: string) => fixture(name).toString().replaceAll('TOKTEXT2', verpToken(config.mailing.tokenSecret, claire.id));
      // A bounce of another campaign's message, named by its token: left for that campaign's run.
      const othersMessage = fixture('postfix-hard.eml')
        .toString()
        .replaceAll('TOKPOSTFIX1', verpToken(config.mailing.tokenSecret, otherRow.id))
        .replaceAll('m-postfix-1', 'm-other-1');
      const folder = await deliver([...samples.map(raw), othersMessage]);
      expect(await unseenIn(folder)).toBe(samples.length + 1);

      const first = await readBounceMailbox({ imap: settings(folder), campaignId: c.id, tenant, readToken });
      expect(first).toMatchObject({
        unseen: samples.length + 1,
        handled: samples.length,
        otherCampaign: 1,
        ignored: 2,
        unmatched: 0,
        suppressed: 5,
      });
      expect(first.otherCampaignIds).toEqual([other.id]);

      const suppressed = await tenant((trx) => trx.selectFrom('mail_suppression').select(['email', 'reason']).orderBy('email').execute());
      expect(suppressed).toEqual([
        { email: 'agnes.roux@hotmail.com', reason: 'complaint' },
        { email: 'henri.moreau@vieux-serveur.test', reason: 'hard_bounce' },
        { email: 'jeanne.martin@exemple-fai.fr', reason: 'hard_bounce' },
        { email: 'marc.petit@outlook.fr', reason: 'hard_bounce' },
        { email: 'sophie.leroy.inexistante@gmail.com', reason: 'hard_bounce' },
      ]);
      const statuses = await tenant((trx) =>
        trx.selectFrom('mailing_recipient').select(['email', 'delivery_status']).orderBy('email').execute(),
      );
      expect(Object.fromEntries(statuses.map((s) => [s.email, s.delivery_status]))).toEqual({
        'agnes.roux@hotmail.com': 'complaint',
        'claire.fontaine@petit-hebergeur.test': 'soft_bounce',
        'henri.moreau@vieux-serveur.test': 'hard_bounce',
        'jeanne.martin@exemple-fai.fr': 'hard_bounce',
        'lucie.bernard@lent.test': 'delayed',
        'marc.petit@outlook.fr': 'hard_bounce',
        'paul.durand@boite-pleine.test': 'soft_bounce',
        'remi.blanc@exemple-fai.fr': 'delivered',
        'sophie.leroy.inexistante@gmail.com': 'hard_bounce',
      });
      // The other campaign's message is still unseen, for its own run.
      expect(await unseenIn(folder)).toBe(1);

      const countRows = () =>
        tenant(async (trx) => ({
          events: (await trx.selectFrom('delivery_event').select('id').execute()).length,
          suppressions: (await trx.selectFrom('mail_suppression').select('email').execute()).length,
          activities: (await trx.selectFrom('activity').select('id').where('type', '=', 'mail.suppressed').execute()).length,
          withdrawn: (await trx.selectFrom('consent').select('id').where('status', '=', 'withdrawn').execute()).length,
        }));
      const before = await countRows();
      expect(before).toEqual({ events: 9, suppressions: 5, activities: 5, withdrawn: 1 });
      const second = await readBounceMailbox({ imap: settings(folder), campaignId: c.id, tenant, readToken });
      expect(second).toMatchObject({ unseen: 1, handled: 0, recorded: 0, otherCampaign: 1 });
      expect(await countRows()).toEqual(before);
    }, 60_000);

    it('moves handled messages to the configured folder; a message marked unread again is recorded once', async () => {
      const c = await createCampaignFixture(ctx.database.db, 'imap-move');
      const tenant = tenantRunnerOf(ctx.database.db, c.id);
      const person = { id: c.people[0]?.id as string, email: 'person0.imap-move@example.org' };
      await sentMailingFixture(ctx.database.db, c.id, [person], { messageIds: ['<m-move@relais.test>'] });
      const raw = fixture('postfix-hard.eml')
        .toString()
        .replaceAll('jeanne.martin@exemple-fai.fr', person.email)
        .replaceAll('m-postfix-1@relais.test', 'm-move@relais.test');
      const folder = await deliver([raw]);
      const done = `${folder}-done`;
      const noToken = recipientTokenReaderOf(config, ctx.database.db);
      const first = await readBounceMailbox({ imap: settings(folder, done), campaignId: c.id, tenant, readToken: noToken });
      expect(first).toMatchObject({ handled: 1, recorded: 1, suppressed: 1 });
      expect((await statusOf(folder)).messages).toBe(0);
      expect((await statusOf(done)).messages).toBe(1);
      const client = imapClient();
      await client.connect();
      try {
        // Someone marks it unread and puts it back: read again, it records nothing more.
        const lock = await client.getMailboxLock(done);
        try {
          await client.messageFlagsRemove('1:*', ['\\Seen']);
          await client.messageMove('1:*', folder);
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
      const again = await readBounceMailbox({ imap: settings(folder, done), campaignId: c.id, tenant, readToken: noToken });
      expect(again).toMatchObject({ handled: 1, recorded: 0, duplicates: 1, suppressed: 0 });
      expect(await tenant((trx) => trx.selectFrom('delivery_event').select('kind').execute())).toEqual([{ kind: 'hard_bounce' }]);
    }, 60_000);

    it('a message to the List-Unsubscribe mailto address unsubscribes its recipient, with a ledger line', async () => {
      const c = await createCampaignFixture(ctx.database.db, 'imap-mailto');
      const tenant = tenantRunnerOf(ctx.database.db, c.id);
      const person = { id: c.people[0]?.id as string, email: 'person0.imap-mailto@example.org' };
      await emailConsentFixture(ctx.database.db, c.id, [person.id]);
      const m = await sentMailingFixture(ctx.database.db, c.id, [person]);
      const token = verpToken(config.mailing.tokenSecret, m.recipients[0]?.id as string);
      // As Gmail's unsubscribe button sends it: an automated message to the mailto address.
      const request = `From: ${person.email}\r\nTo: unsubscribe+${token.toUpperCase()}@bounce.relais.test\r\nSubject: Unsubscribe\r\nAuto-Submitted: auto-generated\r\nMessage-ID: <u-1@mail.example.org>\r\n\r\nThis message was automatically generated by Gmail.\r\n`;
      const forged = request.replace(token.toUpperCase(), 'a'.repeat(39));
      const folder = await deliver([request, forged]);
      const run = await readBounceMailbox({
        imap: settings(folder),
        campaignId: c.id,
        tenant,
        readToken: recipientTokenReaderOf(config, ctx.database.db),
      });
      expect(run).toMatchObject({ handled: 2, unsubscribed: 1, unmatched: 1 });
      const state = await tenant(async (trx) => ({
        suppression: await trx.selectFrom('mail_suppression').select(['email', 'reason']).execute(),
        consent: await trx.selectFrom('person').select('consent_email').where('id', '=', person.id).executeTakeFirstOrThrow(),
      }));
      expect(state.suppression).toEqual([{ email: person.email, reason: 'unsubscribed' }]);
      expect(state.consent.consent_email).toBe(false);
    }, 60_000);

    it('runs as the messaging.bounces job of the campaign, and queues the next reading while mail went out lately', async () => {
      const c = await createCampaignFixture(ctx.database.db, 'imap-job');
      const person = { id: c.people[0]?.id as string, email: 'person0.imap-job@example.org' };
      await sentMailingFixture(ctx.database.db, c.id, [person], { messageIds: ['<m-job@relais.test>'] });
      const folder = await deliver([
        fixture('gmail-hard.eml')
          .toString()
          .replaceAll('sophie.leroy.inexistante@gmail.com', person.email)
          .replaceAll('m-gmail-1@relais.test', 'm-job@relais.test'),
      ]);
      const t = await buildTestApp(ctx.database, {
        mailing: config.mailing,
        bounces: { imap: settings(folder), mailgunSigningKey: null, sendgridPublicKey: null },
      });
      try {
        await t.runtime.jobs.work();
        const runId = await t.runtime.jobs.enqueue({ campaignId: c.id, kind: BOUNCES_JOB_KIND });
        const tenant = tenantRunnerOf(ctx.database.db, c.id);
        const runOf = () =>
          tenant((trx) => trx.selectFrom('job_run').select(['state', 'result']).where('id', '=', runId).executeTakeFirstOrThrow());
        await expect.poll(async () => (await runOf()).state, { timeout: 30_000, interval: 100 }).toBe('succeeded');
        expect((await runOf()).result).toMatchObject({ handled: 1, recorded: 1, suppressed: 1 });
        expect(await tenant((trx) => trx.selectFrom('mail_suppression').select(['email', 'reason']).execute())).toEqual([
          { email: person.email, reason: 'hard_bounce' },
        ]);
        const next = await tenant((trx) =>
          trx.selectFrom('job_run').select('id').where('kind', '=', BOUNCES_JOB_KIND).where('state', '=', 'queued').execute(),
        );
        expect(next).toHaveLength(1);
      } finally {
        await t.close();
      }
    }, 60_000);

    it('a reading that fails (the mailbox unreachable) still queues the next one', async () => {
      const c = await createCampaignFixture(ctx.database.db, 'imap-down');
      await sentMailingFixture(ctx.database.db, c.id, [{ id: c.people[0]?.id as string, email: 'person0.imap-down@example.org' }]);
      // Port 1 on loopback: nothing listens there, the connection is refused at once.
      const down = { ...settings('INBOX'), port: 1 };
      const t = await buildTestApp(ctx.database, {
        mailing: config.mailing,
        bounces: { imap: down, mailgunSigningKey: null, sendgridPublicKey: null },
      });
      try {
        await t.runtime.jobs.work();
        const runId = await t.runtime.jobs.enqueue({ campaignId: c.id, kind: BOUNCES_JOB_KIND });
        const tenant = tenantRunnerOf(ctx.database.db, c.id);
        const runs = () =>
          tenant((trx) =>
            trx.selectFrom('job_run').select(['id', 'state']).where('kind', '=', BOUNCES_JOB_KIND).orderBy('created_at').execute(),
          );
        await expect.poll(async () => (await runs()).find((r) => r.id === runId)?.state, { timeout: 30_000, interval: 100 }).toBe('failed');
        expect((await runs()).filter((r) => r.state === 'queued')).toHaveLength(1);
      } finally {
        await t.close();
      }
    }, 60_000);
  });
});
