// Spam protection of the public forms (petitions, signups, events' RSVPs), without any third party:
// - a honeypot field people never see (a bot that fills it is held back);
// - a minimum fill time: the form carries a signed timestamp, a post sooner than MIN_FILL_MS after it
//   is held back (so is a missing or forged stamp);
// - a self-hosted ALTCHA proof of work (altcha-lib makes and checks the challenge; the page's small
//   solver script, ALTCHA_SOLVER_JS, solves it in the browser). A solved challenge is good once.
//   Without JavaScript there is no proof: the post is still taken (the site works without it) but
//   marked `proof: 'none'` and held to a lower limit (NO_PROOF_WINDOW_MAX in five minutes);
// - rate limits per client address and form, after the UK Parliament's petitions site: one a minute
//   (burst), five in five minutes. Every post counts, held back or not, so a steady flood stays held.
// What is held back is quarantined silently: the caller stores it, does not count it, and answers
// exactly as for a success. When one client address or one e-mail domain passes ALERT_PER_HOUR posts
// in an hour, the staff is told once that hour (an audit entry now, an e-mail after commit).
// The events module's RSVP form calls guardFormPost like the petitions module does.
import { createChallenge, verifySolution } from 'altcha-lib/v1';
import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.ts';
import { escapeHtml, type PageLang } from '../http/public-page.ts';
import { uuidv7 } from '../lib/ids.ts';
import { hmacSha256, safeEqual } from '../lib/secrets.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { insertAuditEvents } from '../modules/audit/index.ts';

/** A post sooner than this after the form was served is a robot's. */
export const MIN_FILL_MS = 3000;
/** A form's stamp is good this long (a tab left open over a weekend still posts). */
export const MAX_FORM_AGE_MS = 7 * 24 * 3600_000;
/** Burst: at most one post a minute per client address and form. */
export const BURST_MS = 60_000;
/** Window: at most WINDOW_MAX posts in WINDOW_MS per client address and form. */
export const WINDOW_MS = 5 * 60_000;
export const WINDOW_MAX = 5;
/** Without the proof of work (JavaScript off), at most this many posts in the window. */
export const NO_PROOF_WINDOW_MAX = 2;
/** Past this many posts in an hour from one address or one e-mail domain, the staff is told. */
export const ALERT_PER_HOUR = 100;
/** Work of the proof: the solver tries up to this many numbers (about a second on a phone). */
export const ALTCHA_MAX_NUMBER = 20_000;
/** Names of the guard's fields in a form. */
export const GUARD_FIELDS = { stamp: 'form_stamp', honeypot: 'site_web', altcha: 'altcha' } as const;

/** The guard's own key, derived from the instance's token secret (a leak of one is not the other). */
export function guardKey(secret: string): string {
  return hmacSha256(secret, 'form-guard').toString('hex');
}

/** The signed timestamp a form carries: "<ms>.<mac>". */
export function formStamp(secret: string, now = Date.now()): string {
  const mac = hmacSha256(guardKey(secret), `stamp:${now}`).subarray(0, 12).toString('base64url');
  return `${now}.${mac}`;
}

/** When the form was served, or null when the stamp is missing, cut or forged. */
export function readFormStamp(secret: string, stamp: unknown): number | null {
  if (typeof stamp !== 'string' || !/^\d{1,15}\.[A-Za-z0-9_-]{16}$/.test(stamp)) return null;
  const [ms = '', mac = ''] = stamp.split('.');
  const expected = hmacSha256(guardKey(secret), `stamp:${ms}`).subarray(0, 12).toString('base64url');
  return safeEqual(mac, expected) ? Number(ms) : null;
}

/** A fresh ALTCHA challenge (the challenge endpoint's answer), valid ten minutes. */
export function altchaChallenge(secret: string) {
  return createChallenge({ hmacKey: guardKey(secret), maxNumber: ALTCHA_MAX_NUMBER, expires: new Date(Date.now() + 10 * 60_000) });
}

