// The fuzzing bench shared by the *.fuzz.test.ts files and bench/fuzz.ts: a campaign with rows of
// every kind, four callers (owner and zone-scoped referent signed in, an API token, nobody), and the
// property every answer must have (issue 12): a 2xx/3xx, or a 4xx problem+json with a known code,
// within a time bound, and the database unchanged after a 4xx.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Database } from '../../db/database.ts';
import { knownErrorCodes } from '../../http/problem.ts';
import { buildTestApp, createCampaignFixture, createMemberFixture, type FixtureCampaign, type TestApp, TestClient } from '../app.ts';
import { multipartOf } from '../multipart.ts';
import { changedTables, databaseFingerprint } from './fingerprint.ts';
import type { FuzzRequest } from './requests.ts';

/** Longest a request may take to answer. */
export const ANSWER_BOUND_MS = 5_000;

/**
 * How many cases each property runs: `FUZZ_RUNS` (a multiple of the suite's size, 1 by default)
 * raises it; `FUZZ_SEED` replays a run (fast-check prints the seed and path of a failure).
 */
export function fuzzSettings(base: number): { numRuns: number; seed?: number } {
  const scale = Number(process.env.FUZZ_RUNS ?? '1');
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
  return {
    numRuns: Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1))),
    ...(seed !== undefined ? { seed } : {}),
  };
}

/** The test timeout of a property of `base` runs: room for every run at its bound, scaled like the runs. */
export function fuzzTimeout(base: number, perRunMs = 1_000): number {
  return 60_000 + fuzzSettings(base).numRuns * perRunMs;
}

export type CallerName = 'owner' | 'referent' | 'token' | 'anonymous';

export interface FuzzBench {
  t: TestApp;
  campaign: FixtureCampaign;
  callers: Record<CallerName, (request: FuzzRequest) => Promise<LightMyRequestResponse>>;
  /** Ids of rows that exist, for path parameters and uuid fields. */
  ids: string[];
  /** E-mail addresses that exist. */
  emails: string[];
  close(): Promise<void>;
}

