// Teams of canvassers through the API, on both databases (issue 16): a team made, its members set,
// a turf assigned to it for a day and then in its member's canvassing pack; duplicate names refused;
// referents kept to their zones and to volunteers; a team with turfs to come is not deleted.
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

const day = (offset: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + offset * 86_400_000),
  );

describeEachDatabase('field teams', (ctx) => {
  const s = useOwnerApp(ctx, 'field');
  let referent: TestClient;
  let volunteer: TestClient;
  let volunteerId: string;
  let organizerId: string;
  let zone1: string;
  let zone2: string;

  beforeAll(async () => {
    const db = ctx.database.db;
    zone1 = s.c.zones[0]?.id as string;
    zone2 = s.c.zones[1]?.id as string;
    await createMemberFixture(db, s.c.id, { email: 'ref.teams@example.org', role: 'referent', zoneIds: [zone2] });
    volunteerId = await createMemberFixture(db, s.c.id, { email: 'vol.teams@example.org', role: 'volunteer' });
    organizerId = await createMemberFixture(db, s.c.id, { email: 'org.teams@example.org', role: 'organizer' });
    referent = new TestClient(s.t.app);
    await referent.login('ref.teams@example.org');
    volunteer = new TestClient(s.t.app);
    await volunteer.login('vol.teams@example.org');
  });

  it('makes a team, sets its members, assigns it a turf: the member finds the turf in their canvassing pack', async () => {
    const made = await s.owner.request('POST', '/api/v1/field/teams', { name: '  Équipe   Belleville ', zone_id: zone1 });
    expect(made.statusCode, made.body).toBe(201);
    const team = made.json();
    expect(team).toMatchObject({ name: 'Équipe Belleville', zone_id: zone1, _embedded: { members: [] } });

    const set = await s.owner.request('PUT', `/api/v1/field/teams/${team.id}/members`, { staff_user_ids: [volunteerId, organizerId] });
    expect(set.statusCode, set.body).toBe(200);
    expect(
      set
        .json()
        ._embedded.members.map((m: { user_id: string }) => m.user_id)
        .sort(),
    ).toEqual([volunteerId, organizerId].sort());
    const got = await volunteer.request('GET', `/api/v1/field/teams/${team.id}`);
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()._embedded.members).toHaveLength(2);
    const list = (await s.owner.request('GET', '/api/v1/field/teams')).json()._embedded.teams;
    expect(list).toEqual([expect.objectContaining({ id: team.id, members: 2, zone_id: zone1 })]);
    const stranger = await s.owner.request('PUT', `/api/v1/field/teams/${team.id}/members`, { staff_user_ids: [s.c.zones[0]?.id] });
    expect(stranger.json().code).toBe('FIELD_ASSIGNEE_UNKNOWN');

    expect((await volunteer.request('GET', '/api/v1/canvass/pack')).json().turfs).toEqual([]);
    const turf = { turfId: uuidv7() };
    const ring = [
      [2.39, 48.86],
      [2.4, 48.86],
      [2.4, 48.862],
      [2.39, 48.86],
    ];
    await ctx.database.db
      .insertInto('turf')
      .values({
        campaign_id: s.c.id,
        id: turf.turfId,
        zone_id: zone1,
        name: 'Secteur des équipes',
        polygon: JSON.stringify({ type: 'Polygon', coordinates: [ring] }),
      })
      .execute();
    const assigned = await s.owner.request('POST', `/api/v1/field/turfs/${turf.turfId}/assignments`, { team_id: team.id, on_date: day(1) });
    expect(assigned.statusCode, assigned.body).toBe(201);
    expect(assigned.json().assignments).toEqual([expect.objectContaining({ team_id: team.id, assignee: 'Équipe Belleville' })]);
    const pack = await volunteer.request('GET', '/api/v1/canvass/pack');
    expect(pack.statusCode, pack.body).toBe(200);
    expect(pack.json().turfs.map((t: { id: string }) => t.id)).toEqual([turf.turfId]);

    // A team with turfs to walk is not deleted; once withdrawn it is, and its audit trail says so.
    const refused = await s.owner.request('DELETE', `/api/v1/field/teams/${team.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'FIELD_TEAM_ASSIGNED', assignments: 1 });
    expect((await s.owner.request('DELETE', `/api/v1/field/assignments/${assigned.json().assignments[0].id}`)).statusCode).toBe(204);
    // Removing a member takes the turf out of their pack too.
    const emptied = await s.owner.request('PUT', `/api/v1/field/teams/${team.id}/members`, { staff_user_ids: [] });
    expect(emptied.json()._embedded.members).toEqual([]);
    expect((await s.owner.request('DELETE', `/api/v1/field/teams/${team.id}`)).statusCode).toBe(204);
    expect((await s.owner.request('GET', `/api/v1/field/teams/${team.id}`)).statusCode).toBe(404);
    const actions = await ctx.database.db
      .selectFrom('audit_event')
      .select('action')
      .where('campaign_id', '=', s.c.id)
      .where('target_id', '=', team.id)
      .orderBy('at')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'field.team_created',
      'field.team_members_set',
      'field.team_members_set',
      'field.team_removed',
    ]);
  });

  it('refuses a duplicate team name (without case) with a stable code, on creation and on rename', async () => {
    const a = await s.owner.request('POST', '/api/v1/field/teams', { name: 'Les Lilas' });
    expect(a.statusCode, a.body).toBe(201);
    const b = await s.owner.request('POST', '/api/v1/field/teams', { name: 'les lilas' });
    expect(b.statusCode).toBe(409);
    expect(b.headers['content-type']).toContain('application/problem+json');
    expect(b.json().code).toBe('FIELD_TEAM_NAME_TAKEN');
    const other = (await s.owner.request('POST', '/api/v1/field/teams', { name: 'Ménilmontant' })).json();
    const rename = await s.owner.request('PATCH', `/api/v1/field/teams/${other.id}`, { name: 'LES LILAS' });
    expect(rename.json().code).toBe('FIELD_TEAM_NAME_TAKEN');
    const ok = await s.owner.request('PATCH', `/api/v1/field/teams/${other.id}`, { name: 'Ménilmontant nord', zone_id: zone1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Ménilmontant nord', zone_id: zone1 });
  });

  it('keeps a referent to teams of their zones, with volunteers only', async () => {
    const outside = await referent.request('POST', '/api/v1/field/teams', { name: 'Hors zone', zone_id: zone1 });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('FIELD_ZONE_OUT_OF_REACH');
    expect((await referent.request('POST', '/api/v1/field/teams', { name: 'Sans zone' })).json().code).toBe('FIELD_ZONE_REQUIRED');
    const foreign = (await s.owner.request('POST', '/api/v1/field/teams', { name: 'Équipe du 1er', zone_id: zone1 })).json();
    expect((await referent.request('PATCH', `/api/v1/field/teams/${foreign.id}`, { name: 'Prise' })).statusCode).toBe(403);
    expect((await referent.request('PUT', `/api/v1/field/teams/${foreign.id}/members`, { staff_user_ids: [] })).statusCode).toBe(403);
    expect((await referent.request('DELETE', `/api/v1/field/teams/${foreign.id}`)).statusCode).toBe(403);

    const own = await referent.request('POST', '/api/v1/field/teams', { name: 'Équipe du 2e', zone_id: zone2 });
    expect(own.statusCode, own.body).toBe(201);
    const id = own.json().id;
    const organizer = await referent.request('PUT', `/api/v1/field/teams/${id}/members`, { staff_user_ids: [organizerId] });
    expect(organizer.statusCode).toBe(403);
    expect(organizer.json().code).toBe('FIELD_TEAM_MEMBER_OUT_OF_REACH');
    const members = await referent.request('PUT', `/api/v1/field/teams/${id}/members`, { staff_user_ids: [volunteerId] });
    expect(members.statusCode, members.body).toBe(200);
    expect((await referent.request('PATCH', `/api/v1/field/teams/${id}`, { zone_id: zone1 })).statusCode).toBe(403);
    expect((await volunteer.request('POST', '/api/v1/field/teams', { name: 'Bénévoles' })).statusCode).toBe(403);
  });

  it('lists the latest finished cuts first (the screen opens on their zone), a referent seeing their zones only', async () => {
    const db = ctx.database.db;
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, m));
    await db
      .insertInto('turf_cut')
      .values([
        { campaign_id: s.c.id, id: uuidv7(), zone_id: zone2, target_doors: 100, status: 'done', created_at: at(1) },
        { campaign_id: s.c.id, id: uuidv7(), zone_id: zone1, target_doors: 100, status: 'done', created_at: at(2) },
        { campaign_id: s.c.id, id: uuidv7(), zone_id: zone2, target_doors: 100, status: 'failed', created_at: at(3) },
      ])
      .execute();
    const owner = await s.owner.request('GET', '/api/v1/field/cuts?limit=1');
    expect(owner.statusCode, owner.body).toBe(200);
    expect(owner.json()._embedded.cuts.map((c: { zone_id: string }) => c.zone_id)).toEqual([zone1]);
    const ref = await referent.request('GET', '/api/v1/field/cuts?limit=1');
    expect(ref.json()._embedded.cuts.map((c: { zone_id: string }) => c.zone_id)).toEqual([zone2]);
  });
});
