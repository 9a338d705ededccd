// Shared TypeBox schemas: the problem document, ids, pagination and HAL collection envelopes.
import { type TArray, type TSchema, Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
/** A timestamp: Date objects from the database are serialised as ISO 8601 strings. */
export const DateTime = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }));
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true },
);

/** The error responses a route may return, all RFC 9457 problem documents. */
export function problems(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(statuses.map((s) => [s, { ...Type.Ref('Problem'), description: 'RFC 9457 problem document' }]));
}

/** Highest page number accepted: an unbounded one overflowed the OFFSET computed from it. */
export const MAX_PAGE = 1_000_000;

/** Largest page a collection serves (the entry point's `max_pagesize`). */
export const MAX_PER_PAGE = 500;

export const PageQuery = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: MAX_PAGE, default: 1 }),
  per_page: Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 50 }),
});

/** A HAL collection envelope with OSDI paging fields, embedding items under `name`. */
export function collection<const N extends string, T extends TSchema>(name: N, item: T) {
  // The key is typed as given, so the web can derive `_embedded.<name>` from this envelope.
  const embedded = { [name]: Type.Array(item) } as { [K in N]: TArray<T> };
  return Type.Object({
    total_records: Type.Integer(),
    total_is_lower_bound: Type.Optional(
      Type.Boolean({ description: 'true when the collection stopped counting (a broad search): there are at least total_records' }),
    ),
    page: Type.Optional(Type.Integer()),
    per_page: Type.Optional(Type.Integer()),
    total_pages: Type.Optional(Type.Integer()),
    _links: Type.Optional(Type.Record(Type.String(), Type.Object({ href: Type.String() }))),
    _embedded: Type.Object(embedded),
  });
}

export const NoContent = Type.Null({ description: 'No content' });

/** A string enum schema from a readonly list of literals (written once, in the domain). */
export const StringEnum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>(Type.String({ enum: [...values] }));
