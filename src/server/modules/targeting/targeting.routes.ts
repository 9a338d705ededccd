// HTTP routes of targeting: what a score can be made of, score definitions (computed when saved),
// their ranked zones with explanations, the choropleth's GeoJSON, and the zones picked as targets.
// A referent sees and picks only their zones; buildings' scores are written within them.
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { type Static, Type } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { type AreaGeometry, indicatorDefinition, zoneDescendants } from '../territory/index.ts';
import { lightGeometry } from './map-geometry.ts';
import {
  ELECTION_METRIC_WORDS,
  ELECTION_METRICS,
  type ElectionMetric,
  PRESET_DEFINITIONS,
  PRESETS,
  type Preset,
  type Words,
} from './presets.ts';
import { DIRECTIONS, type Ingredient } from './score.ts';
import { electionCandidates, indicatorNamesByLayer, layersByCode, listElections } from './targeting.repo.ts';
import { checkDefinition, computeAndStore } from './targeting.service.ts';

const WordsSchema = Type.Object({ fr: Type.String(), en: Type.String() });
const IngredientSchema = Type.Object({
  metric: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'abstention, side_share, favourable_abstention, closeness or indicator:<name>',
  }),
  weight: Type.Number({ minimum: 0, maximum: 100 }),
  direction: StringEnum(DIRECTIONS),
});

export const TargetScoreSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  layer: Type.String(),
  layer_name: Type.String(),
  within: Nullable(Type.Object({ id: Uuid, name: Type.String() }, { description: 'only the zones inside this one were scored' })),
  preset: Nullable(StringEnum(PRESETS)),
  election: Nullable(Type.String()),
  round: Nullable(Type.Integer()),
  side: Type.Array(Type.String()),
  ingredients: Type.Array(IngredientSchema),
  zones_count: Type.Integer(),
  computed_at: Nullable(DateTime),
  created_at: DateTime,
});

export const ScoreInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 120 }),
  layer: Type.String({ minLength: 1, maxLength: 40 }),
  within: Type.Optional(Nullable(Uuid)),
  preset: Type.Optional(Nullable(StringEnum(PRESETS))),
  election: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 80 }))),
  round: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3 }))),
  side: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 })),
  ingredients: Type.Optional(Type.Array(IngredientSchema, { maxItems: 12 })),
});
export const ScorePatch = Type.Partial(Type.Omit(ScoreInput, ['layer', 'within']));

const ExplanationSchema = Type.Object({
  metric: Type.String(),
  label: WordsSchema,
  value: Nullable(Type.Number()),
  normalised: Nullable(Type.Number()),
  weight: Type.Number(),
  contribution: Type.Number({ description: 'points of the 0–100 score' }),
  interpolated_from: Nullable(Type.String({ description: 'the layer the value was interpolated from (dwellings per address)' })),
});

export const TargetZoneScoreSchema = Type.Object({
  zone_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  score: Type.Number(),
  rank: Type.Integer(),
  priority: Type.Integer({ minimum: 1, maximum: 5 }),
  interpolated: Type.Boolean(),
  picked: Type.Boolean(),
  explanation: Type.Array(ExplanationSchema),
});

export const OptionsSchema = Type.Object({
  presets: Type.Array(
    Type.Object({
      id: StringEnum(PRESETS),
      label: WordsSchema,
      description: WordsSchema,
      needs_election: Type.Boolean(),
      ingredients: Type.Array(IngredientSchema),
    }),
  ),
  metrics: Type.Array(
    Type.Object({
      id: Type.String(),
      label: WordsSchema,
      kind: StringEnum(['election', 'indicator'] as const),
      needs_side: Type.Boolean(),
      source_layer: Nullable(Type.String()),
    }),
  ),
  elections: Type.Array(
    Type.Object({
      code: Type.String(),
      round: Type.Integer(),
      label: Type.String(),
      candidates: Type.Array(Type.Object({ name: Type.String(), nuance: Type.String() })),
    }),
  ),
  layers: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
});

export const TargetMapSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  interpolated_from: Type.Array(Type.String({ description: 'layers some values were interpolated from' })),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Uuid,
      properties: Type.Object({
        code: Type.String(),
        name: Type.String(),
        score: Type.Number(),
        rank: Type.Integer(),
        priority: Type.Integer({ minimum: 1, maximum: 5 }),
        picked: Type.Boolean(),
      }),
      geometry: Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, simplified (~3 m) and rounded to 5 decimals' }),
    }),
  ),
});

export const TargetsSchema = Type.Object({ zone_ids: Type.Array(Uuid) });

