// The public site, rendered on the server (works without JavaScript; nothing is asked of a third
// party): home with the candidate's message and the map of arrondissements in the middle, the
// arrondissements (map and list) and a page for each (its running mates, news and their own posts),
// news and their feeds (RSS 2.0, Atom), pages edited in the back office, the accessibility
// declaration (RGAA 4.1 model), sitemap.xml and robots.txt, and the images editors uploaded.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { withTenant } from '../db/database.ts';
import { accessibilityBody } from './accessibility.ts';
import { plainText } from './html.ts';
import { escapeHtml, type PageLang, renderSitePage, type SitePage, siteCampaign, siteLangOf, sitePath } from './layout.ts';
import { MAP_CSS, renderZoneMap, zoneShortLabel } from './map.ts';
import { cachedPage } from './page-cache.ts';
import {
  countPublishedNews,
  freePage,
  freePages,
  homePage,
  newsBySlug,
  type PublishedNews,
  publishedNews,
  runningMatesOf,
  siteZones,
  zonePage,
} from './site.read.ts';
import { zoneSectionsHtml } from './zone-sections.ts';

const NEWS_PER_PAGE = 10;

const WORDS = {
  fr: {
    mapTitle: 'Carte des arrondissements : choisissez le vôtre',
    arrondissements: 'Les arrondissements',
    arrondissementsIntro: 'Dans chaque arrondissement, une équipe de colistiers vous présente ses priorités et ses rendez-vous.',
    runningMates: 'Les colistiers',
    noRunningMates: 'Les colistiers de cet arrondissement seront bientôt présentés.',
    localNews: 'Actualités de l’arrondissement',
    theirPosts: 'Billets des colistiers',
    news: 'Actualités',
    latestNews: 'Dernières actualités',
    allNews: 'Toutes les actualités',
    noNews: 'Aucune actualité pour le moment.',
    by: 'Par',
    readMore: 'Lire la suite',
    feeds: 'Suivre les actualités : flux RSS ou Atom',
    rss: 'flux RSS',
    atom: 'flux Atom',
    previous: 'Actualités plus récentes',
    next: 'Actualités plus anciennes',
    notFound: 'Page introuvable',
    notFoundText: 'Cette page n’existe pas ou n’est plus en ligne.',
    backHome: 'Revenir à l’accueil',
    welcome: 'Bienvenue',
    pageOf: (n: number, total: number) => `Page ${n} sur ${total}`,
    zoneOf: (name: string) => name,
    otherPages: 'À lire aussi',
  },
  en: {
    mapTitle: 'Map of the districts: choose yours',
    arrondissements: 'The districts',
    arrondissementsIntro: 'In every district, a team of running mates presents its priorities and its meetings.',
    runningMates: 'Running mates',
    noRunningMates: "This district's running mates will be introduced soon.",
    localNews: "The district's news",
    theirPosts: "Running mates' posts",
    news: 'News',
    latestNews: 'Latest news',
    allNews: 'All news',
    noNews: 'No news yet.',
    by: 'By',
    readMore: 'Read more',
    feeds: 'Follow the news: RSS or Atom feed',
    rss: 'RSS feed',
    atom: 'Atom feed',
    previous: 'Newer news',
    next: 'Older news',
    notFound: 'Page not found',
    notFoundText: 'This page does not exist or is no longer online.',
    backHome: 'Back to the home page',
    welcome: 'Welcome',
    pageOf: (n: number, total: number) => `Page ${n} of ${total}`,
    zoneOf: (name: string) => name,
    otherPages: 'Read also',
  },
} as const;

const CSS = `
.mates{list-style:none;padding:0;display:grid;gap:1.25rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.mates>li{border:1px solid #dee2e6;border-radius:.5rem;padding:1rem;display:flex;flex-direction:column;gap:.5rem}
.mates h3{margin:0;font-size:1.2rem}
.mates .role{margin:0;color:#495057;font-weight:600}
.mates img,.mates svg{width:96px;height:96px;border-radius:50%;object-fit:cover}
.zones{columns:12rem;padding-left:1.25rem}
.home-grid{display:grid;gap:1.5rem}
@media(min-width:60rem){.home-grid{grid-template-columns:1fr 2.6fr 1fr;align-items:start}}
.pager{display:flex;gap:1rem;flex-wrap:wrap;justify-content:space-between}
article.news img{border-radius:.5rem}
`;

