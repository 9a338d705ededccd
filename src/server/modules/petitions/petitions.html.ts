// HTML pieces of the public petition and signup pages (escaped here, framed by renderSitePage), the
// confirmation e-mail and the arrondissement page's petitions section.
import type { Trx } from '../../db/database.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { GUARD_CSS, guardFieldsHtml } from '../../site/form-guard.ts';
import { escapeHtml, type PageLang, sitePath } from '../../site/layout.ts';
import { listPetitions, type PetitionRow, signatureCounts } from './petitions.repo.ts';
import { CONSENT_TEXT, FORM_WORDS, PETITION_NEWS_TEXT, W } from './petitions.words.ts';
import type { LinkSend, SignupForm } from './submissions.ts';

/** The pages' own styles (progress bar, cards, share links), inline with the frame's. */
export const PETITION_CSS = `<style>${GUARD_CSS}
progress.goal{width:100%;height:1.25rem;accent-color:#0b3d91}
.cards{list-style:none;padding:0;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr))}
.cards li{border:1px solid #dee2e6;border-radius:.5rem;padding:1rem}
.cards h2,.cards h3{font-size:1.2rem;margin:0 0 .5rem}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
.check input{margin-top:.35rem;width:1.1rem;height:1.1rem;flex:none}
.error{border-left:4px solid #c92a2a;padding:.5rem 1rem;background:#fff5f5}
.answer{border-left:4px solid #0b3d91;padding:.5rem 1rem;background:#f1f5fb}
.share a{margin-right:1rem}
ul.names{columns:11rem;padding-left:1.25rem}
table{border-collapse:collapse}td,th{border-bottom:1px solid #dee2e6;padding:.25rem .75rem;text-align:left}
</style>`;

export const goalHtml = (lang: PageLang, count: number, goal: number) =>
  `<p><strong>${escapeHtml(W[lang].goal(count, goal))}</strong></p><progress class="goal" max="${goal}" value="${Math.min(count, goal)}" aria-label="${escapeHtml(W[lang].progress)}">${Math.round((100 * Math.min(count, goal)) / goal)} %</progress>`;

const field = (o: {
  name: string;
  label: string;
  type?: string;
  required?: boolean;
  autocomplete?: string;
  value?: string;
  hint?: string;
  lang: PageLang;
}) => {
  const id = `f-${o.name}`;
  const hint = o.hint ? `<span id="${id}-hint" class="muted">${escapeHtml(o.hint)}</span>` : '';
  return `<label for="${id}">${escapeHtml(o.label)}${o.required ? ` <span class="muted">(${W[o.lang].required})</span>` : ''}</label>${hint}
<input type="${o.type ?? 'text'}" id="${id}" name="${o.name}"${o.required ? ' required' : ''}${o.autocomplete ? ` autocomplete="${o.autocomplete}"` : ''}${o.hint ? ` aria-describedby="${id}-hint"` : ''} value="${escapeHtml(o.value ?? '')}" maxlength="${o.type === 'email' ? 254 : 100}">`;
};

export type FormValues = Partial<Record<'given_name' | 'family_name' | 'email' | 'postal_code' | 'phone' | 'message', string>>;

/** The petition's signature form (plain POST; the proof of work only enhances it). */
export function signatureFormHtml(o: {
  lang: PageLang;
  action: string;
  secret: string;
  campaignName: string;
  values?: FormValues;
  error?: string;
}) {
  const w = W[o.lang];
  const v = o.values ?? {};
  return `<form method="post" action="${escapeHtml(o.action)}" novalidate>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<input type="hidden" name="lang" value="${o.lang}">
${field({ name: 'given_name', label: w.givenName, required: true, autocomplete: 'given-name', value: v.given_name ?? '', lang: o.lang })}
${field({ name: 'family_name', label: w.familyName, required: true, autocomplete: 'family-name', value: v.family_name ?? '', lang: o.lang })}
${field({ name: 'email', label: w.email, type: 'email', required: true, autocomplete: 'email', value: v.email ?? '', lang: o.lang })}
${field({ name: 'postal_code', label: w.postalCode, autocomplete: 'postal-code', value: v.postal_code ?? '', hint: w.postalHint, lang: o.lang })}
<label class="check"><input type="checkbox" name="public_name" value="1"> ${escapeHtml(w.publicName)}</label>
<label class="check"><input type="checkbox" name="wants_news" value="1"> ${escapeHtml(PETITION_NEWS_TEXT[o.lang](o.campaignName))}</label>
${guardFieldsHtml(o.secret, o.lang)}
<p><button type="submit">${escapeHtml(w.signButton)}</button></p>
</form>`;
}

