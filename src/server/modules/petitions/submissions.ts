// Public form posts (petition signatures, newsletter / volunteer / pop-up signups) from the post to
// the click. A post the form guard lets through is stored `pending` and its e-mail link mailed after
// commit; nothing reaches the people module before the click: the click (POST on the link's page)
// runs the people module's signup (the person matched on their normalised e-mail, or created), records
// the e-mail consent with the words the person saw (double opt-in proof: the post's and the click's),
// and the activity that moves the ladder (petition.signed, contact.volunteering). A held-back post is
// stored `quarantined`, never mailed, never counted. Links expire after SUBMISSION_TTL_MS.
import type { Trx } from '../../db/database.ts';
import { uuidBytes, uuidOf, uuidv7 } from '../../lib/ids.ts';
import { hmacSha256, safeEqual } from '../../lib/secrets.ts';
import { emailDomainOf, type GuardVerdict } from '../../site/form-guard.ts';
import { recordConsents } from '../consent/index.ts';
import { normalizeEmail, normalizePhone, signup } from '../people/index.ts';
import { recordActivity } from '../timeline/index.ts';

/** How long a confirmation link is good (the issue: 7 days). */
export const SUBMISSION_TTL_MS = 7 * 24 * 3600_000;
/** A second post of the same address and form within this does not mail the link again. */
export const RESEND_AFTER_MS = 10 * 60_000;

export const SIGNUP_FORMS = ['newsletter', 'volunteer', 'popup'] as const;
export type SignupForm = (typeof SIGNUP_FORMS)[number];
export type FormKind = SignupForm | 'petition';

/** The tag a confirmed signup of each form carries (French: tags are seen in the back office). */
export const FORM_TAGS: Record<FormKind, string> = {
  newsletter: 'Lettre d’information',
  volunteer: 'Bénévole',
  popup: 'Accueille un pop-up',
  petition: 'Signataire de pétition',
};

export interface FormPost {
  campaignId: string;
  form: FormKind;
  petitionId?: string | null;
  email: string;
  givenName?: string;
  familyName?: string;
  postalCode?: string;
  phone?: string;
  message?: string;
  publicName?: boolean;
  wantsNews?: boolean;
  consentText: string;
  lang: 'fr' | 'en';
  clientAddress: string;
  userAgent: string;
  origin: string;
}

/** The link to mail after commit. */
export interface LinkSend {
  to: string;
  token: string;
  form: FormKind;
  petitionTitle: string | null;
  lang: 'fr' | 'en';
}

export type PostOutcome =
  | { status: 'invalid_email' }
  | { status: 'quarantined'; id: string }
  | { status: 'pending'; id: string; send: LinkSend | null };

/** The token of a confirmation link: campaign, submission and expiry, with a 128-bit HMAC. */
export function submissionToken(secret: string, o: { campaignId: string; id: string; expiresAt: Date }): string {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.floor(o.expiresAt.getTime() / 1000));
  const data = Buffer.concat([uuidBytes(o.campaignId), uuidBytes(o.id), expiry]);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('sign:'), data])).subarray(0, 16);
  return Buffer.concat([data, mac]).toString('base64url');
}

export interface SubmissionIds {
  campaignId: string;
  id: string;
  expiresAt: Date;
}

/** What a token names, or null when it is not one of ours. */
export function readSubmissionToken(secret: string, token: string): SubmissionIds | null {
  if (!/^[A-Za-z0-9_-]{70}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 52) return null;
  const data = raw.subarray(0, 36);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('sign:'), data])).subarray(0, 16);
  if (!safeEqual(mac.toString('hex'), raw.subarray(36).toString('hex'))) return null;
  return { campaignId: uuidOf(data.subarray(0, 16)), id: uuidOf(data.subarray(16, 32)), expiresAt: new Date(data.readUInt32BE(32) * 1000) };
}

/** The arrondissement of a French postal code (Paris: 75001–75020, 75116), as a zone of the territory. */
export async function zoneOfPostalCode(trx: Trx, campaignId: string, postalCode: string): Promise<string | null> {
  const m = /^75(\d{3})$/.exec(postalCode.trim());
  if (!m) return null;
  const n = m[1] === '116' ? 16 : Number(m[1]);
  if (n < 1 || n > 20) return null;
  const zone = await trx
    .selectFrom('zone as z')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
    .select('z.id')
    .where('z.campaign_id', '=', campaignId)
    .where('l.code', '=', 'arrondissement')
    .where('z.code', '=', String(n))
    .executeTakeFirst();
  return zone?.id ?? null;
}

