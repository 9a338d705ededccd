// Request validation: what arrives as text (query strings, path parameters, headers) is coerced to
// the schema's types ("?page=2" is the number 2); a JSON body already carries its types and is
// validated as sent. Coercing bodies did harm: ajv coerces inside the first branch of anyOf, so a
// null sent for a nullable string (Type.Union([Type.String(), Type.Null()])) was stored as "".
import AjvCompiler from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';

type BuildValidator = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator'];
type CompilerOptions = NonNullable<Parameters<ReturnType<typeof AjvCompiler>>[1]>;
type RouteSchema = { httpPart?: string };

/** Ajv options of every validator; `coerceTypes` applies to the text parts only. */
export const AJV_OPTIONS = { removeAdditional: false, coerceTypes: 'array', useDefaults: true } as const;

/** The validator factory given to Fastify (schemaController.compilersFactory.buildValidator). */
export function validatorsFactory(): BuildValidator {
  const textPool = AjvCompiler();
  const bodyPool = AjvCompiler();
  return ((externalSchemas: Parameters<typeof textPool>[0], options: CompilerOptions) => {
    const text = textPool(externalSchemas, options) as unknown as (route: RouteSchema) => unknown;
    const body = bodyPool(externalSchemas, {
      ...options,
      customOptions: { ...options.customOptions, coerceTypes: false },
    } as CompilerOptions) as unknown as (route: RouteSchema) => unknown;
    return (route: RouteSchema) => (route.httpPart === 'body' ? body(route) : text(route));
  }) as unknown as BuildValidator;
}
