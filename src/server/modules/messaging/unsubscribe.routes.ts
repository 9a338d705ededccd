// Unsubscribe and preferences at /u/<token>, the link of every mailing's footer and of
// List-Unsubscribe. GET never changes anything: it shows the preference page (topics, and
// "unsubscribe from everything"), so a link scanner following the footer's link changes nobody's
// choice. POST /u/<token> is the one-click unsubscribe (RFC 8058: the body
// `List-Unsubscribe=One-Click` as mailbox providers send it, form-encoded or multipart, or the
// page's button): suppression + consent-ledger line with the proof. POST /u/<token>/preferences
// changes topics: a ledger line per topic changed, with the proof (token, address, user agent, time),
// then redirects (303) to the page, which says whether anything changed.
// The token (HMAC-signed, tokens.ts) is the only credential: no cookie is read, so another site
// cannot borrow the person's session; a browser's cross-site post is refused all the same. A token
// that is not ours gets an error page (4xx), never a redirect.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { EMAIL_TOPICS } from '../../../shared/enums.ts';
import { withTenant } from '../../db/database.ts';
import { escapeHtml, isCrossSite, type PageLang, pageLangOf, sendPublicPage } from '../../http/public-page.ts';
import { PREFERENCE_WORDS } from './preference-words.ts';
import { changeTopics, type PreferenceState, preferenceStateOf, topicsOfForm } from './preferences.ts';
import { suppressAddress } from './suppression.ts';
import { readUnsubscribeToken } from './tokens.ts';

/** The List-Unsubscribe field of a multipart/form-data body (RFC 8058 says SHOULD be multipart). */
function multipartField(body: string, name: string): string | undefined {
  const re = new RegExp(`name="${name}"\\r?\\n(?:[^\\r\\n]+\\r?\\n)*\\r?\\n([^\\r\\n]*)`, 'i');
  return re.exec(body)?.[1];
}

const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

/** A page of one message (errors, the unsubscribed state). */
function messagePage(reply: FastifyReply, o: { status: number; lang: PageLang; title: string; text: string; token?: string }) {
  const other = o.lang === 'fr' ? 'en' : 'fr';
  return sendPublicPage(reply, {
    status: o.status,
    lang: o.lang,
    title: o.title,
    body: p(o.text),
    switchHref: o.token ? `/u/${o.token}?lang=${other}` : undefined,
  });
}

/** The preference page of a person still subscribed: the topics form and the unsubscribe-all button. */
function preferencePage(reply: FastifyReply, o: { lang: PageLang; token: string; state: PreferenceState; notice?: string | undefined }) {
  const w = PREFERENCE_WORDS[o.lang];
  const token = escapeHtml(o.token);
  const choices = EMAIL_TOPICS.map((topic) => {
    const id = `topic-${topic}`;
    const checked = o.state.topics.includes(topic) ? ' checked' : '';
    return `<div class="choice"><input type="checkbox" id="${id}" name="topics" value="${topic}"${checked} aria-describedby="${id}-hint">
<label for="${id}">${escapeHtml(w.topics[topic].label)}<span class="hint" id="${id}-hint">${escapeHtml(w.topics[topic].hint)}</span></label></div>`;
  }).join('\n');
  const notice = o.notice ? `<p class="status" role="status">${escapeHtml(o.notice)}</p>` : '';
  return sendPublicPage(reply, {
    status: 200,
    lang: o.lang,
    title: w.prefsTitle,
    switchHref: `/u/${o.token}?lang=${o.lang === 'fr' ? 'en' : 'fr'}`,
    body: `${notice}${p(w.prefsIntro(o.state.campaignName, o.state.email))}
<form method="post" action="/u/${token}/preferences">
<input type="hidden" name="lang" value="${o.lang}"><input type="hidden" name="form" value="preferences">
<fieldset><legend>${escapeHtml(w.topicsLegend)}</legend>
${choices}
</fieldset>
<button type="submit">${escapeHtml(w.save)}</button>
</form>
<form method="post" action="/u/${token}">
<h2>${escapeHtml(w.allTitle)}</h2>${p(w.allText)}
<input type="hidden" name="lang" value="${o.lang}"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" class="secondary">${escapeHtml(w.unsubscribeAll)}</button>
</form>`,
  });
}

