// The preference page behind every mailing's footer link (/u/<token>), with the messages received
// by a real SMTP server on loopback: GET changes nothing (a link scanner, the person's look), a POST
// of topics writes one consent-ledger line per topic changed with its proof and changes who the
// next mailings of that topic reach (the audience, and the claim of rows queued before),
// "unsubscribe from everything" unsubscribes; tampered, cross-site and incomplete posts get 4xx.
import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { type SmtpSink, sinkMailingConfig, startSmtpSink } from '../../testing/smtp-sink.ts';
import { canReach, recordConsents } from '../consent/index.ts';
import { sendMailing } from './send.ts';
import { createBulkTransport } from './transport.ts';

const PUBLIC = 'https://relais.campagne.test';
const CONTENT = { blocks: [{ type: 'paragraph', text: 'Bonjour {{given_name|"à vous"}}' }] };

describeEachDatabase('preference page', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let sink: SmtpSink;
  let listId: string;
  const people: Record<string, string> = {};
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, {
      publicUrl: PUBLIC,
      mailing: sinkMailingConfig(sink),
    });
    c = await createCampaignFixture(ctx.database.db, 'prefs');
    listId = uuidv7();
    await ctx.database.db.insertInto('list').values({ campaign_id: c.id, id: listId, name: 'Lettre' }).execute();
    for (const key of ['alice', 'bruno', 'carla']) {
      const id = uuidv7();
      people[key] = id;
      await ctx.database.db
        .insertInto('person')
        .values({ campaign_id: c.id, id, given_name: key, email: `${key}@exemple.test`, zone_ids: [c.zones[0]?.id as string] })
        .execute();
      await ctx.database.db.insertInto('list_member').values({ campaign_id: c.id, list_id: listId, person_id: id }).execute();
      await tenant()((trx) => recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]));
    }
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** Creates and starts a mailing of a topic; returns its id and the addresses it materialised. */
  const startMailing = async (topic?: string) => {
    const created = await owner.request('POST', '/api/v1/messages', {
      name: `Envoi ${topic ?? 'défaut'}`,
      subject: 'Nouvelles',
      content: CONTENT,
      audience: { list_ids: [listId] },
      ...(topic ? { topic } : {}),
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json() as { id: string };
    const sent = await owner.request('POST', `/api/v1/messages/${id}/send`);
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const rows = await tenant()((trx) =>
      trx.selectFrom('mailing_recipient').select(['email', 'status', 'last_error']).where('mailing_id', '=', id).orderBy('email').execute(),
    );
    return { id, addresses: rows.map((r) => r.email) };
  };
  const runSend = async (mailingId: string) => {
    const config = t.runtime.config;
    const transport = createBulkTransport(config.mailing, ctx.database.db);
    await sendMailing({ campaignId: c.id, mailingId, tenant: tenant(), config, transport, soleWorker: false }).finally(() =>
      transport.close(),
    );
  };
  /** The preference page's path of the latest message an address received (its List-Unsubscribe link). */
  const pageOf = (email: string) => {
    const raw = sink.messages.filter((m) => m.rcptTo.includes(email)).at(-1)?.raw ?? '';
    const path = /List-Unsubscribe: <https:\/\/relais\.campagne\.test(\/u\/[A-Za-z0-9_-]{64})>/.exec(raw.replace(/\r?\n[ \t]+/g, ' '))?.[1];
    expect(path).toBeDefined();
    return path as string;
  };
  const ledger = (personId: string) =>
    ctx.database.db
      .selectFrom('consent')
      .selectAll()
      .where('person_id', '=', personId)
      .where('source', '!=', 'form')
      .orderBy('at')
      .orderBy('id')
      .execute();
  const topicsOf = async (personId: string) =>
    (await ctx.database.db.selectFrom('person').select('email_topics_withdrawn').where('id', '=', personId).executeTakeFirstOrThrow())
      .email_topics_withdrawn;
  const postTopics = (path: string, topics: string[], headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `${path}/preferences`,
      payload: ['form=preferences', 'lang=fr', ...topics.map((x) => `topics=${x}`)].join('&'),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Firefox/140',
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
    });

  it('shows the page in French (English when asked) and a GET changes nothing', async () => {
    const first = await startMailing();
    await runSend(first.id);
    const path = pageOf('alice@exemple.test');
    for (const ua of ['LinkScanner/1.0', 'Mozilla/5.0']) {
      const res = await t.app.inject({ method: 'GET', url: path, headers: { 'user-agent': ua } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('<html lang="fr">');
      expect(res.body).toContain('Mes préférences d’e-mails');
      for (const topic of ['newsletter', 'local', 'events']) expect(res.body).toMatch(new RegExp(`value="${topic}" checked`));
      expect(res.body).toContain('Les nouvelles de mon arrondissement');
      expect(res.body).toContain('Me désinscrire de tout');
      expect(res.body).toContain(`href="${path}?lang=en"`);
    }
    const english = await t.app.inject({ method: 'GET', url: path, headers: { 'accept-language': 'en-US,en;q=0.8' } });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('News of my arrondissement');
    const switched = await t.app.inject({ method: 'GET', url: `${path}?lang=en`, headers: { 'accept-language': 'fr-FR' } });
    expect(switched.body).toContain('Unsubscribe from everything');
    expect(await ledger(people.alice as string)).toEqual([]);
    expect(await topicsOf(people.alice as string)).toEqual([]);
  });

  it('writes a ledger line per topic changed, with its proof, and the audiences of that topic follow', async () => {
    const alice = people.alice as string;
    const path = pageOf('alice@exemple.test');
    // A mailing about events is queued before Alice withdraws events: its row is skipped at the claim.
    const events = await startMailing('events');
    expect(events.addresses).toContain('alice@exemple.test');

    const res = await postTopics(path, ['newsletter']);
    // Post/redirect/get: back to the page, which says the choice is saved and shows it.
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`${path}?lang=fr&done=saved`);
    const shown = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    expect(shown.body).toContain('Vos choix sont enregistrés.');
    expect(shown.body).toMatch(/value="newsletter" checked/);
    expect(shown.body).not.toMatch(/value="local" checked/);
    const lines = await ledger(alice);
    expect(lines.map((l) => [l.channel, l.topic, l.status, l.source])).toEqual([
      ['email', 'local', 'withdrawn', 'preferences'],
      ['email', 'events', 'withdrawn', 'preferences'],
    ]);
    expect(lines[0]?.proof).toMatchObject({
      method: 'preference_page',
      token: path.slice(3),
      user_agent: 'Firefox/140',
      email: 'alice@exemple.test',
    });
    expect(lines[0]?.proof).toHaveProperty('ip');
    expect(lines[0]?.proof).toHaveProperty('at');
    expect(await topicsOf(alice)).toEqual(['events', 'local']);
    // The channel itself still stands: the newsletter reaches her.
    expect(await tenant()((trx) => canReach(trx, { campaignId: c.id, personId: alice, channel: 'email' }))).toBe(true);

    // The same choice again writes nothing.
    const same = await postTopics(path, ['newsletter']);
    expect(same.headers.location).toBe(`${path}?lang=fr&done=unchanged`);
    expect((await t.app.inject({ method: 'GET', url: String(same.headers.location) })).body).toContain('Rien n’a changé');
    expect(await ledger(alice)).toHaveLength(2);

    // Audiences: counted and materialised per topic.
    const count = async (topic?: string) =>
      (
        await owner.request('POST', '/api/v1/messages/audience_count', { audience: { list_ids: [listId] }, ...(topic ? { topic } : {}) })
      ).json().total as number;
    expect(await count()).toBe(3);
    expect(await count('newsletter')).toBe(3);
    expect(await count('local')).toBe(2);
    const local = await startMailing('local');
    expect(local.addresses).toEqual(['bruno@exemple.test', 'carla@exemple.test']);
    const doc = (await owner.request('GET', `/api/v1/messages/${local.id}`)).json() as { topic: string };
    expect(doc.topic).toBe('local');
    const newsletter = await startMailing();
    expect(newsletter.addresses).toContain('alice@exemple.test');
    await runSend(events.id);
    const rows = await tenant()((trx) =>
      trx.selectFrom('mailing_recipient').select(['email', 'status', 'last_error']).where('mailing_id', '=', events.id).execute(),
    );
    expect(rows.find((r) => r.email === 'alice@exemple.test')).toMatchObject({ status: 'skipped', last_error: 'topic withdrawn: events' });
    expect(rows.filter((r) => r.status === 'sent')).toHaveLength(2);

    // Ticking a topic again gives it back, with its own line.
    await postTopics(path, ['newsletter', 'local', 'events']);
    expect((await ledger(alice)).slice(2).map((l) => [l.topic, l.status])).toEqual([
      ['local', 'given'],
      ['events', 'given'],
    ]);
    expect(await topicsOf(alice)).toEqual([]);
    expect(await count('local')).toBe(3);
  });

  it('refuses tampered, cross-site and incomplete posts with 4xx pages and changes nothing', async () => {
    const bruno = people.bruno as string;
    const path = pageOf('bruno@exemple.test');
    const tampered = `${path.slice(0, -2)}${path.endsWith('AA') ? 'BB' : 'AA'}`;
    const bad = await postTopics(tampered, []);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Lien non valide');
    expect((await t.app.inject({ method: 'GET', url: tampered })).statusCode).toBe(400);
    expect((await postTopics(path, [], { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    const incomplete = await t.app.inject({
      method: 'POST',
      url: `${path}/preferences`,
      payload: 'topics=newsletter',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(incomplete.statusCode).toBe(400);
    // Only the page's form-encoded body: a JSON one is not the person's choice.
    const json = await t.app.inject({ method: 'POST', url: `${path}/preferences`, payload: { form: 'preferences', topics: [] } });
    expect(json.statusCode).toBe(400);
    expect(await ledger(bruno)).toEqual([]);
  });

  it('unsubscribes from everything from the page; the page then says so and takes no topic', async () => {
    const carla = people.carla as string;
    const path = pageOf('carla@exemple.test');
    const res = await t.app.inject({
      method: 'POST',
      url: path,
      payload: 'lang=en&List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Firefox/140' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('You are unsubscribed');
    expect((await ledger(carla)).map((l) => [l.topic, l.status, l.source])).toEqual([[null, 'withdrawn', 'unsubscribe']]);
    const page = await t.app.inject({ method: 'GET', url: path });
    expect(page.body).toContain('Vous êtes désinscrit·e');
    expect(page.body).not.toContain('name="topics"');
    const late = await postTopics(path, ['newsletter']);
    expect(late.body).toContain('Vous êtes désinscrit·e');
    expect(await ledger(carla)).toHaveLength(1);
  });
});
