// HTTP routes of SMS for staff and tokens: the campaign's settings, the live estimate of a text,
// queueing a send to people or a list, and the messages with their status.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { SmsStatus } from '../../db/schema.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { AudienceSchema, ZoneCountSchema } from '../messaging/index.ts';
import { requestDispatch } from './dispatch.ts';
import { HOLD_REASONS } from './silence.ts';
import { listMessages, loadSettings, saveSettings, sendReport } from './sms.repo.ts';
import { checkSettings, estimateSms, queueSms, SKIP_REASONS, type SmsActor, settingsDocument } from './sms.service.ts';

const SMS_STATUSES = [
  'queued',
  'deferred',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
] as const satisfies readonly SmsStatus[];
/** People a send or an estimate may name in one request. */
export const SMS_MAX_PEOPLE = 10_000;

const Text = Type.String({
  minLength: 1,
  maxLength: 1600,
  description: "the text; the sender's name and « STOP au … » are added when missing; each http(s) URL goes out as a short tracked link",
});
const Target = {
  person_ids: Type.Optional(Type.Array(Uuid, { maxItems: SMS_MAX_PEOPLE, description: `at most ${SMS_MAX_PEOPLE} people` })),
  list_id: Type.Optional(Uuid),
  audience: Type.Optional(AudienceSchema),
};

export const SmsSettingsSchema = Type.Object({
  sender: Nullable(Type.String({ description: 'alphanumeric sender ID (≤ 11), short code or a number that is not a French mobile' })),
  default_sender: Nullable(Type.String({ description: "the deployment's sender (TWILIO_FROM), used when the campaign has none" })),
  sender_name: Type.String({ description: 'the name every message carries' }),
  stop_number: Nullable(Type.String({ description: 'the short code of « STOP au … »' })),
  hours_start: Type.String({ description: 'HH:MM, local' }),
  hours_end: Type.String({ description: 'HH:MM, local, exclusive' }),
  time_zone: Type.String(),
  block_sundays: Type.Boolean(),
  block_holidays: Type.Boolean({ description: 'French public holidays' }),
  segment_price: Type.Number({ description: 'euros per segment' }),
});

export const SmsSettingsInput = Type.Object(
  {
    sender: Nullable(Type.String({ maxLength: 20 })),
    sender_name: Type.String({ minLength: 1, maxLength: 60 }),
    stop_number: Nullable(Type.String({ maxLength: 6 })),
    hours_start: Type.String({ maxLength: 5, default: '08:00' }),
    hours_end: Type.String({ maxLength: 5, default: '21:30' }),
    time_zone: Type.String({ maxLength: 60, default: 'Europe/Paris' }),
    block_sundays: Type.Boolean({ default: true }),
    block_holidays: Type.Boolean({ default: true }),
    segment_price: Type.Number({ minimum: 0, maximum: 10, default: 0.065 }),
  },
  { additionalProperties: false },
);

export const SmsEstimateInput = Type.Object({ text: Text, ...Target }, { additionalProperties: false });

const Replacement = Type.Object({ from: Type.String(), to: Type.String(), count: Type.Integer() });
export const SmsEstimateSchema = Type.Object({
  encoding: StringEnum(['GSM-7', 'UCS-2'] as const),
  body: Nullable(Type.String({ description: 'the text as it would go out (null until the campaign is set up)' })),
  characters: Type.Integer(),
  units: Type.Integer({ description: 'septets (GSM-7, extension characters count two) or UTF-16 units (UCS-2)' }),
  segments: Type.Integer(),
  remaining: Type.Integer({ description: 'units left in the last segment' }),
  cost: Type.Number({ description: 'segments × recipients × price per segment' }),
  currency: Type.Literal('EUR'),
  price_per_segment: Type.Number(),
  non_gsm_characters: Type.Array(Type.String()),
  replacements: Type.Array(Replacement),
  unreplaceable: Type.Array(Type.String()),
  replaced_text: Type.String(),
  replaced_encoding: StringEnum(['GSM-7', 'UCS-2'] as const),
  replaced_segments: Type.Integer(),
  short_links: Type.Integer({ description: 'URLs of the text, each sent as a short tracked link (counted at its length)' }),
  recipients: Type.Integer({ description: 'people who would get it (consent given, a mobile number)' }),
  by_zone: Type.Array(ZoneCountSchema, { description: 'those people per arrondissement (a referent: per zone of theirs)' }),
  skipped: Type.Object({
    not_found: Type.Integer(),
    no_consent: Type.Integer(),
    no_mobile: Type.Integer(),
    duplicate_number: Type.Integer(),
  }),
});

