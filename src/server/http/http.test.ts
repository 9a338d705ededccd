// HTTP conventions: problem documents, request ids, security headers, health, API entry and OpenAPI.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';

describeEachDatabase('http conventions', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers /healthz with the database kind', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: ctx.kind });
  });

  it('answers /healthz over a real socket with the same body and headers as the route', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
    const routed = await t.app.inject({ url: '/healthz' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(routed.body);
    expect(res.headers.get('x-request-id')).toBe('probe-1');
    for (const header of ['content-security-policy', 'x-content-type-options', 'strict-transport-security', 'content-type']) {
      expect(res.headers.get(header), header).toBe(String(routed.headers[header]));
    }
    // Everything else still goes through Fastify.
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/nope`)).status).toBe(404);
  });

  it('gives every response a request id, echoing the caller one', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers['x-request-id']).toBe('abc-123');
    const fresh = await t.app.inject({ url: '/healthz' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets helmet security headers', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers unknown routes with a problem document', async () => {
    const res = await t.app.inject({ url: '/api/v1/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND', status: 404, title: 'Route not found' });
    expect(res.json().type).toMatch(/^https:\/\//);
  });

  it('answers paths that do not decode, or whose parameter is too long, with a problem document', async () => {
    // Found by routes.fuzz.test.ts: Fastify answered these itself, in plain JSON with its own codes.
    for (const [url, status, code] of [
      ['/api/v1/people/%ZZ', 400, 'VALIDATION_FAILED'],
      ['/api/v1/segments/%C0%80/people', 400, 'VALIDATION_FAILED'],
      [`/api/v1/people/${'x'.repeat(500)}`, 414, 'URI_TOO_LONG'],
    ] as const) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(status);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json(), url).toMatchObject({ code, status, instance: url.split('?')[0] });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-request-id']).toBe(res.json().request_id);
    }
  });

  it('answers anonymous API calls with 401 UNAUTHENTICATED', async () => {
    const res = await t.app.inject({ url: '/api/v1/dashboard' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('UNAUTHENTICATED');
  });

  it('answers invalid bodies with VALIDATION_FAILED and where it failed', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'a@b.fr' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().errors[0]).toMatchObject({ location: 'body' });
  });

  it('answers malformed JSON and wrong media types with stable codes', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    const media = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(media.statusCode).toBe(415);
    expect(media.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('serves an OSDI-style entry point linking the collections', async () => {
    const res = await t.app.inject({ url: '/api/v1' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.osdi_version).toBe('1.2.0');
    expect(Object.keys(body._links)).toEqual(expect.arrayContaining(['self', 'relais:zones', 'relais:api_tokens', 'relais:jobs']));
  });

  it('publishes the OpenAPI document and its reader', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/api_tokens', '/api/v1/dashboard', '/healthz']),
    );
    expect(doc.paths['/api/v1/api_tokens'].post.requestBody).toBeDefined();
    const docs = await t.app.inject({ url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });
});
