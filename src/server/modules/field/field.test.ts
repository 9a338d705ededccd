// The field module's turfs part through the API, on both databases: buildings made from addresses
// (grouping, doors from social housing or IRIS dwellings), an entrance's door grid in one step, a
// zone cut into turfs as a job with progress (every building once, stations kept apart), split /
// merge / redraw, assignment for a day, referents kept to their zones, the walk list and tract PDFs,
// and the electoral roll (never in an e-mail or SMS audience, filtered by age, sex and station only).
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { createMemberFixture, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

const square = (x0: number, y0: number, x1: number, y1: number) =>
  JSON.stringify({
    type: 'Polygon',
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  });

describeEachDatabase('field turfs', (ctx) => {
  const s = useOwnerApp(ctx, 'field');
  let referent: TestClient;
  let volunteerId: string;
  const ids = { iris: uuidv7(), stationA: uuidv7(), stationB: uuidv7(), stationLayer: uuidv7(), irisLayer: uuidv7() };
  let zone1: string;
  let zone2: string;

  const runJob = async (jobId: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = await ctx.database.db.selectFrom('job_run').selectAll().where('id', '=', jobId).executeTakeFirst();
      if (run?.state === 'succeeded') return run;
      if (run?.state === 'failed' || Date.now() > deadline) throw new Error(`job ${jobId}: ${run?.state} ${run?.error}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const cut = async (client: TestClient, zoneId: string, body: Record<string, unknown>) => {
    const res = await client.request('POST', `/api/v1/field/zones/${zoneId}/cuts`, body);
    expect(res.statusCode, res.body).toBe(202);
    await runJob(res.json().job_id);
    return (await client.request('GET', `/api/v1/field/cuts/${res.json().id}`)).json();
  };

  const turfsOf = async (client: TestClient, zoneId: string) => {
    const res = await client.request('GET', `/api/v1/field/turfs?zone_id=${zoneId}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json()._embedded.turfs as Array<{ id: string; doors: number; buildings: number; name: string; assignments: unknown[] }>;
  };

  beforeAll(async () => {
    const db = ctx.database.db;
    const c = s.c;
    zone1 = c.zones[0]?.id as string;
    zone2 = c.zones[1]?.id as string;
    await db
      .insertInto('zone_layer')
      .values([
        { campaign_id: c.id, id: ids.stationLayer, code: 'bureau', name: 'Bureaux', position: 2 },
        { campaign_id: c.id, id: ids.irisLayer, code: 'iris', name: 'IRIS', position: 3 },
      ])
      .execute();
    const zone = (id: string, layer: string, code: string, geometry: string) => ({
      campaign_id: c.id,
      id,
      layer_id: layer,
      code,
      name: code,
      parent_id: zone1,
      geometry,
      bbox: [0, 0, 1, 1],
      centroid: [0.5, 0.5],
    });
    await db
      .insertInto('zone')
      .values([
        zone(ids.stationA, ids.stationLayer, 'A', square(0, 0, 0.5, 1)),
        zone(ids.stationB, ids.stationLayer, 'B', square(0.5, 0, 1, 1)),
        zone(ids.iris, ids.irisLayer, '751200000', square(0, 0, 1, 1)),
      ])
      .execute();
    await db
      .insertInto('zone_indicator')
      .values({ campaign_id: c.id, zone_id: ids.iris, name: 'residences_principales', value: 300 })
      .execute();
    // 64 addresses on a grid of ~33 m in zone 1, "12 bis" on 12's point, a corner address beside 20.
    const rows = [];
    for (let i = 0; i < 64; i++) {
      const lon = 0.4989 + (i % 8) * 0.0003;
      const lat = 0.5 + Math.floor(i / 8) * 0.0003;
      rows.push({
        id: `a${i + 1}`,
        number: String(i + 1),
        street: 'Rue du Test',
        lon,
        lat,
        zone_ids: [zone1, ids.iris, lon < 0.5 ? ids.stationA : ids.stationB],
      });
    }
    const twelve = rows[11] as (typeof rows)[number];
    const twenty = rows[19] as (typeof rows)[number];
    rows.push({ ...twelve, id: 'a12b', number: '12 bis' });
    rows.push({ ...twenty, id: 'corner', number: '1', street: "Rue d'Angle", lon: twenty.lon + 0.00001 });
    for (let i = 0; i < 10; i++)
      rows.push({ id: `z2-${i}`, number: String(i + 1), street: 'Rue Deux', lon: 1.5 + i * 0.0003, lat: 0.5, zone_ids: [zone2] });
    await db
      .insertInto('address')
      .values(rows.map((r) => ({ ...r, campaign_id: c.id, postcode: '75020', city: 'Paris' })))
      .execute();
    // A social-housing programme of 40 dwellings at number 5.
    await db
      .insertInto('social_housing')
      .values({
        campaign_id: c.id,
        id: 'sh1',
        label: '5 RUE DU TEST',
        lon: (rows[4]?.lon as number) + 0.00005,
        lat: rows[4]?.lat as number,
        dwellings: 40,
      })
      .execute();
    await createMemberFixture(db, c.id, { email: 'ref2@example.org', role: 'referent', zoneIds: [zone2] });
    volunteerId = await createMemberFixture(db, c.id, { email: 'vol@example.org', role: 'volunteer' });
    referent = new TestClient(s.t.app);
    await referent.login('ref2@example.org');
    await s.t.runtime.jobs.work();
    const made = await s.owner.request('POST', '/api/v1/field/buildings/make', {});
    expect(made.statusCode, made.body).toBe(202);
    const run = await runJob(made.json().job_id);
    expect(run.result).toMatchObject({ addresses: 76, buildings: 74 });
  }, 120_000);

  it('groups addresses into buildings and estimates their doors (social housing, else IRIS dwellings per address)', async () => {
    const res = await s.owner.request('GET', `/api/v1/field/buildings?zone_id=${zone1}&limit=5000`);
    expect(res.statusCode, res.body).toBe(200);
    const buildings = res.json()._embedded.buildings as Array<{ label: string; doors: number; doors_source: string; addresses: number }>;
    expect(buildings).toHaveLength(64);
    expect(buildings.find((b) => b.label.startsWith('12, 12 bis Rue du Test'))).toMatchObject({ addresses: 2 });
    expect(buildings.find((b) => b.label.includes("Rue d'Angle"))).toMatchObject({ addresses: 2, label: "1 Rue d'Angle / 20 Rue du Test" });
    expect(buildings.find((b) => b.label === '5 Rue du Test')).toMatchObject({ doors: 40, doors_source: 'social_housing' });
    // (300 main residences − 40 social) over the IRIS' 65 other addresses = 4 per address.
    expect(buildings.find((b) => b.label === '7 Rue du Test')).toMatchObject({ doors: 4, doors_source: 'dwellings_per_address' });
    expect(buildings.find((b) => b.label.startsWith('12, 12 bis'))?.doors).toBe(8);
  });

  it('adds an entrance with its access note and its floors × doors grid in one step', async () => {
    const list = (await s.owner.request('GET', `/api/v1/field/buildings?zone_id=${zone1}&q=7 Rue`)).json()._embedded.buildings;
    const id = list[0].id;
    const res = await s.owner.request('POST', `/api/v1/field/buildings/${id}/entrances`, {
      label: 'A',
      access_note: 'Digicode 1234B',
      floors: 5,
      doors_per_floor: 4,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().entrance_list).toEqual([
      expect.objectContaining({ label: 'A', access_note: 'Digicode 1234B', floors: 5, doors_per_floor: 4, doors: 20 }),
    ]);
    const labels = await ctx.database.db
      .selectFrom('door')
      .select(['label', 'floor'])
      .where('building_id', '=', id)
      .orderBy('floor')
      .orderBy('label')
      .execute();
    expect(labels.slice(0, 5).map((d) => d.label)).toEqual(['RDC-A', 'RDC-B', 'RDC-C', 'RDC-D', '1-A']);
    const regrid = await s.owner.request('PATCH', `/api/v1/field/entrances/${res.json().entrance_list[0].id}`, { floors: 2 });
    expect(regrid.json().entrance_list[0].doors).toBe(8);
  });

  it('cuts a zone into turfs as a job with progress: every building in exactly one turf, stations kept apart when asked', async () => {
    const done = await cut(s.owner, zone1, { target_doors: 60 });
    expect(done).toMatchObject({ status: 'done', stats: { buildings: 64 } });
    expect(done.progress.total).toBe(done.stats.turfs);
    expect(done.progress.done).toBe(done.stats.turfs);
    const turfs = await turfsOf(s.owner, zone1);
    expect(turfs.length).toBe(done.stats.turfs);
    expect(turfs.reduce((n, t) => n + t.buildings, 0)).toBe(64);
    const placed = await ctx.database.db.selectFrom('turf_building').select(['building_id']).where('campaign_id', '=', s.c.id).execute();
    expect(new Set(placed.map((p) => p.building_id)).size).toBe(64);
    // Polling stations kept: no turf has buildings of both A and B.
    await cut(s.owner, zone1, { target_doors: 60, keep_polling_stations: true });
    const { rows } = await sql<{ turf_id: string; stations: string }>`
      select tb.turf_id, count(distinct (select z from unnest(b.zone_ids) z where z in (${ids.stationA}, ${ids.stationB}))) as stations
      from turf_building tb join building b on b.id = tb.building_id group by tb.turf_id`.execute(ctx.database.db);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.every((r) => Number(r.stations) === 1)).toBe(true);
  });

  it('splits, merges and redraws turfs by hand, the walking order and doors recomputed', async () => {
    const [first] = await turfsOf(s.owner, zone1);
    const split = await s.owner.request('POST', `/api/v1/field/turfs/${first?.id}/split`, {});
    expect(split.statusCode, split.body).toBe(200);
    const halves = split.json()._embedded.turfs as Array<{ id: string; doors: number }>;
    expect(halves).toHaveLength(2);
    expect(halves[0]!.doors + halves[1]!.doors).toBe(first?.doors);
    const merged = await s.owner.request('POST', '/api/v1/field/turfs/merge', { turf_ids: halves.map((h) => h.id) });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ id: halves[0]?.id, doors: first?.doors });
    expect(merged.json().stops.map((s: { position: number }) => s.position)).toEqual([...merged.json().stops.keys()]);
    // Redraw: a box around the first two rows of the grid.
    const polygon = JSON.parse(square(0.4988, 0.4999, 0.5013, 0.50035));
    const redrawn = await s.owner.request('PUT', `/api/v1/field/turfs/${first?.id}/polygon`, { polygon });
    expect(redrawn.statusCode, redrawn.body).toBe(200);
    expect(redrawn.json().stops).toHaveLength(16);
    const placed = await ctx.database.db.selectFrom('turf_building').select(['building_id']).where('campaign_id', '=', s.c.id).execute();
    expect(new Set(placed.map((p) => p.building_id)).size).toBe(placed.length);
    const open = await s.owner.request('PUT', `/api/v1/field/turfs/${first?.id}/polygon`, {
      polygon: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0.5],
          ],
        ],
      },
    });
    expect(open.json().code).toBe('FIELD_POLYGON_INVALID');
  });

  it('assigns a turf to a volunteer for a day; a new cut of an assigned zone asks for confirmation', async () => {
    const [turf] = await turfsOf(s.owner, zone1);
    const res = await s.owner.request('POST', `/api/v1/field/turfs/${turf?.id}/assignments`, {
      staff_user_id: volunteerId,
      on_date: '2027-03-06',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().assignments).toEqual([
      expect.objectContaining({ staff_user_id: volunteerId, on_date: '2027-03-06', assignee: 'vol' }),
    ]);
    const day = (await s.owner.request('GET', '/api/v1/field/turfs?on_date=2027-03-06')).json();
    expect(day._embedded.turfs.map((t: { id: string }) => t.id)).toEqual([turf?.id]);
    expect(
      (
        await s.owner.request('POST', `/api/v1/field/turfs/${turf?.id}/assignments`, { staff_user_id: uuidv7(), on_date: '2027-03-06' })
      ).json().code,
    ).toBe('FIELD_ASSIGNEE_UNKNOWN');
    expect(
      (
        await s.owner.request('POST', `/api/v1/field/turfs/${turf?.id}/assignments`, { staff_user_id: volunteerId, on_date: '2027-02-30' })
      ).json().code,
    ).toBe('FIELD_DATE_INVALID');
    const again = await s.owner.request('POST', `/api/v1/field/zones/${zone1}/cuts`, { target_doors: 60 });
    expect(again.json().code).toBe('FIELD_TURFS_ASSIGNED');
  });

  it('lets a referent cut, assign and see the turfs of their own zones only', async () => {
    const outside = await referent.request('POST', `/api/v1/field/zones/${zone1}/cuts`, { target_doors: 20 });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('FIELD_ZONE_OUT_OF_REACH');
    expect((await referent.request('GET', `/api/v1/field/turfs?zone_id=${zone1}`)).statusCode).toBe(403);
    const [foreign] = await turfsOf(s.owner, zone1);
    expect((await referent.request('GET', `/api/v1/field/turfs/${foreign?.id}`)).statusCode).toBe(404);
    expect(
      (
        await referent.request('POST', `/api/v1/field/turfs/${foreign?.id}/assignments`, {
          staff_user_id: volunteerId,
          on_date: '2027-03-06',
        })
      ).statusCode,
    ).toBe(404);
    expect((await referent.request('POST', `/api/v1/field/turfs/${foreign?.id}/split`, {})).statusCode).toBe(404);
    const own = await cut(referent, zone2, { target_doors: 10 });
    expect(own.status).toBe('done');
    const mine = await turfsOf(referent, zone2);
    expect(mine.length).toBeGreaterThan(0);
    const assigned = await referent.request('POST', `/api/v1/field/turfs/${mine[0]?.id}/assignments`, {
      staff_user_id: volunteerId,
      on_date: '2027-03-06',
    });
    expect(assigned.statusCode, assigned.body).toBe(201);
    // The day's list: the referent sees their own turf only, the owner both.
    const day = (await referent.request('GET', '/api/v1/field/turfs?on_date=2027-03-06')).json();
    expect(day._embedded.turfs.map((t: { id: string }) => t.id)).toEqual([mine[0]?.id]);
    expect((await s.owner.request('GET', '/api/v1/field/turfs?on_date=2027-03-06')).json().total_records).toBe(2);
  });

  it('prints a walk list and a tract as PDFs', async () => {
    const [turf] = await turfsOf(s.owner, zone1);
    const res = await s.owner.request('GET', `/api/v1/field/turfs/${turf?.id}/walk-list.pdf`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const tract = await s.owner.request('POST', '/api/v1/field/tracts', {
      template: 'themes',
      format: 'A5',
      zone_id: zone1,
      themes: [{ title: 'Logement', text: 'Encadrer les loyers, rénover les logements sociaux.' }],
      running_mates: [{ name: 'Camille Martin', role: 'tête de liste' }],
    });
    expect(tract.statusCode, tract.body).toBe(200);
    expect(tract.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await referent.request('POST', '/api/v1/field/tracts', { template: 'classic', zone_id: zone1, themes: [] })).statusCode).toBe(
      403,
    );
  });

  it('imports the electoral roll for field and post only: never an e-mail or SMS audience, filtered by age, sex and station only', async () => {
    const db = ctx.database.db;
    // A person of the base, with e-mail and SMS consent withheld, lives at 7 Rue du Test; the roll holds them too.
    const segment = await s.owner.request('POST', '/api/v1/segments', {
      name: 'Tous',
      definition: { op: 'and', children: [{ field: 'zone', cmp: 'in', value: [zone1, zone2] }] },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    const audience = { segment_ids: [segment.json().id] };
    const count = async () => {
      const email = (await s.owner.request('POST', '/api/v1/messages/audience_count', { audience })).json().total;
      const people = await db
        .selectFrom('person')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('campaign_id', '=', s.c.id)
        .executeTakeFirstOrThrow();
      return { email, people: Number(people.n) };
    };
    const before = await count();
    const csv = [
      'Nom;Prénoms;Sexe;Date de naissance;Commune de naissance;Code du bureau de vote;Adresse;Code postal',
      'Family0;Given0;F;12/05/1950;Lyon;A;7 Rue du Test;75020',
      'Durand;Marie;F;01/02/1990;Nantes;A;7 rue du test;75020',
      'Petit;Louis;M;2001-07-14;Paris;B;12 bis Rue du Test;75020',
      'Nulle;Part;M;1980-01-01;Paris;B;999 Rue Inconnue;75020',
    ].join('\n');
    // A file that is not a roll (one endless field: a quote never closed, or no line break) is said so, not a 500.
    for (const broken of ['é'.repeat(100_000), `Nom;Adresse\n"Durand;${'x'.repeat(5000)}`]) {
      const refused = await s.owner.request('POST', '/api/v1/field/electoral-roll', { file_name: 'x.csv', csv: broken });
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().code).toBe('FIELD_ROLL_FILE_INVALID');
    }
    const imported = await s.owner.request('POST', '/api/v1/field/electoral-roll', { file_name: 'liste.csv', csv });
    expect(imported.statusCode, imported.body).toBe(201);
    expect(imported.json()).toMatchObject({ voters: 4, matched: 3 });
    expect(await count()).toEqual(before);
    // The SMS audience is counted by the same condition on `person`: the roll is not in it either.
    const smsCount = (await s.owner.request('POST', '/api/v1/messages/audience_count', { audience })).json().total;
    expect(smsCount).toBe(before.email);
    // No birthplace kept anywhere.
    const columns = await sql<{
      column_name: string;
    }>`select column_name from information_schema.columns where table_name = 'electoral_roll_voter'`.execute(db);
    expect(columns.rows.map((r) => r.column_name).some((c) => c.includes('birth_place') || c.includes('naissance'))).toBe(false);
    const all = (await s.owner.request('GET', '/api/v1/field/electoral-roll/figures')).json();
    expect(all.voters).toBe(3);
    const women = (await s.owner.request('GET', '/api/v1/field/electoral-roll/figures?sex=F&age_min=30')).json();
    expect(women).toMatchObject({ voters: 2, buildings: [{ label: '7 Rue du Test', voters: 2 }] });
    expect((await s.owner.request('GET', '/api/v1/field/electoral-roll/figures?polling_station=B')).json().voters).toBe(1);
    const birthplace = await s.owner.request('GET', '/api/v1/field/electoral-roll/figures?birthplace=Lyon');
    expect(birthplace.statusCode).toBe(400);
    expect(birthplace.headers['content-type']).toContain('application/problem+json');
    expect(birthplace.json()).toMatchObject({
      code: 'FIELD_ROLL_FILTER_REFUSED',
      allowed: ['age_min', 'age_max', 'sex', 'polling_station'],
      refused: ['birthplace'],
    });
    expect((await s.owner.request('GET', '/api/v1/field/electoral-roll/figures?family_name=Durand')).json().code).toBe(
      'FIELD_ROLL_FILTER_REFUSED',
    );
    expect((await referent.request('GET', '/api/v1/field/electoral-roll/figures')).statusCode).toBe(403);
  });
});
