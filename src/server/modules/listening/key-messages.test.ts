// Key messages linked to fact checks ("le vrai du faux"): the link is checked when saved, the
// message shows the check's page once it is published (never before), and deleting the check unlinks
// the message without deleting it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('listening key messages and fact checks', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let cm: TestClient;
  let owner: TestClient;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    c = await createCampaignFixture(ctx.database.db, 'keymessages');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    owner = new TestClient(t.app);
    cm = new TestClient(t.app);
    await owner.login('owner@example.org');
    await cm.login('cm@example.org');
  });
  afterAll(() => t.close());

  it('links a key message to a fact check, cited once the check is published, unlinked when the check goes', async () => {
    const check = (
      await cm.request('POST', '/api/v1/factchecks', {
        claim: 'Le budget des crèches a baissé de moitié',
        claimant: 'Un tract adverse',
        verdict: 'faux',
      })
    ).json();
    expect(check.id).toEqual(expect.any(String));

    const unknown = await cm.request('POST', '/api/v1/listening/key_messages', {
      theme: 'education',
      kind: 'answer',
      title: 'Crèches',
      body: 'Le budget a augmenté.',
      factcheck_id: '00000000-0000-7000-8000-000000000000',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('VALIDATION_FAILED');

    const created = await cm.request('POST', '/api/v1/listening/key_messages', {
      theme: 'education',
      kind: 'answer',
      title: 'Crèches',
      body: 'Le budget des crèches a augmenté de 4 % cette année.',
      factcheck_id: check.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    // A draft check is linked but not citable: nobody outside may read it yet.
    expect(created.json().factcheck).toMatchObject({ id: check.id, status: 'draft', url: null, verdict_fr: 'Faux' });

    await cm.request('POST', `/api/v1/factchecks/${check.id}/submit`);
    const published = await owner.request('POST', `/api/v1/factchecks/${check.id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    const listed = (await cm.request('GET', '/api/v1/listening/key_messages')).json()._embedded.key_messages;
    expect(listed).toHaveLength(1);
    expect(listed[0].factcheck.url).toBe(published.json().public_url);
    expect(listed[0].factcheck.url).toMatch(/\/le-vrai-du-faux\/[a-z0-9-]+$/);
    expect((await t.app.inject({ url: new URL(listed[0].factcheck.url).pathname })).statusCode).toBe(200);

    // Changing the message without naming the check keeps the link; null removes it.
    const kept = await cm.request('PUT', `/api/v1/listening/key_messages/${created.json().id}`, {
      theme: 'education',
      kind: 'answer',
      title: 'Crèches (chiffres)',
      body: 'Le budget des crèches a augmenté de 4 %.',
    });
    expect(kept.json().factcheck?.id).toBe(check.id);

    // Deleting the check leaves the message, unlinked.
    await ctx.database.db.deleteFrom('fact_check_source').where('fact_check_id', '=', check.id).execute();
    await ctx.database.db.deleteFrom('fact_check').where('id', '=', check.id).execute();
    const after = (await cm.request('GET', '/api/v1/listening/key_messages')).json()._embedded.key_messages;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ title: 'Crèches (chiffres)', factcheck: null });

    const unlinked = await cm.request('PUT', `/api/v1/listening/key_messages/${created.json().id}`, {
      theme: 'education',
      kind: 'answer',
      title: 'Crèches (chiffres)',
      body: 'Le budget des crèches a augmenté de 4 %.',
      factcheck_id: null,
    });
    expect(unlinked.json().factcheck).toBeNull();
  });
});
