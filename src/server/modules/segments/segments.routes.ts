// HTTP routes of segments: saved filters, live count, members (OSDI collection) and CSV exports.
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requestLimits, requireActor, type TenantActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, Uuid } from '../../http/schemas.ts';
import { assertCampaignWide, formatPersonOsdi } from '../people/index.ts';
import { SegmentDefinitionSchema } from './segment-definition.ts';
import { type CsvExport, exportPeopleCsv } from './segment-export.ts';
import * as repo from './segments.repo.ts';
import * as service from './segments.service.ts';

const Name = Type.String({ minLength: 1, maxLength: 120 });

export const SegmentSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  definition: Type.Unknown({ description: 'The segment definition (see POST /segments)' }),
  created_by: Nullable(Uuid),
  created_at: DateTime,
  updated_at: DateTime,
  _links: Type.Record(Type.String(), Type.Object({ href: Type.String() })),
});

export const SegmentCountSchema = Type.Object({ count: Type.Integer(), sql_ms: Type.Number() });

// The people module owns the full OSDI person schema; members are its documents.
const PersonDocument = Type.Object({ id: Uuid, given_name: Type.String(), family_name: Type.String() }, { additionalProperties: true });

type SegmentRow = NonNullable<Awaited<ReturnType<typeof repo.findSegment>>>;

function segmentDocument(row: SegmentRow) {
  const self = `/api/v1/segments/${row.id}`;
  return {
    ...row,
    _links: { self: { href: self }, 'osdi:people': { href: `${self}/people` }, 'relais:export': { href: `${self}/export.csv` } },
  };
}

function pageLinks(path: string, page: number, perPage: number, total: number) {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const href = (p: number) => ({ href: `/api/v1${path}?page=${p}&per_page=${perPage}` });
  return {
    total_records: total,
    total_pages: totalPages,
    page,
    per_page: perPage,
    _links: { self: href(page), ...(page < totalPages ? { next: href(page + 1) } : {}), ...(page > 1 ? { prev: href(page - 1) } : {}) },
  };
}

function scopeOf(actor: TenantActor) {
  return { campaignId: actor.campaignId, zoneScope: actor.zoneScope };
}

/** Streams a people export to the client, named `<prefix>-<date>.csv` (the list's export uses it too). */
export function sendPeopleCsv(reply: FastifyReply, csv: CsvExport, prefix: string) {
  return sendCsv(reply, csv, fileName(prefix));
}

function sendCsv(reply: FastifyReply, csv: CsvExport, fileName: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${fileName}"`)
    .header('x-total-count', String(csv.rowCount))
    .header('cache-control', 'no-store')
    .send(Readable.from(csv.chunks));
}

