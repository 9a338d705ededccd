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

  it('keeps the fixture campaign', () => {
    expect(c.id).toBeTruthy();
  });
});
