// HTTP routes of the territory: zone layers and zones with their indicators (read-only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { collection, Nullable, problems, Uuid } from '../../http/schemas.ts';
import { listLayers, listZones } from './territory.repo.ts';

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
};