const clip = (s: string | undefined, max: number) => (s ?? '').trim().slice(0, max);

/**
 * Stores a public post with the guard's verdict, in the caller's transaction: quarantined as is,
 * or pending with a link to mail (none when the same address posted the same form minutes ago).
 */
export async function storeFormPost(trx: Trx, post: FormPost, verdict: GuardVerdict, secret: string): Promise<PostOutcome> {
  const email = normalizeEmail(post.email);
  if (!email) return { status: 'invalid_email' };
  const now = new Date();
  const postalCode = clip(post.postalCode, 10);
  const base = {
    campaign_id: post.campaignId,
    form: post.form,
    petition_id: post.petitionId ?? null,
    email,
    email_domain: emailDomainOf(email),
    given_name: clip(post.givenName, 100),
    family_name: clip(post.familyName, 100),
    postal_code: postalCode,
    phone: clip(post.phone, 30),
    message: clip(post.message, 2000),
    zone_id: postalCode ? await zoneOfPostalCode(trx, post.campaignId, postalCode) : null,
    public_name: post.publicName === true,
    wants_news: post.wantsNews === true,
    consent_text: post.consentText,
    lang: post.lang,
    client_address: post.clientAddress.slice(0, 100),
    user_agent: post.userAgent.slice(0, 500),
    proof: verdict.proof,
    origin: post.origin.slice(0, 200),
    expires_at: new Date(now.getTime() + SUBMISSION_TTL_MS),
  };
  if (!verdict.accepted) {
    const id = uuidv7();
    await trx
      .insertInto('form_submission')
      .values({ ...base, id, status: 'quarantined', quarantine_reason: verdict.reason })
      .execute();
    return { status: 'quarantined', id };
  }
  let query = trx
    .selectFrom('form_submission')
    .select(['id', 'created_at', 'expires_at'])
    .where('campaign_id', '=', post.campaignId)
    .where('form', '=', post.form)
    .where('email', '=', email)
    .where('status', '=', 'pending')
    .where('expires_at', '>', now);
  query = post.petitionId ? query.where('petition_id', '=', post.petitionId) : query.where('petition_id', 'is', null);
  const pending = await query.orderBy('created_at', 'desc').executeTakeFirst();
  const petitionTitle = post.petitionId
    ? ((
        await trx
          .selectFrom('petition')
          .select('title')
          .where('campaign_id', '=', post.campaignId)
          .where('id', '=', post.petitionId)
          .executeTakeFirst()
      )?.title ?? null)
    : null;
  if (pending) {
    // The same person posting again: one pending row, the link mailed again at most every ten minutes.
    if (now.getTime() - pending.created_at.getTime() < RESEND_AFTER_MS) return { status: 'pending', id: pending.id, send: null };
    const expiresAt = base.expires_at;
    await trx
      .updateTable('form_submission')
      .set({ ...base, created_at: now })
      .where('campaign_id', '=', post.campaignId)
      .where('id', '=', pending.id)
      .execute();
    return {
      status: 'pending',
      id: pending.id,
      send: {
        to: email,
        token: submissionToken(secret, { campaignId: post.campaignId, id: pending.id, expiresAt }),
        form: post.form,
        petitionTitle,
        lang: post.lang,
      },
    };
  }
  const id = uuidv7();
  await trx
    .insertInto('form_submission')
    .values({ ...base, id, status: 'pending' })
    .execute();
  return {
    status: 'pending',
    id,
    send: {
      to: email,
      token: submissionToken(secret, { campaignId: post.campaignId, id, expiresAt: base.expires_at }),
      form: post.form,
      petitionTitle,
      lang: post.lang,
    },
  };
}

export type ConfirmOutcome =
  | { status: 'gone' | 'expired' }
  | { status: 'pending' | 'confirmed' | 'already'; form: FormKind; petitionId: string | null; petitionSlug: string | null; email: string };

async function lockedSubmission(trx: Trx, ids: SubmissionIds) {
  return trx
    .selectFrom('form_submission as s')
    .leftJoin('petition as p', (j) => j.onRef('p.campaign_id', '=', 's.campaign_id').onRef('p.id', '=', 's.petition_id'))
    .selectAll('s')
    .select(['p.slug as petition_slug', 'p.title as petition_title', 'p.status as petition_status'])
    .where('s.campaign_id', '=', ids.campaignId)
    .where('s.id', '=', ids.id)
    .forUpdate('s')
    .executeTakeFirst();
}

