// npm run bench:send — issue 15's send benchmark: N personalised e-mails (100,000 by default) sent
// through the real send path (sendMailing, the messaging.send job's function: claims in batches,
// rendering per recipient, tracked links, the pooled nodemailer transport, the sent rows recorded in
// group commits) to a local SMTP sink, against the baseline: a minimal nodemailer loop handing the
// same sink pre-rendered messages over a pool of the same size. Target: the app ≥ 80 % of the
// baseline's messages per second. Runs alternate baseline, app, baseline… (--rounds app runs, one
// more baseline); medians compared. The sink runs in its own process; the senders in this one.
//   node bench/send.ts [--recipients 100000] [--db postgres|pglite] [--connections 10] [--rounds 1]
//   node --cpu-prof --cpu-prof-dir=bench/results/profiles bench/send.ts --recipients 20000   (where the time goes)
// The modules load in the application's order, their list first (see send-worker.fixture.ts).
import '../src/server/modules/index.ts';

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { loadConfig } from '../src/server/config.ts';
import { type Database, openDatabase, tenantRunnerOf } from '../src/server/db/database.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { uuidv7 } from '../src/server/lib/ids.ts';
import { materialiseRecipients } from '../src/server/modules/messaging/audience.ts';
import { buildMessage, loadKit, mergeValuesOf } from '../src/server/modules/messaging/compose.ts';
import { sendMailing } from '../src/server/modules/messaging/send.ts';
import { type BulkMessage, createBulkTransport } from '../src/server/modules/messaging/transport.ts';
import { createBenchPostgres, dropBenchPostgres } from './lib/databases.ts';
import { loadAverage, machineConditions } from './lib/machine.ts';

const USAGE = `Usage: node bench/send.ts [options]

Options:
  --recipients <n>    personalised e-mails per run (default 100000)
  --db <kind>         postgres or pglite (default postgres)
  --pg-url <url>      PostgreSQL server for the relais_bench_send_<pid> database (default postgres://postgres@127.0.0.1:5432/)
  --connections <n>   SMTP connections of both pools (MAILING_SMTP_CONNECTIONS; default 10)
  --rounds <n>        app runs, each between two baseline runs (default 1)
  --distinct <n>      pre-rendered messages the baseline cycles through (default 1000)
  --only app          the app's runs alone, no ratio (to profile the send path with --cpu-prof)
  -h, --help          this help`;

const TARGET = 0.8;
// Its own name per run: two runs side by side must not drop each other's database.
const DATABASE_NAME = `relais_bench_send_${process.pid}`;

const { values } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'postgres' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    distinct: { type: 'string', default: '1000' },
    only: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const recipients = Number(values.recipients);
const connections = Number(values.connections);
const rounds = Number(values.rounds);
const distinct = Number(values.distinct);
const kind = values.db;
if ((kind !== 'postgres' && kind !== 'pglite') || ![recipients, connections, rounds, distinct].every((n) => Number.isInteger(n) && n > 0)) {
  console.error(`Bad option.\n\n${USAGE}`);
  process.exit(2);
}
const log = (line: string) => console.error(line);

interface Sink {
  port: number;
  count(): Promise<{ messages: number; bytes: number; cpuUs: number }>;
  stop(): Promise<void>;
}