export const unsubscribeRoutes: FastifyPluginAsync = async (app) => {
  // Mailbox providers may post multipart/form-data; a few bytes, read as text in this scope only.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => done(null, body));
  const db = () => app.deps.database.db;

  /** The token's ids, or null after answering the error page. */
  const idsOf = (request: FastifyRequest<{ Params: { token: string } }>) =>
    readUnsubscribeToken(app.deps.config.mailing.tokenSecret, request.params.token);

  const unsubscribed = (reply: FastifyReply, lang: PageLang, token: string, state: { campaignName: string; email: string }) =>
    messagePage(reply, {
      status: 200,
      lang,
      token,
      title: PREFERENCE_WORDS[lang].unsubscribedTitle,
      text: PREFERENCE_WORDS[lang].unsubscribedText(state.campaignName, state.email),
    });
  const failure = (reply: FastifyReply, lang: PageLang, status: number, kind: 'invalid' | 'gone' | 'crossSite' | 'incomplete') => {
    const w = PREFERENCE_WORDS[lang];
    return messagePage(reply, { status, lang, title: w[`${kind}Title`], text: w[`${kind}Text`] });
  };

  app.get<{ Params: { token: string }; Querystring: { lang?: string; done?: string } }>(
    '/u/:token',
    { schema: { hide: true } },
    async (request, reply) => {
      const lang = pageLangOf(request);
      const ids = idsOf(request);
      if (!ids) return failure(reply, lang, 400, 'invalid');
      const state = await withTenant(db(), ids.campaignId, (trx) => preferenceStateOf(trx, ids.campaignId, ids.recipientId));
      if (!state) return failure(reply, lang, 404, 'gone');
      if (!state.subscribed) return unsubscribed(reply, lang, request.params.token, state);
      // After a post of the form (its redirect): says whether something changed; nothing is written here.
      const done = request.query.done;
      const words = PREFERENCE_WORDS[lang];
      const notice = done === 'saved' ? words.saved : done === 'unchanged' ? words.unchanged : undefined;
      return preferencePage(reply, { lang, token: request.params.token, state, notice });
    },
  );

  app.post<{ Params: { token: string } }>('/u/:token', { schema: { hide: true } }, async (request, reply) => {
    const lang = pageLangOf(request);
    const ids = idsOf(request);
    if (!ids) return failure(reply, lang, 400, 'invalid');
    const body = request.body;
    const field =
      typeof body === 'string'
        ? multipartField(body, 'List-Unsubscribe')
        : (body as Record<string, unknown> | undefined)?.['List-Unsubscribe'];
    if (field !== 'One-Click') return failure(reply, lang, 400, 'incomplete');
    const state = await withTenant(db(), ids.campaignId, async (trx) => {
      const row = await preferenceStateOf(trx, ids.campaignId, ids.recipientId);
      if (!row) return null;
      await suppressAddress(trx, ids.campaignId, row.email, 'unsubscribed', {
        method: 'one_click',
        recipient_id: row.recipientId,
        mailing_id: row.mailingId,
        person_id: row.personId,
        ip: request.ip ?? null,
        user_agent: request.headers['user-agent'] ?? null,
        at: new Date().toISOString(),
      });
      return row;
    });
    if (!state) return failure(reply, lang, 404, 'gone');
    return unsubscribed(reply, lang, request.params.token, state);
  });

  app.post<{ Params: { token: string } }>('/u/:token/preferences', { schema: { hide: true } }, async (request, reply) => {
    const lang = pageLangOf(request);
    const ids = idsOf(request);
    if (!ids) return failure(reply, lang, 400, 'invalid');
    // The token is the credential, not a cookie: still, a browser posting from another site is refused.
    if (isCrossSite(request)) return failure(reply, lang, 403, 'crossSite');
    // Only the page's own form: form-encoded, naming itself (a JSON or multipart body is not it).
    const form = request.body as Record<string, unknown> | string | undefined;
    const formEncoded = /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
    if (!formEncoded || typeof form !== 'object' || form === null || form.form !== 'preferences')
      return failure(reply, lang, 400, 'incomplete');
    const wanted = topicsOfForm(form.topics);
    const outcome = await withTenant(db(), ids.campaignId, async (trx) => {
      const state = await preferenceStateOf(trx, ids.campaignId, ids.recipientId, true);
      if (!state?.subscribed) return { state, changed: [] };
      const changed = await changeTopics(trx, ids.campaignId, {
        state,
        wanted,
        proof: {
          method: 'preference_page',
          token: request.params.token,
          ip: request.ip ?? null,
          user_agent: request.headers['user-agent'] ?? null,
          at: new Date().toISOString(),
        },
      });
      return { state: { ...state, topics: [...wanted] }, changed };
    });
    if (!outcome.state) return failure(reply, lang, 404, 'gone');
    if (!outcome.state.subscribed) return unsubscribed(reply, lang, request.params.token, outcome.state);
    // Post/redirect/get: reloading the page shows it again instead of posting the form twice.
    const done = outcome.changed.length > 0 ? 'saved' : 'unchanged';
    return reply.redirect(`/u/${request.params.token}?lang=${lang}&done=${done}`, 303);
  });
};
