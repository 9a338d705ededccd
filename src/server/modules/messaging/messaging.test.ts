// Messaging end to end through the API, with a real SMTP server on loopback: the composer (merge
// tags and fallbacks, unknown tags refused, MJML errors, preview, test sends, the plain part), the
// audience (consent, suppressions, exclusions, per arrondissement, a referent's zones), the send
// (headers, the RFC 8058 pair, DKIM verified by mailauth, VERP return paths, one recipient per
// message, retries after a temporary failure) and the one-click unsubscribe (GET changes nothing,
// POST unsubscribes with the proof, a tampered token is an error page).
import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'kysely';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig, type MailingConfig } from '../../config.ts';
import { tenantRunnerOf } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { type SmtpSink, startSmtpSink } from '../../testing/smtp-sink.ts';
import { recordConsents } from '../consent/index.ts';
import { findRecipientById } from './messaging.repo.ts';
import { sendMailing } from './send.ts';
import { suppressAddress } from './suppression.ts';
import { recipientOfAddress } from './tokens.ts';
import { createBulkTransport } from './transport.ts';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_TXT = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const resolver = async (name: string, type: string) => {
  if (type === 'TXT' && name === 's2026._domainkey.campagne.test') return [[DKIM_TXT]];
  const error = new Error(`no ${type} for ${name}`) as Error & { code: string };
  error.code = 'ENOTFOUND';
  throw error;
};

