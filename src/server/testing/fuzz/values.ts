// What an attacker sends in JSON values, query strings and path segments: odd text, dates off the
// calendar, numbers past every range (also as JSON text JavaScript cannot hold), deep and wide
// structures, and keys named like Object's own members.
import fc from 'fast-check';

/** JSON text written as is in a body (numbers JSON allows but JavaScript rounds: 1e400, 400 digits). */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Keys that mean something to JavaScript objects. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Dates and times that are not on the calendar, or that PostgreSQL reads as special values. */
export const NASTY_DATES = [
  '2026-02-30',
  '2025-02-29',
  '2026-13-01',
  '2026-00-10',
  '0000-01-01',
  '0001-01-01',
  '9999-12-31',
  '10000-01-01',
  '-0001-01-01',
  '+275760-09-13',
  '2026-02-30T12:00:00Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T23:59:60Z',
  '2026-01-01T00:00:00+99:00',
  '1970-01-01T00:00:00.0000000001Z',
  'infinity',
  '-infinity',
  'epoch',
  'now',
  'today',
  'allballs',
  '2026-W01',
  '20260101',
] as const;

/** Strings that are almost a uuid, or one no row has. */
export const NASTY_UUIDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF',
  '{01234567-89ab-7def-8123-456789abcdef}',
  '0123456789ab7def8123456789abcdef',
  '01234567-89ab-7def-8123-456789abcdeg',
  '01234567-89ab-7def-8123-456789abcdef ',
  'not-a-uuid',
] as const;

const NASTY_TEXT = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDFFFy',
  '\uFEFF',
  '\u202Etxt.exe',
  '\u200B\u200D',
  'İstanbul',
  'ß',
  'ﬀ',
  'e\u0301\u0301\u0301',
  '𝕏𝕐',
  '\r\n',
  '\t',
  "'; drop table person; --",
  '%',
  '_',
  '\\',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, as sent.
  '${7*7}',
  '=1+1',
  '@SUM(1)',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '9'.repeat(40),
  'null',
  'true',
  '[]',
  '{}',
  'custom:x',
  'x'.repeat(10_001),
  'é'.repeat(4_000),
] as const;

/** A string an attacker tries. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_TEXT, ...NASTY_DATES, ...NASTY_UUIDS, ...PROTOTYPE_KEYS), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }), weight: 1 },
);

/** A number past a range, as JavaScript holds it or as raw JSON text. */
export const nastyNumber: fc.Arbitrary<number | RawJson> = fc.oneof(
  fc.constantFrom(0, -0, -1, 0.5, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, -1e308, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('1e400', '-1e400', `1${'0'.repeat(400)}`, '1e-400', '-0.0', '1E+2').map((t) => new RawJson(t)),
);

/** An object with own keys as given (a `__proto__` key stays a key, as JSON.parse makes it). */
export function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  return object;
}

/** Arrays or objects nested past the platform's depth limit, or just under it. */
const deep: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 30, max: 200 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});

/** An array or an object with more values than a body may hold. */
const wide: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(19_999, 20_001, 60_000), fc.boolean())
  .map(([count, arrays]) =>
    arrays ? Array.from({ length: count }, (_, i) => i) : objectOf(Array.from({ length: count }, (_, i) => [`k${i}`, i])),
  );

/** Any JSON value an attacker tries, small and nested a little, now and then deep or wide. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.oneof(nastyString, fc.constantFrom(...PROTOTYPE_KEYS)), tie('value')), { maxLength: 3 }).map(objectOf),
  ),
})).value;

/** The same, with deep and wide structures too (for whole bodies and now and then a member). */
export const adversarialValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyValue, weight: 8 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: wide, weight: 1 },
);

/** JSON text of a value, with RawJson parts written as they are and own `__proto__` keys kept. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${toJsonText((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Text of a value in a query string or a path segment. */
export function toText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (typeof value === 'string') return value;
  return toJsonText(value);
}
