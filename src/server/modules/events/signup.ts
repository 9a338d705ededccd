// An RSVP from a person's details (the public form, record_attendance_helper): the person record is
// found or made by the people module's signup (matching by e-mail, the `signup` activity), SMS
// consent recorded with the text shown, the newsletter's e-mail consent asked by double opt-in
// (the consent module's confirmation), then the RSVP.
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { type ConfirmationOutcome, requestEmailConfirmation } from '../consent/index.ts';
import { normalizeEmail, signup } from '../people/index.ts';
import { rsvpPerson } from './events.service.ts';

export const SMS_CONSENT_TEXT = {
  fr: "J'accepte de recevoir un SMS de rappel avant l'événement (et les SMS de la campagne ; STOP pour arrêter).",
  en: 'I agree to receive an SMS reminder before the event (and the campaign’s SMS; STOP to stop).',
} as const;
export const NEWSLETTER_TEXT = {
  fr: 'Je souhaite recevoir les nouvelles de la campagne par e-mail (désinscription en un clic).',
  en: 'I want the campaign’s news by e-mail (unsubscribe in one click).',
} as const;

export interface RsvpDetails {
  given_name: string;
  family_name?: string | undefined;
  email: string;
  phone?: string | undefined;
  guests?: number | undefined;
  sms_consent?: boolean | undefined;
  newsletter?: boolean | undefined;
}

/** RSVPs someone by their details; returns the RSVP, the notices to queue and the e-mail confirmation to send (newsletter). */
export async function rsvpByDetails(
  trx: Trx,
  o: {
    campaignId: string;
    eventId: string;
    details: RsvpDetails;
    ip: string | null;
    userAgent: string | null;
    form: string;
    lang: 'fr' | 'en';
    actorLabel: string;
    secret: string;
  },
) {
  const email = normalizeEmail(o.details.email);
  if (!email) throw new AppError('EVENT_EMAIL_INVALID', 'A valid e-mail address is needed to answer.');
  const { person } = await signup(
    trx,
    { campaignId: o.campaignId, zoneScope: null, label: o.actorLabel, ip: o.ip },
    {
      person: {
        given_name: o.details.given_name,
        ...(o.details.family_name ? { family_name: o.details.family_name } : {}),
        email_addresses: [{ address: email, primary: true }],
        ...(o.details.phone ? { phone_numbers: [{ number: o.details.phone }] } : {}),
      },
      ...(o.details.sms_consent && o.details.phone
        ? { consents: [{ channel: 'sms' as const, text_shown: SMS_CONSENT_TEXT[o.lang], form: o.form }] }
        : {}),
      activity: { form: o.form, event_id: o.eventId },
    },
  );
  let confirmation: ConfirmationOutcome | null = null;
  if (o.details.newsletter && person.email) {
    confirmation = await requestEmailConfirmation(trx, {
      campaignId: o.campaignId,
      personId: person.id,
      email: person.email,
      secret: o.secret,
      signupProof: { form: o.form, text_shown: NEWSLETTER_TEXT[o.lang], ip: o.ip, user_agent: o.userAgent, actor: o.actorLabel },
    });
  }
  const answered = await rsvpPerson(trx, {
    campaignId: o.campaignId,
    eventId: o.eventId,
    personId: person.id,
    guests: o.details.guests ?? 0,
    source: o.form,
    actorLabel: o.actorLabel,
  });
  return { ...answered, person, confirmation };
}
