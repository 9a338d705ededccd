// The Twilio callbacks: delivery reports (StatusCallback) and inbound messages, per campaign
// (`/sms/twilio/{campaign_id}/status|inbound`). No session or token: each request must carry a
// valid X-Twilio-Signature for the public URL it was sent to (SMS_CALLBACK_BASE_URL + path and
// query), form-encoded or JSON with `bodySHA256`; otherwise 403 problem+json. Both are
// idempotent: a repeated report or message changes nothing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { requestLimits } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { NoContent, problems, Uuid } from '../../http/schemas.ts';
import { applyStatusReport, receiveInbound } from './callbacks.ts';
import { TWILIO_SIGNATURE_HEADER, type TwilioParams, validateTwilioRequest, validateTwilioRequestWithBody } from './twilio-signature.ts';

const Params = Type.Object({ campaign_id: Uuid });
const StatusQuery = Type.Object({ message_id: Type.Optional(Uuid), bodySHA256: Type.Optional(Type.String({ maxLength: 64 })) });
const InboundQuery = Type.Object({ bodySHA256: Type.Optional(Type.String({ maxLength: 64 })) });
/** Twilio's empty TwiML answer: no reply message. */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const MAX_BODY = 64 * 1024;

/** The verified parameters of a Twilio callback (403 unless the signature verifies). */
function verifiedParams(request: FastifyRequest): Record<string, string> {
  const twilio = request.server.deps.config.twilio;
  if (!twilio) throw new AppError('SMS_PROVIDER_NOT_CONFIGURED', 'No Twilio account is configured.');
  const url = `${request.server.deps.config.smsCallbackBaseUrl}${request.url}`;
  const header = request.headers[TWILIO_SIGNATURE_HEADER];
  const signature = typeof header === 'string' ? header : undefined;
  const body = request.body;
  let params: Record<string, unknown>;
  if (typeof body === 'string') {
    // JSON: signed over the URL (with bodySHA256) and the body's hash.
    if (!validateTwilioRequestWithBody(twilio.authToken, signature, url, body))
      throw new AppError('SMS_SIGNATURE_INVALID', 'X-Twilio-Signature does not match this request.');
    try {
      params = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new AppError('VALIDATION_FAILED', 'The body is not JSON.');
    }
  } else {
    const form = (body ?? {}) as TwilioParams;
    if (typeof form !== 'object' || Array.isArray(form) || !validateTwilioRequest(twilio.authToken, signature, url, form))
      throw new AppError('SMS_SIGNATURE_INVALID', 'X-Twilio-Signature does not match this request.');
    params = form;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

function required(params: Record<string, string>, ...names: string[]): string {
  for (const name of names) {
    const v = params[name];
    if (v !== undefined && v !== '') return v;
  }
  throw new AppError('VALIDATION_FAILED', `${names[0]} is required.`, {
    errors: [{ location: 'body', pointer: `/${names[0]}`, message: 'is required' }],
  });
}

export const twilioRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // JSON callbacks are verified over their exact bytes: kept as a string here (this plugin only).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: MAX_BODY }, (_request, body, done) => done(null, body));

  app.post(
    '/sms/twilio/:campaign_id/status',
    {
      bodyLimit: MAX_BODY,
      schema: {
        tags: ['sms'],
        summary: "Twilio's delivery reports (StatusCallback), signed with X-Twilio-Signature",
        description: 'Form-encoded MessageSid, MessageStatus, ErrorCode… as Twilio sends them; or JSON with bodySHA256 in the URL.',
        params: Params,
        querystring: StatusQuery,
        response: { 204: NoContent, ...problems(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const params = verifiedParams(request);
      const report = {
        messageSid: required(params, 'MessageSid', 'SmsSid'),
        providerStatus: required(params, 'MessageStatus', 'SmsStatus'),
        errorCode: params.ErrorCode || null,
        messageId: request.query.message_id ?? null,
      };
      await withTenant(
        app.deps.database.db,
        request.params.campaign_id,
        (trx) => applyStatusReport(trx, request.params.campaign_id, report),
        requestLimits(app),
      );
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/sms/twilio/:campaign_id/inbound',
    {
      bodyLimit: MAX_BODY,
      schema: {
        tags: ['sms'],
        summary: 'Messages received (Twilio webhook), signed with X-Twilio-Signature: a STOP withdraws SMS consent',
        description: 'Form-encoded MessageSid, From, To, Body as Twilio sends them. Answers empty TwiML.',
        params: Params,
        querystring: InboundQuery,
        response: { 200: Type.String(), ...problems(400, 403, 404) },
      },
    },
    async (request, reply) => {
      const params = verifiedParams(request);
      const inbound = {
        messageSid: required(params, 'MessageSid', 'SmsSid'),
        from: required(params, 'From'),
        to: params.To ?? '',
        body: params.Body ?? '',
      };
      await withTenant(
        app.deps.database.db,
        request.params.campaign_id,
        (trx) => receiveInbound(trx, request.params.campaign_id, inbound),
        requestLimits(app),
      );
      return reply.code(200).type('text/xml').send(EMPTY_TWIML);
    },
  );
};
