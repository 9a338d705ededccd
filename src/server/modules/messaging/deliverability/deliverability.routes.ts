// Routes of deliverability: the settings (caps per receiving domain, SPF and DMARC wishes, the
// complaint-rate and circuit-breaker thresholds) with the DNS records to publish, their check against
// DNS, the complaint-rate state the messaging screens show, and resuming a paused sending. The
// settings, the check and resuming ask for messaging.deliverability (admins); the state, messages:read.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../../http/auth.ts';
import { DateTime, Nullable, problems, StringEnum } from '../../../http/schemas.ts';
import {
  type ComplaintState,
  complaintState,
  type DeliverabilitySettings,
  listDomainCaps,
  loadSettings,
  resumeSending,
  saveSettings,
} from './deliverability.service.ts';
import { checkRecords, expectedRecords } from './dns-records.ts';

const tags = ['messaging'];
const DOMAIN_PATTERN = '^\\s*[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+\\s*$';
const Domain = Type.String({ maxLength: 253, pattern: DOMAIN_PATTERN });
const Rate = Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'a share: 0.001 is 0.1 %' });
const Connections = Type.Integer({ minimum: 1, maximum: 100, description: 'messages to the domain in flight at once' });
const PerMinute = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'messages a minute to the domain' });
const IP_PATTERN = '^\\s*(?:\\d{1,3}(?:\\.\\d{1,3}){3}(?:/\\d{1,2})?|[0-9A-Fa-f:]+(?:/\\d{1,3})?)\\s*$';

const RECORD_KINDS = ['spf', 'dkim', 'dmarc'] as const;
const RECORD_STATUSES = ['present', 'missing', 'wrong', 'unreachable', 'not_configured'] as const;
const DMARC_POLICIES = ['none', 'quarantine', 'reject'] as const;

export const DomainCapSchema = Type.Object(
  { domain: Domain, connections: Connections, rate_per_minute: PerMinute },
  { additionalProperties: false },
);

export const DeliverabilityInput = Type.Object(
  {
    default_connections: Connections,
    default_rate_per_minute: PerMinute,
    domains: Type.Array(DomainCapSchema, { maxItems: 200 }),
    spf_includes: Type.Array(Domain, { maxItems: 10, description: 'the include: domains the relay asks for' }),
    spf_ips: Type.Array(Type.String({ maxLength: 50, pattern: IP_PATTERN }), { maxItems: 20, description: 'sending addresses' }),
    dmarc_policy: StringEnum(DMARC_POLICIES),
    dmarc_report_address: Nullable(Type.String({ maxLength: 254, pattern: '^\\s*[^\\s@;,]+@[^\\s@;,]+\\.[^\\s@;,]+\\s*$' })),
    complaint_alert_rate: Rate,
    complaint_pause_rate: Rate,
    complaint_min_sent: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    breaker_unsubscribe_rate: Rate,
    breaker_complaint_rate: Rate,
    breaker_min_delivered: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
  },
  { additionalProperties: false },
);

export const ExpectedRecordSchema = Type.Object({
  kind: StringEnum(RECORD_KINDS),
  name: Type.String(),
  type: Type.Literal('TXT'),
  value: Nullable(Type.String({ description: 'null: nothing to publish (no DKIM key configured)' })),
});

export const AlignmentSchema = Type.Object({
  from_domain: Type.String(),
  return_path_domain: Type.String({ description: 'the envelope sender (VERP) domain SPF checks' }),
  spf_aligned: Type.Boolean(),
  dkim_domain: Nullable(Type.String()),
  dkim_aligned: Type.Boolean(),
});

export const ComplaintStateSchema = Type.Object({
  complaints: Type.Integer({ description: 'complaints received in the last 24 hours' }),
  sent: Type.Integer({ description: 'messages sent in the last 24 hours that did not bounce' }),
  rate: Type.Number(),
  alert: Type.Boolean({ description: 'the rate crossed complaint_alert_rate' }),
  paused_at: Nullable(DateTime),
  paused_rate: Nullable(Type.Number()),
  alert_rate: Type.Number(),
  pause_rate: Type.Number(),
});

export const DeliverabilitySchema = Type.Object({
  ...DeliverabilityInput.properties,
  records: Type.Array(ExpectedRecordSchema),
  alignment: AlignmentSchema,
  state: ComplaintStateSchema,
});