export const SmsSendInput = Type.Object(
  { text: Text, ...Target, send_at: Type.Optional(Type.String({ format: 'date-time', description: 'not before this instant' })) },
  { additionalProperties: false },
);

const QueuedEntry = Type.Object({ person_id: Uuid, message_id: Uuid, to: Type.String() });
export const SmsSendSchema = Type.Object({
  send_id: Uuid,
  body: Type.String(),
  encoding: StringEnum(['GSM-7', 'UCS-2'] as const),
  segments: Type.Integer(),
  not_before: DateTime,
  queued: Type.Array(QueuedEntry),
  deferred: Type.Array(
    Type.Object(
      { ...QueuedEntry.properties, reason: StringEnum(HOLD_REASONS), until: DateTime },
      { description: 'waits for the sending hours' },
    ),
  ),
  skipped: Type.Array(Type.Object({ person_id: Type.String(), reason: StringEnum(SKIP_REASONS) })),
});

export const SmsMessageSchema = Type.Object({
  id: Uuid,
  send_id: Uuid,
  person_id: Uuid,
  to_number: Type.String(),
  sender: Type.String(),
  body: Type.String(),
  encoding: StringEnum(['GSM-7', 'UCS-2'] as const),
  segments: Type.Integer(),
  status: StringEnum(SMS_STATUSES),
  not_before: DateTime,
  deferred_reason: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  provider_sid: Nullable(Type.String()),
  error_code: Nullable(Type.String()),
  created_at: DateTime,
  sent_at: Nullable(DateTime),
  delivered_at: Nullable(DateTime),
});

const ClickCounts = Type.Object({
  human: Type.Integer({ description: 'clicks by people' }),
  scanner: Type.Integer({ description: 'clicks by link checkers and previews (within a minute of sending, or bursts)' }),
});
export const SmsSendReportSchema = Type.Object({
  send_id: Uuid,
  messages: Type.Integer(),
  segments: Type.Integer({ description: 'segments of all its messages (what is billed)' }),
  by_status: Type.Object(
    Object.fromEntries(SMS_STATUSES.map((s) => [s, Type.Integer()])) as Record<SmsStatus, ReturnType<typeof Type.Integer>>,
  ),
  clicks: ClickCounts,
  human_clickers: Type.Integer({ description: 'people who clicked a short link (human clicks)' }),
  links: Type.Array(
    Type.Object({
      link_index: Type.Integer(),
      url: Type.String(),
      clicks: ClickCounts,
      human_clickers: Type.Integer(),
    }),
  ),
});

function smsActor(actor: TenantActor): SmsActor {
  return { campaignId: actor.campaignId, zoneScope: actor.zoneScope, label: actor.label };
}

const defaultSenderOf = (request: FastifyRequest) => request.server.deps.config.twilio?.from ?? null;

