// "Le vrai du faux" on the public site: the index of published checks (filterable by theme, verdict
// and who made the claim), a page per check with its schema.org ClaimReview and its share card
// (`/partage/verification/<slug>.png`, the page's og:image), and the RSS feed.
// Server-rendered through the site's frame; no JavaScript.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { escapeHtml, type PageLang, renderSitePage, siteCampaign, siteLangOf, sitePath } from '../../site/layout.ts';
import { SHARE_CARD_PREFIX, type ShareCard, sendShareCard, shareCardPath } from '../../site/share-card.ts';
import { claimReviewOf, jsonLdScript } from './claim-review.ts';
import { findPublishedBySlug, listFactchecks, publishedFacets, sourcesOf } from './factchecks.repo.ts';
import { ensureScale } from './factchecks.service.ts';

export const FACTCHECKS_PATH = '/le-vrai-du-faux';

/** A check's page on the site, absolute, once published (null before). */
export function publicUrlOf(base: string, row: { status: string; slug: string }): string | null {
  return row.status === 'published' ? `${base}${FACTCHECKS_PATH}/${row.slug}` : null;
}
const PER_PAGE = 30;

const WORDS = {
  fr: {
    title: 'Le vrai du faux',
    intro: 'Les affirmations du débat public vérifiées par la campagne, avec leurs sources.',
    filter: 'Filtrer',
    theme: 'Thème',
    verdict: 'Verdict',
    claimant: 'Auteur de l’affirmation',
    all: 'Tous',
    none: 'Aucune vérification ne correspond à ces critères.',
    said: 'a dit',
    on: 'le',
    sources: 'Sources',
    read: 'Lire la vérification',
    back: 'Toutes les vérifications',
    published: 'Publié le',
    share: 'Partager',
    rss: 'Flux RSS des vérifications',
    unreachable: 'lien injoignable lors de la dernière vérification',
    notFound: 'Cette vérification n’existe pas ou a été retirée.',
    claim: 'L’affirmation',
    explanation: 'Notre analyse',
    more: 'Page suivante',
  },
  en: {
    title: 'Fact checks',
    intro: 'Claims of the public debate checked by the campaign, with their sources.',
    filter: 'Filter',
    theme: 'Theme',
    verdict: 'Verdict',
    claimant: 'Claim made by',
    all: 'All',
    none: 'No fact check matches these criteria.',
    said: 'said',
    on: 'on',
    sources: 'Sources',
    read: 'Read the fact check',
    back: 'All fact checks',
    published: 'Published on',
    share: 'Share',
    rss: 'RSS feed of the fact checks',
    unreachable: 'link unreachable when last checked',
    notFound: 'This fact check does not exist or was withdrawn.',
    claim: 'The claim',
    explanation: 'Our analysis',
    more: 'Next page',
  },
} as const;

const CSS = `<style>
.fc-list{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.fc-card{border:1px solid #dee2e6;border-radius:.5rem;padding:1rem 1.25rem}
.fc-card h2{font-size:1.2rem;margin:.25rem 0 .5rem}
.fc-verdict{display:inline-block;font-weight:700;padding:.15rem .6rem;border-radius:.3rem;border:2px solid currentColor;background:#fff;color:#1a1b1e}
.fc-verdict i{display:inline-block;width:.8rem;height:.8rem;border-radius:50%;margin-right:.4rem;vertical-align:-.05rem}
.fc-claim{font-size:1.25rem;border-left:4px solid #0b3d91;margin:1rem 0;padding:.25rem 0 .25rem 1rem}
.fc-filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:1rem 0 1.5rem}
.fc-filters div{flex:1 1 12rem}
.fc-share{display:flex;flex-wrap:wrap;gap:.5rem 1rem;padding:0;list-style:none}
</style>`;

function longDate(value: Date | string, lang: PageLang): string {
  const date = typeof value === 'string' ? new Date(`${value}T12:00:00Z`) : value;
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date);
}

function verdictBadge(label: string, color: string): string {
  return `<span class="fc-verdict"><i aria-hidden="true" style="background:${escapeHtml(color)}"></i>${escapeHtml(label)}</span>`;
}

