// The public pages of petitions and signup forms, server-rendered and working without JavaScript:
// a post is a plain form POST answered by a 303 to a thank-you page with the share prompt; the
// confirmation link's page (GET shows the button, POST is the click); the open data of signatures
// per arrondissement (JSON and CSV); the embeddable forms (/embed/..., any site may frame them);
// the form guard's ALTCHA challenge and solver; the petition's share card (`/partage/petition/<slug>.png`,
// its title and progress, the page's og:image).
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { withTenant } from '../../db/database.ts';
import { isCrossSite } from '../../http/public-page.ts';
import { csvLine } from '../../lib/csv.ts';
import {
  ALTCHA_CHALLENGE_PATH,
  ALTCHA_SOLVER_JS,
  ALTCHA_SOLVER_PATH,
  altchaChallenge,
  emailDomainOf,
  guardFormPost,
  sendFloodAlerts,
} from '../../site/form-guard.ts';
import { escapeHtml, type PageLang, renderSitePage, SITE_CSS, siteCampaign, siteLangOf, sitePath } from '../../site/layout.ts';
import { SHARE_CARD_PREFIX, type ShareCard, sendShareCard, shareCardPath } from '../../site/share-card.ts';
import { petitionsFeed } from './petitions.feed.ts';
import {
  type FormValues,
  goalHtml,
  linkMail,
  PETITION_CSS,
  petitionCardHtml,
  sharePromptHtml,
  signatureFormHtml,
  signupFormHtml,
} from './petitions.html.ts';
import { countsByZone, findPetition, listPetitions, type PetitionRow, publicNames, signatureCounts } from './petitions.repo.ts';
import { CONSENT_TEXT, FORM_WORDS, PETITION_NEWS_TEXT, W } from './petitions.words.ts';
import {
  type ConfirmOutcome,
  confirmSubmission,
  type FormKind,
  type PostOutcome,
  readSubmissionToken,
  SIGNUP_FORMS,
  type SignupForm,
  storeFormPost,
  submissionState,
} from './submissions.ts';

type Body = Record<string, unknown>;
const str = (body: Body, key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '');
const checked = (body: Body, key: string) => body[key] === '1' || body[key] === 'on';
const isSignupForm = (s: string): s is SignupForm => (SIGNUP_FORMS as readonly string[]).includes(s);
const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

