// The report routes of a mailing: GET /messages/{id}/statistics (the figures, per variant, per
// arrondissement, per hour, per link) and GET /messages/{id}/statistics/people (who opened or
// clicked, paginated, linked to the person pages). messages:read; a referent sees their zones only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../../http/auth.ts';
import { acceptLocalCliRequests } from '../../../http/local-cli.ts';
import { pageLinks } from '../../../http/pagination.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../../http/schemas.ts';
import { getMailing } from '../messaging.service.ts';
import { COUNTED, mailingReport, reportPeople } from './report.ts';

const Figures = {
  sent: Type.Integer(),
  delivered: Type.Integer({ description: 'sent minus bounced' }),
  opens: Type.Integer({ description: 'unique people who opened (pixel loaded or a link followed)' }),
  clicks: Type.Integer({ description: 'unique people who clicked' }),
  unsubscribes: Type.Integer(),
  bounces: Type.Integer(),
  complaints: Type.Integer(),
};

export const ReportSchema = Type.Object({
  counted: StringEnum(COUNTED),
  ...Figures,
  by_variant: Type.Array(Type.Object({ variant: Type.String(), ...Figures })),
  by_zone: Type.Array(Type.Object({ zone_id: Uuid, code: Type.String(), name: Type.String(), ...Figures })),
  over_time: Type.Array(Type.Object({ hour: DateTime, opens: Type.Integer(), clicks: Type.Integer() })),
  links: Type.Array(
    Type.Object({ index: Type.Integer(), url: Nullable(Type.String()), clicks: Type.Integer(), unique_clicks: Type.Integer() }),
  ),
});

const CountedQuery = {
  counted: Type.Optional(
    Type.Unsafe<(typeof COUNTED)[number]>(
      Type.String({
        enum: [...COUNTED],
        description: 'human (default): human events only; all: also Apple Mail Privacy Protection prefetches and link scanners',
      }),
    ),
  ),
};

export const PersonHit = Type.Object({
  person_id: Uuid,
  given_name: Type.String(),
  family_name: Type.String(),
  email: Type.String(),
  first_at: DateTime,
  events: Type.Integer(),
  _links: Type.Record(Type.String(), Type.Object({ href: Type.String() })),
});

export const trackingReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // `relais mailing report` on the embedded database goes through the running server.
  acceptLocalCliRequests(app);
  const tags = ['messages'];
  const base = `${app.deps.config.publicUrl}/api/v1`;

  app.get(
    '/messages/:id/statistics',
    {
      schema: {
        tags,
        summary:
          'A mailing’s report: sent, delivered, opens, clicks, unsubscribes, bounces, complaints; per variant, arrondissement, hour, link',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object(CountedQuery),
        response: { 200: ReportSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, async (trx) => {
        const mailing = await getMailing(trx, actor, request.params.id);
        return mailingReport(trx, {
          campaignId: actor.campaignId,
          mailingId: mailing.id,
          zoneScope: actor.zoneScope,
          counted: request.query.counted ?? 'human',
        });
      });
    },
  );

  app.get(
    '/messages/:id/statistics/people',
    {
      schema: {
        tags,
        summary: 'Who opened (or clicked) a mailing, first first, with links to their person pages',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({ ...PageQuery.properties, kind: StringEnum(['open', 'click'] as const), ...CountedQuery }),
        response: { 200: collection('relais:mail_hits', PersonHit), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      const q = request.query;
      return inTenant(app, actor, async (trx) => {
        const mailing = await getMailing(trx, actor, request.params.id);
        const { rows, total } = await reportPeople(
          trx,
          { campaignId: actor.campaignId, mailingId: mailing.id, zoneScope: actor.zoneScope, counted: q.counted ?? 'human' },
          q.kind,
          { page: q.page, perPage: q.per_page },
        );
        const totalPages = Math.max(1, Math.ceil(total / q.per_page));
        return {
          total_records: total,
          total_pages: totalPages,
          page: q.page,
          per_page: q.per_page,
          _links: pageLinks(app, request, q.page, totalPages),
          _embedded: {
            'relais:mail_hits': rows.map((r) => ({ ...r, _links: { 'osdi:person': { href: `${base}/people/${r.person_id}` } } })),
          },
        };
      });
    },
  );
};
