// HTTP routes of the ladder: stage labels and promotion rules, and the weekly funnel report.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { ladderFunnel } from './funnel.ts';
import { loadRules, loadStages, saveLadder } from './ladder.ts';
import { Stage } from './people.schemas.ts';

const StageLabelSchema = Type.Object({ stage: Stage, label_fr: Type.String(), label_en: Type.String(), position: Type.Integer() });
const Condition = Type.Object({
  type: Type.String({ minLength: 1, maxLength: 80 }),
  min_count: Type.Integer({ minimum: 1, maximum: 1000 }),
});
const ToStage = StringEnum(['sympathizer', 'volunteer', 'activist'] as const);
const RuleSchema = Type.Object({
  id: Uuid,
  to_stage: ToStage,
  conditions: Type.Array(Condition),
  description: Type.String(),
  enabled: Type.Boolean(),
});
export const LadderSchema = Type.Object({
  stages: Type.Array(StageLabelSchema),
  rules: Type.Array(RuleSchema),
  default_rules: Type.Boolean(),
});
const StageCounts = Type.Object({
  curious: Type.Integer(),
  sympathizer: Type.Integer(),
  volunteer: Type.Integer(),
  activist: Type.Integer(),
});
export const FunnelWeekSchema = Type.Object({
  week: Type.String(),
  start: Type.String(),
  stages: StageCounts,
  conversions: Type.Array(Type.Object({ from: Type.Union([Stage, Type.Null()]), to: Stage, count: Type.Integer() })),
});
export const FunnelSchema = Type.Object({
  weeks: Type.Array(FunnelWeekSchema),
  zones: Type.Array(Type.Object({ id: Uuid, code: Type.String(), name: Type.String(), weeks: Type.Array(FunnelWeekSchema) })),
});
export const LadderInputSchema = Type.Object({
  stages: Type.Optional(
    Type.Array(
      Type.Object({
        stage: Stage,
        label_fr: Type.String({ minLength: 1, maxLength: 60 }),
        label_en: Type.String({ minLength: 1, maxLength: 60 }),
      }),
      { maxItems: 4 },
    ),
  ),
  rules: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.Optional(Uuid),
        to_stage: ToStage,
        conditions: Type.Array(Condition, { minItems: 1, maxItems: 10 }),
        description: Type.Optional(Type.String({ maxLength: 300 })),
        enabled: Type.Optional(Type.Boolean()),
      }),
      { maxItems: 50 },
    ),
  ),
});

export const ladderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['ladder'];
  const ladderOf = async (trx: Trx, campaignId: string) => {
    const [stages, { rules, defaults }] = [await loadStages(trx, campaignId), await loadRules(trx, campaignId)];
    return { stages, rules, default_rules: defaults };
  };

  app.get(
    '/ladder',
    { schema: { tags, summary: 'Stage labels and promotion rules', response: { 200: LadderSchema, ...problems(401, 403) } } },
    async (request) => {
      const actor = requireActor(request, 'ladder:read');
      return inTenant(app, actor, (trx) => ladderOf(trx, actor.campaignId));
    },
  );

  app.put(
    '/ladder',
    {
      schema: {
        tags,
        summary: 'Edit stage labels and/or replace the promotion rules (rules: [] returns to the default rules)',
        body: LadderInputSchema,
        response: { 200: LadderSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'users.manage');
      const b = request.body;
      return inTenant(app, actor, async (trx) => {
        await saveLadder(trx, actor.campaignId, {
          ...(b.stages ? { stages: b.stages } : {}),
          ...(b.rules ? { rules: b.rules.map((r) => ({ ...r, description: r.description ?? '', enabled: r.enabled ?? true })) } : {}),
        });
        return ladderOf(trx, actor.campaignId);
      });
    },
  );

  app.get(
    '/ladder/funnel',
    {
      schema: {
        tags,
        summary: 'People per stage at the end of each ISO week, conversions per week, per arrondissement (zones of the top layer)',
        querystring: Type.Object({ weeks: Type.Integer({ minimum: 1, maximum: 104, default: 12 }), zone_id: Type.Optional(Uuid) }),
        response: {
          200: FunnelSchema,
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'ladder:read');
      const { weeks, zone_id } = request.query;
      return inTenant(app, actor, async (trx) => {
        if (zone_id) {
          const zone = await trx
            .selectFrom('zone')
            .select('id')
            .where('campaign_id', '=', actor.campaignId)
            .where('id', '=', zone_id)
            .executeTakeFirst();
          if (!zone) throw notFound('zone');
        }
        return ladderFunnel(trx, actor, { weeks, zoneId: zone_id });
      });
    },
  );
};
