// People through the API: OSDI documents and collection, search as you type, filters and sort,
// the signup helper, consents, custom fields, and bulk actions.
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { createMemberFixture, type FixtureCampaign, TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { canReach } from '../consent/index.ts';

describeEachDatabase('people', (ctx) => {
  const suite = useOwnerApp(ctx, 'people');
  let c: FixtureCampaign;
  let owner: TestClient;
  beforeAll(() => {
    ({ c, owner } = suite);
  });

  const create = async (body: Record<string, unknown>) => {
    const res = await owner.request('POST', '/api/v1/people', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };

  it('creates a person with normalised e-mails and phones and returns the OSDI document', async () => {
    const p = await create({
      given_name: 'Hélène',
      family_name: 'Dupré',
      email_addresses: [{ address: 'Helene.Dupre@Example.org', primary: true }, { address: 'hd@example.org' }],
      phone_numbers: [{ number: '06 12 34 56 78' }],
      custom_fields: {},
    });
    expect(p.email_addresses).toEqual([
      { address: 'helene.dupre@example.org', primary: true, status: 'unsubscribed' },
      { address: 'hd@example.org', primary: false, status: 'unsubscribed' },
    ]);
    expect(p.phone_numbers[0]).toMatchObject({ number: '+33612345678', primary: true, number_type: 'Mobile' });
    expect(p.ladder_stage).toBe('curious');
    expect(p._links.self.href).toContain(`/api/v1/people/${p.id}`);
    const again = await owner.request('GET', `/api/v1/people/${p.id}`);
    expect(again.json().family_name).toBe('Dupré');
  });

  it('rejects bad e-mails and phones, and a second person with the same e-mail', async () => {
    const bad = await owner.request('POST', '/api/v1/people', { email_addresses: [{ address: 'nope@' }] });
    expect(bad.json().code).toBe('EMAIL_INVALID');
    const phone = await owner.request('POST', '/api/v1/people', { phone_numbers: [{ number: '12' }] });
    expect(phone.json().code).toBe('PHONE_INVALID');
    const dup = await owner.request('POST', '/api/v1/people', { email_addresses: [{ address: 'HELENE.DUPRE@example.org' }] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE_EMAIL');
  });

  it('answers DUPLICATE_EMAIL and DUPLICATE_NAME, not 500, when concurrent requests take the same e-mail or name', async () => {
    // On PostgreSQL both requests pass the check before either commits, and one insert loses on the
    // unique index; PGlite runs them one after the other (the check then refuses the second).
    for (let round = 0; round < 3; round += 1) {
      const email = `course${round}@example.org`;
      const created = await Promise.all(
        [1, 2].map(() => owner.request('POST', '/api/v1/people', { family_name: 'Course', email_addresses: [{ address: email }] })),
      );
      expect(created.map((r) => r.statusCode).sort(), created.map((r) => r.body).join('\n')).toEqual([201, 409]);
      const winner = created.find((r) => r.statusCode === 201)!.json();
      expect(created.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'DUPLICATE_EMAIL', person_id: winner.id });

      const [a, b] = [await create({ family_name: 'Course' }), await create({ family_name: 'Course' })];
      const updated = await Promise.all(
        [a, b].map((p) => owner.request('PUT', `/api/v1/people/${p.id}`, { email_addresses: [{ address: `mise${round}@example.org` }] })),
      );
      expect(updated.map((r) => r.statusCode).sort(), updated.map((r) => r.body).join('\n')).toEqual([200, 409]);
      expect(updated.find((r) => r.statusCode === 409)!.json().code).toBe('DUPLICATE_EMAIL');

      for (const base of ['/api/v1/tags', '/api/v1/lists']) {
        const groups = await Promise.all([1, 2].map(() => owner.request('POST', base, { name: `Course ${round}` })));
        expect(groups.map((r) => r.statusCode).sort(), groups.map((r) => r.body).join('\n')).toEqual([201, 409]);
        const first = groups.find((r) => r.statusCode === 201)!.json();
        expect(groups.find((r) => r.statusCode === 409)!.json()).toMatchObject({ code: 'DUPLICATE_NAME', id: first.id });
      }
    }
  });

  it('updates only the fields given, and answers 404 for an unknown id', async () => {
    const p = await create({ given_name: 'Paul', family_name: 'Martin' });
    const res = await owner.request('PUT', `/api/v1/people/${p.id}`, { family_name: 'Martins' });
    expect(res.json()).toMatchObject({ given_name: 'Paul', family_name: 'Martins' });
    const missing = await owner.request('PUT', `/api/v1/people/${crypto.randomUUID()}`, { family_name: 'X' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('NOT_FOUND');
  });

  it('validates custom field values against their type', async () => {
    for (const field of [
      { key: 'age', label: 'Âge', type: 'number' },
      { key: 'since', label: 'Depuis', type: 'date' },
      { key: 'job', label: 'Métier', type: 'choice', choices: ['enseignant', 'infirmier'] },
    ]) {
      expect((await owner.request('POST', '/api/v1/custom_fields', field)).statusCode).toBe(201);
    }
    const ok = await create({ family_name: 'Typed', custom_fields: { age: '42', since: '01/02/2020', job: 'Enseignant' } });
    expect(ok.custom_fields).toEqual({ age: 42, since: '2020-02-01', job: 'enseignant' });
    for (const custom_fields of [{ age: 'old' }, { since: '2020-02-30' }, { job: 'pilote' }, { unknown: 1 }]) {
      const res = await owner.request('PUT', `/api/v1/people/${ok.id}`, { custom_fields });
      expect(res.statusCode, JSON.stringify(custom_fields)).toBe(400);
      expect(res.json().code).toBe('CUSTOM_FIELD_INVALID');
    }
    const cleared = await owner.request('PUT', `/api/v1/people/${ok.id}`, { custom_fields: { age: null } });
    expect(cleared.json().custom_fields).toEqual({ since: '2020-02-01', job: 'enseignant' });
  });

  it('puts a new custom field last and reorders the fields in one call, for managers only', async () => {
    const fields = async () => (await owner.request('GET', '/api/v1/custom_fields')).json().items as { id: string; key: string }[];
    const before = await fields();
    const created = await owner.request('POST', '/api/v1/custom_fields', { key: 'a_first_by_key', label: 'A', type: 'text' });
    expect(created.statusCode, created.body).toBe(201);
    const last = created.json();
    expect((await fields()).map((f) => f.key)).toEqual([...before.map((f) => f.key), 'a_first_by_key']);
    const reordered = await owner.request('PUT', '/api/v1/custom_fields/order', { ids: [last.id] });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(reordered.json().items.map((f: { key: string }) => f.key)).toEqual(['a_first_by_key', ...before.map((f) => f.key)]);
    expect((await fields()).map((f) => f.key)).toEqual(['a_first_by_key', ...before.map((f) => f.key)]);
    const unknown = await owner.request('PUT', '/api/v1/custom_fields/order', { ids: [crypto.randomUUID()] });
    expect(unknown.statusCode).toBe(404);
    await createMemberFixture(ctx.database.db, c.id, { email: 'organizer-fields@example.org', role: 'organizer' });
    const organizer = new TestClient(suite.t.app);
    await organizer.login('organizer-fields@example.org');
    const refused = await organizer.request('PUT', '/api/v1/custom_fields/order', { ids: before.map((f) => f.id) });
    expect(refused.statusCode).toBe(403);
    expect((await fields())[0]?.key).toBe('a_first_by_key');
  });

  it('searches as you type: accents, case, typos, e-mails and phones; prefix matches first', async () => {
    await create({ given_name: 'François', family_name: 'Lefèvre', email_addresses: [{ address: 'flefevre@example.org' }] });
    await create({ given_name: 'Anne', family_name: 'Lefebvre-Martin' });
    await create({ given_name: 'Zoé', family_name: 'Ranlefevre' });
    const search = async (q: string) =>
      (await owner.request('GET', `/api/v1/people?q=${encodeURIComponent(q)}`))
        .json()
        ._embedded['osdi:people'].map((p: { family_name: string }) => p.family_name);
    expect(await search('LEFEVRE')).toEqual(expect.arrayContaining(['Lefèvre', 'Ranlefevre']));
    expect((await search('lefevre'))[0]).toBe('Lefèvre');
    expect(await search('françois')).toEqual(['Lefèvre']);
    expect(await search('lefebre')).toEqual(expect.arrayContaining(['Lefebvre-Martin'])); // one letter missing
    expect((await search('flefevre@'))[0]).toBe('Lefèvre');
    expect(await search('06 12 34 56 78')).toEqual(['Dupré']); // national format finds the E.164 number
    expect(await search('+336123')).toEqual(['Dupré']);
  });

  it('pages an OSDI collection with HAL links, sorts, and filters on modified_date', async () => {
    const res = await owner.request('GET', '/api/v1/people?per_page=2&sort=family_name');
    const body = res.json();
    expect(body.total_records).toBeGreaterThanOrEqual(8);
    expect(body.total_pages).toBe(Math.ceil(body.total_records / 2));
    expect(body._links.next.href).toContain('page=2');
    expect(body._links.prev).toBeUndefined();
    const names = body._embedded['osdi:people'].map((p: { family_name: string }) => p.family_name);
    expect(names).toEqual([...names].sort());
    const future = await owner.request('GET', `/api/v1/people?filter=${encodeURIComponent("modified_date gt '2999-01-01'")}`);
    expect(future.json().total_records).toBe(0);
    const past = await owner.request('GET', `/api/v1/people?filter=${encodeURIComponent("modified_date ge '2000-01-01'")}`);
    expect(past.json().total_records).toBe(body.total_records);
    const bad = await owner.request('GET', `/api/v1/people?filter=${encodeURIComponent('name eq 1')}`);
    expect(bad.json().code).toBe('FILTER_INVALID');
  });

  it('refuses an OSDI filter date that is not in the calendar or out of range, with a 400 problem', async () => {
    for (const clause of [
      "modified_date gt '2026-02-30'",
      "modified_date gt '-271821-04-20'",
      "created_date eq '+275760-09-13'",
      "modified_date lt '2026-01-01T25:00:00Z'",
      "modified_date ge 'March 7, 2026'",
    ]) {
      const res = await owner.request('GET', `/api/v1/people?filter=${encodeURIComponent(clause)}`);
      expect(res.statusCode, `${clause}: ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('FILTER_INVALID');
    }
    const instant = await owner.request(
      'GET',
      `/api/v1/people?filter=${encodeURIComponent("modified_date lt '2999-01-01T10:00:00+02:00'")}`,
    );
    expect(instant.statusCode, instant.body).toBe(200);
  });

  it('puts the creation and what each edit changed on the timeline, and nothing for an edit that changes nothing', async () => {
    await owner.request('POST', '/api/v1/custom_fields', { key: 'mandat', label: 'Mandat', type: 'text' });
    const p = await create({ given_name: 'Rose', family_name: 'Lambert', email_addresses: [{ address: 'rose@example.org' }] });
    const edit = (body: Record<string, unknown>) => owner.request('PUT', `/api/v1/people/${p.id}`, body);
    expect((await edit({ family_name: 'Lambert-Roy', phone_numbers: [{ number: '06 11 22 33 44' }] })).statusCode).toBe(200);
    // The same values again (the e-mail written differently, normalised to the stored one): no change.
    expect((await edit({ family_name: 'Lambert-Roy', email_addresses: [{ address: 'ROSE@example.org' }] })).statusCode).toBe(200);
    expect((await edit({ custom_fields: { mandat: 'Conseillère' }, birthdate: '1980-02-03' })).statusCode).toBe(200);
    const timeline = (await owner.request('GET', `/api/v1/people/${p.id}/activities`)).json()._embedded['relais:timeline'];
    const records = timeline
      .filter((i: { type: string }) => i.type.startsWith('person.'))
      .map((i: { type: string; data: unknown; actor_label: string }) => ({ type: i.type, data: i.data, by: i.actor_label }));
    expect(records).toHaveLength(3);
    expect(records).toEqual(
      expect.arrayContaining([
        { type: 'person.created', data: expect.objectContaining({ source: 'api' }), by: 'owner@example.org' },
        {
          type: 'person.updated',
          data: expect.objectContaining({ fields: ['family_name', 'phone_numbers'], custom_fields: [] }),
          by: 'owner@example.org',
        },
        {
          type: 'person.updated',
          data: expect.objectContaining({ fields: ['birthdate'], custom_fields: ['mandat'] }),
          by: 'owner@example.org',
        },
      ]),
    );
  });

  it('stores a null sent for a nullable field as null, not as an empty string, and an edit that sends it again changes nothing', async () => {
    const p = await create({
      given_name: 'Inès',
      family_name: 'Roche',
      gender: 'femme',
      email_addresses: [{ address: 'ines@example.org' }],
    });
    const edit = (body: Record<string, unknown>) => owner.request('PUT', `/api/v1/people/${p.id}`, body);
    expect((await edit({ gender: null, birthdate: null })).json()).toMatchObject({ gender: null, birthdate: null });
    // What the person page's form sends for empty fields: nothing changes, nothing on the timeline.
    expect((await edit({ given_name: 'Inès', family_name: 'Roche', gender: null, birthdate: null })).json().gender).toBeNull();
    const timeline = (await owner.request('GET', `/api/v1/people/${p.id}/activities`)).json()._embedded['relais:timeline'];
    const edits = timeline.filter((i: { type: string }) => i.type === 'person.updated');
    expect(edits.map((i: { data: { fields: string[] } }) => i.data.fields)).toEqual([['gender']]);
    // A blank gender is no gender either.
    expect((await edit({ gender: '  ' })).json().gender).toBeNull();
    // A JSON body is taken as sent: a number where text is expected is refused, not turned into text.
    const bad = await edit({ family_name: 42 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
  });

  it('signup helper creates, then updates by e-mail, with tags, lists, consents and a signup activity', async () => {
    const list = (await owner.request('POST', '/api/v1/lists', { name: 'Newsletter' })).json();
    const body = {
      person: { given_name: 'Léa', family_name: 'Petit', email_addresses: [{ address: 'lea@example.org' }] },
      add_tags: ['Pétition arbres'],
      add_lists: [list.id],
      consents: [{ channel: 'email', text_shown: "J'accepte de recevoir les nouvelles", form: 'petition-arbres' }],
    };
    const first = await owner.request('POST', '/api/v1/people/person_signup_helper', body);
    expect(first.statusCode, first.body).toBe(201);
    const p = first.json();
    expect(p.consents.email).toBe(true);
    expect(p.tags.map((x: { name: string }) => x.name)).toEqual(['Pétition arbres']);
    expect(p.lists).toEqual([{ id: list.id, name: 'Newsletter' }]);
    const second = await owner.request('POST', '/api/v1/people/person_signup_helper', {
      person: { email_addresses: [{ address: 'LEA@example.org' }], phone_numbers: [{ number: '0700000000' }] },
      add_tags: ['pétition ARBRES'],
    });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ id: p.id, given_name: 'Léa', phone_numbers: [{ number: '+33700000000' }] });
    expect(second.json().tags).toHaveLength(1);
    const timeline = (await owner.request('GET', `/api/v1/people/${p.id}/activities`)).json();
    const kinds = timeline._embedded['relais:timeline'].map((i: { type: string }) => i.type);
    expect(kinds.filter((k: string) => k === 'signup')).toHaveLength(2);
    // The signup line stands for the creation; the second signup's new phone is an edit.
    expect(kinds).not.toContain('person.created');
    expect(kinds.filter((k: string) => k === 'person.updated')).toHaveLength(1);
    expect(kinds).toContain('consent.given');
    expect(kinds).toContain('tag.added');
    const consents = (await owner.request('GET', `/api/v1/people/${p.id}/consents`)).json().items;
    expect(consents[0]).toMatchObject({ channel: 'email', status: 'given', source: 'signup', proof: { form: 'petition-arbres' } });
  });

  it('writes the domain events of a creation, an edit and a signup in their transactions', async () => {
    const typesOf = async (personId: string) =>
      (await ctx.database.db.selectFrom('domain_event').select('type').where('person_id', '=', personId).orderBy('id').execute()).map(
        (e) => e.type,
      );
    const p = await create({ family_name: 'Événements' });
    expect(await typesOf(p.id)).toEqual(['person.created', 'activity.recorded']);
    expect((await owner.request('PUT', `/api/v1/people/${p.id}`, { given_name: 'Eva' })).statusCode).toBe(200);
    expect((await owner.request('PUT', `/api/v1/people/${p.id}`, { given_name: 'Eva' })).statusCode).toBe(200); // no change
    expect((await typesOf(p.id)).slice(2)).toEqual(['person.updated', 'activity.recorded']);
    const signup = await owner.request('POST', '/api/v1/people/person_signup_helper', {
      person: { family_name: 'Inscrite', email_addresses: [{ address: 'events-signup@example.org' }] },
      add_tags: ['événements'],
      consents: [{ channel: 'email' }],
    });
    expect(signup.statusCode, signup.body).toBe(201);
    expect(await typesOf(signup.json().id)).toEqual(['person.created', 'person.tagged', 'consent.changed', 'activity.recorded']);
  });

  it('records consents given and withdrawn; canReach and person.consent_* follow the latest entry', async () => {
    const p = await create({ family_name: 'Consent', email_addresses: [{ address: 'consent@example.org' }] });
    const post = (status: string) =>
      owner.request('POST', `/api/v1/people/${p.id}/consents`, { channel: 'sms', status, source: 'form', proof: { text_shown: 'SMS ok' } });
    expect((await post('given')).statusCode).toBe(201);
    const check = () => withTenant(ctx.database.db, c.id, (trx) => canReach(trx, { campaignId: c.id, personId: p.id, channel: 'sms' }));
    expect(await check()).toBe(true);
    const withdrawn = await post('withdrawn');
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn', proof: { text_shown: 'SMS ok', ip: expect.any(String) } });
    expect(await check()).toBe(false);
    expect((await owner.request('GET', `/api/v1/people/${p.id}`)).json().consents).toEqual({
      email: false,
      sms: false,
      phone: false,
      post: false,
    });
  });

  it('bulk-tags, lists and moves people, counting only what changed', async () => {
    const a = await create({ family_name: 'BulkA' });
    const b = await create({ family_name: 'BulkB' });
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Bulk' })).json();
    const bulk = (body: Record<string, unknown>) => owner.request('POST', '/api/v1/people/bulk', { person_ids: [a.id, b.id], ...body });
    expect((await bulk({ action: 'add_tag', tag_id: tag.id })).json()).toEqual({ affected: 2 });
    expect((await bulk({ action: 'add_tag', tag_id: tag.id })).json()).toEqual({ affected: 0 });
    expect(
      (await owner.request('GET', '/api/v1/tags?per_page=500')).json()._embedded['osdi:tags'].find((x: { id: string }) => x.id === tag.id)
        .people_count,
    ).toBe(2);
    const tagged = (await owner.request('GET', `/api/v1/people?tag_id=${tag.id}`)).json();
    expect(tagged.total_records).toBe(2);
    expect((await bulk({ action: 'remove_tag', tag_id: tag.id })).json()).toEqual({ affected: 2 });
    expect((await bulk({ action: 'move_stage', to_stage: 'volunteer', reason: 'réunion' })).json()).toEqual({ affected: 2 });
    expect((await owner.request('GET', `/api/v1/people/${a.id}`)).json().ladder_stage).toBe('volunteer');
    expect((await bulk({ action: 'add_tag' })).json().code).toBe('VALIDATION_FAILED');
    const both = await owner.request('POST', '/api/v1/people/bulk', {
      person_ids: [a.id],
      segment: { op: 'and', children: [] },
      action: 'add_tag',
      tag_id: tag.id,
    });
    expect(both.json().code).toBe('VALIDATION_FAILED');
  });

  it('bulk-tags the people a segment selects, by definition or saved segment', async () => {
    await create({ family_name: 'SegOne', email_addresses: [{ address: 'segone@example.org' }] });
    await create({ family_name: 'SegTwo', email_addresses: [{ address: 'segtwo@example.org' }] });
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Segmenté' })).json();
    const definition = { op: 'or', children: [{ field: 'family_name', cmp: 'starts_with', value: 'Seg' }] };
    const byDefinition = await owner.request('POST', '/api/v1/people/bulk', { segment: definition, action: 'add_tag', tag_id: tag.id });
    expect(byDefinition.json(), byDefinition.body).toEqual({ affected: 2 });
    const saved = (await owner.request('POST', '/api/v1/segments', { name: 'Seg', definition })).json();
    const removed = await owner.request('POST', '/api/v1/people/bulk', { segment: saved.id, action: 'remove_tag', tag_id: tag.id });
    expect(removed.json()).toEqual({ affected: 2 });
    const bad = await owner.request('POST', '/api/v1/people/bulk', {
      segment: { op: 'and', children: [{ field: 'tag', cmp: 'has', value: '00000000-0000-7000-8000-000000000000' }] },
      action: 'add_tag',
      tag_id: tag.id,
    });
    expect(bad.statusCode).toBe(400);
  });

  it('tags: OSDI taggings, rename, duplicate names refused', async () => {
    const p = await create({ family_name: 'Tagged' });
    const tag = (await owner.request('POST', '/api/v1/tags', { name: 'Quartier' })).json();
    expect((await owner.request('POST', '/api/v1/tags', { name: 'quartier' })).json().code).toBe('DUPLICATE_NAME');
    expect((await owner.request('POST', `/api/v1/tags/${tag.id}/taggings`, { person_id: p.id })).json()).toEqual({ affected: 1 });
    const taggings = (await owner.request('GET', `/api/v1/tags/${tag.id}/taggings`)).json();
    expect(taggings._embedded['osdi:taggings'][0].person_id).toBe(p.id);
    expect((await owner.request('PUT', `/api/v1/tags/${tag.id}`, { name: 'Quartier Nord' })).json().name).toBe('Quartier Nord');
    expect((await owner.request('DELETE', `/api/v1/tags/${tag.id}/taggings/${p.id}`)).statusCode).toBe(200);
    expect((await owner.request('DELETE', `/api/v1/tags/${tag.id}`)).statusCode).toBe(200);
  });
});
