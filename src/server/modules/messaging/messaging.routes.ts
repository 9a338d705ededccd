// Routes of the messaging module: mailings as OSDI messages (collection, one, create, update,
// delete), the osdi:send_helper, pause and cancel, preview as a recipient, test sends, audience
// counts. Reading asks for messages:read, writing for messages:write, sending for messages:send.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { type Audience, AudienceSchema, ZoneCountSchema } from './audience-schema.ts';
import { loadKit } from './compose.ts';
import { listMailings, type MailingRow, recipientCounts } from './messaging.repo.ts';
import {
  changeStatus,
  countAudienceFor,
  createMailing,
  deleteMailing,
  getMailing,
  previewMailing,
  startSending,
  testSendMailing,
  updateMailing,
} from './messaging.service.ts';
import { ContentFormat, MailContent } from './render.ts';

const STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled'] as const;
const Link = Type.Object({ href: Type.String() });

export const MessageSchema = Type.Object({
  id: Uuid,
  identifiers: Type.Array(Type.String()),
  type: Type.Literal('email'),
  name: Type.String(),
  subject: Type.String(),
  from: Type.String({ description: 'the sender name (the address is the deployment’s MAILING_FROM)' }),
  reply_to: Nullable(Type.String()),
  preheader: Type.String(),
  body: Nullable(Type.String({ description: 'the MJML source when content_format is mjml' })),
  content_format: ContentFormat,
  content: MailContent,
  audience: AudienceSchema,
  targets: Type.Array(Link, { description: 'the segments (OSDI queries) and lists the audience names' }),
  status: StringEnum(STATUSES),
  scheduled_start_date: Nullable(DateTime),
  sent_start_date: Nullable(DateTime),
  sent_end_date: Nullable(DateTime),
  total_targeted: Type.Integer(),
  statistics: Type.Object({
    queued: Type.Integer(),
    sending: Type.Integer(),
    sent: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
  }),
  created_by: Type.String(),
  created_date: DateTime,
  modified_date: DateTime,
  _links: Type.Record(Type.String(), Link),
});

export const MessageBody = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    subject: Type.Optional(Type.String({ maxLength: 300 })),
    from: Type.Optional(Type.String({ maxLength: 100, description: 'the sender name' })),
    reply_to: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
    preheader: Type.Optional(Type.String({ maxLength: 300 })),
    content_format: Type.Optional(ContentFormat),
    content: Type.Optional(MailContent),
    audience: Type.Optional(AudienceSchema),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Uuid });
export const AudienceCountSchema = Type.Object({
  total: Type.Integer(),
  by_zone: Type.Array(ZoneCountSchema),
});
export const RenderedSchema = Type.Object({ subject: Type.String(), html: Type.String(), text: Type.String() });

function inputOf(body: Type.Static<typeof MessageBody>) {
  const { from, ...rest } = body;
  return { ...rest, from_name: from };
}

/** The OSDI message document of a mailing. */
async function messageOf(app: FastifyInstance, row: MailingRow, counts: Awaited<ReturnType<typeof recipientCounts>>) {
  const base = `${app.deps.config.publicUrl}/api/v1`;
  const audience = row.audience as Audience;
  const content = row.content as Type.Static<typeof MailContent>;
  return {
    id: row.id,
    identifiers: [`relais:${row.id}`],
    type: 'email' as const,
    name: row.name,
    subject: row.subject,
    from: row.from_name,
    reply_to: row.reply_to,
    preheader: row.preheader,
    body: 'mjml' in content ? content.mjml : null,
    content_format: row.content_format,
    content,
    audience,
    targets: [
      ...(audience.segment_ids ?? []).map((id) => ({ href: `${base}/segments/${id}` })),
      ...(audience.list_ids ?? []).map((id) => ({ href: `${base}/lists/${id}` })),
    ],
    status: row.status,
    scheduled_start_date: row.scheduled_at,
    sent_start_date: row.started_at,
    sent_end_date: row.finished_at,
    total_targeted: row.total_targeted,
    statistics: counts,
    created_by: row.created_by_label,
    created_date: row.created_at,
    modified_date: row.updated_at,
    _links: {
      self: { href: `${base}/messages/${row.id}` },
      'osdi:send_helper': { href: `${base}/messages/${row.id}/send` },
      'relais:preview': { href: `${base}/messages/${row.id}/preview` },
      'relais:audience': { href: `${base}/messages/${row.id}/audience` },
    },
  };
}

