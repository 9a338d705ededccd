// The operator's sandbox routes, for `relais sandbox` while a server holds the embedded database:
// only the local CLI channel (the operator at the machine) may call them. Hidden from the API
// document: no API token or session can use them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { acceptLocalCliRequests, isLocalCliActor } from '../../http/local-cli.ts';
import { AppError } from '../../http/problem.ts';
import { NoContent } from '../../http/schemas.ts';
import { createSandbox, removeSandbox } from './sandbox.ts';

export const SandboxInput = Type.Object({
  people: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  synthetic: Type.Optional(Type.Boolean()),
});

export const SandboxSchema = Type.Object({
  slug: Type.String(),
  campaign_id: Type.String(),
  token: Type.String(),
  scopes: Type.Array(Type.String()),
  api_url: Type.String(),
  people: Type.Integer(),
  synthetic: Type.Boolean(),
  remove_command: Type.String(),
});

function requireOperator(request: FastifyRequest): void {
  if (!isLocalCliActor(request.actor)) {
    throw new AppError('SANDBOX_OPERATOR_ONLY', 'Sandboxes are made and removed by the operator: run `relais sandbox` on the server.');
  }
}

export const sandboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  acceptLocalCliRequests(app);
  app.post('/sandboxes', { schema: { hide: true, body: SandboxInput, response: { 201: SandboxSchema } } }, async (request, reply) => {
    requireOperator(request);
    const sandbox = await createSandbox(app.deps, {
      ...(request.body.people ? { peopleCount: request.body.people } : {}),
      ...(request.body.synthetic ? { synthetic: true } : {}),
    });
    return reply.status(201).send(sandbox);
  });
  app.delete(
    '/sandboxes/:slug',
    { schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 100 }) }), response: { 204: NoContent } } },
    async (request, reply) => {
      requireOperator(request);
      await removeSandbox(app.deps, request.params.slug);
      return reply.status(204).send(null);
    },
  );
};
