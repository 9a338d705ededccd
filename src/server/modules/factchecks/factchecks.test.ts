// Fact checks end to end: written with sources (the explanation sanitised), the links checked in the
// background through the SSRF guard against a real server on loopback, reviewed by someone other
// than the author, published on the site with a ClaimReview of schema.org's shape, filtered, in the
// RSS feed, and held by an electoral silence.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantRunnerOf } from '../../db/database.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { expectShareCard } from '../../testing/share-card.ts';
import { seedDemoFactchecks } from './demo.ts';
import { checkPendingSources } from './sources-check.ts';

function jsonLdOf(html: string): Record<string, unknown> {
  const m = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  if (!m?.[1]) throw new Error('no JSON-LD in the page');
  return JSON.parse(m[1]);
}

function parisDay(offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

describeEachDatabase('factchecks', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let author: TestClient;
  let reviewer: TestClient;
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => res.writeHead(req.url?.startsWith('/missing') ? 404 : 200).end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await buildTestApp(ctx.database);
    c = await createCampaignFixture(ctx.database.db, 'factchecks');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'organizer@example.org', role: 'organizer' });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    author = new TestClient(t.app);
    await author.login('organizer@example.org');
    reviewer = new TestClient(t.app);
    await reviewer.login('cm@example.org');
  });
  afterAll(async () => {
    await t.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let id = '';
  let slug = '';

  it('writes a draft with its sources, sanitises the explanation, and checks the links in the background', async () => {
    const scale = await author.request('GET', '/api/v1/factchecks/verdicts');
    expect(scale.json().verdicts.map((v: { code: string }) => v.code)).toEqual(['vrai', 'plutot-vrai', 'a-nuancer', 'trompeur', 'faux']);
    const res = await author.request('POST', '/api/v1/factchecks', {
      claim: 'Le nombre de logements sociaux a baissé à Paris depuis 2020',
      claimant: 'Jean Dupont',
      claim_date: '2026-11-03',
      theme: 'Logement',
      verdict: 'faux',
      summary: 'La part de logements sociaux a augmenté.',
      explanation_html:
        '<p>Les chiffres <strong>officiels</strong> montrent une hausse.</p><script>alert(1)</script><a href="javascript:alert(1)">x</a>',
      sources: [
        { url: `${base}/rapport`, title: 'Rapport SRU 2025', publisher: 'Préfecture', published_on: '2025-06-30' },
        { url: `${base}/missing`, title: 'Page disparue' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    ({ id, slug } = body);
    expect(slug).toBe('le-nombre-de-logements-sociaux-a-baisse-a-paris-depuis-2020');
    expect(body.status).toBe('draft');
    expect(body.explanation_html).toContain('<strong>officiels</strong>');
    expect(body.explanation_html).not.toMatch(/script|javascript/);
    expect(body.sources.map((s: { check_state: string }) => s.check_state)).toEqual(['pending', 'pending']);

    // Loopback is not public: refused without the allow-list, checked with it.
    const tenant = tenantRunnerOf(ctx.database.db, c.id);
    await checkPendingSources(tenant, id, { allow: [] });
    const refused = (await author.request('GET', `/api/v1/factchecks/${id}`)).json();
    expect(refused.sources.map((s: { check_state: string }) => s.check_state)).toEqual(['refused', 'refused']);
    await author.request('POST', `/api/v1/factchecks/${id}/check_sources`);
    await checkPendingSources(tenant, id, { allow: ['127.0.0.0/8'] });
    const checked = (await author.request('GET', `/api/v1/factchecks/${id}`)).json();
    expect(checked.sources.map((s: { check_state: string; check_status: number }) => [s.check_state, s.check_status])).toEqual([
      ['reachable', 200],
      ['unreachable', 404],
    ]);

    const bad = await author.request('POST', '/api/v1/factchecks', { claim: 'x', claimant: 'y', verdict: 'inconnu' });
    expect(bad.json().code).toBe('FACTCHECK_VERDICT_UNKNOWN');
    const badDay = await author.request('POST', '/api/v1/factchecks', {
      claim: 'x',
      claimant: 'y',
      verdict: 'vrai',
      claim_date: '2026-02-30',
    });
    expect(badDay.json().code).toBe('FACTCHECK_DATE_INVALID');
  });

  it('is published by a reviewer other than its author, not before review, and is not on the site until then', async () => {
    expect((await t.app.inject({ url: `/le-vrai-du-faux/${slug}` })).statusCode).toBe(404);
    const early = await reviewer.request('POST', `/api/v1/factchecks/${id}/publish`);
    expect(early.json().code, early.body).toBe('FACTCHECK_STATE');
    expect((await author.request('POST', `/api/v1/factchecks/${id}/submit`)).json().status).toBe('review');
    // An organizer may not publish at all; a community manager who wrote it would need another reader.
    expect((await author.request('POST', `/api/v1/factchecks/${id}/publish`)).json().code).toBe('FORBIDDEN');
    const own = (await reviewer.request('POST', '/api/v1/factchecks', { claim: 'Autre', claimant: 'Z', verdict: 'vrai' })).json();
    await reviewer.request('POST', `/api/v1/factchecks/${own.id}/submit`);
    expect((await reviewer.request('POST', `/api/v1/factchecks/${own.id}/publish`)).json().code).toBe('FACTCHECK_REVIEW_REQUIRED');
    const published = await reviewer.request('POST', `/api/v1/factchecks/${id}/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', reviewer_label: expect.any(String) });
    expect(published.json().public_url).toMatch(new RegExp(`/le-vrai-du-faux/${slug}$`));
    const audit = await ctx.database.db.selectFrom('audit_event').select('action').where('target_id', '=', id).execute();
    expect(audit.map((a) => a.action)).toEqual(['factchecks.created', 'factchecks.submitted', 'factchecks.published']);
  });

  it("shows the check on the site with a ClaimReview of schema.org's shape", async () => {
    const page = await t.app.inject({ url: `/le-vrai-du-faux/${slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert');
    const review = jsonLdOf(page.body);
    const publicUrl = t.runtime.config.publicUrl;
    expect(review).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: `${publicUrl}/le-vrai-du-faux/${slug}`,
      claimReviewed: 'Le nombre de logements sociaux a baissé à Paris depuis 2020',
      author: { '@type': 'Organization', name: 'Campaign factchecks' },
      reviewRating: { '@type': 'Rating', ratingValue: 1, bestRating: 5, worstRating: 1, alternateName: 'Faux' },
      itemReviewed: { '@type': 'Claim', author: { '@type': 'Person', name: 'Jean Dupont' }, datePublished: '2026-11-03' },
    });
    expect(review.datePublished).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(page.body).toContain('<meta property="og:title"');
    expect(page.body).toContain('Rapport SRU 2025');

    const en = await t.app.inject({ url: `/le-vrai-du-faux/${slug}?lang=en` });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('False');
  });

  it('has a share card with its verdict (1200×630 PNG, cached by version), in French and English', async () => {
    const fr = await expectShareCard(t.app, `/le-vrai-du-faux/${slug}`, 'verification', slug);
    const en = await expectShareCard(t.app, `/le-vrai-du-faux/${slug}?lang=en`, 'verification', slug);
    // The verdict's word differs, so does the picture.
    expect(fr.equals(en)).toBe(false);
  });

  it('lists published checks on the index, filtered by verdict, theme and claimant, and in the RSS feed', async () => {
    const all = await t.app.inject({ url: '/le-vrai-du-faux' });
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain(`/le-vrai-du-faux/${slug}`);
    expect(all.body).not.toContain('Autre');
    expect((await t.app.inject({ url: '/le-vrai-du-faux?verdict=faux&theme=Logement' })).body).toContain(`/le-vrai-du-faux/${slug}`);
    expect((await t.app.inject({ url: '/le-vrai-du-faux?verdict=vrai' })).body).not.toContain(`/le-vrai-du-faux/${slug}`);
    expect((await t.app.inject({ url: `/le-vrai-du-faux?auteur=${encodeURIComponent('Marie Curie')}` })).body).not.toContain(
      `/le-vrai-du-faux/${slug}`,
    );
    const rss = await t.app.inject({ url: '/le-vrai-du-faux/rss.xml' });
    expect(rss.headers['content-type']).toMatch(/rss\+xml/);
    const feed = parseFeed(rss.body);
    expect(feed.items.map((i) => i.url)).toEqual([`${t.runtime.config.publicUrl}/le-vrai-du-faux/${slug}`]);
  });

  it('holds publishing during an electoral silence, and a published check is withdrawn before it changes', async () => {
    expect((await author.request('PUT', `/api/v1/factchecks/${id}`, { claim: 'x', claimant: 'y', verdict: 'vrai' })).json().code).toBe(
      'FACTCHECK_STATE',
    );
    expect((await reviewer.request('POST', `/api/v1/factchecks/${id}/withdraw`)).json().status).toBe('withdrawn');
    expect((await t.app.inject({ url: `/le-vrai-du-faux/${slug}` })).statusCode).toBe(404);
    await author.request('POST', `/api/v1/factchecks/${id}/submit`);
    await owner.request('PUT', '/api/v1/calendar', { name: 'Municipales', kind: 'municipal' });
    expect((await owner.request('POST', '/api/v1/calendar/rounds', { date: parisDay(1) })).statusCode).toBe(201);
    const held = await reviewer.request('POST', `/api/v1/factchecks/${id}/publish`);
    expect(held.statusCode).toBe(409);
    expect(held.json().code).toBe('ELECTORAL_SILENCE');
  });

  it("seeds the demo's fact checks once", async () => {
    const demo = await createCampaignFixture(ctx.database.db, 'factchecks-demo');
    expect(await seedDemoFactchecks(ctx.database.db, demo.id)).toBe(4);
    expect(await seedDemoFactchecks(ctx.database.db, demo.id)).toBe(0);
    const rows = await ctx.database.db.selectFrom('fact_check').select('status').where('campaign_id', '=', demo.id).execute();
    expect(rows.filter((r) => r.status === 'published')).toHaveLength(3);
  });
});
