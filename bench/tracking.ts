// Open-pixel requests per second, three ways, on the same application and the same token check:
//   buffered  the real route (/t/o/<token>.gif): the hit is pushed to the HitWriter, written in batches
//   none      the same route doing no database work (the hit is dropped)
//   inline    the same route inserting one mail_event row per hit (a tenant transaction per request)
// The targets: buffered ≥ 70 % of none, and ≥ 20 × inline. The server runs in a child
// process (the load generator never shares its event loop).
//   node bench/tracking.ts [--duration 5] [--warmup 2] [--connections 20]
//   DATABASE_URL=postgres://…/postgres node bench/tracking.ts   (a throwaway database is created and dropped)
import os from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from './lib/children.ts';
import { measure } from './lib/load.ts';

const child = process.env.TRACKING_BENCH_CHILD === '1';

async function serve() {
  const { loadConfig } = await import('../src/server/config.ts');
  const { openDatabase, withTenant } = await import('../src/server/db/database.ts');
  const { migrate } = await import('../src/server/db/migrate.ts');
  const { uuidv7 } = await import('../src/server/lib/ids.ts');
  const { appOf, openRuntime } = await import('../src/server/runtime.ts');
  const { readOpenToken, openToken } = await import('../src/server/modules/messaging/tracking/tokens.ts');
  const { PIXEL, trackingWriterOf } = await import('../src/server/modules/messaging/tracking/tracking.routes.ts');

  const url = process.env.BENCH_DATABASE_URL || null;
  const database = await openDatabase({ databaseUrl: url, pgliteDir: null, poolSize: 10 });
  await migrate(database);
  const { db } = database;
  const campaignId = uuidv7();
  await db.insertInto('campaign').values({ id: campaignId, slug: 'bench', name: 'Bench', city: 'Paris' }).execute();
  const mailingId = uuidv7();
  const personId = uuidv7();
  const recipientId = uuidv7();
  await withTenant(db, campaignId, async (trx) => {
    await trx.insertInto('mailing').values({ campaign_id: campaignId, id: mailingId, status: 'sent' }).execute();
    await trx
      .insertInto('person')
      .values({ campaign_id: campaignId, id: personId, given_name: 'B', family_name: 'B', email: 'b@exemple.test' })
      .execute();
    await trx
      .insertInto('mailing_recipient')
      .values({
        campaign_id: campaignId,
        id: recipientId,
        mailing_id: mailingId,
        person_id: personId,
        email: 'b@exemple.test',
        status: 'sent',
        sent_at: new Date(Date.now() - 3_600_000),
      })
      .execute();
  });
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent' });
  const runtime = await openRuntime(config, database);
  const app = await appOf(runtime);
  const secret = config.mailing.tokenSecret;
  const answer = (reply: import('fastify').FastifyReply) =>
    reply.type('image/gif').header('cache-control', 'no-store, no-cache, must-revalidate, private').header('expires', '0').send(PIXEL);
  app.get<{ Params: { file: string } }>('/bench/none/:file', async (request, reply) => {
    const ids = readOpenToken(secret, request.params.file.slice(0, -4));
    if (!ids) return reply.code(400).send('no');
    return answer(reply);
  });
  app.get<{ Params: { file: string } }>('/bench/inline/:file', async (request, reply) => {
    const ids = readOpenToken(secret, request.params.file.slice(0, -4));
    if (!ids) return reply.code(400).send('no');
    await withTenant(db, ids.campaignId, (trx) =>
      trx
        .insertInto('mail_event')
        .columns(['campaign_id', 'id', 'mailing_id', 'recipient_id', 'person_id', 'kind', 'classification', 'user_agent', 'ip', 'at'])
        .expression((eb) =>
          eb
            .selectFrom('mailing_recipient')
            .select((s) => [
              s.val(ids.campaignId).as('campaign_id'),
              s.val(uuidv7()).as('id'),
              'mailing_id',
              'id',
              'person_id',
              s.val('open').as('kind'),
              s.val('human').as('classification'),
              s.val(request.headers['user-agent'] ?? '').as('user_agent'),
              s.val(request.ip).as('ip'),
              s.val(new Date()).as('at'),
            ])
            .where('campaign_id', '=', ids.campaignId)
            .where('id', '=', ids.recipientId),
        )
        .onConflict((oc) => oc.doNothing())
        .execute(),
    );
    return answer(reply);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.on('message', async (message) => {
    if (message === 'count') {
      await trackingWriterOf(app.deps)?.flush();
      const n = await withTenant(db, campaignId, (trx) =>
        trx
          .selectFrom('mail_event')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow(),
      );
      process.send?.({ rows: Number(n.n) });
    }
  });
  process.once('SIGTERM', async () => {
    await app.close();
    await runtime.close();
    process.exit(0);
  });
  process.send?.({ port, token: openToken(secret, campaignId, recipientId) });
}

async function main() {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '20' },
      // PostgreSQL only: also time the report of a 100,000-recipient mailing (target: under 300 ms).
      report: { type: 'boolean', default: false },
      recipients: { type: 'string', default: '100000' },
    },
  });
  const base = process.env.DATABASE_URL ?? null;
  let dbUrl: string | null = null;
  let dbName: string | null = null;
  if (base) {
    dbName = `relais_bench_tracking_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
  }
  const server = await startServer<{ port: number; token: string }>({
    script: import.meta.filename,
    env: { ...process.env, TRACKING_BENCH_CHILD: '1', BENCH_DATABASE_URL: dbUrl ?? '', DATABASE_URL: '' },
  });
  const results: Record<string, number> = {};
  try {
    const ua = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Bench/1.0' };
    for (const [name, path] of [
      ['none', '/bench/none/'],
      ['buffered', '/t/o/'],
      ['inline', '/bench/inline/'],
    ] as const) {
      const options = {
        url: `http://127.0.0.1:${server.info.port}${path}${server.info.token}.gif`,
        headers: ua,
        connections: Number(values.connections),
        pipelining: 1,
      };
      await measure({ ...options, duration: Number(values.warmup) });
      const sample = await measure({ ...options, duration: Number(values.duration) });
      results[name] = sample.rps;
      console.log(
        `${name.padEnd(9)} ${sample.rps.toFixed(0).padStart(7)} req/s  p50 ${sample.p50} ms  p99 ${sample.p99} ms  errors ${sample.errors}`,
      );
    }
    if (values.report && dbUrl) await reportBench(dbUrl, Number(values.recipients));
  } finally {
    await server.stop();
    if (base && dbName) {
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  }
  const none = results.none ?? 0;
  const buffered = results.buffered ?? 0;
  const inline = results.inline ?? 1;
  console.log(
    `${base ? 'PostgreSQL' : 'PGlite'}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}: buffered/none ${((100 * buffered) / none).toFixed(0)} % (target ≥ 70 %), buffered/inline ${(buffered / inline).toFixed(1)} × (target ≥ 20 ×)`,
  );
}

