// A person as OSDI clients send one (people.md, person_signup.md), read liberally: fields we do not
// keep are ignored, not refused (the platform's limits still hold: size, depth, NUL); numbers where
// the spec writes text (a phone 19876543210, a postal code) are read as text; a birthdate may be
// the spec's {year, month, day}; identifiers and origin_system are kept; an e-mail's status writes
// the consent ledger (unsubscribed or a spam complaint withdraws, subscribed grants). The signup
// helper's actions: add_tags / add_lists by name, id or link (`*_uri`), triggers.autoresponse.
import { sql } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { calendarDate } from '../../lib/dates.ts';
import type { MailMessage } from '../../mail/mailer.ts';
import { recordConsents } from '../consent/index.ts';
import { idOfHref } from './groups.ts';
import { normalizeEmail, normalizePhone, type PersonRow } from './normalize.ts';
import { ensureGroups, type PeopleActor, type PersonInput, type SignupInput } from './people.service.ts';

const Text = (maxLength: number) => Type.Union([Type.String({ maxLength }), Type.Number()]);
const Identifiers = Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 });

/** The birthdate as the spec writes it ({year, month, day}) or as a day (yyyy-mm-dd). */
const Birthdate = Type.Union([
  Type.String({ format: 'date' }),
  Type.Object({ year: Type.Integer(), month: Type.Integer(), day: Type.Integer() }),
  Type.Null(),
]);

/** The fields of a person a client may send (OSDI's; those we do not keep are let through and ignored). */
export const OsdiPersonInput = Type.Object({
  identifiers: Type.Optional(Identifiers),
  origin_system: Type.Optional(Type.String({ maxLength: 200 })),
  given_name: Type.Optional(Type.String({ maxLength: 200 })),
  family_name: Type.Optional(Type.String({ maxLength: 200 })),
  additional_name: Type.Optional(Type.String({ maxLength: 200 })),
  email_addresses: Type.Optional(
    Type.Array(
      Type.Object({
        address: Type.String({ maxLength: 254 }),
        primary: Type.Optional(Type.Boolean()),
        status: Type.Optional(
          Type.String({
            maxLength: 40,
            description: "OSDI: 'subscribed' records an e-mail consent, 'unsubscribed' (or 'spam complaints') a withdrawal",
          }),
        ),
      }),
      { maxItems: 10 },
    ),
  ),
  phone_numbers: Type.Optional(Type.Array(Type.Object({ number: Text(40), primary: Type.Optional(Type.Boolean()) }), { maxItems: 10 })),
  postal_addresses: Type.Optional(
    Type.Array(
      Type.Object({
        primary: Type.Optional(Type.Boolean()),
        address_lines: Type.Optional(Type.Array(Type.String({ maxLength: 300 }), { maxItems: 3 })),
        locality: Type.Optional(Type.String({ maxLength: 200 })),
        region: Type.Optional(Type.String({ maxLength: 200 })),
        postal_code: Type.Optional(Text(20)),
        country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
        location: Type.Optional(
          Type.Union([
            Type.Object({
              latitude: Type.Number({ minimum: -90, maximum: 90 }),
              longitude: Type.Number({ minimum: -180, maximum: 180 }),
            }),
            Type.Null(),
          ]),
        ),
      }),
      { maxItems: 10, description: 'Only the primary address (else the first) is kept.' },
    ),
  ),
  languages_spoken: Type.Optional(Type.Array(Type.String({ maxLength: 10 }), { maxItems: 10 })),
  custom_fields: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      maxProperties: 500,
      description:
        "Values by field key, checked against the campaign's custom fields (type, choices); only the keys given change, null or blank removes a value. A bad value answers CUSTOM_FIELD_INVALID with errors: [{pointer, key, code, message}].",
    }),
  ),
  birthdate: Type.Optional(Birthdate),
  gender: Type.Optional(Type.Union([Type.String({ maxLength: 40 }), Type.Null()])),
  source: Type.Optional(Type.String({ maxLength: 100 })),
});
export type OsdiPersonBody = {
  identifiers?: string[];
  origin_system?: string;
  email_addresses?: Array<{ address: string; primary?: boolean; status?: string }>;
  phone_numbers?: Array<{ number: string | number; primary?: boolean }>;
  postal_addresses?: Array<{
    primary?: boolean;
    address_lines?: string[];
    locality?: string;
    region?: string;
    postal_code?: string | number;
    country?: string;
    location?: { latitude: number; longitude: number } | null;
  }>;
  birthdate?: string | { year: number; month: number; day: number } | null;
} & Omit<PersonInput, 'phone_numbers' | 'postal_addresses' | 'birthdate' | 'email_addresses'>;

