// HTTP routes of the territory: zone layers and zones with their indicators (read-only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { INDICATOR_FORMATS } from './indicator-catalogue.ts';
import { findZonesByIds, listLayers, listZones, zoneDescendants } from './territory.repo.ts';
import { ensureZoneCover } from './zone-cover.ts';
import { layerMetrics, layerMetricValues, METRIC_KINDS, VALUE_ORIGINS, zoneProfile } from './zone-metrics.ts';

export const LayerSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  source: Type.String(),
  licence: Type.String(),
  zones_count: Type.Integer(),
});

export const ZoneSchema = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  layer: Type.String(),
  parent_id: Nullable(Uuid),
  centroid: Type.Array(Type.Number()),
  indicators: Type.Record(Type.String(), Type.Number()),
  geometry: Type.Optional(Type.Unknown()),
});

const Words = Type.Object({ fr: Type.String(), en: Type.String() });

export const MetricSchema = Type.Object({
  id: Type.String({
    description: 'people, indicator:<name>, turnout:<election>:<round>, registered:…, share:<election>:<round>:<candidate>',
  }),
  kind: StringEnum(METRIC_KINDS),
  label: Words,
  unit: Nullable(Words),
  format: StringEnum(INDICATOR_FORMATS),
  group: Words,
  source_layer: Nullable(Type.String({ description: 'Layer the values are aggregated from, when not the one asked for' })),
});

export const MetricListSchema = Type.Object({ layer: Type.String(), metrics: Type.Array(MetricSchema) });

export const MetricValuesSchema = Type.Object({
  layer: Type.String(),
  metric: Type.String(),
  source_layer: Nullable(Type.String()),
  min: Nullable(Type.Number()),
  max: Nullable(Type.Number()),
  values: Type.Array(Type.Object({ zone_id: Uuid, value: Type.Number(), origin: StringEnum(VALUE_ORIGINS) })),
});

export const ZoneProfileSchema = Type.Object({
  zone: ZoneSchema,
  layer_name: Type.String(),
  people: Type.Integer({ description: "People of the campaign in the zone (the actor's scope)" }),
  indicators: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Words,
      unit: Nullable(Words),
      format: StringEnum(INDICATOR_FORMATS),
      value: Type.Number(),
      origin: StringEnum(VALUE_ORIGINS),
      source_layer: Nullable(Type.String()),
    }),
  ),
  elections: Type.Array(
    Type.Object({
      election: Type.String(),
      round: Type.Integer(),
      label: Type.String(),
      source_layer: Nullable(Type.String()),
      stations: Type.Integer(),
      registered: Type.Integer(),
      voters: Nullable(Type.Integer()),
      expressed: Type.Integer(),
      turnout: Nullable(Type.Number()),
      turnout_label: Words,
      candidates: Type.Array(
        Type.Object({ name: Type.String(), nuance: Type.String(), votes: Type.Integer(), share: Nullable(Type.Number()) }),
      ),
    }),
  ),
});

const LayerQuery = Type.Object({ layer: Type.String({ maxLength: 40 }) });

export const territoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/zone_layers',
    {
      schema: {
        tags: ['territory'],
        summary: 'Layers of zones (arrondissements, polling stations, IRIS…)',
        response: { 200: collection('zone_layers', LayerSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'zones:read');
      const layers = await inTenant(app, actor, (trx) => listLayers(trx), { oneRead: true });
      return {
        total_records: layers.length,
        _embedded: { zone_layers: layers.map((l) => ({ ...l, zones_count: Number(l.zones_count) })) },
      };
    },
  );

  app.get(
    '/zones',
    {
      schema: {
        tags: ['territory'],
        summary: 'Zones of a layer with their latest indicators; a referent sees only their zones and what they contain',
        querystring: Type.Object({ layer: Type.Optional(Type.String({ maxLength: 40 })), geometry: Type.Optional(Type.Boolean()) }),
        response: { 200: collection('zones', ZoneSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'zones:read');
      const zones = await inTenant(app, actor, (trx) =>
        listZones(trx, {
          ...(request.query.layer ? { layerCode: request.query.layer } : {}),
          ...(actor.zoneScope ? { zoneScope: actor.zoneScope } : {}),
          withGeometry: request.query.geometry ?? false,
        }),
      );
      return { total_records: zones.length, _embedded: { zones } };
    },
  );

  app.get(
    '/zone_metrics',
    {
      schema: {
        tags: ['territory'],
        summary: "What a map of a layer can be coloured by: the campaign's people, indicators, election results",
        querystring: LayerQuery,
        response: { 200: MetricListSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'zones:read');
      return inTenant(app, actor, async (trx) => {
        const layer = (await listLayers(trx)).find((l) => l.code === request.query.layer);
        if (!layer) throw notFound('zone layer');
        return { layer: layer.code, metrics: await layerMetrics(trx, actor.campaignId, layer) };
      });
    },
  );

  app.get(
    '/zone_values',
    {
      schema: {
        tags: ['territory'],
        summary: 'Values of one metric for the zones of a layer (a referent gets only their zones); cached until the next territory import',
        querystring: Type.Object({ layer: Type.String({ maxLength: 40 }), metric: Type.String({ maxLength: 400 }) }),
        response: { 200: MetricValuesSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'zones:read');
      return inTenant(app, actor, async (trx) => {
        const layer = (await listLayers(trx)).find((l) => l.code === request.query.layer);
        if (!layer) throw notFound('zone layer');
        await ensureZoneCover(trx, actor.campaignId);
        const result = await layerMetricValues(trx, { campaignId: actor.campaignId, layer, metric: request.query.metric });
        if (!result) throw new AppError('ZONE_METRIC_UNKNOWN', `No metric ${request.query.metric} on this layer.`);
        let values = result.values;
        if (actor.zoneScope) {
          const visible = new Set(await zoneDescendants(trx, actor.zoneScope));
          values = values.filter((v) => visible.has(v.zone_id));
        }
        const numbers = values.map((v) => v.value);
        return {
          layer: layer.code,
          metric: request.query.metric,
          source_layer: result.source_layer,
          min: numbers.length ? Math.min(...numbers) : null,
          max: numbers.length ? Math.max(...numbers) : null,
          values,
        };
      });
    },
  );

  app.get(
    '/zones/:id',
    {
      schema: {
        tags: ['territory'],
        summary: 'One zone with its people count, indicators (with labels and units) and election results',
        params: Type.Object({ id: Uuid }),
        response: { 200: ZoneProfileSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'zones:read');
      return inTenant(app, actor, async (trx) => {
        const [zone] = await findZonesByIds(trx, [request.params.id]);
        if (!zone) throw notFound('zone');
        if (actor.zoneScope && !(await zoneDescendants(trx, actor.zoneScope)).includes(zone.id)) throw notFound('zone');
        const layer = (await listLayers(trx)).find((l) => l.code === zone.layer);
        if (!layer) throw notFound('zone');
        await ensureZoneCover(trx, actor.campaignId);
        const profile = await zoneProfile(trx, actor.campaignId, { id: zone.id, layer });
        const { bbox: _bbox, ...shown } = zone;
        return { zone: shown, layer_name: layer.name, ...profile };
      });
    },
  );
};
