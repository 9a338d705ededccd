// Normalisation of contact data (e-mails, phones in E.164) and the OSDI person document.

import type { Selectable } from 'kysely';
import { parsePhoneNumberFromString as parseWithTypes } from 'libphonenumber-js/max';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { LadderStage, PersonTable } from '../../db/schema.ts';

// One rule for every way an e-mail address enters the base (API, forms, imports): a dot-atom local
// part and a host name of labels, RFC 5321's shape without quoted local parts or address literals.
// Internationalised addresses (RFC 6531: « élodie@exemple.fr ») are taken; the ASCII expression is
// tried first, as almost every address matches it and an import runs this on a million rows.
const EMAIL_ASCII =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const EMAIL_INTL =
  /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.)+(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9-]{1,59})$/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range is the point
const NON_ASCII = /[^\x00-\x7f]/;

/** Trims and lower-cases an e-mail address (« mailto: » and « <…> » taken off); null when it is not one. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let email = raw.trim().toLowerCase();
  if (email.startsWith('mailto:')) email = email.slice(7);
  if (email.startsWith('<') && email.endsWith('>')) email = email.slice(1, -1).trim();
  if (email.length > 254) return null;
  if (EMAIL_ASCII.test(email)) return email;
  return NON_ASCII.test(email) && EMAIL_INTL.test(email) ? email.normalize('NFC') : null;
}

/** Parses a phone number (national numbers read in `defaultCountry`) into E.164; null when invalid. */
export function normalizePhone(raw: string | null | undefined, defaultCountry = 'FR'): string | null {
  if (raw === null || raw === undefined) return null;
  let text = raw.trim();
  if (!text) return null;
  // "0033 6…" and "+33 (0)6…" are common ways of writing French numbers.
  text = text.replace(/^00/, '+').replace(/\(0\)/, '');
  const parsed = parsePhoneNumberFromString(text, defaultCountry.toUpperCase() as CountryCode);
  // The "min" metadata checks lengths and leading digits: it accepts new ranges and ARCEP's fictional
  // numbers, which the full metadata rejects.
  if (!parsed?.isValid()) return null;
  return parsed.number;
}

/** Kind of a phone number as OSDI names it (mobile or landline), from its E.164 form. */
export function phoneNumberType(e164: string): 'Mobile' | 'Home' | 'Other' {
  const type = parseWithTypes(e164)?.getType();
  if (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE') return 'Mobile';
  if (type === 'FIXED_LINE') return 'Home';
  // French mobiles outside the full metadata (e.g. ARCEP's fictional 06 39 98 range) are still mobiles.
  if (/^\+33[67]/.test(e164)) return 'Mobile';
  return 'Other';
}

export type PersonRow = Selectable<PersonTable>;

export interface PersonRelated {
  zones?: ReadonlyArray<{ id: string; code: string; name: string; layer: string }>;
  tags?: ReadonlyArray<{ id: string; name: string }>;
  lists?: ReadonlyArray<{ id: string; name: string }>;
  /** Absolute base of the API (config.publicUrl + '/api/v1'); relative links when absent. */
  apiBase?: string;
}

export interface OsdiPerson {
  id: string;
  identifiers: string[];
  origin_system: string;
  administrative_url: string;
  given_name: string;
  family_name: string;
  additional_name: string;
  email_addresses: Array<{ address: string; primary: boolean; status: 'subscribed' | 'unsubscribed' }>;
  phone_numbers: Array<{ number: string; primary: boolean; number_type: string }>;
  postal_addresses: Array<{
    address_lines: string[];
    locality: string;
    region: string;
    postal_code: string;
    country: string;
    location: { latitude: number; longitude: number } | null;
    address_id: string | null;
  }>;
  languages_spoken: string[];
  custom_fields: Record<string, unknown>;
  birthdate: string | null;
  gender: string | null;
  ladder_stage: LadderStage;
  consents: { email: boolean; sms: boolean; phone: boolean; post: boolean };
  zones: Array<{ id: string; code: string; name: string; layer: string }>;
  tags: Array<{ id: string; name: string }>;
  lists: Array<{ id: string; name: string }>;
  source: string;
  anonymized: boolean;
  created_date: Date;
  modified_date: Date;
  _links: Record<string, { href: string }>;
}

const dateOnly = (value: unknown): string | null => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
};

/** Shapes a person row (plus its zones, tags and lists) as an OSDI person document. */
export function formatPersonOsdi(row: PersonRow, related: PersonRelated = {}): OsdiPerson {
  const base = related.apiBase ?? '/api/v1';
  const emails = [row.email, ...row.emails.filter((e) => e !== row.email)].filter((e): e is string => !!e);
  const phones = [row.phone, ...row.phones.filter((p) => p !== row.phone)].filter((p): p is string => !!p);
  const hasAddress = row.street_address || row.postcode || row.locality || row.lat !== null;
  const self = `${base}/people/${row.id}`;
  return {
    id: row.id,
    // Ours first (the namespace of the entry point), then those other systems gave.
    identifiers: [`relais:${row.id}`, ...(row.identifiers ?? []).filter((i) => i !== `relais:${row.id}`)],
    origin_system: row.origin_system || 'Relais',
    administrative_url: `${base.replace(/\/api\/v1$/, '')}/app/people/${row.id}`,
    given_name: row.given_name,
    family_name: row.family_name,
    additional_name: row.additional_name,
    email_addresses: emails.map((address, i) => ({
      address,
      primary: i === 0,
      status: row.consent_email ? 'subscribed' : 'unsubscribed',
    })),
    phone_numbers: phones.map((number, i) => ({ number, primary: i === 0, number_type: phoneNumberType(number) })),
    postal_addresses: hasAddress
      ? [
          {
            address_lines: row.street_address ? [row.street_address] : [],
            locality: row.locality,
            region: row.region,
            postal_code: row.postcode,
            country: row.country,
            location: row.lat !== null && row.lon !== null ? { latitude: row.lat, longitude: row.lon } : null,
            address_id: row.address_id,
          },
        ]
      : [],
    languages_spoken: row.languages_spoken,
    custom_fields: row.custom_fields ?? {},
    birthdate: dateOnly(row.birthdate),
    gender: row.gender,
    ladder_stage: row.ladder_stage,
    consents: { email: row.consent_email, sms: row.consent_sms, phone: row.consent_phone, post: row.consent_post },
    zones: [...(related.zones ?? [])],
    tags: [...(related.tags ?? [])],
    lists: [...(related.lists ?? [])],
    source: row.source,
    anonymized: row.anonymized_at !== null,
    created_date: row.created_at,
    modified_date: row.modified_at,
    _links: {
      self: { href: self },
      'osdi:taggings': { href: `${self}/taggings` },
      'osdi:items': { href: `${self}/items` },
      'relais:activities': { href: `${self}/activities` },
      'relais:consents': { href: `${self}/consents` },
    },
  };
}
