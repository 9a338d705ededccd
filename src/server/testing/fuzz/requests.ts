// Requests made from the API document: every operation of /api/openapi.json (so a new route is
// fuzzed without a test being edited), with path parameters, query strings and JSON bodies from its
// schemas (see schema-values.ts), and now and then a body that is not JSON at all.
import fc from 'fast-check';
import { type SchemaValueOptions, validish, valuesOf } from './schema-values.ts';
import { NASTY_UUIDS, nastyString, nastyValue, toJsonText, toText } from './values.ts';

type Schema = Record<string, unknown>;

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path as the document writes it: /api/v1/people/{id}. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema; required: boolean }[];
  /** The JSON body's schema, or null when the route takes none (or no JSON). */
  body: Schema | null;
  /** The content types the route documents for its body. */
  contentTypes: string[];
}

export interface FuzzRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** Every operation of an OpenAPI 3 document. */
export function operationsOf(doc: { paths?: Record<string, Record<string, unknown>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method.toUpperCase())) continue;
      const op = raw as {
        parameters?: { in: string; name: string; schema: Schema; required?: boolean }[];
        requestBody?: { content?: Record<string, { schema?: Schema }> };
      };
      const parameters = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
        body: content['application/json']?.schema ?? null,
        contentTypes: Object.keys(content),
      });
    }
  }
  return operations;
}

/** A `$ref` resolver over the document's components. */
export function resolverOf(doc: { components?: { schemas?: Record<string, Schema> } }): (ref: string) => Schema {
  return (ref) => {
    const name = ref.replace(/^#\/components\/schemas\//, '');
    const found = doc.components?.schemas?.[name];
    if (!found) throw new Error(`Unknown $ref ${ref}`);
    return found;
  };
}

// Path segments: mostly ids that exist (or well-formed ones that do not), otherwise anything.
const nastySegment = fc.oneof(
  fc.constantFrom(...NASTY_UUIDS, '', '..', '%2e%2e', '%2F', '%00', '%ZZ', '%C0%80', '%E2%80%AE', '-1', '0', 'x'.repeat(5000)),
  nastyString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '?'))),
);

// Query-string pieces that no parameter schema makes: broken escapes, brackets, repeated keys.
const rawQueryPiece = fc.constantFrom(
  '%',
  '%ZZ',
  '%00',
  '%C0%AF',
  '%ED%A0%80',
  '&&&',
  '=',
  'a[b]=1',
  '__proto__[x]=1',
  'constructor[prototype][x]=1',
  'page=1&page=2',
  'per_page[]=5',
  `q=${'a'.repeat(9000)}`,
);

function encodeQuery(pairs: readonly (readonly [string, string])[]): string {
  const encode = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  return pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

/** The query string of an operation: its parameters (valid-ish or not), unknown ones, raw pieces. */
function queryOf(op: Operation, options: SchemaValueOptions): fc.Arbitrary<string> {
  const params = fc.tuple(
    ...op.query.map((q) =>
      fc.oneof(
        {
          arbitrary: valuesOf(q.schema, options, 1).map((v) =>
            Array.isArray(v) ? v.map((x) => [q.name, toText(x)] as const) : [[q.name, toText(v)] as const],
          ),
          weight: q.required ? 6 : 2,
        },
        { arbitrary: fc.constant([] as (readonly [string, string])[]), weight: 2 },
      ),
    ),
  );
  const unknown = fc.array(fc.tuple(fc.oneof(fc.string({ maxLength: 8 }), nastyString), nastyString), { maxLength: 2 });
  const raw = fc.array(rawQueryPiece, { maxLength: 2 });
  return fc
    .tuple(params, fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, unknown), fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, raw))
    .map(([known, extra, pieces]) => [encodeQuery([...known.flat(), ...extra]), ...pieces].filter((p) => p !== '').join('&'));
}

// Bodies that are not the JSON the route reads: broken JSON, BOMs, duplicate keys, other media types.
const oddBody = fc.oneof(
  fc.record({
    payload: fc.constantFrom(
      '',
      '{',
      '{"a":',
      '[1,2',
      'nul',
      '"',
      '\uFEFF{}',
      '{"a":1,"a":2}',
      '{"__proto__":{"x":1}}',
      '1e400',
      '\u0000',
      '{}}',
    ),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-16', 'application/json; charset=latin1'),
  }),
  fc.record({
    payload: fc.constantFrom('a=1&b=2', 'email=x&password=y', '__proto__[x]=1', '<x/>', '%%%', ''),
    contentType: fc.constantFrom(
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      'application/octet-stream',
      'application/vnd.api+json',
    ),
  }),
);

/** Requests for one operation: path, query and body from its schemas, mutated. */
export function requestsOf(op: Operation, options: SchemaValueOptions & { pathIds: fc.Arbitrary<string> }): fc.Arbitrary<FuzzRequest> {
  const path = fc
    .tuple(...op.pathParams.map(() => fc.oneof({ arbitrary: options.pathIds, weight: 5 }, fc.uuid(), nastySegment)))
    .map((values) => op.pathParams.reduce((p, name, i) => p.replace(`{${name}}`, values[i] === '' ? '' : values[i]!), op.path));
  const json = op.body
    ? fc.oneof({ arbitrary: validish(op.body, options, 0), weight: 3 }, valuesOf(op.body, options, 0))
    : fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, nastyValue);
  const body = fc.oneof(
    {
      arbitrary: json.map((value) => (value === undefined ? null : { payload: toJsonText(value), contentType: 'application/json' })),
      weight: 8,
    },
    { arbitrary: oddBody, weight: 1 },
  );
  return fc.tuple(path, queryOf(op, options), body).map(
    ([p, query, b]): FuzzRequest => ({
      method: op.method,
      url: query ? `${p}?${query}` : p,
      headers: b ? { 'content-type': b.contentType } : ({} as Record<string, string>),
      ...(b ? { payload: b.payload } : {}),
    }),
  );
}
