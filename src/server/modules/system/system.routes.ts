// System routes: health, the OSDI-style API entry point and the development outbox.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { collection, DateTime, problems, Uuid } from '../../http/schemas.ts';

/** Collections the API serves, linked from the entry point (add a module's here when it lands). */
const COLLECTIONS: Record<string, string> = {
  'relais:session': '/api/v1/session',
  'relais:dashboard': '/api/v1/dashboard',
  'relais:zone_layers': '/api/v1/zone_layers',
  'relais:zones': '/api/v1/zones',
  'relais:members': '/api/v1/members',
  'relais:api_tokens': '/api/v1/api_tokens',
  'relais:audit_events': '/api/v1/audit_events',
  'relais:jobs': '/api/v1/jobs',
  'osdi:people': '/api/v1/people',
  'osdi:tags': '/api/v1/tags',
  'osdi:lists': '/api/v1/lists',
  'relais:custom_fields': '/api/v1/custom_fields',
  'relais:ladder': '/api/v1/ladder',
  'relais:segments': '/api/v1/segments',
};
/** The development outbox: whether it is in use, and the e-mails it caught. */
export const OutboxSchema = Type.Intersect([
  Type.Object({ enabled: Type.Boolean() }),
  collection(
    'messages',
    Type.Object({ id: Uuid, to_address: Type.String(), subject: Type.String(), text_body: Type.String(), created_at: DateTime }),
  ),
]);

export const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1',
    {
      schema: {
        tags: ['system'],
        summary: 'API entry point (OSDI-style AEP) with links to the collections',
        response: {
          200: Type.Object({
            motd: Type.String(),
            vendor_name: Type.String(),
            product_name: Type.String(),
            osdi_version: Type.String(),
            max_pagesize: Type.Integer(),
            _links: Type.Record(Type.String(), Type.Object({ href: Type.String(), title: Type.Optional(Type.String()) })),
          }),
        },
      },
    },
    async () => ({
      motd: 'Relais API',
      vendor_name: 'Relais',
      product_name: 'Relais',
      osdi_version: '1.1',
      max_pagesize: 500,
      _links: {
        self: { href: `${app.deps.config.publicUrl}/api/v1` },
        docs: { href: `${app.deps.config.publicUrl}/api/docs`, title: 'OpenAPI reader' },
        ...Object.fromEntries(Object.entries(COLLECTIONS).map(([rel, path]) => [rel, { href: `${app.deps.config.publicUrl}${path}` }])),
      },
    }),
  );

  app.get(
    '/api/v1/dev_outbox',
    {
      schema: {
        tags: ['system'],
        summary: 'Development outbox: e-mails captured when no SMTP relay is configured',
        response: {
          200: OutboxSchema,
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'outbox.read');
      const enabled = app.deps.mailer.kind === 'outbox';
      // Account mail (resets) has no campaign; show it with the campaign's own mail to its admins.
      const messages = enabled
        ? await app.deps.database.db
            .selectFrom('dev_outbox')
            .select(['id', 'to_address', 'subject', 'text_body', 'created_at'])
            .where((eb) => eb.or([eb('campaign_id', '=', actor.campaignId), eb('campaign_id', 'is', null)]))
            .orderBy('created_at', 'desc')
            .limit(100)
            .execute()
        : [];
      return { enabled, total_records: messages.length, _embedded: { messages } };
    },
  );
};

/** The health route, registered outside /api so that load balancers need no credentials. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['system'],
        summary: 'Health of the server and its database',
        response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }), ...problems(503) },
      },
    },
    async (_request, reply) => {
      if (!(await app.health.healthy())) throw new AppError('SERVICE_UNAVAILABLE', 'The database does not answer.');
      return reply.type('application/json').send(app.health.body as never);
    },
  );
};
