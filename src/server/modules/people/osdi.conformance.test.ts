// OSDI conformance: the requests of the OSDI specification (opensupporter/osdi-docs: aep.md,
// people.md, person_signup.md, tags.md, taggings.md, lists.md, items.md, README's filtering and
// authentication), sent as an OSDI client sends them — an API token in `OSDI-API-Token`, HAL+JSON,
// the spec's URLs with their trailing slashes, links followed as given — and the answers checked for
// the spec's shapes and link relations. The example bodies are the spec's own, quoted as test data.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureCampaign, type TestClient, useOwnerApp } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

const HAL = 'application/hal+json';

describeEachDatabase('OSDI conformance', (ctx) => {
  const suite = useOwnerApp(ctx, 'osdi');
  let c: FixtureCampaign;
  let owner: TestClient;
  let token: string;
  beforeAll(async () => {
    ({ c, owner } = suite);
    const created = await owner.request('POST', '/api/v1/api_tokens', {
      name: 'osdi client',
      scopes: ['people:read', 'people:write', 'tags:read', 'tags:write', 'lists:read', 'lists:write'],
    });
    expect(created.statusCode, created.body).toBe(201);
    token = created.json().token;
  });

  /** A request as an OSDI client sends it: absolute URL or path, OSDI-API-Token, HAL+JSON both ways. */
  const osdi = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) =>
    suite.t.app.inject({
      method,
      url: url.replace(/^https?:\/\/[^/]+/, ''),
      headers: {
        'osdi-api-token': token,
        accept: HAL,
        ...(body !== undefined ? { 'content-type': HAL } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
  const ok = (res: LightMyRequestResponse, status = 200) => {
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  describe('API entry point (aep.md)', () => {
    it('answers the AEP with its fields, curies and a link for every collection and helper', async () => {
      const res = await osdi('GET', 'https://osdi-sample-system.org/api/v1/');
      const aep = ok(res);
      expect(res.headers['content-type']).toMatch(/^application\/hal\+json/);
      expect(aep).toMatchObject({
        motd: expect.any(String),
        vendor_name: 'Relais',
        product_name: 'Relais',
        osdi_version: expect.stringMatching(/^1\./),
        max_pagesize: 500,
        namespace: 'relais',
      });
      const names = aep._links.curies.map((x: { name: string }) => x.name);
      expect(names).toEqual(expect.arrayContaining(['osdi', 'relais']));
      for (const curie of aep._links.curies) expect(curie).toMatchObject({ href: expect.stringContaining('{rel}'), templated: true });
      for (const rel of ['self', 'osdi:people', 'osdi:tags', 'osdi:lists', 'osdi:person_signup_helper', 'docs']) {
        expect(aep._links[rel]?.href, rel).toMatch(/^https?:\/\//);
      }
      // Every relation of ours is in a declared namespace.
      for (const rel of Object.keys(aep._links)) {
        if (rel.includes(':')) expect(names, rel).toContain(rel.split(':')[0]);
      }
    });

    it('takes the token as the osdi-api-token query parameter, in any case', async () => {
      const lower = await suite.t.app.inject({ url: `/api/v1/people/?osdi-api-token=${token}` });
      expect(lower.statusCode, lower.body).toBe(200);
      const upper = await suite.t.app.inject({ url: `/api/v1/people?per_page=1&OSDI-API-Token=${token}` });
      expect(upper.statusCode).toBe(200);
      // Never repeated in the paging links.
      expect(JSON.stringify(upper.json()._links)).not.toContain(token);
      const wrong = await suite.t.app.inject({ url: '/api/v1/people?osdi-api-token=rl_nope' });
      expect(wrong.statusCode).toBe(401);
    });
  });

  describe('errors (errors.html)', () => {
    it('answers the OSDI error document to an OSDI client, problem+json otherwise', async () => {
      const res = await osdi('GET', '/api/v1/people/01900000-0000-7000-8000-000000000000');
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/hal\+json/);
      expect(res.json()['osdi:error']).toMatchObject({
        request_type: 'atomic',
        response_code: 404,
        resource_status: [{ resource: 'osdi:person', response_code: 404, error_descriptions: [{ error_code: 'NOT_FOUND' }] }],
      });
      // The problem's own fields stay beside it.
      expect(res.json()).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      const plain = await suite.t.app.inject({
        url: '/api/v1/people/01900000-0000-7000-8000-000000000000',
        headers: { 'osdi-api-token': token },
      });
      expect(plain.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(plain.json()['osdi:error']).toBeUndefined();
      const web = await suite.t.app.inject({
        url: '/api/v1/people/01900000-0000-7000-8000-000000000000',
        headers: { 'osdi-api-token': token, accept: 'application/json, application/problem+json' },
      });
      expect(web.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  });

  /** A person created plainly, for the tagging scenarios. */
  const person = async (email: string) =>
    ok(await osdi('POST', '/api/v1/people/', { given_name: 'Léa', family_name: 'Tag', email_addresses: [{ address: email }] }), 201);

  describe('tags and taggings (tags.md, taggings.md)', () => {
    it("creates, reads, pages, changes and deletes a tag with the spec's requests", async () => {
      // tags.md, "Creating a new tag (POST)".
      const tag = ok(
        await osdi('POST', 'https://osdi-sample-system.org/api/v1/tags/', {
          identifiers: ['foreign_system:1'],
          name: 'Volunteers',
          origin_system: 'OpenSupporter',
        }),
        201,
      );
      expect(tag).toMatchObject({ name: 'Volunteers', origin_system: 'OpenSupporter', created_date: expect.any(String) });
      expect(tag.identifiers).toEqual([`relais:${tag.id}`, 'foreign_system:1']);
      expect(tag._links.self.href).toMatch(new RegExp(`^https?://.+/api/v1/tags/${tag.id}$`));
      expect(tag._links['osdi:taggings'].href).toBe(`${tag._links.self.href}/taggings`);
      // "Retrieving an individual Tag resource (GET)", by following the link.
      expect(ok(await osdi('GET', tag._links.self.href))).toMatchObject({ id: tag.id, name: 'Volunteers' });
      // "Modifying a tag (PUT)".
      const changed = ok(await osdi('PUT', tag._links.self.href, { name: '2014 Volunteers', description: 'Volunteers from 2014' }));
      expect(changed).toMatchObject({ name: '2014 Volunteers', description: 'Volunteers from 2014', origin_system: 'OpenSupporter' });
      // A PUT of one field leaves the others.
      expect(ok(await osdi('PUT', `${tag._links.self.href}/`, { description: 'Bénévoles' }))).toMatchObject({ name: '2014 Volunteers' });
      // "Retrieving a collection of Tag resources (GET)": a HAL collection, paged by its links.
      ok(await osdi('POST', '/api/v1/tags', { name: 'Donors' }), 201);
      const first = ok(await osdi('GET', '/api/v1/tags/?per_page=1'));
      expect(first).toMatchObject({ page: 1, per_page: 1, total_records: expect.any(Number), total_pages: first.total_records });
      expect(first._embedded['osdi:tags']).toHaveLength(1);
      expect(first._links.next.href).toMatch(/^https?:\/\/.+page=2/);
      const second = ok(await osdi('GET', first._links.next.href));
      expect(second._links.previous.href).toMatch(/page=1/);
      expect(second._links.prev).toBeUndefined();
      // Filtered by name.
      const donors = ok(await osdi('GET', `/api/v1/tags?filter=${encodeURIComponent("name eq 'donors'")}`));
      expect(donors._embedded['osdi:tags'].map((t: { name: string }) => t.name)).toEqual(['Donors']);
      // "Deleting a tag (DELETE)".
      expect(ok(await osdi('DELETE', tag._links.self.href))).toEqual({ notice: expect.any(String) });
      expect((await osdi('GET', tag._links.self.href)).statusCode).toBe(404);
    });

    it("tags a person with the spec's body, lists the tagging both ways, and removes it", async () => {
      const tag = ok(await osdi('POST', '/api/v1/tags', { name: 'Tagging' }), 201);
      const p = await person('tagging@example.org');
      // taggings.md, "Creating a new tagging (POST)", with the person's own link.
      const res = await osdi('POST', `${tag._links['osdi:taggings'].href}/`, {
        identifiers: ['foreign_system:1'],
        origin_system: 'OpenSupporter',
        item_type: 'osdi:person',
        _links: { 'osdi:person': { href: p._links.self.href } },
      });
      const tagging = ok(res, 201);
      expect(tagging).toMatchObject({ item_type: 'osdi:person', created_date: expect.any(String), modified_date: expect.any(String) });
      expect(tagging._links['osdi:person'].href).toBe(p._links.self.href);
      expect(tagging._links['osdi:tag'].href).toBe(tag._links.self.href);
      // Again: already there, 200.
      expect(
        (await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: p._links.self.href } } })).statusCode,
      ).toBe(200);
      // "Retrieving an individual Tagging resource (GET)" and the collections of the tag and of the person.
      expect(ok(await osdi('GET', tagging._links.self.href))._links.self.href).toBe(tagging._links.self.href);
      const ofTag = ok(await osdi('GET', tag._links['osdi:taggings'].href));
      expect(ofTag).toMatchObject({ total_records: 1, total_pages: 1, page: 1 });
      expect(ofTag._embedded['osdi:taggings'][0]._links.self.href).toBe(tagging._links.self.href);
      const ofPerson = ok(await osdi('GET', p._links['osdi:taggings'].href));
      expect(
        ofPerson._embedded['osdi:taggings'].map((t: { _links: { 'osdi:tag': { href: string } } }) => t._links['osdi:tag'].href),
      ).toEqual([tag._links.self.href]);
      // The person's document embeds the tag.
      expect(ok(await osdi('GET', p._links.self.href)).tags.map((t: { name: string }) => t.name)).toEqual(['Tagging']);
      // A link that is not a person of this API.
      const bad = await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: 'https://elsewhere.org/x' } } });
      expect(bad.statusCode).toBe(400);
      // "Deleting a tagging (DELETE)".
      expect(ok(await osdi('DELETE', tagging._links.self.href))).toEqual({ notice: expect.any(String) });
      expect(ok(await osdi('GET', tag._links['osdi:taggings'].href)).total_records).toBe(0);
    });

    it('honours a filter on taggings (not ignored)', async () => {
      const tag = ok(await osdi('POST', '/api/v1/tags', { name: 'Filtered taggings' }), 201);
      const p = await person('filtered-tagging@example.org');
      ok(await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: p._links.self.href } } }), 201);
      const at = (filter: string) => osdi('GET', `${tag._links['osdi:taggings'].href}?filter=${encodeURIComponent(filter)}`);
      expect(ok(await at("modified_date gt '2000-01-01T00:00:00-05'")).total_records).toBe(1);
      expect(ok(await at("modified_date gt '2999-01-01'")).total_records).toBe(0);
      expect(ok(await at("created_date lt '2999-01-01' and item_type eq 'osdi:person'")).total_records).toBe(1);
      const wrong = await at("given_name eq 'Léa'");
      expect(wrong.statusCode).toBe(400);
      expect(wrong.json()['osdi:error'].resource_status[0].error_descriptions[0].error_code).toBe('FILTER_INVALID');
    });

    it('tagging a person, and untagging them, moves their modified_date (an incremental sync sees it)', async () => {
      const tag = ok(await osdi('POST', '/api/v1/tags', { name: 'Sync' }), 201);
      const p = await person('sync@example.org');
      const since = p.modified_date as string;
      const changedSince = async () => {
        const page = ok(await osdi('GET', `/api/v1/people?filter=${encodeURIComponent(`modified_date gt '${since}'`)}`));
        return page._embedded['osdi:people'].map((x: { id: string }) => x.id);
      };
      expect(await changedSince()).not.toContain(p.id);
      const tagging = ok(
        await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: p._links.self.href } } }),
        201,
      );
      const tagged = ok(await osdi('GET', p._links.self.href));
      expect(Date.parse(tagged.modified_date)).toBeGreaterThan(Date.parse(since));
      expect(await changedSince()).toContain(p.id);
      ok(await osdi('DELETE', tagging._links.self.href));
      expect(Date.parse(ok(await osdi('GET', p._links.self.href)).modified_date)).toBeGreaterThan(Date.parse(tagged.modified_date));
    });
  });

  describe('lists and items (lists.md, items.md)', () => {
    it("creates a list, adds a person with the spec's item body, and pages the items", async () => {
      // lists.md, "Creating a new list (POST)".
      const list = ok(
        await osdi('POST', '/api/v1/lists', {
          identifiers: ['foreign_system:1'],
          name: 'Volunteers',
          summary: 'A list containing all of our volunteers',
          origin_system: 'OpenSupporter',
        }),
        201,
      );
      expect(list).toMatchObject({ name: 'Volunteers', description: 'A list containing all of our volunteers', total_items: 0 });
      expect(list._links['osdi:items'].href).toBe(`${list._links.self.href}/items`);
      // "Modifying a list (PUT)".
      expect(ok(await osdi('PUT', list._links.self.href, { name: 'December Volunteers' })).name).toBe('December Volunteers');
      const p = await person('item@example.org');
      // items.md, "Creating a new item (POST)".
      const item = ok(
        await osdi('POST', `${list._links['osdi:items'].href}/`, {
          identifiers: ['foreign_system:1'],
          origin_system: 'OpenSupporter',
          item_type: 'osdi:person',
          _links: { 'osdi:person': { href: p._links.self.href } },
        }),
        201,
      );
      expect(item._links['osdi:list'].href).toBe(list._links.self.href);
      expect(item._links['osdi:person'].href).toBe(p._links.self.href);
      const items = ok(await osdi('GET', list._links['osdi:items'].href));
      expect(items).toMatchObject({ total_records: 1, total_pages: 1 });
      expect(ok(await osdi('GET', p._links['osdi:items'].href))._embedded['osdi:items'][0]._links.self.href).toBe(item._links.self.href);
      expect(ok(await osdi('GET', list._links.self.href)).total_items).toBe(1);
      const lists = ok(await osdi('GET', '/api/v1/lists/'));
      expect(lists._embedded['osdi:lists'].map((l: { id: string }) => l.id)).toContain(list.id);
      // "Deleting an item (DELETE)", "Deleting a list (DELETE)".
      expect(ok(await osdi('DELETE', item._links.self.href)).notice).toEqual(expect.any(String));
      expect(ok(await osdi('DELETE', list._links.self.href)).notice).toEqual(expect.any(String));
    });
  });

  describe('people (people.md, person_signup.md)', () => {
    // people.md, "Creating a new person (POST)": the spec's body as it is.
    const specPerson = {
      identifiers: ['foreign_system:1'],
      family_name: 'Edwin',
      given_name: 'Labadie',
      additional_name: 'Marques',
      origin_system: 'OpenSupporter',
      email_addresses: [{ address: 'test-3@example.com', primary: true, address_type: 'personal', status: 'subscribed' }],
      postal_addresses: [
        {
          primary: true,
          address_lines: ['935 Ed Lock'],
          locality: 'New Dudley',
          region: 'MN',
          postal_code: '17678',
          country: 'RU',
          address_type: 'Home',
          status: 'Verified',
        },
      ],
      phone_numbers: [{ primary: true, number: 19876543210, number_type: 'Mobile', sms_capable: true }],
      gender: 'Male',
      gender_pronouns: { subject: 'They', object: 'Them', posessive: 'Theirs' },
    };
    // person_signup.md, "Creating a new person (POST)", with the helper actions of its example.
    const specSignup = {
      person: {
        identifiers: ['foreign_system:1'],
        family_name: 'Edwin',
        given_name: 'Labadie',
        additional_name: 'Marques',
        origin_system: 'OpenSupporter',
        email_addresses: [{ address: 'test-3@example.com', primary: true, address_type: 'Personal' }],
        postal_addresses: [
          {
            primary: true,
            address_lines: ['935 Ed Lock'],
            locality: 'New Dudley',
            region: 'MN',
            postal_code: '17678',
            country: 'RU',
            address_type: 'Home',
            status: 'Verified',
          },
        ],
        phone_numbers: [{ primary: true, number: 19876543210, number_type: 'Mobile', sms_capable: true }],
        gender: 'Male',
      },
      triggers: {
        autoresponse: {
          identifiers: ['system_1:eb84f0d01dec3b1ffb9e4dca406fa45e', 'system_2:15117b282328146ac6afebaa8acd80e7'],
          enabled: true,
        },
        sms_response: { identifiers: ['system_1:efe398db3439be6bbf00d90e693ec3a3'], enabled: true },
        call_response: { identifiers: ['system_1:83069490-8a17-4131-b13e-f9a44d2b7646'], enabled: true },
      },
      add_tags: ['volunteer', 'donor'],
      add_tags_uri: ['https://osdi-sample-system.org/api/v1/tags/d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3'],
      add_lists: ['supporters'],
      add_lists_uri: ['https://osdi-sample-system.org/api/v1/lists/d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3'],
      add_questions_responses_uri: [
        { question: 'https://osdi-sample-system.org/api/v1/questions/c945d6fe-929e-11e3-a2e9-12313d316c29', responses: ['r1', 'r2', 'r2'] },
        {
          question: 'https://osdi-sample-system.org/api/v1/questions/c945d6fe-929e-11e3-a2e9-12313d316c2a',
          value: 'Heard about the candidate at the Labor Day Picnic',
        },
      ],
    };

    it("creates, reads, changes and signs up a person with the spec's example requests", async () => {
      const created = ok(await osdi('POST', 'https://osdi-sample-system.org/api/v1/people/', specPerson), 201);
      expect(created).toMatchObject({
        given_name: 'Labadie',
        family_name: 'Edwin',
        additional_name: 'Marques',
        origin_system: 'OpenSupporter',
        gender: 'Male',
        email_addresses: [{ address: 'test-3@example.com', primary: true, status: 'subscribed' }],
        phone_numbers: [{ number: '+19876543210', primary: true }],
        postal_addresses: [{ address_lines: ['935 Ed Lock'], locality: 'New Dudley', region: 'MN', postal_code: '17678', country: 'RU' }],
        created_date: expect.any(String),
        modified_date: expect.any(String),
      });
      expect(created.identifiers).toEqual([`relais:${created.id}`, 'foreign_system:1']);
      for (const rel of ['self', 'osdi:taggings', 'osdi:items']) expect(created._links[rel].href, rel).toMatch(/^https?:\/\//);
      // "subscribed" is an e-mail consent in the ledger.
      const ledger = ok(await osdi('GET', `${created._links.self.href}/consents`)).items;
      expect(ledger[0]).toMatchObject({ channel: 'email', status: 'given', source: 'api' });

      // "Retrieving an individual Person resource (GET)" by its link; "Retrieving a collection".
      expect(ok(await osdi('GET', created._links.self.href)).id).toBe(created.id);
      const page = ok(await osdi('GET', 'https://osdi-sample-system.org/api/v1/people/?per_page=25'));
      expect(page).toMatchObject({ page: 1, per_page: 25, total_pages: expect.any(Number), total_records: expect.any(Number) });
      expect(page._links.self.href).toMatch(/^https?:\/\//);
      expect(page._embedded['osdi:people'].map((x: { id: string }) => x.id)).toContain(created.id);

      // "Modifying a person (PUT)".
      const changed = ok(
        await osdi('PUT', `${created._links.self.href}/`, {
          family_name: 'Ed',
          email_addresses: [{ address: 'test-new@example.com', primary: true, address_type: 'personal' }],
        }),
      );
      expect(changed).toMatchObject({ family_name: 'Ed', given_name: 'Labadie', email_addresses: [{ address: 'test-new@example.com' }] });

      // The helper's example links a tag and a list of the sample system's ids: ours here.
      await ctx.database.db
        .insertInto('tag')
        .values({ campaign_id: c.id, id: 'd91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3', name: 'Linked tag' })
        .execute();
      await ctx.database.db
        .insertInto('list')
        .values({ campaign_id: c.id, id: 'd91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3', name: 'Linked list' })
        .execute();
      const aep = ok(await osdi('GET', '/api/v1'));
      const res = await osdi('POST', `${aep._links['osdi:person_signup_helper'].href}/`, specSignup);
      // Matched by its identifier (foreign_system:1): the person above, updated.
      const signed = ok(res, 200);
      expect(signed.id).toBe(created.id);
      expect(signed.tags.map((t: { name: string }) => t.name).sort()).toEqual(['Linked tag', 'donor', 'volunteer']);
      expect(signed.lists.map((l: { name: string }) => l.name).sort()).toEqual(['Linked list', 'supporters']);
      // What was asked and not applied is on the timeline, not dropped: the triggers, the answers.
      const timeline = ok(await osdi('GET', `${created._links.self.href}/activities`))._embedded['relais:timeline'];
      const signupLine = timeline.find((a: { type: string }) => a.type === 'signup');
      expect(signupLine.data).toMatchObject({
        triggers: {
          autoresponse: { enabled: true, status: 'sent' },
          sms_response: { status: 'not_supported' },
          call_response: { status: 'not_supported' },
        },
        not_applied: ['add_questions_responses_uri'],
      });
      // The autoresponse went out (the development outbox stands for the SMTP relay in tests).
      const mails = await ctx.database.db.selectFrom('dev_outbox').selectAll().where('to_address', '=', 'test-new@example.com').execute();
      expect(mails).toHaveLength(1);
    });

    it('creates a new person through the signup helper with lists by name, and through POST /people as Action Network does', async () => {
      const res = await osdi('POST', '/api/v1/people/person_signup_helper', {
        person: { given_name: 'Nina', email_addresses: [{ address: 'nina@example.org' }], postal_addresses: [{ postal_code: 75011 }] },
        add_tags: ['hackathon'],
        add_lists: ['Newsletter OSDI'],
      });
      const nina = ok(res, 201);
      expect(nina.postal_addresses[0].postal_code).toBe('75011');
      expect(nina.lists.map((l: { name: string }) => l.name)).toEqual(['Newsletter OSDI']);
      // Action Network's clients post the helper's body to the people collection.
      const again = ok(
        await osdi('POST', '/api/v1/people', { person: { email_addresses: [{ address: 'nina@example.org' }] }, add_tags: ['second'] }),
      );
      expect(again.id).toBe(nina.id);
      expect(again.tags.map((t: { name: string }) => t.name).sort()).toEqual(['hackathon', 'second']);
    });

    it('ignores the OSDI fields it does not keep, instead of refusing them', async () => {
      const res = await osdi('POST', '/api/v1/people', {
        given_name: 'Inconnu',
        email_addresses: [{ address: 'unknown-fields@example.org', address_type: 'work' }],
        honorific_prefix: 'Dr',
        gender_identity: 'Female',
        party_identification: 'None',
        employer_address: { locality: 'Paris' },
        profiles: [{ provider: 'Mastodon', handle: 'x' }],
        birthdate: { month: 6, day: 2, year: 1973 },
        future_field: { nested: [1, 2, 3] },
      });
      const p = ok(res, 201);
      expect(p).toMatchObject({ given_name: 'Inconnu', birthdate: '1973-06-02' });
      expect(p.honorific_prefix).toBeUndefined();
      // The platform's limits still hold.
      const nul = await osdi('POST', '/api/v1/people', { given_name: 'x', unknown: 'a\u0000b' });
      expect(nul.statusCode).toBe(400);
    });

    it('unsubscribing through the API withdraws the e-mail consent', async () => {
      const p = ok(
        await osdi('POST', '/api/v1/people', { email_addresses: [{ address: 'unsub@example.org', status: 'subscribed' }] }),
        201,
      );
      expect(p.consents.email).toBe(true);
      const res = await osdi('PUT', p._links.self.href, {
        email_addresses: [{ address: 'unsub@example.org', primary: true, status: 'unsubscribed' }],
      });
      const after = ok(res);
      expect(after.email_addresses[0].status).toBe('unsubscribed');
      expect(after.consents.email).toBe(false);
      expect(Date.parse(after.modified_date)).toBeGreaterThan(Date.parse(p.modified_date));
      const ledger = ok(await osdi('GET', `${p._links.self.href}/consents`)).items;
      expect(ledger[0]).toMatchObject({ channel: 'email', status: 'withdrawn', source: 'api' });
      // Saying it again writes nothing more.
      ok(await osdi('PUT', p._links.self.href, { email_addresses: [{ address: 'unsub@example.org', status: 'unsubscribed' }] }));
      expect(ok(await osdi('GET', `${p._links.self.href}/consents`)).items).toHaveLength(2);
    });

    it('filters people with the OSDI grammar: eq ne gt ge lt le, and or not, parentheses, quotes, offsets', async () => {
      const a = ok(
        await osdi('POST', '/api/v1/people', {
          given_name: 'Jane',
          family_name: "O'Brien",
          email_addresses: [{ address: 'jane@example.com' }],
          identifiers: ['crm:42'],
        }),
        201,
      );
      const b = ok(
        await osdi('POST', '/api/v1/people', {
          given_name: 'John',
          family_name: 'Doe',
          email_addresses: [{ address: 'john@example.com' }],
        }),
        201,
      );
      const ids = async (filter: string) => {
        const res = await osdi('GET', `/api/v1/people?per_page=500&filter=${encodeURIComponent(filter)}`);
        return ok(res)._embedded['osdi:people'].map((x: { id: string }) => x.id) as string[];
      };
      expect(await ids("email_address eq 'jane@example.com'")).toEqual([a.id]);
      expect(await ids("email_address eq 'JANE@example.com'")).toEqual([a.id]);
      expect(await ids("family_name eq 'O''Brien'")).toEqual([a.id]);
      expect(await ids("identifiers eq 'crm:42'")).toEqual([a.id]);
      expect(await ids(`identifiers eq 'relais:${b.id}'`)).toEqual([b.id]);
      expect((await ids("given_name eq 'Jane' or given_name eq 'John'")).sort()).toEqual([a.id, b.id].sort());
      expect(await ids("(given_name eq 'Jane' or given_name eq 'John') and family_name ne 'Doe'")).toEqual([a.id]);
      expect(await ids("not (given_name eq 'Jane') and email_address eq 'jane@example.com'")).toEqual([]);
      expect(await ids(`created ge '${a.created_date}' and given_name eq 'John'`)).toEqual([b.id]);
      // The spec's offsets: -05 and -05:00 name the same instant as Z five hours later.
      expect(await ids("modified_date gt '2013-11-17T18:27:35-05' and email_address eq 'john@example.com'")).toEqual([b.id]);
      expect(await ids("modified_date lt '2013-11-17T18:27:35-05:00' and email_address eq 'john@example.com'")).toEqual([]);
      for (const bad of [
        "given_name eq 'Jane",
        'given_name eq',
        "nope eq 'x'",
        "(given_name eq 'x'",
        "given_name like 'x'",
        "modified_date gt '2026-02-30'",
        "email_address gt 'a'",
      ]) {
        const res = await osdi('GET', `/api/v1/people?filter=${encodeURIComponent(bad)}`, undefined, {
          accept: 'application/problem+json',
        });
        expect(res.statusCode, bad).toBe(400);
        expect(res.json().code, bad).toBe('FILTER_INVALID');
      }
    });
  });

  it('keeps the fixture campaign', () => {
    expect(c.id).toBeTruthy();
  });
});
