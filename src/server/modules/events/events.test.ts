// Events through the real app on a real database, with a real SMTP server on loopback: RSVPs on
// person records with capacity and waitlist (a waitlisted RSVP promoted when someone cancels, the
// staff told instead within 48 hours), the public RSVP form without JavaScript (POST, 303), the
// reminder sequence as jobs (times on Paris clocks, e-mails with signed links, SMS where consented),
// changes raising SEQUENCE and told at once, the ICS parsed by ical.js and the feeds by a real feed
// parser, check-in by QR code marking attendance and moving the ladder, proposals approved, and
// referents kept to their zones.
import { parseFeed } from '@rowanmanning/feed-parser';
import ICAL from 'ical.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import { formStamp } from '../../site/form-guard.ts';
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
import { escapeIcsText, foldIcsLine } from './ics.ts';
import { reminderTimes } from './reminders.ts';
import { signRsvpToken, verifyRsvpToken } from './tokens.ts';

const PUBLIC = 'https://relais.campagne.test';
const DAY = 86400_000;

describe('reminder times', () => {
  it('puts the day-before reminder at 11:00 and the day-of one at 08:00 on Paris clocks, across the DST change', () => {
    // Sunday 29 March 2026: clocks go from +01:00 to +02:00. An event at 10:00 that day.
    const start = new Date('2026-03-29T08:00:00Z');
    const times = reminderTimes({ start_at: start, end_at: new Date(start.getTime() + 2 * 3600_000), time_zone: 'Europe/Paris' });
    expect(times.day_before.toISOString()).toBe('2026-03-28T10:00:00.000Z'); // 11:00 CET
    expect(times.day_of.toISOString()).toBe('2026-03-29T06:00:00.000Z'); // 08:00 CEST
    expect(times.sms.toISOString()).toBe('2026-03-29T07:30:00.000Z');
  });

  it('escapes and folds ICS text (RFC 5545 §3.3.11, §3.1)', () => {
    expect(escapeIcsText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldIcsLine(`SUMMARY:${'é'.repeat(80)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'é'.repeat(80)}`);
  });

  it('signs tokens that cannot be forged or repurposed, and times forms', () => {
    const t = {
      campaignId: '0190a0a0-0000-7000-8000-000000000001',
      rsvpId: '0190a0a0-0000-7000-8000-000000000002',
      action: 'ticket' as const,
    };
    const token = signRsvpToken('s'.repeat(40), t);
    expect(verifyRsvpToken('s'.repeat(40), token)).toEqual(t);
    expect(token).toHaveLength(60);
    const raw = Buffer.from(token, 'base64url');
    raw[32] = 2; // the action byte: "ticket" turned into "no"
    expect(verifyRsvpToken('s'.repeat(40), raw.toString('base64url'))).toBeNull();
    expect(verifyRsvpToken('x'.repeat(40), token)).toBeNull();
  });
});

describeEachDatabase('events', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let sink: SmtpSink;
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);
  const secret = () => t.app.deps.config.mailing.tokenSecret;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await buildTestApp(ctx.database, { publicUrl: PUBLIC, smtpUrl: sink.url, mailing: sinkMailingConfig(sink) });
    c = await createCampaignFixture(ctx.database.db, 'events');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const iso = (ms: number) => new Date(Date.now() + ms).toISOString();
  async function createEvent(client: TestClient, over: Record<string, unknown> = {}) {
    const res = await client.request('POST', '/api/v1/events', {
      'relais:event_type': 'meeting',
      title: 'Réunion publique, logement; et transports',
      description: 'Venez nombreux.\nQuestions de la salle.',
      start_date: iso(5 * DAY),
      end_date: iso(5 * DAY + 2 * 3600_000),
      location: {
        venue: 'Mairie du 11e',
        address_lines: ['12 place Léon-Blum, 75011 Paris'],
        location: { latitude: 48.8575, longitude: 2.3797 },
      },
      'relais:zone_id': c.zones[0]?.id,
      ...over,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; 'relais:sequence': number; 'relais:status': string };
  }

  /**
   * Posts the public RSVP form as a browser without JavaScript would, filled 5 seconds after the page,
   * each from its own address (the site's guard limits posts per address and form).
   */
  let posts = 0;
  async function rsvpForm(eventId: string, fields: Record<string, string>) {
    posts += 1;
    return t.app.inject({
      method: 'POST',
      url: `/evenements/${eventId}/inscription`,
      remoteAddress: `198.51.100.${posts}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ form_stamp: formStamp(secret(), Date.now() - 5000), site_web: '', guests: '0', ...fields }).toString(),
    });
  }

  const rsvpOf = (eventId: string, email: string) =>
    tenant()((trx) =>
      trx
        .selectFrom('event_rsvp')
        .innerJoin('person', (j) =>
          j.onRef('person.campaign_id', '=', 'event_rsvp.campaign_id').onRef('person.id', '=', 'event_rsvp.person_id'),
        )
        .select(['event_rsvp.id', 'event_rsvp.status', 'event_rsvp.person_id', 'event_rsvp.attended_at', 'person.ladder_stage'])
        .where('event_rsvp.event_id', '=', eventId)
        .where('person.email', '=', email)
        .executeTakeFirst(),
    );

  it('takes an RSVP from the public form without JavaScript: a person record, a seat, then the waitlist when full', async () => {
    const e = await createEvent(owner, { capacity: 1 });
    const page = await t.app.inject({ method: 'GET', url: `/evenements/${e.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/evenements/${e.id}/inscription"`);
    expect(page.body).toContain('1 place restante');
    const first = await rsvpForm(e.id, { given_name: 'Alice', email: 'Alice@Exemple.test', sms_consent: '1', phone: '+33612345678' });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/evenements/${e.id}/merci?statut=inscrit`);
    const second = await rsvpForm(e.id, { given_name: 'Bruno', email: 'bruno@exemple.test' });
    expect(second.headers.location).toBe(`/evenements/${e.id}/merci?statut=attente`);
    expect((await rsvpOf(e.id, 'alice@exemple.test'))?.status).toBe('going');
    expect((await rsvpOf(e.id, 'bruno@exemple.test'))?.status).toBe('waitlisted');
    const thanks = await t.app.inject({ method: 'GET', url: second.headers.location as string });
    expect(thanks.body).toContain('complet');
    // The same person answering again changes nothing.
    await rsvpForm(e.id, { given_name: 'Alice', email: 'alice@exemple.test' });
    const count = await tenant()((trx) =>
      trx.selectFrom('event_rsvp').select(sql<string>`count(*)`.as('n')).where('event_id', '=', e.id).executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(2);
    // A phone number that cannot be read: the form again, saying so, nothing stored.
    const bad = await rsvpForm(e.id, { given_name: 'Chloé', email: 'chloe@exemple.test', phone: 'pas un numéro' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Vérifiez votre prénom');
    expect(await rsvpOf(e.id, 'chloe@exemple.test')).toBeUndefined();
    // The honeypot drops a robot's post silently (same answer, nothing stored).
    const robot = await rsvpForm(e.id, { given_name: 'Bot', email: 'bot@exemple.test', site_web: 'http://spam.example' });
    expect(robot.statusCode).toBe(303);
    expect(await rsvpOf(e.id, 'bot@exemple.test')).toBeUndefined();
  });

  it('promotes a waitlisted RSVP when someone cancels more than 48 hours before', async () => {
    const e = await createEvent(owner, { capacity: 1 });
    await rsvpForm(e.id, { given_name: 'Carla', email: 'carla@exemple.test' });
    await rsvpForm(e.id, { given_name: 'Dan', email: 'dan@exemple.test' });
    const carla = await rsvpOf(e.id, 'carla@exemple.test');
    expect((await rsvpOf(e.id, 'dan@exemple.test'))?.status).toBe('waitlisted');
    const res = await owner.request('PUT', `/api/v1/events/${e.id}/attendances/${carla?.id}`, { status: 'declined' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().status).toBe('declined');
    expect((await rsvpOf(e.id, 'dan@exemple.test'))?.status).toBe('going');
    const promoted = await ctx.database.db
      .selectFrom('job_run')
      .select(sql<string>`params->>'step'`.as('step'))
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'events.notify')
      .where(sql<boolean>`params->>'rsvp_id' = ${(await rsvpOf(e.id, 'dan@exemple.test'))?.id}`)
      .execute();
    expect(promoted.map((p) => p.step)).toEqual(
      expect.arrayContaining(['waitlisted', 'promoted', 'day_before', 'day_of', 'sms', 'thanks']),
    );
  });

  it('tells the staff instead of promoting when a seat frees up less than 48 hours before', async () => {
    const e = await createEvent(owner, { capacity: 1, start_date: iso(DAY), end_date: iso(DAY + 3600_000) });
    await rsvpForm(e.id, { given_name: 'Emma', email: 'emma@exemple.test' });
    await rsvpForm(e.id, { given_name: 'Fred', email: 'fred@exemple.test' });
    const emma = await rsvpOf(e.id, 'emma@exemple.test');
    await owner.request('PUT', `/api/v1/events/${e.id}/attendances/${emma?.id}`, { status: 'declined' });
    expect((await rsvpOf(e.id, 'fred@exemple.test'))?.status).toBe('waitlisted');
    const staff = await ctx.database.db
      .selectFrom('job_run')
      .select('params')
      .where('campaign_id', '=', c.id)
      .where('kind', '=', 'events.staff')
      .where(sql<boolean>`params->>'event_id' = ${e.id}`)
      .execute();
    expect(staff).toHaveLength(1);
  });

  it('checks in by the ticket’s QR code: attendance recorded and the ladder moves; a forged code is refused', async () => {
    const e = await createEvent(owner);
    await rsvpForm(e.id, { given_name: 'Gina', email: 'gina@exemple.test' });
    const gina = await rsvpOf(e.id, 'gina@exemple.test');
    expect(gina?.ladder_stage).toBe('curious');
    const token = signRsvpToken(secret(), { campaignId: c.id, rsvpId: gina?.id as string, action: 'ticket' });
    // The ticket page shows the QR code (an SVG), which holds the check-in URL.
    const ticket = await t.app.inject({ method: 'GET', url: `/evenements/r/${token}` });
    expect(ticket.statusCode).toBe(200);
    expect(ticket.body).toContain('<svg');
    const scanned = `${PUBLIC}/app/events/${e.id}/checkin?t=${token}`;
    const res = await owner.request('POST', `/api/v1/events/${e.id}/check_ins`, { token: scanned });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ already: false, attendance: { attended: true, status: 'accepted' } });
    const after = await rsvpOf(e.id, 'gina@exemple.test');
    expect(after?.attended_at).not.toBeNull();
    expect(after?.ladder_stage).toBe('volunteer');
    expect((await owner.request('POST', `/api/v1/events/${e.id}/check_ins`, { token })).json().already).toBe(true);
    const forged = await owner.request('POST', `/api/v1/events/${e.id}/check_ins`, {
      token: token.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')),
    });
    expect(forged.json().code).toBe('EVENT_TICKET_INVALID');
    const other = await createEvent(owner);
    expect((await owner.request('POST', `/api/v1/events/${other.id}/check_ins`, { token })).json().code).toBe('EVENT_TICKET_INVALID');
  });

  it('serves ICS that ical.js parses: stable UID, SEQUENCE raised at every change, cancellations', async () => {
    const e = await createEvent(owner, {
      title: `Un très long titre d’événement, avec des virgules; et des points-virgules ${'é'.repeat(40)}`,
    });
    const parse = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/calendar');
      return new ICAL.Component(ICAL.parse(res.body));
    };
    const one = (await parse(`/evenements/${e.id}.ics`)).getFirstSubcomponent('vevent');
    const ev = new ICAL.Event(one ?? undefined);
    expect(ev.uid).toBe(`${e.id}@relais.campagne.test`);
    expect(ev.summary).toContain('virgules; et des points-virgules');
    expect(ev.description).toBe('Venez nombreux.\nQuestions de la salle.');
    expect(one?.getFirstPropertyValue('sequence')).toBe(0);
    expect(one?.getFirstPropertyValue('dtstamp')).toBeTruthy();
    const moved = await owner.request('PUT', `/api/v1/events/${e.id}`, { start_date: iso(6 * DAY), end_date: iso(6 * DAY + 3600_000) });
    expect(moved.json()['relais:sequence']).toBe(1);
    await owner.request('POST', `/api/v1/events/${e.id}/cancel`);
    const cancelled = (await parse(`/evenements/${e.id}.ics`)).getFirstSubcomponent('vevent');
    expect(new ICAL.Event(cancelled ?? undefined).uid).toBe(ev.uid);
    expect(cancelled?.getFirstPropertyValue('sequence')).toBe(2);
    expect(cancelled?.getFirstPropertyValue('status')).toBe('CANCELLED');
    const feed = await parse('/evenements.ics');
    expect(feed.getAllSubcomponents('vevent').length).toBeGreaterThanOrEqual(5);
  });

  it('serves RSS and Atom feeds a real feed parser reads, and the list page with its map', async () => {
    for (const path of ['/evenements/rss.xml', '/evenements/atom.xml']) {
      const res = await t.app.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(200);
      const feed = parseFeed(res.body);
      expect(feed.title).toContain('Événements');
      expect(feed.items.length).toBeGreaterThan(0);
      expect(feed.items[0]?.url).toMatch(/^https:\/\/relais\.campagne\.test\/evenements\//);
    }
    const list = await t.app.inject({ method: 'GET', url: '/evenements' });
    expect(list.body).toContain('<svg class="map"');
    expect(list.body).toContain('Prochains rendez-vous');
    const en = await t.app.inject({ method: 'GET', url: '/evenements?lang=en' });
    expect(en.body).toContain('Coming up');
  });

  it('lists an arrondissement’s coming events on its page of the site, not on another’s', async () => {
    await createEvent(owner, { title: 'Porte-à-porte du marché Popincourt', 'relais:zone_id': c.zones[0]?.id });
    const own = await t.app.inject({ method: 'GET', url: `/arrondissements/${c.zones[0]?.code}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Porte-à-porte du marché Popincourt');
    const other = await t.app.inject({ method: 'GET', url: `/arrondissements/${c.zones[1]?.code}` });
    expect(other.statusCode).toBe(200);
    expect(other.body).not.toContain('Porte-à-porte du marché Popincourt');
  });

  it('runs the reminder sequence as jobs: confirmation, reminders with signed links, SMS where consented, a change told at once', async () => {
    await t.runtime.jobs.work();
    const e = await createEvent(owner, { title: 'Stand du marché' });
    const before = sink.messages.length;
    await rsvpForm(e.id, { given_name: 'Hana', email: 'hana@exemple.test', phone: '+33612345679', sms_consent: '1' });
    const hana = await rsvpOf(e.id, 'hana@exemple.test');
    const mailsTo = (to: string) => sink.messages.slice(before).filter((m) => m.rcptTo.includes(to));
    const decoded = (raw: string) =>
      raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));
    await expect.poll(() => mailsTo('hana@exemple.test').length, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
    expect(decoded(mailsTo('hana@exemple.test')[0]?.raw ?? '')).toContain('/evenements/r/');
    // The day-before reminder, run now: "I'm coming / I can't anymore" signed links.
    const params = { rsvp_id: hana?.id, start_at: '', sequence: 0 };
    const event = await owner.request('GET', `/api/v1/events/${e.id}`);
    params.start_at = new Date(event.json().start_date).toISOString();
    await t.runtime.jobs.enqueue({ campaignId: c.id, kind: 'events.notify', params: { ...params, step: 'day_before' } });
    await expect
      .poll(() => mailsTo('hana@exemple.test').some((m) => decoded(m.raw).includes('On vous attend demain')), { timeout: 30_000 })
      .toBe(true);
    const reminder = decoded(mailsTo('hana@exemple.test').find((m) => decoded(m.raw).includes('On vous attend demain'))?.raw ?? '');
    const no = [...reminder.matchAll(/\/evenements\/r\/([A-Za-z0-9_-]{60})/g)]
      .map((m) => m[1])
      .find((tk) => verifyRsvpToken(secret(), tk ?? '')?.action === 'no');
    expect(no).toBeTruthy();
    // The SMS 30 minutes before goes through the sms module (she consented).
    const settings = await owner.request('PUT', '/api/v1/sms/settings', {
      sender_name: 'Paris Ensemble',
      stop_number: '36180',
      sender: 'PARIS2026',
    });
    expect(settings.statusCode, settings.body).toBe(200);
    await t.runtime.jobs.enqueue({ campaignId: c.id, kind: 'events.notify', params: { ...params, step: 'sms' } });
    await expect
      .poll(
        async () =>
          (
            await tenant()((trx) =>
              trx
                .selectFrom('sms_message')
                .select('body')
                .where('person_id', '=', hana?.person_id as string)
                .execute(),
            )
          ).length,
        {
          timeout: 30_000,
        },
      )
      .toBe(1);
    // A change is told at once (queued without delay).
    await owner.request('PUT', `/api/v1/events/${e.id}`, { location: { venue: 'Place de la République' } });
    await expect.poll(() => mailsTo('hana@exemple.test').some((m) => decoded(m.raw).includes('a chang')), { timeout: 30_000 }).toBe(true);
    // A reminder planned for the old time does nothing after the time changed.
    // "I can't anymore": GET changes nothing, POST cancels.
    expect((await t.app.inject({ method: 'GET', url: `/evenements/r/${no}` })).statusCode).toBe(200);
    expect((await rsvpOf(e.id, 'hana@exemple.test'))?.status).toBe('going');
    await t.app.inject({
      method: 'POST',
      url: `/evenements/r/${no}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'lang=fr',
    });
    expect((await rsvpOf(e.id, 'hana@exemple.test'))?.status).toBe('cancelled');
  }, 90_000);

  it('publishes a volunteer’s proposal after approval, and keeps referents to their zones', async () => {
    await createMemberFixture(ctx.database.db, c.id, { email: 'benevole@example.org', role: 'volunteer' });
    await createMemberFixture(ctx.database.db, c.id, {
      email: 'referent@example.org',
      role: 'referent',
      zoneIds: [c.zones[1]?.id as string],
    });
    const volunteer = new TestClient(t.app);
    await volunteer.login('benevole@example.org');
    const referent = new TestClient(t.app);
    await referent.login('referent@example.org');
    const proposed = await createEvent(volunteer, { title: 'Pique-nique des voisins' });
    expect(proposed['relais:status']).toBe('proposed');
    expect((await t.app.inject({ method: 'GET', url: `/evenements/${proposed.id}` })).statusCode).toBe(404);
    expect((await volunteer.request('POST', `/api/v1/events/${proposed.id}/approve`)).statusCode).toBe(403);
    const approved = await owner.request('POST', `/api/v1/events/${proposed.id}/approve`);
    expect(approved.json()['relais:status']).toBe('published');
    expect((await t.app.inject({ method: 'GET', url: `/evenements/${proposed.id}` })).statusCode).toBe(200);
    // The referent of zone 2 sees and changes nothing of zone 1.
    expect((await referent.request('GET', `/api/v1/events/${proposed.id}`)).statusCode).toBe(404);
    expect((await referent.request('PUT', `/api/v1/events/${proposed.id}`, { title: 'x' })).statusCode).toBe(404);
    const outside = await referent.request('POST', '/api/v1/events', {
      'relais:event_type': 'popup',
      title: 'Stand',
      start_date: iso(3 * DAY),
      end_date: iso(3 * DAY + 3600_000),
      location: { venue: 'Marché' },
      'relais:zone_id': c.zones[0]?.id,
    });
    expect(outside.json().code).toBe('EVENT_ZONE_INVALID');
    const own = await createEvent(referent, { 'relais:zone_id': c.zones[1]?.id });
    const listed = (await referent.request('GET', '/api/v1/events')).json();
    expect(listed._embedded['osdi:events'].map((x: { id: string }) => x.id)).toEqual([own.id]);
  });

  it('records attendance through record_attendance_helper (OSDI) on the person found by e-mail', async () => {
    const e = await createEvent(owner);
    const res = await owner.request('POST', `/api/v1/events/${e.id}/record_attendance_helper`, {
      person: { given_name: 'Ivan', email_addresses: [{ address: 'ivan@exemple.test' }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ status: 'accepted', attended: false });
    const again = await owner.request('POST', `/api/v1/events/${e.id}/record_attendance_helper`, {
      person: { given_name: 'Ivan', email_addresses: [{ address: 'IVAN@exemple.test' }] },
    });
    expect(again.statusCode).toBe(200);
    const list = (await owner.request('GET', `/api/v1/events/${e.id}/attendances`)).json();
    expect(list.total_records).toBe(1);
    expect(list._embedded['osdi:attendances'][0]._links['osdi:person'].href).toContain('/api/v1/people/');
  });
});
