// Use cases on people: create, update (partial, OSDI fields), and the signup helper
// (create-or-update by e-mail with tags, lists and consents). Each runs in the caller's transaction.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { ConsentChannel, LadderStage } from '../../db/schema.ts';
import { writeOrLoseRace } from '../../db/unique-race.ts';
import { emitEvents } from '../../events/index.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordConsents } from '../consent/index.ts';
import { recordActivity } from '../timeline/index.ts';
import { addMembers } from './bulk.ts';
import { customFieldsUpdate, listCustomFields, mergeCustomFields, validateCustomFields } from './custom-fields.ts';
import { geocodeAndLocate, locatePeople } from './geocode.ts';
import { personDesignatedByEmail, personDesignatedByIdentifiers } from './matching.ts';
import { normalizeEmail, normalizePhone, type PersonRow } from './normalize.ts';
import { isCampaignWide } from './people.policy.ts';
import { getPerson, type PeopleScope } from './people.repo.ts';

export interface PeopleActor extends PeopleScope {
  label: string;
  ip: string | null;
}

export interface PostalAddressInput {
  address_lines?: string[];
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
  location?: { latitude: number; longitude: number } | null;
}

export interface PersonInput {
  given_name?: string;
  family_name?: string;
  additional_name?: string;
  email_addresses?: Array<{ address: string; primary?: boolean }>;
  /** `possible`: already E.164 and of a length its country's plan allows, though not known valid (OSDI's sample numbers). */
  phone_numbers?: Array<{ number: string; primary?: boolean; possible?: boolean }>;
  postal_addresses?: PostalAddressInput[];
  languages_spoken?: string[];
  custom_fields?: Record<string, unknown>;
  birthdate?: string | null;
  gender?: string | null;
  source?: string;
  ladder_stage?: LadderStage;
  /** Identifiers other systems give the person (OSDI `foreign_system:1`): added to those stored. */
  identifiers?: string[];
  /** The system the person came from (OSDI): kept from the first write that names one. */
  origin_system?: string;
}

type Columns = Record<string, unknown>;

/** Primary first, then the others, each with its index in the request (for error pointers). */
function ordered<T extends { primary?: boolean }>(items: readonly T[]): Array<T & { index: number }> {
  const indexed = items.map((item, index) => ({ ...item, index }));
  return [...indexed.filter((i) => i.primary), ...indexed.filter((i) => !i.primary)];
}

/** One bad value of a person write, with its JSON pointer into the request body. */
export interface PersonFieldError {
  pointer: string;
  code:
    | 'EMAIL_INVALID'
    | 'PHONE_INVALID'
    | 'DUPLICATE_EMAIL'
    | 'NAME_MISSING'
    | 'CONSENT_UNREACHABLE'
    | 'CONSENT_PROOF_MISSING'
    | 'DATE_INVALID'
    | 'NOT_FOUND';
  message: string;
  value?: string;
}

function emailColumns(input: PersonInput['email_addresses'], errors: PersonFieldError[], prefix: string): Columns {
  if (!input) return {};
  const emails: string[] = [];
  for (const e of ordered(input)) {
    const email = normalizeEmail(e.address);
    if (!email) {
      errors.push({
        pointer: `${prefix}/email_addresses/${e.index}/address`,
        code: 'EMAIL_INVALID',
        message: `Not a valid e-mail address: ${e.address}`,
        value: e.address,
      });
    } else if (!emails.includes(email)) emails.push(email);
  }
  return { email: emails[0] ?? null, emails: emails.slice(1) };
}

function phoneColumns(input: PersonInput['phone_numbers'], country: string, errors: PersonFieldError[], prefix: string): Columns {
  if (!input) return {};
  const phones: string[] = [];
  for (const p of ordered(input)) {
    const phone = normalizePhone(p.number, country) ?? (p.possible ? p.number : null);
    if (!phone) {
      errors.push({
        pointer: `${prefix}/phone_numbers/${p.index}/number`,
        code: 'PHONE_INVALID',
        message: `Not a valid phone number: ${p.number}`,
        value: p.number,
      });
    } else if (!phones.includes(phone)) phones.push(phone);
  }
  return { phone: phones[0] ?? null, phones: phones.slice(1) };
}

/**
 * The e-mail, phone and address columns of an input, and every bad e-mail and phone in it (all of
 * them, so that a form can show every mistake at once). `prefix` is the input's pointer in the body.
 */
export function contactColumns(input: PersonInput, country: string, prefix = ''): { columns: Columns; errors: PersonFieldError[] } {
  const errors: PersonFieldError[] = [];
  const columns = {
    ...emailColumns(input.email_addresses, errors, prefix),
    ...phoneColumns(input.phone_numbers, country, errors, prefix),
    ...addressColumns(input.postal_addresses),
  };
  return { columns, errors };
}

