// OSDI messages as the spec's messages page describes them, beside the queries they target: saved
// segments as OSDI queries (collection, one, counted within the caller's zones, in the API entry
// point), message targets written and read as links to queries and lists, and the statistics.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { recordConsents } from '../consent/index.ts';
import { suppressAddress } from './suppression.ts';

const API = 'https://relais.campagne.test/api/v1';
const BLOCKS = { blocks: [{ type: 'paragraph', text: 'Bonjour' }] };

describeEachDatabase('OSDI queries and message targets', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;
  let segmentId: string;
  let listId: string;
  let excludedListId: string;
  const people: Record<string, string> = {};
  const tenant = () => tenantRunnerOf(ctx.database.db, c.id);

  beforeAll(async () => {
    t = await buildTestApp(ctx.database, { publicUrl: 'https://relais.campagne.test' });
    c = await createCampaignFixture(ctx.database.db, 'osdi-targets');
    const [z1, z2] = c.zones.map((z) => z.id) as [string, string];
    for (const [key, zone] of [
      ['alice', z1],
      ['bruno', z2],
      ['chloe', z2],
    ] as const) {
      const id = uuidv7();
      people[key] = id;
      await ctx.database.db
        .insertInto('person')
        .values({ campaign_id: c.id, id, given_name: key, family_name: key, email: `${key}@exemple.test`, zone_ids: [zone] })
        .execute();
      await tenant()((trx) => recordConsents(trx, [{ campaignId: c.id, personId: id, channel: 'email', status: 'given', source: 'form' }]));
    }
    listId = uuidv7();
    excludedListId = uuidv7();
    await ctx.database.db
      .insertInto('list')
      .values([
        { campaign_id: c.id, id: listId, name: 'Lettre' },
        { campaign_id: c.id, id: excludedListId, name: 'Exclus' },
      ])
      .execute();
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'ref@example.org', role: 'referent', zoneIds: [z1] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref@example.org');
    const segment = await owner.request('POST', '/api/v1/segments', {
      name: 'Tout le monde',
      definition: { op: 'and', children: [{ field: 'consent', cmp: 'given', value: 'email' }] },
    });
    expect(segment.statusCode, segment.body).toBe(201);
    segmentId = segment.json().id;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('exposes segments as OSDI queries, counted within the caller’s zones, named in the API entry point', async () => {
    const aep = await owner.request('GET', '/api/v1');
    expect(aep.json()._links['osdi:queries'].href).toBe(`${API}/queries`);
    const page = await owner.request('GET', '/api/v1/queries');
    expect(page.statusCode, page.body).toBe(200);
    const [query] = page.json()._embedded['osdi:queries'];
    expect(query).toMatchObject({
      id: segmentId,
      name: 'Tout le monde',
      item_type: 'osdi:person',
      total_items: 3,
      origin_system: 'Relais',
      _links: { self: { href: `${API}/queries/${segmentId}` }, 'osdi:people': { href: `${API}/segments/${segmentId}/people` } },
    });
    // The description is the definition: enough to recreate the query in Relais, as queries.md asks.
    expect(JSON.parse(query.description)).toEqual({ op: 'and', children: [{ field: 'consent', cmp: 'given', value: 'email' }] });
    const mine = await referent.request('GET', `/api/v1/queries/${segmentId}`);
    expect(mine.json().total_items).toBe(1);
    const missing = await owner.request('GET', `/api/v1/queries/${uuidv7()}`);
    expect(missing.statusCode).toBe(404);
  });

  it('writes targets as links to queries and lists and reads them back so, exclusions kept', async () => {
    const created = await owner.request('POST', '/api/v1/messages', {
      name: 'Cibles',
      subject: 'Bonjour',
      content: BLOCKS,
      targets: [{ href: `${API}/queries/${segmentId}` }, { href: `/api/v1/lists/${listId}/` }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const m = created.json();
    expect(m.targets).toEqual([{ href: `${API}/queries/${segmentId}` }, { href: `${API}/lists/${listId}` }]);
    expect(m.audience).toEqual({ segment_ids: [segmentId], list_ids: [listId] });

    const excluded = await owner.request('PUT', `/api/v1/messages/${m.id}`, {
      audience: { list_ids: [listId], exclude_list_ids: [excludedListId] },
    });
    expect(excluded.json().targets).toEqual([{ href: `${API}/lists/${listId}` }]);
    // The spec's "adding targets to a message": the targets replace the segments and lists, the exclusions stay.
    const retargeted = await owner.request('PUT', `/api/v1/messages/${m.id}`, { targets: [{ href: `${API}/queries/${segmentId}` }] });
    expect(retargeted.statusCode, retargeted.body).toBe(200);
    expect(retargeted.json().targets).toEqual([{ href: `${API}/queries/${segmentId}` }]);
    expect(retargeted.json().audience).toEqual({ segment_ids: [segmentId], list_ids: [], exclude_list_ids: [excludedListId] });
    const audience = await owner.request('GET', `/api/v1/messages/${m.id}/audience`);
    expect(audience.json().total).toBe(3);

    const wrong = await owner.request('PUT', `/api/v1/messages/${m.id}`, { targets: [{ href: `${API}/people/${people.alice}` }] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('MAILING_AUDIENCE_INVALID');
  });

  it('gives OSDI statistics: sent, delivered, opened, clicked, unsubscribed, bounced (human events only)', async () => {
    const created = await owner.request('POST', '/api/v1/messages', {
      name: 'Envoyé',
      subject: 'Bonjour',
      content: BLOCKS,
      targets: [{ href: `${API}/lists/${listId}` }],
    });
    const id = created.json().id as string;
    expect(created.json().statistics).toMatchObject({ sent: 0, opened: 0, clicked: 0 });
    const recipients = { alice: uuidv7(), bruno: uuidv7(), chloe: uuidv7() };
    const at = new Date();
    await tenant()(async (trx) => {
      await trx.updateTable('mailing').set({ status: 'sent', started_at: at, finished_at: at }).where('id', '=', id).execute();
      await trx
        .insertInto('mailing_recipient')
        .values(
          Object.entries(recipients).map(([key, rid]) => ({
            campaign_id: c.id,
            id: rid,
            mailing_id: id,
            person_id: people[key] as string,
            email: `${key}@exemple.test`,
            status: 'sent' as const,
            sent_at: at,
            zone_ids: [],
          })),
        )
        .execute();
      const event = (key: keyof typeof recipients, kind: 'open' | 'click', classification: 'human' | 'apple_proxy') => ({
        campaign_id: c.id,
        id: uuidv7(),
        mailing_id: id,
        recipient_id: recipients[key],
        person_id: people[key] as string,
        kind,
        link_index: kind === 'click' ? 0 : null,
        classification,
        at,
      });
      await trx
        .insertInto('mail_event')
        .values([event('alice', 'open', 'human'), event('alice', 'click', 'human'), event('bruno', 'open', 'apple_proxy')])
        .execute();
      await suppressAddress(trx, c.id, 'bruno@exemple.test', 'unsubscribed', { mailing_id: id, recipient_id: recipients.bruno });
      await suppressAddress(trx, c.id, 'chloe@exemple.test', 'hard_bounce', { mailing_id: id, recipient_id: recipients.chloe });
    });
    const read = await owner.request('GET', `/api/v1/messages/${id}`);
    expect(read.json().statistics).toEqual({
      queued: 0,
      sending: 0,
      sent: 3,
      failed: 0,
      skipped: 0,
      held: 0,
      delivered: 2,
      opened: 1,
      clicked: 1,
      unsubscribed: 1,
      bounced: 1,
      spam_reports: 0,
    });
  });
});
