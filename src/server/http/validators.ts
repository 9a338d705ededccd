// Request validation: what arrives as text (query strings, path parameters, headers) is coerced to
// the schema's types ("?page=2" is the number 2); a JSON body already carries its types and is
// validated as sent. Coercing bodies did harm: ajv coerces inside the first branch of anyOf, so a
// null sent for a nullable string (Type.Union([Type.String(), Type.Null()])) was stored as "".
// Limits every route gets here, once (issue 12): a JSON body nests at most MAX_JSON_DEPTH levels and
// holds at most MAX_JSON_VALUES values (checked on the parsed body, before any schema: a deep body
// overflowed the stack of the recursive segment validator); no string anywhere carries a NUL
// character (PostgreSQL refuses it in text); no number is infinite (1e400); a string whose schema sets no maxLength is capped at
// DEFAULT_MAX_STRING_LENGTH.
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { AppError } from './problem.ts';

type BuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'];
type CompilerOptions = NonNullable<Parameters<ReturnType<typeof AjvCompiler>>[1]>;
type RouteSchema = { httpPart?: string; schema?: unknown };
interface ValidationIssue {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/** Ajv options of every validator; `coerceTypes` applies to the text parts only. */
export const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', useDefaults: true } as const;

/** Deepest nesting of a JSON body (a segment definition, the deepest legitimate body, needs about 20). */
export const MAX_JSON_DEPTH = 32;
/** Most values (object members and array items, at every level) in one JSON body. */
export const MAX_JSON_VALUES = 20_000;
/**
 * The value cap of a route: MAX_JSON_VALUES, or more for a route that raises its body limit (the
 * bulk actions take 100,000 ids), one value per 48 bytes of the limit (a quoted uuid and a comma).
 */
export function jsonValuesCapOf(bodyLimit: number | undefined): number {
  return Math.max(MAX_JSON_VALUES, Math.floor((bodyLimit ?? 0) / 48));
}
/** Longest string accepted where the route's schema sets no maxLength of its own. */
export const DEFAULT_MAX_STRING_LENGTH = 10_000;

/** The validator factory given to Fastify (schemaController.compilersFactory.buildValidator). */
export function validatorsFactory(): BuildValidator {
  const textPool = AjvCompiler();
  const bodyPool = AjvCompiler();
  return ((externalSchemas: Parameters<typeof textPool>[0], options: CompilerOptions) => {
    const text = textPool(externalSchemas, options) as unknown as (route: RouteSchema) => Validate;
    const body = bodyPool(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    } as CompilerOptions) as unknown as (route: RouteSchema) => Validate;
    return (route: RouteSchema) => {
      const capped = { ...route, schema: withStringCap(route.schema, new WeakMap()) };
      return refusingNul(route.httpPart === 'body' ? body(capped) : text(capped));
    };
  }) as unknown as BuildValidator;
}

/** Replaces Fastify's JSON body parser by the same parser followed by the depth, size and NUL checks (JSON and HAL+JSON). */
export function registerJsonBodyLimits(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  // OSDI clients send HAL+JSON: the same JSON, under the same limits.
  app.addContentTypeParser(['application/json', 'application/hal+json'], { parseAs: 'string' }, (request, body, done) => {
    parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const issue = inspectJson(value, jsonValuesCapOf(request.routeOptions.bodyLimit));
      if (issue) {
        return done(
          new AppError('VALIDATION_FAILED', `body${issue.pointer} ${issue.message}`, {
            errors: [{ location: 'body', pointer: issue.pointer || '/', message: issue.message }],
          }),
          undefined,
        );
      }
      done(null, value);
    });
  });
}

/** The first limit a parsed JSON value breaks (depth, number of values, a NUL in a string), or null. */
export function inspectJson(root: unknown, maxValues = MAX_JSON_VALUES): { pointer: string; message: string } | null {
  // Iterative: the value may nest as deep as the body limit allows.
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: root, pointer: '', depth: 0 }];
  let values = 0;
  while (stack.length > 0) {
    const { value, pointer, depth } = stack.pop() as (typeof stack)[number];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { pointer, message: 'must not contain a NUL character (\\u0000)' };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { pointer, message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    values += entries.length;
    if (values > maxValues) return { pointer, message: `must hold at most ${maxValues} values in all` };
    for (const [key, child] of entries) {
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return { pointer: at, message: 'must not contain a NUL character (\\u0000)' };
      stack.push({ value: child, pointer: at, depth: depth + 1 });
    }
  }
  return null;
}

/** The validator, preceded by the NUL check (query strings, path parameters and form bodies too). */
function refusingNul(validate: Validate): Validate {
  const guarded: Validate = (data, context) => {
    const issue = nulIn(data, '');
    if (issue !== null) {
      guarded.errors = [
        { instancePath: issue, schemaPath: '#', keyword: 'nul', params: {}, message: 'must not contain a NUL character (\\u0000)' },
      ] satisfies ValidationIssue[];
      return false;
    }
    const valid = validate(data, context);
    guarded.errors = validate.errors;
    if (!valid) return valid;
    // "1e400" in a query string, or 1e400 in JSON, is Infinity once a number: ajv's integer and
    // maximum checks let it through, and it reached a query as an invalid date (a 500).
    const infinite = nonFiniteIn(data, '');
    if (infinite !== null) {
      guarded.errors = [
        { instancePath: infinite, schemaPath: '#', keyword: 'finite', params: {}, message: 'must be a finite number' },
      ] satisfies ValidationIssue[];
      return false;
    }
    return valid;
  };
  // Fastify passes the parent object only to ajv functions (so that defaults can replace the root).
  if (validate.schemaEnv) guarded.schemaEnv = validate.schemaEnv;
  return guarded;
}

function nulIn(value: unknown, pointer: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : null;
  if (typeof value !== 'object' || value === null) return null;
  // Bodies reaching here went through inspectJson (bounded depth); text parts are flat.
  for (const [key, child] of Object.entries(value)) {
    const at = `${pointer}/${key}`;
    if (key.includes('\u0000')) return at;
    const found = nulIn(child, at);
    if (found !== null) return found;
  }
  return null;
}

function nonFiniteIn(value: unknown, pointer: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : pointer;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nonFiniteIn(child, `${pointer}/${key}`);
    if (found !== null) return found;
  }
  return null;
}

/** A copy of a JSON schema where every string schema without maxLength gets the default cap. */
function withStringCap(schema: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const done = seen.get(schema);
  if (done) return done;
  if (Array.isArray(schema)) {
    const copy: unknown[] = [];
    seen.set(schema, copy);
    for (const item of schema) copy.push(withStringCap(item, seen));
    return copy;
  }
  const source = schema as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  seen.set(schema, copy);
  for (const [key, value] of Object.entries(source)) {
    // Values, not schemas: leave them as written.
    copy[key] = key === 'enum' || key === 'const' || key === 'default' || key === 'examples' ? value : withStringCap(value, seen);
  }
  const types = Array.isArray(source.type) ? source.type : [source.type];
  if (types.includes('string') && source.maxLength === undefined && source.enum === undefined && source.const === undefined) {
    copy.maxLength = DEFAULT_MAX_STRING_LENGTH;
  }
  return copy;
}
