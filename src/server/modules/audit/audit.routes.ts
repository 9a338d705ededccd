// HTTP routes of the audit log (read-only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { collection, DateTime, Nullable, PageQuery, problems, Uuid } from '../../http/schemas.ts';
import { listAuditEvents } from './audit.repo.ts';

export const AuditEventSchema = Type.Object({
  id: Uuid,
  at: DateTime,
  action: Type.String(),
  actor_label: Type.String({
    description: 'What the actor was called when the event was written (an e-mail, a token, "retention policy")',
  }),
  actor_name: Nullable(Type.String({ description: "The actor's name as a member of the campaign, when they are one" })),
  target_type: Nullable(Type.String()),
  target_id: Nullable(Type.String()),
  target_name: Nullable(
    Type.String({ description: 'The target named: a member, a person (not anonymised), a token, a segment, an import file' }),
  ),
  ip: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit_events',
    {
      schema: {
        tags: ['audit'],
        summary: 'Security and personal-data events of the campaign, newest first',
        querystring: Type.Intersect([PageQuery, Type.Object({ action: Type.Optional(Type.String({ maxLength: 80 })) })]),
        response: { 200: collection('audit_events', AuditEventSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'audit:read');
      const { page, per_page, action } = request.query;
      const { rows, total } = await inTenant(app, actor, (trx) => listAuditEvents(trx, { page, perPage: per_page, action }));
      return {
        total_records: total,
        page,
        per_page,
        total_pages: Math.max(1, Math.ceil(total / per_page)),
        _embedded: { audit_events: rows },
      };
    },
  );
};