function options(values: readonly { value: string; label: string }[], selected: string | undefined, all: string): string {
  return [`<option value="">${escapeHtml(all)}</option>`]
    .concat(
      values.map((v) => `<option value="${escapeHtml(v.value)}"${v.value === selected ? ' selected' : ''}>${escapeHtml(v.label)}</option>`),
    )
    .join('');
}

const IndexQuery = Type.Object({
  theme: Type.Optional(Type.String({ maxLength: 100 })),
  verdict: Type.Optional(Type.String({ maxLength: 40 })),
  auteur: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  lang: Type.Optional(Type.String({ maxLength: 5 })),
});

/** RSS 2.0 text, escaped. */
function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

async function notOpen(reply: FastifyReply, lang: PageLang) {
  return renderSitePage(reply, 'Relais', {
    status: 404,
    lang,
    title: WORDS[lang].title,
    description: WORDS[lang].notFound,
    path: FACTCHECKS_PATH,
    body: `<h1>${WORDS[lang].title}</h1><p>${WORDS[lang].notFound}</p>`,
  });
}

type PublishedCheck = NonNullable<Awaited<ReturnType<typeof findPublishedBySlug>>>;

/** The check's share card: its verdict as a coloured badge, the claim, who made it and when. */
function factcheckCard(row: PublishedCheck, campaign: string, lang: PageLang, site: string): ShareCard {
  return {
    campaign,
    kicker: WORDS[lang].title,
    badge: { label: lang === 'fr' ? row.verdict_label_fr : row.verdict_label_en, color: row.verdict_color },
    title: `« ${row.claim} »`,
    subtitle: `${row.claimant}${row.claim_date ? `, ${longDate(row.claim_date, lang)}` : ''}`,
    site,
  };
}