async function startSink(): Promise<Sink> {
  const script = path.join(import.meta.dirname, 'servers', 'smtp-count-server.ts');
  // The child is driven over IPC: one request at a time, answered in order.
  const { fork } = await import('node:child_process');
  const child = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<unknown>((resolve) => child.once('message', resolve));
  const { port } = (await next()) as { port: number };
  return {
    port,
    async count() {
      const answer = next();
      child.send('count');
      return (await answer) as { messages: number; bytes: number; cpuUs: number };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Where a run's time and CPU went. */
interface Run {
  side: 'baseline' | 'app';
  messages: number;
  ms: number;
  perSecond: number;
  /** CPU of this process per message (µs), user + system. */
  cpuUsPerMessage: number;
  /** CPU of the sink per message (µs). */
  sinkCpuUsPerMessage: number;
  load: number[];
}

async function timed(side: Run['side'], sink: Sink, fn: () => Promise<void>): Promise<Run> {
  const before = await sink.count();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = await sink.count();
  const messages = after.messages - before.messages;
  return {
    side,
    messages,
    ms,
    perSecond: (messages * 1000) / ms,
    cpuUsPerMessage: (used.user + used.system) / messages,
    sinkCpuUsPerMessage: (after.cpuUs - before.cpuUs) / messages,
    load: loadAverage(),
  };
}

const PARAGRAPH =
  'Bonjour {{given_name|"à vous"}}, la campagne passe dans votre quartier cette semaine. ' +
  'Nous tiendrons un stand au marché de {{locality|"Paris"}} samedi matin, puis une réunion publique le soir : ' +
  'venez poser vos questions sur le logement, les transports et les écoles. '.repeat(6);

/** A campaign with `n` consented people, and a mailing to all of them, ready to send. */
async function seed(database: Database, n: number) {
  const { db } = database;
  const campaignId = uuidv7();
  const mailingId = uuidv7();
  await db.insertInto('campaign').values({ id: campaignId, slug: 'bench-send', name: 'Paris en commun', city: 'Paris' }).execute();
  await sql`insert into person (campaign_id, id, given_name, family_name, email, consent_email, locality, postcode)
    select ${campaignId}::uuid, relais_uuidv7(), 'Prénom' || i, 'Nom' || i, 'p' || i || '@envoi.test', true,
      'Paris ' || (1 + i % 20) || 'e', (75001 + i % 20)::text
    from generate_series(1, ${n}) as i`.execute(db);
  // Every recipient is at one sink domain: with the deliverability defaults (100 a second and 5
  // connections per receiving domain) the bench would measure that cap, not the send path. The caps'
  // highest values leave the relay's own limit (the baseline's) as the only one.
  await db
    .insertInto('mail_deliverability')
    .values({ campaign_id: campaignId, default_connections: 100, default_rate_per_minute: 1_000_000 })
    .execute();
  await db
    .insertInto('mailing')
    .values({
      campaign_id: campaignId,
      id: mailingId,
      subject: '{{given_name|"Bonjour"}}, on passe à {{locality|"Paris"}} samedi',
      preheader: 'Le programme de la semaine',
      content: JSON.stringify({
        blocks: [
          { type: 'heading', text: 'Cette semaine dans votre arrondissement' },
          { type: 'paragraph', text: PARAGRAPH },
          { type: 'button', text: 'Je viens', url: 'https://campagne.example/agenda/marche' },
          { type: 'divider' },
          { type: 'paragraph', text: 'Retrouvez le programme complet sur https://campagne.example/programme.' },
          { type: 'image', src: 'https://campagne.example/affiche.jpg', alt: 'Affiche', url: 'https://campagne.example/affiche' },
        ],
      }),
      status: 'sending',
      started_at: new Date(),
    })
    .execute();
  await db.insertInto('mailing_variant').values({ campaign_id: campaignId, mailing_id: mailingId, variant: 'A' }).execute();
  const tenant = tenantRunnerOf(db, campaignId);
  const total = await tenant((trx) => materialiseRecipients(trx, sql`person.campaign_id = ${campaignId}`, { campaignId, mailingId }));
  await db.updateTable('mailing').set({ total_targeted: total }).where('id', '=', mailingId).execute();
  if (database.kind === 'postgres') await sql`vacuum analyze mailing_recipient, person`.execute(db);
  return { campaignId, mailingId, tenant };
}

const machine = machineConditions();
log(
  `Relais send bench: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}`,
);
log(`${kind}: ${recipients.toLocaleString('en')} recipients, ${connections} SMTP connections, ${rounds} round(s)`);

const sink = await startSink();
const databaseUrl = kind === 'postgres' ? await createBenchPostgres(values['pg-url'], DATABASE_NAME) : null;
const database = await openDatabase({ databaseUrl, pgliteDir: null, poolSize: 10 });
const runs: Run[] = [];
try {
  await migrate(database);
  const seedStarted = performance.now();
  const { campaignId, mailingId, tenant } = await seed(database, recipients);
  log(`  seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const config = loadConfig(
    {
      LOG_LEVEL: 'silent',
      MAILING_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      MAILING_FROM: 'lettre@campagne.example',
      MAILING_TOKEN_SECRET: 'bench-send-secret-of-at-least-thirty-two-characters',
      // The relay's pace is not what is measured: no rate limit on either side.
      MAILING_RATE_PER_SECOND: '1000000',
      MAILING_SMTP_CONNECTIONS: String(connections),
    },
    { publicUrl: 'https://campagne.example' },
  );

  // The baseline's messages: the app's own output for the first recipients, rendered before timing.
  const prerendered: BulkMessage[] = await tenant(async (trx) => {
    const mailing = await trx.selectFrom('mailing').selectAll().where('id', '=', mailingId).executeTakeFirstOrThrow();
    const kit = await loadKit(trx, mailing, config.publicUrl);
    const rows = await trx
      .selectFrom('mailing_recipient as r')
      .innerJoin('person as p', (j) => j.onRef('p.campaign_id', '=', 'r.campaign_id').onRef('p.id', '=', 'r.person_id'))
      .select(['r.id', 'r.email', 'r.variant', 'p.given_name', 'p.family_name', 'p.locality', 'p.postcode'])
      .where('r.mailing_id', '=', mailingId)
      .orderBy('r.id')
      .limit(distinct)
      .execute();
    return rows.map((r) => buildMessage(config, kit, r, mergeValuesOf(r)));
  });
  log(
    `  one message: ${Buffer.byteLength(prerendered[0]?.html ?? '')} bytes of HTML, ${Buffer.byteLength(prerendered[0]?.text ?? '')} of text`,
  );

  const baseline = () =>
    timed('baseline', sink, async () => {
      // The same pool as the app's transport (transport.ts), without its rate limit, fed as fast as it takes.
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: sink.port,
        secure: false,
        ignoreTLS: true,
        pool: true,
        maxConnections: connections,
        maxMessages: 500,
      });
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < recipients; i = next++) {
          const m = prerendered[i % prerendered.length] as BulkMessage;
          await transport.sendMail({
            from: m.from,
            to: m.to,
            subject: m.subject,
            html: m.html,
            text: m.text,
            messageId: `<${m.messageId}>`,
            envelope: { from: m.returnPath, to: [m.to] },
            headers: m.headers,
          });
        }
      };
      await Promise.all(Array.from({ length: connections * 4 }, lane));
      transport.close();
    });

  const app = (round: number) =>
    timed('app', sink, async () => {
      if (round > 0) {
        // The same mailing again: every row queued as before the first send.
        await tenant(async (trx) => {
          await trx
            .updateTable('mailing_recipient')
            .set({ status: 'queued', claimed_at: null, sent_at: null, message_id: null, attempts: 0 })
            .where('mailing_id', '=', mailingId)
            .execute();
          await trx.updateTable('mailing').set({ status: 'sending', finished_at: null }).where('id', '=', mailingId).execute();
        });
        if (database.kind === 'postgres') await sql`vacuum analyze mailing_recipient`.execute(database.db);
      }
      const transport = createBulkTransport(config.mailing, database.db);
      try {
        const outcome = await sendMailing({
          campaignId,
          mailingId,
          tenant,
          config,
          transport,
          soleWorker: database.kind === 'pglite',
          // The job's progress writes one job_run row per batch; its count of the rows is kept here.
          progress: async () => {},
        });
        if (!outcome.done || outcome.sent !== recipients) throw new Error(`the send ended with ${JSON.stringify(outcome)}`);
      } finally {
        transport.close();
      }
    });

  const show = (r: Run) =>
    log(
      `  ${r.side.padEnd(8)} ${r.messages.toLocaleString('en')} messages in ${(r.ms / 1000).toFixed(1)} s: ${Math.round(r.perSecond).toLocaleString('en')}/s, ${Math.round(r.cpuUsPerMessage)} µs CPU each, sink ${Math.round(r.sinkCpuUsPerMessage)} µs (load ${r.load.join(' ')})`,
    );
  const appOnly = values.only === 'app';
  for (let round = 0; round < rounds; round++) {
    if (appOnly) {
      runs.push(await app(round));
      show(runs.at(-1) as Run);
      continue;
    }
    if (round === 0) {
      runs.push(await baseline());
      show(runs.at(-1) as Run);
    }
    runs.push(await app(round));
    show(runs.at(-1) as Run);
    runs.push(await baseline());
    show(runs.at(-1) as Run);
  }
  const counts = await tenant((trx) =>
    trx
      .selectFrom('mailing_recipient')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('mailing_id', '=', mailingId)
      .groupBy('status')
      .execute(),
  );
  const sent = Number(counts.find((c) => c.status === 'sent')?.n ?? 0);
  if (sent !== recipients) throw new Error(`${sent} of ${recipients} rows are 'sent' after the last run: ${JSON.stringify(counts)}`);
} finally {
  await database.close();
  if (databaseUrl) await dropBenchPostgres(values['pg-url'], DATABASE_NAME);
  await sink.stop();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
if (values.only === 'app') process.exit(0);
const appRate = median(runs.filter((r) => r.side === 'app').map((r) => r.perSecond));
const baseRate = median(runs.filter((r) => r.side === 'baseline').map((r) => r.perSecond));
const ratio = appRate / baseRate;
const verdict = ratio >= TARGET ? 'met' : 'MISSED';
console.log(
  `\nsend (${kind}, ${recipients.toLocaleString('en')} e-mails): app ${Math.round(appRate).toLocaleString('en')}/s vs baseline ${Math.round(baseRate).toLocaleString('en')}/s = ${(ratio * 100).toFixed(0)} % (target ≥ ${TARGET * 100} %): ${verdict}`,
);
const dir = path.join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
const file = path.join(dir, `send-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(file, `${JSON.stringify({ kind, recipients, connections, rounds, machine, runs, appRate, baseRate, ratio }, null, 2)}\n`);
log(`written ${path.relative(process.cwd(), file)}`);
process.exitCode = ratio >= TARGET ? 0 : 1;
