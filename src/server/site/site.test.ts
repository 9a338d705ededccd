// The public site end to end through app.inject(): content edited through the API (HAL
// collections, HTML sanitised on save, a referent kept to their arrondissement, writes frozen by
// the electoral silence), then the public pages that show it (home with the map of arrondissements,
// an arrondissement's running mates and news, news pages, the accessibility declaration), the
// sitemap, robots.txt and the news feeds read by a real feed parser.
import { parseFeed } from '@rowanmanning/feed-parser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../db/database.ts';
import { uuidv7 } from '../lib/ids.ts';
import { seedDemoSite } from '../modules/demo/index.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

describeEachDatabase('site', (ctx) => {
  let t: TestApp;
  let c: FixtureCampaign;
  let owner: TestClient;
  let referent: TestClient;

  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    c = await createCampaignFixture(ctx.database.db, 'site');
    await createMemberFixture(ctx.database.db, c.id, { email: 'owner@example.org', role: 'owner' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'ref1@example.org', role: 'referent', zoneIds: [c.zones[0]!.id] });
    owner = new TestClient(t.app);
    await owner.login('owner@example.org');
    referent = new TestClient(t.app);
    await referent.login('ref1@example.org');
  });
  afterAll(async () => t?.close());

  it('edits pages, running mates and news through HAL collections, sanitising HTML on save', async () => {
    const home = await owner.request('POST', '/api/v1/site/pages', {
      kind: 'home',
      title_fr: 'Paris, ensemble',
      title_en: 'Paris, together',
      summary_fr: 'Le message de la candidate.',
      body_fr:
        '<p onclick="steal()">Chères Parisiennes, <script>alert(1)</script><a href="javascript:alert(1)">ici</a> <img src="https://tracker.example/p.gif"></p><iframe src="https://evil.example"></iframe>',
      body_en: '<p>Dear Parisians.</p>',
    });
    expect(home.statusCode, home.body).toBe(201);
    const body = home.json().body_fr as string;
    expect(body).toContain('Chères Parisiennes');
    for (const bad of ['onclick', '<script', 'javascript:', 'tracker.example', '<iframe']) expect(body).not.toContain(bad);
    expect(home.json().path).toBe('/');

    // One home page only.
    const second = await owner.request('POST', '/api/v1/site/pages', { kind: 'home', title_fr: 'Encore' });
    expect(second.statusCode).toBe(409);
    expect(second.json().code).toBe('SITE_PAGE_EXISTS');

    const image = await owner.request('POST', '/api/v1/site/images', { data: PNG_1PX, alt: 'Portrait' });
    expect(image.statusCode, image.body).toBe(201);
    const notImage = await owner.request('POST', '/api/v1/site/images', { data: Buffer.from('<svg onload="x()"/>').toString('base64') });
    expect(notImage.json().code).toBe('SITE_IMAGE_INVALID');
    const photo = await t.app.inject({ method: 'GET', url: image.json().url });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');

    const zonePage = await owner.request('POST', '/api/v1/site/pages', {
      kind: 'zone',
      zone_id: c.zones[0]!.id,
      title_fr: 'Le 1er, à taille humaine',
      body_fr: '<p>Nos priorités pour le 1er.</p>',
    });
    expect(zonePage.statusCode, zonePage.body).toBe(201);
    expect(zonePage.json().path).toBe('/arrondissements/1');

    const mate = await owner.request('POST', '/api/v1/site/running_mates', {
      zone_id: c.zones[0]!.id,
      name: 'Amina Diallo',
      role_fr: 'Tête de liste',
      role_en: 'Head of the list',
      bio_fr: '<p>Infirmière, engagée <b>depuis 2008</b>.</p><script>x</script>',
      photo_id: image.json().id,
    });
    expect(mate.statusCode, mate.body).toBe(201);
    expect(mate.json().bio_fr).toBe('<p>Infirmière, engagée <b>depuis 2008</b>.</p>');

    const news = await owner.request('POST', '/api/v1/site/news', {
      title_fr: 'Lancement de la campagne',
      title_en: 'Campaign launch',
      body_fr: '<p>Nous y sommes.</p>',
    });
    expect(news.statusCode, news.body).toBe(201);
    expect(news.json().slug).toBe('lancement-de-la-campagne');
    const post = await owner.request('POST', '/api/v1/site/news', {
      title_fr: 'Mon marché du samedi',
      zone_id: c.zones[0]!.id,
      running_mate_id: mate.json().id,
      body_fr: '<p>Rendez-vous au marché.</p>',
    });
    expect(post.statusCode, post.body).toBe(201);
    const draft = await owner.request('POST', '/api/v1/site/news', { title_fr: 'Brouillon secret', published_at: null });
    expect(draft.json().published_at).toBeNull();
    const taken = await owner.request('POST', '/api/v1/site/news', { title_fr: 'Autre', slug: 'lancement-de-la-campagne' });
    expect(taken.json().code).toBe('SITE_SLUG_TAKEN');

    // A change touches only what it names, and sanitises it as a creation does.
    const edited = await owner.request('PUT', `/api/v1/site/news/${news.json().id}`, {
      body_en: '<p>Here we are.</p><script>x</script>',
      summary_fr: '  Le coup d’envoi.  ',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({
      title_fr: 'Lancement de la campagne',
      title_en: 'Campaign launch',
      summary_fr: 'Le coup d’envoi.',
      body_fr: '<p>Nous y sommes.</p>',
      body_en: '<p>Here we are.</p>',
    });
    expect(edited.json().published_at).not.toBeNull();
    const mateEdit = await owner.request('PUT', `/api/v1/site/running_mates/${mate.json().id}`, {
      bio_en: '<p>Nurse</p><iframe></iframe>',
    });
    expect(mateEdit.json()).toMatchObject({
      name: 'Amina Diallo',
      role_fr: 'Tête de liste',
      bio_en: '<p>Nurse</p>',
      photo_id: image.json().id,
    });

    const list = await owner.request('GET', '/api/v1/site/news?per_page=2');
    expect(list.json().total_records).toBe(3);
    expect(list.json()._embedded.site_news).toHaveLength(2);
    const mates = await owner.request('GET', `/api/v1/site/running_mates?zone_id=${c.zones[0]!.id}`);
    expect(mates.json()._embedded.site_running_mates.map((m: { name: string }) => m.name)).toEqual(['Amina Diallo']);
    const pages = await owner.request('GET', '/api/v1/site/pages');
    expect(pages.json().total_records).toBe(2);
  });

  it('keeps a referent to their arrondissement, through the API', async () => {
    const mine = await referent.request('POST', '/api/v1/site/running_mates', {
      zone_id: c.zones[0]!.id,
      name: 'Paul Martin',
      role_fr: 'Colistier',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    const other = await referent.request('POST', '/api/v1/site/running_mates', { zone_id: c.zones[1]!.id, name: 'Hors zone' });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe('SITE_OUT_OF_ZONE');
    const otherPage = await owner.request('POST', '/api/v1/site/pages', { kind: 'zone', zone_id: c.zones[1]!.id, title_fr: 'Le 2e' });
    expect(otherPage.statusCode).toBe(201);
    // Another arrondissement's page: neither seen nor changed.
    const edit = await referent.request('PUT', `/api/v1/site/pages/${otherPage.json().id}`, { title_fr: 'Piraté' });
    expect(edit.statusCode).toBe(404);
    const del = await referent.request('DELETE', `/api/v1/site/pages/${otherPage.json().id}`);
    expect(del.statusCode).toBe(404);
    // Nor the campaign's own content.
    const campaignNews = await referent.request('POST', '/api/v1/site/news', { title_fr: 'Pour tout Paris' });
    expect(campaignNews.json().code).toBe('SITE_OUT_OF_ZONE');
    // Nor move their own content elsewhere.
    const moved = await referent.request('PUT', `/api/v1/site/running_mates/${mine.json().id}`, { zone_id: c.zones[1]!.id });
    expect(moved.json().code).toBe('SITE_OUT_OF_ZONE');
    const pages = await referent.request('GET', '/api/v1/site/pages');
    expect(pages.json()._embedded.site_pages.map((p: { zone_id: string }) => p.zone_id)).toEqual([c.zones[0]!.id]);
    const ownPage = pages.json()._embedded.site_pages[0];
    const ok = await referent.request('PUT', `/api/v1/site/pages/${ownPage.id}`, { summary_fr: 'Un arrondissement à taille humaine.' });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('shows the content on server-rendered public pages, with the map of arrondissements', async () => {
    const home = await t.app.inject({ method: 'GET', url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<h1>Paris, ensemble</h1>');
    expect(home.body).toContain('Chères Parisiennes');
    expect(home.body).toMatch(/<svg class="zone-map"[^>]*>.*<a href="\/arrondissements\/1"><title>Zone 1<\/title><path d="M/s);
    expect(home.body).toContain('<a href="/arrondissements/2">');
    expect(home.body).toContain('Lancement de la campagne');
    expect(home.body).not.toContain('Brouillon secret');
    expect(home.body).toContain('property="og:title"');
    expect(home.body).not.toMatch(/<script(?![^>]*application\/ld\+json)/);

    const en = await t.app.inject({ method: 'GET', url: '/?lang=en' });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('<h1>Paris, together</h1>');
    expect(en.body).toContain('Dear Parisians.');

    const zone = await t.app.inject({ method: 'GET', url: '/arrondissements/1' });
    expect(zone.statusCode).toBe(200);
    expect(zone.body).toContain('Le 1er, à taille humaine');
    expect(zone.body).toContain('Amina Diallo');
    expect(zone.body).toContain('Tête de liste');
    expect(zone.body).toContain('<b>depuis 2008</b>');
    expect(zone.body).toMatch(/<img src="\/medias\/[0-9a-f-]{36}"/);
    expect(zone.body).toContain('Mon marché du samedi');
    expect(zone.body).toContain('aria-current="page"');
    expect((await t.app.inject({ method: 'GET', url: '/arrondissements/99' })).statusCode).toBe(404);

    const list = await t.app.inject({ method: 'GET', url: '/actualites' });
    expect(list.body).toContain('Lancement de la campagne');
    const article = await t.app.inject({ method: 'GET', url: '/actualites/lancement-de-la-campagne' });
    expect(article.statusCode).toBe(200);
    expect(article.body).toContain('<meta property="og:type" content="article">');
    expect((await t.app.inject({ method: 'GET', url: '/actualites/brouillon-secret' })).statusCode).toBe(404);

    const a11y = await t.app.inject({ method: 'GET', url: '/accessibilite' });
    expect(a11y.body).toContain('RGAA');
    expect(a11y.body).toContain('Défenseur des droits');
    expect(home.body).toContain('href="/accessibilite"');
  });

  it('serves a sitemap, robots.txt and news feeds a real parser reads', async () => {
    const robots = await t.app.inject({ method: 'GET', url: '/robots.txt' });
    expect(robots.body).toMatch(/Sitemap: http.*\/sitemap\.xml/);
    const sitemap = await t.app.inject({ method: 'GET', url: '/sitemap.xml' });
    expect(sitemap.body).toContain('/arrondissements/2</loc>');
    expect(sitemap.body).toContain('/actualites/lancement-de-la-campagne</loc>');
    expect(sitemap.body).not.toContain('brouillon');

    for (const [url, type] of [
      ['/actualites/rss.xml', 'rss'],
      ['/actualites/atom.xml', 'atom'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      const feed = parseFeed(res.body);
      expect(feed.meta.type).toBe(type);
      expect(feed.items.map((i) => i.title)).toEqual(['Mon marché du samedi', 'Lancement de la campagne']);
      expect(feed.items[1]?.url).toMatch(/\/actualites\/lancement-de-la-campagne$/);
      expect(feed.items[1]?.published).toBeInstanceOf(Date);
    }
    const en = parseFeed((await t.app.inject({ method: 'GET', url: '/actualites/atom.xml?lang=en' })).body);
    expect(en.items[1]?.title).toBe('Campaign launch');
  });

  it('freezes site edits during the electoral silence', async () => {
    const electionId = uuidv7();
    const roundId = uuidv7();
    await withTenant(ctx.database.db, c.id, async (trx) => {
      await trx
        .insertInto('calendar_election')
        .values({ campaign_id: c.id, id: electionId, name: 'Municipales', kind: 'municipal' })
        .execute();
      await trx
        .insertInto('calendar_round')
        .values({
          campaign_id: c.id,
          id: roundId,
          election_id: electionId,
          round_date: new Date().toISOString().slice(0, 10),
          silence_from: new Date(Date.now() - 3600_000),
          silence_until: new Date(Date.now() + 3600_000),
        })
        .execute();
    });
    try {
      const news = await owner.request('POST', '/api/v1/site/news', { title_fr: 'Dernier appel' });
      expect(news.statusCode).toBe(409);
      expect(news.json().code).toBe('ELECTORAL_SILENCE');
      const pages = await owner.request('GET', '/api/v1/site/pages');
      const home = pages.json()._embedded.site_pages.find((p: { kind: string }) => p.kind === 'home');
      const edit = await owner.request('PUT', `/api/v1/site/pages/${home.id}`, { title_fr: 'Votez !' });
      expect(edit.json().code).toBe('ELECTORAL_SILENCE');
      expect((await t.app.inject({ method: 'GET', url: '/' })).body).not.toContain('Votez');
    } finally {
      await withTenant(ctx.database.db, c.id, (trx) => trx.deleteFrom('calendar_election').where('id', '=', electionId).execute());
    }
  });

  it('seeds the demo site: the home page, every arrondissement with three running mates, news, once', async () => {
    const d = await createCampaignFixture(ctx.database.db, 'demo-site');
    const first = await seedDemoSite(ctx.database.db, d.id, { seed: 3, now: new Date('2026-03-01T12:00:00Z') });
    expect(first.pages).toBe(1 + d.zones.length);
    expect(first.runningMates).toBe(3 * d.zones.length);
    expect(first.news).toBeGreaterThanOrEqual(6 + d.zones.length);
    const rows = await withTenant(ctx.database.db, d.id, async (trx) => ({
      home: await trx.selectFrom('site_page').select(['title_fr', 'body_fr']).where('kind', '=', 'home').executeTakeFirstOrThrow(),
      heads: await trx.selectFrom('site_running_mate').select(['zone_id', 'role_fr']).where('position', '=', 0).execute(),
    }));
    expect(rows.home.body_fr).toContain('Anne Candidate');
    expect(rows.heads.map((h) => h.role_fr)).toEqual(d.zones.map(() => 'Tête de liste'));
    expect(await seedDemoSite(ctx.database.db, d.id, { seed: 3 })).toEqual({ pages: 0, runningMates: 0, news: 0 });
  });
});
