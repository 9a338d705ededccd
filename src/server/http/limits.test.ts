// Platform limits (issue 12): what an attacker's review made answer 500 or freeze the deployment —
// NUL bytes, unbounded pages, deep or huge JSON, long strings, database errors a client provokes,
// slow export readers holding the pool, slow statements — answered once, for every route.
import { type Kysely, sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, withTenant } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { exportPeopleCsv } from '../modules/segments/index.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  TEST_PASSWORD,
  type TestApp,
  TestClient,
} from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { DEFAULT_MAX_STRING_LENGTH, MAX_JSON_DEPTH } from './validators.ts';

// Statements that make the database refuse a value, as user input could (each a real database error).
const FAILING_SQL: Record<string, (db: Kysely<DB>) => Promise<unknown>> = {
  date: (db) => sql`select ${'2026-02-31'}::date`.execute(db),
  integer: (db) => sql`select ${'99999999999'}::int`.execute(db),
  text: (db) => sql`select ${'douze'}::int`.execute(db),
  nul: (db) => sql`select ${'a\u0000b'}::text`.execute(db),
  params: (db) => sql`select 1 where 1 in (${sql.join(Array.from({ length: 70_000 }, (_, i) => i))})`.execute(db),
  unique: (db) =>
    sql`do $$ begin raise unique_violation using message = 'duplicate key value violates unique constraint "secret_email_key"'; end $$`.execute(
      db,
    ),
  canceled: (db) =>
    sql`do $$ begin raise query_canceled using message = 'canceling statement due to statement timeout'; end $$`.execute(db),
};

