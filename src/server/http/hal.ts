// What OSDI asks of the HTTP layer, for every route of /api/v1 at once: HAL+JSON answered when the
// client asks for it, URLs with a trailing slash (as the spec writes them) routed like those without,
// and OSDI's error document offered beside RFC 9457's by content negotiation.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from './problem.ts';

export const HAL_JSON = 'application/hal+json';

/** The media types an Accept header names, lower-case, without parameters. */
function acceptedTypes(request: FastifyRequest): string[] {
  const accept = request.headers.accept;
  if (typeof accept !== 'string') return [];
  return accept.split(',').map((part) => (part.split(';')[0] ?? '').trim().toLowerCase());
}

/** True when the client names application/hal+json in Accept (an OSDI client): its JSON is answered so. */
export function wantsHal(request: FastifyRequest): boolean {
  return acceptedTypes(request).includes(HAL_JSON);
}

/**
 * The path of an API URL with its trailing slash taken off (`/api/v1/people/` → `/api/v1/people`,
 * `/api/v1/` → `/api/v1`), the query string kept; other URLs as they are (the back office's `/app/`
 * and the documentation's `/api/docs/` need their slash). Given to Fastify as `rewriteUrl`, before routing.
 */
export function apiUrlWithoutTrailingSlash(url: string): string {
  if (!url.startsWith('/api/v1/')) return url;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.endsWith('/')) return url;
  return path.replace(/\/+$/, '') + (q === -1 ? '' : url.slice(q));
}

/**
 * onSend: an API answer in JSON is labelled `application/hal+json` when the client asked for it
 * (the body is the same HAL document either way).
 */
export function labelHalAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (e: null, p: unknown) => void) {
  const type = reply.getHeader('content-type');
  if (typeof type === 'string' && type.startsWith('application/json') && request.url.startsWith('/api/v1') && wantsHal(request)) {
    reply.header('content-type', `${HAL_JSON}; charset=utf-8`);
  }
  done(null, payload);
}

/**
 * Whether an error is answered with OSDI's error document (`osdi:error`) rather than plain RFC 9457:
 * an API request whose Accept names application/hal+json or application/json but not
 * application/problem+json (the back office names both JSON and problem+json; no Accept, or
 * problem+json, keeps RFC 9457).
 */
export function wantsOsdiError(request: FastifyRequest): boolean {
  if (!request.url.startsWith('/api/v1')) return false;
  const types = acceptedTypes(request);
  if (types.includes('application/problem+json')) return false;
  return types.includes(HAL_JSON) || types.includes('application/json');
}

/** The OSDI error resource of a problem (errors.html: an atomic request, one resource status). */
export function osdiErrorOf(problem: Problem, resource: string | null) {
  const properties = Array.isArray(problem.errors)
    ? (problem.errors as Array<{ pointer?: string }>)
        .map((e) => (e.pointer ?? '').replace(/^\//, '').replace(/\//g, '.'))
        .filter((p) => p !== '')
    : [];
  return {
    request_type: 'atomic' as const,
    response_code: problem.status,
    resource_status: [
      {
        resource: resource ?? 'osdi:resource',
        response_code: problem.status,
        error_descriptions: [
          {
            error_code: problem.code,
            description: problem.detail,
            ...(properties.length > 0 ? { properties } : {}),
            ...(problem.request_id ? { reference_code: problem.request_id } : {}),
          },
        ],
      },
    ],
  };
}

/** The OSDI resource a URL of ours is about (`/api/v1/tags/…/taggings` → `osdi:tagging`), for the error document. */
export function osdiResourceOf(url: string): string | null {
  const parts = (url.split('?')[0] ?? '')
    .replace(/^\/api\/v1\/?/, '')
    .split('/')
    .filter(Boolean);
  const names = parts.filter((p) => !/^[0-9a-f-]{36}$/i.test(p));
  const last = names.at(-1);
  if (!last) return null;
  const singular: Record<string, string> = {
    people: 'osdi:person',
    person_signup_helper: 'osdi:person',
    tags: 'osdi:tag',
    taggings: 'osdi:tagging',
    lists: 'osdi:list',
    items: 'osdi:item',
  };
  return singular[last] ?? `relais:${last}`;
}

/** Sends a problem: RFC 9457 by default, OSDI's error document (beside the problem's fields) when negotiated. */
export function sendProblemNegotiated(request: FastifyRequest, reply: FastifyReply, problem: Problem): void {
  if (!wantsOsdiError(request)) {
    reply.status(problem.status).type('application/problem+json').send(problem);
    return;
  }
  const type = wantsHal(request) ? HAL_JSON : 'application/json';
  reply
    .status(problem.status)
    .type(`${type}; charset=utf-8`)
    .send({ ...problem, 'osdi:error': osdiErrorOf(problem, osdiResourceOf(request.url)) });
}
