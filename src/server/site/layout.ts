// The public site's frame: every public page (home, arrondissements, news, events, petitions, forms)
// is rendered through renderSitePage, so that each has the same header, navigation, language switch,
// Open Graph card, canonical URL and footer (with the accessibility declaration's link), and no
// request leaves the site (no font, script or image from a third party).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { escapeHtml, type PageLang } from '../http/public-page.ts';

export { escapeHtml, type PageLang } from '../http/public-page.ts';

/**
 * The language of a site page: `?lang=en` (or a posted form's `lang`) for English, French otherwise. Only the request decides
 * (never Accept-Language), so that each URL has one content: canonical links, caches and crawlers agree.
 */
export function siteLangOf(request: FastifyRequest): PageLang {
  const asked = [(request.query as Record<string, unknown> | undefined)?.lang, (request.body as Record<string, unknown> | undefined)?.lang];
  return asked.includes('en') ? 'en' : 'fr';
}

type SiteCampaign = { id: string; slug: string; name: string; city: string };
const campaignMemo = new WeakMap<Db, { at: number; value: Promise<SiteCampaign | null> }>();
/** How long the site's campaign is remembered (every public request asks for it). */
const CAMPAIGN_TTL_MS = 30_000;

/**
 * The campaign the public site shows: the oldest campaign of the instance (one site per instance),
 * remembered half a minute (a renamed campaign shows under its new name within that time).
 */
export function siteCampaign(db: Db): Promise<SiteCampaign | null> {
  const memo = campaignMemo.get(db);
  if (memo && Date.now() - memo.at < CAMPAIGN_TTL_MS) return memo.value;
  const value = db
    .selectFrom('campaign')
    .select(['id', 'slug', 'name', 'city'])
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst()
    .then((row) => row ?? null);
  campaignMemo.set(db, { at: Date.now(), value });
  // A failed read is not remembered; nor is "no campaign yet" (the first one is about to be created).
  value.then(
    (row) => {
      if (!row) campaignMemo.delete(db);
    },
    () => campaignMemo.delete(db),
  );
  return value;
}

/** A path of the site in a language: French is the default, English adds `?lang=en` (or `&lang=en`). */
export function sitePath(path: string, lang: PageLang): string {
  if (lang === 'fr') return path;
  return `${path}${path.includes('?') ? '&' : '?'}lang=en`;
}

export interface SitePage {
  status?: number;
  lang: PageLang;
  /** The page's own title (the campaign's name is appended in <title>). */
  title: string;
  /** One or two sentences: meta description and Open Graph description. */
  description: string;
  /** The page's path without language (`/arrondissements/11`): canonical URL, OG url, language switch. */
  path: string;
  /** The page's main content, HTML already escaped (the frame adds <main> around it). */
  body: string;
  /** Absolute or site path of the Open Graph image, when the page has one. */
  image?: string | undefined;
  /** Extra elements for <head> (JSON-LD, feeds' <link rel="alternate">), already escaped. */
  head?: string | undefined;
  /** Site paths of module scripts this page enhances itself with (the page works without them). */
  scripts?: readonly string[] | undefined;
  /** Open Graph type: 'article' for news, 'website' otherwise. */
  ogType?: 'website' | 'article' | undefined;
  /** Extra CSS of the page (inline, after the site's). */
  css?: string | undefined;
  /** Which entry of the navigation is the current one (aria-current). */
  current?: SiteSection | undefined;
}

export type SiteSection = 'home' | 'arrondissements' | 'news' | 'events' | 'petitions' | 'factchecks' | 'gallery';

const NAV: readonly { id: SiteSection; path: string; fr: string; en: string }[] = [
  { id: 'home', path: '/', fr: 'Accueil', en: 'Home' },
  { id: 'arrondissements', path: '/arrondissements', fr: 'Arrondissements', en: 'Districts' },
  { id: 'news', path: '/actualites', fr: 'Actualités', en: 'News' },
  { id: 'events', path: '/evenements', fr: 'Événements', en: 'Events' },
  { id: 'petitions', path: '/petitions', fr: 'Pétitions', en: 'Petitions' },
  { id: 'factchecks', path: '/le-vrai-du-faux', fr: 'Le vrai du faux', en: 'Fact checks' },
  { id: 'gallery', path: '/galerie', fr: 'Galerie', en: 'Gallery' },
];

/** The site's icon, inline (a browser asking /favicon.ico would log a 404 on every page). */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b3d91"/><path d="M9 24V8h7a5 5 0 0 1 0 10h-7m7 0 6 6" fill="none" stroke="#fff" stroke-width="3"/></svg>')}`;