/** Seeds a sent mailing of n recipients over 20 arrondissements, 40 % opens, 10 % clicks, and times its report. */
async function reportBench(url: string, n: number) {
  const { openDatabase, withTenant } = await import('../src/server/db/database.ts');
  const { sql } = await import('kysely');
  const { uuidv7 } = await import('../src/server/lib/ids.ts');
  const { mailingReport, zoneFigures } = await import('../src/server/modules/messaging/tracking/report.ts');
  const database = await openDatabase({ databaseUrl: url, pgliteDir: null, poolSize: 2 });
  const { db } = database;
  try {
    const campaignId = uuidv7();
    const mailingId = uuidv7();
    await db.insertInto('campaign').values({ id: campaignId, slug: 'bench-report', name: 'Report', city: 'Paris' }).execute();
    const seeded = performance.now();
    await withTenant(db, campaignId, async (trx) => {
      const layer = uuidv7();
      await trx.insertInto('zone_layer').values({ campaign_id: campaignId, id: layer, code: 'arr', name: 'Arrondissements' }).execute();
      const zones = Array.from({ length: 20 }, (_, i) => ({ id: uuidv7(), code: String(i + 1) }));
      await sql`insert into zone (campaign_id, id, layer_id, code, name, geometry, bbox, centroid)
        select ${campaignId}::uuid, z.id, ${layer}::uuid, z.code, 'Arrondissement ' || z.code,
          '{"type":"Polygon","coordinates":[[[2.3,48.8],[2.31,48.8],[2.31,48.81],[2.3,48.8]]]}'::jsonb,
          array[2.3, 48.8, 2.31, 48.81], array[2.305, 48.805]
        from unnest(${zones.map((z) => z.id)}::uuid[], ${zones.map((z) => z.code)}::text[]) as z(id, code)`.execute(trx);
      await trx.insertInto('mailing').values({ campaign_id: campaignId, id: mailingId, status: 'sent' }).execute();
      await sql`insert into person (campaign_id, id, given_name, family_name, email, zone_ids)
        select ${campaignId}::uuid, gen_random_uuid(), 'P', 'N' || g, 'p' || g || '@exemple.test',
          array[(${zones.map((z) => z.id)}::uuid[])[1 + g % 20]]
        from generate_series(1, ${n}) g`.execute(trx);
      await sql`insert into mailing_recipient (campaign_id, id, mailing_id, person_id, email, variant, status, sent_at, zone_ids)
        select campaign_id, gen_random_uuid(), ${mailingId}::uuid, id, email,
          case when random() < 0.5 then 'A' else 'B' end, 'sent', now() - interval '3 hours', zone_ids
        from person where campaign_id = ${campaignId}`.execute(trx);
      await sql`insert into mail_event (campaign_id, id, mailing_id, recipient_id, person_id, kind, link_index, link_url, classification, at)
        select campaign_id, gen_random_uuid(), mailing_id, id, person_id, 'open', null, null,
          case when random() < 0.8 then 'human' else 'apple_proxy' end, now() - random() * interval '3 hours'
        from mailing_recipient where campaign_id = ${campaignId} and random() < 0.4`.execute(trx);
      await sql`insert into mail_event (campaign_id, id, mailing_id, recipient_id, person_id, kind, link_index, link_url, classification, at)
        select campaign_id, gen_random_uuid(), mailing_id, id, person_id, 'click', (random() * 3)::int, 'https://exemple.test/',
          'human', now() - random() * interval '2 hours'
        from mailing_recipient where campaign_id = ${campaignId} and random() < 0.1`.execute(trx);
    });
    await sql`analyze mailing_recipient, mail_event, person`.execute(db);
    console.log(`report: seeded ${n} recipients in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const samples: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      const report = await withTenant(db, campaignId, (trx) =>
        mailingReport(trx, { campaignId, mailingId, zoneScope: null, counted: 'human' }),
      );
      if (i > 0) samples.push(performance.now() - started);
      if (i === 0)
        console.log(`report: sent ${report.sent}, opens ${report.opens}, clicks ${report.clicks}, ${report.by_zone.length} zones`);
    }
    const zoneSamples: number[] = [];
    for (let i = 0; i < 6; i++) {
      const started = performance.now();
      await withTenant(db, campaignId, (trx) => zoneFigures(trx, { campaignId, mailingId, zoneScope: null, counted: 'human' }));
      if (i > 0) zoneSamples.push(performance.now() - started);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(0);
    console.log(
      `report of ${n} recipients: opens per arrondissement median ${median(zoneSamples)} ms (target < 300 ms); whole report (totals and variants, zones, hours, links) median ${median(samples)} ms`,
    );
  } finally {
    await database.close();
  }
}

await (child ? serve() : main());
