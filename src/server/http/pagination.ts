// Paging of collections: the HAL links of a page (OSDI names them self, next and previous).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { withoutQueryToken } from './auth.ts';

/** HAL paging links of a collection page: absolute, the request's query kept (never a token it carried). */
export function pageLinks(app: FastifyInstance, request: FastifyRequest, page: number, totalPages: number) {
  const url = new URL(withoutQueryToken(request.url), app.deps.config.publicUrl);
  const at = (p: number) => {
    url.searchParams.set('page', String(p));
    return { href: `${app.deps.config.publicUrl}${url.pathname}${url.search}` };
  };
  return { self: at(page), ...(page < totalPages ? { next: at(page + 1) } : {}), ...(page > 1 ? { previous: at(page - 1) } : {}) };
}
