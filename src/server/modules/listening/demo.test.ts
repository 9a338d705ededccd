// The demo's listening, as a new user finds it on `npm start`: a watch on the campaign's own feed,
// mentions in the inbox (some handled and answered within the hour, by day and at night), key
// messages, and a reply on the candidate's account that waits for her approval — which she gives.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { seedDemoFactchecks } from '../factchecks/index.ts';
import { seedDemoListening } from './index.ts';

describeEachDatabase('listening demo', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let cm: TestClient;
  let candidate: TestClient;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database, { listening: { secretKey: randomBytes(32), allowNetworks: ['127.0.0.0/8'] } });
    c = await createCampaignFixture(ctx.database.db, 'listening-demo');
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@demo.relais.fr', role: 'community_manager' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'candidate.demo@example.org', role: 'candidate' });
    await seedDemoFactchecks(ctx.database.db, c.id);
    await seedDemoListening(ctx.database.db, t.app.deps.config, c.id);
    cm = new TestClient(t.app);
    candidate = new TestClient(t.app);
    await cm.login('cm@demo.relais.fr');
    await candidate.login('candidate.demo@example.org');
  });

  it('watches a local feed, fills the inbox and the report, and keeps key messages', async () => {
    const watches = (await cm.request('GET', '/api/v1/listening/watches')).json()._embedded.watches;
    const local = watches.find((w: { active: boolean }) => w.active);
    expect(local).toMatchObject({ source: 'rss', feed_url: `${t.app.deps.config.publicUrl}/le-vrai-du-faux/rss.xml` });
    const inbox = (await cm.request('GET', '/api/v1/listening/mentions?status=new')).json();
    expect(inbox.total_records).toBeGreaterThan(0);
    expect(inbox._embedded.mentions.some((m: { urgency: string }) => m.urgency === 'high')).toBe(true);
    const report = (await cm.request('GET', '/api/v1/listening/report?days=30')).json();
    expect(report.all.answered).toBeGreaterThan(0);
    expect(report.day.answered_within_hour).toBeGreaterThan(0);
    expect(report.night.answered_within_hour + report.day.answered_within_hour).toBe(report.all.answered_within_hour);
    expect(report.by_week.length).toBeGreaterThan(1);
    const keys = (await cm.request('GET', '/api/v1/listening/key_messages')).json()._embedded.key_messages;
    expect(keys).toHaveLength(4);
    // One cites the demo's published fact check on housing.
    const cited = keys.find((k: { factcheck: unknown }) => k.factcheck);
    expect(cited.factcheck).toMatchObject({ status: 'published', url: expect.stringMatching(/\/le-vrai-du-faux\/paris-a-perdu/) });
  });

  it("has a reply waiting for the candidate's approval on her own account, which she approves", async () => {
    const queue = (await candidate.request('GET', '/api/v1/listening/drafts?status=pending_approval')).json()._embedded.drafts;
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({ account_kind: 'candidate', mention_text: expect.stringContaining('logement') });
    // The community manager cannot publish it; the candidate approves it.
    expect((await cm.request('POST', `/api/v1/listening/drafts/${queue[0].id}/publish`)).json().code).toBe('LISTENING_APPROVAL_REQUIRED');
    const approved = await candidate.request('POST', `/api/v1/listening/drafts/${queue[0].id}/approve`, {});
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'scheduled', approved_by: expect.any(String) });
  });
});