/** A signup form (newsletter, volunteer, pop-up): the consent sentence is shown above the button. */
export function signupFormHtml(o: {
  form: SignupForm;
  lang: PageLang;
  action: string;
  secret: string;
  campaignName: string;
  values?: FormValues;
  error?: string;
}) {
  const w = W[o.lang];
  const v = o.values ?? {};
  const more =
    o.form === 'newsletter'
      ? ''
      : `${field({ name: 'phone', label: w.phone, type: 'tel', autocomplete: 'tel', value: v.phone ?? '', lang: o.lang })}
<label for="f-message">${escapeHtml(w.message)}</label><textarea id="f-message" name="message" rows="4" maxlength="2000">${escapeHtml(v.message ?? '')}</textarea>`;
  return `<form method="post" action="${escapeHtml(o.action)}" novalidate>
${o.error ? `<p class="error" role="alert">${escapeHtml(o.error)}</p>` : ''}
<input type="hidden" name="lang" value="${o.lang}">
${field({ name: 'given_name', label: w.givenName, required: o.form !== 'newsletter', autocomplete: 'given-name', value: v.given_name ?? '', lang: o.lang })}
${o.form === 'newsletter' ? '' : field({ name: 'family_name', label: w.familyName, autocomplete: 'family-name', value: v.family_name ?? '', lang: o.lang })}
${field({ name: 'email', label: w.email, type: 'email', required: true, autocomplete: 'email', value: v.email ?? '', lang: o.lang })}
${field({ name: 'postal_code', label: w.postalCode, autocomplete: 'postal-code', value: v.postal_code ?? '', hint: w.postalHintSignup, lang: o.lang })}
${more}
${guardFieldsHtml(o.secret, o.lang)}
<p class="muted">${escapeHtml(CONSENT_TEXT[o.lang](o.campaignName))}</p>
<p><button type="submit">${escapeHtml(FORM_WORDS[o.form][o.lang].button)}</button></p>
</form>`;
}

/** The share prompt after a post (links only: nothing is loaded from the networks). */
export function sharePromptHtml(lang: PageLang, url: string, title: string) {
  const w = W[lang];
  const u = encodeURIComponent(url);
  const t = encodeURIComponent(title);
  return `<section aria-labelledby="share"><h2 id="share">${escapeHtml(w.share)}</h2><p>${escapeHtml(w.shareText)}</p>
<p class="share"><a href="mailto:?subject=${t}&amp;body=${u}">${escapeHtml(w.shareMail)}</a><a href="https://wa.me/?text=${t}%20${u}" rel="noopener">WhatsApp</a><a href="https://bsky.app/intent/compose?text=${t}%20${u}" rel="noopener">Bluesky</a><a href="https://www.facebook.com/sharer/sharer.php?u=${u}" rel="noopener">Facebook</a></p>
<label for="share-url">${escapeHtml(w.shareCopy)}</label><input type="text" id="share-url" readonly value="${escapeHtml(url)}"></section>`;
}

/** The confirmation e-mail of a post, in the post's language then the other. */
export function linkMail(publicUrl: string, campaign: { id: string; name: string }, send: LinkSend): MailMessage {
  const url = `${publicUrl}/confirmer/${send.token}${send.lang === 'en' ? '?lang=en' : ''}`;
  const fr =
    send.form === 'petition'
      ? `Pour que votre signature de la pétition « ${send.petitionTitle ?? ''} » soit comptée, ouvrez ce lien puis cliquez sur « Je confirme » :`
      : `Pour valider votre inscription auprès de ${campaign.name}, ouvrez ce lien puis cliquez sur « Je confirme » :`;
  const en =
    send.form === 'petition'
      ? `For your signature of the petition "${send.petitionTitle ?? ''}" to count, open this link and click "I confirm":`
      : `To validate your signup with ${campaign.name}, open this link and click "I confirm":`;
  const frBlock = [
    'Bonjour,',
    '',
    fr,
    url,
    '',
    'Ce lien est valable 7 jours. Si vous n’avez rien demandé, ignorez ce message : rien ne sera enregistré.',
  ];
  const enBlock = [
    'Hello,',
    '',
    en,
    url,
    '',
    'This link is valid for 7 days. If you did not ask for this, ignore this message: nothing will be recorded.',
  ];
  return {
    to: send.to,
    campaignId: campaign.id,
    subject: send.lang === 'en' ? `${campaign.name}: confirm your e-mail address` : `${campaign.name} : confirmez votre adresse e-mail`,
    text: [...(send.lang === 'en' ? enBlock : frBlock), '', '—', '', ...(send.lang === 'en' ? frBlock : enBlock)].join('\n'),
  };
}

/** A petition's card in a list (the petitions page, an arrondissement's page). */
export function petitionCardHtml(lang: PageLang, p: PetitionRow, count: number, heading: 'h2' | 'h3') {
  return `<li><${heading}><a href="${escapeHtml(sitePath(`/petitions/${p.slug}`, lang))}">${escapeHtml(p.title)}</a></${heading}>
${p.target ? `<p class="muted">${escapeHtml(W[lang].target)}${W[lang].colon}${escapeHtml(p.target)}</p>` : ''}
${p.summary ? `<p>${escapeHtml(p.summary)}</p>` : ''}${goalHtml(lang, count, p.goal)}</li>`;
}

/**
 * The petitions of an arrondissement (open or closed, not drafts) as an HTML section for its page;
 * '' when it has none. For the site module's arrondissement page.
 */
export async function petitionsForZoneHtml(trx: Trx, zoneId: string, lang: PageLang): Promise<string> {
  const zone = await trx.selectFrom('zone').select('campaign_id').where('id', '=', zoneId).executeTakeFirst();
  if (!zone) return '';
  const rows = await listPetitions(trx, zone.campaign_id, { status: 'public', zoneId, limit: 10 });
  if (rows.length === 0) return '';
  const counts = await signatureCounts(
    trx,
    zone.campaign_id,
    rows.map((r) => r.id),
  );
  return `<section aria-labelledby="zone-petitions"><h2 id="zone-petitions">${escapeHtml(W[lang].petitions)}</h2><ul class="cards">${rows
    .map((p) => petitionCardHtml(lang, p, counts.get(p.id) ?? 0, 'h3'))
    .join('')}</ul></section>`;
}
