// Public votes on the site: the vote's page (options with their images, the form, the results when
// the campaign shows them), the "check your mailbox" page, and the confirmation link's pages (GET
// shows a button — mail scanners open links —, POST counts the ballot). Plain forms; the ballot form goes
// through the site's one form guard (honeypot, fill time, proof of work, rate limits per address), a
// post it holds back being dropped silently with the usual answer (no ballot, no mail).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { isCrossSite } from '../../http/public-page.ts';
import { ALTCHA_SOLVER_PATH, emailDomainOf, GUARD_CSS, guardFieldsHtml, guardFormPost, sendFloodAlerts } from '../../site/form-guard.ts';
import { escapeHtml, type PageLang, renderSitePage, siteCampaign, siteLangOf, sitePath } from '../../site/layout.ts';
import { SHARE_CARD_PREFIX, type ShareCard, sendShareCard, shareCardPath } from '../../site/share-card.ts';
import { type ConfirmOutcome, castBallot, confirmBallot, isOpen, readBallotToken, resultsPublic } from './votes.service.ts';

const W = {
  fr: {
    choose: 'Votre choix',
    email: 'Votre adresse e-mail',
    emailHint: 'Nous vous envoyons un lien : votre vote compte quand vous l’avez confirmé. Une seule voix par adresse.',
    news: 'Je souhaite recevoir les informations de la campagne par e-mail.',
    submit: 'Voter',
    closed: 'Ce vote est clos.',
    closesAt: 'Clôture le',
    kicker: 'Vote',
    optionCount: (n: number) => `${n} option${n > 1 ? 's' : ''}`,
    results: 'Résultats',
    resultsLater: 'Les résultats seront publiés à la clôture du vote.',
    votes: (n: number) => `${n.toLocaleString('fr-FR')} voix`,
    total: (n: number) => `${n.toLocaleString('fr-FR')} votes confirmés`,
    changeAllowed: 'Vous pourrez changer votre vote jusqu’à la clôture.',
    checkTitle: 'Vérifiez votre boîte e-mail',
    checkText:
      'Si un vote est à confirmer pour cette adresse, un lien vient de vous être envoyé. Votre vote compte quand vous cliquez sur ce lien puis sur « Confirmer mon vote ».',
    back: 'Retour au vote',
    confirmTitle: 'Confirmer votre vote',
    confirmText: 'Cliquez sur le bouton pour que votre vote soit compté.',
    confirmButton: 'Confirmer mon vote',
    confirmed: (label: string) => `Merci : votre vote pour « ${label} » est enregistré.`,
    changed: (label: string) => `Votre vote est désormais « ${label} ».`,
    already: (label: string) => `Votre vote pour « ${label} » était déjà enregistré.`,
    invalid: 'Ce lien n’est pas valide.',
    expired: 'Ce lien a expiré : votez à nouveau pour en recevoir un autre.',
    voided: 'Ce bulletin a été annulé par l’équipe de la campagne.',
    notFound: 'Ce vote n’existe pas.',
    crossSite: 'Cette confirmation doit être faite depuis le lien reçu par e-mail.',
    emailInvalid: 'Indiquez une adresse e-mail valide.',
    optionMissing: 'Choisissez une option.',
    mailSubject: (title: string) => `Confirmez votre vote : ${title}`,
    mailText: (title: string, link: string, change: boolean) =>
      `Bonjour,\n\n${change ? 'Vous avez demandé à changer votre vote' : 'Vous avez voté'} « ${title} ».\nPour que ${change ? 'ce changement soit pris en compte' : 'votre vote compte'}, ouvrez ce lien et confirmez (valable 48 heures) :\n\n${link}\n\nSi vous n’êtes pas à l’origine de ce vote, ignorez ce message : rien ne sera compté.`,
  },
  en: {
    choose: 'Your choice',
    email: 'Your e-mail address',
    emailHint: 'We send you a link: your vote counts once you have confirmed it. One vote per address.',
    news: "I'd like to receive the campaign's news by e-mail.",
    submit: 'Vote',
    closed: 'This vote is closed.',
    closesAt: 'Closes on',
    kicker: 'Vote',
    optionCount: (n: number) => `${n} option${n > 1 ? 's' : ''}`,
    results: 'Results',
    resultsLater: 'Results will be published when the vote closes.',
    votes: (n: number) => `${n.toLocaleString('en-GB')} votes`,
    total: (n: number) => `${n.toLocaleString('en-GB')} confirmed votes`,
    changeAllowed: 'You may change your vote until it closes.',
    checkTitle: 'Check your mailbox',
    checkText:
      'If a vote needs confirming for this address, a link was just sent to you. Your vote counts once you click it, then “Confirm my vote”.',
    back: 'Back to the vote',
    confirmTitle: 'Confirm your vote',
    confirmText: 'Click the button for your vote to be counted.',
    confirmButton: 'Confirm my vote',
    confirmed: (label: string) => `Thank you: your vote for “${label}” is recorded.`,
    changed: (label: string) => `Your vote is now “${label}”.`,
    already: (label: string) => `Your vote for “${label}” was already recorded.`,
    invalid: 'This link is not valid.',
    expired: 'This link has expired: vote again to receive another.',
    voided: "This ballot was voided by the campaign's team.",
    notFound: 'This vote does not exist.',
    crossSite: 'This confirmation must be made from the link you received by e-mail.',
    emailInvalid: 'Enter a valid e-mail address.',
    optionMissing: 'Choose an option.',
    mailSubject: (title: string) => `Confirm your vote: ${title}`,
    mailText: (title: string, link: string, change: boolean) =>
      `Hello,\n\n${change ? 'You asked to change your vote' : 'You voted'} in “${title}”.\nFor ${change ? 'the change' : 'your vote'} to count, open this link and confirm (valid 48 hours):\n\n${link}\n\nIf you did not vote, ignore this message: nothing will be counted.`,
  },
} as const;

