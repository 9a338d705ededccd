// Test application: the real app over a fresh test database, plus fixtures (campaigns, members,
// zones) and a small HTTP client that signs in like the back office does.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { type Config, loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { Role } from '../db/schema.ts';
import { uuidv7 } from '../lib/ids.ts';
import { createUser } from '../modules/identity/index.ts';
import { appOf, openRuntime, type Runtime } from '../runtime.ts';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  close(): Promise<void>;
}

/**
 * The real application over a test database (log silent, no web build needed); `extend` may add
 * test-only routes before it is ready.
 */
export async function buildTestApp(
  database: Database,
  overrides: Partial<Config> = {},
  extend?: (app: FastifyInstance) => void,
): Promise<TestApp> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' }, { webDistDir: '/nonexistent', ...overrides });
  const runtime = await openRuntime(config, database);
  const app = await appOf(runtime);
  extend?.(app);
  await app.ready();
  return {
    app,
    runtime,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

export interface FixtureCampaign {
  id: string;
  slug: string;
  zones: { id: string; code: string }[];
  /** People rows: one per zone. */
  people: { id: string; zoneId: string }[];
}

/** A campaign with a layer of two zones (codes 1 and 2) and one person in each. */
export async function createCampaignFixture(db: Database['db'], slug: string): Promise<FixtureCampaign> {
  const id = uuidv7();
  await db
    .insertInto('campaign')
    .values({ id, slug, name: `Campaign ${slug}`, city: 'Testville' })
    .execute();
  const layerId = uuidv7();
  await db.insertInto('zone_layer').values({ campaign_id: id, id: layerId, code: 'arrondissement', name: 'Arrondissements' }).execute();
  const zones = [1, 2].map((n) => ({ id: uuidv7(), code: String(n) }));
  await db
    .insertInto('zone')
    .values(
      zones.map((z, i) => ({
        campaign_id: id,
        id: z.id,
        layer_id: layerId,
        code: z.code,
        name: `Zone ${z.code}`,
        parent_id: null,
        geometry: JSON.stringify({
          type: 'Polygon',
          coordinates: [
            [
              [i, 0],
              [i + 1, 0],
              [i + 1, 1],
              [i, 1],
              [i, 0],
            ],
          ],
        }),
        bbox: [i, 0, i + 1, 1],
        centroid: [i + 0.5, 0.5],
      })),
    )
    .execute();
  const people = zones.map((z) => ({ id: uuidv7(), zoneId: z.id }));
  await db
    .insertInto('person')
    .values(
      people.map((p, i) => ({
        campaign_id: id,
        id: p.id,
        given_name: `Given${i}`,
        family_name: `Family${i}`,
        email: `person${i}.${slug}@example.org`,
        zone_ids: [p.zoneId],
        ladder_stage: i === 0 ? ('curious' as const) : ('volunteer' as const),
      })),
    )
    .execute();
  return { id, slug, zones, people };
}

/** Creates an account member of a campaign with a role (and zones for a referent). */
export async function createMemberFixture(
  db: Database['db'],
  campaignId: string,
  options: { email: string; role: Role; zoneIds?: string[] },
): Promise<string> {
  const existing = await db.selectFrom('staff_user').select('id').where('email', '=', options.email).executeTakeFirst();
  const userId =
    existing?.id ??
    (await createUser(db, { email: options.email, displayName: options.email.split('@')[0] ?? 'x', password: TEST_PASSWORD }));
  await db
    .insertInto('membership')
    .values({ campaign_id: campaignId, user_id: userId, role: options.role, zone_ids: options.zoneIds ?? [] })
    .execute();
  return userId;
}

/** A signed-in client: carries the session cookie and the CSRF header like the back office. */
export class TestClient {
  cookie = '';
  csrf = '';
  readonly app: FastifyInstance;
  constructor(app: FastifyInstance) {
    this.app = app;
  }

  /** Signs in; throws with the problem document when it fails. */
  async login(email: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode === 200) {
      const setCookie = res.cookies.find((c) => c.name === 'relais_session');
      this.cookie = `relais_session=${setCookie?.value}`;
      this.csrf = res.json().csrf_token;
    }
    return res;
  }

  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
    return this.app.inject({
      method,
      url,
      headers: { cookie: this.cookie, ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}) },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  }
}

export interface OwnerAppContext {
  readonly t: TestApp;
  readonly c: FixtureCampaign;
  readonly owner: TestClient;
}

/**
 * Declares, inside a describe block, the usual set-up of a module test: the app over the suite's
 * database, a fixture campaign and its owner signed in (owner@example.org); closed after the suite.
 */
export function useOwnerApp(ctx: { readonly database: Database }, slug: string): OwnerAppContext {
  let state: OwnerAppContext | undefined;
  beforeAll(async () => {
    const t = await buildTestApp(ctx.database);
    const c = await createCampaignFixture(ctx.database.db, slug);
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    const owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    state = { t, c, owner };
  });
  afterAll(async () => {
    await state?.t.close();
  });
  const get = (): OwnerAppContext => {
    if (!state) throw new Error('useOwnerApp: suite not set up');
    return state;
  };
  return {
    get t() {
      return get().t;
    },
    get c() {
      return get().c;
    },
    get owner() {
      return get().owner;
    },
  };
}
