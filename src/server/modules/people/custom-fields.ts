// Typed custom fields: definitions per campaign, and the validation of values against their type
// (text, number, date, choice) on every write — the API's and the importer's.
import type { Selectable } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { CustomFieldTable } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';

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

/** A value checked and converted for its field, or an error message; null clears the field. */
export function coerceCustomValue(def: CustomFieldDef, value: unknown): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (value === null || value === '') return { ok: true, value: null };
  switch (def.type) {
    case 'text':
      if (typeof value !== 'string' && typeof value !== 'number') return { ok: false, reason: 'expected text' };
      if (String(value).length > MAX_TEXT) return { ok: false, reason: `longer than ${MAX_TEXT} characters` };
      return { ok: true, value: String(value) };
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim().replace(',', '.')) : Number.NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: 'expected a number' };
    }
    case 'date': {
      const text = typeof value === 'string' ? value.trim() : '';
      const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
      const iso = fr ? `${fr[3]}-${fr[2]}-${fr[1]}` : text;
      const d = new Date(`${iso}T00:00:00Z`);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
        return { ok: false, reason: 'expected a date (YYYY-MM-DD)' };
      }
      return { ok: true, value: iso };
    }
    case 'choice': {
      const text = typeof value === 'string' ? value.trim() : String(value);
      const found = def.choices.find((c) => c.toLowerCase() === text.toLowerCase());
      return found !== undefined ? { ok: true, value: found } : { ok: false, reason: `expected one of ${def.choices.join(', ')}` };
    }
    default:
      return { ok: false, reason: 'unknown field type' };
  }
}

/** Validates and converts custom field values against the definitions; throws CUSTOM_FIELD_INVALID. */
export function validateCustomFields(defs: readonly CustomFieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  const errors: Array<{ key: string; reason: string }> = [];
  for (const [key, value] of Object.entries(values)) {
    const def = byKey.get(key);
    if (!def) {
      errors.push({ key, reason: 'no such custom field' });
      continue;
    }
    const result = coerceCustomValue(def, value);
    if (result.ok) out[key] = result.value;
    else errors.push({ key, reason: result.reason });
  }
  if (errors.length > 0) {
    throw new AppError('CUSTOM_FIELD_INVALID', errors.map((e) => `${e.key}: ${e.reason}`).join('; '), { errors });
  }
  return out;
}

/** Merges validated values into existing ones (null removes a key). */
export function mergeCustomFields(current: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}