/** A date in the page's language (French style in French), Paris time. */
function dateOf(date: Date | string, lang: PageLang): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(date));
}

function pick<T extends Record<string, unknown>>(row: T, field: string, lang: PageLang): string {
  const en = row[`${field}_en`];
  const fr = row[`${field}_fr`];
  return lang === 'en' && typeof en === 'string' && en.trim() ? en : typeof fr === 'string' ? fr : '';
}

/** Initials in a circle: the portrait of a running mate without a photo (decorative). */
function initialsAvatar(name: string): string {
  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
  return `<svg viewBox="0 0 96 96" aria-hidden="true" focusable="false"><circle cx="48" cy="48" r="48" fill="#dbe7f7"/><text x="48" y="50" font-size="34" font-weight="700" fill="#0b3d91" text-anchor="middle" dominant-baseline="middle">${escapeHtml(initials)}</text></svg>`;
}

function newsList(items: readonly PublishedNews[], lang: PageLang, headingLevel: 'h2' | 'h3' = 'h3'): string {
  const w = WORDS[lang];
  if (items.length === 0) return `<p class="muted">${w.noNews}</p>`;
  return `<ul class="cards">${items
    .map((n) => {
      const title = pick(n, 'title', lang);
      const summary = pick(n, 'summary', lang) || plainText(pick(n, 'body', lang), 200);
      const meta = [n.published_at ? dateOf(n.published_at, lang) : '', n.zone_name ?? '', n.author_name ? `${w.by} ${n.author_name}` : '']
        .filter(Boolean)
        .map(escapeHtml)
        .join(' · ');
      return `<li><${headingLevel}><a href="${escapeHtml(sitePath(`/actualites/${n.slug}`, lang))}">${escapeHtml(title)}</a></${headingLevel}><p class="meta">${meta}</p><p>${escapeHtml(summary)}</p></li>`;
    })
    .join('')}</ul>`;
}

function feedLinks(lang: PageLang): string {
  return `<link rel="alternate" type="application/rss+xml" title="RSS" href="/actualites/rss.xml${lang === 'en' ? '?lang=en' : ''}">
<link rel="alternate" type="application/atom+xml" title="Atom" href="/actualites/atom.xml${lang === 'en' ? '?lang=en' : ''}">`;
}

function xmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