/** The signature of a well-formed solved ALTCHA payload (its replay key), or null when it does not verify. */
export async function verifiedAltcha(secret: string, payload: unknown): Promise<string | null> {
  if (typeof payload !== 'string' || payload.length === 0 || payload.length > 2000) return null;
  try {
    if (!(await verifySolution(payload, guardKey(secret), true))) return null;
    const decoded = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { signature?: unknown };
    return typeof decoded.signature === 'string' ? decoded.signature : null;
  } catch {
    return null;
  }
}

const WORDS = {
  fr: {
    honeypot: 'Ne remplissez pas ce champ',
    noscript:
      'Sans JavaScript, votre envoi est accepté mais vérifié plus strictement (au plus deux envois en cinq minutes depuis votre connexion).',
  },
  en: {
    honeypot: 'Leave this field empty',
    noscript:
      'Without JavaScript your submission is accepted but checked more strictly (at most two in five minutes from your connection).',
  },
} as const;

/** The guard's hidden fields for a form (stamp, honeypot, the proof's field) and the no-JavaScript note. */
export function guardFieldsHtml(secret: string, lang: PageLang): string {
  const w = WORDS[lang];
  return `<input type="hidden" name="${GUARD_FIELDS.stamp}" value="${escapeHtml(formStamp(secret))}">
<div class="hp" aria-hidden="true"><label for="${GUARD_FIELDS.honeypot}">${escapeHtml(w.honeypot)}</label><input type="text" id="${GUARD_FIELDS.honeypot}" name="${GUARD_FIELDS.honeypot}" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="${GUARD_FIELDS.altcha}" value="" data-altcha-field>
<noscript><p class="muted">${escapeHtml(w.noscript)}</p></noscript>`;
}

/** CSS for the honeypot (out of sight, out of the tab order, still in the DOM for robots). */
export const GUARD_CSS = '.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}';

/** Where the challenge and the solver are served (form-guard routes, registered by the petitions module). */
export const ALTCHA_CHALLENGE_PATH = '/formulaires/altcha';
export const ALTCHA_SOLVER_PATH = '/formulaires/altcha.js';

/**
 * The solver, a module script of a few lines: for each form with a proof field it fetches a
 * challenge when the visitor first enters the form (a reader who does not sign spends no CPU on it,
 * and the page's load stays idle), finds the number whose SHA-256 of salt+number is the challenge, and fills the field
 * with the payload altcha-lib checks. A post before it is done waits for it; any failure lets the
 * form post without proof (the server then applies the lower limit).
 */
export const ALTCHA_SOLVER_JS = `const hex=(b)=>Array.from(new Uint8Array(b),(x)=>x.toString(16).padStart(2,'0')).join('');
async function solve(){const r=await fetch('${ALTCHA_CHALLENGE_PATH}',{credentials:'same-origin'});if(!r.ok)return '';const c=await r.json();const enc=new TextEncoder();
for(let n=0;n<=c.maxnumber;n++){if(hex(await crypto.subtle.digest('SHA-256',enc.encode(c.salt+n)))===c.challenge){return btoa(JSON.stringify({algorithm:c.algorithm,challenge:c.challenge,number:n,salt:c.salt,signature:c.signature}));}}return '';}
for(const field of document.querySelectorAll('input[data-altcha-field]')){const form=field.form;if(!form)continue;
let work=null;const start=()=>{work??=solve().then((v)=>{field.value=v;}).catch(()=>{});return work;};let sent=false;
form.addEventListener('focusin',start,{once:true});
form.addEventListener('submit',(e)=>{if(sent||field.value)return;e.preventDefault();const b=form.querySelector('button[type=submit]');if(b)b.setAttribute('aria-busy','true');start().then(()=>{sent=true;form.submit();});});}
`;

/** The e-mail's domain (what floods are counted by), lower case. */
export function emailDomainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

