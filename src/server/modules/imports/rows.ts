// One imported row → a clean person record or the reasons it is rejected (French, as they appear in
// the rejected file), and the staging table's COPY line format.
import type { BulkColumn, BulkRow } from '../../db/bulk-load.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { normalizeEmail } from '../people/index.ts';
import { type CustomFieldRef, fieldOf, type ImportField, type Mapping } from './fields.ts';
import type { IssueCode } from './issue-codes.ts';
import {
  type LadderStage,
  normalisePhone,
  parseBirthdate,
  parseFrenchDate,
  parseGender,
  parseLadderStage,
  simplify,
  splitFullName,
  splitTags,
} from './normalise.ts';

export { ISSUE_CODES, ISSUES_MAX, type IssueCode } from './issue-codes.ts';

/** One reason: its code, and for a custom field its label. */
export interface Issue {
  code: IssueCode;
  field?: string;
}

export const REASONS = {
  email: 'e-mail invalide',
  phone: 'téléphone invalide',
  noContact: 'ni e-mail ni téléphone',
  date: 'date invalide',
  duplicate: 'doublon dans le fichier',
  stage: "étape d'engagement inconnue",
  /** Where the row itself would place a person: outside the referent's zones. */
  outOfScope: 'hors de votre périmètre',
  /** The row's e-mail designates a person the referent may not write: said as the API says it, not where. */
  emailTaken: 'adresse e-mail déjà utilisée',
} as const;

const REASON_OF_CODE: Record<IssueCode, string> = {
  email_invalid: REASONS.email,
  phone_invalid: REASONS.phone,
  no_contact: REASONS.noContact,
  date_invalid: REASONS.date,
  stage_unknown: REASONS.stage,
  custom_invalid: 'valeur invalide',
  duplicate_in_file: REASONS.duplicate,
  out_of_scope: REASONS.outOfScope,
  email_taken: REASONS.emailTaken,
};

/** The French text of a reason, as the rejected rows file says it. */
export function reasonText(issue: Issue): string {
  return issue.code === 'custom_invalid' && issue.field ? `valeur invalide pour « ${issue.field} »` : REASON_OF_CODE[issue.code];
}

/** The code of a reason the set-based phase wrote in French (apply.ts writes REASONS texts). */
export function issueOfReason(text: string): Issue {
  const code = (Object.keys(REASON_OF_CODE) as IssueCode[]).find((c) => REASON_OF_CODE[c] === text);
  return { code: code ?? 'duplicate_in_file' };
}

export interface StagedPerson {
  line: number;
  personId: string;
  givenName: string;
  familyName: string;
  email: string | null;
  phone: string | null;
  emails: string[];
  phones: string[];
  streetAddress: string;
  postcode: string;
  locality: string;
  birthdate: string | null;
  gender: string | null;
  ladderStage: LadderStage | null;
  tags: string[];
  customFields: Record<string, string | number>;
}

/**
 * A row kept (with the fields it could not take, flagged: a bad e-mail beside a good phone keeps
 * the person with the phone), or rejected when nothing reaches the person (no valid e-mail or phone).
 */
export type RowOutcome = { ok: true; person: StagedPerson; flags: Issue[] } | { ok: false; reasons: string[]; issues: Issue[] };

export interface RowContext {
  customFields: readonly CustomFieldRef[];
  /** Campaign stage labels (simplified) → stage. */
  stageLabels: ReadonlyMap<string, LadderStage>;
}

