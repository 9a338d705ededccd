// HTTP routes of webhooks: the event catalogue, subscriptions (the secret in the creation's answer
// only), a test delivery, the delivery log and replay. Everything asks for webhooks.manage.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { WEBHOOK_EVENTS } from '../../events/event-types.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { requestPass, webhookEventTypes } from './delivery.ts';
import { findDelivery, findSubscription, listDeliveries, listSubscriptions } from './webhooks.repo.ts';
import {
  assertTargetAllowed,
  checkEventTypes,
  createSubscription,
  deleteSubscription,
  queueTest,
  replayDelivery,
  updateSubscription,
  type WebhookActor,
} from './webhooks.service.ts';

const DELIVERY_STATES = ['pending', 'succeeded', 'failed'] as const;

export const WebhookEventTypeSchema = Type.Object({
  type: Type.String({ description: 'the event type, as subscribed to (person.created…)' }),
  key: Type.String({ description: "the key of the event's object in a delivery (osdi:person…)" }),
  label_fr: Type.String(),
  label_en: Type.String(),
});

export const WebhookEventTypesSchema = Type.Object({ event_types: Type.Array(WebhookEventTypeSchema) });

export const WebhookSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  url: Type.String(),
  event_types: Type.Array(Type.String()),
  active: Type.Boolean(),
  disabled_reason: Nullable(StringEnum(['failing', 'manual'] as const)),
  disabled_at: Nullable(DateTime),
  consecutive_failures: Type.Integer(),
  failing_since: Nullable(DateTime),
  last_error: Nullable(Type.String()),
  created_by_label: Type.String(),
  created_at: DateTime,
  updated_at: DateTime,
});

export const WebhookCreatedSchema = Type.Intersect([
  WebhookSchema,
  Type.Object({ secret: Type.String({ description: 'the signing secret: shown in this answer only' }) }),
]);

export const WebhookDeliverySchema = Type.Object({
  id: Uuid,
  subscription_id: Uuid,
  event_id: Nullable(Uuid),
  event_type: Type.String(),
  idempotency_key: Type.String(),
  state: StringEnum(DELIVERY_STATES),
  attempts: Type.Integer(),
  manual: Type.Boolean({ description: 'a test or a replay asked for from the back office' }),
  next_attempt_at: Nullable(DateTime),
  last_attempt_at: Nullable(DateTime),
  response_status: Nullable(Type.Integer()),
  duration_ms: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  created_at: DateTime,
  delivered_at: Nullable(DateTime),
});

export const WebhookDeliveryDetailSchema = Type.Intersect([WebhookDeliverySchema, Type.Object({ body: Type.Array(Type.Unknown()) })]);

const EventTypes = Type.Array(Type.String({ maxLength: 80 }), { minItems: 1, maxItems: 50 });
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL of a public address' });
const Name = Type.String({ maxLength: 200 });

export const WebhookInput = Type.Object({ url: Url, event_types: EventTypes, name: Type.Optional(Name) }, { additionalProperties: false });
export const WebhookUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    event_types: Type.Optional(EventTypes),
    name: Type.Optional(Name),
    active: Type.Optional(Type.Boolean({ description: 'true re-enables a disabled endpoint (its failures forgotten)' })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Uuid });
const DeliveryParams = Type.Object({ id: Uuid, delivery_id: Uuid });

function webhookActor(request: FastifyRequest, actor: TenantActor): WebhookActor {
  return { campaignId: actor.campaignId, userId: actor.userId, tokenId: actor.tokenId, label: actor.label, ip: request.ip ?? null };
}

/** Asks for a delivery pass of the actor's campaign (after the write committed). */
function kick(app: FastifyInstance, actor: TenantActor) {
  return requestPass(
    (o) => app.deps.jobs.enqueue(o),
    (fn) => inTenant(app, actor, fn),
    actor.campaignId,
  );
}