function addressColumns(input: PersonInput['postal_addresses']): Columns {
  if (!input) return {};
  const a = input[0];
  return {
    street_address: (a?.address_lines ?? []).join(', ').trim(),
    locality: a?.locality?.trim() ?? '',
    region: a?.region?.trim() ?? '',
    postcode: a?.postal_code?.trim() ?? '',
    ...(a?.country ? { country: a.country.trim().toUpperCase() } : {}),
    lon: a?.location?.longitude ?? null,
    lat: a?.location?.latitude ?? null,
    address_id: null,
    zone_ids: [],
  };
}

/** Column values of a (partial) person input, normalised and validated. */
async function toColumns(trx: Trx, campaignId: string, input: PersonInput, current: PersonRow | null): Promise<Columns> {
  const country = input.postal_addresses?.[0]?.country ?? current?.country ?? 'FR';
  const { columns, errors } = contactColumns(input, country);
  const [first] = errors;
  if (first) {
    // The first mistake's code, as before; `errors` lists every one of them.
    throw new AppError(first.code as 'EMAIL_INVALID' | 'PHONE_INVALID', errors.map((e) => e.message).join('; '), {
      value: first.value,
      errors,
    });
  }
  for (const key of ['given_name', 'family_name', 'additional_name', 'source'] as const) {
    if (input[key] !== undefined) columns[key] = (input[key] as string).trim();
  }
  if (input.languages_spoken !== undefined) columns.languages_spoken = input.languages_spoken;
  if (input.identifiers !== undefined) {
    const ours = (i: string) => /^relais:/i.test(i);
    const given = input.identifiers.map((i) => i.trim()).filter((i) => i && !ours(i));
    const merged = [...new Set([...(current?.identifiers ?? []), ...given])];
    if (merged.length !== (current?.identifiers ?? []).length) columns.identifiers = merged;
  }
  if (input.origin_system?.trim() && !current?.origin_system) columns.origin_system = input.origin_system.trim();
  if (input.birthdate !== undefined) columns.birthdate = input.birthdate;
  if (input.gender !== undefined) columns.gender = input.gender?.trim() || null;
  if (input.custom_fields !== undefined) {
    const defs = await listCustomFields(trx, campaignId);
    const valid = validateCustomFields(defs, input.custom_fields);
    if (!current) columns.custom_fields = JSON.stringify(mergeCustomFields({}, valid));
    else if (Object.keys(valid).length > 0) columns.custom_fields = customFieldsUpdate(valid);
  }
  return columns;
}

/**
 * The DUPLICATE_EMAIL refusal when this primary e-mail designates another person of the campaign
 * (their primary or one of their other e-mails: people/matching.ts, the import's rule too), or null.
 * Only a campaign-wide actor is told who (person_id, to open the duplicate). A zone-scoped one
 * (referent, or a token limited to zones) learns that the address is taken, never by whom nor
 * whether inside or outside its zones: with an id, a referent could probe e-mails across the city.
 */
async function emailConflict(trx: Trx, actor: PeopleScope, email: unknown, exceptId: string | null): Promise<AppError | null> {
  if (typeof email !== 'string') return null;
  const other = await personDesignatedByEmail(trx, actor.campaignId, email);
  if (other === undefined || other === exceptId) return null;
  return isCampaignWide(actor)
    ? new AppError('DUPLICATE_EMAIL', `Another person already has the e-mail ${email}.`, { person_id: other })
    : new AppError('DUPLICATE_EMAIL', `Another person of the campaign already has the e-mail ${email}.`);
}

/**
 * Writes a person's columns after checking that the primary e-mail is free; a concurrent write that
 * took the same e-mail in between answers the same DUPLICATE_EMAIL, not the index's violation.
 */
async function writeWithFreeEmail(trx: Trx, actor: PeopleScope, columns: Columns, exceptId: string | null, write: () => Promise<unknown>) {
  const conflict = await emailConflict(trx, actor, columns.email, exceptId);
  if (conflict) throw conflict;
  await writeOrLoseRace(trx, 'person_email_idx', write, async () => {
    throw (await emailConflict(trx, actor, columns.email, exceptId)) ?? new AppError('DUPLICATE_EMAIL');
  });
}

