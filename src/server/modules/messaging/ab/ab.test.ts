// A/B tests end to end through the API, with a real SMTP server on loopback: the set-up refused
// when it cannot run; the send queues only the test share (assigned by the keyed hash, reproducibly)
// and holds the rest; with seeded opens the right variant wins — human events only: the other
// variant leads if Apple's proxy and link scanners are counted — and the rest receives the winner's
// subject; without enough recipients the fallback variant goes, at once or after waiting longer.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../../db/database.ts';
import { uuidv7 } from '../../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../../testing/app.ts';
import { describeEachDatabase } from '../../../testing/databases.ts';
import { type SmtpSink, sinkMailingConfig, startSmtpSink } from '../../../testing/smtp-sink.ts';
import { sendMailing } from '../send.ts';
import { createBulkTransport } from '../transport.ts';
import { evaluateAbTest } from './ab.service.ts';
import { assignTest } from './assignment.ts';

const BIG = 1600;
const SMALL = 120;

function subjectOf(raw: string): string {
  const head = (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith('subject:'));
  return line?.slice('subject:'.length).trim() ?? '';
}

describeEachDatabase('messaging: A/B tests', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let sink: SmtpSink;
  let bigList: string;
  let smallList: string;
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const send = (mailingId: string) => {
    const config = t.runtime.config;
    const transport = createBulkTransport(config.mailing, ctx.database.db);
    return sendMailing({ campaignId: c.id, mailingId, tenant: tenant(), config, transport, soleWorker: false }).finally(() =>
      transport.close(),
    );
  };
  const statuses = async (mailingId: string) => {
    const rows = await ctx.database.db
      .selectFrom('mailing_recipient')
      .select(['status', 'variant', (eb) => eb.fn.countAll<string>().as('n')])
      .where('mailing_id', '=', mailingId)
      .groupBy(['status', 'variant'])
      .execute();
    return Object.fromEntries(rows.map((r) => [`${r.status}:${r.variant}`, Number(r.n)]));
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.ab.test',
      mailing: sinkMailingConfig(sink, {
        fromAddress: 'lettre@ab.test',
        bounceDomain: 'rebonds.ab.test',
        tokenSecret: 'ab-test-secret-of-at-least-thirty-two-characters',
        ratePerSecond: 100_000,
        connections: 8,
      }),
    });
    c = await createCampaignFixture(ctx.database.db, 'abtest');
    const db = ctx.database.db;
    await sql`insert into person (campaign_id, id, given_name, family_name, email, consent_email)
      select ${c.id}::uuid, relais_uuidv7(), 'P' || i, 'Test', 'p' || i || '@ab.test', true
      from generate_series(1, ${BIG + SMALL}) as i`.execute(db);
    bigList = uuidv7();
    smallList = uuidv7();
    await db
      .insertInto('list')
      .values([
        { campaign_id: c.id, id: bigList, name: 'Tous' },
        { campaign_id: c.id, id: smallList, name: 'Quelques-uns' },
      ])
      .execute();
    await sql`insert into list_member (campaign_id, list_id, person_id)
      select campaign_id, case when row_number() over (order by id) <= ${BIG} then ${bigList}::uuid else ${smallList}::uuid end, id
      from person where campaign_id = ${c.id} and email like '%@ab.test'`.execute(db);
    await createMemberFixture(db, c.id, { email: 'owner@ab.example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@ab.example.org');
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const create = async (list: string, subject: string) => {
    const res = await owner.request('POST', '/api/v1/messages', {
      name: subject,
      subject,
      from: 'Équipe',
      content: { blocks: [{ type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' }] },
      audience: { list_ids: [list] },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  it('refuses a test that cannot run, with a stable code', async () => {
    const id = await create(smallList, 'Refus');
    expect((await owner.request('GET', `/api/v1/messages/${id}/ab_test`)).statusCode).toBe(204);
    const rules = { share_percent: 50, metric: 'opens', wait_minutes: 60, fallback: 'variant' };
    for (const body of [
      { ...rules, variants: [{ variant: 'B' }] },
      { ...rules, variants: [{ variant: 'B', subject: 'x' }], share_count: 10 },
      { ...rules, variants: [{ variant: 'B', subject: 'x' }], fallback_variant: 'C' },
      { ...rules, variants: [{ variant: 'B', subject: 'x' }], fallback: 'wait', max_wait_minutes: 30 },
      {
        ...rules,
        variants: [
          { variant: 'B', subject: 'x' },
          { variant: 'B', subject: 'y' },
        ],
      },
    ]) {
      const res = await owner.request('PUT', `/api/v1/messages/${id}/ab_test`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('AB_TEST_INVALID');
    }
    const unknownTag = await owner.request('PUT', `/api/v1/messages/${id}/ab_test`, {
      ...rules,
      variants: [{ variant: 'B', subject: 'Salut {{prenom}}' }],
    });
    expect(unknownTag.json().code).toBe('MAILING_MERGE_TAG_UNKNOWN');
    const ok = await owner.request('PUT', `/api/v1/messages/${id}/ab_test`, {
      ...rules,
      variants: [{ variant: 'B', subject: 'Objet B' }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({
      phase: 'draft',
      variants: [
        { variant: 'A', subject: 'Refus' },
        { variant: 'B', subject: 'Objet B' },
      ],
    });
    // The composer previews each variant: B with its own subject, A as written.
    const previewB = await owner.request('POST', `/api/v1/messages/${id}/preview`, { variant: 'B' });
    expect(previewB.json().subject).toBe('Objet B');
    expect((await owner.request('POST', `/api/v1/messages/${id}/preview`, { variant: 'A' })).json().subject).toBe('Refus');
    expect((await owner.request('DELETE', `/api/v1/messages/${id}/ab_test`)).statusCode).toBe(204);
    expect((await ctx.database.db.selectFrom('mailing_variant').select('variant').where('mailing_id', '=', id).execute()).length).toBe(1);
  });

  it('sends the test share, lets the variant with more human opens win, and sends the rest its subject', async () => {
    const id = await create(bigList, 'Objet A');
    const setup = await owner.request('PUT', `/api/v1/messages/${id}/ab_test`, {
      variants: [{ variant: 'B', subject: 'Objet B' }],
      share_count: 1400,
      metric: 'opens',
      wait_minutes: 120,
      fallback: 'variant',
      fallback_variant: 'A',
    });
    expect(setup.statusCode, setup.body).toBe(200);
    const sent = await owner.request('POST', `/api/v1/messages/${id}/send`);
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json().statistics).toMatchObject({ queued: 1400, held: BIG - 1400 });

    // The assignment is the keyed hash's: recomputed from the stored key, it is the same.
    const test = await ctx.database.db.selectFrom('mailing_ab_test').selectAll().where('mailing_id', '=', id).executeTakeFirstOrThrow();
    const rows = await ctx.database.db
      .selectFrom('mailing_recipient')
      .select(['id', 'person_id', 'email', 'variant', 'status'])
      .where('mailing_id', '=', id)
      .execute();
    const again = assignTest(
      test.assignment_key,
      rows.map((r) => r.person_id),
      { share: { count: 1400 }, variants: ['A', 'B'] },
    );
    for (const r of rows) expect(r.status === 'held' ? null : r.variant).toBe(again.get(r.person_id));
    const counts = await statuses(id);
    expect(counts['queued:A']).toBeGreaterThan(600);
    expect(counts['queued:B']).toBeGreaterThan(600);
    expect(test).toMatchObject({ phase: 'testing', test_size: 1400, rest_size: BIG - 1400 });

    const before = sink.messages.length;
    const outcome = await send(id);
    expect(outcome.done).toBe(false);
    expect(outcome.abEvaluateAt).toBeInstanceOf(Date);
    const testShare = sink.messages.slice(before);
    expect(testShare).toHaveLength(1400);
    const variantOf = new Map(rows.map((r) => [r.email, r.variant]));
    for (const m of testShare) expect(subjectOf(m.raw)).toBe(`Objet ${variantOf.get(m.rcptTo[0] as string)}`);
    const mailing = await ctx.database.db.selectFrom('mailing').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(mailing.status).toBe('sending');

    // Seeded events: B gets 35 % human opens; A 20 % human opens, plus 10 % Apple proxy prefetches
    // and 15 % link scanners — counting every event, A would lead (45 %).
    await sql`
      with ranked as (
        select id, person_id, variant, row_number() over (partition by variant order by id) as n
        from mailing_recipient where campaign_id = ${c.id} and mailing_id = ${id} and status = 'sent'
      ), chosen as (
        select *, case
          when variant = 'B' and n % 20 < 7 then 'open:human'
          when variant = 'A' and n % 20 < 4 then 'open:human'
          when variant = 'A' and n % 20 < 6 then 'open:apple_proxy'
          when variant = 'A' and n % 20 < 9 then 'click:scanner'
        end as what
        from ranked
      )
      insert into mail_event (campaign_id, id, mailing_id, recipient_id, person_id, kind, link_index, classification, at)
      select ${c.id}::uuid, relais_uuidv7(), ${id}::uuid, id, person_id, split_part(what, ':', 1),
        case when what like 'click:%' then 0 end, split_part(what, ':', 2), now()
      from chosen where what is not null`.execute(ctx.database.db);

    const waiting = await owner.request('GET', `/api/v1/messages/${id}/ab_test`);
    expect(waiting.json()).toMatchObject({ phase: 'waiting', decision: null, evaluation: { reason: 'winner', winner: 'B' } });
    const allEvents = await owner.request('GET', `/api/v1/messages/${id}/statistics?counted=all`);
    const byVariant = Object.fromEntries(
      (allEvents.json().by_variant as { variant: string; opens: number }[]).map((v) => [v.variant, v.opens]),
    );
    expect(byVariant.A).toBeGreaterThan(byVariant.B as number);

    // Not before the wait is over; then B wins and the rest is released with B.
    const at = outcome.abEvaluateAt as Date;
    const early = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() - 60_000)));
    expect(early).toEqual({ released: null, nextAt: at });
    const decided = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() + 1000)));
    expect(decided.released).toEqual({ variant: 'B', decision: 'winner', rows: BIG - 1400 });
    const twice = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() + 2000)));
    expect(twice.released).toBeNull();
    const doc = (await owner.request('GET', `/api/v1/messages/${id}/ab_test`)).json();
    expect(doc).toMatchObject({ phase: 'decided', winner: 'B', decision: 'winner', evaluation: { look: 1, looks: 1 } });
    const [a, b] = doc.evaluation.variants;
    expect(b.probability).toBeGreaterThan(0.9875);
    expect(a.countable).toBeLessThan(a.trials + 1);
    expect(a.opened).toBe(Math.round(a.opened));

    const beforeRest = sink.messages.length;
    expect((await send(id)).done).toBe(true);
    const rest = sink.messages.slice(beforeRest);
    const heldEmails = new Set(rows.filter((r) => r.status === 'held').map((r) => r.email));
    expect(rest).toHaveLength(BIG - 1400);
    for (const m of rest) {
      expect(heldEmails.has(m.rcptTo[0] as string)).toBe(true);
      expect(subjectOf(m.raw)).toBe('Objet B');
    }
    const final = await ctx.database.db
      .selectFrom('mailing')
      .select(['status', 'sent_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(final).toEqual({ status: 'sent', sent_count: BIG });
  }, 300_000);

  it('sends the fallback variant without enough recipients: at once, or after waiting up to the maximum', async () => {
    for (const fallback of ['variant', 'wait'] as const) {
      const id = await create(smallList, `Repli ${fallback}`);
      const setup = await owner.request('PUT', `/api/v1/messages/${id}/ab_test`, {
        variants: [
          { variant: 'B', subject: 'Objet B' },
          { variant: 'C', from: 'La candidate' },
        ],
        share_percent: 50,
        metric: 'click_to_open',
        wait_minutes: 60,
        fallback,
        fallback_variant: 'C',
        ...(fallback === 'wait' ? { max_wait_minutes: 180 } : {}),
      });
      expect(setup.statusCode, setup.body).toBe(200);
      expect((await owner.request('POST', `/api/v1/messages/${id}/send`)).statusCode).toBe(202);
      const outcome = await send(id);
      const at = outcome.abEvaluateAt as Date;
      let result = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() + 1000)));
      if (fallback === 'wait') {
        // Three looks (60, 120, 180 minutes): the first two find too few recipients and wait.
        expect(result).toEqual({ released: null, nextAt: new Date(at.getTime() + 60 * 60_000) });
        result = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() + 61 * 60_000)));
        expect(result.nextAt).toEqual(new Date(at.getTime() + 120 * 60_000));
        result = await tenant()((trx) => evaluateAbTest(trx, c.id, id, new Date(at.getTime() + 121 * 60_000)));
      }
      expect(result.released).toEqual({
        variant: 'C',
        decision: fallback === 'wait' ? 'fallback_after_max_wait' : 'fallback',
        rows: SMALL / 2,
      });
      const doc = (await owner.request('GET', `/api/v1/messages/${id}/ab_test`)).json();
      expect(doc.evaluation).toMatchObject({ reason: 'too_few', winner: null, look: fallback === 'wait' ? 3 : 1 });
      const beforeRest = sink.messages.length;
      expect((await send(id)).done).toBe(true);
      const rest = sink.messages.slice(beforeRest);
      expect(rest).toHaveLength(SMALL / 2);
      for (const m of rest) expect(m.raw).toMatch(/^From: "?La candidate"? </m);
    }
  }, 300_000);
});
