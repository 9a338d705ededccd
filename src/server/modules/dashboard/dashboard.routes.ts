// HTTP route of the home dashboard: real figures from the database, within the actor's scope.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { Nullable, problems, Uuid } from '../../http/schemas.ts';
import { JobSchema, listJobRuns } from '../jobs/index.ts';
import { responseReport } from '../listening/index.ts';
import { loadStages } from '../people/index.ts';
import { countLayers, countPeople, countPeopleByZone } from './dashboard.repo.ts';

const Stages = Type.Object({ curious: Type.Integer(), sympathizer: Type.Integer(), volunteer: Type.Integer(), activist: Type.Integer() });

export const DashboardSchema = Type.Object({
  scope: Type.Union([Type.Literal('campaign'), Type.Literal('zones')]),
  people_total: Type.Integer(),
  new_this_week: Type.Integer(),
  by_stage: Stages,
  /** The campaign's names of the stages (renamable in the settings), in ladder order. */
  stages: Type.Array(
    Type.Object({
      stage: Type.Union([Type.Literal('curious'), Type.Literal('sympathizer'), Type.Literal('volunteer'), Type.Literal('activist')]),
      label_fr: Type.String(),
      label_en: Type.String(),
    }),
  ),
  zones: Type.Array(Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), people_total: Type.Integer(), by_stage: Stages })),
  layers: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), zones_count: Type.Integer() })),
  recent_jobs: Type.Array(JobSchema),
  /** The week's figures of the listening inbox (the last 7 days); null without the right to read it. */
  listening_week: Nullable(
    Type.Object({
      mentions: Type.Integer({ description: 'mentions caught' }),
      handled: Type.Integer(),
      answered: Type.Integer(),
      answered_within_hour: Type.Integer(),
      answered_within_hour_day: Type.Integer({ description: 'of the mentions published 7:00–22:00, Paris time' }),
      answered_within_hour_night: Type.Integer({ description: 'of the mentions published 22:00–7:00, Paris time' }),
      median_response_minutes: Nullable(Type.Number()),
    }),
  ),
});

export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/dashboard',
    {
      schema: {
        tags: ['dashboard'],
        summary: 'Home figures: people per ladder stage and per zone',
        response: { 200: DashboardSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'dashboard:read');
      return inTenant(app, actor, async (trx) => {
        const people = await countPeople(trx, actor.zoneScope);
        const zones = await countPeopleByZone(trx, actor.zoneScope);
        const layers = await countLayers(trx);
        const stages = await loadStages(trx, actor.campaignId);
        const jobs = actor.permissions.has('jobs.read') ? await listJobRuns(trx, 5) : [];
        const readsListening = actor.scopes ? actor.scopes.has('listening:read') : actor.permissions.has('listening.read');
        const week = readsListening ? await responseReport(trx, new Date(Date.now() - 7 * 86_400_000)) : null;
        return {
          scope: actor.zoneScope ? ('zones' as const) : ('campaign' as const),
          people_total: people.total,
          new_this_week: people.newThisWeek,
          by_stage: people.byStage,
          stages: stages.map(({ stage, label_fr, label_en }) => ({ stage, label_fr, label_en })),
          zones,
          layers: layers.map((l) => ({ ...l, zones_count: Number(l.zones_count) })),
          recent_jobs: jobs,
          listening_week: week && {
            ...week.all,
            answered_within_hour_day: week.day.answered_within_hour,
            answered_within_hour_night: week.night.answered_within_hour,
          },
        };
      });
    },
  );
};
