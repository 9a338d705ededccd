// HTTP routes of the canvassing app and its back office: the pack a phone downloads, the sync of
// its queue, progress and quality signals, scripts and their A/B tests.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { CANVASS_OUTCOMES } from '../../db/schema.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { DateTime, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { buildPack } from './pack.ts';
import { canvasserBoard, knockedMap, teamBoard, zoneProgress } from './progress.ts';
import { createScript, createScriptTest, listScripts, listScriptTests, scriptTestReport, updateScript } from './scripts.ts';
import { type SyncActor, syncBatch } from './sync.ts';

const Theme = Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' });
const Instant = Type.String({ format: 'date-time', maxLength: 40 });
const Lon = Type.Number({ minimum: -180, maximum: 180 });
const Lat = Type.Number({ minimum: -90, maximum: 90 });

export const ResultInputSchema = Type.Object(
  {
    id: Uuid,
    building_id: Uuid,
    door_id: Type.Optional(Nullable(Uuid)),
    turf_id: Type.Optional(Nullable(Uuid)),
    outcome: StringEnum(CANVASS_OUTCOMES),
    themes: Type.Optional(Type.Array(Theme, { maxItems: 10 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    script_id: Type.Optional(Nullable(Uuid)),
    recorded_at: Instant,
    lon: Type.Optional(Nullable(Lon)),
    lat: Type.Optional(Nullable(Lat)),
  },
  { additionalProperties: false },
);

export const ContactInputSchema = Type.Object(
  {
    id: Uuid,
    result_id: Type.Optional(Nullable(Uuid)),
    building_id: Uuid,
    given_name: Type.Optional(Type.String({ maxLength: 100 })),
    family_name: Type.Optional(Type.String({ maxLength: 100 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    consent: Type.Boolean({ description: 'the box the person ticked; false: nothing is kept' }),
    consent_text: Type.String({ maxLength: 1000, description: 'the words shown next to the box' }),
    recorded_at: Instant,
  },
  { additionalProperties: false },
);

const ItemResult = Type.Object({
  id: Uuid,
  status: StringEnum(['stored', 'duplicate', 'rejected'] as const),
  reason: Type.Optional(Type.String()),
});

const SyncBody = Type.Object(
  {
    results: Type.Array(ResultInputSchema, { maxItems: 500 }),
    contacts: Type.Optional(Type.Array(ContactInputSchema, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

const Door = Type.Object({
  id: Uuid,
  floor: Type.Integer(),
  label: Type.String(),
  last: Nullable(Type.Object({ outcome: StringEnum(CANVASS_OUTCOMES), recorded_at: Type.String() })),
});
export const PackSchema = Type.Object({
  generated_at: Type.String(),
  campaign: Type.Object({ name: Type.String() }),
  turfs: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      on_date: Type.String(),
      polygon: Type.Unknown(),
      doors: Type.Integer(),
      script_id: Nullable(Uuid),
      buildings: Type.Array(
        Type.Object({
          id: Uuid,
          label: Type.String(),
          lon: Type.Number(),
          lat: Type.Number(),
          position: Type.Integer(),
          doors: Type.Integer(),
          last: Door.properties.last,
          entrances: Type.Array(
            Type.Object({
              id: Uuid,
              building_id: Uuid,
              label: Type.String(),
              access_note: Type.String(),
              floors: Type.Integer(),
              doors_per_floor: Type.Integer(),
              doors: Type.Array(Door),
            }),
          ),
        }),
      ),
    }),
  ),
  scripts: Type.Array(Type.Object({ id: Uuid, theme: Type.String(), title: Type.String(), body: Type.String() })),
  themes: Type.Array(Type.String()),
  consent_text: Type.String(),
  notice: Type.Object({ text: Type.String(), url: Type.String(), qr_svg: Type.String() }),
});

export const ScriptSchema = Type.Object({
  id: Uuid,
  theme: Type.String(),
  title: Type.String(),
  body: Type.String(),
  archived: Type.Boolean(),
  created_at: DateTime,
  updated_at: DateTime,
});
const ScriptInput = Type.Object(
  { theme: Theme, title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }), body: Type.String({ maxLength: 4000 }) },
  { additionalProperties: false },
);
const ScriptPatch = Type.Object(
  {
    theme: Type.Optional(Theme),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })),
    body: Type.Optional(Type.String({ maxLength: 4000 })),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const Arm = Type.Object({
  script_id: Uuid,
  turfs: Type.Integer(),
  doors: Type.Integer(),
  opened: Type.Integer(),
  supportive: Type.Integer(),
  contact_rate: Nullable(Type.Number()),
  supportive_share: Nullable(Type.Number()),
});
export const ScriptTestSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  created_at: DateTime,
  a: Arm,
  b: Arm,
  p_value: Nullable(Type.Number({ description: 'two-proportion z-test on the supportive share among doors that opened' })),
});
const ScriptTestInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    script_a_id: Uuid,
    script_b_id: Uuid,
    turf_ids: Type.Array(Uuid, { minItems: 2, maxItems: 2000 }),
  },
  { additionalProperties: false },
);