function parseNumber(value: string): number | null {
  const s = value.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!/^[-+]?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/** Compiles a mapping over a header row into a fast row → outcome function. */
export function compileRowReader(
  headers: readonly string[],
  mapping: Mapping,
  ctx: RowContext,
): (row: string[], line: number) => RowOutcome {
  const columns: Array<{ index: number; field: ImportField }> = [];
  headers.forEach((header, index) => {
    const field = fieldOf(mapping, header) ?? 'ignore';
    if (field !== 'ignore') columns.push({ index, field });
  });
  const customByKey = new Map(ctx.customFields.map((f) => [f.key, f]));

  return (row, line) => {
    // A bad field is left out and flagged; the row is rejected only if no contact is left.
    const flags: Issue[] = [];
    const reject = (code: IssueCode, field?: string) => {
      if (!flags.some((f) => f.code === code && f.field === field)) flags.push(field ? { code, field } : { code });
    };
    const person: StagedPerson = {
      line,
      personId: '',
      givenName: '',
      familyName: '',
      email: null,
      phone: null,
      emails: [],
      phones: [],
      streetAddress: '',
      postcode: '',
      locality: '',
      birthdate: null,
      gender: null,
      ladderStage: null,
      tags: [],
      customFields: {},
    };
    for (const { index, field } of columns) {
      const value = (row[index] ?? '').trim();
      if (value === '') continue;
      switch (field) {
        case 'given_name':
          person.givenName = person.givenName ? `${person.givenName} ${value}` : value;
          break;
        case 'family_name':
          person.familyName = person.familyName ? `${person.familyName} ${value}` : value;
          break;
        case 'full_name': {
          const { given, family } = splitFullName(value);
          if (!person.givenName) person.givenName = given;
          if (!person.familyName) person.familyName = family;
          break;
        }
        case 'email': {
          const email = normalizeEmail(value);
          if (!email) reject('email_invalid');
          else if (!person.email) person.email = email;
          else if (email !== person.email && !person.emails.includes(email)) person.emails.push(email);
          break;
        }
        case 'phone': {
          const phone = normalisePhone(value);
          if (!phone) reject('phone_invalid');
          else if (!person.phone) person.phone = phone;
          else if (phone !== person.phone && !person.phones.includes(phone)) person.phones.push(phone);
          break;
        }
        case 'street_address':
          person.streetAddress = person.streetAddress ? `${person.streetAddress} ${value}` : value;
          break;
        case 'postcode':
          // A spreadsheet may have made 05000 into 5000.
          person.postcode = /^\d{4}$/.test(value) ? `0${value}` : value;
          break;
        case 'locality':
          person.locality = value;
          break;
        case 'birthdate':
          person.birthdate = parseBirthdate(value);
          if (!person.birthdate) reject('date_invalid');
          break;
        case 'gender':
          person.gender = parseGender(value);
          break;
        case 'ladder_stage':
          person.ladderStage = parseLadderStage(value, ctx.stageLabels);
          if (!person.ladderStage) reject('stage_unknown');
          break;
        case 'tags':
          for (const tag of splitTags(value)) if (!person.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) person.tags.push(tag);
          break;
        default: {
          const def = customByKey.get(field.slice(7));
          if (!def) break;
          const parsed = parseCustomValue(def, value);
          if (parsed === null) reject(def.type === 'date' ? 'date_invalid' : 'custom_invalid', def.type === 'date' ? undefined : def.label);
          else person.customFields[def.key] = parsed;
        }
      }
    }
    if (!person.email && !person.phone) {
      const issues: Issue[] = flags.length > 0 ? flags : [{ code: 'no_contact' }];
      return { ok: false, reasons: issues.map(reasonText), issues };
    }
    person.personId = uuidv7();
    return { ok: true, person, flags };
  };
}

function parseCustomValue(def: CustomFieldRef, value: string): string | number | null {
  switch (def.type) {
    case 'number':
      return parseNumber(value);
    case 'date':
      return parseFrenchDate(value);
    case 'choice': {
      const key = simplify(value);
      return def.choices.find((c) => simplify(c) === key) ?? null;
    }
    default:
      return value.slice(0, 2000);
  }
}

/** Columns of the staging table that the import's pass 1 writes, in the order of stageRow's values. */
export const STAGE_COLUMNS = [
  { name: 'line', type: 'int4' },
  { name: 'person_id', type: 'uuid' },
  { name: 'given_name', type: 'text' },
  { name: 'family_name', type: 'text' },
  { name: 'email', type: 'text' },
  { name: 'phone', type: 'text' },
  { name: 'emails', type: 'text[]' },
  { name: 'phones', type: 'text[]' },
  { name: 'street_address', type: 'text' },
  { name: 'postcode', type: 'text' },
  { name: 'locality', type: 'text' },
  { name: 'birthdate', type: 'date' },
  { name: 'gender', type: 'text' },
  { name: 'ladder_stage', type: 'text' },
  { name: 'tags', type: 'text[]' },
  { name: 'custom_fields', type: 'jsonb' },
] as const satisfies readonly BulkColumn[];

/** One person as a row of the staging table (the bulk loader encodes it; no custom field = NULL). */
export function stageRow(p: StagedPerson): BulkRow {
  const custom = Object.keys(p.customFields).length > 0 ? p.customFields : null;
  return [
    p.line,
    p.personId,
    p.givenName,
    p.familyName,
    p.email,
    p.phone,
    p.emails,
    p.phones,
    p.streetAddress,
    p.postcode,
    p.locality,
    p.birthdate,
    p.gender,
    p.ladderStage,
    p.tags,
    custom,
  ];
}