export const webhooksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/webhooks/event_types',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'The event types a webhook may subscribe to',
        response: { 200: WebhookEventTypesSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      requireActor(request, 'webhooks:manage');
      return {
        event_types: webhookEventTypes().map((type) => {
          const spec = WEBHOOK_EVENTS[type];
          return { type, key: spec?.key ?? '', label_fr: spec?.label.fr ?? type, label_en: spec?.label.en ?? type };
        }),
      };
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The campaign's webhook subscriptions (never their secrets)",
        response: { 200: collection('webhooks', WebhookSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'webhooks:manage');
      const webhooks = await inTenant(app, actor, (trx) => listSubscriptions(trx));
      return { total_records: webhooks.length, _embedded: { webhooks } };
    },
  );

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to event types; the signing secret is in this answer only',
        body: WebhookInput,
        response: { 201: WebhookCreatedSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'webhooks:manage');
      const eventTypes = checkEventTypes(request.body.event_types);
      const url = request.body.url.trim();
      await assertTargetAllowed(url, app.deps.config.webhookAllowNetworks);
      const created = await inTenant(app, actor, async (trx) => {
        const { id, secret } = await createSubscription(trx, webhookActor(request, actor), {
          url,
          eventTypes,
          name: request.body.name?.trim() ?? '',
        });
        const row = await findSubscription(trx, id);
        if (!row) throw new Error('webhook vanished');
        return { ...row, secret };
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook subscription',
        params: IdParams,
        response: { 200: WebhookSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'webhooks:manage');
      const row = await inTenant(app, actor, (trx) => findSubscription(trx, request.params.id));
      if (!row) throw notFound('webhook');
      return row;
    },
  );

  app.put(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Change a webhook; `active: true` re-enables a disabled one, `false` turns it off',
        params: IdParams,
        body: WebhookUpdate,
        response: { 200: WebhookSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'webhooks:manage');
      const { body } = request;
      const eventTypes = body.event_types ? checkEventTypes(body.event_types) : undefined;
      const url = body.url?.trim();
      if (url !== undefined) await assertTargetAllowed(url, app.deps.config.webhookAllowNetworks);
      const row = await inTenant(app, actor, async (trx) => {
        await updateSubscription(trx, webhookActor(request, actor), request.params.id, {
          url,
          eventTypes,
          name: body.name?.trim(),
          active: body.active,
        });
        return findSubscription(trx, request.params.id);
      });
      if (!row) throw notFound('webhook');
      return row;
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook and its delivery log',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'webhooks:manage');
      await inTenant(app, actor, (trx) => deleteSubscription(trx, webhookActor(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a test delivery now (one attempt; also to a disabled webhook); follow it in the log',
        params: IdParams,
        response: { 202: WebhookDeliverySchema, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'webhooks:manage');
      const delivery = await inTenant(app, actor, async (trx) => {
        const id = await queueTest(trx, webhookActor(request, actor), request.params.id);
        return findDelivery(trx, request.params.id, id);
      });
      if (!delivery) throw new Error('delivery vanished');
      await kick(app, actor);
      const { body: _body, ...row } = delivery;
      return reply.status(202).send(row);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: "A webhook's delivery log, newest first",
        params: IdParams,
        querystring: Type.Intersect([PageQuery, Type.Object({ state: Type.Optional(StringEnum(DELIVERY_STATES)) })]),
        response: { 200: collection('deliveries', WebhookDeliverySchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'webhooks:manage');
      const { page, per_page, state } = request.query;
      const result = await inTenant(app, actor, async (trx) => {
        if (!(await findSubscription(trx, request.params.id))) throw notFound('webhook');
        return listDeliveries(trx, { subscriptionId: request.params.id, page, perPage: per_page, state });
      });
      return {
        total_records: result.total,
        page,
        per_page,
        total_pages: Math.max(1, Math.ceil(result.total / per_page)),
        _embedded: { deliveries: result.rows },
      };
    },
  );

  app.get(
    '/webhooks/:id/deliveries/:delivery_id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery, with the body sent',
        params: DeliveryParams,
        response: { 200: WebhookDeliveryDetailSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'webhooks:manage');
      const delivery = await inTenant(app, actor, (trx) => findDelivery(trx, request.params.id, request.params.delivery_id));
      if (!delivery) throw notFound('delivery');
      return delivery;
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:delivery_id/replay',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a finished delivery again now (same body and idempotency key, one attempt)',
        params: DeliveryParams,
        response: { 202: WebhookDeliverySchema, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'webhooks:manage');
      const delivery = await inTenant(app, actor, async (trx) => {
        await replayDelivery(trx, webhookActor(request, actor), request.params.id, request.params.delivery_id);
        return findDelivery(trx, request.params.id, request.params.delivery_id);
      });
      if (!delivery) throw notFound('delivery');
      await kick(app, actor);
      const { body: _body, ...row } = delivery;
      return reply.status(202).send(row);
    },
  );
};