/** Geocodes (or locates given coordinates) after an address change, then checks the referent scope. */
async function placeAndCheck(trx: Trx, actor: PeopleActor, id: string, columns: Columns): Promise<PersonRow> {
  if ('street_address' in columns) {
    const { geocoded } = await geocodeAndLocate(trx, actor.campaignId, [id]);
    if (geocoded === 0 && columns.lon !== null) await locatePeople(trx, actor.campaignId, [id]);
  }
  try {
    return await getPerson(trx, actor, id);
  } catch (error) {
    if ((error as AppError).code === 'NOT_FOUND') {
      throw new AppError('PERSON_OUTSIDE_SCOPE', 'The person would lie outside your zones (give an address inside them).');
    }
    throw error;
  }
}

/** The OSDI fields whose stored value differs between two versions of a person (custom fields by key). */
export function changedFields(before: PersonRow, after: PersonRow): { fields: string[]; custom_fields: string[] } {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const day = (d: unknown) => (d instanceof Date ? d.toISOString().slice(0, 10) : d);
  const groups: Array<[string, (p: PersonRow) => unknown]> = [
    ['given_name', (p) => p.given_name],
    ['family_name', (p) => p.family_name],
    ['additional_name', (p) => p.additional_name],
    ['email_addresses', (p) => [p.email, p.emails]],
    ['phone_numbers', (p) => [p.phone, p.phones]],
    ['postal_addresses', (p) => [p.street_address, p.postcode, p.locality, p.region, p.country, p.lon, p.lat]],
    ['languages_spoken', (p) => p.languages_spoken],
    ['birthdate', (p) => day(p.birthdate)],
    ['gender', (p) => p.gender],
  ];
  const fields = groups.filter(([, value]) => !same(value(before), value(after))).map(([name]) => name);
  const was = before.custom_fields ?? {};
  const is = after.custom_fields ?? {};
  const custom = [...new Set([...Object.keys(was), ...Object.keys(is)])].filter((key) => !same(was[key], is[key])).sort();
  return { fields, custom_fields: custom };
}

/** Creates a person; returns the stored row. `recordCreation: false` when the caller writes its own timeline line (signup). */
export async function createPerson(
  trx: Trx,
  actor: PeopleActor,
  input: PersonInput,
  options: { recordCreation?: boolean } = {},
): Promise<PersonRow> {
  const columns = await toColumns(trx, actor.campaignId, input, null);
  const id = uuidv7();
  await writeWithFreeEmail(trx, actor, columns, null, () =>
    trx
      .insertInto('person')
      .values({
        ...columns,
        campaign_id: actor.campaignId,
        id,
        ...(input.ladder_stage ? { ladder_stage: input.ladder_stage } : {}),
        source: (columns.source as string | undefined) ?? 'api',
      } as never)
      .execute(),
  );
  const person = await placeAndCheck(trx, actor, id, columns.street_address === undefined ? {} : columns);
  await emitEvents(trx, [
    { campaignId: actor.campaignId, type: 'person.created', personId: id, payload: { source: person.source }, actorLabel: actor.label },
  ]);
  if (options.recordCreation !== false) {
    await recordActivity(trx, {
      campaignId: actor.campaignId,
      personId: id,
      type: 'person.created',
      data: { source: person.source },
      actorLabel: actor.label,
    });
  }
  return person;
}

/** Updates the given fields of a visible person; returns the stored row. */
export async function updatePerson(trx: Trx, actor: PeopleActor, id: string, input: PersonInput): Promise<PersonRow> {
  const current = await getPerson(trx, actor, id);
  if (current.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'This person was anonymised and cannot be edited.');
  const columns = await toColumns(trx, actor.campaignId, input, current);
  if (Object.keys(columns).length > 0) {
    await writeWithFreeEmail(trx, actor, columns, id, () =>
      trx
        .updateTable('person')
        .set({ ...columns, modified_at: new Date() } as never)
        .where('campaign_id', '=', actor.campaignId)
        .where('id', '=', id)
        .execute(),
    );
  }
  const updated = await placeAndCheck(trx, actor, id, columns);
  // What the edit changed, on the timeline: nothing when the values given were those already stored.
  const changed = changedFields(current, updated);
  if (changed.fields.length > 0 || changed.custom_fields.length > 0) {
    await emitEvents(trx, [
      { campaignId: actor.campaignId, type: 'person.updated', personId: id, payload: changed, actorLabel: actor.label },
    ]);
    await recordActivity(trx, {
      campaignId: actor.campaignId,
      personId: id,
      type: 'person.updated',
      data: { ...changed },
      actorLabel: actor.label,
    });
  }
  return updated;
}

export interface SignupInput {
  person: PersonInput;
  /** Tag names, created when missing. */
  add_tags?: string[];
  /** Tag ids (resolved by the caller). */
  tag_ids?: string[];
  /** List ids. */
  add_lists?: string[];
  consents?: Array<{ channel: ConsentChannel; text_shown?: string; form?: string }>;
  /** More to record on the signup activity (what an OSDI signup asked that is not applied here). */
  activity?: Record<string, unknown>;
}