export const DnsCheckSchema = Type.Object({
  checked_at: DateTime,
  records: Type.Array(
    Type.Object({
      ...ExpectedRecordSchema.properties,
      status: StringEnum(RECORD_STATUSES),
      found: Type.Array(Type.String()),
      problem: Nullable(Type.String({ description: 'why wrong or unreachable (a code)' })),
    }),
  ),
  alignment: AlignmentSchema,
});

function stateOf(state: ComplaintState, s: DeliverabilitySettings) {
  return { ...state, alert_rate: s.complaint_alert_rate, pause_rate: s.complaint_pause_rate };
}

export const deliverabilityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = app.deps.config;

  const documentOf = async (trx: Parameters<typeof loadSettings>[0], campaignId: string) => {
    const s = await loadSettings(trx, campaignId);
    const domains = await listDomainCaps(trx, campaignId);
    const { records, alignment } = expectedRecords(config.mailing, s);
    return {
      default_connections: s.default_connections,
      default_rate_per_minute: s.default_rate_per_minute,
      domains,
      spf_includes: s.spf_includes,
      spf_ips: s.spf_ips,
      dmarc_policy: s.dmarc_policy,
      dmarc_report_address: s.dmarc_report_address,
      complaint_alert_rate: s.complaint_alert_rate,
      complaint_pause_rate: s.complaint_pause_rate,
      complaint_min_sent: s.complaint_min_sent,
      breaker_unsubscribe_rate: s.breaker_unsubscribe_rate,
      breaker_complaint_rate: s.breaker_complaint_rate,
      breaker_min_delivered: s.breaker_min_delivered,
      records,
      alignment,
      state: stateOf(await complaintState(trx, campaignId), s),
    };
  };

  app.get(
    '/messaging/deliverability',
    {
      schema: {
        tags,
        summary: 'Deliverability settings: caps per receiving domain, the DNS records to publish, thresholds, the complaint rate',
        response: { 200: DeliverabilitySchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messaging.deliverability');
      return inTenant(app, actor, (trx) => documentOf(trx, actor.campaignId));
    },
  );

  app.put(
    '/messaging/deliverability',
    {
      schema: {
        tags,
        summary: 'Set the deliverability settings (the domains listed replace the previous ones)',
        body: DeliverabilityInput,
        response: { 200: DeliverabilitySchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messaging.deliverability');
      return inTenant(app, actor, async (trx) => {
        await saveSettings(trx, actor.campaignId, request.body);
        return documentOf(trx, actor.campaignId);
      });
    },
  );

  app.get(
    '/messaging/deliverability/dns',
    {
      schema: {
        tags,
        summary: 'Check the SPF, DKIM and DMARC records against DNS (MAILING_DNS_SERVERS): present, missing, wrong or unreachable',
        response: { 200: DnsCheckSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messaging.deliverability');
      const settings = await inTenant(app, actor, (trx) => loadSettings(trx, actor.campaignId));
      const { records, alignment } = expectedRecords(config.mailing, settings);
      // Outside the transaction: DNS takes its time.
      return { checked_at: new Date(), records: await checkRecords(config.dns, records), alignment };
    },
  );

  app.get(
    '/messaging/deliverability/state',
    {
      schema: {
        tags,
        summary: 'The complaint rate of the last 24 hours, its alert and whether sending is paused',
        response: { 200: ComplaintStateSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:read');
      return inTenant(app, actor, async (trx) =>
        stateOf(await complaintState(trx, actor.campaignId), await loadSettings(trx, actor.campaignId)),
      );
    },
  );

  app.post(
    '/messaging/deliverability/resume',
    {
      schema: {
        tags,
        summary: 'Resume sending paused by the complaint rate; the mailings left sending go on',
        response: { 200: ComplaintStateSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messaging.deliverability');
      const { ids, state } = await inTenant(app, actor, async (trx) => {
        const ids = await resumeSending(trx, actor.campaignId, { userId: actor.userId, label: actor.label });
        return { ids, state: stateOf(await complaintState(trx, actor.campaignId), await loadSettings(trx, actor.campaignId)) };
      });
      for (const id of ids)
        await app.deps.jobs.enqueue({
          campaignId: actor.campaignId,
          kind: 'messaging.send',
          params: { mailing_id: id },
          createdBy: actor.userId,
        });
      return state;
    },
  );
};
