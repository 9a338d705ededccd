// Double opt-in: a public signup that asks for it gives no e-mail consent; it leaves an
// email_confirmation row and mails a link (signed, expiring). The consent is recorded when the
// person posts the link's page (a GET only shows the button: mail scanners open links), dated at
// that click, with the signup's proof and the click's. Sends of the link are rate-limited per row.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { uuidBytes, uuidOf, uuidv7 } from '../../lib/ids.ts';
import { hmacSha256, safeEqual } from '../../lib/secrets.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { recordConsents } from './consent.ts';

/** How long a confirmation link is valid. */
export const CONFIRMATION_TTL_MS = 48 * 3600_000;
/** At least this long between two sends of a confirmation's link. */
export const RESEND_INTERVAL_MS = 10 * 60_000;
/** Sends of one confirmation's link at most (the first and the re-sends). */
export const MAX_SENDS = 5;

/** The token of a confirmation link: campaign, confirmation and expiry, with a 128-bit HMAC. */
export function confirmationToken(secret: string, o: { campaignId: string; confirmationId: string; expiresAt: Date }): string {
  const expiry = Buffer.alloc(4);
  expiry.writeUInt32BE(Math.floor(o.expiresAt.getTime() / 1000));
  const data = Buffer.concat([uuidBytes(o.campaignId), uuidBytes(o.confirmationId), expiry]);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('confirm:'), data])).subarray(0, 16);
  return Buffer.concat([data, mac]).toString('base64url');
}

export interface ConfirmationIds {
  campaignId: string;
  confirmationId: string;
  expiresAt: Date;
}

/** What a confirmation token names, or null when it is not one of ours (tampered, cut, forged). Expiry is the caller's to check. */
export function readConfirmationToken(secret: string, token: string): ConfirmationIds | null {
  if (!/^[A-Za-z0-9_-]{70}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 52) return null;
  const data = raw.subarray(0, 36);
  const mac = hmacSha256(secret, Buffer.concat([Buffer.from('confirm:'), data])).subarray(0, 16);
  if (!safeEqual(mac.toString('hex'), raw.subarray(36).toString('hex'))) return null;
  return {
    campaignId: uuidOf(data.subarray(0, 16)),
    confirmationId: uuidOf(data.subarray(16, 32)),
    expiresAt: new Date(data.readUInt32BE(32) * 1000),
  };
}

/** A link to send after the transaction commits. */
export interface ConfirmationSend {
  campaignId: string;
  campaignName: string;
  to: string;
  token: string;
}

export type ConfirmationOutcome =
  | { status: 'sent'; confirmationId: string; send: ConfirmationSend }
  | { status: 'rate_limited'; confirmationId: string }
  | { status: 'already_confirmed' };

/** May a confirmation's link be sent again now? */
function maySend(row: { last_sent_at: Date | null; send_count: number }, now: Date): boolean {
  return row.send_count < MAX_SENDS && (row.last_sent_at === null || now.getTime() - row.last_sent_at.getTime() >= RESEND_INTERVAL_MS);
}

/** Marks a send of the link (new expiry) and returns what to mail. */
async function markSent(
  trx: Trx,
  o: { campaignId: string; id: string; email: string; secret: string; now: Date },
): Promise<ConfirmationSend> {
  const expiresAt = new Date(o.now.getTime() + CONFIRMATION_TTL_MS);
  await trx
    .updateTable('email_confirmation')
    .set({ last_sent_at: o.now, expires_at: expiresAt, send_count: sql`send_count + 1` })
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', o.id)
    .execute();
  const campaign = await trx.selectFrom('campaign').select('name').where('id', '=', o.campaignId).executeTakeFirstOrThrow();
  return {
    campaignId: o.campaignId,
    campaignName: campaign.name,
    to: o.email,
    token: confirmationToken(o.secret, { campaignId: o.campaignId, confirmationId: o.id, expiresAt }),
  };
}

/**
 * Asks a person to confirm their address (the signup helper's double opt-in): nothing when their
 * e-mail consent already stands; else the pending confirmation of that address is sent again
 * (within the rate) or a new one is made. In the signup's transaction; the caller mails after commit.
 */
export async function requestEmailConfirmation(
  trx: Trx,
  o: { campaignId: string; personId: string; email: string; secret: string; signupProof: Record<string, unknown> },
): Promise<ConfirmationOutcome> {
  const person = await trx
    .selectFrom('person')
    .select('consent_email')
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', o.personId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (person.consent_email) return { status: 'already_confirmed' };
  const now = new Date();
  const pending = await trx
    .selectFrom('email_confirmation')
    .select(['id', 'last_sent_at', 'send_count'])
    .where('campaign_id', '=', o.campaignId)
    .where('person_id', '=', o.personId)
    .where('email', '=', o.email)
    .where('confirmed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (pending) {
    if (!maySend(pending, now)) return { status: 'rate_limited', confirmationId: pending.id };
    const send = await markSent(trx, { campaignId: o.campaignId, id: pending.id, email: o.email, secret: o.secret, now });
    return { status: 'sent', confirmationId: pending.id, send };
  }
  const id = uuidv7();
  await trx
    .insertInto('email_confirmation')
    .values({
      campaign_id: o.campaignId,
      id,
      person_id: o.personId,
      email: o.email,
      signup_proof: JSON.stringify(o.signupProof),
      expires_at: new Date(now.getTime() + CONFIRMATION_TTL_MS),
    })
    .execute();
  return {
    status: 'sent',
    confirmationId: id,
    send: await markSent(trx, { campaignId: o.campaignId, id, email: o.email, secret: o.secret, now }),
  };
}

