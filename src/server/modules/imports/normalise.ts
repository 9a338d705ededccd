// Cleaning of imported values as spreadsheets hold them: phones (to E.164), French dates, civilities,
// ladder stages, tag lists and full names (e-mails follow the people module's rule, normalize.ts).
// Pure functions, fast paths first: an import runs them on every row of files with a million rows.
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { LadderStage } from '../../../shared/enums.ts';
import { calendarDate } from '../../lib/dates.ts';

const PHONE_NOISE = /[\s.\-()/\u00a0\u202f]/g;
const FR_NATIONAL = /^0[1-9]\d{8}$/;
const FR_NO_ZERO = /^[1-9]\d{8}$/; // a spreadsheet dropped the leading zero
const FR_INTERNATIONAL = /^(?:\+|00)33(?:0)?([1-9]\d{8})$/;

/** A phone number in E.164 (French numbers by default), or null when it is not a valid number. */
export function normalisePhone(value: string, defaultCountry: CountryCode = 'FR'): string | null {
  const raw = value.trim();
  if (raw === '') return null;
  const compact = raw.replace('(0)', '').replace(PHONE_NOISE, '');
  if (defaultCountry === 'FR') {
    if (FR_NATIONAL.test(compact)) return `+33${compact.slice(1)}`;
    if (FR_NO_ZERO.test(compact)) return `+33${compact}`;
    const m = FR_INTERNATIONAL.exec(compact);
    if (m) return `+33${m[1]}`;
  }
  const international = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  const parsed = parsePhoneNumberFromString(international, defaultCountry);
  return parsed?.isValid() ? parsed.number : null;
}

const MONTHS: Record<string, number> = {
  janvier: 1,
  janv: 1,
  jan: 1,
  fevrier: 2,
  fevr: 2,
  fev: 2,
  mars: 3,
  mar: 3,
  avril: 4,
  avr: 4,
  mai: 5,
  juin: 6,
  juillet: 7,
  juil: 7,
  aout: 8,
  septembre: 9,
  sept: 9,
  sep: 9,
  octobre: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  decembre: 12,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};
const DMY = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4}|\d{2})$/;
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const D_MONTH_Y = /^(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})$/;

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '');
}

/**
 * A date as ISO yyyy-mm-dd from the ways French spreadsheets write it (17/05/1980, 17-05-80,
 * 17.05.1980, 1980-05-17, 17 mai 1980), or null when it is not a real date.
 */
export function parseFrenchDate(value: string, now: Date = new Date()): string | null {
  const s = value.trim();
  let m = DMY.exec(s);
  if (m) {
    let year = Number(m[3]);
    if (m[3]!.length === 2) {
      const century = now.getUTCFullYear() % 100;
      year += year > century ? 1900 : 2000;
    }
    return calendarDate(year, Number(m[2]), Number(m[1]));
  }
  m = YMD.exec(s);
  if (m) return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = D_MONTH_Y.exec(stripAccents(s.toLowerCase()));
  if (m) {
    const month = MONTHS[m[2]!];
    return month ? calendarDate(Number(m[3]), month, Number(m[1])) : null;
  }
  return null;
}

let today = { day: -1, iso: '', date: new Date(0) };
function currentDay(): typeof today {
  const day = Math.floor(Date.now() / 86_400_000);
  if (day !== today.day) {
    const date = new Date();
    today = { day, iso: date.toISOString().slice(0, 10), date };
  }
  return today;
}

/** A birth date: a real date, not in the future and not before 1900. */
export function parseBirthdate(value: string, now?: Date): string | null {
  const ref = now ? { iso: now.toISOString().slice(0, 10), date: now } : currentDay();
  const iso = parseFrenchDate(value, ref.date);
  if (!iso) return null;
  return iso >= '1900-01-01' && iso <= ref.iso ? iso : null;
}

const simplified = new Map<string, string>();

/** Simplifies a label for matching: lower case, no accents, no punctuation (memoised: columns repeat values). */
export function simplify(value: string): string {
  let out = simplified.get(value);
  if (out === undefined) {
    out = stripAccents(value.toLowerCase())
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
    if (simplified.size > 10_000) simplified.clear();
    simplified.set(value, out);
  }
  return out;
}

const GENDERS: Record<string, 'female' | 'male' | 'other'> = {
  m: 'male',
  mr: 'male',
  monsieur: 'male',
  h: 'male',
  homme: 'male',
  male: 'male',
  man: 'male',
  masculin: 'male',
  mme: 'female',
  madame: 'female',
  mlle: 'female',
  mademoiselle: 'female',
  f: 'female',
  femme: 'female',
  female: 'female',
  woman: 'female',
  feminin: 'female',
  ms: 'female',
  mrs: 'female',
  miss: 'female',
  autre: 'other',
  other: 'other',
  x: 'other',
  'non binaire': 'other',
};

/** The gender a civility or gender column says ('female', 'male', 'other'), or null. */
export function parseGender(value: string): 'female' | 'male' | 'other' | null {
  return GENDERS[simplify(value)] ?? null;
}

export type { LadderStage };

const STAGE_WORDS: Record<string, LadderStage> = {
  curious: 'curious',
  curieux: 'curious',
  curieuse: 'curious',
  contact: 'curious',
  sympathizer: 'sympathizer',
  sympathisant: 'sympathizer',
  sympathisante: 'sympathizer',
  supporter: 'sympathizer',
  volunteer: 'volunteer',
  volontaire: 'volunteer',
  benevole: 'volunteer',
  activist: 'activist',
  militant: 'activist',
  militante: 'activist',
};

/** The ladder stage a cell names (French or English, or one of the campaign's labels), or null. */
export function parseLadderStage(value: string, labels: ReadonlyMap<string, LadderStage> = new Map()): LadderStage | null {
  const key = simplify(value);
  return labels.get(key) ?? STAGE_WORDS[key] ?? null;
}

/** Tag names from a cell: split on commas and semicolons, trimmed, without duplicates. */
export function splitTags(value: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of value.split(/[,;]/)) {
    const name = part.trim().slice(0, 80);
    const key = name.toLowerCase();
    if (name && !seen.has(key)) {
      seen.add(key);
      out.push(name);
    }
  }
  return out;
}

/** Splits "DURAND Éloïse", "Durand, Éloïse" or "Éloïse Durand" into given and family names. */
export function splitFullName(value: string): { given: string; family: string } {
  const s = value.trim().replace(/\s+/g, ' ');
  if (s === '') return { given: '', family: '' };
  const comma = s.indexOf(',');
  if (comma > 0) return { family: s.slice(0, comma).trim(), given: s.slice(comma + 1).trim() };
  const words = s.split(' ');
  const upper = words.filter((w) => w.length > 1 && w === w.toUpperCase() && w !== w.toLowerCase());
  if (upper.length > 0 && upper.length < words.length) {
    return { family: upper.join(' '), given: words.filter((w) => !upper.includes(w)).join(' ') };
  }
  if (words.length === 1) return { given: '', family: s };
  return { given: words.slice(0, -1).join(' '), family: words.at(-1) ?? '' };
}