/** The signup helper's body (person_signup.md); also what `POST /people` takes when it holds a `person`. */
export function signupBodySchema() {
  const Hrefs = Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 50 });
  const Trigger = Type.Object({ enabled: Type.Optional(Type.Boolean()), identifiers: Type.Optional(Identifiers) });
  return Type.Object({
    person: OsdiPersonInput,
    add_tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 80 }), { maxItems: 50, description: 'Tag names, created when missing' }),
    ),
    add_tags_uri: Type.Optional(Hrefs),
    add_lists: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 120 }), { maxItems: 50, description: 'List names (created when missing) or ids' }),
    ),
    add_lists_uri: Type.Optional(Hrefs),
    triggers: Type.Optional(
      Type.Object({ autoresponse: Type.Optional(Trigger), sms_response: Type.Optional(Trigger), call_response: Type.Optional(Trigger) }),
    ),
    add_questions_responses_uri: Type.Optional(
      Type.Array(Type.Unknown(), { maxItems: 50, description: 'Not supported yet: recorded on the signup activity, not applied' }),
    ),
    consents: Type.Optional(
      Type.Array(
        Type.Object({
          channel: Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('phone'), Type.Literal('post')]),
          text_shown: Type.Optional(Type.String({ maxLength: 5000 })),
          form: Type.Optional(Type.String({ maxLength: 300 })),
        }),
        { maxItems: 4 },
      ),
    ),
    double_opt_in: Type.Optional(
      Type.Boolean({
        description:
          'Double opt-in: no e-mail consent is recorded now; a confirmation link is mailed and the consent counts from its click. Default: the campaign setting signup.double_opt_in',
      }),
    ),
  });
}

/** What the signup helper's body asks beyond the person (groups resolved by the service). */
export interface OsdiSignupBody {
  person: OsdiPersonBody;
  add_tags?: string[];
  add_tags_uri?: string[];
  add_lists?: string[];
  add_lists_uri?: string[];
  triggers?: Partial<Record<'autoresponse' | 'sms_response' | 'call_response', { enabled?: boolean; identifiers?: string[] }>>;
  add_questions_responses_uri?: unknown[];
  consents?: SignupInput['consents'];
  double_opt_in?: boolean;
}

const asText = (v: string | number | undefined): string | undefined => (v === undefined ? undefined : String(v));

/**
 * A phone as OSDI writes it: digits with the country code and no `+` (19876543210). Read first as
 * the service reads any phone (national numbers in the address's country); failing that, digits
 * that do not start with 0 are tried as an international number.
 */
function osdiPhone(number: string | number): string {
  const text = String(number).trim();
  return /^[1-9]\d{7,14}$/.test(text) ? `+${text}` : text;
}

/** An international number (+digits) in E.164 when its length fits its country's plan, else null. */
function possiblePhone(international: string): string | null {
  const parsed = parsePhoneNumberFromString(international);
  return parsed?.isPossible() ? parsed.number : null;
}