describeEachDatabase('platform limits', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'limits');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    t = await buildTestApp(ctx.database, { statementTimeoutMs: 200 }, (app) => {
      app.post(
        '/test/echo',
        {
          schema: {
            body: Type.Object({ note: Type.String(), short: Type.Optional(Type.String({ maxLength: 20_000 })) }),
            querystring: Type.Object({ q: Type.Optional(Type.String()) }),
          },
        },
        async (request) => ({ length: (request.body as { note: string }).note.length }),
      );
      app.post('/test/unchecked', async () => ({}));
      app.get('/test/sql/:name', async (request) => {
        const run = FAILING_SQL[(request.params as { name: string }).name];
        await run?.(ctx.database.db);
        return {};
      });
      app.get('/test/sleep', async () => {
        await withTenant(ctx.database.db, c.id, (trx) => sql`select pg_sleep(2)`.execute(trx), { statementTimeoutMs: 200 });
        return {};
      });
    });
    owner = new TestClient(t.app);
    expect((await owner.login('owner@example.org')).statusCode).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
  });

  const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string) => {
    expect(res.statusCode, JSON.stringify(res.json())).toBe(status);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status, code });
  };

  it('refuses a NUL character in any string, body, query or unauthenticated login, with its pointer', async () => {
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'owner\u0000@example.org', password: TEST_PASSWORD },
    });
    expectProblem(login, 400, 'VALIDATION_FAILED');
    expect(login.json().errors).toEqual([expect.objectContaining({ location: 'body', pointer: '/email' })]);

    const person = await owner.request('POST', '/api/v1/people', { given_name: 'Zoé\u0000', family_name: 'Nul' });
    expectProblem(person, 400, 'VALIDATION_FAILED');
    expect(person.json().errors[0].pointer).toBe('/given_name');

    const search = await owner.request('GET', '/api/v1/people?q=ab%00cd');
    expectProblem(search, 400, 'VALIDATION_FAILED');
    expect(search.json().errors[0]).toMatchObject({ location: 'querystring', pointer: '/q' });
    expect(await ctx.database.db.selectFrom('person').select('id').where('family_name', '=', 'Nul').execute()).toEqual([]);
  });

  it('refuses an infinite number in a query or a body (1e400 passed the integer and maximum checks, then answered 500)', async () => {
    const report = await owner.request('GET', '/api/v1/listening/report?days=1e400');
    expectProblem(report, 400, 'VALIDATION_FAILED');
    expect(report.json().errors[0]).toMatchObject({ location: 'querystring', pointer: '/days' });
    const page = await owner.request('GET', '/api/v1/people?page=1e400');
    expectProblem(page, 400, 'VALIDATION_FAILED');
    // "Infinity" itself is coerced to a number too.
    expectProblem(await owner.request('GET', '/api/v1/canvass/progress/map?days=Infinity'), 400, 'VALIDATION_FAILED');
    const body = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"owner@example.org","password":1e400}',
    });
    expectProblem(body, 400, 'VALIDATION_FAILED');
  });

  it('bounds page numbers (an offset past bigint answered 500)', async () => {
    for (const url of [
      '/api/v1/people?page=1000000000000000000',
      '/api/v1/segments?page=1000000000000000000',
      '/api/v1/people?per_page=100000',
    ]) {
      const res = await owner.request('GET', url);
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
    expect((await owner.request('GET', '/api/v1/people?page=1000000')).statusCode).toBe(200);
  });

  it('refuses deep or huge JSON before any schema validation (300 levels overflowed the segment validator)', async () => {
    let node: unknown = { field: 'consent', cmp: 'given', value: 'email' };
    for (let i = 0; i < 300; i++) node = { op: 'and', children: [node] };
    const deep = await owner.request('POST', '/api/v1/segments/count', { definition: node });
    expectProblem(deep, 400, 'VALIDATION_FAILED');
    expect(deep.json().detail).toContain(`${MAX_JSON_DEPTH} levels`);
    // Also where the route has no schema for the body at all, and nested far deeper than the stack.
    const deeper = await t.app.inject({
      method: 'POST',
      url: '/test/unchecked',
      headers: { 'content-type': 'application/json' },
      payload: `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
    });
    expectProblem(deeper, 400, 'VALIDATION_FAILED');
    const wide = await owner.request('POST', '/api/v1/segments/count', {
      definition: { op: 'and', children: [] },
      extra: Array.from({ length: 30_000 }, () => 0),
    });
    expectProblem(wide, 400, 'VALIDATION_FAILED');
    expect(wide.json().detail).toContain('values');
  });

  it('caps strings whose schema sets no maxLength, and keeps a longer maxLength a schema sets', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { note: 'a'.repeat(DEFAULT_MAX_STRING_LENGTH) } });
    expect(ok.statusCode).toBe(200);
    const long = await t.app.inject({ method: 'POST', url: '/test/echo', payload: { note: 'a'.repeat(DEFAULT_MAX_STRING_LENGTH + 1) } });
    expectProblem(long, 400, 'VALIDATION_FAILED');
    expect(long.json().errors[0].pointer).toBe('/note');
    const own = await t.app.inject({
      method: 'POST',
      url: '/test/echo',
      payload: { note: 'a', short: 'b'.repeat(DEFAULT_MAX_STRING_LENGTH + 1) },
    });
    expect(own.statusCode).toBe(200);
    const query = await t.app.inject({
      method: 'POST',
      url: `/test/echo?q=${'c'.repeat(DEFAULT_MAX_STRING_LENGTH + 1)}`,
      payload: { note: 'a' },
    });
    expectProblem(query, 400, 'VALIDATION_FAILED');
  });

  it('maps what the database refuses to 4xx problems with stable codes, leaking none of its words', async () => {
    const cases: [string, number, string][] = [
      ['date', 422, 'VALUE_OUT_OF_RANGE'],
      ['integer', 422, 'VALUE_OUT_OF_RANGE'],
      ['text', 422, 'INVALID_VALUE'],
      ['nul', 422, 'INVALID_VALUE'],
      ['params', 422, 'REQUEST_TOO_COMPLEX'],
      ['unique', 409, 'CONFLICT'],
      ['canceled', 503, 'QUERY_TIMEOUT'],
    ];
    for (const [name, status, code] of cases) {
      const res = await t.app.inject({ url: `/test/sql/${name}` });
      expectProblem(res, status, code);
      expect(res.body, name).not.toMatch(/secret_email_key|douze|2026-02-31|99999999999|select|bind message|constraint/i);
    }
    expect((await t.app.inject({ url: '/test/sql/canceled' })).headers['retry-after']).toBe('5');
  });

  it('answers concurrent creates of the same tag with one 201 and 409s, never a 500', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => owner.request('POST', '/api/v1/tags', { name: 'Course' })));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.statusCode === 409)) expect(['DUPLICATE_NAME', 'CONFLICT']).toContain(a.json().code);
  });

  it('refuses a segment with too many conditions or values with SEGMENT_TOO_LARGE', async () => {
    const many = Array.from({ length: 51 }, () => ({ field: 'consent', cmp: 'given', value: 'email' }));
    const res = await owner.request('POST', '/api/v1/segments/count', { definition: { op: 'or', children: many } });
    expectProblem(res, 400, 'SEGMENT_TOO_LARGE');
    const zones = Array.from({ length: 2 }, () => ({ field: 'zone', cmp: 'in', value: Array.from({ length: 600 }, () => c.zones[0]!.id) }));
    expectProblem(
      await owner.request('POST', '/api/v1/segments/count', { definition: { op: 'or', children: zones } }),
      400,
      'SEGMENT_TOO_LARGE',
    );
    const fifty = await owner.request('POST', '/api/v1/segments/count', { definition: { op: 'or', children: many.slice(1) } });
    expect(fifty.statusCode).toBe(200);
  });

  it.runIf(ctx.kind === 'postgres')('cuts a request statement at STATEMENT_TIMEOUT_MS and answers 503 QUERY_TIMEOUT', async () => {
    const started = Date.now();
    const res = await t.app.inject({ url: '/test/sleep' });
    expectProblem(res, 503, 'QUERY_TIMEOUT');
    expect(res.headers['retry-after']).toBe('5');
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describeEachDatabase('slow export readers', (ctx) => {
  let small: Database;
  let t: TestApp;
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'readers');
    await createMemberFixture(ctx.database.db, c.id, { email: 'reader@example.org', role: 'owner' });
    // Two connections, a short wait for one: what a deployment's pool of 10 is to ten readers.
    small = ctx.database.url
      ? await openDatabase({ databaseUrl: ctx.database.url, pgliteDir: null, poolSize: 2, acquireTimeoutMs: 300 })
      : ctx.database;
    t = await buildTestApp(small);
  });
  afterAll(async () => {
    await t?.close();
    if (small !== ctx.database) await small?.close();
  });

  const startExport = () =>
    exportPeopleCsv(small, {
      campaignId: c.id,
      zoneScope: null,
      definition: {
        op: 'and',
        children: [{ field: 'ladder_stage', cmp: 'in', value: ['curious', 'sympathizer', 'volunteer', 'activist'] }],
      },
      actor: { userId: null, tokenId: null, label: 'test', ip: null },
    });

  it('holds no connection while readers stall: /healthz and a login still answer', async () => {
    const readers = await Promise.all([startExport(), startExport(), startExport()]);
    const iterators = readers.map((r) => r.chunks[Symbol.asyncIterator]());
    // Each reader takes the header and the first rows, then stops reading.
    for (const it of iterators) {
      expect((await it.next()).value).toContain('prénom');
      expect((await it.next()).value).toContain('Family0');
    }
    try {
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const login = await new TestClient(t.app).login('reader@example.org');
      expect(login.statusCode, login.body).toBe(200);
    } finally {
      for (const it of iterators) await it.return?.(undefined);
    }
  });

  describe.runIf(ctx.kind === 'postgres')('when every connection is taken', () => {
    it('answers 503 SERVICE_UNAVAILABLE with Retry-After instead of waiting for ever', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const taken: Promise<void>[] = [];
      const holders = [0, 1].map(() => {
        const { promise, resolve } = Promise.withResolvers<void>();
        taken.push(promise);
        return small.db.connection().execute(async () => {
          resolve();
          await held;
        });
      });
      await Promise.all(taken);
      try {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'reader@example.org', password: TEST_PASSWORD },
        });
        expect(res.statusCode, res.body).toBe(503);
        expect(res.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        expect(res.headers['retry-after']).toBe('5');
      } finally {
        release();
        await Promise.all(holders);
      }
    });

    it('lets PostgreSQL end a session left idle inside a transaction', async () => {
      const idle = await openDatabase({ databaseUrl: ctx.database.url, pgliteDir: null, poolSize: 1, idleInTransactionTimeoutMs: 100 });
      try {
        const { rows } = await sql<{ v: string }>`select current_setting('idle_in_transaction_session_timeout') as v`.execute(idle.db);
        expect(rows[0]?.v).toBe('100ms');
      } finally {
        await idle.close();
      }
    });
  });
});
