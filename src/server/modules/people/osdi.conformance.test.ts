// OSDI conformance: the requests of the OSDI specification (opensupporter/osdi-docs: aep.md,
// people.md, person_signup.md, tags.md, taggings.md, lists.md, items.md, README's filtering and
// authentication), sent as an OSDI client sends them — an API token in `OSDI-API-Token`, HAL+JSON,
// the spec's URLs with their trailing slashes, links followed as given — and the answers checked for
// the spec's shapes and link relations. The example bodies are the spec's own, quoted as test data.
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FixtureCampaign, TestClient, useOwnerApp } from '../../testing/app.ts';
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
      scopes: ['people.read', 'people.write'],
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
      expect((await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: p._links.self.href } } })).statusCode).toBe(200);
      // "Retrieving an individual Tagging resource (GET)" and the collections of the tag and of the person.
      expect(ok(await osdi('GET', tagging._links.self.href))._links.self.href).toBe(tagging._links.self.href);
      const ofTag = ok(await osdi('GET', tag._links['osdi:taggings'].href));
      expect(ofTag).toMatchObject({ total_records: 1, total_pages: 1, page: 1 });
      expect(ofTag._embedded['osdi:taggings'][0]._links.self.href).toBe(tagging._links.self.href);
      const ofPerson = ok(await osdi('GET', p._links['osdi:taggings'].href));
      expect(ofPerson._embedded['osdi:taggings'].map((t: { _links: { 'osdi:tag': { href: string } } }) => t._links['osdi:tag'].href)).toEqual([
        tag._links.self.href,
      ]);
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

    it("tagging a person, and untagging them, moves their modified_date (an incremental sync sees it)", async () => {
      const tag = ok(await osdi('POST', '/api/v1/tags', { name: 'Sync' }), 201);
      const p = await person('sync@example.org');
      const since = p.modified_date as string;
      const changedSince = async () => {
        const page = ok(await osdi('GET', `/api/v1/people?filter=${encodeURIComponent(`modified_date gt '${since}'`)}`));
        return page._embedded['osdi:people'].map((x: { id: string }) => x.id);
      };
      expect(await changedSince()).not.toContain(p.id);
      const tagging = ok(await osdi('POST', tag._links['osdi:taggings'].href, { _links: { 'osdi:person': { href: p._links.self.href } } }), 201);
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

  it('keeps the fixture campaign', () => {
    expect(c.id).toBeTruthy();
  });
});
