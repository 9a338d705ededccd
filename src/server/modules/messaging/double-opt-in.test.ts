// Double opt-in through the OSDI signup helper, with a real SMTP server on loopback receiving the
// confirmation: the signup gives no e-mail consent; the link's GET (a mail scanner) confirms
// nothing; the POST records the consent dated at the click with its proof; the campaign setting
// applies when the body says nothing; re-sends are rate-limited; tampered, expired and cross-site
// requests get 4xx pages.
import { simpleParser } from 'mailparser';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.ts';
import { tenantRunnerOf } from '../../db/database.ts';
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
import { canReach } from '../consent/index.ts';

const PUBLIC = 'https://relais.campagne.test';

describeEachDatabase('double opt-in', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const base = loadConfig({ LOG_LEVEL: 'silent' });
    t = await buildTestApp(ctx.database, {
      publicUrl: PUBLIC,
      smtpUrl: sink.url,
      mailing: { ...base.mailing, tokenSecret: 'a-test-secret-of-at-least-thirty-two-characters' },
    });
    c = await createCampaignFixture(ctx.database.db, 'optin');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  const signup = async (email: string, extra: Record<string, unknown> = {}) => {
    const res = await owner.request('POST', '/api/v1/people/person_signup_helper', {
      person: { given_name: 'Léa', email_addresses: [{ address: email, status: 'subscribed' }] },
      consents: [
        { channel: 'email', form: 'Formulaire « Je m’inscris »', text_shown: 'J’accepte de recevoir les e-mails de la campagne.' },
      ],
      ...extra,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { id: string };
  };
  const mailsTo = (email: string) => sink.messages.filter((m) => m.rcptTo.includes(email));
  /** The path of the confirmation link in the latest message to an address. */
  const linkOf = async (email: string) => {
    const raw = mailsTo(email).at(-1)?.raw ?? '';
    const text = String((await simpleParser(raw)).text);
    const url = new RegExp(`${PUBLIC.replace(/\./g, '\\.')}(/c/[A-Za-z0-9_-]+)`).exec(text)?.[1];
    expect(url, text).toBeDefined();
    return url as string;
  };
  const ledger = (personId: string) =>
    ctx.database.db.selectFrom('consent').selectAll().where('person_id', '=', personId).where('channel', '=', 'email').execute();
  const reach = (personId: string) =>
    tenantRunnerOf(ctx.database.db, c.id)((trx) => canReach(trx, { campaignId: c.id, personId, channel: 'email' }));
  const post = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: 'lang=fr',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Firefox/140',
        'sec-fetch-site': 'same-origin',
        ...headers,
      },
    });

  it('mails a link and gives the consent only at the POST of its page, dated at the click, with its proof', async () => {
    const person = await signup('lea@exemple.test', { double_opt_in: true });
    expect(await ledger(person.id)).toEqual([]);
    expect(await reach(person.id)).toBe(false);
    expect(mailsTo('lea@exemple.test')).toHaveLength(1);
    const mail = await simpleParser(mailsTo('lea@exemple.test')[0]?.raw ?? '');
    expect(mail.subject).toBe('Campaign optin : confirmez votre adresse e-mail');
    const link = await linkOf('lea@exemple.test');

    // A mail scanner (and the person's first look) GETs the link: a page with a button, nothing recorded.
    for (const ua of ['Barracuda-Scanner/1.0', 'Mozilla/5.0']) {
      const get = await t.app.inject({ method: 'GET', url: link, headers: { 'user-agent': ua } });
      expect(get.statusCode).toBe(200);
      expect(get.body).toContain('<html lang="fr">');
      expect(get.body).toContain('Je confirme mon inscription');
      expect(get.body).toContain(`<form method="post" action="${link}">`);
    }
    expect(await ledger(person.id)).toEqual([]);
    expect(await reach(person.id)).toBe(false);

    const beforeClick = new Date();
    const click = await post(link);
    expect(click.statusCode).toBe(200);
    expect(click.body).toContain('Adresse confirmée');
    const lines = await ledger(person.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      status: 'given',
      source: 'double_opt_in',
      topic: null,
      proof: {
        method: 'double_opt_in',
        email: 'lea@exemple.test',
        token: link.slice(3),
        user_agent: 'Firefox/140',
        form: 'Formulaire « Je m’inscris »',
        text_shown: 'J’accepte de recevoir les e-mails de la campagne.',
      },
    });
    const [line] = lines;
    expect(line?.at.getTime()).toBeGreaterThanOrEqual(beforeClick.getTime() - 5);
    expect(typeof (line?.proof as Record<string, unknown> | undefined)?.ip).toBe('string');
    expect(await reach(person.id)).toBe(true);

    // A second click changes nothing; a new signup of a confirmed person mails nothing more.
    const again = await post(link);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('Adresse déjà confirmée');
    await signup('lea@exemple.test', { double_opt_in: true });
    expect(await ledger(person.id)).toHaveLength(1);
    expect(mailsTo('lea@exemple.test')).toHaveLength(1);
  });

  it('follows the campaign setting when the body says nothing, and the body when it does', async () => {
    await ctx.database.db
      .updateTable('campaign')
      .set({ settings: JSON.stringify({ signup: { double_opt_in: true } }) })
      .where('id', '=', c.id)
      .execute();
    try {
      const asked = await signup('setting@exemple.test');
      expect(await reach(asked.id)).toBe(false);
      expect(mailsTo('setting@exemple.test')).toHaveLength(1);
      const direct = await signup('direct@exemple.test', { double_opt_in: false });
      expect(await reach(direct.id)).toBe(true);
      expect(mailsTo('direct@exemple.test')).toHaveLength(0);
    } finally {
      await ctx.database.db.updateTable('campaign').set({ settings: '{}' }).where('id', '=', c.id).execute();
    }
    // Without the setting nor the flag, a signup records its consent at once, as before.
    const plain = await signup('plain@exemple.test');
    expect(await reach(plain.id)).toBe(true);
  });

  it('limits re-sends: a second signup soon after mails nothing, a later one does, five at most', async () => {
    const person = await signup('rate@exemple.test', { double_opt_in: true });
    await signup('rate@exemple.test', { double_opt_in: true });
    expect(mailsTo('rate@exemple.test')).toHaveLength(1);
    const rows = () => ctx.database.db.selectFrom('email_confirmation').selectAll().where('person_id', '=', person.id).execute();
    expect(await rows()).toHaveLength(1);
    for (let i = 2; i <= 6; i++) {
      // The last send is moved 11 minutes back: past the interval between two sends.
      await ctx.database.db
        .updateTable('email_confirmation')
        .set({ last_sent_at: new Date(Date.now() - 11 * 60_000) })
        .where('person_id', '=', person.id)
        .execute();
      await signup('rate@exemple.test', { double_opt_in: true });
      expect(mailsTo('rate@exemple.test')).toHaveLength(Math.min(i, 5));
    }
    expect((await rows())[0]?.send_count).toBe(5);
  });

  it('answers 4xx pages, never a 5xx, to tampered, cross-site and expired links; an expired link offers a new one within the rate', async () => {
    const person = await signup('late@exemple.test', { double_opt_in: true });
    const link = await linkOf('late@exemple.test');
    const tampered = `${link.slice(0, -2)}${link.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const url of [tampered, '/c/x', `${link}A`, `${tampered}/resend`]) {
      const get = await t.app.inject({ method: 'GET', url });
      expect(get.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(get.statusCode, url).toBeLessThan(500);
      const res = await post(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers.location).toBeUndefined();
    }
    expect((await t.app.inject({ method: 'GET', url: tampered })).body).toContain('Lien non valide');

    const crossSite = await post(link, { 'sec-fetch-site': 'cross-site' });
    expect(crossSite.statusCode).toBe(403);
    expect(await ledger(person.id)).toEqual([]);

    // 49 hours later (the application's clock; the database's is its own).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 49 * 3600_000 });
    const expired = await t.app.inject({ method: 'GET', url: link, headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' } });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('<html lang="en">');
    expect(expired.body).toContain('Expired link');
    expect(expired.body).toContain(`action="${link}/resend"`);
    expect((await post(link)).statusCode).toBe(410);
    expect(await ledger(person.id)).toEqual([]);

    const resent = await post(`${link}/resend`);
    expect(resent.statusCode).toBe(200);
    expect(resent.body).toContain('Nouveau lien envoyé');
    expect(mailsTo('late@exemple.test')).toHaveLength(2);
    const again = await post(`${link}/resend`);
    expect(again.statusCode).toBe(429);
    expect(mailsTo('late@exemple.test')).toHaveLength(2);

    // The new link works (within its own 48 hours).
    const fresh = await linkOf('late@exemple.test');
    expect(fresh).not.toBe(link);
    expect((await post(fresh)).statusCode).toBe(200);
    expect(await ledger(person.id)).toHaveLength(1);
  });
});
