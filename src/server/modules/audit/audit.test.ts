// The audit log names who did what to whom: the actor and a member by the campaign's name for them,
// a token by its name, a person by their name (never once anonymised).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uuidv7 } from '../../lib/ids.ts';
import { buildTestApp, createCampaignFixture, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { insertAuditEvents } from './audit.repo.ts';

describeEachDatabase('audit log', (ctx) => {
  let t: TestApp;
  let owner: TestClient;
  let campaignId: string;
  let personId: string;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const { db } = ctx.database;
    const campaign = await createCampaignFixture(db, 'audit-names');
    campaignId = campaign.id;
    personId = campaign.people[0]?.id as string;
    const ownerId = await createMemberFixture(db, campaignId, { email: 'audit-owner@example.org', role: 'owner' });
    await db.updateTable('membership').set({ display_name: 'Camille Directrice' }).where('user_id', '=', ownerId).execute();
    owner = new TestClient(t.app);
    await owner.login('audit-owner@example.org');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('names the actor, a member, a token and a person', async () => {
    const token = (await owner.request('POST', '/api/v1/api_tokens', { name: 'Tableau de bord', scopes: ['zones:read'] })).json();
    const member = await owner.request('POST', '/api/v1/members', {
      email: 'karim@example.org',
      display_name: 'Karim Benali',
      role: 'volunteer',
      password: 'correct-horse-battery-staple',
    });
    expect(member.statusCode, member.body).toBe(201);
    await insertAuditEvents(ctx.database.db, [
      { campaignId, action: 'person.erased', actorLabel: 'retention policy', targetType: 'person', targetId: personId, details: {} },
      { campaignId, action: 'person.erased', actorLabel: 'retention policy', targetType: 'person', targetId: uuidv7(), details: {} },
    ]);
    const events = (await owner.request('GET', '/api/v1/audit_events')).json()._embedded.audit_events as Array<{
      action: string;
      actor_name: string | null;
      target_id: string | null;
      target_name: string | null;
    }>;
    const of = (action: string) => events.filter((e) => e.action === action);
    expect(of('token.created')[0]).toMatchObject({ actor_name: 'Camille Directrice', target_id: token.id, target_name: 'Tableau de bord' });
    expect(of('member.added')[0]).toMatchObject({ actor_name: 'Camille Directrice', target_name: 'Karim Benali' });
    expect(of('person.erased').map((e) => [e.actor_name, e.target_name])).toEqual(
      expect.arrayContaining([
        [null, 'Given0 Family0'],
        [null, null],
      ]),
    );
  });
});