export const siteRoutes: FastifyPluginAsync = async (app) => {
  const db = () => app.deps.database.db;
  const base = () => app.deps.config.publicUrl;

  /**
   * Renders a page of the site campaign through the page cache: `make` reads in the campaign's
   * tenant transaction and returns the page (or null: 404).
   */
  async function sitePage(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    make: (ctx: { trx: Parameters<Parameters<typeof withTenant>[2]>[0]; lang: PageLang; name: string }) => Promise<SitePage | null>,
  ) {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    if (!campaign) return reply.code(404).type('text/plain; charset=utf-8').send('No campaign yet.');
    const page = await cachedPage(campaign.id, `${lang} ${key}`, async () => {
      const made = await withTenant(db(), campaign.id, (trx) => make({ trx, lang, name: campaign.name }));
      const frame = made ?? notFoundPage(lang);
      return { status: frame.status ?? 200, body: renderSitePage(reply, campaign.name, frame) };
    });
    return reply
      .code(page.status)
      .type('text/html; charset=utf-8')
      .header('content-language', lang)
      .header('cache-control', page.status === 200 ? 'public, max-age=60' : 'no-store')
      .send(page.body);
  }

  function notFoundPage(lang: PageLang): SitePage {
    const w = WORDS[lang];
    return {
      status: 404,
      lang,
      title: w.notFound,
      description: w.notFoundText,
      path: '/',
      body: `<h1>${w.notFound}</h1><p>${w.notFoundText}</p><p><a href="${escapeHtml(sitePath('/', lang))}">${w.backHome}</a></p>`,
    };
  }

  // Home ----------------------------------------------------------------------------------------
  app.get('/', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, '/', async ({ trx, lang, name }) => {
      const w = WORDS[lang];
      const [home, zones, news] = await Promise.all([homePage(trx), siteZones(trx), publishedNews(trx, { limit: 4 })]);
      const title = home ? pick(home, 'title', lang) : name;
      const message = home ? pick(home, 'body', lang) : '';
      const summary = home ? pick(home, 'summary', lang) : '';
      const map = renderZoneMap(zones, lang, { title: w.mapTitle });
      return {
        lang,
        title,
        description: summary || plainText(message, 180) || name,
        path: '/',
        current: 'home',
        css: MAP_CSS + CSS,
        head: feedLinks(lang),
        image: home?.image_id ? `/medias/${home.image_id}` : undefined,
        body: `<h1>${escapeHtml(title)}</h1>
<div class="home-grid">
<section aria-labelledby="message"><h2 id="message">${lang === 'fr' ? 'Le message de la candidate' : "The candidate's message"}</h2>${summary ? `<p class="lede">${escapeHtml(summary)}</p>` : ''}${message}</section>
<section aria-labelledby="carte"><h2 id="carte">${w.arrondissements}</h2>${map}<p><a href="${escapeHtml(sitePath('/arrondissements', lang))}">${w.arrondissementsIntro}</a></p></section>
<section aria-labelledby="dernieres"><h2 id="dernieres">${w.latestNews}</h2>${newsList(news, lang)}<p><a href="${escapeHtml(sitePath('/actualites', lang))}">${w.allNews}</a></p></section>
</div>`,
      };
    }),
  );

  // Arrondissements -----------------------------------------------------------------------------
  app.get('/arrondissements', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, '/arrondissements', async ({ trx, lang }) => {
      const w = WORDS[lang];
      const zones = await siteZones(trx);
      const list = zones
        .map(
          (z) =>
            `<li><a href="${escapeHtml(sitePath(`/arrondissements/${encodeURIComponent(z.code)}`, lang))}">${escapeHtml(z.name)}</a></li>`,
        )
        .join('');
      return {
        lang,
        title: w.arrondissements,
        description: w.arrondissementsIntro,
        path: '/arrondissements',
        current: 'arrondissements',
        css: MAP_CSS + CSS,
        body: `<h1>${w.arrondissements}</h1><p>${w.arrondissementsIntro}</p>${renderZoneMap(zones, lang, { title: w.mapTitle })}<ul class="zones">${list}</ul>`,
      };
    }),
  );

  app.get<{ Params: { code: string } }>('/arrondissements/:code', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, `/arrondissements/${request.params.code.slice(0, 20)}`, async ({ trx, lang }) => {
      const w = WORDS[lang];
      const zones = await siteZones(trx);
      const zone = zones.find((z) => z.code === request.params.code);
      if (!zone) return null;
      const [page, mates, local, posts] = await Promise.all([
        zonePage(trx, zone.id),
        runningMatesOf(trx, zone.id),
        publishedNews(trx, { limit: 6, zoneId: zone.id, byRunningMates: false }),
        publishedNews(trx, { limit: 6, zoneId: zone.id, byRunningMates: true }),
      ]);
      const title = page ? pick(page, 'title', lang) : zone.name;
      const intro = page ? pick(page, 'body', lang) : '';
      const summary = page ? pick(page, 'summary', lang) : '';
      const matesHtml = mates.length
        ? `<ul class="mates">${mates
            .map(
              (m) =>
                `<li>${m.photo_id ? `<img src="/medias/${m.photo_id}" alt="" width="96" height="96" loading="lazy">` : initialsAvatar(m.name)}<h3>${escapeHtml(m.name)}</h3>${pick(m, 'role', lang) ? `<p class="role">${escapeHtml(pick(m, 'role', lang))}</p>` : ''}${pick(m, 'bio', lang)}</li>`,
            )
            .join('')}</ul>`
        : `<p class="muted">${w.noRunningMates}</p>`;
      return {
        lang,
        title,
        description: summary || plainText(intro, 180) || `${zone.name} — ${w.runningMates}`,
        path: `/arrondissements/${encodeURIComponent(zone.code)}`,
        current: 'arrondissements',
        css: MAP_CSS + CSS,
        image: page?.image_id ? `/medias/${page.image_id}` : undefined,
        body: `<p class="meta"><a href="${escapeHtml(sitePath('/arrondissements', lang))}">${w.arrondissements}</a> › ${escapeHtml(zoneShortLabel(zone.code, lang))}</p>
<h1>${escapeHtml(title)}</h1>${summary ? `<p class="lede">${escapeHtml(summary)}</p>` : ''}${intro}
<section aria-labelledby="colistiers"><h2 id="colistiers">${w.runningMates}</h2>${matesHtml}</section>
<section aria-labelledby="actus"><h2 id="actus">${w.localNews}</h2>${newsList(local, lang)}</section>
${posts.length ? `<section aria-labelledby="billets"><h2 id="billets">${w.theirPosts}</h2>${newsList(posts, lang)}</section>` : ''}
${await zoneSectionsHtml(trx, zone.id, lang)}`,
      };
    }),
  );

  // News ----------------------------------------------------------------------------------------
  app.get<{ Querystring: { page?: string } }>('/actualites', { schema: { hide: true } }, (request, reply) => {
    const pageNo = Math.min(10_000, Math.max(1, Number.parseInt(String(request.query.page ?? '1'), 10) || 1));
    return sitePage(request, reply, `/actualites?${pageNo}`, async ({ trx, lang }) => {
      const w = WORDS[lang];
      const [items, total] = await Promise.all([
        publishedNews(trx, { limit: NEWS_PER_PAGE, offset: (pageNo - 1) * NEWS_PER_PAGE }),
        countPublishedNews(trx),
      ]);
      const pages = Math.max(1, Math.ceil(total / NEWS_PER_PAGE));
      if (pageNo > pages) return null;
      const link = (n: number) => escapeHtml(sitePath(n === 1 ? '/actualites' : `/actualites?page=${n}`, lang));
      const pager =
        pages > 1
          ? `<nav class="pager" aria-label="${w.pageOf(pageNo, pages)}">${pageNo > 1 ? `<a href="${link(pageNo - 1)}" rel="prev">${w.previous}</a>` : '<span></span>'}<span>${w.pageOf(pageNo, pages)}</span>${pageNo < pages ? `<a href="${link(pageNo + 1)}" rel="next">${w.next}</a>` : '<span></span>'}</nav>`
          : '';
      return {
        lang,
        title: w.news,
        description: w.latestNews,
        path: pageNo === 1 ? '/actualites' : `/actualites?page=${pageNo}`,
        current: 'news',
        css: CSS,
        head: feedLinks(lang),
        body: `<h1>${w.news}</h1>${newsList(items, lang, 'h2')}${pager}<p><a href="${escapeHtml(`/actualites/rss.xml${lang === 'en' ? '?lang=en' : ''}`)}">${w.rss}</a> · <a href="${escapeHtml(`/actualites/atom.xml${lang === 'en' ? '?lang=en' : ''}`)}">${w.atom}</a></p>`,
      };
    });
  });

  app.get<{ Querystring: { lang?: string } }>('/actualites/rss.xml', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    if (!campaign) return reply.code(404).send();
    const items = await withTenant(db(), campaign.id, (trx) => publishedNews(trx, { limit: 30 }), { oneRead: true });
    const site = `${base()}${sitePath('/actualites', lang)}`;
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${xmlEscape(`${campaign.name} — ${WORDS[lang].news}`)}</title>
<link>${xmlEscape(site)}</link>
<description>${xmlEscape(WORDS[lang].latestNews)}</description>
<language>${lang === 'fr' ? 'fr-FR' : 'en-GB'}</language>
<atom:link href="${xmlEscape(`${base()}/actualites/rss.xml${lang === 'en' ? '?lang=en' : ''}`)}" rel="self" type="application/rss+xml"/>
${items[0]?.published_at ? `<lastBuildDate>${new Date(items[0].published_at).toUTCString()}</lastBuildDate>` : ''}
${items
  .map((n) => {
    const url = `${base()}${sitePath(`/actualites/${n.slug}`, lang)}`;
    return `<item>
<title>${xmlEscape(pick(n, 'title', lang))}</title>
<link>${xmlEscape(url)}</link>
<guid isPermaLink="false">urn:uuid:${n.id}</guid>
<pubDate>${new Date(n.published_at ?? n.updated_at).toUTCString()}</pubDate>
<description>${xmlEscape(pick(n, 'summary', lang) || plainText(pick(n, 'body', lang), 400))}</description>
</item>`;
  })
  .join('\n')}
</channel>
</rss>`;
    return reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  app.get<{ Querystring: { lang?: string } }>('/actualites/atom.xml', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    if (!campaign) return reply.code(404).send();
    const items = await withTenant(db(), campaign.id, (trx) => publishedNews(trx, { limit: 30 }), { oneRead: true });
    const self = `${base()}/actualites/atom.xml${lang === 'en' ? '?lang=en' : ''}`;
    const updated = items.reduce((max, n) => Math.max(max, new Date(n.updated_at).getTime()), 0);
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
<title>${xmlEscape(`${campaign.name} — ${WORDS[lang].news}`)}</title>
<id>urn:uuid:${campaign.id}:news:${lang}</id>
<link rel="self" type="application/atom+xml" href="${xmlEscape(self)}"/>
<link rel="alternate" type="text/html" href="${xmlEscape(`${base()}${sitePath('/actualites', lang)}`)}"/>
<updated>${new Date(updated || Date.now()).toISOString()}</updated>
<author><name>${xmlEscape(campaign.name)}</name></author>
${items
  .map((n) => {
    const url = `${base()}${sitePath(`/actualites/${n.slug}`, lang)}`;
    return `<entry>
<title>${xmlEscape(pick(n, 'title', lang))}</title>
<id>urn:uuid:${n.id}</id>
<link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>
<published>${new Date(n.published_at ?? n.updated_at).toISOString()}</published>
<updated>${new Date(n.updated_at).toISOString()}</updated>
${n.author_name ? `<author><name>${xmlEscape(n.author_name)}</name></author>` : ''}
<summary>${xmlEscape(pick(n, 'summary', lang) || plainText(pick(n, 'body', lang), 400))}</summary>
<content type="html">${xmlEscape(pick(n, 'body', lang))}</content>
</entry>`;
  })
  .join('\n')}
</feed>`;
    return reply.type('application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=300').send(xml);
  });

  app.get<{ Params: { slug: string } }>('/actualites/:slug', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, `/actualites/${request.params.slug.slice(0, 120)}`, async ({ trx, lang }) => {
      const w = WORDS[lang];
      const n = await newsBySlug(trx, request.params.slug);
      if (!n) return null;
      const title = pick(n, 'title', lang);
      const summary = pick(n, 'summary', lang);
      const published = new Date(n.published_at ?? n.updated_at);
      const meta = [
        `<time datetime="${published.toISOString()}">${escapeHtml(dateOf(published, lang))}</time>`,
        n.zone_code
          ? `<a href="${escapeHtml(sitePath(`/arrondissements/${encodeURIComponent(n.zone_code)}`, lang))}">${escapeHtml(n.zone_name ?? '')}</a>`
          : '',
        n.author_name ? `${w.by} ${escapeHtml(n.author_name)}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      const jsonLd = JSON.stringify({
        '@context': 'https://schema.org',
        '@type': 'NewsArticle',
        headline: title,
        datePublished: published.toISOString(),
        dateModified: new Date(n.updated_at).toISOString(),
      }).replace(/</g, '\\u003c');
      return {
        lang,
        title,
        description: summary || plainText(pick(n, 'body', lang), 180) || title,
        path: `/actualites/${n.slug}`,
        current: 'news',
        ogType: 'article',
        css: CSS,
        image: n.image_id ? `/medias/${n.image_id}` : undefined,
        head: `<meta property="article:published_time" content="${published.toISOString()}">\n<script type="application/ld+json">${jsonLd}</script>\n${feedLinks(lang)}`,
        body: `<article class="news"><p class="meta"><a href="${escapeHtml(sitePath('/actualites', lang))}">${w.news}</a></p><h1>${escapeHtml(title)}</h1><p class="meta">${meta}</p>${summary ? `<p class="lede">${escapeHtml(summary)}</p>` : ''}${n.image_id ? `<img src="/medias/${n.image_id}" alt="">` : ''}${pick(n, 'body', lang)}</article>`,
      };
    }),
  );

  // Pages edited in the back office -------------------------------------------------------------
  app.get<{ Params: { slug: string } }>('/pages/:slug', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, `/pages/${request.params.slug.slice(0, 100)}`, async ({ trx, lang }) => {
      const page = await freePage(trx, request.params.slug);
      if (!page) return null;
      const title = pick(page, 'title', lang);
      const summary = pick(page, 'summary', lang);
      return {
        lang,
        title,
        description: summary || plainText(pick(page, 'body', lang), 180) || title,
        path: `/pages/${page.slug}`,
        css: CSS,
        image: page.image_id ? `/medias/${page.image_id}` : undefined,
        body: `<h1>${escapeHtml(title)}</h1>${summary ? `<p class="lede">${escapeHtml(summary)}</p>` : ''}${pick(page, 'body', lang)}`,
      };
    }),
  );

  // Accessibility declaration ------------------------------------------------------------------
  app.get('/accessibilite', { schema: { hide: true } }, (request, reply) =>
    sitePage(request, reply, '/accessibilite', async ({ lang, name }) => ({
      lang,
      title: lang === 'fr' ? 'Déclaration d’accessibilité' : 'Accessibility statement',
      description:
        lang === 'fr'
          ? `État de conformité du site ${name} au référentiel général d’amélioration de l’accessibilité (RGAA 4.1).`
          : `How the ${name} site complies with the French accessibility framework (RGAA 4.1, WCAG 2.1 AA).`,
      path: '/accessibilite',
      css: CSS,
      body: accessibilityBody(lang, name, base()),
    })),
  );

  // Images, sitemap, robots ---------------------------------------------------------------------
  app.get<{ Params: { id: string } }>('/medias/:id', { schema: { hide: true } }, async (request, reply) => {
    const campaign = await siteCampaign(db());
    if (!campaign || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(request.params.id))
      return reply.code(404).send();
    const image = await withTenant(
      db(),
      campaign.id,
      (trx) => trx.selectFrom('site_image').select(['content_type', 'bytes']).where('id', '=', request.params.id).executeTakeFirst(),
      { oneRead: true },
    );
    if (!image) return reply.code(404).send();
    // An image never changes under its id.
    return reply
      .type(image.content_type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .send(Buffer.from(image.bytes));
  });

  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(`User-agent: *\nAllow: /\nDisallow: /app/\nDisallow: /api/\nDisallow: /c/\n\nSitemap: ${base()}/sitemap.xml\n`),
  );

  app.get('/sitemap.xml', { schema: { hide: true } }, async (_request, reply) => {
    const campaign = await siteCampaign(db());
    if (!campaign) return reply.code(404).send();
    const { zones, news, pages } = await withTenant(db(), campaign.id, async (trx) => ({
      zones: await siteZones(trx),
      news: await publishedNews(trx, { limit: 5000 }),
      pages: await freePages(trx),
    }));
    const url = (path: string, lastmod?: Date | string) => {
      const fr = `${base()}${path}`;
      const en = `${base()}${sitePath(path, 'en')}`;
      const alt = `<xhtml:link rel="alternate" hreflang="fr" href="${xmlEscape(fr)}"/><xhtml:link rel="alternate" hreflang="en" href="${xmlEscape(en)}"/>`;
      const mod = lastmod ? `<lastmod>${new Date(lastmod).toISOString()}</lastmod>` : '';
      return `<url><loc>${xmlEscape(fr)}</loc>${mod}${alt}</url>\n<url><loc>${xmlEscape(en)}</loc>${mod}${alt}</url>`;
    };
    const entries = [
      url('/'),
      url('/arrondissements'),
      ...zones.map((z) => url(`/arrondissements/${encodeURIComponent(z.code)}`)),
      url('/actualites'),
      ...news.map((n) => url(`/actualites/${n.slug}`, n.updated_at)),
      ...pages.map((p) => url(`/pages/${p.slug}`, p.updated_at)),
      url('/evenements'),
      url('/petitions'),
      url('/accessibilite'),
    ];
    return reply
      .type('application/xml; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(
        `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${entries.join('\n')}\n</urlset>\n`,
      );
  });
};