const IdParams = Type.Object({ id: Uuid });

interface ScoreRow {
  id: string;
  name: string;
  layer_id: string;
  within_zone_id: string | null;
  preset: string | null;
  election: string | null;
  round: number | null;
  side: string[];
  ingredients: unknown;
  computed_at: Date | null;
  created_at: Date;
}

function metricLabel(metric: string): Words {
  if ((ELECTION_METRICS as readonly string[]).includes(metric)) return ELECTION_METRIC_WORDS[metric as ElectionMetric].label;
  return indicatorDefinition(metric.replace(/^indicator:/, '')).label;
}

async function findScore(trx: Kysely<DB>, id: string): Promise<ScoreRow> {
  const row = await trx.selectFrom('target_score').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('target score');
  return row as ScoreRow;
}

async function present(trx: Kysely<DB>, row: ScoreRow) {
  const layers = [...(await layersByCode(trx)).values()];
  const layer = layers.find((l) => l.id === row.layer_id);
  const count = await trx
    .selectFrom('target_score_zone')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('score_id', '=', row.id)
    .executeTakeFirstOrThrow();
  const within = row.within_zone_id
    ? await trx.selectFrom('zone').select(['id', 'name']).where('id', '=', row.within_zone_id).executeTakeFirst()
    : undefined;
  return {
    id: row.id,
    name: row.name,
    layer: layer?.code ?? '',
    layer_name: layer?.name ?? '',
    within: within ?? null,
    preset: (row.preset as Preset | null) ?? null,
    election: row.election,
    round: row.round,
    side: row.side,
    ingredients: row.ingredients as Ingredient[],
    zones_count: Number(count.n),
    computed_at: row.computed_at,
    created_at: row.created_at,
  };
}

/** Zones the actor may see (null: all). */
async function visibleZones(trx: Kysely<DB>, actor: TenantActor): Promise<Set<string> | null> {
  return actor.zoneScope ? new Set(await zoneDescendants(trx, actor.zoneScope)) : null;
}

function audit(
  trx: Kysely<DB>,
  request: FastifyRequest,
  actor: TenantActor,
  action: string,
  targetId: string,
  details: Record<string, unknown>,
) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: null,
      targetId,
      ip: request.ip ?? null,
      details,
    },
  ]);
}

async function recompute(trx: Kysely<DB>, actor: TenantActor, row: ScoreRow) {
  const scope = actor.zoneScope ? [...((await visibleZones(trx, actor)) as Set<string>)] : null;
  const def = {
    id: row.id,
    layerId: row.layer_id,
    withinZoneId: row.within_zone_id,
    election: row.election,
    round: row.round,
    side: row.side,
    ingredients: row.ingredients as Ingredient[],
  };
  return computeAndStore(trx, actor.campaignId, def, scope);
}

/** Serialized maps by (campaign, score, computed_at, picks, scope): a few, most recent last. */
const mapCache = new Map<string, { json: Buffer; gz: Buffer | null }>();
const MAP_CACHE_ENTRIES = 16;

/** The choropleth's GeoJSON: the score's zones (those visible) with light shapes and their figures. */
async function mapDocument(trx: Kysely<DB>, scoreId: string, visible: Set<string> | null) {
  const rows = await trx
    .selectFrom('target_score_zone as s')
    .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 's.campaign_id').onRef('z.id', '=', 's.zone_id'))
    .leftJoin('target_zone as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.zone_id', '=', 's.zone_id'))
    .select(['s.zone_id', 'z.code', 'z.name', 'z.geometry', 's.score', 's.rank', 's.priority', 't.zone_id as picked'])
    .where('s.score_id', '=', scoreId)
    .execute();
  const from = new Set<string>();
  const explanations = await trx
    .selectFrom('target_score_zone')
    .select('explanation')
    .where('score_id', '=', scoreId)
    .limit(1)
    .executeTakeFirst();
  for (const e of (explanations?.explanation as Array<{ interpolated_from: string | null }> | undefined) ?? [])
    if (e.interpolated_from) from.add(e.interpolated_from);
  return {
    type: 'FeatureCollection' as const,
    interpolated_from: [...from],
    features: rows
      .filter((r) => !visible || visible.has(r.zone_id))
      .map((r) => ({
        type: 'Feature',
        id: r.zone_id,
        properties: {
          code: r.code,
          name: r.name,
          score: Math.round(r.score * 10) / 10,
          rank: r.rank,
          priority: r.priority,
          picked: r.picked !== null,
        },
        geometry: lightGeometry(r.geometry as AreaGeometry),
      })),
  };
}

