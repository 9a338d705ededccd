// Paging of collections: the HAL links of a page.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** HAL paging links of a collection page. */
export function pageLinks(app: FastifyInstance, request: FastifyRequest, page: number, totalPages: number) {
  const url = new URL(request.url, app.deps.config.publicUrl);
  const at = (p: number) => {
    url.searchParams.set('page', String(p));
    return { href: `${app.deps.config.publicUrl}${url.pathname}${url.search}` };
  };
  return { self: at(page), ...(page < totalPages ? { next: at(page + 1) } : {}), ...(page > 1 ? { prev: at(page - 1) } : {}) };
}
