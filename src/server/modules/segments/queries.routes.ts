// Saved segments as OSDI queries (queries.md): dynamic collections of people, created and changed
// in Relais (OSDI has no CRUD on queries), read here: the collection and one query, each with its
// name, a description from which the query can be recreated (its definition), the number of people
// it selects within the caller's zones, and the osdi:people link to them. Messages name them as targets.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, PageQuery, problems, Uuid } from '../../http/schemas.ts';
import * as repo from './segments.repo.ts';
import { countSegment } from './segments.service.ts';

export const QuerySchema = Type.Object({
  id: Uuid,
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  name: Type.String(),
  description: Type.String({ description: 'the segment definition (JSON), enough to recreate the query in Relais' }),
  item_type: Type.Literal('osdi:person'),
  total_items: Type.Integer({ description: 'people the query selects now, within your zones' }),
  created_date: DateTime,
  modified_date: DateTime,
  _links: Type.Record(Type.String(), Type.Object({ href: Type.String() })),
});

type SegmentRow = NonNullable<Awaited<ReturnType<typeof repo.findSegment>>>;

/** The OSDI query document of a saved segment, counted for the actor (its zones). */
async function queryOf(app: FastifyInstance, trx: Trx, actor: TenantActor, row: SegmentRow) {
  const base = `${app.deps.config.publicUrl}/api/v1`;
  const { count } = await countSegment(trx, row.definition, { campaignId: actor.campaignId, zoneScope: actor.zoneScope });
  return {
    id: row.id,
    identifiers: [`relais:${row.id}`],
    origin_system: 'Relais',
    name: row.name,
    description: JSON.stringify(row.definition),
    item_type: 'osdi:person' as const,
    total_items: count,
    created_date: row.created_at,
    modified_date: row.updated_at,
    _links: {
      self: { href: `${base}/queries/${row.id}` },
      'osdi:people': { href: `${base}/segments/${row.id}/people` },
      'relais:segment': { href: `${base}/segments/${row.id}` },
    },
  };
}

export const queriesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['segments'];

  app.get(
    '/queries',
    {
      schema: {
        tags,
        summary: 'Saved segments as OSDI queries, by name, each counted within your zones',
        querystring: PageQuery,
        response: { 200: collection('osdi:queries', QuerySchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      const { page, per_page } = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await repo.listSegments(trx, actor.campaignId, { page, perPage: per_page });
        const items = [];
        for (const row of rows) items.push(await queryOf(app, trx, actor, row));
        const totalPages = Math.max(1, Math.ceil(total / per_page));
        return {
          total_records: total,
          total_pages: totalPages,
          page,
          per_page,
          _links: pageLinks(app, request, page, totalPages),
          _embedded: { 'osdi:queries': items },
        };
      });
    },
  );

  app.get(
    '/queries/:id',
    {
      schema: {
        tags,
        summary: 'One saved segment as an OSDI query',
        params: Type.Object({ id: Uuid }),
        response: { 200: QuerySchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      return inTenant(app, actor, async (trx) => {
        const row = await repo.findSegment(trx, actor.campaignId, request.params.id);
        if (!row) throw notFound('query');
        return queryOf(app, trx, actor, row);
      });
    },
  );
};
