// The double opt-in link's pages at /c/<token>. GET shows the button and writes nothing (mail
// scanners and previews open links); POST /c/<token> is the click that records the consent;
// POST /c/<token>/resend mails a new link (the expired page's button), within the rate. The token
// (HMAC-signed, expiring) is the only credential; a browser's cross-site post is refused. Every
// failure is a page with a 4xx status, never a 5xx or a redirect.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { withTenant } from '../../db/database.ts';
import { escapeHtml, isCrossSite, type PageLang, pageLangOf, sendPublicPage } from '../../http/public-page.ts';
import {
  type ConfirmState,
  confirmationMail,
  confirmationStateOf,
  confirmEmail,
  readConfirmationToken,
  resendConfirmation,
} from './confirmation.ts';
import { CONFIRMATION_WORDS } from './confirmation-words.ts';

type TokenRequest = FastifyRequest<{ Params: { token: string } }>;

export const confirmationRoutes: FastifyPluginAsync = async (app) => {
  const secret = () => app.deps.config.mailing.tokenSecret;

  const page = (reply: FastifyReply, o: { status: number; lang: PageLang; token?: string; title: string; body: string }) =>
    sendPublicPage(reply, {
      status: o.status,
      lang: o.lang,
      title: o.title,
      body: o.body,
      switchHref: o.token ? `/c/${o.token}?lang=${o.lang === 'fr' ? 'en' : 'fr'}` : undefined,
    });
  const text = (t: string) => `<p>${escapeHtml(t)}</p>`;
  const button = (action: string, lang: PageLang, label: string) =>
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="lang" value="${lang}"><button type="submit">${escapeHtml(label)}</button></form>`;

  /** The page of a state (GET, or after a click). */
  const statePage = (reply: FastifyReply, lang: PageLang, token: string, state: ConfirmState) => {
    const w = CONFIRMATION_WORDS[lang];
    switch (state.status) {
      case 'gone':
        return page(reply, { status: 404, lang, title: w.goneTitle, body: text(w.goneText) });
      case 'expired':
        return page(reply, {
          status: 410,
          lang,
          token,
          title: w.expiredTitle,
          body: text(w.expiredText) + button(`/c/${token}/resend`, lang, w.resend),
        });
      case 'address_changed':
        return page(reply, { status: 409, lang, title: w.changedTitle, body: text(w.changedText(state.email)) });
      case 'pending':
        return page(reply, {
          status: 200,
          lang,
          token,
          title: w.pendingTitle,
          body: text(w.pendingText(state.campaignName, state.email)) + button(`/c/${token}`, lang, w.confirm),
        });
      case 'confirmed':
      case 'already_confirmed':
        return page(reply, {
          status: 200,
          lang,
          token,
          title: state.status === 'confirmed' ? w.confirmedTitle : w.alreadyTitle,
          body: `<p role="status">${escapeHtml(w.confirmedText(state.campaignName, state.email))}</p>`,
        });
    }
  };

  /** The token's ids, or null (the caller answers the invalid page). */
  const idsOf = (request: TokenRequest) => readConfirmationToken(secret(), request.params.token);
  const invalid = (reply: FastifyReply, lang: PageLang) =>
    page(reply, { status: 400, lang, title: CONFIRMATION_WORDS[lang].invalidTitle, body: text(CONFIRMATION_WORDS[lang].invalidText) });
  const crossSite = (reply: FastifyReply, lang: PageLang) =>
    page(reply, { status: 403, lang, title: CONFIRMATION_WORDS[lang].crossSiteTitle, body: text(CONFIRMATION_WORDS[lang].crossSiteText) });

  app.get<{ Params: { token: string } }>('/c/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = pageLangOf(request);
    const ids = idsOf(request);
    if (!ids) return invalid(reply, lang);
    const state = await withTenant(app.deps.database.db, ids.campaignId, (trx) => confirmationStateOf(trx, ids));
    return statePage(reply, lang, request.params.token, state);
  });

  app.post<{ Params: { token: string } }>('/c/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = pageLangOf(request);
    const ids = idsOf(request);
    if (!ids) return invalid(reply, lang);
    if (isCrossSite(request)) return crossSite(reply, lang);
    const state = await withTenant(app.deps.database.db, ids.campaignId, (trx) =>
      confirmEmail(trx, ids, {
        token: request.params.token,
        ip: request.ip ?? null,
        userAgent: request.headers['user-agent'] ?? null,
      }),
    );
    return statePage(reply, lang, request.params.token, state);
  });

  app.post<{ Params: { token: string } }>('/c/:token/resend', { schema: { hide: true } }, async (request, reply) => {
    const lang = pageLangOf(request);
    const ids = idsOf(request);
    if (!ids) return invalid(reply, lang);
    if (isCrossSite(request)) return crossSite(reply, lang);
    const outcome = await withTenant(app.deps.database.db, ids.campaignId, (trx) => resendConfirmation(trx, ids, secret()));
    const w = CONFIRMATION_WORDS[lang];
    switch (outcome.status) {
      case 'gone':
        return page(reply, { status: 404, lang, title: w.goneTitle, body: text(w.goneText) });
      case 'already_confirmed':
        return page(reply, { status: 200, lang, title: w.alreadyTitle, body: text(w.alreadyText) });
      case 'rate_limited':
        reply.header('retry-after', '600');
        return page(reply, { status: 429, lang, title: w.rateTitle, body: text(w.rateText) });
      case 'sent':
        // After commit; a failed send is said on the page (the person can ask again later).
        try {
          await app.deps.mailer.send(confirmationMail(app.deps.config.publicUrl, outcome.send));
        } catch (error) {
          request.log.warn({ err: error }, 'confirmation link not sent');
          return page(reply, { status: 503, lang, title: w.sendFailedTitle, body: text(w.sendFailedText) });
        }
        return page(reply, { status: 200, lang, title: w.resentTitle, body: text(w.resentText) });
    }
  });
};
