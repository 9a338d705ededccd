// The API's shapes as the web sees them, derived from the server's TypeBox schemas (the one source of
// request and response shapes). Only types cross over: `import type` is erased from the bundle.
import type { Static, TSchema } from 'typebox';
import type { collection } from '../../server/http/schemas.ts';

/** A value as it arrives through JSON: the server's dates are ISO 8601 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends (...args: never[]) => unknown
      ? never
      : T extends object
        ? { [K in keyof T]: Json<T[K]> }
        : T;

/** The JSON body a server schema describes (a request body, or a response). */
export type Shape<S extends TSchema> = Json<Static<S>>;

/** A HAL collection page whose items, of the given schema, are embedded under `name`. */
export type Page<N extends string, S extends TSchema> = Shape<ReturnType<typeof collection<N, S>>>;
