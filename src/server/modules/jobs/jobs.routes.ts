// HTTP routes of background jobs: list, follow one, start the demo job.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { findJobRun, listJobRuns } from './jobs.repo.ts';

export const JobSchema = Type.Object({
  id: Uuid,
  kind: Type.String(),
  state: StringEnum(['queued', 'running', 'succeeded', 'failed'] as const),
  done: Type.Number(),
  total: Nullable(Type.Number()),
  message: Type.String(),
  error: Nullable(Type.String()),
  result: Type.Unknown(),
  created_at: DateTime,
  started_at: Nullable(DateTime),
  finished_at: Nullable(DateTime),
});

export const jobsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Recent background jobs with their progress',
        response: { 200: collection('jobs', JobSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'jobs:read');
      const jobs = await inTenant(app, actor, (trx) => listJobRuns(trx, 50));
      return { total_records: jobs.length, _embedded: { jobs } };
    },
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'One job and its progress',
        params: Type.Object({ id: Uuid }),
        response: { 200: JobSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'jobs:read');
      const job = await inTenant(app, actor, (trx) => findJobRun(trx, request.params.id));
      if (!job) throw notFound('job');
      return job;
    },
  );

  app.post(
    '/jobs/demo',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Start the demonstration job (counts people per stage in steps, with progress)',
        body: Type.Object({
          steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 5000 })),
        }),
        response: { 202: JobSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'jobs:write');
      const id = await app.deps.jobs.enqueue({
        campaignId: actor.campaignId,
        kind: 'demo.count',
        params: { steps: request.body.steps ?? 10, delay_ms: request.body.delay_ms ?? 150 },
        createdBy: actor.userId,
      });
      const job = await inTenant(app, actor, (trx) => findJobRun(trx, id));
      if (!job) throw new Error('job run vanished');
      return reply.status(202).send(job);
    },
  );
};