/** The confirmation a token names, locked, with its person's state; null when gone. */
async function lockedConfirmation(trx: Trx, ids: ConfirmationIds) {
  return trx
    .selectFrom('email_confirmation as c')
    .innerJoin('person as p', (j) => j.onRef('p.campaign_id', '=', 'c.campaign_id').onRef('p.id', '=', 'c.person_id'))
    .innerJoin('campaign as k', 'k.id', 'c.campaign_id')
    .select([
      'c.id',
      'c.person_id',
      'c.email',
      'c.signup_proof',
      'c.created_at',
      'c.expires_at',
      'c.last_sent_at',
      'c.send_count',
      'c.confirmed_at',
      'p.email as person_email',
      'p.anonymized_at',
      'p.merged_into',
      'k.name as campaign_name',
    ])
    .where('c.campaign_id', '=', ids.campaignId)
    .where('c.id', '=', ids.confirmationId)
    .forUpdate('c')
    .executeTakeFirst();
}

export type ConfirmState =
  | { status: 'gone' }
  | { status: 'expired' }
  | { status: 'address_changed'; email: string }
  | { status: 'confirmed' | 'already_confirmed' | 'pending'; email: string; campaignName: string };

/** What the link's page shows (GET): nothing is written. */
export async function confirmationStateOf(trx: Trx, ids: ConfirmationIds): Promise<ConfirmState> {
  const row = await lockedConfirmation(trx, ids);
  if (!row || row.anonymized_at || row.merged_into) return { status: 'gone' };
  if (row.confirmed_at) return { status: 'already_confirmed', email: row.email, campaignName: row.campaign_name };
  // A token of an older send expires with it; the row's own expiry moves with each re-send.
  if (ids.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  return { status: 'pending', email: row.email, campaignName: row.campaign_name };
}

/**
 * The click (POST): records the e-mail consent, dated now, with the signup's proof and the click's
 * (token, address, user agent, time). A second click changes nothing.
 */
export async function confirmEmail(
  trx: Trx,
  ids: ConfirmationIds,
  click: { token: string; ip: string | null; userAgent: string | null },
): Promise<ConfirmState> {
  const row = await lockedConfirmation(trx, ids);
  if (!row || row.anonymized_at || row.merged_into) return { status: 'gone' };
  if (row.confirmed_at) return { status: 'already_confirmed', email: row.email, campaignName: row.campaign_name };
  if (ids.expiresAt.getTime() <= Date.now()) return { status: 'expired' };
  // The person changed address since the link was sent: confirming the old one would consent the new.
  if (row.person_email !== row.email) return { status: 'address_changed', email: row.email };
  const at = new Date();
  await trx
    .updateTable('email_confirmation')
    .set({ confirmed_at: at })
    .where('campaign_id', '=', ids.campaignId)
    .where('id', '=', row.id)
    .execute();
  await recordConsents(trx, [
    {
      campaignId: ids.campaignId,
      personId: row.person_id,
      channel: 'email',
      status: 'given',
      source: 'double_opt_in',
      at,
      proof: {
        ...(row.signup_proof as Record<string, unknown>),
        method: 'double_opt_in',
        email: row.email,
        confirmation_id: row.id,
        signup_at: row.created_at.toISOString(),
        link_sent_at: row.last_sent_at?.toISOString() ?? null,
        token: click.token,
        ip: click.ip,
        user_agent: click.userAgent,
        at: at.toISOString(),
      },
    },
  ]);
  return { status: 'confirmed', email: row.email, campaignName: row.campaign_name };
}

export type ResendOutcome = { status: 'gone' | 'already_confirmed' | 'rate_limited' } | { status: 'sent'; send: ConfirmationSend };

/** A new link for a confirmation (the expired page's button), within the rate; the caller mails after commit. */
export async function resendConfirmation(trx: Trx, ids: ConfirmationIds, secret: string): Promise<ResendOutcome> {
  const row = await lockedConfirmation(trx, ids);
  if (!row || row.anonymized_at || row.merged_into) return { status: 'gone' };
  if (row.confirmed_at) return { status: 'already_confirmed' };
  const now = new Date();
  if (!maySend(row, now)) return { status: 'rate_limited' };
  return { status: 'sent', send: await markSent(trx, { campaignId: ids.campaignId, id: row.id, email: row.email, secret, now }) };
}

/** The confirmation e-mail: the link to the page with the button, in French then English. */
export function confirmationMail(publicUrl: string, send: ConfirmationSend): MailMessage {
  const url = `${publicUrl}/c/${send.token}`;
  return {
    to: send.to,
    campaignId: send.campaignId,
    subject: `${send.campaignName} : confirmez votre adresse e-mail`,
    text: [
      'Bonjour,',
      '',
      `Pour recevoir les e-mails de ${send.campaignName}, confirmez votre adresse en ouvrant ce lien puis en cliquant sur « Je confirme » :`,
      url,
      '',
      'Ce lien est valable 48 heures. Si vous n’avez rien demandé, ignorez ce message : vous ne recevrez rien.',
      '',
      '—',
      '',
      `To receive e-mails from ${send.campaignName}, confirm your address: open this link and click "I confirm" (valid 48 hours).`,
      'If you did not ask for this, ignore this message: you will receive nothing.',
    ].join('\n'),
  };
}
