// The canvassing API on both databases: the pack of my turfs, the sync (a repeated result stored
// once, conflicts by time), contacts only with consent (person, ledger proof, timeline, ladder,
// canvasser credited), shifts, progress with quality flags and referent scoping, script A/B tests
// and the OSDI faces.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { createTurfFixture, type TurfFixture } from './canvass.fixtures.ts';
import { drawArms, twoProportionP } from './scripts.ts';

describeEachDatabase('canvass', (ctx) => {
  const s = useOwnerApp(ctx, 'canvass');
  let volunteer: TestClient;
  let volunteerId: string;
  let referent: TestClient;
  let turf: TurfFixture;
  let other: TurfFixture;
  let teamTurf: TurfFixture;
  const db = () => ctx.database.db;

  beforeAll(async () => {
    const c = s.c;
    // The volunteer's e-mail is a person's of the base: their shifts go on that person's timeline.
    volunteerId = await createMemberFixture(db(), c.id, { email: 'person1.canvass@example.org', role: 'volunteer' });
    await createMemberFixture(db(), c.id, { email: 'ref@example.org', role: 'referent', zoneIds: [c.zones[1]?.id as string] });
    volunteer = new TestClient(s.t.app);
    await volunteer.login('person1.canvass@example.org');
    referent = new TestClient(s.t.app);
    await referent.login('ref@example.org');
    const zone = c.zones[0]?.id as string;
    turf = await createTurfFixture(db(), {
      campaignId: c.id,
      zoneId: zone,
      userId: volunteerId,
      buildings: 50,
      floors: 5,
      perFloor: 2,
      name: 'Belleville 1',
    });
    other = await createTurfFixture(db(), { campaignId: c.id, zoneId: zone, buildings: 2, floors: 1, perFloor: 1, name: 'Non attribué' });
    const teamId = uuidv7();
    await db().insertInto('field_team').values({ campaign_id: c.id, id: teamId, name: 'Équipe 20e' }).execute();
    await db().insertInto('field_team_member').values({ campaign_id: c.id, team_id: teamId, staff_user_id: volunteerId }).execute();
    teamTurf = await createTurfFixture(db(), {
      campaignId: c.id,
      zoneId: zone,
      teamId,
      buildings: 2,
      floors: 1,
      perFloor: 2,
      name: 'Équipe',
    });
  });

  const result = (b: TurfFixture['buildings'][number], door: number, outcome: string, at: Date, extra: Record<string, unknown> = {}) => ({
    id: uuidv7(),
    building_id: b.id,
    door_id: b.doors[door]?.id,
    turf_id: turf.turfId,
    outcome,
    recorded_at: at.toISOString(),
    lon: b.lon,
    lat: b.lat,
    ...extra,
  });
  const sync = (client: TestClient, results: unknown[], contacts: unknown[] = []) =>
    client.request('POST', '/api/v1/canvass/sync', { results, contacts });
  const count = async (table: 'canvass_result' | 'canvass_contact') =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('campaign_id', '=', s.c.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('packs my turfs and my teams’, in walking order, with doors, access notes, scripts and the notice — 500 doors well under 10 MB', async () => {
    await s.owner.request('POST', '/api/v1/canvass/scripts', {
      theme: 'Logement',
      title: 'Loyers',
      body: 'Bonjour, nous venons parler des loyers.',
    });
    const res = await volunteer.request('GET', '/api/v1/canvass/pack');
    expect(res.statusCode, res.body).toBe(200);
    const pack = res.json();
    const names = pack.turfs.map((t: { name: string }) => t.name).sort();
    expect(names).toEqual(['Belleville 1', 'Équipe']);
    const mine = pack.turfs.find((t: { id: string }) => t.id === turf.turfId);
    expect(mine.buildings.map((b: { id: string }) => b.id)).toEqual(turf.buildings.map((b) => b.id));
    expect(mine.buildings[1].entrances[0]).toMatchObject({ access_note: 'Digicode 4512B', floors: 5, doors_per_floor: 2 });
    expect(mine.buildings[0].entrances[0].doors).toHaveLength(10);
    expect(pack.scripts).toEqual([expect.objectContaining({ theme: 'Logement' })]);
    expect(pack.notice.qr_svg).toContain('<svg');
    expect(pack.consent_text).toMatch(/J'accepte/);
    expect(res.body.length).toBeLessThan(10 * 1024 * 1024);
    expect(res.body.length).toBeLessThan(500_000);
    expect(teamTurf.turfId).toBeTruthy();
    expect(other.turfId).toBeTruthy();
  });

  it('stores a repeated result once (same ids sent again, or twice in one batch)', async () => {
    const at = new Date(Date.now() - 3600_000);
    const batch = turf.buildings.slice(0, 4).map((b, i) => result(b, 0, 'absent', new Date(at.getTime() + i * 60_000)));
    const before = await count('canvass_result');
    const first = await sync(volunteer, [...batch, batch[0]]);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().results.map((r: { status: string }) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'duplicate']);
    const again = await sync(volunteer, batch);
    expect(again.json().results.every((r: { status: string }) => r.status === 'duplicate')).toBe(true);
    expect((await count('canvass_result')) - before).toBe(4);
  });

  it('keeps the latest result of a door by the time it was recorded, whatever the arrival order', async () => {
    const b = turf.buildings[10] as TurfFixture['buildings'][number];
    const later = result(b, 1, 'supportive', new Date(Date.now() - 60_000));
    const earlier = result(b, 1, 'absent', new Date(Date.now() - 7200_000));
    await sync(volunteer, [later]);
    await sync(volunteer, [earlier]);
    const pack = (await volunteer.request('GET', '/api/v1/canvass/pack')).json();
    const door = pack.turfs.find((t: { id: string }) => t.id === turf.turfId).buildings[10].entrances[0].doors[1];
    expect(door.last.outcome).toBe('supportive');
  });

  it('rejects unknown buildings and doors of another building, item by item', async () => {
    const b = turf.buildings[0] as TurfFixture['buildings'][number];
    const wrongDoor = { ...result(b, 0, 'absent', new Date()), door_id: turf.buildings[1]?.doors[0]?.id };
    const res = await sync(volunteer, [{ ...result(b, 0, 'absent', new Date()), building_id: uuidv7() }, wrongDoor]);
    expect(res.json().results.map((r: { reason: string }) => r.reason)).toEqual(['building_unknown', 'door_unknown']);
    const bad = await sync(volunteer, [{ ...result(b, 0, 'maybe', new Date()) }]);
    expect(bad.statusCode).toBe(400);
  });

  it('keeps no name without consent; with it: a person, the consent and its words, the timeline, the ladder, the canvasser credited — once', async () => {
    const b = turf.buildings[20] as TurfFixture['buildings'][number];
    const knock = result(b, 0, 'supportive', new Date(Date.now() - 120_000), { themes: ['Logement'], note: 'Très intéressée' });
    const refused = {
      id: uuidv7(),
      result_id: knock.id,
      building_id: b.id,
      given_name: 'Awa',
      email: 'awa.door@example.org',
      consent: false,
      consent_text: 'x',
      recorded_at: knock.recorded_at,
    };
    const noConsent = await sync(volunteer, [knock], [refused]);
    expect(noConsent.json().contacts[0]).toMatchObject({ status: 'rejected', reason: 'consent_missing' });
    expect(await db().selectFrom('person').select('id').where('email', '=', 'awa.door@example.org').executeTakeFirst()).toBeUndefined();
    const stored = await db().selectFrom('canvass_result').select('person_id').where('id', '=', knock.id).executeTakeFirstOrThrow();
    expect(stored.person_id).toBeNull();

    const words = "J'accepte que la campagne conserve mon nom et mes coordonnées pour me recontacter.";
    const contact = { ...refused, id: uuidv7(), consent: true, consent_text: words, phone: '06 12 34 56 78' };
    const first = await sync(volunteer, [], [contact]);
    expect(first.json().contacts[0].status).toBe('stored');
    const again = await sync(volunteer, [], [contact]);
    expect(again.json().contacts[0].status).toBe('duplicate');
    const people = await db()
      .selectFrom('person')
      .select(['id', 'ladder_stage', 'consent_email', 'consent_sms', 'given_name'])
      .where('email', '=', 'awa.door@example.org')
      .execute();
    expect(people).toHaveLength(1);
    const person = people[0] as (typeof people)[number];
    expect(person).toMatchObject({ given_name: 'Awa', consent_email: true, consent_sms: true, ladder_stage: 'sympathizer' });
    const consents = await db()
      .selectFrom('consent')
      .select(['source', 'proof', 'actor_label'])
      .where('person_id', '=', person.id)
      .execute();
    expect(consents).toHaveLength(2);
    expect(consents[0]).toMatchObject({
      source: 'door',
      proof: expect.objectContaining({ text_shown: words }),
      actor_label: 'person1.canvass@example.org',
    });
    const linked = await db().selectFrom('canvass_result').select('person_id').where('id', '=', knock.id).executeTakeFirstOrThrow();
    expect(linked.person_id).toBe(person.id);
    const types = (await db().selectFrom('activity').select('type').where('person_id', '=', person.id).execute()).map((a) => a.type).sort();
    expect(types).toEqual(['canvass.contact', 'canvass.knocked', 'contact.supportive', 'person.created']);
    const credited = await db().selectFrom('canvass_contact').select('canvasser_id').where('id', '=', contact.id).executeTakeFirstOrThrow();
    expect(credited.canvasser_id).toBe(volunteerId);
    // Segments find "knocked, outcome supportive" through the activity condition.
    const knocked = (outcome: string) => ({
      definition: { op: 'and', children: [{ field: 'activity', cmp: 'exists', value: { type: 'canvass.knocked', data: { outcome } } }] },
    });
    const supportive = await s.owner.request('POST', '/api/v1/segments/count', knocked('supportive'));
    expect(supportive.statusCode, supportive.body).toBe(200);
    expect(supportive.json().count).toBe(1);
    expect((await s.owner.request('POST', '/api/v1/segments/count', knocked('opposed'))).json().count).toBe(0);
    // A contact whose e-mail cannot be read is answered, not a failed batch that would block the phone's queue.
    const unreadable = await sync(volunteer, [], [{ ...contact, id: uuidv7(), email: 'pas-une-adresse', phone: undefined }]);
    expect(unreadable.statusCode).toBe(200);
    expect(unreadable.json().contacts[0]).toMatchObject({ status: 'rejected' });
  });

  it("credits a day of ten doors as a shift on the canvasser's own record (the ladder's canvassing rule)", async () => {
    const at = Date.now() - 2 * 86_400_000;
    const batch = turf.buildings.slice(30, 42).map((b, i) => result(b, 0, 'absent', new Date(at + i * 90_000)));
    await sync(volunteer, batch);
    const shifts = await db()
      .selectFrom('activity')
      .innerJoin('person', (j) => j.onRef('person.id', '=', 'activity.person_id'))
      .select('activity.data')
      .where('person.email', '=', 'person1.canvass@example.org')
      .where('activity.type', '=', 'canvass.shift_completed')
      .execute();
    expect(shifts).toHaveLength(1);
  });

  it('shows progress per arrondissement, a leaderboard with quality flags, the map — and a referent only their zones', async () => {
    // Another canvasser's burst of 12 doors, 5 s apart, all opened, 1 km away: too fast, contact rate high, far.
    const fastId = await createMemberFixture(db(), s.c.id, { email: 'rapide@example.org', role: 'volunteer' });
    const fast = new TestClient(s.t.app);
    await fast.login('rapide@example.org');
    const start = Date.now() - 30 * 60_000;
    const burst = turf.buildings.slice(0, 12).map((b, i) => result(b, 2, 'undecided', new Date(start + i * 5000), { lat: b.lat + 0.01 }));
    await sync(fast, burst);
    const res = await s.owner.request('GET', '/api/v1/canvass/progress?days=7');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    const zone1 = body.zones.find((z: { code: string }) => z.code === '1');
    expect(zone1.target_doors).toBe(500 + 2 + 4);
    expect(zone1.knocked_doors).toBeGreaterThan(20);
    expect(zone1.new_contacts).toBe(1);
    expect(zone1.outcomes.undecided).toBe(12);
    const flagged = body.canvassers.find((c: { canvasser_id: string }) => c.canvasser_id === fastId);
    expect(flagged).toMatchObject({ doors: 12, contact_rate: 1, median_seconds_between_doors: 5, far_knocks: 12 });
    expect(flagged.flags.sort()).toEqual(['contact_rate_high', 'far_from_address', 'too_fast']);
    const steady = body.canvassers.find((c: { canvasser_id: string }) => c.canvasser_id === volunteerId);
    expect(steady.flags).toEqual([]);
    expect(body.teams).toEqual([expect.objectContaining({ name: 'Équipe 20e', members: 1 })]);
    const map = await s.owner.request('GET', '/api/v1/canvass/progress/map');
    expect(map.statusCode, map.body).toBe(200);
    expect(map.json().features.length).toBeGreaterThan(20);

    const scoped = (await referent.request('GET', '/api/v1/canvass/progress')).json();
    expect(scoped.zones).toEqual([]);
    expect(scoped.canvassers).toEqual([]);
    expect((await referent.request('GET', '/api/v1/canvass/progress/map')).json().features).toEqual([]);
    expect((await volunteer.request('GET', '/api/v1/canvass/progress')).statusCode).toBe(403);
  });

  it('splits turfs at random between two scripts and compares the arms on outcomes', async () => {
    const a = (
      await s.owner.request('POST', '/api/v1/canvass/scripts', { theme: 'Propreté', title: 'Version courte', body: 'Court.' })
    ).json();
    const b = (
      await s.owner.request('POST', '/api/v1/canvass/scripts', { theme: 'Propreté', title: 'Version longue', body: 'Long.' })
    ).json();
    const created = await s.owner.request('POST', '/api/v1/canvass/script_tests', {
      name: 'Court ou long',
      script_a_id: a.id,
      script_b_id: b.id,
      turf_ids: [turf.turfId, other.turfId],
    });
    expect(created.statusCode, created.body).toBe(201);
    const test = created.json();
    expect(test.a.turfs + test.b.turfs).toBe(2);
    expect(test.a.turfs).toBe(1);
    const again = await s.owner.request('POST', '/api/v1/canvass/script_tests', {
      name: 'x',
      script_a_id: a.id,
      script_b_id: b.id,
      turf_ids: [turf.turfId, teamTurf.turfId],
    });
    expect(again.json().code).toBe('CANVASS_TURF_IN_TEST');
    // The canvasser of the turf gets its arm's script in the pack, and its results count for that arm.
    const pack = (await volunteer.request('GET', '/api/v1/canvass/pack')).json();
    const armScript = pack.turfs.find((t: { id: string }) => t.id === turf.turfId).script_id;
    expect([a.id, b.id]).toContain(armScript);
    await sync(volunteer, [
      result(turf.buildings[45] as TurfFixture['buildings'][number], 0, 'supportive', new Date(), { script_id: armScript }),
    ]);
    const report = (await s.owner.request('GET', `/api/v1/canvass/script_tests/${test.id}`)).json();
    const arm = report.a.script_id === armScript ? report.a : report.b;
    expect(arm).toMatchObject({ doors: 1, supportive: 1 });
    expect((await volunteer.request('POST', '/api/v1/canvass/scripts', { theme: 'x', title: 'x', body: 'x' })).statusCode).toBe(403);
  });

  it('draws halves at random and tests proportions', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `t${i}`);
    const arms = [...drawArms(ids).values()];
    expect(arms.filter((x) => x === 'a')).toHaveLength(5);
    expect(twoProportionP(50, 100, 50, 100)).toBeCloseTo(1, 3);
    expect(twoProportionP(60, 100, 40, 100)).toBeCloseTo(0.0047, 3);
  });

  it('answers OSDI canvassing_efforts, canvasses, record_canvass_helper (idempotent) and scripts', async () => {
    const efforts = await s.owner.request('GET', '/api/v1/canvassing_efforts');
    expect(efforts.statusCode, efforts.body).toBe(200);
    const effort = efforts.json()._embedded['osdi:canvassing_efforts'].find((e: { name: string }) => e.name === 'Belleville 1');
    expect(effort.total_canvasses).toBeGreaterThan(10);
    const canvasses = (await s.owner.request('GET', `/api/v1/canvassing_efforts/${turf.turfId}/canvasses?per_page=5`)).json();
    expect(canvasses._embedded['osdi:canvasses'][0]).toMatchObject({ contact_type: 'in-person', input_type: 'mobile' });
    const id = uuidv7();
    const helper = {
      canvass: { identifiers: [`relais:${id}`], action_date: new Date().toISOString(), success: false, status_code: 'not-home' },
      relais_building_id: turf.buildings[48]?.id,
    };
    const url = `/api/v1/canvassing_efforts/${turf.turfId}/record_canvass_helper`;
    const first = await s.owner.request('POST', url, helper);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ success: false, status_code: 'not-home', relais_outcome: 'absent' });
    await s.owner.request('POST', url, helper);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from canvass_result where id = ${id}`.execute(db());
    expect(rows[0]?.n).toBe(1);
    const scripts = (await s.owner.request('GET', '/api/v1/scripts')).json();
    expect(scripts._embedded['osdi:scripts'].map((x: { name: string }) => x.name)).toContain('Logement');
  });
});
