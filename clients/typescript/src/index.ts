// A small typed client of the Relais API: openapi-fetch over the types generated from the OpenAPI
// document (schema.d.ts). Paths, parameters, bodies and answers are checked by TypeScript.
//
//   const relais = createRelaisClient({ baseUrl: 'http://localhost:3000', token: 'rl_…' });
//   const { data, error } = await relais.GET('/api/v1/people', { params: { query: { per_page: 10 } } });
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

export type { components, paths };
export type RelaisClient = Client<paths>;

/** A client for one Relais server, authenticated by an API token (`rl_…`). */
export function createRelaisClient(options: { baseUrl: string; token: string; fetch?: typeof fetch }): RelaisClient {
  return createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
