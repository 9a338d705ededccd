// buildApp: the Fastify application, with every module's routes from the ONE list of modules (modules/index.ts).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { authPlugin, withoutQueryToken } from './http/auth.ts';
import { apiUrlWithoutTrailingSlash, labelHalAnswer } from './http/hal.ts';
import { openLocalCliChannelOnListen } from './http/local-cli.ts';
import { problemOf, registerProblemHandlers, sendFrameworkProblem } from './http/problem.ts';
import { tokenRateLimitPlugin } from './http/rate-limit.ts';
import { ProblemSchema } from './http/schemas.ts';
import { computeSecurityHeaders } from './http/security-headers.ts';
import { AJV_OPTIONS, registerJsonBodyLimits, validatorsFactory } from './http/validators.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Mailer } from './mail/mailer.ts';
import { openActorDirectory } from './modules/identity/index.ts';
import { allModules } from './modules/index.ts';
import { createHealthCheck, type HealthCheck, healthRoutes } from './modules/system/index.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  mailer: Mailer;
  jobs: JobQueue;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    health: HealthCheck;
  }
}

/** Builds the HTTP application over its dependencies (nothing listens yet). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const health = createHealthCheck(deps.database);
  const securityHeaders = computeSecurityHeaders();
  const app = Fastify({
    // Load balancers probe /healthz many times a second: a healthy answer is written before
    // routing, with the same headers the route would send. Anything else goes to Fastify.
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (req.url === '/healthz' && req.method === 'GET') answerHealthFast(health, securityHeaders, req, res, handler);
        else handler(req, res);
      }),
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel },
    // One line per request, written by the onResponse hook below (health probes left out).
    logController: new LogController({ disableRequestLogging: true }),
    // X-Forwarded-For only from the deployment's own proxies: rate limits and audit use request.ip.
    trustProxy: config.trustProxy === false ? false : [...config.trustProxy],
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    // OSDI writes its URLs with a trailing slash (`/api/v1/people/`): the API routes them alike.
    rewriteUrl: (req) => apiUrlWithoutTrailingSlash(req.url ?? '/'),
    genReqId: () => randomUUID(),
    ajv: { customOptions: AJV_OPTIONS },
    schemaController: { compilersFactory: { buildValidator: validatorsFactory() } },
    // A path that does not decode or is too long is refused before the hooks: a problem document,
    // with the headers every response carries.
    frameworkErrors: (error, request, reply) => {
      reply.headers(securityHeaders);
      reply.header('x-request-id', request.id);
      sendFrameworkProblem(error, request, reply);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('deps', deps);
  app.decorate('health', health);
  // This instance's actor look-ups and token cache, listening to token changes until the app closes.
  const directory = await openActorDirectory(deps.database);
  app.decorate('actorDirectory', directory);
  app.addHook('onClose', () => directory.close());
  openLocalCliChannelOnListen(app);
  app.addSchema(ProblemSchema);
  registerProblemHandlers(
    app,
    allModules().flatMap((m) => (m.errors ? [m.errors] : [])),
  );
  registerJsonBodyLimits(app);

  // One hook for what every response carries: security headers (computed once) and the request id.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(securityHeaders);
    reply.header('x-request-id', request.id);
    done();
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Relais API',
        version: '1',
        description: 'Campaign and civic-organizing platform. Authenticate with `Authorization: Bearer rl_…` or `OSDI-API-Token: rl_…`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          osdi: { type: 'apiKey', in: 'header', name: 'OSDI-API-Token' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'relais_session' },
        },
      },
      security: [{ bearer: [] }, { osdi: [] }, { cookie: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);
  // Everything else sits behind cookies, sessions/tokens and rate limits, in one encapsulated scope.
  await app.register(async (scope) => {
    // One log line per request (the health probe, outside this scope, is not logged).
    scope.addHook('onResponse', (request, reply, done) => {
      if (reply.statusCode >= 500) request.log.error({ url: withoutQueryToken(request.url), status: reply.statusCode }, 'request failed');
      else {
        request.log.info(
          { method: request.method, url: withoutQueryToken(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
          'request',
        );
      }
      done();
    });
    // HAL+JSON for the clients that ask for it (OSDI).
    scope.addHook('onSend', labelHalAnswer);
    await scope.register(cookie);
    await scope.register(formbody);
    await scope.register(rateLimit, { global: false });
    await scope.register(authPlugin, { directory });
    await scope.register(tokenRateLimitPlugin, { defaultPerMinute: config.apiTokenRateLimit });
    // Every module's routes, from the one list of modules (modules/index.ts).
    for (const { prefix, plugin } of allModules().flatMap((m) => m.routes ?? [])) await scope.register(plugin, { prefix });
    await registerWebApp(scope, config.webDistDir);
  });
  return app;
}

/** The health probe's fast path: the route's exact answer when healthy, the route itself otherwise. */
function answerHealthFast(
  health: HealthCheck,
  securityHeaders: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): void {
  health.healthy().then(
    (ok) => {
      if (!ok) return handler(req, res);
      const requestId = req.headers['x-request-id'];
      res.writeHead(200, {
        ...securityHeaders,
        'x-request-id': typeof requestId === 'string' && requestId ? requestId : randomUUID(),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(health.body),
      });
      res.end(health.body);
    },
    () => handler(req, res),
  );
}

/**
 * Serves the built back office at /app/: files as they are on disk (a rebuild needs no restart),
 * and index.html for every other /app path so the client router can take it.
 */
async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.get('/app/*', async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('Back office not built: run `npm run build:web` (npm start does it).'),
    );
    return;
  }
  app.get('/app', async (_request, reply) => reply.redirect('/app/'));
  await app.register(
    async (web) => {
      await web.register(fastifyStatic, { root: distDir, prefix: '/', wildcard: true, index: ['index.html'] });
      web.setNotFoundHandler((request, reply) => {
        // A missing hashed asset is a real 404, not the app shell.
        if (request.url.startsWith('/app/assets/')) {
          return reply
            .status(404)
            .type('application/problem+json')
            .send(problemOf('ROUTE_NOT_FOUND', `No file ${request.url}.`));
        }
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      });
    },
    { prefix: '/app' },
  );
}