const CSS = `<style>
.vote-options{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem;border:0;padding:0;margin:0 0 1rem}
.vote-options legend{font-weight:700;font-size:1.2rem;margin-bottom:.5rem}
.vote-option{border:2px solid #dee2e6;border-radius:.5rem;padding:.75rem;display:flex;flex-direction:column;gap:.5rem;font-weight:400;margin:0;cursor:pointer}
.vote-option:has(input:checked){border-color:#0b3d91}
.vote-option img{border-radius:.3rem;aspect-ratio:3/4;object-fit:cover;width:100%}
.vote-option span{font-weight:700}
.vote-bar{background:#e9ecef;border-radius:.3rem;height:1rem;overflow:hidden}
.vote-bar i{display:block;height:100%;background:#0b3d91}
.vote-results{list-style:none;padding:0;display:grid;gap:.75rem}
.error{color:#a61e1e;font-weight:600}
${GUARD_CSS}
</style>`;

const VotePath = Type.Object({ slug: Type.String({ maxLength: 200 }) });
const TokenPath = Type.Object({ token: Type.String({ maxLength: 200 }) });
const BallotForm = Type.Object({
  option: Type.Optional(Type.String({ maxLength: 100 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  news: Type.Optional(Type.String({ maxLength: 10 })),
  lang: Type.Optional(Type.String({ maxLength: 5 })),
  form_stamp: Type.Optional(Type.String({ maxLength: 100 })),
  site_web: Type.Optional(Type.String({ maxLength: 500 })),
  altcha: Type.Optional(Type.String({ maxLength: 2000 })),
});

type LoadedVote = NonNullable<Awaited<ReturnType<ReturnType<typeof voteLoader>>>>;

function voteLoader(db: Parameters<typeof withTenant>[0]) {
  return async (slug: string) => {
    const campaign = await siteCampaign(db);
    if (!campaign) return null;
    return withTenant(db, campaign.id, async (trx) => {
      const vote = await trx
        .selectFrom('public_vote')
        .selectAll()
        .where('slug', '=', slug)
        .where('status', '!=', 'draft')
        .executeTakeFirst();
      if (!vote) return null;
      const options = await trx.selectFrom('public_vote_option').selectAll().where('vote_id', '=', vote.id).orderBy('position').execute();
      return { campaign, vote, options };
    });
  };
}

const longDateTime = (d: Date, lang: PageLang) =>
  new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(d);

/** The vote's share card: its title, how many options, when it closes (or that it is closed). */
function voteCard({ campaign, vote, options }: LoadedVote, lang: PageLang, site: string): ShareCard {
  const w = W[lang];
  const when = !isOpen(vote) ? w.closed : vote.closes_at ? `${w.closesAt} ${longDateTime(vote.closes_at, lang)}` : '';
  return {
    campaign: campaign.name,
    kicker: w.kicker,
    title: vote.title,
    subtitle: [w.optionCount(options.length), when].filter(Boolean).join(' · '),
    site,
  };
}

function noStore(reply: FastifyReply, html: string): string {
  reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('x-robots-tag', 'noindex');
  return html;
}

export const votesSiteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.deps.database.db;
  const secret = () => app.deps.config.mailing.tokenSecret;

  const loadVote = voteLoader(db);
  const siteHost = () => new URL(app.deps.config.publicUrl).host;

  app.get(
    `${SHARE_CARD_PREFIX}/vote/:file`,
    { schema: { hide: true, params: Type.Object({ file: Type.String({ maxLength: 210 }) }) } },
    async (request, reply) => {
      const slug = /^(.+)\.png$/.exec(request.params.file)?.[1];
      const found = slug ? await loadVote(slug) : null;
      if (!found) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      return sendShareCard(request, reply, voteCard(found, siteLangOf(request), siteHost()));
    },
  );

  const message = (
    reply: FastifyReply,
    o: { lang: PageLang; campaign: string; status: number; title: string; text: string; back?: string },
  ) =>
    noStore(
      reply,
      renderSitePage(reply, o.campaign, {
        status: o.status,
        lang: o.lang,
        title: o.title,
        description: o.text,
        path: '/votes',
        body: `<h1>${escapeHtml(o.title)}</h1><p role="status">${escapeHtml(o.text)}</p>${o.back ? `<p><a href="${escapeHtml(sitePath(o.back, o.lang))}">${W[o.lang].back}</a></p>` : ''}`,
      }),
    );

  const votePage = async (reply: FastifyReply, lang: PageLang, slug: string, error: string | null, status = 200) => {
    const w = W[lang];
    const found = await loadVote(slug);
    if (!found) {
      const campaign = await siteCampaign(db);
      return message(reply, { lang, campaign: campaign?.name ?? 'Relais', status: 404, title: w.notFound, text: w.notFound });
    }
    const { campaign, vote, options } = found;
    const open = isOpen(vote);
    const total = options.reduce((n, o) => n + o.tally, 0);
    const results = resultsPublic(vote)
      ? `<h2>${w.results}</h2><p>${w.total(total)}</p><ul class="vote-results">${options
          .map((o) => {
            const pct = total > 0 ? Math.round((o.tally / total) * 1000) / 10 : 0;
            return `<li><strong>${escapeHtml(o.label)}</strong> — ${w.votes(o.tally)} (${pct.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB')} %)<div class="vote-bar" aria-hidden="true"><i style="width:${pct}%"></i></div></li>`;
          })
          .join('')}</ul>`
      : `<p class="muted">${w.resultsLater}</p>`;
    const closes = vote.closes_at ? `<p class="muted">${w.closesAt} ${escapeHtml(longDateTime(vote.closes_at, lang))}</p>` : '';
    const form = open
      ? `<form method="post" action="/votes/${escapeHtml(vote.slug)}">
<input type="hidden" name="lang" value="${lang}">
${guardFieldsHtml(secret(), lang)}
${error ? `<p class="error" role="alert" id="vote-error">${escapeHtml(error)}</p>` : ''}
<fieldset class="vote-options"><legend>${w.choose}</legend>
${options
  .map(
    (o) =>
      `<label class="vote-option">${o.image_url ? `<img src="${escapeHtml(o.image_url)}" alt="" loading="lazy">` : ''}<span><input type="radio" name="option" value="${o.id}" required> ${escapeHtml(o.label)}</span>${o.description ? `<small>${escapeHtml(o.description)}</small>` : ''}</label>`,
  )
  .join('\n')}
</fieldset>
<label for="vote-email">${w.email}</label>
<input type="email" id="vote-email" name="email" required autocomplete="email" aria-describedby="vote-email-hint">
<p class="muted" id="vote-email-hint">${w.emailHint}${vote.allow_change ? ` ${w.changeAllowed}` : ''}</p>
<p><label style="font-weight:400"><input type="checkbox" name="news" value="1"> ${w.news}</label></p>
<button type="submit">${w.submit}</button>
</form>`
      : `<p><strong>${w.closed}</strong></p>`;
    return renderSitePage(reply, campaign.name, {
      status,
      lang,
      title: vote.title,
      description: vote.description.slice(0, 300) || vote.title,
      path: `/votes/${vote.slug}`,
      image: shareCardPath('vote', vote.slug, voteCard(found, lang, siteHost()), lang),
      head: CSS,
      scripts: open ? [ALTCHA_SOLVER_PATH] : [],
      body: `<h1>${escapeHtml(vote.title)}</h1>${vote.description ? `<p>${escapeHtml(vote.description)}</p>` : ''}${closes}${form}${results}`,
    });
  };

  app.get('/votes/:slug', { schema: { hide: true, params: VotePath } }, async (request, reply) =>
    votePage(reply, siteLangOf(request), request.params.slug, null),
  );

  app.post(
    '/votes/:slug',
    { schema: { hide: true, params: VotePath, body: BallotForm }, config: { rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const lang = siteLangOf(request);
      const w = W[lang];
      const found = await loadVote(request.params.slug);
      if (!found) return votePage(reply, lang, request.params.slug, null);
      const { campaign, vote } = found;
      const email = request.body.email ?? '';
      const verdict = await withTenant(db, campaign.id, (trx) =>
        guardFormPost(trx, {
          campaignId: campaign.id,
          form: `vote:${vote.id}`,
          clientAddress: request.ip ?? '',
          emailDomain: emailDomainOf(email),
          body: request.body as Record<string, unknown>,
          secret: secret(),
        }),
      );
      if (verdict.alerts.length > 0)
        await sendFloodAlerts(db, {
          alerts: verdict.alerts,
          send: (m) => app.deps.mailer.send(m),
          publicUrl: app.deps.config.publicUrl,
          log: (error) => request.log.warn({ err: error }, 'flood alert not sent'),
        });
      // Held back (robot, too fast, flood): the usual answer, nothing cast, nothing mailed.
      if (!verdict.accepted) return reply.redirect(sitePath(`/votes/${vote.slug}/merci`, lang), 303);
      const optionId = request.body.option ?? '';
      if (!found.options.some((o) => o.id === optionId)) return votePage(reply, lang, vote.slug, w.optionMissing, 400);
      let outcome: Awaited<ReturnType<typeof castBallot>>;
      try {
        outcome = await withTenant(db, campaign.id, (trx) =>
          castBallot(trx, {
            campaignId: campaign.id,
            voteId: vote.id,
            optionId,
            email,
            wantsNews: request.body.news === '1',
            ip: request.ip ?? null,
            userAgent: request.headers['user-agent'] ?? null,
            secret: secret(),
          }),
        );
      } catch (error) {
        if ((error as { code?: string }).code === 'VOTE_EMAIL_INVALID') return votePage(reply, lang, vote.slug, w.emailInvalid, 400);
        throw error;
      }
      if (outcome.status === 'closed') return votePage(reply, lang, vote.slug, null, 409);
      if (outcome.status === 'sent') {
        const link = `${app.deps.config.publicUrl}${sitePath(`/votes/confirmer/${outcome.token}`, lang)}`;
        await app.deps.mailer.send({
          to: outcome.to,
          subject: w.mailSubject(vote.title),
          text: w.mailText(vote.title, link, outcome.kind === 'change'),
          campaignId: campaign.id,
        });
      }
      return reply.redirect(sitePath(`/votes/${vote.slug}/merci`, lang), 303);
    },
  );

  app.get('/votes/:slug/merci', { schema: { hide: true, params: VotePath } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const campaign = await siteCampaign(db);
    return message(reply, {
      lang,
      campaign: campaign?.name ?? 'Relais',
      status: 200,
      title: W[lang].checkTitle,
      text: W[lang].checkText,
      back: `/votes/${request.params.slug}`,
    });
  });

  const outcomePage = (reply: FastifyReply, lang: PageLang, campaign: string, outcome: ConfirmOutcome) => {
    const w = W[lang];
    switch (outcome.status) {
      case 'gone':
        return message(reply, { lang, campaign, status: 404, title: w.invalid, text: w.invalid });
      case 'expired':
        return message(reply, { lang, campaign, status: 410, title: w.expired, text: w.expired });
      case 'closed':
        return message(reply, { lang, campaign, status: 409, title: w.closed, text: w.closed });
      case 'voided':
        return message(reply, { lang, campaign, status: 409, title: w.voided, text: w.voided });
      default: {
        const text =
          outcome.status === 'confirmed'
            ? w.confirmed(outcome.optionLabel)
            : outcome.status === 'changed'
              ? w.changed(outcome.optionLabel)
              : w.already(outcome.optionLabel);
        return message(reply, { lang, campaign, status: 200, title: w.confirmTitle, text, back: `/votes/${outcome.voteSlug}` });
      }
    }
  };

  app.get('/votes/confirmer/:token', { schema: { hide: true, params: TokenPath } }, async (request, reply) => {
    const lang = siteLangOf(request);
    const w = W[lang];
    const campaign = (await siteCampaign(db))?.name ?? 'Relais';
    const ids = readBallotToken(secret(), request.params.token);
    if (!ids) return message(reply, { lang, campaign, status: 400, title: w.invalid, text: w.invalid });
    return noStore(
      reply,
      renderSitePage(reply, campaign, {
        lang,
        title: w.confirmTitle,
        description: w.confirmText,
        path: '/votes',
        body: `<h1>${w.confirmTitle}</h1><p>${w.confirmText}</p><form method="post" action="/votes/confirmer/${escapeHtml(request.params.token)}"><input type="hidden" name="lang" value="${lang}"><button type="submit">${w.confirmButton}</button></form>`,
      }),
    );
  });

  app.post(
    '/votes/confirmer/:token',
    { schema: { hide: true, params: TokenPath, body: Type.Optional(Type.Object({ lang: Type.Optional(Type.String({ maxLength: 5 })) })) } },
    async (request, reply) => {
      const lang = siteLangOf(request);
      const w = W[lang];
      const campaign = (await siteCampaign(db))?.name ?? 'Relais';
      const ids = readBallotToken(secret(), request.params.token);
      if (!ids) return message(reply, { lang, campaign, status: 400, title: w.invalid, text: w.invalid });
      if (isCrossSite(request)) return message(reply, { lang, campaign, status: 403, title: w.crossSite, text: w.crossSite });
      const outcome = await withTenant(db, ids.campaignId, (trx) =>
        confirmBallot(trx, ids, { ip: request.ip ?? null, token: request.params.token }),
      );
      return outcomePage(reply, lang, campaign, outcome);
    },
  );
};