export interface GuardPost {
  campaignId: string;
  /** The form's key: 'newsletter', 'petition:<id>', 'event:<id>'… (limits are per address and form). */
  form: string;
  clientAddress: string;
  /** The e-mail's domain, lower case ('' when the form has none). */
  emailDomain: string;
  /** The posted body (the guard reads its own fields). */
  body: Record<string, unknown>;
  /** The instance's token secret (config.mailing.tokenSecret). */
  secret: string;
  now?: Date;
}

export type GuardReason = 'honeypot' | 'stamp' | 'too_fast' | 'altcha_invalid' | 'altcha_replay' | 'burst' | 'window' | 'no_proof_window';

/** A flood the staff must hear of (mail it after commit with floodAlertMail). */
export interface FloodAlert {
  campaignId: string;
  kind: 'address' | 'domain';
  key: string;
  count: number;
}

export interface GuardVerdict {
  /** False: quarantine it silently (store it, count nothing, answer as for a success). */
  accepted: boolean;
  reason: GuardReason | null;
  proof: 'altcha' | 'none';
  alerts: FloodAlert[];
}

/** Why a post is held back before any count (honeypot, stamp, fill time, proof), or null. */
async function formReason(
  post: GuardPost,
  now: number,
): Promise<{ reason: GuardReason | null; proof: 'altcha' | 'none'; key: string | null }> {
  const honeypot = post.body[GUARD_FIELDS.honeypot];
  const altcha = post.body[GUARD_FIELDS.altcha];
  const hasProof = typeof altcha === 'string' && altcha.length > 0;
  const key = hasProof ? await verifiedAltcha(post.secret, altcha) : null;
  const proof = key ? 'altcha' : 'none';
  if (typeof honeypot === 'string' && honeypot.trim() !== '') return { reason: 'honeypot', proof, key: null };
  const served = readFormStamp(post.secret, post.body[GUARD_FIELDS.stamp]);
  if (served === null || served > now + 60_000 || now - served > MAX_FORM_AGE_MS) return { reason: 'stamp', proof, key: null };
  if (now - served < MIN_FILL_MS) return { reason: 'too_fast', proof, key: null };
  if (hasProof && !key) return { reason: 'altcha_invalid', proof, key: null };
  return { reason: null, proof, key };
}

/**
 * The one check of a public form's post, in the caller's transaction: the form's own signs
 * (honeypot, stamp, fill time, proof), then the rate limits per client address and form; the post is
 * written to the guard's ledger whatever the verdict. Returns the verdict and the floods to tell the
 * staff (already audited; mail them after commit with sendFloodAlerts).
 */
export async function guardFormPost(trx: Trx, post: GuardPost): Promise<GuardVerdict> {
  const at = post.now ?? new Date();
  const now = at.getTime();
  let { reason, proof, key } = await formReason(post, now);
  if (key) {
    const used = await trx
      .selectFrom('form_guard_hit')
      .select('id')
      .where('campaign_id', '=', post.campaignId)
      .where('proof_key', '=', key)
      .executeTakeFirst();
    if (used) {
      reason ??= 'altcha_replay';
      key = null;
    }
  }
  if (reason === null) {
    const recent = await trx
      .selectFrom('form_guard_hit')
      .select([
        sql<number>`count(*) filter (where at > ${new Date(now - BURST_MS)})::int`.as('minute'),
        sql<number>`count(*)::int`.as('window'),
      ])
      .where('campaign_id', '=', post.campaignId)
      .where('client_address', '=', post.clientAddress)
      .where('form', '=', post.form)
      .where('at', '>', new Date(now - WINDOW_MS))
      .executeTakeFirstOrThrow();
    if (recent.minute >= 1) reason = 'burst';
    else if (recent.window >= WINDOW_MAX) reason = 'window';
    else if (proof === 'none' && recent.window >= NO_PROOF_WINDOW_MAX) reason = 'no_proof_window';
  }
  await trx
    .insertInto('form_guard_hit')
    .values({
      campaign_id: post.campaignId,
      id: uuidv7(),
      form: post.form.slice(0, 200),
      client_address: post.clientAddress,
      email_domain: post.emailDomain,
      verdict: reason === null ? 'accepted' : 'quarantined',
      reason,
      proof,
      proof_key: key,
      at,
    })
    .execute();
  const alerts = await floodAlerts(trx, post, at);
  return { accepted: reason === null, reason, proof, alerts };
}

