// The mail providers' event webhooks: POST /webhooks/mail/mailgun/{campaign} and
// /webhooks/mail/sendgrid/{campaign}. No session or token: the provider's signature is the
// authentication, checked on the bytes received (this scope keeps JSON bodies raw), before anything
// is read. Each event is recorded once per provider event id, so a provider's retry changes nothing.
// The path sits beside the API's outgoing webhooks: these are the incoming ones, per campaign
// (the campaign in the path routes the events; the signature keys are the deployment's).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { withTenant } from '../../../db/database.ts';
import { AppError, notFound } from '../../../http/problem.ts';
import { problems, Uuid } from '../../../http/schemas.ts';
import { inspectJson } from '../../../http/validators.ts';
import { applyDeliveryReport, type DeliveryReport } from './bounces.service.ts';
import { mailgunReport, sendgridReport } from './provider-events.ts';
import {
  MAILGUN_MAX_AGE_SECONDS,
  type SignatureVerdict,
  sendgridPublicKey,
  verifyMailgunSignature,
  verifySendgridSignature,
} from './provider-signatures.ts';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/** SendGrid posts up to a few thousand events at once. */
const BODY_LIMIT = 5 * 1024 * 1024;

export const MailWebhookResultSchema = Type.Object({
  received: Type.Integer({ description: 'events in the request' }),
  recorded: Type.Integer({ description: 'events recorded now' }),
  duplicates: Type.Integer({ description: 'events recorded before (a retry)' }),
  ignored: Type.Integer({ description: 'events the bounce rules do not use (opens, clicks…), or naming no message of the campaign' }),
});

const Params = Type.Object({ campaign: Uuid });

function refuseUnless(verdict: SignatureVerdict): void {
  if (verdict === 'missing') throw new AppError('MAIL_WEBHOOK_SIGNATURE_MISSING', 'The request carries no signature.');
  if (verdict === 'invalid') throw new AppError('MAIL_WEBHOOK_SIGNATURE_INVALID', 'The signature does not verify.');
  if (verdict === 'stale') throw new AppError('MAIL_WEBHOOK_STALE', 'The signature is too old (or dated in the future).');
}

function jsonOf(raw: Buffer): unknown {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('MAIL_WEBHOOK_PAYLOAD_INVALID', 'The body is not JSON.');
  }
  const issue = inspectJson(value, 100_000);
  if (issue) throw new AppError('MAIL_WEBHOOK_PAYLOAD_INVALID', `body${issue.pointer} ${issue.message}`);
  return value;
}

async function assertCampaign(app: FastifyInstance, campaignId: string): Promise<void> {
  const found = await app.deps.database.db.selectFrom('campaign').select('id').where('id', '=', campaignId).executeTakeFirst();
  if (!found) throw notFound('campaign');
}

async function applyAll(app: FastifyInstance, campaignId: string, received: number, reports: DeliveryReport[]) {
  const outcomes = await withTenant(app.deps.database.db, campaignId, async (trx) => {
    const out = [];
    for (const report of reports) out.push(await applyDeliveryReport(trx, campaignId, report));
    return out;
  });
  const recorded = outcomes.filter((o) => o.outcome === 'recorded').length;
  const duplicates = outcomes.filter((o) => o.outcome === 'duplicate').length;
  return { received, recorded, duplicates, ignored: received - recorded - duplicates };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const bouncesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // The signatures are over the bytes sent: this scope keeps JSON bodies as received.
  app.removeContentTypeParser(['application/json', 'application/hal+json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    '/webhooks/mail/mailgun/:campaign',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['messaging'],
        summary: 'Mailgun event webhook (delivered, failed, complained), signed with the webhook signing key',
        description:
          "The body is Mailgun's JSON: `signature` {timestamp, token, signature: hex HMAC-SHA256 of timestamp+token} and `event-data`. A timestamp more than 15 minutes away is refused, and so is a token already used with another event.",
        params: Params,
        response: { 200: MailWebhookResultSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const key = app.deps.config.bounces.mailgunSigningKey;
      if (!key) throw new AppError('MAIL_WEBHOOK_NOT_CONFIGURED', 'Mailgun webhooks are not set up on this server.');
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const body = jsonOf(raw);
      if (!isObject(body)) throw new AppError('MAIL_WEBHOOK_PAYLOAD_INVALID', 'The body must be a JSON object.');
      const signature = isObject(body.signature) ? body.signature : null;
      refuseUnless(verifyMailgunSignature(key, signature));
      const eventData = body['event-data'];
      const eventId = isObject(eventData) && typeof eventData.id === 'string' ? eventData.id : null;
      if (!eventId) throw new AppError('MAIL_WEBHOOK_PAYLOAD_INVALID', 'The body has no event-data with an id.');
      await assertCampaign(app, request.params.campaign);
      // The signature covers the token, not the event: the token is bound to the first event it
      // came with. Tokens are kept for twice the window, after which the timestamp refuses them.
      const token = String(signature?.token);
      const db = app.deps.database.db;
      const bound = await db
        .insertInto('mail_webhook_token')
        .values({ provider: 'mailgun', token, event_id: eventId })
        .onConflict((oc) => oc.columns(['provider', 'token']).doNothing())
        .returning('event_id')
        .executeTakeFirst();
      if (!bound) {
        const first = await db
          .selectFrom('mail_webhook_token')
          .select('event_id')
          .where('provider', '=', 'mailgun')
          .where('token', '=', token)
          .executeTakeFirst();
        if (first && first.event_id !== eventId) {
          throw new AppError('MAIL_WEBHOOK_REPLAYED', 'This signature was already used with another event.');
        }
      } else {
        await db
          .deleteFrom('mail_webhook_token')
          .where('received_at', '<', sql<Date>`now() - make_interval(secs => ${2 * MAILGUN_MAX_AGE_SECONDS})`)
          .execute();
      }
      const report = mailgunReport(eventData);
      return applyAll(app, request.params.campaign, 1, report ? [report] : []);
    },
  );

  app.post(
    '/webhooks/mail/sendgrid/:campaign',
    {
      bodyLimit: BODY_LIMIT,
      schema: {
        tags: ['messaging'],
        summary: 'SendGrid Event Webhook (delivered, deferred, bounce, spamreport), signed with ECDSA',
        description:
          "The body is SendGrid's JSON array of events. `X-Twilio-Email-Event-Webhook-Signature` (base64 ECDSA P-256 over the timestamp followed by the raw body) and `X-Twilio-Email-Event-Webhook-Timestamp` are checked with SENDGRID_WEBHOOK_PUBLIC_KEY. Each event counts once (`sg_event_id`).",
        params: Params,
        response: { 200: MailWebhookResultSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const configured = app.deps.config.bounces.sendgridPublicKey;
      if (!configured) throw new AppError('MAIL_WEBHOOK_NOT_CONFIGURED', 'SendGrid webhooks are not set up on this server.');
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = (name: string) => {
        const value = request.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      refuseUnless(
        verifySendgridSignature(
          sendgridPublicKey(configured),
          { signature: header(SENDGRID_SIGNATURE_HEADER), timestamp: header(SENDGRID_TIMESTAMP_HEADER) },
          raw,
        ),
      );
      const events = jsonOf(raw);
      if (!Array.isArray(events)) throw new AppError('MAIL_WEBHOOK_PAYLOAD_INVALID', 'The body must be a JSON array of events.');
      await assertCampaign(app, request.params.campaign);
      const reports = events.map(sendgridReport).filter((r): r is DeliveryReport => r !== null);
      return applyAll(app, request.params.campaign, events.length, reports);
    },
  );
};