function fileName(prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 10)}.csv`;
}

const CsvResponse = Type.String({ description: 'CSV (UTF-8 with BOM, `;` separated), streamed' });

export const segmentsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { database } = app.deps;

  app.get(
    '/segments',
    {
      schema: {
        tags: ['segments'],
        summary: 'Saved segments of the campaign',
        querystring: PageQuery,
        response: { 200: collection('segments', SegmentSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      const { page, per_page } = request.query;
      const { rows, total } = await inTenant(app, actor, (trx) => repo.listSegments(trx, actor.campaignId, { page, perPage: per_page }));
      return { ...pageLinks('/segments', page, per_page, total), _embedded: { segments: rows.map(segmentDocument) } };
    },
  );

  app.post(
    '/segments',
    {
      schema: {
        tags: ['segments'],
        summary: 'Save a segment (its tags, lists, zones and custom fields must exist)',
        body: Type.Object({ name: Name, definition: SegmentDefinitionSchema }, { additionalProperties: false }),
        response: { 201: SegmentSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'segments:write');
      const row = await inTenant(app, actor, (trx) =>
        service.createSegment(trx, { ...scopeOf(actor), userId: actor.userId }, request.body),
      );
      return reply.status(201).send(segmentDocument(row));
    },
  );

  app.post(
    '/segments/count',
    {
      schema: {
        tags: ['segments'],
        summary: 'Live count of a definition while it is edited, with the SQL time',
        body: Type.Object({ definition: SegmentDefinitionSchema }, { additionalProperties: false }),
        response: { 200: SegmentCountSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      return inTenant(app, actor, (trx) => service.countSegment(trx, request.body.definition, scopeOf(actor)));
    },
  );

  app.get(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'One saved segment',
        params: Type.Object({ id: Uuid }),
        response: { 200: SegmentSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      const row = await inTenant(app, actor, (trx) => repo.findSegment(trx, actor.campaignId, request.params.id));
      if (!row) throw notFound('segment');
      return segmentDocument(row);
    },
  );

  app.put(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'Rename and/or redefine a segment (campaign-wide roles only: a zone-scoped one gets GROUP_SHARED)',
        params: Type.Object({ id: Uuid }),
        body: Type.Object(
          { name: Type.Optional(Name), definition: Type.Optional(SegmentDefinitionSchema) },
          { additionalProperties: false },
        ),
        response: { 200: SegmentSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:write');
      assertCampaignWide(actor, 'segment', request.body.definition === undefined ? 'rename' : 'redefine');
      const row = await inTenant(app, actor, (trx) => service.updateSegment(trx, scopeOf(actor), request.params.id, request.body));
      return segmentDocument(row);
    },
  );

  app.delete(
    '/segments/:id',
    {
      schema: {
        tags: ['segments'],
        summary: 'Delete a segment (campaign-wide roles only: a zone-scoped one gets GROUP_SHARED)',
        params: Type.Object({ id: Uuid }),
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'segments:write');
      assertCampaignWide(actor, 'segment', 'delete');
      await inTenant(app, actor, (trx) => service.deleteSegment(trx, actor.campaignId, request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/segments/:id/people',
    {
      schema: {
        tags: ['segments'],
        summary: "A page of the segment's people (OSDI), within the caller's zones",
        params: Type.Object({ id: Uuid }),
        querystring: PageQuery,
        response: { 200: collection('osdi:people', PersonDocument), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'segments:read');
      const { page, per_page } = request.query;
      const { rows, total, related } = await inTenant(app, actor, (trx) =>
        service.segmentPeople(trx, request.params.id, scopeOf(actor), { page, perPage: per_page }),
      );
      const people = rows.map((row) =>
        formatPersonOsdi(row, {
          zones: related.zones.get(row.id) ?? [],
          tags: related.tags.get(row.id) ?? [],
          lists: related.lists.get(row.id) ?? [],
        }),
      );
      return { ...pageLinks(`/segments/${request.params.id}/people`, page, per_page, total), _embedded: { 'osdi:people': people } };
    },
  );

  app.get(
    '/segments/:id/export.csv',
    {
      schema: {
        tags: ['segments'],
        summary: "Export the segment's people as CSV (streamed, audited)",
        params: Type.Object({ id: Uuid }),
        produces: ['text/csv'],
        response: { 200: CsvResponse, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:export');
      const definition = await inTenant(app, actor, (trx) => service.loadSegmentDefinition(trx, actor.campaignId, request.params.id));
      const csv = await exportPeopleCsv(database, {
        ...exportActor(actor, request.ip),
        definition,
        segmentId: request.params.id,
        limits: requestLimits(app),
      });
      return sendCsv(reply, csv, fileName('segment'));
    },
  );

  app.post(
    '/people/export.csv',
    {
      schema: {
        tags: ['segments'],
        summary: 'Export the people of a definition as CSV (streamed, audited)',
        body: Type.Object({ definition: SegmentDefinitionSchema }, { additionalProperties: false }),
        produces: ['text/csv'],
        response: { 200: CsvResponse, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:export');
      const csv = await exportPeopleCsv(database, {
        ...exportActor(actor, request.ip),
        definition: request.body.definition,
        limits: requestLimits(app),
      });
      return sendCsv(reply, csv, fileName('contacts'));
    },
  );
};

function exportActor(actor: TenantActor, ip: string | undefined) {
  return {
    campaignId: actor.campaignId,
    zoneScope: actor.zoneScope,
    actor: { userId: actor.userId, tokenId: actor.tokenId, label: actor.label, ip: ip ?? null },
  };
}