/** The floods this post makes cross the hourly threshold (each told once an hour), audited. */
async function floodAlerts(trx: Trx, post: GuardPost, at: Date): Promise<FloodAlert[]> {
  const since = new Date(at.getTime() - 3600_000);
  const counts = await trx
    .selectFrom('form_guard_hit')
    .select([
      sql<number>`count(*) filter (where client_address = ${post.clientAddress})::int`.as('address'),
      sql<number>`count(*) filter (where email_domain = ${post.emailDomain} and email_domain <> '')::int`.as('domain'),
    ])
    .where('campaign_id', '=', post.campaignId)
    .where('at', '>', since)
    .where((eb) => eb.or([eb('client_address', '=', post.clientAddress), eb('email_domain', '=', post.emailDomain)]))
    .executeTakeFirstOrThrow();
  const hour = new Date(Math.floor(at.getTime() / 3600_000) * 3600_000);
  const alerts: FloodAlert[] = [];
  const candidates: FloodAlert[] = [
    { campaignId: post.campaignId, kind: 'address', key: post.clientAddress, count: counts.address },
    { campaignId: post.campaignId, kind: 'domain', key: post.emailDomain, count: counts.domain },
  ];
  for (const c of candidates) {
    if (c.count <= ALERT_PER_HOUR || c.key === '') continue;
    const inserted = await trx
      .insertInto('form_alert')
      .values({ campaign_id: c.campaignId, kind: c.kind, key: c.key, hour, count: c.count })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) alerts.push(c);
  }
  await insertAuditEvents(
    trx,
    alerts.map((a) => ({
      campaignId: a.campaignId,
      action: 'form_guard.flood',
      actorLabel: 'form-guard',
      targetType: a.kind,
      ip: a.kind === 'address' ? a.key : null,
      details: { kind: a.kind, key: a.key, count: a.count, form: post.form, threshold: ALERT_PER_HOUR },
    })),
  );
  return alerts;
}

/** The staff's e-mail about a flood (to each owner and admin of the campaign). */
export function floodAlertMail(to: string, alert: FloodAlert, publicUrl: string): MailMessage {
  const what = alert.kind === 'address' ? `l’adresse ${alert.key}` : `le domaine de messagerie ${alert.key}`;
  return {
    to,
    campaignId: alert.campaignId,
    subject: `Alerte : plus de ${ALERT_PER_HOUR} envois de formulaire en une heure depuis ${alert.key}`,
    text: [
      `Plus de ${ALERT_PER_HOUR} envois de formulaires publics (pétitions, inscriptions) sont venus de ${what} dans la dernière heure (${alert.count}).`,
      'Les envois au-delà des limites sont mis en quarantaine sans être comptés. Vérifiez-les et annulez les signatures suspectes :',
      `${publicUrl}/app/petitions/quarantaine`,
      '',
      `More than ${ALERT_PER_HOUR} public form posts came from ${alert.kind === 'address' ? 'address' : 'e-mail domain'} ${alert.key} in the last hour (${alert.count}).`,
    ].join('\n'),
  };
}

/** Mails the floods to the campaign’s owners and admins (after commit; a failed send is logged, the audit entry stands). */
export async function sendFloodAlerts(
  db: Db,
  o: { alerts: readonly FloodAlert[]; send: (m: MailMessage) => Promise<void>; publicUrl: string; log: (error: unknown) => void },
): Promise<void> {
  for (const alert of o.alerts) {
    const admins = await db
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select('u.email')
      .where('m.campaign_id', '=', alert.campaignId)
      .where('m.role', 'in', ['owner', 'admin'])
      .where('u.disabled_at', 'is', null)
      .execute();
    for (const { email } of admins) await o.send(floodAlertMail(email, alert, o.publicUrl)).catch(o.log);
  }
}