/** A header of a raw message as sent (unfolded), or undefined. */
function headerOf(raw: string, name: string): string | undefined {
  const head = (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

function mailingConfig(sink: SmtpSink): MailingConfig {
  return {
    smtpUrl: sink.url,
    fromAddress: 'lettre@campagne.test',
    ratePerSecond: 1000,
    connections: 3,
    bounceDomain: 'rebonds.campagne.test',
    tokenSecret: 'a-test-secret-of-at-least-thirty-two-characters',
    dkim: { domainName: 'campagne.test', keySelector: 's2026', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
  };
}

const BLOCKS = {
  blocks: [
    { type: 'heading', text: 'La lettre du {{locality|"quartier"}}' },
    { type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}},\nvoici les nouvelles & rendez-vous.' },
    { type: 'button', text: 'Agir', url: 'https://campagne.test/agir' },
    { type: 'divider' },
  ],
};

describeEachDatabase('messaging', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;
  let sink: SmtpSink;
  let listId: string;
  let excludedListId: string;
  const people: Record<string, string> = {};
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const worker = () => {
    const config = t.runtime.config;
    return {
      run: (mailingId: string, extra: { soleWorker?: boolean } = {}) => {
        const transport = createBulkTransport(config.mailing, ctx.database.db);
        return sendMailing({
          campaignId: c.id,
          mailingId,
          tenant: tenant(),
          config,
          transport,
          soleWorker: extra.soleWorker ?? false,
        }).finally(() => transport.close());
      },
    };
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    const base = loadConfig({ LOG_LEVEL: 'silent' });
    t = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.campagne.test',
      mailing: { ...base.mailing, ...mailingConfig(sink) },
    });
    c = await createCampaignFixture(ctx.database.db, 'lettre');
    await ctx.database.db
      .updateTable('campaign')
      .set({
        settings: JSON.stringify({ mail: { sender_identity: 'Paris Ensemble, 1 rue de Rivoli, 75001 Paris', primary_color: '#aa3300' } }),
      })
      .where('id', '=', c.id)
      .execute();
    const [z1, z2] = c.zones.map((z) => z.id) as [string, string];
    const add = async (key: string, zone: string, given: string, consent: boolean) => {
      const id = uuidv7();
      people[key] = id;
      await ctx.database.db
        .insertInto('person')
        .values({
          campaign_id: c.id,
          id,
          given_name: given,
          family_name: key,
          email: `${key}@exemple.test`,
          zone_ids: [zone],
          locality: 'Paris',
        })
        .execute();
      if (consent)
        await tenant()((trx) =>
          recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]),
        );
    };
    await add('alice', z1, 'Alice', true);
    await add('bruno', z2, 'Bruno', true);
    await add('zoe', z1, 'Zoé <b>&', true);
    await add('noconsent', z1, 'Nina', false);
    await add('bounced', z2, 'Bob', true);
    await add('excluded', z2, 'Eve', true);
    await add('anon', z1, '', true);
    await add('outsider', z1, 'Oscar', true);
    listId = uuidv7();
    excludedListId = uuidv7();
    await ctx.database.db
      .insertInto('list')
      .values([
        { campaign_id: c.id, id: listId, name: 'Lettre' },
        { campaign_id: c.id, id: excludedListId, name: 'Exclus' },
      ])
      .execute();
    await ctx.database.db
      .insertInto('list_member')
      .values([
        ...['alice', 'bruno', 'zoe', 'noconsent', 'bounced', 'excluded', 'anon'].map((k) => ({
          campaign_id: c.id,
          list_id: listId,
          person_id: people[k] as string,
        })),
        { campaign_id: c.id, list_id: excludedListId, person_id: people.excluded as string },
      ])
      .execute();
    await tenant()((trx) => suppressAddress(trx, c.id, 'bounced@exemple.test', 'hard_bounce', { dsn: '5.1.1' }));
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'ref@example.org', role: 'referent', zoneIds: [z1] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const audience = () => ({ list_ids: [listId], exclude_list_ids: [excludedListId] });
  const create = async (client: TestClient, extra: Record<string, unknown> = {}) => {
    const res = await client.request('POST', '/api/v1/messages', {
      name: 'Lettre',
      subject: 'Nouvelles pour {{given_name|"vous"}}',
      from: 'Équipe Paris',
      preheader: 'Les rendez-vous de la semaine',
      content: BLOCKS,
      audience: audience(),
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; status: string };
  };

  it('refuses unknown merge tags and MJML that does not render, with stable codes', async () => {
    const unknown = await owner.request('POST', '/api/v1/messages', { subject: 'Salut {{prenom}}', content: BLOCKS });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'MAILING_MERGE_TAG_UNKNOWN', tags: ['{{prenom}}'] });
    const cut = await owner.request('POST', '/api/v1/messages', { subject: 'Salut {{given_name', content: BLOCKS });
    expect(cut.json().code).toBe('MAILING_MERGE_TAG_UNKNOWN');
    const mjml = await owner.request('POST', '/api/v1/messages', {
      subject: 'x',
      content: { mjml: '<mjml><mj-body><mj-nope/></mj-body></mjml>' },
    });
    expect(mjml.statusCode).toBe(400);
    expect(mjml.json().code).toBe('MAILING_CONTENT_INVALID');
    const good = await owner.request('POST', '/api/v1/messages', {
      subject: 'MJML',
      content: {
        mjml: '<mjml><mj-body><mj-section><mj-column><mj-text>Salut {{given_name|"toi"}}</mj-text></mj-column></mj-section></mj-body></mjml>',
      },
    });
    expect(good.statusCode).toBe(201);
    expect(good.json()).toMatchObject({ content_format: 'mjml', type: 'email', status: 'draft' });
  });

  it('previews as a chosen person: merge tags HTML-escaped, fallbacks, the footer and a plain part', async () => {
    const m = await create(owner);
    const res = await owner.request('POST', `/api/v1/messages/${m.id}/preview`, { person_id: people.zoe });
    expect(res.statusCode, res.body).toBe(200);
    const { subject, html, text } = res.json();
    expect(subject).toBe('Nouvelles pour Zoé <b>&');
    expect(html).toContain('Bonjour Zoé &#60;b&#62;&#38;,');
    expect(html).not.toContain('Zoé <b>');
    expect(html).toContain('Paris Ensemble, 1 rue de Rivoli');
    expect(html).toContain('Vous recevez ce message car');
    expect(text).toContain('Bonjour Zoé <b>&,');
    expect(text).toContain('Agir (https://campagne.test/agir)');
    expect(text).toContain('Se désinscrire ou gérer mes préférences (https://relais.campagne.test/u/');
    expect(text).not.toMatch(/<[a-z]/i.test(text.replace('<b>', '')) ? /<td/ : /$^/);
    const anon = (await owner.request('POST', `/api/v1/messages/${m.id}/preview`, { person_id: people.anon })).json();
    expect(anon.text).toContain('Bonjour à vous,');
    expect(anon.subject).toBe('Nouvelles pour vous');
    const outside = await referent.request('POST', `/api/v1/messages/${m.id}/preview`, {});
    expect(outside.statusCode).toBe(404);
  });

  it('sends test messages to at most five addresses', async () => {
    const m = await create(owner);
    const before = sink.messages.length;
    const res = await owner.request('POST', `/api/v1/messages/${m.id}/test`, { emails: ['relecture@exemple.test', 'Chef@Exemple.test'] });
    expect(res.statusCode, res.body).toBe(200);
    const got = sink.messages.slice(before);
    expect(got.map((g) => g.rcptTo)).toEqual([['relecture@exemple.test'], ['chef@exemple.test']]);
    expect((await simpleParser(got[0]?.raw ?? '')).subject).toBe('[Test] Nouvelles pour vous');
    const six = await owner.request('POST', `/api/v1/messages/${m.id}/test`, {
      emails: ['a@x.test', 'b@x.test', 'c@x.test', 'd@x.test', 'e@x.test', 'f@x.test'],
    });
    expect(six.statusCode).toBe(400);
    const bad = await owner.request('POST', `/api/v1/messages/${m.id}/test`, { emails: ['pas-une-adresse'] });
    expect(bad.json().code).toBe('MAILING_TEST_RECIPIENTS_INVALID');
  });

  it('counts the audience within consent, suppressions, exclusions and the actor’s zones, per arrondissement', async () => {
    const all = await owner.request('POST', '/api/v1/messages/audience_count', { audience: audience() });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().total).toBe(4);
    expect(all.json().by_zone.map((z: { code: string; count: number }) => [z.code, z.count])).toEqual([
      ['1', 3],
      ['2', 1],
    ]);
    const ref = await referent.request('POST', '/api/v1/messages/audience_count', { audience: audience() });
    expect(ref.json()).toMatchObject({ total: 3, by_zone: [{ code: '1', count: 3 }] });
    const none = await owner.request('POST', '/api/v1/messages/audience_count', { audience: {} });
    expect(none.json().code).toBe('MAILING_AUDIENCE_INVALID');
    const unknown = await owner.request('POST', '/api/v1/messages/audience_count', { audience: { list_ids: [uuidv7()] } });
    expect(unknown.json().code).toBe('MAILING_AUDIENCE_INVALID');
  });

  it('sends one message per recipient with Message-ID, the RFC 8058 pair, List-Id, a verifying DKIM signature and a VERP return path', async () => {
    const m = await create(owner);
    const sent = await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ status: 'sending', total_targeted: 4 });
    const job = await ctx.database.db
      .selectFrom('job_run')
      .select('kind')
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'messaging.send')
      .executeTakeFirst();
    expect(job).toBeDefined();
    // A second send while sending only queues another worker: no second row for anybody.
    const again = await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    expect(again.statusCode).toBe(202);
    expect(again.json().total_targeted).toBe(4);

    const before = sink.messages.length;
    const outcome = await worker().run(m.id);
    expect(outcome).toMatchObject({ done: true, sent: 4 });
    const got = sink.messages.slice(before);
    expect(got.map((g) => g.rcptTo).sort()).toEqual([
      ['alice@exemple.test'],
      ['anon@exemple.test'],
      ['bruno@exemple.test'],
      ['zoe@exemple.test'],
    ]);
    const rows = await tenant()((trx) => trx.selectFrom('mailing_recipient').selectAll().where('mailing_id', '=', m.id).execute());
    for (const g of got) {
      const parsed = await simpleParser(g.raw);
      const to = g.rcptTo[0] as string;
      const row = rows.find((r) => r.email === to);
      expect(row?.status).toBe('sent');
      // One recipient, in To, nobody in Cc.
      expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((v) => v.address) : []).toEqual([to]);
      expect(parsed.cc).toBeUndefined();
      expect(parsed.messageId).toBe(`<${row?.id}@campagne.test>`);
      expect(row?.message_id).toBe(`${row?.id}@campagne.test`);
      const unsubscribe = String(headerOf(g.raw, 'List-Unsubscribe'));
      expect(unsubscribe).toMatch(
        /^<https:\/\/relais\.campagne\.test\/u\/[A-Za-z0-9_-]{64}>, <mailto:unsubscribe\+[a-z2-7]{39}@rebonds\.campagne\.test\?subject=unsubscribe>$/,
      );
      expect(headerOf(g.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(headerOf(g.raw, 'List-Id')).toBe('<lettre.campagne.test>');
      expect(recipientOfAddress(t.runtime.config.mailing.tokenSecret, g.mailFrom)).toEqual({ kind: 'bounce', recipientId: row?.id });
      expect(await findRecipientById(ctx.database.db, row?.id as string)).toMatchObject({
        campaign_id: c.id,
        mailing_id: m.id,
        email: to,
        status: 'sent',
      });
      expect(parsed.text).toContain('Se désinscrire ou gérer mes préférences');
      expect(parsed.html).toContain('Se désinscrire');
      const dkim = await dkimVerify(Buffer.from(g.raw), { resolver });
      const result = dkim.results[0];
      expect(result?.status.result).toBe('pass');
      expect(result?.signingDomain).toBe('campagne.test');
      expect(result?.signingHeaders?.keys.toLowerCase().split(': ')).toEqual(
        expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject', 'message-id']),
      );
    }
    const zoe = await simpleParser(got.find((g) => g.rcptTo[0] === 'zoe@exemple.test')?.raw ?? '');
    expect(zoe.subject).toBe('Nouvelles pour Zoé <b>&');
    expect(zoe.text).toContain('Bonjour Zoé <b>&,');
    const anon = await simpleParser(got.find((g) => g.rcptTo[0] === 'anon@exemple.test')?.raw ?? '');
    expect(anon.text).toContain('Bonjour à vous,');
    const after = (await owner.request('GET', `/api/v1/messages/${m.id}`)).json();
    expect(after).toMatchObject({ status: 'sent', statistics: { sent: 4, queued: 0, sending: 0 } });
    expect(after._links['osdi:send_helper'].href).toBe(`https://relais.campagne.test/api/v1/messages/${m.id}/send`);
  });

  it('lets a referent send only within their zones, and hides campaign-wide mailings from them', async () => {
    const campaignWide = await create(owner);
    expect((await referent.request('GET', `/api/v1/messages/${campaignWide.id}`)).statusCode).toBe(404);
    expect((await referent.request('POST', `/api/v1/messages/${campaignWide.id}/send`)).statusCode).toBe(404);
    // The list holds people of both arrondissements; the referent's send reaches zone 1 only.
    const own = await create(referent, { audience: { list_ids: [listId] } });
    const res = await referent.request('POST', `/api/v1/messages/${own.id}/send`);
    expect(res.statusCode, res.body).toBe(202);
    const rows = await tenant()((trx) =>
      trx.selectFrom('mailing_recipient').select(['person_id', 'zone_ids']).where('mailing_id', '=', own.id).execute(),
    );
    expect(rows.map((r) => r.person_id).sort()).toEqual([people.alice, people.anon, people.zoe].sort());
    expect(rows.every((r) => r.zone_ids.includes(c.zones[0]?.id as string))).toBe(true);
    const list = (await referent.request('GET', '/api/v1/messages')).json();
    expect(list._embedded['osdi:messages'].map((x: { id: string }) => x.id)).toEqual([own.id]);
  });

  it('retries a temporary SMTP failure with backoff, then sends', async () => {
    const m = await create(owner, { audience: { list_ids: [listId], exclude_list_ids: [excludedListId] } });
    await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    sink.deferrals.set('bruno@exemple.test', 1);
    const first = await worker().run(m.id);
    expect(first.done).toBe(false);
    const row = await tenant()((trx) =>
      trx
        .selectFrom('mailing_recipient')
        .selectAll()
        .where('mailing_id', '=', m.id)
        .where('email', '=', 'bruno@exemple.test')
        .executeTakeFirstOrThrow(),
    );
    expect(row).toMatchObject({ status: 'queued', attempts: 1 });
    expect(row.last_error).toMatch(/451/);
    expect(row.next_attempt_at && first.retryAt && row.next_attempt_at.getTime() === first.retryAt.getTime()).toBe(true);
    // The backoff has passed (moved, not waited for).
    await tenant()((trx) =>
      trx
        .updateTable('mailing_recipient')
        .set({ next_attempt_at: new Date(Date.now() - 1000) })
        .where('campaign_id', '=', c.id)
        .where('id', '=', row.id)
        .execute(),
    );
    const before = sink.messages.length;
    expect(await worker().run(m.id)).toMatchObject({ done: true, sent: 1 });
    expect(sink.messages.slice(before).map((g) => g.rcptTo)).toEqual([['bruno@exemple.test']]);
  });

  it('unsubscribes on the one-click POST only: GET shows a page and changes nothing, a tampered token is an error page', async () => {
    const m = await create(owner);
    await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    const before = sink.messages.length;
    await worker().run(m.id);
    const aliceRaw = sink.messages.slice(before).find((g) => g.rcptTo[0] === 'alice@exemple.test')?.raw ?? '';
    const alice = await simpleParser(aliceRaw);
    const url = new URL(/<(https:[^>]+)>/.exec(String(headerOf(aliceRaw, 'List-Unsubscribe')))?.[1] ?? '');
    // A link scanner follows every link of the message: nothing changes.
    const links = [...String(alice.html).matchAll(/href="([^"]+)"/g)].map((x) => (x[1] ?? '').replace(/&#38;/g, '&'));
    expect(links).toContain(url.toString());
    for (const link of links.filter((l) => l.startsWith('https://relais.campagne.test/u/'))) {
      const res = await t.app.inject({ method: 'GET', url: new URL(link).pathname, headers: { 'user-agent': 'LinkScanner/1.0' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<form method="post"');
    }
    const consentOf = () =>
      ctx.database.db
        .selectFrom('person')
        .select('consent_email')
        .where('id', '=', people.alice as string)
        .executeTakeFirstOrThrow();
    expect((await consentOf()).consent_email).toBe(true);
    expect(
      await ctx.database.db.selectFrom('mail_suppression').select('email').where('email', '=', 'alice@exemple.test').executeTakeFirst(),
    ).toBeUndefined();

    const tampered = `${url.pathname.slice(0, -2)}${url.pathname.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const method of ['GET', 'POST'] as const) {
      const res = await t.app.inject({
        method,
        url: tampered,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain('Lien non valide');
    }

    const post = await t.app.inject({
      method: 'POST',
      url: url.pathname,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Mailbox-Provider' },
    });
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('désinscrit');
    expect((await consentOf()).consent_email).toBe(false);
    const suppression = await ctx.database.db
      .selectFrom('mail_suppression')
      .selectAll()
      .where('email', '=', 'alice@exemple.test')
      .executeTakeFirstOrThrow();
    expect(suppression).toMatchObject({ reason: 'unsubscribed', person_id: people.alice });
    const ledger = await ctx.database.db
      .selectFrom('consent')
      .selectAll()
      .where('person_id', '=', people.alice as string)
      .where('status', '=', 'withdrawn')
      .execute();
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      source: 'unsubscribe',
      proof: { method: 'one_click', mailing_id: m.id, user_agent: 'Mailbox-Provider' },
    });

    // RFC 8058 says the POST SHOULD be multipart/form-data: Bruno's provider sends that.
    const bruno = sink.messages.slice(before).find((g) => g.rcptTo[0] === 'bruno@exemple.test')?.raw ?? '';
    const brunoUrl = new URL(/<(https:[^>]+)>/.exec(String(headerOf(bruno, 'List-Unsubscribe')))?.[1] ?? '');
    const boundary = 'xYzZY';
    const multipart = await t.app.inject({
      method: 'POST',
      url: brunoUrl.pathname,
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(multipart.statusCode).toBe(200);
    expect(
      await ctx.database.db.selectFrom('mail_suppression').select('reason').where('email', '=', 'bruno@exemple.test').executeTakeFirst(),
    ).toEqual({ reason: 'unsubscribed' });
    // A POST without the one-click field changes nothing.
    const zoe = sink.messages.slice(before).find((g) => g.rcptTo[0] === 'zoe@exemple.test')?.raw ?? '';
    const zoeUrl = new URL(/<(https:[^>]+)>/.exec(String(headerOf(zoe, 'List-Unsubscribe')))?.[1] ?? '');
    expect((await t.app.inject({ method: 'POST', url: zoeUrl.pathname })).statusCode).toBe(400);
    expect(
      await ctx.database.db.selectFrom('mail_suppression').select('reason').where('email', '=', 'zoe@exemple.test').executeTakeFirst(),
    ).toBeUndefined();

    // The next mailing leaves the unsubscribed out, and a row queued before the unsubscribe is skipped at claim time.
    const next = await create(owner);
    await owner.request('POST', `/api/v1/messages/${next.id}/send`);
    const rows = await tenant()((trx) => trx.selectFrom('mailing_recipient').select('email').where('mailing_id', '=', next.id).execute());
    expect(rows.map((r) => r.email).sort()).toEqual(['anon@exemple.test', 'zoe@exemple.test']);
    await tenant()((trx) => suppressAddress(trx, c.id, 'zoe@exemple.test', 'complaint', { feedback: 'abuse' }));
    const b2 = sink.messages.length;
    await worker().run(next.id);
    expect(sink.messages.slice(b2).map((g) => g.rcptTo)).toEqual([['anon@exemple.test']]);
    const skipped = await tenant()((trx) =>
      trx
        .selectFrom('mailing_recipient')
        .select(['status', 'last_error'])
        .where('mailing_id', '=', next.id)
        .where('email', '=', 'zoe@exemple.test')
        .executeTakeFirstOrThrow(),
    );
    expect(skipped).toEqual({ status: 'skipped', last_error: 'suppressed: complaint' });
  });

  it('sends through the queue: the messaging.send job a send queues runs to the end', async () => {
    await t.runtime.jobs.work();
    const m = await create(owner);
    const before = sink.messages.length;
    const started = await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    expect(started.statusCode).toBe(202);
    const total = started.json().total_targeted as number;
    expect(total).toBeGreaterThan(0);
    await expect.poll(async () => (await owner.request('GET', `/api/v1/messages/${m.id}`)).json().status, { timeout: 60_000 }).toBe('sent');
    // (The jobs queued by the earlier tests' sends run too now: only this mailing's messages count.)
    const ids = new Set(
      (await tenant()((trx) => trx.selectFrom('mailing_recipient').select('id').where('mailing_id', '=', m.id).execute())).map(
        (r) => `<${r.id}@campagne.test>`,
      ),
    );
    expect(sink.messages.slice(before).filter((g) => ids.has(headerOf(g.raw, 'Message-ID') ?? '')).length).toBe(total);
    const run = await ctx.database.db
      .selectFrom('job_run')
      .select(['state', 'done', 'total'])
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'messaging.send')
      .where(sql<boolean>`params->>'mailing_id' = ${m.id}`)
      .executeTakeFirstOrThrow();
    expect({ state: run.state, done: Number(run.done), total: Number(run.total) }).toEqual({ state: 'succeeded', done: total, total });
  });

  it('pauses and cancels', async () => {
    const m = await create(owner);
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/pause`)).json().code).toBe('MAILING_STATE_CONFLICT');
    await owner.request('POST', `/api/v1/messages/${m.id}/send`);
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/pause`)).json().status).toBe('paused');
    expect(await worker().run(m.id)).toMatchObject({ done: true, sent: 0 });
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/send`)).json().status).toBe('sending');
    expect((await owner.request('POST', `/api/v1/messages/${m.id}/cancel`)).json().status).toBe('cancelled');
    expect(await worker().run(m.id)).toMatchObject({ done: true, sent: 0 });
    expect((await owner.request('PUT', `/api/v1/messages/${m.id}`, { subject: 'x' })).json().code).toBe('MAILING_STATE_CONFLICT');
  });
  it('refuses a send during the electoral silence, and holds a running one until the polls close', async () => {
    const running = await create(owner);
    expect((await owner.request('POST', `/api/v1/messages/${running.id}/send`)).json().status).toBe('sending');
    // A round tomorrow: the silence began at 00:00 today (Paris) and lasts until tomorrow 20:00.
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + 86_400_000));
    expect((await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales partielles', kind: 'municipal' })).statusCode).toBe(200);
    expect((await owner.request('POST', '/api/v1/calendar/rounds', { date: tomorrow })).statusCode).toBe(201);
    try {
      const before = sink.messages.length;
      const outcome = await worker().run(running.id);
      expect(outcome).toMatchObject({ done: false, sent: 0 });
      expect(outcome.heldUntil?.getTime()).toBeGreaterThan(Date.now());
      expect(outcome.retryAt).toEqual(outcome.heldUntil);
      expect(sink.messages.length).toBe(before);
      const statuses = await ctx.database.db
        .selectFrom('mailing_recipient')
        .select('status')
        .distinct()
        .where('campaign_id', '=', c.id)
        .where('mailing_id', '=', running.id)
        .execute();
      expect(statuses.map((r) => r.status)).toEqual(['queued']);

      const refused = await owner.request('POST', `/api/v1/messages/${(await create(owner)).id}/send`);
      expect(refused.statusCode).toBe(409);
      expect(refused.json()).toMatchObject({ code: 'ELECTORAL_SILENCE' });
      expect(Date.parse(refused.json().silence_until)).toBe(outcome.heldUntil?.getTime());
    } finally {
      await owner.request('DELETE', '/api/v1/calendar');
    }
  });
  it('as a job, sends the mailing and queues a reading of the bounce mailbox when one is configured', async () => {
    const withBounces = await buildTestApp(ctx.database, {
      publicUrl: 'https://relais.campagne.test',
      mailing: t.runtime.config.mailing,
      bounces: {
        imap: { host: '127.0.0.1', port: 1, secure: false, user: 'rebonds', password: 'x', mailbox: 'INBOX', doneMailbox: null },
        mailgunSigningKey: null,
        sendgridPublicKey: null,
      },
    });
    try {
      // One worker only, this app's: the other app's (started by an earlier test, without a bounce
      // mailbox) could take the send job, and it would then ask for no reading.
      await t.runtime.jobs.stop();
      await withBounces.runtime.jobs.work();
      const m = await create(owner);
      const client = new TestClient(withBounces.app);
      await client.login('owner@example.org');
      expect((await client.request('POST', `/api/v1/messages/${m.id}/send`)).statusCode).toBe(202);
      const status = () => tenant()((trx) => trx.selectFrom('mailing').select('status').where('id', '=', m.id).executeTakeFirstOrThrow());
      await expect.poll(async () => (await status()).status, { timeout: 30_000, interval: 100 }).toBe('sent');
      // The job marks the mailing sent, then asks for the reading: wait for it. In any state, since the
      // test's own running worker may take it at once (and fail on port 1). At least one: the earlier
      // tests' mailings, sent by this worker too, may each ask for one at the same instant.
      const readings = async () =>
        (await tenant()((trx) => trx.selectFrom('job_run').select('id').where('kind', '=', 'messaging.bounces').execute())).length;
      await expect.poll(readings, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    } finally {
      await withBounces.close();
    }
  }, 60_000);
});