/** A minimal page for a frame on another site: the form and its styles, no site header. Frame-able by any site. */
function sendEmbed(reply: FastifyReply, o: { lang: PageLang; title: string; body: string; status?: number }) {
  reply
    .code(o.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-language', o.lang)
    .header(
      'content-security-policy',
      "default-src 'self';img-src 'self' data:;style-src 'self' 'unsafe-inline';script-src 'self';connect-src 'self';frame-ancestors *;base-uri 'self';form-action 'self'",
    )
    .removeHeader('x-frame-options');
  return `<!doctype html><html lang="${o.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(o.title)}</title><style>${SITE_CSS}main{padding:1rem}</style>${PETITION_CSS}</head><body><main><h1>${escapeHtml(o.title)}</h1>${o.body}</main><script type="module" src="${ALTCHA_SOLVER_PATH}"></script></body></html>`;
}

export const petitionsPublicRoutes: FastifyPluginAsync = async (app) => {
  const secret = () => app.deps.config.mailing.tokenSecret;
  const db = () => app.deps.database.db;

  const notFound = (reply: FastifyReply, name: string, lang: PageLang) =>
    renderSitePage(reply, name, {
      status: 404,
      lang,
      title: W[lang].notFound,
      description: W[lang].notFoundText,
      path: '/petitions',
      body: `<h1>${escapeHtml(W[lang].notFound)}</h1><p>${escapeHtml(W[lang].notFoundText)}</p><p><a href="${escapeHtml(sitePath('/petitions', lang))}">${escapeHtml(W[lang].back)}</a></p>`,
      current: 'petitions',
    });

  /** Guards, stores and (after commit) mails a post; the verdict never changes the answer. */
  const acceptPost = async (
    request: FastifyRequest,
    campaign: { id: string; name: string },
    post: { form: FormKind; petitionId: string | null; body: Body; lang: PageLang; consentText: string },
  ): Promise<PostOutcome> => {
    const email = str(post.body, 'email');
    const result = await withTenant(db(), campaign.id, async (trx) => {
      const verdict = await guardFormPost(trx, {
        campaignId: campaign.id,
        form: post.petitionId ? `petition:${post.petitionId}` : post.form,
        clientAddress: request.ip ?? '',
        emailDomain: emailDomainOf(email.trim()),
        body: post.body,
        secret: secret(),
      });
      const outcome = await storeFormPost(
        trx,
        {
          campaignId: campaign.id,
          form: post.form,
          petitionId: post.petitionId,
          email,
          givenName: str(post.body, 'given_name'),
          familyName: str(post.body, 'family_name'),
          postalCode: str(post.body, 'postal_code'),
          phone: str(post.body, 'phone'),
          message: str(post.body, 'message'),
          publicName: checked(post.body, 'public_name'),
          wantsNews: checked(post.body, 'wants_news'),
          consentText: post.consentText,
          lang: post.lang,
          clientAddress: request.ip ?? '',
          userAgent: request.headers['user-agent'] ?? '',
          origin: request.headers.referer ?? '',
        },
        verdict,
        secret(),
      );
      return { verdict, outcome };
    });
    if (result.outcome.status === 'pending' && result.outcome.send) {
      await app.deps.mailer.send(linkMail(app.deps.config.publicUrl, campaign, result.outcome.send)).catch((error: unknown) => {
        request.log.warn({ err: error }, 'form confirmation link not sent');
      });
    }
    if (result.verdict.alerts.length > 0) {
      await sendFloodAlerts(db(), {
        alerts: result.verdict.alerts,
        send: (m) => app.deps.mailer.send(m),
        publicUrl: app.deps.config.publicUrl,
        log: (error) => request.log.warn({ err: error }, 'flood alert not sent'),
      });
    }
    return result.outcome;
  };

  const valuesOf = (body: Body): FormValues => ({
    given_name: str(body, 'given_name').slice(0, 100),
    family_name: str(body, 'family_name').slice(0, 100),
    email: str(body, 'email').slice(0, 254),
    postal_code: str(body, 'postal_code').slice(0, 10),
    phone: str(body, 'phone').slice(0, 30),
    message: str(body, 'message').slice(0, 2000),
  });

  // ----- The form guard's proof of work -----
  app.get(ALTCHA_CHALLENGE_PATH, { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return altchaChallenge(secret());
  });
  app.get(ALTCHA_SOLVER_PATH, { schema: { hide: true } }, async (_request, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600');
    return ALTCHA_SOLVER_JS;
  });

  // ----- Petitions -----
  app.get('/petitions', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    if (!campaign) return notFound(reply, 'Relais', lang);
    const { rows, counts } = await withTenant(db(), campaign.id, async (trx) => {
      const rows = await listPetitions(trx, campaign.id, { status: 'public', limit: 100 });
      return {
        rows,
        counts: await signatureCounts(
          trx,
          campaign.id,
          rows.map((r) => r.id),
        ),
      };
    });
    const w = W[lang];
    return renderSitePage(reply, campaign.name, {
      lang,
      title: w.petitions,
      description: w.petitionsIntro,
      path: '/petitions',
      current: 'petitions',
      head: `${PETITION_CSS}<link rel="alternate" type="application/rss+xml" title="${escapeHtml(w.feeds)}" href="/petitions/flux.rss"><link rel="alternate" type="application/atom+xml" title="${escapeHtml(w.feeds)}" href="/petitions/flux.atom">`,
      body: `<h1>${escapeHtml(w.petitions)}</h1><p>${escapeHtml(w.petitionsIntro)}</p>${
        rows.length
          ? `<ul class="cards">${rows.map((p) => petitionCardHtml(lang, p, counts.get(p.id) ?? 0, 'h2')).join('')}</ul>`
          : `<p>${escapeHtml(w.none)}</p>`
      }<p><a href="/petitions/flux.rss">RSS</a> · <a href="/petitions/flux.atom">Atom</a></p>`,
    });
  });

  for (const format of ['rss', 'atom'] as const) {
    app.get(`/petitions/flux.${format}`, { schema: { hide: true } }, async (request, reply) => {
      const lang = siteLangOf(request);
      const campaign = await siteCampaign(db());
      if (!campaign) return notFound(reply, 'Relais', lang);
      const rows = await withTenant(db(), campaign.id, (trx) => listPetitions(trx, campaign.id, { status: 'public', limit: 50 }));
      reply
        .type(format === 'rss' ? 'application/rss+xml; charset=utf-8' : 'application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300');
      return petitionsFeed(format, { base: app.deps.config.publicUrl, campaignName: campaign.name, lang, rows });
    });
  }

  /** The open petition (or closed: readable, not signable) of a slug, with its count. */
  const loadPetition = async (slug: string) => {
    const campaign = await siteCampaign(db());
    if (!campaign || !/^[a-z0-9-]{1,100}$/.test(slug)) return null;
    return withTenant(db(), campaign.id, async (trx) => {
      const p = await findPetition(trx, campaign.id, { slug });
      if (!p || p.status === 'draft') return null;
      const count = (await signatureCounts(trx, campaign.id, [p.id])).get(p.id) ?? 0;
      return { campaign, p, count, names: await publicNames(trx, campaign.id, p.id), zones: await countsByZone(trx, campaign.id, p.id) };
    });
  };

  const siteHost = () => new URL(app.deps.config.publicUrl).host;
  /** The petition's share card: its title, whom it is addressed to, its signatures toward the goal. */
  const petitionCard = (data: NonNullable<Awaited<ReturnType<typeof loadPetition>>>, lang: PageLang): ShareCard => {
    const { campaign, p, count } = data;
    const w = W[lang];
    return {
      campaign: campaign.name,
      kicker: w.petition,
      title: p.title,
      subtitle: p.target ? `${w.target}${w.colon}${p.target}` : undefined,
      progress: p.goal > 0 ? { ratio: count / p.goal, label: w.goal(count, p.goal) } : { ratio: 0, label: w.signatures(count) },
      site: siteHost(),
    };
  };

  app.get<{ Params: { file: string } }>(`${SHARE_CARD_PREFIX}/petition/:file`, { schema: { hide: true } }, async (request, reply) => {
    const slug = /^(.+)\.png$/.exec(request.params.file)?.[1];
    const data = slug ? await loadPetition(slug) : null;
    if (!data) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    return sendShareCard(request, reply, petitionCard(data, siteLangOf(request)));
  });

  const petitionPage = (
    reply: FastifyReply,
    lang: PageLang,
    data: NonNullable<Awaited<ReturnType<typeof loadPetition>>>,
    form: { values?: FormValues; error?: string; status?: number } = {},
  ) => {
    const { campaign, p, count, names } = data;
    const w = W[lang];
    const thresholds = p.thresholds.length
      ? `<h2>${escapeHtml(w.thresholds)}</h2><ul>${[...p.thresholds]
          .sort((a, b) => a.count - b.count)
          .map(
            (t) =>
              `<li><strong>${escapeHtml(w.signatures(t.count))}</strong> (${count >= t.count ? `✓ ${w.reached}` : w.toReach})${w.colon}${escapeHtml(t.text)}</li>`,
          )
          .join('')}</ul>`
      : '';
    const answer = p.answer
      ? `<section class="answer" aria-labelledby="answer"><h2 id="answer">${escapeHtml(w.answer)}</h2><p class="muted">${escapeHtml(w.answerFrom(p.target))}${p.answered_at ? ` — ${escapeHtml(w.answeredOn(p.answered_at))}` : ''}</p>${paragraphs(p.answer)}</section>`
      : '';
    const sign =
      p.status === 'open'
        ? `<h2 id="signer">${escapeHtml(w.sign)}</h2>${signatureFormHtml({ lang, action: `/petitions/${p.slug}`, secret: secret(), campaignName: campaign.name, ...form })}`
        : `<p><strong>${escapeHtml(w.closed)}</strong></p>`;
    const latest = names.length
      ? `<h2>${escapeHtml(w.latest)}</h2><ul class="names">${names.map((n) => `<li>${escapeHtml(n.name)}</li>`).join('')}</ul>`
      : '';
    return renderSitePage(reply, campaign.name, {
      ...(form.status ? { status: form.status } : {}),
      lang,
      title: p.title,
      description: p.summary || p.title,
      path: `/petitions/${p.slug}`,
      current: 'petitions',
      image: shareCardPath('petition', p.slug, petitionCard(data, lang), lang),
      head: PETITION_CSS,
      scripts: p.status === 'open' ? [ALTCHA_SOLVER_PATH] : [],
      body: `<h1>${escapeHtml(p.title)}</h1>${p.target ? `<p>${escapeHtml(w.target)}${w.colon}<strong>${escapeHtml(p.target)}</strong></p>` : ''}
${goalHtml(lang, count, p.goal)}
${answer}${paragraphs(p.body)}${thresholds}${sign}${latest}
<h2>${escapeHtml(w.openData)}</h2><p><a href="/petitions/${escapeHtml(p.slug)}/signatures.json">${w.json}</a> · <a href="/petitions/${escapeHtml(p.slug)}/signatures.csv">${w.csv}</a></p>`,
    });
  };

  app.get<{ Params: { slug: string } }>('/petitions/:slug', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const data = await loadPetition(request.params.slug);
    if (!data) return notFound(reply, (await siteCampaign(db()))?.name ?? 'Relais', lang);
    return petitionPage(reply, lang, data);
  });

  app.post<{ Params: { slug: string } }>('/petitions/:slug', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const body = (request.body ?? {}) as Body;
    const data = await loadPetition(request.params.slug);
    if (data?.p.status !== 'open') return notFound(reply, (await siteCampaign(db()))?.name ?? 'Relais', lang);
    const outcome = await acceptPost(request, data.campaign, {
      form: 'petition',
      petitionId: data.p.id,
      body,
      lang,
      consentText: checked(body, 'wants_news') ? PETITION_NEWS_TEXT[lang](data.campaign.name) : '',
    });
    if (outcome.status === 'invalid_email') {
      return petitionPage(reply, lang, data, { values: valuesOf(body), error: W[lang].badEmail, status: 400 });
    }
    return reply.redirect(sitePath(`/petitions/${data.p.slug}/merci`, lang), 303);
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/merci', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const data = await loadPetition(request.params.slug);
    if (!data) return notFound(reply, (await siteCampaign(db()))?.name ?? 'Relais', lang);
    const w = W[lang];
    const url = `${app.deps.config.publicUrl}/petitions/${data.p.slug}`;
    return renderSitePage(reply, data.campaign.name, {
      lang,
      title: w.thanksTitle,
      description: data.p.title,
      path: `/petitions/${data.p.slug}/merci`,
      current: 'petitions',
      head: PETITION_CSS,
      body: `<h1>${escapeHtml(w.thanksTitle)}</h1><p role="status">${escapeHtml(w.thanksText(''))}</p>${sharePromptHtml(lang, url, data.p.title)}<p><a href="${escapeHtml(sitePath(`/petitions/${data.p.slug}`, lang))}">${escapeHtml(data.p.title)}</a></p>`,
    });
  });

  /** Open data: confirmed signatures per arrondissement (no personal data), cacheable a minute. */
  app.get<{ Params: { slug: string } }>('/petitions/:slug/signatures.json', { schema: { hide: true } }, async (request, reply) => {
    const data = await loadPetition(request.params.slug);
    if (!data) return reply.code(404).type('application/json').send({ error: 'not_found' });
    reply.header('cache-control', 'public, max-age=60').header('access-control-allow-origin', '*');
    return {
      petition: data.p.title,
      url: `${app.deps.config.publicUrl}/petitions/${data.p.slug}`,
      goal: data.p.goal,
      signatures: data.count,
      generated_at: new Date().toISOString(),
      licence: 'ODbL-1.0',
      by_arrondissement: data.zones.map((z) => ({ code: z.code, name: z.name, signatures: z.signatures })),
    };
  });

  app.get<{ Params: { slug: string } }>('/petitions/:slug/signatures.csv', { schema: { hide: true } }, async (request, reply) => {
    const data = await loadPetition(request.params.slug);
    if (!data) return reply.code(404).type('text/plain; charset=utf-8').send('not found');
    reply
      .type('text/csv; charset=utf-8')
      .header('cache-control', 'public, max-age=60')
      .header('access-control-allow-origin', '*')
      .header('content-disposition', `inline; filename="signatures-${data.p.slug}.csv"`);
    return [
      csvLine(['code', 'arrondissement', 'signatures'], ','),
      ...data.zones.map((z) => csvLine([z.code ?? '', z.name ?? '', String(z.signatures)], ',')),
    ].join('');
  });

  // ----- Signup forms -----
  const signupPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    o: { form: string; embed: boolean; values?: FormValues; error?: string; status?: number },
  ) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    if (!campaign || !isSignupForm(o.form)) return notFound(reply, campaign?.name ?? 'Relais', lang);
    const words = FORM_WORDS[o.form][lang];
    const action = `${o.embed ? '/embed' : ''}/inscription/${o.form}`;
    const body = `<p>${escapeHtml(words.intro)}</p>${signupFormHtml({ form: o.form, lang, action, secret: secret(), campaignName: campaign.name, ...(o.values ? { values: o.values } : {}), ...(o.error ? { error: o.error } : {}) })}`;
    if (o.embed) return sendEmbed(reply, { lang, title: words.title, body, ...(o.status ? { status: o.status } : {}) });
    return renderSitePage(reply, campaign.name, {
      ...(o.status ? { status: o.status } : {}),
      lang,
      title: words.title,
      description: words.intro,
      path: `/inscription/${o.form}`,
      head: PETITION_CSS,
      scripts: [ALTCHA_SOLVER_PATH],
      body: `<h1>${escapeHtml(words.title)}</h1>${body}`,
    });
  };

  const signupPost = async (request: FastifyRequest<{ Params: { form: string } }>, reply: FastifyReply, embed: boolean) => {
    const lang = siteLangOf(request);
    const form = request.params.form;
    const campaign = await siteCampaign(db());
    if (!campaign || !isSignupForm(form)) return notFound(reply, campaign?.name ?? 'Relais', lang);
    const body = (request.body ?? {}) as Body;
    const outcome = await acceptPost(request, campaign, {
      form,
      petitionId: null,
      body,
      lang,
      consentText: CONSENT_TEXT[lang](campaign.name),
    });
    if (outcome.status === 'invalid_email') {
      return signupPage(request, reply, { form, embed, values: valuesOf(body), error: W[lang].badEmail, status: 400 });
    }
    return reply.redirect(sitePath(`${embed ? '/embed' : ''}/inscription/${form}/merci`, lang), 303);
  };

  const signupThanks = async (request: FastifyRequest<{ Params: { form: string } }>, reply: FastifyReply, embed: boolean) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db());
    const form = request.params.form;
    if (!campaign || !isSignupForm(form)) return notFound(reply, campaign?.name ?? 'Relais', lang);
    const w = W[lang];
    const body = `<p role="status">${escapeHtml(w.thanksText(''))}</p>${sharePromptHtml(lang, `${app.deps.config.publicUrl}/inscription/${form}`, FORM_WORDS[form][lang].title)}`;
    if (embed) return sendEmbed(reply, { lang, title: w.thanksTitle, body });
    return renderSitePage(reply, campaign.name, {
      lang,
      title: w.thanksTitle,
      description: FORM_WORDS[form][lang].intro,
      path: `/inscription/${form}/merci`,
      head: PETITION_CSS,
      body: `<h1>${escapeHtml(w.thanksTitle)}</h1>${body}`,
    });
  };

  for (const embed of [false, true]) {
    const prefix = embed ? '/embed' : '';
    app.get<{ Params: { form: string } }>(`${prefix}/inscription/:form`, { schema: { hide: true } }, (request, reply) =>
      signupPage(request, reply, { form: request.params.form, embed }),
    );
    app.post<{ Params: { form: string } }>(`${prefix}/inscription/:form`, { schema: { hide: true } }, (request, reply) =>
      signupPost(request, reply, embed),
    );
    app.get<{ Params: { form: string } }>(`${prefix}/inscription/:form/merci`, { schema: { hide: true } }, (request, reply) =>
      signupThanks(request, reply, embed),
    );
  }

  // The embeddable petition: its count and form in a frame.
  app.get<{ Params: { slug: string } }>('/embed/petitions/:slug', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const data = await loadPetition(request.params.slug);
    if (!data) return sendEmbed(reply, { lang, title: W[lang].notFound, body: `<p>${escapeHtml(W[lang].notFoundText)}</p>`, status: 404 });
    const body = `${goalHtml(lang, data.count, data.p.goal)}<p><a href="${escapeHtml(`${app.deps.config.publicUrl}${sitePath(`/petitions/${data.p.slug}`, lang)}`)}" target="_blank" rel="noopener">${escapeHtml(data.p.title)}</a></p>${
      data.p.status === 'open'
        ? signatureFormHtml({ lang, action: `/petitions/${data.p.slug}`, secret: secret(), campaignName: data.campaign.name })
        : `<p>${escapeHtml(W[lang].closed)}</p>`
    }`;
    return sendEmbed(reply, { lang, title: data.p.title, body });
  });

  // ----- The confirmation link -----
  confirmationPages(app);
};