/** Finds tags or lists by name (case-insensitive), creating the missing ones; returns their ids. */
export async function ensureGroups(trx: Trx, kind: 'tag' | 'list', campaignId: string, names: readonly string[]): Promise<string[]> {
  const clean = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (clean.length === 0) return [];
  await trx
    .insertInto(kind)
    .values(clean.map((name) => ({ campaign_id: campaignId, id: uuidv7(), name })))
    .onConflict((oc) => oc.expression(sql`campaign_id, lower(name)`).doNothing())
    .execute();
  const rows = await trx
    .selectFrom(kind)
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where(
      sql`lower(name)`,
      'in',
      clean.map((n) => n.toLowerCase()),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Adds people to tags and lists (ignoring memberships that exist), with a person.tagged event per new tagging; returns how many were new. */
export async function addMemberships(
  trx: Trx,
  campaignId: string,
  personIds: readonly string[],
  tagIds: readonly string[],
  listIds: readonly string[],
): Promise<{ tagged: number; listed: number }> {
  const added = { tagged: 0, listed: 0 };
  for (const groupId of tagIds) added.tagged += await addMembers(trx, { kind: 'tag', campaignId, groupId, personIds });
  for (const groupId of listIds) added.listed += await addMembers(trx, { kind: 'list', campaignId, groupId, personIds });
  return added;
}

/** OSDI signup helper: create or update the person this e-mail designates (people/matching.ts), tag, list, record consents and a signup activity. */
export async function signup(trx: Trx, actor: PeopleActor, input: SignupInput): Promise<{ person: PersonRow; created: boolean }> {
  // Identified by one of the identifiers other systems gave (OSDI), else, like any write, by its
  // primary e-mail (the one marked primary, else the first).
  const email = normalizeEmail(ordered(input.person.email_addresses ?? [])[0]?.address ?? '');
  const identified = await personDesignatedByIdentifiers(
    trx,
    actor.campaignId,
    (input.person.identifiers ?? []).map((i) => i.trim()).filter((i) => i && !/^relais:/i.test(i)),
  );
  if (!email && identified === undefined) throw new AppError('EMAIL_INVALID', 'The signup helper needs a valid e-mail address.');
  const existingId = identified ?? (email ? await personDesignatedByEmail(trx, actor.campaignId, email) : undefined);
  const existing = existingId === undefined ? null : { id: existingId };
  let person: PersonRow;
  if (existing) {
    let current: PersonRow;
    try {
      current = await getPerson(trx, actor, existing.id);
    } catch {
      // Said as an edit by hand would say it (emailConflict): the address is taken, not where.
      throw new AppError(
        'DUPLICATE_EMAIL',
        email ? `Another person of the campaign already has the e-mail ${email}.` : 'Another person of the campaign has this identifier.',
      );
    }
    // Keep the e-mails the person already has (the signup's e-mail is one of them, or the person
    // found by identifier has their own); one without any takes the signup's.
    const { email_addresses: given, ...rest } = input.person;
    person = await updatePerson(trx, actor, existing.id, current.email ? rest : { ...rest, ...(given ? { email_addresses: given } : {}) });
  } else {
    person = await createPerson(trx, actor, { source: 'signup', ...input.person }, { recordCreation: false });
  }
  const listIds = input.add_lists ?? [];
  if (listIds.length > 0) {
    const found = await trx
      .selectFrom('list')
      .select('id')
      .where('campaign_id', '=', actor.campaignId)
      .where('id', 'in', listIds)
      .execute();
    if (found.length !== new Set(listIds).size) throw notFound('list');
  }
  const tagIds = [...new Set([...(await ensureGroups(trx, 'tag', actor.campaignId, input.add_tags ?? [])), ...(input.tag_ids ?? [])])];
  await addMemberships(trx, actor.campaignId, [person.id], tagIds, listIds);
  await recordConsents(
    trx,
    (input.consents ?? []).map((c) => ({
      campaignId: actor.campaignId,
      personId: person.id,
      channel: c.channel,
      status: 'given' as const,
      source: 'signup',
      proof: { form: c.form, ip: actor.ip, text_shown: c.text_shown },
      actorLabel: actor.label,
    })),
  );
  await recordActivity(trx, {
    campaignId: actor.campaignId,
    personId: person.id,
    type: 'signup',
    data: { created: !existing, tags: input.add_tags ?? [], lists: listIds, ...input.activity },
    actorLabel: actor.label,
  });
  return { person: await getPerson(trx, actor, person.id), created: !existing };
}
