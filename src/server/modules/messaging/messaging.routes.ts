// Routes of the messaging module: mailings as OSDI messages (collection, one, create, update,
// delete) with their targets (OSDI queries and lists) and statistics, the osdi:send_helper and
// osdi:schedule_helper (also what the back office uses), pause, resume and cancel, preview as a
// recipient, test sends, audience counts. Reading asks for messages:read, writing for messages:write, sending for messages:send.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { EMAIL_TOPICS } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { acceptLocalCliRequests } from '../../http/local-cli.ts';
import { pageLinks } from '../../http/pagination.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { VARIANT_KEYS } from './ab/ab.service.ts';
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
  resumeMailing,
  startSending,
  testSendMailing,
  updateMailing,
} from './messaging.service.ts';
import { ContentFormat, MailContent } from './render.ts';
import { queueJobs, scheduleMailing, unscheduleMailing } from './schedule.ts';
import { parseTargets, targetsOf } from './targets.ts';
import { totalFigures } from './tracking/report.ts';

const STATUSES = ['draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled'] as const;
const Link = Type.Object({ href: Type.String() });
/** A weekly series: ISO day of the week (1 = Monday … 7 = Sunday) and time (hh:mm) on the mailing's time_zone clocks. */
export const RecurrenceSchema = Type.Object(
  {
    weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday … 7 = Sunday' }),
    time: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'hh:mm on the time zone’s clocks' }),
  },
  { additionalProperties: false },
);
/** What a mailing is about; its audience leaves out those who withdrew the topic on the preference page. */
const Topic = StringEnum(EMAIL_TOPICS);

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
  topic: Topic,
  targets: Type.Array(Link, { description: 'links to the OSDI queries (saved segments) and lists the audience names' }),
  status: StringEnum(STATUSES),
  /** Why the circuit breaker paused it (null: paused by a person, or not paused). */
  pause_reason: Nullable(StringEnum(['unsubscribe_rate', 'complaint_rate'] as const)),
  scheduled_start_date: Nullable(DateTime),
  time_zone: Type.String({ description: 'the clocks the schedule is read on (Europe/Paris unless told otherwise)' }),
  recurrence: Nullable(RecurrenceSchema),
  series_id: Nullable(
    Type.String({ format: 'uuid', description: 'an occurrence: the weekly series (its model mailing) it was made from' }),
  ),
  occurrence_date: Nullable(DateTime),
  held_until: Nullable(DateTime),
  held_reason: Nullable(StringEnum(['electoral_silence'] as const)),
  sent_start_date: Nullable(DateTime),
  sent_end_date: Nullable(DateTime),
  total_targeted: Type.Integer(),
  statistics: Type.Object({
    queued: Type.Integer(),
    sending: Type.Integer(),
    sent: Type.Integer(),
    failed: Type.Integer(),
    skipped: Type.Integer(),
    // OSDI's engagement statistics (messages.md), human events only, within your zones.
    delivered: Type.Integer(),
    opened: Type.Integer(),
    clicked: Type.Integer(),
    unsubscribed: Type.Integer(),
    bounced: Type.Integer(),
    spam_reports: Type.Integer(),
    held: Type.Integer({ description: 'the rest of an A/B test’s audience, waiting for the test’s decision' }),
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
    targets: Type.Optional(
      Type.Array(Link, {
        maxItems: 70,
        description: 'links to OSDI queries and lists: they replace the audience’s segments and lists (exclusions stay)',
      }),
    ),
    topic: Type.Optional(Topic),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Uuid });
/** The osdi:schedule_helper's body: OSDI's scheduled_start_date, and Relais's weekly recurrence and time zone. */
export const ScheduleBody = Type.Object(
  {
    scheduled_start_date: Type.Optional(Nullable(DateTime)),
    scheduled_start_local: Type.Optional(
      Type.String({
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]$',
        description: 'instead of scheduled_start_date: yyyy-mm-ddThh:mm read on the time_zone’s clocks (what a form asks)',
      }),
    ),
    recurrence: Type.Optional(Nullable(RecurrenceSchema)),
    time_zone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export const AudienceCountSchema = Type.Object({
  total: Type.Integer(),
  by_zone: Type.Array(ZoneCountSchema),
});
export const RenderedSchema = Type.Object({ subject: Type.String(), html: Type.String(), text: Type.String() });

function inputOf(body: Type.Static<typeof MessageBody>) {
  const { from, targets, ...rest } = body;
  return { ...rest, from_name: from, targets: targets ? parseTargets(targets) : undefined };
}

type Statistics = Type.Static<typeof MessageSchema>['statistics'];

/** The OSDI message document of a mailing. */
function messageOf(app: FastifyInstance, row: MailingRow, statistics: Statistics) {
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
    topic: row.topic,
    targets: targetsOf(audience, base),
    status: row.status,
    pause_reason: row.pause_reason,
    scheduled_start_date: row.scheduled_at,
    time_zone: row.time_zone,
    recurrence:
      row.recurrence_weekday !== null && row.recurrence_time !== null
        ? { weekday: row.recurrence_weekday, time: row.recurrence_time }
        : null,
    series_id: row.series_id,
    occurrence_date: row.occurrence_at,
    held_until: row.held_until,
    held_reason: row.held_reason,
    sent_start_date: row.started_at,
    sent_end_date: row.finished_at,
    total_targeted: row.total_targeted,
    statistics,
    created_by: row.created_by_label,
    created_date: row.created_at,
    modified_date: row.updated_at,
    _links: {
      self: { href: `${base}/messages/${row.id}` },
      'osdi:send_helper': { href: `${base}/messages/${row.id}/send` },
      'osdi:schedule_helper': { href: `${base}/messages/${row.id}/schedule` },
      ...(row.series_id ? { 'relais:series': { href: `${base}/messages/${row.series_id}` } } : {}),
      'relais:preview': { href: `${base}/messages/${row.id}/preview` },
      'relais:audience': { href: `${base}/messages/${row.id}/audience` },
    },
  };
}

