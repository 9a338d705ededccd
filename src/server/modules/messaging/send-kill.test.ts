// Exactly one message per recipient when the sending worker is killed mid-send: a separate process
// sends a mailing to a real SMTP server on loopback and is killed (SIGKILL) once about half the
// recipients got theirs; a new worker takes over (on PGlite: the same data directory, reopened after
// the crash; on PostgreSQL: after the dead worker's lease). Every recipient then holds exactly one
// message (one Message-ID). The few rows in flight at the kill instant may have been handed to the
// relay twice, with the same Message-ID (at-least-once at that instant: see send.ts); the test
// bounds and reports them. MESSAGING_KILL_RECIPIENTS sets the count (default 2,000; the issue's
// 20,000 by hand).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type MailingConfig } from '../../config.ts';
import { type Database, openDatabase, tenantRunnerOf } from '../../db/database.ts';
import { migrate } from '../../db/migrate.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { type SmtpSink, startSmtpSink } from '../../testing/smtp-sink.ts';
import { materialiseRecipients } from './audience.ts';
import { sendMailing } from './send.ts';
import { createBulkTransport } from './transport.ts';

const RECIPIENTS = Number(process.env.MESSAGING_KILL_RECIPIENTS ?? 2000);
const PUBLIC_URL = 'https://relais.kill.test';
const BATCH = 40;