/** /confirmer/<token>: GET shows the button (writes nothing), POST is the click. */
function confirmationPages(app: FastifyInstance) {
  const secret = () => app.deps.config.mailing.tokenSecret;
  const page = async (reply: FastifyReply, lang: PageLang, token: string, state: ConfirmOutcome | { status: 'invalid' | 'cross_site' }) => {
    const campaign = await siteCampaign(app.deps.database.db);
    const name = campaign?.name ?? 'Relais';
    const w = W[lang];
    const frame = (status: number, title: string, body: string) => {
      reply.header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
      const html = renderSitePage(reply, name, {
        status,
        lang,
        title,
        description: title,
        path: `/confirmer/${token}`,
        body: `<h1>${escapeHtml(title)}</h1>${body}`,
      });
      reply.header('cache-control', 'no-store');
      return html;
    };
    switch (state.status) {
      case 'invalid':
      case 'gone':
        return frame(404, w.goneTitle, `<p>${escapeHtml(w.goneText)}</p>`);
      case 'cross_site':
        return frame(403, w.goneTitle, `<p>${escapeHtml(w.goneText)}</p>`);
      case 'expired':
        return frame(410, w.expiredTitle, `<p>${escapeHtml(w.expiredText)}</p>`);
      case 'pending': {
        const what =
          state.form === 'petition'
            ? w.whatPetition(await petitionTitle(app, state.petitionId))
            : w.whatSignup(FORM_WORDS[state.form][lang].title);
        return frame(
          200,
          w.confirmTitle,
          `<p>${escapeHtml(w.confirmText(state.email, what))}</p><form method="post" action="/confirmer/${escapeHtml(token)}"><input type="hidden" name="lang" value="${lang}"><button type="submit">${escapeHtml(w.confirmButton)}</button></form>`,
        );
      }
      case 'confirmed':
      case 'already': {
        const back = state.petitionSlug
          ? `<p><a href="${escapeHtml(sitePath(`/petitions/${state.petitionSlug}`, lang))}">${escapeHtml(w.back)}</a></p>`
          : '';
        const text = state.status === 'already' ? w.alreadyText : state.form === 'petition' ? w.confirmedPetition : w.confirmedSignup;
        const share = state.petitionSlug
          ? sharePromptHtml(
              lang,
              `${app.deps.config.publicUrl}/petitions/${state.petitionSlug}`,
              await petitionTitle(app, state.petitionId),
            )
          : '';
        return frame(
          200,
          state.status === 'already' ? w.alreadyTitle : w.confirmedTitle,
          `<p role="status">${escapeHtml(text)}</p>${share}${back}`,
        );
      }
    }
  };
  app.get<{ Params: { token: string } }>('/confirmer/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const ids = readSubmissionToken(secret(), request.params.token);
    if (!ids) return page(reply, lang, '', { status: 'invalid' });
    const state = await withTenant(app.deps.database.db, ids.campaignId, (trx) => submissionState(trx, ids));
    return page(reply, lang, request.params.token, state);
  });
  app.post<{ Params: { token: string } }>('/confirmer/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const ids = readSubmissionToken(secret(), request.params.token);
    if (!ids) return page(reply, lang, '', { status: 'invalid' });
    if (isCrossSite(request)) return page(reply, lang, '', { status: 'cross_site' });
    const state = await withTenant(app.deps.database.db, ids.campaignId, (trx) =>
      confirmSubmission(trx, ids, {
        token: request.params.token,
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      }),
    );
    return page(reply, lang, request.params.token, state);
  });
}

async function petitionTitle(app: FastifyInstance, petitionId: string | null): Promise<string> {
  if (!petitionId) return '';
  const campaign = await siteCampaign(app.deps.database.db);
  if (!campaign) return '';
  const p: PetitionRow | undefined = await withTenant(app.deps.database.db, campaign.id, (trx) =>
    findPetition(trx, campaign.id, { id: petitionId }),
  );
  return p?.title ?? '';
}
