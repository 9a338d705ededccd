// Petitions and public forms end to end through app.inject(): a signature counts only after its
// e-mail link's click; a newsletter signup becomes a consented person only after the click (the
// consent's proof holds the words shown); the form guard (honeypot, fill time, ALTCHA proof and its
// replay, burst and window limits) quarantines silently and a flood from one address is alerted;
// staff void in bulk after a preview; OSDI's record_signature_helper; feeds parse; the delivery PDF.
import { parseFeed } from '@rowanmanning/feed-parser';
import { solveChallenge } from 'altcha-lib/v1';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { ALERT_PER_HOUR, formStamp } from '../../site/form-guard.ts';
import { createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { expectShareCard } from '../../testing/share-card.ts';
import { petitionsForZoneHtml } from './index.ts';

describeEachDatabase('petitions and public forms', (ctx) => {
  const s = useOwnerApp(ctx, 'petitions');
  const secret = () => s.t.app.deps.config.mailing.tokenSecret;
  const stamp = () => formStamp(secret(), Date.now() - 5000);
  let ipCounter = 10;
  const freshIp = () => `192.0.2.${ipCounter++}`;

  const post = (url: string, fields: Record<string, string>, ip: string) =>
    s.t.app.inject({
      method: 'POST',
      url,
      remoteAddress: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ form_stamp: stamp(), site_web: '', altcha: '', ...fields }).toString(),
    });
  const lastLink = async (to: string) => {
    const mail = await ctx.database.db
      .selectFrom('dev_outbox')
      .select('text_body')
      .where('to_address', '=', to)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const m = /\/confirmer\/([A-Za-z0-9_-]{70})/.exec(mail.text_body);
    if (!m?.[1]) throw new Error('no link');
    return m[1];
  };
  const count = async (slug: string) => (await s.t.app.inject({ url: `/petitions/${slug}/signatures.json` })).json().signatures as number;
  const createPetition = async (body: Record<string, unknown>) => {
    const res = await s.owner.request('POST', '/api/v1/petitions', { status: 'open', goal: 100, ...body });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { identifiers: string[]; 'relais:slug': string; _links: Record<string, { href: string }> };
  };
  const idOf = (p: { identifiers: string[] }) => (p.identifiers[0] as string).slice('relais:'.length);

  it('counts a signature only after the e-mail link is clicked, and moves the signatory up the ladder', async () => {
    const p = await createPetition({
      title: 'Des arbres rue de la Roquette',
      target: 'La maire du 11e',
      zone_id: s.c.zones[0]?.id,
      thresholds: [{ count: 1, text: 'Nous écrivons à la mairie.' }],
    });
    const slug = p['relais:slug'];
    expect(slug).toBe('des-arbres-rue-de-la-roquette');
    const page = await s.t.app.inject({ url: `/petitions/${slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('name="form_stamp"');
    expect(page.body).toContain('<progress');
    const cardBefore = page.body.match(/partage\/petition\/[^"]+/)?.[0];
    const res = await post(
      `/petitions/${slug}`,
      { given_name: 'Inès', family_name: 'Martin', email: ' Ines.Martin@Example.org ', postal_code: '75001', public_name: '1' },
      freshIp(),
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/petitions/${slug}/merci`);
    expect(await count(slug)).toBe(0);
    const token = await lastLink('ines.martin@example.org');
    const show = await s.t.app.inject({ url: `/confirmer/${token}` });
    expect(show.statusCode).toBe(200);
    expect(show.body).toContain('Je confirme');
    expect(await count(slug)).toBe(0);
    const before = await ctx.database.db.selectFrom('person').select('id').where('email', '=', 'ines.martin@example.org').execute();
    expect(before).toHaveLength(0);
    const click = await s.t.app.inject({ method: 'POST', url: `/confirmer/${token}` });
    expect(click.statusCode).toBe(200);
    expect(click.body).toContain('Votre signature est comptée');
    expect(await count(slug)).toBe(1);
    const json = (await s.t.app.inject({ url: `/petitions/${slug}/signatures.json` })).json();
    expect(json.by_arrondissement).toEqual([{ code: '1', name: 'Zone 1', signatures: 1 }]);
    const csv = await s.t.app.inject({ url: `/petitions/${slug}/signatures.csv` });
    expect(csv.body).toContain('1,Zone 1,1');
    const person = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'ladder_stage', 'consent_email'])
      .where('email', '=', 'ines.martin@example.org')
      .executeTakeFirstOrThrow();
    expect(person.ladder_stage).toBe('sympathizer');
    // The petition did not ask for news: no e-mail consent from a signature alone.
    expect(person.consent_email).toBe(false);
    const again = await s.t.app.inject({ method: 'POST', url: `/confirmer/${token}` });
    expect(again.body).toContain('Déjà confirmé');
    expect(await count(slug)).toBe(1);
    // Its share card shows the signature: a new count is a new version of the picture.
    await expectShareCard(s.t.app, `/petitions/${slug}`, 'petition', slug);
    await expectShareCard(s.t.app, `/petitions/${slug}?lang=en`, 'petition', slug);
    const cardAfter = (await s.t.app.inject({ url: `/petitions/${slug}` })).body.match(/partage\/petition\/[^"]+/)?.[0];
    expect(cardAfter).toMatch(/\?v=/);
    expect(cardAfter).not.toBe(cardBefore);
    const shown = await s.t.app.inject({ url: `/petitions/${slug}` });
    expect(shown.body).toContain('Inès M.');
    expect(shown.body).toContain('✓ atteinte');
    // The arrondissement page's section.
    const html = await withTenant(ctx.database.db, s.c.id, (trx) => petitionsForZoneHtml(trx, s.c.zones[0]?.id as string, 'fr'));
    expect(html).toContain('Des arbres rue de la Roquette');
    expect((await s.t.app.inject({ url: `/arrondissements/${s.c.zones[0]?.code}` })).body).toContain('Des arbres rue de la Roquette');
    // The target's answer is published on the petition.
    await s.owner.request('PUT', `/api/v1/petitions/${idOf(p)}`, { answer: 'Nous planterons vingt arbres.' });
    expect((await s.t.app.inject({ url: `/petitions/${slug}?lang=en` })).body).toContain('Nous planterons vingt arbres.');
    // The signature, linked to its person, in the API.
    const sigs = (await s.owner.request('GET', `/api/v1/petitions/${idOf(p)}/signatures?status=confirmed`)).json();
    expect(sigs._embedded['osdi:signatures'][0]['relais:person_id']).toBe(person.id);
    // The delivery PDF.
    const pdf = await s.owner.request('GET', `/api/v1/petitions/${idOf(p)}/delivery.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // Erasing the person keeps the signature counted but says nothing of them.
    expect((await s.owner.request('POST', `/api/v1/people/${person.id}/erase`)).statusCode).toBe(200);
    expect(await count(slug)).toBe(1);
    const erased = await ctx.database.db
      .selectFrom('form_submission')
      .select(['email', 'given_name'])
      .where('person_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(erased.email).toMatch(/^erased-/);
    expect(erased.given_name).toBe('');
    expect((await s.t.app.inject({ url: `/petitions/${slug}` })).body).not.toContain('Inès M.');
  });

  it('makes a newsletter signup a consented person only after the click, with the words shown', async () => {
    const form = await s.t.app.inject({ url: '/inscription/newsletter' });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('J’accepte que');
    const res = await post('/inscription/newsletter', { email: 'Chloe@Example.ORG', postal_code: '75002' }, freshIp());
    expect(res.statusCode).toBe(303);
    const none = await ctx.database.db.selectFrom('person').select('id').where('email', '=', 'chloe@example.org').execute();
    expect(none).toHaveLength(0);
    const token = await lastLink('chloe@example.org');
    await s.t.app.inject({ method: 'POST', url: `/confirmer/${token}` });
    const person = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'consent_email'])
      .where('email', '=', 'chloe@example.org')
      .executeTakeFirstOrThrow();
    expect(person.consent_email).toBe(true);
    const consent = await ctx.database.db
      .selectFrom('consent')
      .select(['source', 'proof'])
      .where('person_id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(consent.source).toBe('double_opt_in');
    expect((consent.proof as Record<string, unknown>).text_shown).toContain('J’accepte que Campaign petitions m’écrive');
    // The same address in other letters is the same person.
    await post('/inscription/volunteer', { given_name: 'Chloé', email: 'CHLOE@example.org ', message: 'Le samedi' }, freshIp());
    await s.t.app.inject({ method: 'POST', url: `/confirmer/${await lastLink('chloe@example.org')}` });
    const people = await ctx.database.db
      .selectFrom('person')
      .select(['id', 'ladder_stage'])
      .where('email', '=', 'chloe@example.org')
      .execute();
    expect(people).toHaveLength(1);
    expect(people[0]?.ladder_stage).toBe('volunteer');
    // An embeddable form may be framed by any site.
    const embed = await s.t.app.inject({ url: '/embed/inscription/popup' });
    expect(embed.headers['content-security-policy']).toContain('frame-ancestors *');
    expect(embed.headers['x-frame-options']).toBeUndefined();
  });

  it('quarantines honeypots, hasty posts and bursts silently, takes a solved proof once', async () => {
    const p = await createPetition({ title: 'Une cantine bio' });
    const slug = p['relais:slug'];
    const ip = freshIp();
    const statusOf = async (email: string) =>
      await ctx.database.db
        .selectFrom('form_submission')
        .select(['status', 'quarantine_reason', 'proof'])
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
    const bot = await post(`/petitions/${slug}`, { email: 'bot1@spam.test', site_web: 'http://spam' }, freshIp());
    expect(bot.statusCode).toBe(303);
    expect(await statusOf('bot1@spam.test')).toMatchObject({ status: 'quarantined', quarantine_reason: 'honeypot' });
    const hasty = await post(`/petitions/${slug}`, { email: 'bot2@spam.test', form_stamp: formStamp(secret()) }, freshIp());
    expect(hasty.statusCode).toBe(303);
    expect(await statusOf('bot2@spam.test')).toMatchObject({ status: 'quarantined', quarantine_reason: 'too_fast' });
    // A solved ALTCHA challenge: accepted with proof; the same payload again is a replay.
    const challenge = (await s.t.app.inject({ url: '/formulaires/altcha' })).json();
    const solution = await solveChallenge(challenge.challenge, challenge.salt, challenge.algorithm, challenge.maxnumber).promise;
    const payload = Buffer.from(JSON.stringify({ ...challenge, number: solution?.number, maxnumber: undefined })).toString('base64');
    await post(`/petitions/${slug}`, { email: 'a@ok.test', altcha: payload }, ip);
    expect(await statusOf('a@ok.test')).toMatchObject({ status: 'pending', proof: 'altcha' });
    await post(`/petitions/${slug}`, { email: 'b@ok.test', altcha: payload }, freshIp());
    expect(await statusOf('b@ok.test')).toMatchObject({ status: 'quarantined', quarantine_reason: 'altcha_replay' });
    // A second post from the same address within the minute: quarantined, answered the same way.
    const burst = await post(`/petitions/${slug}`, { email: 'c@ok.test' }, ip);
    expect(burst.statusCode).toBe(303);
    expect(await statusOf('c@ok.test')).toMatchObject({ status: 'quarantined', quarantine_reason: 'burst' });
    expect(await ctx.database.db.selectFrom('dev_outbox').select('id').where('to_address', '=', 'c@ok.test').execute()).toHaveLength(0);
    const quarantine = (await s.owner.request('GET', '/api/v1/form_submissions/quarantine')).json();
    expect(quarantine._embedded['relais:form_submissions'].map((r: { email: string }) => r.email)).toContain('c@ok.test');
  });

  it('quarantines a signature flood from one address and alerts the staff once', async () => {
    const p = await createPetition({ title: 'Flood' });
    const slug = p['relais:slug'];
    const ip = '198.51.100.7';
    for (let i = 0; i <= ALERT_PER_HOUR; i++) {
      const res = await post(`/petitions/${slug}`, { email: `f${i}@flood.test` }, ip);
      expect(res.statusCode).toBe(303);
    }
    const rows = await ctx.database.db
      .selectFrom('form_submission')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .where('email_domain', '=', 'flood.test')
      .groupBy('status')
      .execute();
    expect(Object.fromEntries(rows.map((r) => [r.status, r.n]))).toEqual({ pending: 1, quarantined: ALERT_PER_HOUR });
    const alerts = await ctx.database.db.selectFrom('form_alert').selectAll().where('campaign_id', '=', s.c.id).execute();
    expect(alerts.map((a) => a.kind).sort()).toEqual(['address', 'domain']);
    const audit = await ctx.database.db.selectFrom('audit_event').select('action').where('action', '=', 'form_guard.flood').execute();
    expect(audit).toHaveLength(2);
    const mails = await ctx.database.db.selectFrom('dev_outbox').select('subject').where('to_address', '=', 'owner@example.org').execute();
    expect(mails.filter((m) => m.subject.startsWith('Alerte'))).toHaveLength(2);
    // One more post the same hour: no second alert.
    await post(`/petitions/${slug}`, { email: 'g@flood.test' }, ip);
    expect(await ctx.database.db.selectFrom('form_alert').select('key').where('campaign_id', '=', s.c.id).execute()).toHaveLength(2);
    // The staff voids them: a preview changes nothing, the void is audited and nothing counts.
    const preview = await s.owner.request('POST', `/api/v1/petitions/${idOf(p)}/signatures/void`, {
      client_address: ip,
      reason: 'Flood',
      preview: true,
    });
    expect(preview.json()).toMatchObject({ count: ALERT_PER_HOUR + 2, voided: 0 });
    const applied = await s.owner.request('POST', `/api/v1/petitions/${idOf(p)}/signatures/void`, {
      client_address: ip,
      reason: 'Flood',
      preview: false,
    });
    expect(applied.json()).toMatchObject({ voided: ALERT_PER_HOUR + 2 });
    expect(
      await ctx.database.db.selectFrom('audit_event').select('id').where('action', '=', 'petitions.signatures_voided').execute(),
    ).toHaveLength(1);
    const empty = await s.owner.request('POST', `/api/v1/petitions/${idOf(p)}/signatures/void`, { reason: 'x', preview: true });
    expect(empty.json().code).toBe('VOID_FILTER_EMPTY');
  });

  it('records signatures through OSDI, keeps referents to their arrondissements, and publishes feeds', async () => {
    const p = await createPetition({ title: 'Un marché le dimanche', zone_id: s.c.zones[1]?.id });
    const helper = await s.owner.request('POST', `/api/v1/petitions/${idOf(p)}/signatures/record_signature_helper`, {
      person: { given_name: 'Paul', email_addresses: [{ address: 'Paul@Paper.test' }], postal_addresses: [{ postal_code: '75002' }] },
    });
    expect(helper.statusCode, helper.body).toBe(200);
    expect(await count(p['relais:slug'])).toBe(1);
    const twice = await s.owner.request('POST', `/api/v1/petitions/${idOf(p)}/record_signature_helper`, {
      person: { email_addresses: [{ address: 'paul@paper.test', address_type: 'Personal' }], identifiers: ['foreign_system:1'] },
      origin_system: 'OpenSupporter',
      action_date: '2026-03-18T11:02:15Z',
    });
    expect(twice.json().already_signed).toBe(true);
    expect(await count(p['relais:slug'])).toBe(1);
    await createMemberFixture(ctx.database.db, s.c.id, {
      email: 'ref@example.org',
      role: 'referent',
      zoneIds: [s.c.zones[0]?.id as string],
    });
    const ref = new TestClient(s.t.app);
    await ref.login('ref@example.org');
    const denied = await ref.request('PUT', `/api/v1/petitions/${idOf(p)}`, { title: 'Pris' });
    expect(denied.statusCode).toBe(404);
    const campaignWide = (await s.owner.request('GET', '/api/v1/petitions'))
      .json()
      ._embedded['osdi:petitions'].find((x: { 'relais:zone_id': string | null }) => x['relais:zone_id'] === null);
    expect((await ref.request('PUT', `/api/v1/petitions/${idOf(campaignWide)}`, { title: 'Pris' })).json().code).toBe(
      'PETITION_OUT_OF_SCOPE',
    );
    const wide = await ref.request('POST', '/api/v1/petitions', { title: 'Partout' });
    expect(wide.json().code).toBe('PETITION_OUT_OF_SCOPE');
    const own = await ref.request('POST', '/api/v1/petitions', { title: 'Chez moi', zone_id: s.c.zones[0]?.id });
    expect(own.statusCode).toBe(201);
    for (const format of ['rss', 'atom']) {
      const feed = await s.t.app.inject({ url: `/petitions/flux.${format}` });
      expect(feed.statusCode).toBe(200);
      const parsed = parseFeed(feed.body);
      expect(parsed.items.map((i) => i.title)).toContain('Un marché le dimanche');
    }
  });
});