export const messagingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = app.deps.config;
  // `relais mailing send` on the embedded database goes through the running server.
  acceptLocalCliRequests(app);
  // The statistics: recipient rows per status, and (once sending started) the report's figures. A
  // referent sees only mailings bound within their zones, so every recipient counted is theirs.
  const one = async (trx: Parameters<typeof recipientCounts>[0], row: MailingRow) => {
    const counts = await recipientCounts(trx, row.campaign_id, row.id);
    const f = row.started_at
      ? await totalFigures(trx, { campaignId: row.campaign_id, mailingId: row.id, zoneScope: null, counted: 'human' })
      : null;
    return messageOf(app, row, {
      ...counts,
      delivered: f?.delivered ?? 0,
      opened: f?.opens ?? 0,
      clicked: f?.clicks ?? 0,
      unsubscribed: f?.unsubscribes ?? 0,
      bounced: f?.bounces ?? 0,
      spam_reports: f?.complaints ?? 0,
    });
  };
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
        summary:
          'Count an audience before saving it: in total and per arrondissement (consent to the topic, newsletter by default, suppressions, your zones applied)',
        body: Type.Object({ audience: AudienceSchema, topic: Type.Optional(Topic) }, { additionalProperties: false }),
        response: { 200: AudienceCountSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, (trx) => countAudienceFor(trx, actor, request.body.audience, request.body.topic));
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
      return inTenant(app, actor, async (trx) => {
        const mailing = await getMailing(trx, actor, request.params.id);
        return countAudienceFor(trx, actor, mailing.audience as Audience, mailing.topic);
      });
    },
  );

  app.post(
    '/messages/:id/preview',
    {
      schema: {
        tags,
        summary: 'The message as a chosen person would receive it (HTML and plain text)',
        params: IdParams,
        body: Type.Object(
          {
            person_id: Type.Optional(Nullable(Uuid)),
            // An A/B test's variant (default A; one the mailing does not have shows A).
            variant: Type.Optional(StringEnum(VARIANT_KEYS)),
          },
          { additionalProperties: false },
        ),
        response: { 200: RenderedSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, (trx) =>
        previewMailing(trx, actor, request.params.id, request.body.person_id ?? null, config, request.body.variant ?? 'A'),
      );
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

  /** Starts (or resumes) a send in one transaction, queues its job after the commit, and gives the message. */
  const queueSend = async (actor: TenantActor, start: (trx: Trx) => Promise<MailingRow>) => {
    const row = await inTenant(app, actor, start);
    await app.deps.jobs.enqueue({
      campaignId: actor.campaignId,
      kind: 'messaging.send',
      params: { mailing_id: row.id },
      createdBy: actor.userId,
    });
    return inTenant(app, actor, (trx) => one(trx, row));
  };

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
      return reply.code(202).send(await queueSend(actor, (trx) => startSending(trx, actor, request.params.id, config)));
    },
  );

  app.post(
    '/messages/:id/schedule',
    {
      schema: {
        tags,
        summary:
          'osdi:schedule_helper: send the mailing at scheduled_start_date, or weekly (recurrence: day and time, in time_zone) from then on',
        params: IdParams,
        body: ScheduleBody,
        response: { 200: MessageSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:send');
      const { mailing, job } = await inTenant(app, actor, (trx) =>
        scheduleMailing(trx, actor, request.params.id, request.body, { config }),
      );
      await queueJobs((o) => app.deps.jobs.enqueue({ ...o, createdBy: actor.userId }), actor.campaignId, [job]);
      return inTenant(app, actor, (trx) => one(trx, mailing));
    },
  );

  app.delete(
    '/messages/:id/schedule',
    {
      schema: {
        tags,
        summary: 'osdi:schedule_helper: unschedule the mailing (or stop the weekly series): it is a draft again',
        params: IdParams,
        response: { 200: MessageSchema, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:send');
      return inTenant(app, actor, async (trx) => one(trx, await unscheduleMailing(trx, actor, request.params.id)));
    },
  );

  app.post(
    '/messages/:id/resume',
    {
      schema: {
        tags,
        summary: 'Resume a paused mailing: the recipients not yet sent to get it',
        params: IdParams,
        response: { 202: MessageSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:send');
      return reply.code(202).send(await queueSend(actor, (trx) => resumeMailing(trx, actor, request.params.id, config)));
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
          summary:
            action === 'pause'
              ? 'Pause a sending mailing before its next batch (resume with resume or send)'
              : 'Cancel a mailing not yet sent (its queued recipients are skipped) or stop a weekly series',
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
