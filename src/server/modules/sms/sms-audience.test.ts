// SMS to an audience and SMS short links, end to end over HTTP with the Twilio-speaking server on
// loopback: an audience of lists minus an exclusion within SMS consent and a mobile, counted per
// arrondissement and sent (a zone-limited actor reaches only its zone); URLs sent as short links,
// one code per message, counted at their length by the estimate; a click redirects to the URL only,
// a changed or unknown code gets the error page; clicks go through the tracking writer, classified
// (a click within a minute of the send is a scanner's), onto the send's report.
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf, withTenant } from '../../db/database.ts';
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
import { freePort } from '../../testing/ports.ts';
import { ACCOUNT_SID, AUTH_TOKEN, startTwilio } from '../../testing/twilio-server.ts';
import { recordConsents } from '../consent/index.ts';
import { trackingWriterOf } from '../messaging/index.ts';
import { dispatchDue } from './dispatch.ts';
import { DEFAULT_SENDING_HOURS, nextAllowedInstant } from './hours.ts';
import { SHORT_CODE_LENGTH } from './links.ts';
import { twilioProvider } from './provider.ts';
import { estimateSms, queueSms } from './sms.service.ts';

describeEachDatabase('sms: audiences and short links', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let twilio: Awaited<ReturnType<typeof startTwilio>>;
  let appUrl: string;
  const listId = uuidv7();
  const excludedListId = uuidv7();
  // Zone 1: two mobiles with consent (one also excluded), a landline with consent, a mobile without
  // consent; zone 2: one mobile with consent.
  const PEOPLE = {
    a1: { phone: '+33612000001', zone: 0, consent: true },
    a2: { phone: '+33612000002', zone: 0, consent: true },
    excluded: { phone: '+33612000003', zone: 0, consent: true },
    landline: { phone: '+33144000004', zone: 0, consent: true },
    noConsent: { phone: '+33612000005', zone: 0, consent: false },
    b1: { phone: '+33712000006', zone: 1, consent: true },
  } as const;
  type Key = keyof typeof PEOPLE;
  const ids = {} as Record<Key, string>;
  const audience = () => ({ list_ids: [listId], exclude_list_ids: [excludedListId] });

  beforeAll(async () => {
    twilio = await startTwilio();
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}`;
    t = await buildTestApp(ctx.database, {
      twilio: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, baseUrl: twilio.baseUrl, messagingServiceSid: null, from: null },
      smsCallbackBaseUrl: appUrl,
      publicUrl: appUrl,
    });
    await t.app.listen({ port, host: '127.0.0.1' });
    c = await createCampaignFixture(ctx.database.db, 'smsaudience');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    const db = ctx.database.db;
    for (const key of Object.keys(PEOPLE) as Key[]) ids[key] = uuidv7();
    await db
      .insertInto('person')
      .values(
        (Object.keys(PEOPLE) as Key[]).map((key) => ({
          campaign_id: c.id,
          id: ids[key],
          given_name: key,
          family_name: 'Audience',
          phone: PEOPLE[key].phone,
          zone_ids: [c.zones[PEOPLE[key].zone]!.id],
        })),
      )
      .execute();
    await db
      .insertInto('list')
      .values([
        { campaign_id: c.id, id: listId, name: 'Tous' },
        { campaign_id: c.id, id: excludedListId, name: 'Déjà prévenus' },
      ])
      .execute();
    await db
      .insertInto('list_member')
      .values([
        ...(Object.keys(PEOPLE) as Key[]).map((key) => ({ campaign_id: c.id, list_id: listId, person_id: ids[key] })),
        { campaign_id: c.id, list_id: excludedListId, person_id: ids.excluded },
      ])
      .execute();
    await withTenant(db, c.id, (trx) =>
      recordConsents(
        trx,
        (Object.keys(PEOPLE) as Key[])
          .filter((key) => PEOPLE[key].consent)
          .map((key) => ({
            campaignId: c.id,
            personId: ids[key],
            channel: 'sms' as const,
            status: 'given' as const,
            source: 'form',
            proof: { form: 'test' },
            at: new Date(Date.now() - 60_000),
          })),
      ),
    );
    const settings = await owner.request('PUT', '/api/v1/sms/settings', {
      sender: 'PARIS2026',
      sender_name: 'Paris Ensemble',
      stop_number: '36180',
    });
    expect(settings.statusCode, settings.body).toBe(200);
  });
  afterAll(async () => {
    await twilio?.settled();
    await t?.close();
    await twilio?.close();
  });

  const dispatch = () =>
    dispatchDue({
      tenant: tenantRunnerOf(ctx.database.db, c.id),
      campaignId: c.id,
      provider: twilioProvider({
        accountSid: ACCOUNT_SID,
        authToken: AUTH_TOKEN,
        baseUrl: twilio.baseUrl,
        messagingServiceSid: null,
      }),
      callbackBaseUrl: appUrl,
      now: () => nextAllowedInstant(new Date(), DEFAULT_SENDING_HOURS),
    });

  it('counts an audience (lists minus an exclusion, SMS consent, a mobile) per arrondissement, and sends it', async () => {
    const res = await owner.request('POST', '/api/v1/sms/estimate', { text: 'Réunion mardi', audience: audience() });
    expect(res.statusCode, res.body).toBe(200);
    const estimate = res.json();
    // The landline and the person without consent are not counted; the excluded list is subtracted.
    expect(estimate.recipients).toBe(3);
    expect(estimate.by_zone.map((z: { code: string; count: number }) => [z.code, z.count])).toEqual([
      ['1', 2],
      ['2', 1],
    ]);
    expect(estimate.skipped).toMatchObject({ no_mobile: 1 });
    const bad = await owner.request('POST', '/api/v1/sms/estimate', { text: 'x', audience: { list_ids: [uuidv7()] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'MAILING_AUDIENCE_INVALID' });

    const sent = await owner.request('POST', '/api/v1/sms/sends', { text: 'Réunion mardi 19h', audience: audience() });
    expect(sent.statusCode, sent.body).toBe(202);
    const result = sent.json() as { queued: { person_id: string }[]; deferred: { person_id: string }[] };
    expect([...result.queued, ...result.deferred].map((q) => q.person_id).sort()).toEqual([ids.a1, ids.a2, ids.b1].sort());
    const before = twilio.received.length;
    expect(await dispatch()).toMatchObject({ sent: 3, failed: 0 });
    expect(
      twilio.received
        .slice(before)
        .map((r) => r.form.To)
        .sort(),
    ).toEqual([PEOPLE.a1.phone, PEOPLE.a2.phone, PEOPLE.b1.phone].sort());
  });

  it('reaches only the zones of a zone-limited actor, in its count and its send', async () => {
    const actor = { campaignId: c.id, zoneScope: [c.zones[1]!.id], label: 'Référent 2e' };
    const options = { defaultSender: null, publicUrl: appUrl };
    const estimate = await withTenant(ctx.database.db, c.id, (trx) =>
      estimateSms(trx, actor, { text: 'Bonjour', audience: audience() }, options),
    );
    expect(estimate.recipients).toBe(1);
    expect(estimate.by_zone.map((z) => [z.code, z.count])).toEqual([['2', 1]]);
    const queued = await withTenant(ctx.database.db, c.id, (trx) =>
      queueSms(trx, actor, { text: 'Bonjour', audience: audience() }, options),
    );
    expect([...queued.queued, ...queued.deferred].map((q) => q.person_id)).toEqual([ids.b1]);
    const before = twilio.received.length;
    await dispatch();
    expect(twilio.received.slice(before).map((r) => r.form.To)).toEqual([PEOPLE.b1.phone]);
  });

  it('sends URLs as short links, one code per message, and counts the text with them', async () => {
    const long = `https://campagne.example/agenda/2027/reunion-publique-du-quartier-${'x'.repeat(150)}?utm_source=sms`;
    const estimate = (await owner.request('POST', '/api/v1/sms/estimate', { text: `Venez : ${long}`, person_ids: [ids.a1] })).json();
    expect(estimate.short_links).toBe(1);
    const short = `${appUrl}/s/${'0'.repeat(SHORT_CODE_LENGTH)}`;
    expect(estimate.body).toBe(`Paris Ensemble : Venez : ${short}\nSTOP au 36180`);
    // With the URL as typed (200+ characters) it would take two segments; as a short link, one.
    expect(estimate.segments).toBe(1);

    const sent = await owner.request('POST', '/api/v1/sms/sends', {
      text: `Venez : ${long}. Programme : https://campagne.example/programme`,
      person_ids: [ids.a1, ids.a2],
    });
    expect(sent.statusCode, sent.body).toBe(202);
    const sendId = sent.json().send_id as string;
    const before = twilio.received.length;
    await dispatch();
    const bodies = twilio.received.slice(before).map((r) => r.form.Body as string);
    expect(bodies).toHaveLength(2);
    const pattern = new RegExp(
      `^Paris Ensemble : Venez : ${appUrl}/s/([0-9A-Za-z]{10})\\. Programme : ${appUrl}/s/([0-9A-Za-z]{10})\\nSTOP au 36180$`,
    );
    const codes = bodies.map((b) => pattern.exec(b)?.slice(1) ?? []);
    expect(codes.every((c) => c.length === 2)).toBe(true);
    expect(new Set(codes.flat()).size).toBe(4);

    // A click goes to the URL its code was made for.
    const [first, second] = codes as [string[], string[]];
    const click = await t.app.inject({ method: 'GET', url: `/s/${first[0]}`, headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe(long);
    const programme = await t.app.inject({ method: 'GET', url: `/s/${first[1]}` });
    expect(programme.headers.location).toBe('https://campagne.example/programme');
    // A changed code, an unknown one or a malformed one: the error page, never a redirect.
    const changed = `${first[0]!.slice(0, -1)}${first[0]!.endsWith('a') ? 'b' : 'a'}`;
    for (const code of [changed, 'AAAAAAAAAA', 'abc', `${first[0]}x`, '..%2F..%2Fetc']) {
      const res = await t.app.inject({ method: 'GET', url: `/s/${code}` });
      expect(res.statusCode, code).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).toContain('Lien non valide');
    }

    // Those clicks came within a minute of the send: a link preview's (scanner). The second
    // person's message was sent an hour ago: their click is a person's.
    await sql`update sms_message set sent_at = now() - interval '1 hour'
      where campaign_id = ${c.id} and send_id = ${sendId} and person_id = ${ids.a2}`.execute(ctx.database.db);
    await t.app.inject({ method: 'GET', url: `/s/${second[1]}`, headers: { 'user-agent': 'Mozilla/5.0 (Android)' } });
    await trackingWriterOf(t.app.deps)?.flush();
    const clicks = await ctx.database.db
      .selectFrom('sms_click')
      .select(['person_id', 'link_index', 'classification'])
      .where('campaign_id', '=', c.id)
      .where('send_id', '=', sendId)
      .orderBy('at')
      .execute();
    expect(clicks).toEqual([
      { person_id: ids.a1, link_index: 0, classification: 'scanner' },
      { person_id: ids.a1, link_index: 1, classification: 'scanner' },
      { person_id: ids.a2, link_index: 1, classification: 'human' },
    ]);
    const timeline = await ctx.database.db
      .selectFrom('activity')
      .select(['person_id', 'type'])
      .where('campaign_id', '=', c.id)
      .where('type', '=', 'sms.clicked')
      .execute();
    expect(timeline).toEqual([{ person_id: ids.a2, type: 'sms.clicked' }]);

    const report = await owner.request('GET', `/api/v1/sms/sends/${sendId}/report`);
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json()).toMatchObject({
      messages: 2,
      clicks: { human: 1, scanner: 2 },
      human_clickers: 1,
      links: [
        { link_index: 0, url: long, clicks: { human: 0, scanner: 1 }, human_clickers: 0 },
        { link_index: 1, url: 'https://campagne.example/programme', clicks: { human: 1, scanner: 1 }, human_clickers: 1 },
      ],
    });
    const unknown = await owner.request('GET', `/api/v1/sms/sends/${uuidv7()}/report`);
    expect(unknown.statusCode).toBe(404);
  });
});