describeEachDatabase('messaging: worker killed mid-send', (ctx) => {
  let sink: SmtpSink;
  let pgliteDir: string | null = null;
  let database: Database;
  let child: ChildProcess | null = null;
  const campaignId = uuidv7();
  const mailingId = uuidv7();
  let mailing: MailingConfig;

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailing = {
      ...loadConfig({ LOG_LEVEL: 'silent' }).mailing,
      smtpUrl: sink.url,
      fromAddress: 'lettre@kill.test',
      bounceDomain: 'rebonds.kill.test',
      tokenSecret: 'kill-test-secret-of-at-least-thirty-two-chars',
      ratePerSecond: 100_000,
      connections: 10,
      dkim: null,
    };
    if (ctx.kind === 'pglite') {
      // The child needs the same database: an embedded one in a folder, as `relais start` keeps it.
      pgliteDir = await mkdtemp(path.join(tmpdir(), 'relais-kill-'));
      database = await openDatabase({ databaseUrl: null, pgliteDir });
      await migrate(database);
    } else {
      database = ctx.database;
    }
    const db = database.db;
    await db
      .insertInto('campaign')
      .values({ id: campaignId, slug: `kill-${campaignId.slice(-6)}`, name: 'Kill', city: 'Paris' })
      .execute();
    await sql`insert into person (campaign_id, id, given_name, family_name, email, consent_email)
      select ${campaignId}::uuid, relais_uuidv7(), 'P' || i, 'Kill', 'p' || i || '@kill.test', true
      from generate_series(1, ${RECIPIENTS}) as i`.execute(db);
    await db
      .insertInto('mailing')
      .values({
        campaign_id: campaignId,
        id: mailingId,
        subject: 'Bonjour {{given_name}}',
        content: JSON.stringify({ blocks: [{ type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' }] }),
        status: 'sending',
        started_at: new Date(),
      })
      .execute();
    await db.insertInto('mailing_variant').values({ campaign_id: campaignId, mailing_id: mailingId, variant: 'A' }).execute();
    const total = await tenantRunnerOf(
      db,
      campaignId,
    )((trx) => materialiseRecipients(trx, sql`person.campaign_id = ${campaignId}`, { campaignId, mailingId }));
    await db.updateTable('mailing').set({ total_targeted: total }).where('id', '=', mailingId).execute();
    expect(total).toBe(RECIPIENTS);
    // The child process opens the folder itself: PGlite allows one process at a time.
    if (pgliteDir) await database.close();
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    if (pgliteDir) {
      await database.close().catch(() => {});
      await rm(pgliteDir, { recursive: true, force: true });
    }
    await sink?.close();
  });

  it(`sends exactly one message to each of ${RECIPIENTS} recipients across a SIGKILL and a restart`, async () => {
    const started = Date.now();
    const options = {
      databaseUrl: ctx.kind === 'postgres' ? ctx.database.url : null,
      pgliteDir,
      campaignId,
      mailingId,
      mailing,
      publicUrl: PUBLIC_URL,
    };
    const worker = spawn(process.execPath, [path.join(import.meta.dirname, 'send-worker.fixture.ts'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child = worker;
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => worker.on('exit', (code, signal) => resolve(signal ?? code)));
    // Killed once about half the recipients have their message, mid-batch.
    await expect.poll(() => sink.messages.length, { timeout: 600_000, interval: 5 }).toBeGreaterThanOrEqual(Math.floor(RECIPIENTS / 2));
    worker.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = sink.messages.length;
    expect(atKill).toBeLessThan(RECIPIENTS);

    // The restart: a new worker in this process.
    if (pgliteDir) {
      database = await openDatabase({ databaseUrl: null, pgliteDir });
      await migrate(database);
    }
    // The recipient rows per status, as the database holds them now.
    const statusCounts = () =>
      tenantRunnerOf(
        database.db,
        campaignId,
      )((trx) =>
        trx
          .selectFrom('mailing_recipient')
          .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
          .where('mailing_id', '=', mailingId)
          .groupBy('status')
          .execute(),
      );
    const statuses = await statusCounts();
    const stuck = { n: statuses.find((r) => r.status === 'sending')?.n ?? '0' };
    const recorded = Number(statuses.find((r) => r.status === 'sent')?.n ?? 0);
    const deliveredAtRestart = sink.messages.length;
    const config = loadConfig({ LOG_LEVEL: 'silent' }, { publicUrl: PUBLIC_URL, mailing });
    const transport = createBulkTransport(mailing, database.db);
    try {
      for (;;) {
        const outcome = await sendMailing({
          campaignId,
          mailingId,
          tenant: tenantRunnerOf(database.db, campaignId),
          config,
          transport,
          batchSize: BATCH,
          // PGlite: one process, so rows left 'sending' before this restart are the dead one's.
          soleWorker: ctx.kind === 'pglite',
          startedAt: new Date(),
          // PostgreSQL: another worker may be alive; the dead one's rows wait for their lease.
          leaseSeconds: 1,
        });
        if (outcome.done) break;
        // What the job does (queue itself for retryAt), in-line: the lease of the dead worker's rows.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, (outcome.retryAt?.getTime() ?? Date.now()) - Date.now())));
      }
    } finally {
      transport.close();
    }

    const byRecipient = new Map<string, { deliveries: number; messageIds: Set<string> }>();
    for (const m of sink.messages) {
      expect(m.rcptTo).toHaveLength(1);
      const to = m.rcptTo[0] as string;
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)?.[1] ?? '';
      const entry = byRecipient.get(to) ?? { deliveries: 0, messageIds: new Set<string>() };
      entry.deliveries += 1;
      entry.messageIds.add(id);
      byRecipient.set(to, entry);
    }
    expect(byRecipient.size).toBe(RECIPIENTS);
    const notOne = [...byRecipient].filter(([, e]) => e.messageIds.size !== 1);
    expect(notOne).toEqual([]);
    const redelivered = sink.messages.length - RECIPIENTS;
    // Only rows in flight at the kill instant (claimed, not yet marked sent) can go twice.
    expect(redelivered).toBeLessThanOrEqual(Number(stuck.n));
    const rows = await statusCounts();
    expect(rows.map((r) => [r.status, Number(r.n)])).toEqual([['sent', RECIPIENTS]]);
    const state = await database.db
      .selectFrom('mailing')
      .select(['status', 'sent_count'])
      .where('id', '=', mailingId)
      .executeTakeFirstOrThrow();
    expect(state).toEqual({ status: 'sent', sent_count: RECIPIENTS });
    console.info(
      `[kill test ${ctx.kind}] ${RECIPIENTS} recipients, killed at ${atKill} delivered (${deliveredAtRestart} when the restart began, ${recorded} recorded sent), ${stuck.n} rows in flight, ${redelivered} handed over twice (same Message-ID), ${Date.now() - started} ms`,
    );
  }, 900_000);
});
