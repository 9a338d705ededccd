// Typed custom fields: definitions per campaign, and the validation of values against their type
// (text, number, date, choice) on every write through the API (the importer reads its own cells).
import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { CustomFieldTable } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { isIsoDate } from '../../lib/dates.ts';

export type CustomFieldDef = Pick<Selectable<CustomFieldTable>, 'key' | 'type' | 'choices' | 'label'>;

const MAX_TEXT = 2000;

/** The custom field definitions of the campaign, by position. */
export function listCustomFields(trx: Trx, campaignId: string) {
  return trx
    .selectFrom('custom_field')
    .select(['id', 'key', 'label', 'type', 'choices', 'position', 'created_at'])
    .where('campaign_id', '=', campaignId)
    .orderBy('position')
    .orderBy('key')
    .execute();
}

/** Why a value does not fit its field: a stable code that clients translate (next to the field). */
export type CustomValueProblem = 'unknown_field' | 'not_text' | 'too_long' | 'not_a_number' | 'not_a_date' | 'not_a_choice';

export type CoercedValue = { ok: true; value: unknown } | { ok: false; code: CustomValueProblem; reason: string };

/** The shape of a field key (custom_fields routes): also what a leftover value of a deleted field may be named. */
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

// "42", "-3,5", "1 234,5" (French thousands spaces, plain or narrow no-break), ".5"; not "0x10", "1e3" or "Infinity".
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const GROUPED = /^[-+]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$/;

function parseNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (GROUPED.test(text)) text = text.replace(/[ \u00a0\u202f]/g, '');
  text = text.replace(',', '.');
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A value checked and converted for its field, or the problem with it; null or blank clears the field. */
export function coerceCustomValue(def: CustomFieldDef, value: unknown): CoercedValue {
  if (value === null || (typeof value === 'string' && value.trim() === '')) return { ok: true, value: null };
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string' && typeof value !== 'number') return { ok: false, code: 'not_text', reason: 'expected text' };
      const text = String(value).trim();
      if (text.length > MAX_TEXT) return { ok: false, code: 'too_long', reason: `longer than ${MAX_TEXT} characters` };
      return { ok: true, value: text };
    }
    case 'number': {
      const n = parseNumber(value);
      return n === null ? { ok: false, code: 'not_a_number', reason: 'expected a number' } : { ok: true, value: n };
    }
    case 'date': {
      const text = typeof value === 'string' ? value.trim() : '';
      const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
      const iso = fr ? `${fr[3]}-${fr[2]}-${fr[1]}` : text;
      if (!isIsoDate(iso)) {
        return { ok: false, code: 'not_a_date', reason: 'expected a date (YYYY-MM-DD)' };
      }
      return { ok: true, value: iso };
    }
    case 'choice': {
      // Only a string or a number names a choice (String(['a']) would be 'a').
      const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : null;
      const found = text === null ? undefined : def.choices.find((c) => c.toLowerCase() === text.toLowerCase());
      return found !== undefined
        ? { ok: true, value: found }
        : { ok: false, code: 'not_a_choice', reason: `expected one of ${def.choices.join(', ')}` };
    }
    default:
      return { ok: false, code: 'unknown_field', reason: 'unknown field type' };
  }
}

/** One bad value of a write, as the CUSTOM_FIELD_INVALID problem lists it. */
export interface CustomFieldError {
  /** JSON pointer into the request body, like VALIDATION_FAILED's. */
  pointer: string;
  key: string;
  code: CustomValueProblem;
  message: string;
}

const pointerOf = (key: string) => `/custom_fields/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * Validates and converts custom field values against the definitions (type, choices, known keys);
 * throws CUSTOM_FIELD_INVALID listing every bad value. Null or blank clears a value, and null may
 * also clear the leftover value of a deleted field.
 */
export function validateCustomFields(defs: readonly CustomFieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  const errors: CustomFieldError[] = [];
  const fail = (key: string, code: CustomValueProblem, reason: string) =>
    errors.push({ pointer: pointerOf(key), key, code, message: `${key}: ${reason}` });
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) {
      if (value === null && CUSTOM_FIELD_KEY.test(key)) out[key] = null;
      else fail(key, 'unknown_field', 'no such custom field');
      continue;
    }
    const result = coerceCustomValue(def, value);
    if (result.ok) out[key] = result.value;
    else fail(key, result.code, result.reason);
  }
  if (errors.length > 0) {
    throw new AppError('CUSTOM_FIELD_INVALID', errors.map((e) => e.message).join('; '), { errors });
  }
  return out;
}

/** Merges validated values into existing ones (null removes a key): a new person's values. */
export function mergeCustomFields(current: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/**
 * The SQL that applies validated values to a stored person's custom_fields in the UPDATE itself
 * (null removes a key), so that two people editing different fields at once both keep their change.
 */
export function customFieldsUpdate(changes: Record<string, unknown>): RawBuilder<unknown> {
  const removed = Object.keys(changes).filter((key) => changes[key] === null);
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== null));
  return sql`(custom_fields - ${removed}::text[]) || ${JSON.stringify(set)}::jsonb`;
}