/** Opens the app over the database with a campaign holding a row of each kind, and the four callers. */
export async function openFuzzBench(database: Database, slug: string): Promise<FuzzBench> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'relais-fuzz-'));
  const t = await buildTestApp(database, { dataDir });
  const campaign = await createCampaignFixture(database.db, slug);
  const ownerEmail = `owner@${slug}.test`;
  const referentEmail = `referent@${slug}.test`;
  await createMemberFixture(database.db, campaign.id, { email: ownerEmail, role: 'owner' });
  await createMemberFixture(database.db, campaign.id, { email: referentEmail, role: 'referent', zoneIds: [campaign.zones[0]!.id] });
  // A member the fuzzer may edit or remove (the callers' own memberships stay out of the id pool).
  const spareId = await createMemberFixture(database.db, campaign.id, { email: `spare@${slug}.test`, role: 'volunteer' });
  // Each sign-in from an address of its own: the fuzzed sign-ins (from 127.0.0.1) and the sign-ins
  // again after a fuzzed sign-out would otherwise hit the rate limit (20 a minute per address).
  let signIns = 0;
  const signIn = async (email: string) => {
    const client = new TestClient(t.app);
    signIns += 1;
    const remoteAddress = `198.18.${Math.floor(signIns / 250) % 250}.${(signIns % 250) + 1}`;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      payload: { email, password: 'correct-horse-battery' },
    });
    if (res.statusCode !== 200) throw new Error(`sign-in of ${email}: ${res.body}`);
    client.cookie = `relais_session=${res.cookies.find((c) => c.name === 'relais_session')?.value}`;
    client.csrf = res.json().csrf_token;
    return client;
  };
  const owner = await signIn(ownerEmail);
  const referent = await signIn(referentEmail);
  const ok = async (res: Promise<LightMyRequestResponse>) => {
    const answer = await res;
    if (answer.statusCode >= 300) throw new Error(`fixture request failed: ${answer.body}`);
    return answer.json();
  };
  const scopes = (await ok(owner.request('GET', '/api/v1/api_tokens/scopes'))).scopes;
  const scopeIds: string[] = scopes.map((s: { id: string }) => s.id).slice(0, 50);
  const token = (await ok(owner.request('POST', '/api/v1/api_tokens', { name: 'fuzz', scopes: scopeIds }))).token as string;
  const spareToken = await ok(owner.request('POST', '/api/v1/api_tokens', { name: 'spare', scopes: scopeIds.slice(0, 1) }));
  const tag = await ok(owner.request('POST', '/api/v1/tags', { name: 'Fuzz' }));
  const list = await ok(owner.request('POST', '/api/v1/lists', { name: 'Fuzz' }));
  const field = await ok(owner.request('POST', '/api/v1/custom_fields', { key: 'fuzz', label: 'Fuzz', type: 'text' }));
  const segment = await ok(
    owner.request('POST', '/api/v1/segments', {
      name: 'Fuzz',
      definition: { op: 'and', children: [{ field: 'tag', cmp: 'has', value: tag.id }] },
    }),
  );
  const upload = multipartOf('fuzz.csv', Buffer.from('Courriel;Nom\nfuzz@example.org;Fuzz\n'));
  const imported = await ok(
    t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      payload: upload.payload,
      headers: { ...upload.headers, cookie: owner.cookie, 'x-csrf-token': owner.csrf },
    }),
  );
  const sessions = { owner, referent };
  const emails = { owner: ownerEmail, referent: referentEmail };
  const asSession = (name: 'owner' | 'referent') => async (request: FuzzRequest) => {
    const client = sessions[name];
    const res = await t.app.inject({
      method: request.method,
      url: request.url,
      headers: { ...request.headers, cookie: client.cookie, 'x-csrf-token': client.csrf },
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
    });
    // Signing out (or out everywhere) is allowed: sign in again for the next cases.
    if (res.statusCode < 300 && /\/auth\/logout/.test(request.url)) sessions[name] = await signIn(emails[name]);
    return res;
  };
  return {
    t,
    campaign,
    callers: {
      owner: asSession('owner'),
      referent: asSession('referent'),
      token: (request) =>
        t.app.inject({
          method: request.method,
          url: request.url,
          headers: { ...request.headers, authorization: `Bearer ${token}` },
          ...(request.payload !== undefined ? { payload: request.payload } : {}),
        }),
      anonymous: (request) =>
        t.app.inject({
          method: request.method,
          url: request.url,
          headers: request.headers,
          ...(request.payload !== undefined ? { payload: request.payload } : {}),
        }),
    },
    ids: [
      ...campaign.people.map((p) => p.id),
      ...campaign.zones.map((z) => z.id),
      spareId,
      spareToken.id,
      tag.id,
      list.id,
      field.id,
      segment.id,
      imported.id,
    ],
    emails: [ownerEmail, referentEmail, `spare@${slug}.test`, 'person0.fuzz@example.org'],
    async close() {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Tables a refused request may write to, by route: a failed sign-in counts the failure against the
 * e-mail and client (login_throttle) and, for an account that exists, audits it.
 */
const WRITES_ON_REFUSAL: Record<string, readonly string[]> = {
  'POST /api/v1/auth/login': ['audit_event', 'login_throttle'],
};

/**
 * Routes that answer before their work ends: a password reset answers 202 at once (its time must
 * not tell whether the account exists), then writes the link, the mail and, last, an audit event.
 * Before the next case, the harness waits for that last write when the e-mail names an account.
 */
async function settleLateWork(database: Database, route: string, request: FuzzRequest, answered: number, mark: number | null) {
  if (route !== 'POST /api/v1/auth/password-reset' || answered >= 300 || mark === null) return;
  let email: unknown;
  try {
    email = JSON.parse(String(request.payload)).email;
  } catch {
    return;
  }
  if (typeof email !== 'string') return;
  const account = await database.db
    .selectFrom('staff_user')
    .select('id')
    .where('email', '=', email.trim())
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!account) return;
  await expect.poll(() => resetAuditCount(database), { timeout: ANSWER_BOUND_MS, interval: 20 }).toBeGreaterThan(mark);
}

async function resetAuditCount(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('action', '=', 'auth.password_reset_requested')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The callers as an arbitrary. */
export const callerNames = fc.constantFrom<CallerName>('owner', 'referent', 'token', 'anonymous');

/**
 * Sends a request and checks the property: under 500, a 4xx being problem+json with a known code,
 * within ANSWER_BOUND_MS, and leaving the database as it was when refused (the work a route does
 * after answering is waited for: settleLateWork). `route` names the
 * operation ("POST /api/v1/people") for the writes a refusal may make.
 */
export async function expectSoundAnswer(
  database: Database,
  request: FuzzRequest,
  send: (request: FuzzRequest) => Promise<LightMyRequestResponse>,
  route: string,
): Promise<LightMyRequestResponse> {
  const before = await databaseFingerprint(database.db);
  const mark = route === 'POST /api/v1/auth/password-reset' ? await resetAuditCount(database) : null;
  const started = performance.now();
  // A request that never answers fails here, with its counterexample, instead of hanging the run.
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    send(request),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${route}: no answer within ${2 * ANSWER_BOUND_MS} ms (a hang)`)), 2 * ANSWER_BOUND_MS);
    }),
  ]).finally(() => clearTimeout(timer));
  const ms = performance.now() - started;
  await settleLateWork(database, route, request, res.statusCode, mark);
  const what = `${route} → ${res.statusCode} ${res.body.slice(0, 500)}`;
  expect(res.statusCode, what).toBeLessThan(500);
  expect(ms, `${what} took ${Math.round(ms)} ms`).toBeLessThan(ANSWER_BOUND_MS);
  if (res.statusCode >= 400) {
    expect(String(res.headers['content-type']), what).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(knownErrorCodes(), what).toContain(problem.code);
    expect(problem.status, what).toBe(res.statusCode);
    const allowed = new Set(WRITES_ON_REFUSAL[route] ?? []);
    const changed = changedTables(before, await databaseFingerprint(database.db)).filter((table) => !allowed.has(table));
    expect(changed, `${what} changed the database`).toEqual([]);
  }
  return res;
}