/** The site's stylesheet, inline (one request per page, nothing from elsewhere). Contrast ≥ 4.5:1. */
export const SITE_CSS = `
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1b1e;background:#fff;line-height:1.6;overflow-wrap:anywhere}
a{color:#1c5fb8}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem}
header.site{background:#0b3d91;color:#fff}
header.site .bar{max-width:64rem;margin:0 auto;padding:.75rem 1.25rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;justify-content:space-between}
header.site a{color:#fff}
header.site .brand{font-weight:700;font-size:1.25rem;text-decoration:none}
header.site nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header.site nav a{text-decoration:none;padding:.5rem 0;display:inline-block;min-height:44px}
header.site nav a[aria-current="page"]{text-decoration:underline;text-underline-offset:.3em}
main{max-width:64rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
h1{font-size:2rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.5rem;line-height:1.3;margin:2rem 0 .75rem}
p,li{font-size:1.0625rem}
img{max-width:100%;height:auto}
.button,button{display:inline-block;background:#0b3d91;color:#fff;border:0;border-radius:.4rem;padding:.7rem 1.1rem;font-size:1rem;text-decoration:none;cursor:pointer;min-height:44px}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=email],input[type=tel],input[type=number],select,textarea{width:100%;max-width:32rem;padding:.6rem;border:1px solid #6c757d;border-radius:.35rem;font-size:1rem}
.muted{color:#495057}
.cards{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr))}
.cards>li{border:1px solid #dee2e6;border-radius:.5rem;padding:1rem}
.cards h3{margin:.25rem 0;font-size:1.15rem}
.meta{color:#495057;font-size:.95rem}
.lede{font-size:1.2rem}
footer.site{border-top:1px solid #dee2e6;background:#f8f9fa}
footer.site .bar{max-width:64rem;margin:0 auto;padding:1.25rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;font-size:.95rem}
`;

/** Sends a public page of the site in its frame (cacheable a minute: public pages hold nothing personal). */
export function renderSitePage(reply: FastifyReply, campaignName: string, page: SitePage): string {
  const { lang } = page;
  const other: PageLang = lang === 'fr' ? 'en' : 'fr';
  const base = reply.server.deps.config.publicUrl;
  const url = `${base}${sitePath(page.path, lang)}`;
  const image = page.image ? (page.image.startsWith('http') ? page.image : `${base}${page.image}`) : null;
  const fullTitle = page.path === '/' ? campaignName : `${page.title} — ${campaignName}`;
  reply
    .code(page.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('content-language', lang)
    .header('cache-control', (page.status ?? 200) === 200 ? 'public, max-age=60' : 'no-store');
  const nav = NAV.map(
    (entry) =>
      `<li><a href="${escapeHtml(sitePath(entry.path, lang))}"${page.current === entry.id ? ' aria-current="page"' : ''}>${escapeHtml(entry[lang])}</a></li>`,
  ).join('');
  const scripts = (page.scripts ?? []).map((src) => `<script type="module" src="${escapeHtml(src)}"></script>`).join('\n');
  const words =
    lang === 'fr'
      ? {
          skip: 'Aller au contenu',
          menu: 'Menu principal',
          access: 'Accessibilité : partiellement conforme',
          team: 'Espace équipe',
          switch: 'English',
        }
      : { skip: 'Skip to content', menu: 'Main menu', access: 'Accessibility: partially compliant', team: 'Team area', switch: 'Français' };
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${FAVICON}">
<title>${escapeHtml(fullTitle)}</title>
<meta name="description" content="${escapeHtml(page.description)}">
<link rel="canonical" href="${escapeHtml(url)}">
<link rel="alternate" hreflang="${other}" href="${escapeHtml(`${base}${sitePath(page.path, other)}`)}">
<meta property="og:type" content="${page.ogType ?? 'website'}">
<meta property="og:site_name" content="${escapeHtml(campaignName)}">
<meta property="og:title" content="${escapeHtml(page.title)}">
<meta property="og:description" content="${escapeHtml(page.description)}">
<meta property="og:url" content="${escapeHtml(url)}">
<meta property="og:locale" content="${lang === 'fr' ? 'fr_FR' : 'en_GB'}">
${image ? `<meta property="og:image" content="${escapeHtml(image)}">\n<meta name="twitter:card" content="summary_large_image">` : '<meta name="twitter:card" content="summary">'}
<style>${SITE_CSS}${page.css ?? ''}</style>
${page.head ?? ''}
</head>
<body>
<a class="skip" href="#contenu">${words.skip}</a>
<header class="site"><div class="bar">
<a class="brand" href="${escapeHtml(sitePath('/', lang))}">${escapeHtml(campaignName)}</a>
<nav aria-label="${words.menu}"><ul>${nav}<li><a href="${escapeHtml(sitePath(page.path, other))}" hreflang="${other}" lang="${other}">${words.switch}</a></li></ul></nav>
</div></header>
<main id="contenu" tabindex="-1">
${page.body}
</main>
<footer class="site"><div class="bar">
<a href="${escapeHtml(sitePath('/accessibilite', lang))}">${words.access}</a>
<a href="/app/">${words.team}</a>
</div></footer>
${scripts}
</body>
</html>`;
}