export const targetingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/targeting/options',
    {
      schema: {
        tags: ['targeting'],
        summary:
          'What a score can be made of on a layer: presets, election metrics, indicators (with the layer they are read on), elections and their candidates',
        querystring: Type.Object({ layer: Type.String({ minLength: 1, maxLength: 40 }) }),
        response: { 200: OptionsSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:read');
      return inTenant(app, actor, async (trx) => {
        const layers = await layersByCode(trx);
        const layer = layers.get(request.query.layer);
        if (!layer) throw notFound('zone layer');
        const codeOf = new Map([...layers.values()].map((l) => [l.id, l.code] as const));
        const names = await indicatorNamesByLayer(trx);
        const indicators = new Map<string, { layer: string; zones: number }>();
        for (const n of names) {
          const best = indicators.get(n.name);
          const own = n.layer_id === layer.id;
          if (!best || own || (best.layer !== layer.id && n.zones > best.zones))
            indicators.set(n.name, { layer: n.layer_id, zones: n.zones });
        }
        const elections = await listElections(trx);
        return {
          presets: PRESETS.map((id) => ({
            id,
            label: PRESET_DEFINITIONS[id].label,
            description: PRESET_DEFINITIONS[id].description,
            needs_election: PRESET_DEFINITIONS[id].needsElection,
            ingredients: PRESET_DEFINITIONS[id].ingredients,
          })),
          metrics: [
            ...ELECTION_METRICS.map((id) => ({
              id,
              label: ELECTION_METRIC_WORDS[id].label,
              kind: 'election' as const,
              needs_side: ELECTION_METRIC_WORDS[id].needsSide,
              source_layer: null,
            })),
            ...[...indicators].map(([name, v]) => ({
              id: `indicator:${name}`,
              label: indicatorDefinition(name).label,
              kind: 'indicator' as const,
              needs_side: false,
              source_layer: v.layer === layer.id ? null : (codeOf.get(v.layer) ?? null),
            })),
          ],
          elections: await Promise.all(
            elections.map(async (e) => ({
              code: e.code,
              round: e.round,
              label: e.label,
              candidates: await electionCandidates(trx, e.code, e.round),
            })),
          ),
          layers: [...layers.values()].map((l) => ({ code: l.code, name: l.name })),
        };
      });
    },
  );

  app.get(
    '/target_scores',
    {
      schema: {
        tags: ['targeting'],
        summary: "The campaign's target scores",
        response: { 200: collection('target_scores', TargetScoreSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:read');
      return inTenant(app, actor, async (trx) => {
        const rows = (await trx.selectFrom('target_score').selectAll().orderBy('created_at', 'desc').limit(200).execute()) as ScoreRow[];
        const scores = [];
        for (const r of rows) scores.push(await present(trx, r));
        return { total_records: scores.length, _embedded: { target_scores: scores } };
      });
    },
  );

  app.post(
    '/target_scores',
    {
      schema: {
        tags: ['targeting'],
        summary: 'Saves a score definition (from a preset or weights) and computes it for every zone of its layer',
        body: ScoreInput,
        response: { 201: TargetScoreSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'targeting:write');
      const body = request.body;
      const ingredients = body.ingredients ?? (body.preset ? PRESET_DEFINITIONS[body.preset].ingredients : []);
      const def = { election: body.election ?? null, round: body.round ?? null, side: body.side ?? [], ingredients };
      checkDefinition(def);
      const created = await inTenant(app, actor, async (trx) => {
        const layer = (await layersByCode(trx)).get(body.layer);
        if (!layer) throw new AppError('TARGETING_LAYER_UNKNOWN', `No layer ${body.layer} in the territory.`);
        if (body.within) {
          const zone = await trx.selectFrom('zone').select('id').where('id', '=', body.within).executeTakeFirst();
          if (!zone) throw notFound('zone');
        }
        const id = uuidv7();
        await trx
          .insertInto('target_score')
          .values({
            campaign_id: actor.campaignId,
            id,
            name: body.name,
            layer_id: layer.id,
            within_zone_id: body.within ?? null,
            preset: body.preset ?? null,
            election: def.election,
            round: def.round,
            side: [...def.side],
            ingredients: JSON.stringify(ingredients),
            created_by: actor.userId,
          })
          .execute();
        const row = await findScore(trx, id);
        const result = await recompute(trx, actor, row);
        await audit(trx, request, actor, 'targeting.score_saved', id, { name: body.name, layer: body.layer, ...result });
        return present(trx, await findScore(trx, id));
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/target_scores/:id',
    {
      schema: {
        tags: ['targeting'],
        summary: 'One target score',
        params: IdParams,
        response: { 200: TargetScoreSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:read');
      return inTenant(app, actor, async (trx) => present(trx, await findScore(trx, request.params.id)));
    },
  );

  app.patch(
    '/target_scores/:id',
    {
      schema: {
        tags: ['targeting'],
        summary: 'Changes a score (name, weights, election, side) and computes it again',
        params: IdParams,
        body: ScorePatch,
        response: { 200: TargetScoreSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:write');
      return inTenant(app, actor, async (trx) => {
        const row = await findScore(trx, request.params.id);
        const b = request.body;
        const next: ScoreRow = {
          ...row,
          name: b.name ?? row.name,
          preset: b.preset !== undefined ? b.preset : row.preset,
          election: b.election !== undefined ? b.election : row.election,
          round: b.round !== undefined ? b.round : row.round,
          side: b.side ?? row.side,
          ingredients: b.ingredients ?? (b.preset ? PRESET_DEFINITIONS[b.preset].ingredients : row.ingredients),
        };
        checkDefinition({ election: next.election, round: next.round, side: next.side, ingredients: next.ingredients as Ingredient[] });
        await trx
          .updateTable('target_score')
          .set({
            name: next.name,
            preset: next.preset,
            election: next.election,
            round: next.round,
            side: next.side,
            ingredients: JSON.stringify(next.ingredients),
            updated_at: new Date(),
          })
          .where('id', '=', row.id)
          .execute();
        const result = await recompute(trx, actor, next);
        await audit(trx, request, actor, 'targeting.score_saved', row.id, { name: next.name, ...result });
        return present(trx, await findScore(trx, row.id));
      });
    },
  );

  app.delete(
    '/target_scores/:id',
    {
      schema: {
        tags: ['targeting'],
        summary: 'Deletes a score (its picked zones stay targets)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'targeting:write');
      await inTenant(app, actor, async (trx) => {
        const row = await findScore(trx, request.params.id);
        if (actor.zoneScope) throw new AppError('FORBIDDEN', 'Only organizers delete a score shared by every zone.');
        await trx.deleteFrom('target_score').where('id', '=', row.id).execute();
        await audit(trx, request, actor, 'targeting.score_deleted', row.id, { name: row.name });
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/target_scores/:id/zones',
    {
      schema: {
        tags: ['targeting'],
        summary: "A score's zones, best first, each with its priority (P1–P5, quintiles) and its explanation; a referent gets their zones",
        params: IdParams,
        response: { 200: collection('zones', TargetZoneScoreSchema), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:read');
      return inTenant(app, actor, async (trx) => {
        const score = await findScore(trx, request.params.id);
        const visible = await visibleZones(trx, actor);
        const rows = await trx
          .selectFrom('target_score_zone as s')
          .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 's.campaign_id').onRef('z.id', '=', 's.zone_id'))
          .leftJoin('target_zone as t', (j) => j.onRef('t.campaign_id', '=', 's.campaign_id').onRef('t.zone_id', '=', 's.zone_id'))
          .select([
            's.zone_id',
            'z.code',
            'z.name',
            's.score',
            's.rank',
            's.priority',
            's.interpolated',
            's.explanation',
            't.zone_id as picked',
          ])
          .where('s.score_id', '=', score.id)
          .orderBy('s.rank')
          .execute();
        const zones = rows
          .filter((r) => !visible || visible.has(r.zone_id))
          .map((r) => ({
            zone_id: r.zone_id,
            code: r.code,
            name: r.name,
            score: r.score,
            rank: r.rank,
            priority: r.priority,
            interpolated: r.interpolated,
            picked: r.picked !== null,
            explanation: (r.explanation as ExplanationRow[]).map((e) => ({ ...e, label: metricLabel(e.metric) })),
          }));
        return { total_records: zones.length, _embedded: { zones } };
      });
    },
  );

  app.get(
    '/target_scores/:id/map',
    {
      schema: {
        tags: ['targeting'],
        summary:
          "The choropleth: a GeoJSON FeatureCollection of the score's zones (light shapes) with score, rank, priority and picked; gzipped when asked",
        params: IdParams,
        response: { 200: TargetMapSchema, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'targeting:read');
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      const sent = await inTenant(app, actor, async (trx) => {
        const score = await findScore(trx, request.params.id);
        const visible = await visibleZones(trx, actor);
        // The document changes only when the score is computed again or its picks change: its
        // serialized (and gzipped) bytes are kept per version, so a warm map reads no shape.
        const picks = await trx
          .selectFrom('target_zone')
          .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.max('picked_at').as('last')])
          .where('score_id', '=', score.id)
          .executeTakeFirstOrThrow();
        const key = [
          actor.campaignId,
          score.id,
          score.computed_at?.toISOString() ?? '',
          picks.n,
          picks.last ? new Date(picks.last).toISOString() : '',
          actor.zoneScope ? [...actor.zoneScope].sort().join(',') : '*',
        ].join('|');
        const cached = mapCache.get(key);
        if (cached) {
          mapCache.delete(key);
          mapCache.set(key, cached);
        }
        const entry = cached ?? { json: Buffer.from(JSON.stringify(await mapDocument(trx, score.id, visible))), gz: null as Buffer | null };
        if (!cached) {
          mapCache.set(key, entry);
          if (mapCache.size > MAP_CACHE_ENTRIES) mapCache.delete(mapCache.keys().next().value as string);
        }
        if (gzip) entry.gz ??= gzipSync(entry.json, { level: 6 });
        return gzip ? (entry.gz as Buffer) : entry.json;
      });
      // Sent as bytes (a Buffer skips the schema's serializer), gzipped when the client accepts it:
      // the server has no compression layer, and the map is the one large document of the screen.
      reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding');
      if (gzip) reply.header('content-encoding', 'gzip');
      return reply.send(sent as unknown as Static<typeof TargetMapSchema>);
    },
  );

  app.put(
    '/target_scores/:id/targets',
    {
      schema: {
        tags: ['targeting'],
        summary: 'Picks the target zones of a score (replaces its picks; a referent picks within their zones)',
        params: IdParams,
        body: Type.Object({ zone_ids: Type.Array(Uuid, { maxItems: 2000, uniqueItems: true }) }),
        response: { 200: TargetsSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:write');
      return inTenant(app, actor, async (trx) => {
        const score = await findScore(trx, request.params.id);
        const visible = await visibleZones(trx, actor);
        const ids = request.body.zone_ids;
        if (ids.length > 0) {
          const zones = await trx.selectFrom('zone').select(['id', 'layer_id']).where('id', 'in', ids).execute();
          if (zones.length !== ids.length || zones.some((z) => z.layer_id !== score.layer_id))
            throw new AppError('TARGETING_ZONE_NOT_IN_LAYER', 'Pick zones of the score’s layer.');
          if (visible && ids.some((id) => !visible.has(id)))
            throw new AppError('TARGETING_ZONE_OUT_OF_SCOPE', 'You can pick only zones of your own.');
        }
        let remove = trx.deleteFrom('target_zone').where('score_id', '=', score.id);
        if (visible) remove = remove.where('zone_id', 'in', [...visible]);
        await remove.execute();
        if (ids.length > 0)
          await trx
            .insertInto('target_zone')
            .values(ids.map((zone_id) => ({ campaign_id: actor.campaignId, zone_id, score_id: score.id, picked_by: actor.userId })))
            .onConflict((oc) =>
              oc.columns(['campaign_id', 'zone_id']).doUpdateSet({ score_id: score.id, picked_by: actor.userId, picked_at: new Date() }),
            )
            .execute();
        await audit(trx, request, actor, 'targeting.targets_picked', score.id, { zones: ids.length });
        const rows = await trx.selectFrom('target_zone').select('zone_id').where('score_id', '=', score.id).execute();
        return { zone_ids: rows.map((r) => r.zone_id).filter((id) => !visible || visible.has(id)) };
      });
    },
  );

  app.get(
    '/target_zones',
    {
      schema: {
        tags: ['targeting'],
        summary: 'Zones picked as targets (turfs are cut from them); a referent gets their zones',
        response: {
          200: collection(
            'target_zones',
            Type.Object({
              zone_id: Uuid,
              code: Type.String(),
              name: Type.String(),
              layer: Type.String(),
              score_id: Nullable(Uuid),
              picked_at: DateTime,
            }),
          ),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'targeting:read');
      return inTenant(app, actor, async (trx) => {
        const visible = await visibleZones(trx, actor);
        const rows = await trx
          .selectFrom('target_zone as t')
          .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 't.campaign_id').onRef('z.id', '=', 't.zone_id'))
          .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
          .select(['t.zone_id', 'z.code', 'z.name', 'l.code as layer', 't.score_id', 't.picked_at'])
          .orderBy('z.code')
          .execute();
        const zones = rows.filter((r) => !visible || visible.has(r.zone_id));
        return { total_records: zones.length, _embedded: { target_zones: zones } };
      });
    },
  );
};

type ExplanationRow = {
  metric: string;
  value: number | null;
  normalised: number | null;
  weight: number;
  contribution: number;
  interpolated_from: string | null;
};