/** What the link's page shows (GET: nothing is written; mail scanners open links). */
export async function submissionState(trx: Trx, ids: SubmissionIds): Promise<ConfirmOutcome> {
  const row = await lockedSubmission(trx, ids);
  if (!row || row.status === 'voided' || row.status === 'quarantined') return { status: 'gone' };
  const shown = { form: row.form as FormKind, petitionId: row.petition_id, petitionSlug: row.petition_slug, email: row.email };
  if (row.status === 'confirmed') return { status: 'already', ...shown };
  if (ids.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  return { status: 'pending', ...shown };
}

/**
 * The click: the people module's signup (matched on the normalised e-mail), the e-mail consent with
 * its proof when the form asked for it, the activity that moves the ladder, the row confirmed.
 */
export async function confirmSubmission(
  trx: Trx,
  ids: SubmissionIds,
  click: { token: string; ip: string | null; userAgent: string | null },
): Promise<ConfirmOutcome> {
  const row = await lockedSubmission(trx, ids);
  if (!row || row.status === 'voided' || row.status === 'quarantined') return { status: 'gone' };
  const form = row.form as FormKind;
  const shown = { form, petitionId: row.petition_id, petitionSlug: row.petition_slug, email: row.email };
  if (row.status === 'confirmed') return { status: 'already', ...shown };
  if (ids.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  if (row.petition_id) {
    const signed = await trx
      .selectFrom('form_submission')
      .select('id')
      .where('campaign_id', '=', ids.campaignId)
      .where('petition_id', '=', row.petition_id)
      .where('email', '=', row.email)
      .where('status', '=', 'confirmed')
      .executeTakeFirst();
    if (signed) return { status: 'already', ...shown };
  }
  const actor = { campaignId: ids.campaignId, zoneScope: null, label: 'Formulaire public', ip: click.ip };
  const phone = row.phone ? normalizePhone(row.phone, 'FR') : null;
  const { person } = await signup(trx, actor, {
    person: {
      ...(row.given_name ? { given_name: row.given_name } : {}),
      ...(row.family_name ? { family_name: row.family_name } : {}),
      email_addresses: [{ address: row.email, primary: true }],
      ...(phone ? { phone_numbers: [{ number: phone, primary: true }] } : {}),
      ...(row.postal_code ? { postal_addresses: [{ postal_code: row.postal_code, country: 'FR' }] } : {}),
      origin_system: 'Relais site',
    },
    add_tags: [FORM_TAGS[form]],
    activity: { form, ...(row.petition_id ? { petition_id: row.petition_id, petition: row.petition_title } : {}), submission_id: row.id },
  });
  const at = new Date();
  if (form !== 'petition' || row.wants_news) {
    await recordConsents(trx, [
      {
        campaignId: ids.campaignId,
        personId: person.id,
        channel: 'email',
        status: 'given',
        source: 'double_opt_in',
        at,
        actorLabel: 'Formulaire public',
        proof: {
          method: 'double_opt_in',
          form: row.petition_title ? `Pétition « ${row.petition_title} »` : `Formulaire ${form}`,
          text_shown: row.consent_text,
          email: row.email,
          submission_id: row.id,
          signup_at: row.created_at.toISOString(),
          signup_ip: row.client_address,
          signup_user_agent: row.user_agent,
          origin: row.origin,
          token: click.token,
          ip: click.ip,
          user_agent: click.userAgent,
          at: at.toISOString(),
        },
      },
    ]);
  }
  if (form === 'petition' && row.petition_id) {
    await recordActivity(trx, {
      campaignId: ids.campaignId,
      personId: person.id,
      type: 'petition.signed',
      refType: 'petition',
      refId: row.petition_id,
      data: { petition: row.petition_title },
      actorLabel: 'Formulaire public',
      at,
    });
  } else if (form === 'volunteer' || form === 'popup') {
    // Offering help on the site is what a "volunteering" contact records: the ladder's rule applies.
    await recordActivity(trx, {
      campaignId: ids.campaignId,
      personId: person.id,
      type: 'contact.volunteering',
      data: { form, message: row.message },
      actorLabel: 'Formulaire public',
      at,
    });
  }
  await trx
    .updateTable('form_submission')
    .set({ status: 'confirmed', confirmed_at: at, person_id: person.id })
    .where('campaign_id', '=', ids.campaignId)
    .where('id', '=', row.id)
    .execute();
  return { status: 'confirmed', ...shown };
}