export const messagingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = app.deps.config;
  const one = (trx: Parameters<typeof recipientCounts>[0], row: MailingRow) =>
    recipientCounts(trx, row.campaign_id, row.id).then((counts) => messageOf(app, row, counts));
  const tags = ['messages'];

  app.get(
    '/messages',
    {
      schema: {
        tags,
        summary: 'Mailings (OSDI messages), newest first',
        querystring: PageQuery,
        response: { 200: collection('osdi:messages', MessageSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      const q = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await listMailings(trx, actor.campaignId, actor.zoneScope, { page: q.page, perPage: q.per_page });
        const totalPages = Math.max(1, Math.ceil(total / q.per_page));
        const items = [];
        for (const row of rows) items.push(await one(trx, row));
        return {
          total_records: total,
          total_pages: totalPages,
          page: q.page,
          per_page: q.per_page,
          _links: pageLinks(app, request, q.page, totalPages),
          _embedded: { 'osdi:messages': items },
        };
      });
    },
  );

  app.post(
    '/messages',
    {
      schema: {
        tags,
        summary: 'Create a draft mailing (merge tags and content checked)',
        body: MessageBody,
        response: { 201: MessageSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:write');
      const message = await inTenant(app, actor, async (trx) =>
        one(trx, await createMailing(trx, actor, inputOf(request.body), config.publicUrl)),
      );
      return reply.code(201).send(message);
    },
  );

  app.post(
    '/messages/audience_count',
    {
      schema: {
        tags,
        summary: 'Count an audience before saving it: in total and per arrondissement (consent, suppressions, your zones applied)',
        body: Type.Object({ audience: AudienceSchema }, { additionalProperties: false }),
        response: { 200: AudienceCountSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, (trx) => countAudienceFor(trx, actor, request.body.audience));
    },
  );

  app.get(
    '/messages/:id',
    {
      schema: {
        tags,
        summary: 'One mailing with its statistics',
        params: IdParams,
        response: { 200: MessageSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, async (trx) => one(trx, await getMailing(trx, actor, request.params.id)));
    },
  );

  app.put(
    '/messages/:id',
    {
      schema: {
        tags,
        summary: 'Change a mailing not yet sending',
        params: IdParams,
        body: MessageBody,
        response: { 200: MessageSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:write');
      return inTenant(app, actor, async (trx) =>
        one(trx, await updateMailing(trx, actor, request.params.id, inputOf(request.body), config.publicUrl)),
      );
    },
  );

  app.delete(
    '/messages/:id',
    { schema: { tags, summary: 'Delete a draft', params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404, 409) } } },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:write');
      await inTenant(app, actor, (trx) => deleteMailing(trx, actor, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/messages/:id/audience',
    {
      schema: {
        tags,
        summary: 'Count the mailing’s audience now: in total and per arrondissement',
        params: IdParams,
        response: { 200: AudienceCountSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, async (trx) =>
        countAudienceFor(trx, actor, (await getMailing(trx, actor, request.params.id)).audience as Audience),
      );
    },
  );

  app.post(
    '/messages/:id/preview',
    {
      schema: {
        tags,
        summary: 'The message as a chosen person would receive it (HTML and plain text)',
        params: IdParams,
        body: Type.Object({ person_id: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false }),
        response: { 200: RenderedSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, (trx) => previewMailing(trx, actor, request.params.id, request.body.person_id ?? null, config));
    },
  );

  app.post(
    '/messages/:id/test',
    {
      schema: {
        tags,
        summary: 'Send the mailing to up to five addresses, subject marked [Test]',
        params: IdParams,
        body: Type.Object(
          { emails: Type.Array(Type.String({ maxLength: 254 }), { minItems: 1, maxItems: 5 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ sent: Type.Integer() }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:send');
      const { mailing, kit } = await inTenant(app, actor, async (trx) => {
        const mailing = await getMailing(trx, actor, request.params.id);
        return { mailing, kit: await loadKit(trx, mailing, config.publicUrl) };
      });
      // Outside the transaction: SMTP takes its time, and the outbox writes through the database.
      const { sent } = await testSendMailing(app.deps.database.db, actor, mailing, request.body.emails, config, kit);
      return { sent };
    },
  );

  app.post(
    '/messages/:id/send',
    {
      schema: {
        tags,
        summary: 'osdi:send_helper: send the mailing now (or resume a paused one) to its audience within your zones',
        params: IdParams,
        response: { 202: MessageSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:send');
      const row = await inTenant(app, actor, (trx) => startSending(trx, actor, request.params.id, config));
      await app.deps.jobs.enqueue({
        campaignId: actor.campaignId,
        kind: 'messaging.send',
        params: { mailing_id: row.id },
        createdBy: actor.userId,
      });
      return reply.code(202).send(await inTenant(app, actor, (trx) => one(trx, row)));
    },
  );

  for (const [action, to] of [
    ['pause', 'paused'],
    ['cancel', 'cancelled'],
  ] as const) {
    app.post(
      `/messages/:id/${action}`,
      {
        schema: {
          tags,
          summary: action === 'pause' ? 'Pause a sending mailing (resume with send)' : 'Cancel a mailing not yet sent',
          params: IdParams,
          response: { 200: MessageSchema, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, 'messages:send');
        return inTenant(app, actor, async (trx) => one(trx, await changeStatus(trx, actor, request.params.id, to)));
      },
    );
  }
};