export const factchecksSiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.deps.database.db;
  const siteHost = () => new URL(app.deps.config.publicUrl).host;

  app.get(
    `${SHARE_CARD_PREFIX}/verification/:file`,
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 210 }) }) } },
    async (request, reply) => {
      const slug = /^(.+)\.png$/.exec(request.params.file)?.[1];
      const campaign = await siteCampaign(db);
      const row = slug && campaign ? await withTenant(db, campaign.id, (trx) => findPublishedBySlug(trx, slug)) : undefined;
      if (!campaign || !row) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      return sendShareCard(request, reply, factcheckCard(row, campaign.name, siteLangOf(request), siteHost()));
    },
  );

  app.get(FACTCHECKS_PATH, { schema: { hide: true, querystring: IndexQuery } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const w = WORDS[lang];
    const campaign = await siteCampaign(db);
    if (!campaign) return notOpen(reply, lang);
    const q = request.query;
    const page = q.page ?? 1;
    const data = await withTenant(db, campaign.id, async (trx) => {
      const scale = await ensureScale(trx, campaign.id);
      const facets = await publishedFacets(trx);
      const list = await listFactchecks(trx, {
        status: 'published',
        theme: q.theme || undefined,
        verdict: q.verdict || undefined,
        claimant: q.auteur || undefined,
        limit: PER_PAGE,
        offset: (page - 1) * PER_PAGE,
      });
      return { scale, facets, list };
    });
    const filters = `<form class="fc-filters" method="get" action="${FACTCHECKS_PATH}">
${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
<div><label for="fc-theme">${w.theme}</label><select id="fc-theme" name="theme">${options(
      data.facets.themes.map((t) => ({ value: t, label: t })),
      q.theme,
      w.all,
    )}</select></div>
<div><label for="fc-verdict">${w.verdict}</label><select id="fc-verdict" name="verdict">${options(
      data.scale.map((v) => ({ value: v.code, label: lang === 'fr' ? v.label_fr : v.label_en })),
      q.verdict,
      w.all,
    )}</select></div>
<div><label for="fc-claimant">${w.claimant}</label><select id="fc-claimant" name="auteur">${options(
      data.facets.claimants.map((c) => ({ value: c, label: c })),
      q.auteur,
      w.all,
    )}</select></div>
<div><button type="submit">${w.filter}</button></div>
</form>`;
    const items = data.list.rows.map(
      (r) => `<li class="fc-card">
${verdictBadge(lang === 'fr' ? r.verdict_label_fr : r.verdict_label_en, r.verdict_color)}${r.theme ? ` <span class="muted">· ${escapeHtml(r.theme)}</span>` : ''}
<h2><a href="${escapeHtml(sitePath(`${FACTCHECKS_PATH}/${r.slug}`, lang))}">« ${escapeHtml(r.claim)} »</a></h2>
<p class="muted">${escapeHtml(r.claimant)}${r.claim_date ? `, ${escapeHtml(longDate(r.claim_date, lang))}` : ''}</p>
${r.summary ? `<p>${escapeHtml(r.summary)}</p>` : ''}
</li>`,
    );
    const more =
      page * PER_PAGE < data.list.total
        ? `<p><a href="${escapeHtml(sitePath(`${FACTCHECKS_PATH}?${new URLSearchParams({ ...(q.theme ? { theme: q.theme } : {}), ...(q.verdict ? { verdict: q.verdict } : {}), ...(q.auteur ? { auteur: q.auteur } : {}), page: String(page + 1) })}`, lang))}">${w.more}</a></p>`
        : '';
    const rss = `${FACTCHECKS_PATH}/rss.xml`;
    return renderSitePage(reply, campaign.name, {
      lang,
      title: w.title,
      description: w.intro,
      path: FACTCHECKS_PATH,
      current: 'factchecks',
      head: `${CSS}\n<link rel="alternate" type="application/rss+xml" title="${escapeHtml(w.rss)}" href="${rss}">`,
      body: `<h1>${w.title}</h1><p>${w.intro}</p>${filters}
${items.length > 0 ? `<ul class="fc-list">${items.join('')}</ul>` : `<p>${w.none}</p>`}${more}
<p><a href="${rss}">${w.rss}</a></p>`,
    });
  });

  app.get(`${FACTCHECKS_PATH}/rss.xml`, { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db);
    const base = app.deps.config.publicUrl;
    const rows = campaign
      ? (await withTenant(db, campaign.id, (trx) => listFactchecks(trx, { status: 'published', limit: 50, offset: 0 }))).rows
      : [];
    const items = rows.map((r) => {
      const url = `${base}${FACTCHECKS_PATH}/${r.slug}`;
      const verdict = lang === 'fr' ? r.verdict_label_fr : r.verdict_label_en;
      return `<item><title>${xml(`${verdict} : « ${r.claim} »`)}</title><link>${xml(url)}</link><guid isPermaLink="true">${xml(url)}</guid><pubDate>${(r.published_at ?? r.created_at).toUTCString()}</pubDate>${r.theme ? `<category>${xml(r.theme)}</category>` : ''}<description>${xml(r.summary || r.claim)}</description></item>`;
    });
    reply.type('application/rss+xml; charset=utf-8').header('cache-control', 'public, max-age=300');
    return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>
<title>${xml(`${WORDS[lang].title} — ${campaign?.name ?? 'Relais'}`)}</title>
<link>${xml(`${base}${FACTCHECKS_PATH}`)}</link>
<atom:link href="${xml(`${base}${FACTCHECKS_PATH}/rss.xml`)}" rel="self" type="application/rss+xml"/>
<description>${xml(WORDS[lang].intro)}</description>
<language>${lang}</language>
${items.join('\n')}
</channel></rss>`;
  });

  app.get(
    `${FACTCHECKS_PATH}/:slug`,
    { schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) => {
      const lang = siteLangOf(request);
      const w = WORDS[lang];
      const campaign = await siteCampaign(db);
      if (!campaign) return notOpen(reply, lang);
      const found = await withTenant(db, campaign.id, async (trx) => {
        const row = await findPublishedBySlug(trx, request.params.slug);
        return row ? { row, sources: (await sourcesOf(trx, [row.id])).get(row.id) ?? [] } : null;
      });
      const path = `${FACTCHECKS_PATH}/${request.params.slug}`;
      if (!found)
        return renderSitePage(reply, campaign.name, {
          status: 404,
          lang,
          title: w.title,
          description: w.notFound,
          path: FACTCHECKS_PATH,
          body: `<h1>${w.title}</h1><p>${w.notFound}</p><p><a href="${escapeHtml(sitePath(FACTCHECKS_PATH, lang))}">${w.back}</a></p>`,
        });
      const { row, sources } = found;
      const base = app.deps.config.publicUrl;
      const verdict = lang === 'fr' ? row.verdict_label_fr : row.verdict_label_en;
      const url = `${base}${path}`;
      const headline = `${verdict} : « ${row.claim} »`;
      const review = claimReviewOf({
        url,
        claim: row.claim,
        claimant: row.claimant,
        claimDate: row.claim_date,
        claimUrl: row.claim_url,
        verdictLabel: row.verdict_label_fr,
        rating: row.verdict_rating,
        campaignName: campaign.name,
        siteUrl: base,
        publishedAt: row.published_at ?? row.updated_at,
        updatedAt: row.updated_at,
        headline: `${row.verdict_label_fr} : « ${row.claim} »`,
        lang: 'fr',
      });
      const sourceItems = sources.map(
        (s) =>
          `<li><a href="${escapeHtml(s.url)}" rel="noopener noreferrer">${escapeHtml(s.title)}</a>${s.publisher ? `, ${escapeHtml(s.publisher)}` : ''}${s.published_on ? `, ${escapeHtml(longDate(s.published_on, lang))}` : ''}${s.check_state === 'unreachable' ? ` <span class="muted">(${w.unreachable})</span>` : ''}</li>`,
      );
      const shareText = encodeURIComponent(headline);
      const shareUrl = encodeURIComponent(url);
      const share = `<h2>${w.share}</h2><ul class="fc-share">
<li><a href="https://bsky.app/intent/compose?text=${shareText}%20${shareUrl}" rel="noopener">Bluesky</a></li>
<li><a href="https://x.com/intent/post?text=${shareText}&amp;url=${shareUrl}" rel="noopener">X</a></li>
<li><a href="https://www.facebook.com/sharer/sharer.php?u=${shareUrl}" rel="noopener">Facebook</a></li>
<li><a href="https://api.whatsapp.com/send?text=${shareText}%20${shareUrl}" rel="noopener">WhatsApp</a></li>
<li><a href="mailto:?subject=${shareText}&amp;body=${shareUrl}">${lang === 'fr' ? 'Courriel' : 'E-mail'}</a></li>
</ul>`;
      return renderSitePage(reply, campaign.name, {
        lang,
        title: headline,
        description: row.summary || `${w.claimant} : ${row.claimant}. ${w.verdict} : ${verdict}.`,
        path,
        image: shareCardPath('verification', row.slug, factcheckCard(row, campaign.name, lang, siteHost()), lang),
        head: `${CSS}\n${jsonLdScript(review)}\n<link rel="alternate" type="application/rss+xml" title="${escapeHtml(w.rss)}" href="${FACTCHECKS_PATH}/rss.xml">\n<meta property="article:published_time" content="${(row.published_at ?? row.updated_at).toISOString()}">`,
        body: `<p><a href="${escapeHtml(sitePath(FACTCHECKS_PATH, lang))}">← ${w.back}</a></p>
<article>
<h1>${verdictBadge(verdict, row.verdict_color)} <span>« ${escapeHtml(row.claim)} »</span></h1>
<p class="muted">${escapeHtml(row.claimant)}${row.claim_date ? `, ${escapeHtml(longDate(row.claim_date, lang))}` : ''}${row.claim_url ? ` — <a href="${escapeHtml(row.claim_url)}" rel="noopener noreferrer">${lang === 'fr' ? 'voir la déclaration' : 'see the statement'}</a>` : ''}${row.theme ? ` · ${escapeHtml(row.theme)}` : ''}</p>
${row.summary ? `<p><strong>${escapeHtml(row.summary)}</strong></p>` : ''}
<h2>${w.explanation}</h2>
<div class="fc-explanation">${row.explanation_html}</div>
${sourceItems.length > 0 ? `<h2>${w.sources}</h2><ol>${sourceItems.join('')}</ol>` : ''}
<p class="muted">${w.published} ${escapeHtml(longDate(row.published_at ?? row.updated_at, lang))}</p>
${share}
</article>`,
      });
    },
  );
};