const Rate = Nullable(Type.Number({ description: 'share of the doors knocked that opened (0–1)' }));
export const ProgressSchema = Type.Object({
  since: DateTime,
  layer: Type.String(),
  zones: Type.Array(
    Type.Object({
      zone_id: Uuid,
      code: Type.String(),
      name: Type.String(),
      target_doors: Type.Integer(),
      knocked_doors: Type.Integer(),
      contact_rate: Rate,
      outcomes: Type.Record(Type.String(), Type.Integer()),
      new_contacts: Type.Integer(),
    }),
  ),
  canvassers: Type.Array(
    Type.Object({
      canvasser_id: Uuid,
      name: Type.String(),
      doors: Type.Integer(),
      contact_rate: Rate,
      supportive: Type.Integer(),
      contacts: Type.Integer(),
      median_seconds_between_doors: Nullable(Type.Integer()),
      far_knocks: Type.Integer(),
      last_at: Type.String(),
      flags: Type.Array(StringEnum(['contact_rate_high', 'too_fast', 'far_from_address'] as const)),
    }),
  ),
  teams: Type.Array(
    Type.Object({ team_id: Uuid, name: Type.String(), members: Type.Integer(), doors: Type.Integer(), contact_rate: Rate }),
  ),
});
const ProgressQuery = Type.Object({
  layer: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'how many days back (default 7)' })),
});
const MapSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Uuid,
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: Type.Object({ label: Type.String(), doors: Type.Integer(), knocked: Type.Integer(), outcome: Type.String() }),
    }),
  ),
});
const IdParams = Type.Object({ id: Uuid });

/** The sync's actor: who is credited, what the audit and timeline lines say. */
export function syncActorOf(request: FastifyRequest, actor: TenantActor): SyncActor {
  return { campaignId: actor.campaignId, userId: actor.userId, label: actor.label, ip: request.ip ?? null };
}

const sinceOf = (days: number | undefined) => new Date(Date.now() - (days ?? 7) * 86_400_000);

export const canvassRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/canvass/pack',
    {
      schema: {
        tags: ['canvass'],
        summary: 'My turfs for the canvassing app (assigned to me or my teams): buildings, doors, scripts, notice',
        response: { 200: PackSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:write');
      if (!actor.userId) throw new AppError('FORBIDDEN', 'The pack is for a signed-in canvasser.');
      const userId = actor.userId;
      return inTenant(app, actor, (trx) => buildPack(trx, { campaignId: actor.campaignId, userId, publicUrl: app.deps.config.publicUrl }));
    },
  );

  app.post(
    '/canvass/sync',
    {
      schema: {
        tags: ['canvass'],
        summary: "The phone's queue: results and contacts, each with the id made on the phone (a repeat is stored once)",
        body: SyncBody,
        response: { 200: Type.Object({ results: Type.Array(ItemResult), contacts: Type.Array(ItemResult) }), ...problems(400, 401, 403) },
      },
      bodyLimit: 2 * 1024 * 1024,
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:write');
      return inTenant(app, actor, (trx) =>
        syncBatch(trx, syncActorOf(request, actor), { results: request.body.results, contacts: request.body.contacts ?? [] }),
      );
    },
  );

  app.get(
    '/canvass/progress',
    {
      schema: {
        tags: ['canvass'],
        summary: 'Doors knocked against target per zone, contact rate, outcomes, new contacts; canvassers and teams with quality flags',
        querystring: ProgressQuery,
        response: { 200: ProgressSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      const since = sinceOf(request.query.days);
      const layer = request.query.layer ?? 'arrondissement';
      return inTenant(app, actor, async (trx) => ({
        since,
        layer,
        zones: await zoneProgress(trx, actor, { layer, since }),
        canvassers: await canvasserBoard(trx, actor, since),
        teams: await teamBoard(trx, actor, since),
      }));
    },
  );

  app.get(
    '/canvass/progress/map',
    {
      schema: {
        tags: ['canvass'],
        summary: 'Buildings knocked (GeoJSON points): doors knocked and latest outcome',
        querystring: Type.Object({ days: ProgressQuery.properties.days }),
        response: { 200: MapSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      return inTenant(app, actor, (trx) => knockedMap(trx, actor, sinceOf(request.query.days)), { oneRead: true });
    },
  );

  app.get(
    '/canvass/scripts',
    { schema: { tags: ['canvass'], summary: 'Door scripts by theme', response: { 200: Type.Array(ScriptSchema), ...problems(401, 403) } } },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      return inTenant(app, actor, (trx) => listScripts(trx, actor.campaignId, true));
    },
  );

  app.post(
    '/canvass/scripts',
    {
      schema: {
        tags: ['canvass'],
        summary: 'Write a door script for a theme',
        body: ScriptInput,
        response: { 201: ScriptSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'scripts:write');
      const script = await inTenant(app, actor, (trx) => createScript(trx, actor.campaignId, request.body));
      return reply.status(201).send(script);
    },
  );

  app.patch(
    '/canvass/scripts/:id',
    {
      schema: {
        tags: ['canvass'],
        summary: 'Change or archive a door script',
        params: IdParams,
        body: ScriptPatch,
        response: { 200: ScriptSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'scripts:write');
      return inTenant(app, actor, (trx) => updateScript(trx, actor.campaignId, request.params.id, request.body));
    },
  );

  app.get(
    '/canvass/script_tests',
    {
      schema: {
        tags: ['canvass'],
        summary: 'A/B tests of door scripts, arms compared',
        response: { 200: Type.Array(ScriptTestSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      return inTenant(app, actor, (trx) => listScriptTests(trx, actor.campaignId));
    },
  );

  app.post(
    '/canvass/script_tests',
    {
      schema: {
        tags: ['canvass'],
        summary: 'Test two scripts against each other: the turfs are split at random between them',
        body: ScriptTestInput,
        response: { 201: ScriptTestSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'scripts:write');
      const test = await inTenant(app, actor, (trx) => createScriptTest(trx, actor, request.body));
      return reply.status(201).send(test);
    },
  );

  app.get(
    '/canvass/script_tests/:id',
    {
      schema: {
        tags: ['canvass'],
        summary: 'One A/B test of scripts, its arms compared on outcomes',
        params: IdParams,
        response: { 200: ScriptTestSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      return inTenant(app, actor, (trx) => scriptTestReport(trx, actor.campaignId, request.params.id));
    },
  );
};
