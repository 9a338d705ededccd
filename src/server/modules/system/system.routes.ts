// System routes: health, the OSDI-style API entry point and the development outbox.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { collection, DateTime, MAX_PER_PAGE, problems, Uuid } from '../../http/schemas.ts';
import { allModules } from '../index.ts';

/** The documentation of the relations: OSDI's (its published pages) and ours (the API document). */
export const OSDI_DOCS = 'https://opensupporter.github.io/osdi-docs/{rel}';
/** The OSDI version whose documents and helpers the API follows. */
export const OSDI_VERSION = '1.2.0';
/** The namespace of our identifiers (`relais:<id>`) and link relations (`relais:…`). */
export const OSDI_NAMESPACE = 'relais';

const Link = Type.Object({ href: Type.String(), title: Type.Optional(Type.String()) });
const Curie = Type.Object({ name: Type.String(), href: Type.String(), templated: Type.Boolean() });
export const EntryPointSchema = Type.Object({
  motd: Type.String(),
  vendor_name: Type.String(),
  product_name: Type.String(),
  osdi_version: Type.String(),
  max_pagesize: Type.Integer(),
  namespace: Type.String(),
  _links: Type.Object({ curies: Type.Array(Curie), self: Link }, { additionalProperties: Link }),
});

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
        response: { 200: EntryPointSchema },
      },
    },
    async () => {
      const base = app.deps.config.publicUrl;
      // Each module's collections and helpers come from its manifest (`links`), in the list's order.
      const links = Object.fromEntries(
        allModules()
          .flatMap((m) => m.links ?? [])
          .map((l) => [l.rel, { href: `${base}/api/v1${l.path}`, title: l.title }]),
      );
      return {
        motd: 'Bienvenue sur l’API de Relais. Welcome to the Relais API (OSDI).',
        vendor_name: 'Relais',
        product_name: 'Relais',
        osdi_version: OSDI_VERSION,
        max_pagesize: MAX_PER_PAGE,
        namespace: OSDI_NAMESPACE,
        _links: {
          curies: [
            { name: 'osdi', href: OSDI_DOCS, templated: true },
            { name: OSDI_NAMESPACE, href: `${base}/api/docs#{rel}`, templated: true },
          ],
          self: { href: `${base}/api/v1/`, title: 'This API entry point' },
          docs: { href: `${base}/api/docs`, title: 'Documentation (OpenAPI reader)' },
          ...links,
        },
      };
    },
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