export const smsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/sms/settings',
    {
      schema: {
        tags: ['sms'],
        summary: "The campaign's SMS settings: sender, how to stop, sending hours, price",
        response: { 200: SmsSettingsSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'sms:read');
      const settings = await inTenant(app, actor, (trx) => loadSettings(trx, actor.campaignId));
      return settingsDocument(settings, defaultSenderOf(request));
    },
  );

  app.put(
    '/sms/settings',
    {
      schema: {
        tags: ['sms'],
        summary: "Sets the campaign's SMS settings (a French mobile is refused as sender)",
        body: SmsSettingsInput,
        response: { 200: SmsSettingsSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'sms.manage');
      const b = request.body;
      const sender = b.sender?.trim() || null;
      const stopNumber = b.stop_number?.trim() || null;
      checkSettings({ sender, stop_number: stopNumber, hours_start: b.hours_start, hours_end: b.hours_end, time_zone: b.time_zone });
      const settings = {
        sender,
        senderName: b.sender_name.trim(),
        stopNumber,
        hours: {
          start: b.hours_start,
          end: b.hours_end,
          timeZone: b.time_zone,
          blockSundays: b.block_sundays,
          blockHolidays: b.block_holidays,
        },
        segmentPrice: b.segment_price,
      };
      if (!settings.senderName) throw new AppError('VALIDATION_FAILED', 'sender_name must not be blank.');
      await inTenant(app, actor, (trx) => saveSettings(trx, actor.campaignId, settings));
      return settingsDocument(settings, defaultSenderOf(request));
    },
  );

  app.post(
    '/sms/estimate',
    {
      schema: {
        tags: ['sms'],
        summary: 'Live count of a text: encoding, segments, cost, replacements towards GSM-7, recipients with consent',
        body: SmsEstimateInput,
        response: { 200: SmsEstimateSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'sms:read');
      return inTenant(app, actor, (trx) =>
        estimateSms(trx, smsActor(actor), request.body, { defaultSender: defaultSenderOf(request), publicUrl: app.deps.config.publicUrl }),
      );
    },
  );

  app.post(
    '/sms/sends',
    {
      schema: {
        tags: ['sms'],
        summary:
          'Sends a text to people, a list or an audience (segments and lists minus exclusions): what was queued, deferred (sending hours) and skipped, and why',
        body: SmsSendInput,
        response: { 202: SmsSendSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'sms:send');
      const result = await inTenant(app, actor, (trx) =>
        queueSms(trx, smsActor(actor), request.body, { defaultSender: defaultSenderOf(request), publicUrl: app.deps.config.publicUrl }),
      );
      const count = result.queued.length + result.deferred.length;
      if (count > 0)
        await requestDispatch(
          (o) => app.deps.jobs.enqueue(o),
          (fn) => inTenant(app, actor, fn),
          actor.campaignId,
          result.not_before,
        );
      return reply.code(202).send(result);
    },
  );

  app.get(
    '/sms/sends/:send_id/report',
    {
      schema: {
        tags: ['sms'],
        summary:
          'The report of a send: its messages per status and segments, and the clicks on its short links (human and scanner), per link',
        params: Type.Object({ send_id: Uuid }),
        response: { 200: SmsSendReportSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'sms:read');
      const sendId = request.params.send_id;
      const report = await inTenant(app, actor, (trx) =>
        sendReport(trx, { campaignId: actor.campaignId, zoneScope: actor.zoneScope, sendId }),
      );
      if (!report) throw new AppError('NOT_FOUND', 'No such send.');
      const byStatus = Object.fromEntries(SMS_STATUSES.map((s) => [s, 0])) as Record<SmsStatus, number>;
      for (const r of report.statuses) byStatus[r.status] = Number(r.n);
      const clicks = (rows: typeof report.links) => ({
        human: rows.filter((r) => r.classification === 'human').reduce((n, r) => n + Number(r.clicks), 0),
        scanner: rows.filter((r) => r.classification !== 'human').reduce((n, r) => n + Number(r.clicks), 0),
      });
      const indexes = [...new Set(report.links.map((l) => l.link_index))];
      return {
        send_id: sendId,
        messages: report.statuses.reduce((n, r) => n + Number(r.n), 0),
        segments: report.statuses.reduce((n, r) => n + Number(r.segments), 0),
        by_status: byStatus,
        clicks: clicks(report.links),
        human_clickers: report.humanClickers,
        links: indexes.map((index) => {
          const rows = report.links.filter((l) => l.link_index === index);
          return {
            link_index: index,
            url: rows[0]?.url ?? '',
            clicks: clicks(rows),
            human_clickers: Number(rows.find((r) => r.classification === 'human')?.people ?? 0),
          };
        }),
      };
    },
  );

  app.get(
    '/sms/messages',
    {
      schema: {
        tags: ['sms'],
        summary: 'SMS of the campaign with their status, newest first',
        querystring: Type.Intersect([
          PageQuery,
          Type.Object({ send_id: Type.Optional(Uuid), person_id: Type.Optional(Uuid), status: Type.Optional(StringEnum(SMS_STATUSES)) }),
        ]),
        response: { 200: collection('sms_messages', SmsMessageSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'sms:read');
      const { page, per_page, send_id, person_id, status } = request.query;
      const { rows, total } = await inTenant(app, actor, (trx) =>
        listMessages(trx, {
          campaignId: actor.campaignId,
          zoneScope: actor.zoneScope,
          page,
          perPage: per_page,
          sendId: send_id,
          personId: person_id,
          status,
        }),
      );
      return {
        total_records: total,
        page,
        per_page,
        total_pages: Math.max(1, Math.ceil(total / per_page)),
        _embedded: { sms_messages: rows },
      };
    },
  );
};