/** The person input of the service from what an OSDI client sent. */
export function personInputOf(body: OsdiPersonBody): PersonInput & { identifiers?: string[]; origin_system?: string } {
  const { email_addresses, phone_numbers, postal_addresses, birthdate, ...rest } = body;
  const input: PersonInput & { identifiers?: string[]; origin_system?: string } = { ...rest };
  if (email_addresses)
    input.email_addresses = email_addresses.map((e) => ({
      address: e.address,
      ...(e.primary !== undefined ? { primary: e.primary } : {}),
    }));
  if (phone_numbers)
    input.phone_numbers = phone_numbers.map((p) => ({
      number: String(p.number),
      ...(p.primary !== undefined ? { primary: p.primary } : {}),
    }));
  if (postal_addresses) {
    const a = postal_addresses.find((x) => x.primary) ?? postal_addresses[0];
    input.postal_addresses = a
      ? [
          {
            ...(a.address_lines ? { address_lines: a.address_lines } : {}),
            ...(a.locality !== undefined ? { locality: a.locality } : {}),
            ...(a.region !== undefined ? { region: a.region } : {}),
            ...(a.postal_code !== undefined ? { postal_code: asText(a.postal_code) as string } : {}),
            ...(a.country !== undefined ? { country: a.country } : {}),
            ...(a.location !== undefined ? { location: a.location } : {}),
          },
        ]
      : [];
  }
  if (birthdate !== undefined) {
    if (birthdate === null || typeof birthdate === 'string') input.birthdate = birthdate;
    else {
      const day = calendarDate(birthdate.year, birthdate.month, birthdate.day);
      if (!day) {
        throw new AppError('VALIDATION_FAILED', 'birthdate is not a day of the calendar.', {
          errors: [{ location: 'body', pointer: '/birthdate', message: 'must be a day that exists' }],
        });
      }
      input.birthdate = day;
    }
  }
  return withOsdiPhones(input);
}

/**
 * The phone numbers of an input, read as OSDI writes them when they are not valid as typed: with
 * a `+` the digits are read as an international number, kept when the number is valid, or
 * possible for its country's numbering plan (the spec's own examples use unassigned US numbers).
 */
function withOsdiPhones<T extends PersonInput>(input: T): T {
  if (!input.phone_numbers) return input;
  const country = input.postal_addresses?.[0]?.country ?? 'FR';
  return {
    ...input,
    phone_numbers: input.phone_numbers.map((p) => {
      if (normalizePhone(p.number, country)) return p;
      const international = osdiPhone(p.number);
      if (international === p.number) return p;
      const valid = normalizePhone(international);
      if (valid) return { ...p, number: valid };
      const possible = possiblePhone(international);
      return possible ? { ...p, number: possible, possible: true } : p;
    }),
  };
}

/** The e-mail status a write gives the person's address (its primary one, else the first): a consent to record, or null. */
export function emailConsentOf(body: OsdiPersonBody): 'given' | 'withdrawn' | null {
  const emails = body.email_addresses ?? [];
  const status = (emails.find((e) => e.primary) ?? emails[0])?.status?.trim().toLowerCase();
  if (status === 'subscribed') return 'given';
  if (status === 'unsubscribed' || status === 'spam complaints' || status === 'spam_complaints') return 'withdrawn';
  return null;
}

/**
 * Records the e-mail consent a write's status asks for, when it changes the person's current one
 * (a client that sends `subscribed` on every sync writes the ledger once), and moves modified_date
 * (the status is part of the document). Returns whether something was recorded.
 */
