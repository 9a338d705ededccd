// Territorial scoping: a referent, through a session or through their token, cannot see, search,
// update, tag, export, erase or merge a person of another arrondissement; another campaign's
// people answer 404 to everyone.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { createApiToken } from '../identity/index.ts';

describeEachDatabase('people scoping', (ctx) => {
  let t: TestApp;
  let a: FixtureCampaign;
  let b: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;
  let token: string;
  // Person 0 is in zone 1 (the referent's), person 1 in zone 2.
  let mine: string;
  let theirs: string;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    a = await createCampaignFixture(db, 'scope-a');
    b = await createCampaignFixture(db, 'scope-b');
    mine = a.people[0]!.id;
    theirs = a.people[1]!.id;
    await db.updateTable('person').set({ family_name: 'Voisin' }).where('campaign_id', '=', a.id).execute();
    await createMemberFixture(db, a.id, { email: 'owner-a@example.org', role: 'owner' });
    const refId = await createMemberFixture(db, a.id, { email: 'ref-a1@example.org', role: 'referent', zoneIds: [a.zones[0]!.id] });
    owner = new TestClient(t.app);
    await owner.login('owner-a@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref-a1@example.org');
    // A referent's token (created the way the service creates it for a referent: limited to their zones).
    const referentRef = {
      campaignId: a.id,
      userId: refId,
      tokenId: null,
      label: 'ref-a1',
      role: 'referent' as const,
      zoneScope: [a.zones[0]!.id],
      ip: null,
    };
    const created = await withTenant(db, a.id, (trx) =>
      createApiToken(trx, referentRef, {
        name: 'ref',
        scopes: ['people:read', 'people:write', 'people:export', 'tags:read', 'tags:write', 'lists:read', 'lists:write'],
      }),
    );
    token = created.token;
  });
  afterAll(async () => {
    await t?.close();
  });

  const viaToken = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  const viaSession = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => referent.request(method, url, payload);
  const ids = (res: LightMyRequestResponse) => res.json()._embedded['osdi:people'].map((p: { id: string }) => p.id);
  const expect404 = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  };

  for (const [name, call] of [
    ['session', viaSession],
    ['token', viaToken],
  ] as const) {
    it(`a referent (${name}) creates and uses tags and lists, but cannot rename or delete what the whole campaign shares`, async () => {
      for (const base of ['/api/v1/tags', '/api/v1/lists']) {
        const shared = (await owner.request('POST', base, { name: `Partagé ${name} ${base}` })).json();
        for (const res of [await call('PUT', `${base}/${shared.id}`, { name: 'Renommé' }), await call('DELETE', `${base}/${shared.id}`)]) {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().code).toBe('GROUP_SHARED');
        }
        const page = (await owner.request('GET', `${base}?per_page=500`)).json();
        const items = page._embedded[base.endsWith('tags') ? 'osdi:tags' : 'osdi:lists'] as Array<{ id: string; name: string }>;
        expect(items.find((g) => g.id === shared.id)?.name).toBe(`Partagé ${name} ${base}`);
        const own = await call('POST', base, { name: `Du référent ${name} ${base}` });
        expect(own.statusCode, own.body).toBe(201);
        // The campaign-wide roles still rename and delete.
        expect((await owner.request('PUT', `${base}/${shared.id}`, { name: `Renommé ${name} ${base}` })).statusCode).toBe(200);
        expect((await owner.request('DELETE', `${base}/${shared.id}`)).statusCode).toBe(200);
      }
    });

    it(`a referent (${name}) sees and searches only the people of their zones`, async () => {
      const list = await call('GET', '/api/v1/people');
      expect(ids(list)).toEqual([mine]);
      expect(list.json().total_records).toBe(1);
      expect(ids(await call('GET', '/api/v1/people?q=voisin'))).toEqual([mine]);
      expect(ids(await call('GET', `/api/v1/people?zone_id=${a.zones[1]!.id}`))).toEqual([]);
      expect((await call('GET', `/api/v1/people/${mine}`)).statusCode).toBe(200);
      expect404(await call('GET', `/api/v1/people/${theirs}`));
      expect404(await call('GET', `/api/v1/people/${theirs}/activities`));
      expect404(await call('GET', `/api/v1/people/${theirs}/consents`));
    });

    it(`a referent (${name}) cannot update, tag, move, export, erase or merge a person of another arrondissement`, async () => {
      expect404(await call('PUT', `/api/v1/people/${theirs}`, { given_name: 'Piraté' }));
      expect404(await call('POST', `/api/v1/people/${theirs}/consents`, { channel: 'email', status: 'given', source: 'manual' }));
      expect404(await call('POST', `/api/v1/people/${theirs}/ladder`, { to_stage: 'activist', reason: 'x' }));
      expect404(await call('GET', `/api/v1/people/${theirs}/export`));
      expect404(await call('GET', `/api/v1/people/${theirs}/export?format=csv`));
      expect404(await call('POST', `/api/v1/people/${theirs}/erase`));
      expect404(await call('POST', '/api/v1/people/merge', { keep_id: mine, merge_id: theirs }));
      const tag = (await owner.request('POST', '/api/v1/tags', { name: `Scope ${name}` })).json();
      expect404(await call('POST', `/api/v1/tags/${tag.id}/taggings`, { person_ids: [mine, theirs] }));
      expect((await call('POST', '/api/v1/people/bulk', { person_ids: [theirs], action: 'add_tag', tag_id: tag.id })).json()).toEqual({
        affected: 0,
      });
      expect((await call('POST', '/api/v1/people/bulk', { person_ids: [mine, theirs], action: 'add_tag', tag_id: tag.id })).json()).toEqual(
        { affected: 1 },
      );
      expect(
        (await call('GET', '/api/v1/tags?per_page=500')).json()._embedded['osdi:tags'].find((x: { id: string }) => x.id === tag.id)
          .people_count,
      ).toBe(1);
      // Nothing of the other person changed, and no export of them was audited.
      const row = await ctx.database.db.selectFrom('person').selectAll().where('id', '=', theirs).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        given_name: 'Given1',
        ladder_stage: 'volunteer',
        anonymized_at: null,
        merged_into: null,
        consent_email: false,
      });
      const audits = await ctx.database.db.selectFrom('audit_event').select('action').where('target_id', '=', theirs).execute();
      expect(audits).toEqual([]);
    });

    it(`a referent (${name}) whose e-mail is taken outside their zones is told it is taken, not by whom`, async () => {
      const theirEmail = (await owner.request('GET', `/api/v1/people/${theirs}`)).json().email_addresses[0].address;
      const taken = [{ address: theirEmail, primary: true }];
      for (const res of [
        await call('POST', '/api/v1/people', { family_name: 'Copie', email_addresses: taken }),
        await call('PUT', `/api/v1/people/${mine}`, { email_addresses: taken }),
        await call('POST', '/api/v1/people/person_signup_helper', { person: { email_addresses: taken } }),
      ]) {
        expect(res.statusCode, res.body).toBe(409);
        expect(res.json().code).toBe('DUPLICATE_EMAIL');
        expect(res.json().person_id).toBeUndefined();
        expect(res.body).not.toContain(theirs);
        expect(res.body).not.toContain('Given1');
        expect(res.body).not.toMatch(/zone/i);
      }
      // The whole campaign's roles get the id, to open the duplicate.
      const forOwner = await owner.request('PUT', `/api/v1/people/${mine}`, { email_addresses: taken });
      expect(forOwner.statusCode).toBe(409);
      expect(forOwner.json()).toMatchObject({ code: 'DUPLICATE_EMAIL', person_id: theirs });
    });

    it(`a referent (${name}) cannot create a person outside their zones`, async () => {
      const res = await call('POST', '/api/v1/people', { family_name: 'Nowhere' });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('PERSON_OUTSIDE_SCOPE');
      expect(await ctx.database.db.selectFrom('person').select('id').where('family_name', '=', 'Nowhere').execute()).toEqual([]);
    });
  }

  it("the owner sees everyone, but another campaign's people answer 404", async () => {
    expect(ids(await owner.request('GET', '/api/v1/people?sort=family_name')).sort()).toEqual([mine, theirs].sort());
    const other = b.people[0]!.id;
    expect404(await owner.request('GET', `/api/v1/people/${other}`));
    expect404(await owner.request('PUT', `/api/v1/people/${other}`, { given_name: 'X' }));
    expect404(await owner.request('GET', `/api/v1/people/${other}/export`));
    expect404(await owner.request('POST', `/api/v1/people/${other}/erase`));
    expect404(await owner.request('POST', '/api/v1/people/merge', { keep_id: mine, merge_id: other }));
    expect(
      (await owner.request('POST', '/api/v1/people/bulk', { person_ids: [other], action: 'move_stage', to_stage: 'activist' })).json(),
    ).toEqual({ affected: 0 });
    const row = await ctx.database.db
      .selectFrom('person')
      .select(['given_name', 'ladder_stage'])
      .where('id', '=', other)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ given_name: 'Given0', ladder_stage: 'curious' });
  });
});
