// Values made from a route's JSON schema: mostly what the schema asks for (so that requests reach
// the handlers and the database), each part now and then swapped for an attacker's value, objects
// now and then given unknown keys or keys named like Object's members.
import fc from 'fast-check';
import { adversarialValue, NASTY_DATES, NASTY_UUIDS, nastyNumber, nastyString, nastyValue, objectOf, PROTOTYPE_KEYS } from './values.ts';

type Schema = Record<string, unknown>;

export interface SchemaValueOptions {
  /** Resolves a `$ref` of the document (`#/components/schemas/…`). */
  resolve(ref: string): Schema;
  /** Ids of rows that exist (people, zones, tags…), mixed in wherever a uuid is asked for. */
  ids: fc.Arbitrary<string>;
  /** E-mail addresses of accounts and people that exist. */
  emails: fc.Arbitrary<string>;
}

const MAX_DEPTH = 6;

/** Values for a schema: valid-ish five times in six, an attacker's value otherwise. */
export function valuesOf(schema: unknown, options: SchemaValueOptions, depth = 0): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return nastyValue;
  return fc.oneof(
    { arbitrary: validish(schema, options, depth), weight: 5 },
    { arbitrary: depth === 0 ? adversarialValue : nastyValue, weight: 1 },
  );
}

/** A value the schema mostly accepts (boundaries included, and just past them). */
export function validish(schema: unknown, options: SchemaValueOptions, depth: number): fc.Arbitrary<unknown> {
  if (typeof schema !== 'object' || schema === null) return nastyValue;
  let s = schema as Schema;
  if (typeof s.$ref === 'string') s = options.resolve(s.$ref);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
  const branches = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) return fc.oneof(...branches.map((b) => valuesOf(b, options, depth + 1)));
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return validish(s.allOf[0], options, depth);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => validish({ ...s, type }, options, depth)));
  switch (s.type) {
    case 'string':
      return stringOf(s, options);
    case 'integer':
    case 'number':
      return numberOf(s);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const max = typeof s.maxItems === 'number' ? s.maxItems : 5;
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const items = valuesOf(s.items, options, depth + 1);
      const arrays = [fc.array(items, { minLength: Math.min(min, 4), maxLength: Math.max(Math.min(min, 4), Math.min(max, 4)) })];
      // Just past the bound, where the bound is small enough to send.
      if (max <= 50) arrays.push(fc.array(items, { minLength: max + 1, maxLength: max + 1 }));
      return fc.oneof({ arbitrary: arrays[0]!, weight: 4 }, ...arrays.slice(1));
    }
    case 'object':
      return objectValues(s, options, depth);
    default:
      return nastyValue;
  }
}

function stringOf(s: Schema, options: SchemaValueOptions): fc.Arbitrary<string> {
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const max = typeof s.maxLength === 'number' ? s.maxLength : 10_000;
  const plain = fc.string({ minLength: Math.min(min, 30), maxLength: Math.max(Math.min(min, 30), Math.min(max, 30)) });
  const boundary = fc.constantFrom(max, max + 1, Math.max(min - 1, 0)).map((n) => 'é'.repeat(Math.min(n, 100_000)));
  switch (s.format) {
    case 'uuid':
      return fc.oneof({ arbitrary: options.ids, weight: 4 }, fc.uuid(), fc.constantFrom(...NASTY_UUIDS));
    case 'date':
      return fc.oneof(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        fc.constantFrom(...NASTY_DATES),
      );
    case 'date-time':
      return fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.constantFrom(...NASTY_DATES),
      );
    case 'email':
      return fc.oneof(options.emails, fc.emailAddress(), nastyString);
  }
  if (typeof s.pattern === 'string') {
    try {
      const pattern = new RegExp(s.pattern);
      return fc.oneof({ arbitrary: fc.stringMatching(pattern).filter((v) => v.length <= max), weight: 3 }, plain, boundary);
    } catch {
      // A pattern JavaScript cannot read: plain strings.
    }
  }
  return fc.oneof({ arbitrary: plain, weight: 3 }, boundary, nastyString);
}

function numberOf(s: Schema): fc.Arbitrary<unknown> {
  const min = typeof s.minimum === 'number' ? s.minimum : -(2 ** 40);
  const max = typeof s.maximum === 'number' ? s.maximum : 2 ** 40;
  const inRange =
    s.type === 'integer'
      ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) })
      : fc.double({ min, max, noNaN: true });
  return fc.oneof({ arbitrary: inRange, weight: 4 }, fc.constantFrom(min, max, min - 1, max + 1, (min + max) / 2 + 0.5), nastyNumber);
}

function objectValues(s: Schema, options: SchemaValueOptions, depth: number): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const known = fc.tuple(
    ...Object.entries(properties).map(([key, sub]) =>
      // Required members are nearly always there, optional ones half the time.
      fc.oneof(
        { arbitrary: valuesOf(sub, options, depth + 1).map((v) => [key, v] as const), weight: required.has(key) ? 12 : 1 },
        { arbitrary: fc.constant(null), weight: 1 },
      ),
    ),
  );
  const extraValues =
    typeof s.additionalProperties === 'object' && s.additionalProperties !== null
      ? valuesOf(s.additionalProperties, options, depth + 1)
      : nastyValue;
  const extras = fc.oneof(
    { arbitrary: fc.constant([] as (readonly [string, unknown])[]), weight: 4 },
    fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...PROTOTYPE_KEYS), nastyString), extraValues), {
      maxLength: 3,
    }),
  );
  return fc
    .tuple(known, extras)
    .map(([members, more]) => objectOf([...members.filter((m): m is readonly [string, unknown] => m !== null), ...more]));
}