export async function applyEmailStatus(
  trx: Trx,
  actor: PeopleActor,
  person: PersonRow,
  status: 'given' | 'withdrawn' | null,
  origin: string | undefined,
): Promise<boolean> {
  if (status === null || person.anonymized_at) return false;
  if ((status === 'given') === person.consent_email) return false;
  await recordConsents(trx, [
    {
      campaignId: actor.campaignId,
      personId: person.id,
      channel: 'email',
      status,
      source: 'api',
      proof: { form: 'OSDI email_addresses.status', ip: actor.ip, ...(origin ? { origin_system: origin } : {}) },
      actorLabel: actor.label,
    },
  ]);
  await trx
    .updateTable('person')
    .set({ modified_at: sql<Date>`now()` })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', person.id)
    .execute();
  return true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The tags and lists a signup asks for, as ids: names (created when missing), ids (lists, as
 * before), and links (`add_tags_uri`, `add_lists_uri`: 404 when one is not a tag or list of the
 * campaign).
 */
export async function signupGroups(trx: Trx, campaignId: string, body: OsdiSignupBody): Promise<{ tagIds: string[]; listIds: string[] }> {
  const linked = async (kind: 'tag' | 'list', hrefs: readonly string[]): Promise<string[]> => {
    const ids = hrefs.map((href) => {
      const id = idOfHref(href, kind === 'tag' ? 'tags' : 'lists');
      if (!id) throw new AppError('VALIDATION_FAILED', `${href} is not a ${kind} of this API.`);
      return id;
    });
    if (ids.length === 0) return [];
    const found = await trx.selectFrom(kind).select('id').where('campaign_id', '=', campaignId).where('id', 'in', ids).execute();
    if (found.length !== new Set(ids).size) throw notFound(kind);
    return ids;
  };
  const listRefs = body.add_lists ?? [];
  const listIds = [
    ...(await linked(
      'list',
      listRefs.filter((r) => UUID.test(r)),
    )),
    ...(await ensureGroups(
      trx,
      'list',
      campaignId,
      listRefs.filter((r) => !UUID.test(r)),
    )),
    ...(await linked('list', body.add_lists_uri ?? [])),
  ];
  const tagIds = [...(await ensureGroups(trx, 'tag', campaignId, body.add_tags ?? [])), ...(await linked('tag', body.add_tags_uri ?? []))];
  return { tagIds: [...new Set(tagIds)], listIds: [...new Set(listIds)] };
}

/** The primary e-mail of a signup's person (the one marked primary, else the first), normalised, or null. */
export function signupEmail(body: OsdiSignupBody): string | null {
  const emails = body.person.email_addresses ?? [];
  return normalizeEmail((emails.find((e) => e.primary) ?? emails[0])?.address ?? '');
}

/**
 * What the signup helper did with its triggers, as the signup activity records it: the e-mail
 * autoresponse is sent (our default confirmation: there are no autoresponse templates to name by
 * identifier yet), SMS and call responses are not supported.
 */
export function triggersOutcome(body: OsdiSignupBody, email: string | null) {
  const t = body.triggers ?? {};
  const outcome: Record<string, unknown> = {};
  if (t.autoresponse) {
    const enabled = t.autoresponse.enabled !== false;
    outcome.autoresponse = {
      enabled,
      identifiers: t.autoresponse.identifiers ?? [],
      status: !enabled ? 'not_requested' : email ? 'sent' : 'no_email_address',
    };
  }
  for (const kind of ['sms_response', 'call_response'] as const) {
    if (t[kind]) outcome[kind] = { enabled: t[kind]?.enabled !== false, identifiers: t[kind]?.identifiers ?? [], status: 'not_supported' };
  }
  return outcome;
}

/** The autoresponse e-mail of a signup: a short confirmation, in French then English. */
export function autoresponseMail(campaign: { id: string; name: string }, to: string): MailMessage {
  return {
    to,
    campaignId: campaign.id,
    subject: `${campaign.name} : votre inscription est enregistrée`,
    text: [
      'Bonjour,',
      '',
      `Merci : votre inscription auprès de ${campaign.name} est bien enregistrée.`,
      'Vous pouvez à tout moment nous demander de ne plus vous écrire en répondant à ce message.',
      '',
      '—',
      '',
      `Thank you: your sign-up with ${campaign.name} is recorded.`,
      'You can ask us to stop writing to you at any time by replying to this message.',
    ].join('\n'),
  };
}

/** The campaign's default for signups (settings.signup.double_opt_in): the public forms follow it. */
export function doubleOptInSetting(settings: Record<string, unknown>): boolean {
  const signup = settings.signup as Record<string, unknown> | undefined;
  return signup?.double_opt_in === true;
}
