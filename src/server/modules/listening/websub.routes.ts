// The WebSub callback of a subscription, /api/v1/listening/websub/{campaign}/{token}: no session
// or API token (the hub calls it); the 32 random bytes of the token route it, the subscription's
// secret authenticates each delivery. GET answers the hub's verification of intent (the challenge
// echoed only for a request of ours, else 404); POST takes a content distribution, any media type,
// kept raw (the signature is over the bytes) and capped. A delivery with a missing or wrong
// signature is answered 202 like a good one, as WebSub §8 allows (no oracle for guessing the
// secret), but dropped, counted on the subscription and logged.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { withTenant } from '../../db/database.ts';
import { requestLimits } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { NoContent, problems, Uuid } from '../../http/schemas.ts';
import { envOf } from './pass.ts';
import { DELIVERY_MAX_BYTES, receiveDelivery, verifyIntent } from './websub.service.ts';

const Params = Type.Object({
  campaign: Uuid,
  token: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'the subscription’s random callback token' }),
});

const Verification = Type.Object({
  'hub.mode': Type.Optional(Type.String({ maxLength: 20 })),
  'hub.topic': Type.Optional(Type.String({ maxLength: 2000 })),
  'hub.challenge': Type.Optional(Type.String({ maxLength: 1000 })),
  'hub.lease_seconds': Type.Optional(Type.String({ maxLength: 20 })),
  'hub.reason': Type.Optional(Type.String({ maxLength: 1000 })),
});

export const websubRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const env = envOf(app.deps.config);
  // A hub sends the feed as it is (Atom, RSS, any XML type): every body is kept as bytes in this scope.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: DELIVERY_MAX_BYTES }, (_request, body, done) => done(null, body));

  app.get(
    '/listening/websub/:campaign/:token',
    {
      schema: {
        tags: ['listening'],
        summary: 'WebSub callback: the hub verifies a subscription (hub.challenge echoed) or tells of a denial',
        params: Params,
        querystring: Verification,
        response: { 200: Type.String(), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const { campaign, token } = request.params;
      const answer = await withTenant(app.deps.database.db, campaign, (trx) => verifyIntent(trx, token, request.query), requestLimits(app));
      if (answer === null) throw notFound('subscription');
      request.log.info({ campaign, mode: request.query['hub.mode'] }, 'listening: websub verification answered');
      return reply.type('text/plain; charset=utf-8').send(answer);
    },
  );

  app.post(
    '/listening/websub/:campaign/:token',
    {
      bodyLimit: DELIVERY_MAX_BYTES,
      schema: {
        tags: ['listening'],
        summary: 'WebSub callback: a content distribution, signed with X-Hub-Signature (HMAC of the raw body)',
        description:
          'Answered 202 whether or not the signature verifies (WebSub §8); an unsigned or wrongly signed delivery is dropped and counted on the subscription. 410 when no subscription has this callback.',
        params: Params,
        response: { 202: NoContent, ...problems(400, 410, 413) },
      },
    },
    async (request, reply) => {
      const { campaign, token } = request.params;
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-hub-signature'];
      const outcome = await withTenant(
        app.deps.database.db,
        campaign,
        (trx) => receiveDelivery(trx, env, campaign, token, typeof header === 'string' ? header : undefined, body),
        requestLimits(app),
      );
      if (outcome.outcome === 'unknown') throw new AppError('LISTENING_WEBSUB_GONE', 'No subscription has this callback.');
      if (outcome.outcome === 'dropped') request.log.warn({ campaign, reason: outcome.reason }, 'listening: websub delivery dropped');
      else request.log.info({ campaign, caught: outcome.caught, added: outcome.added }, 'listening: websub delivery ingested');
      return reply.status(202).send(null);
    },
  );
};
