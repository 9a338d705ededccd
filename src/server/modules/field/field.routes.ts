// HTTP routes of the field module, turfs part: buildings made from the address base (a job), their
// entrances and door grid, cutting a zone into turfs (a job with progress), split / merge / redraw,
// assignment to canvassers or teams for a day, the walk-list PDF and the tract maker, and the
// electoral roll (field and post only). Referents reach their own zones only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { makeDoorGrid } from './buildings.ts';
import type { PolygonGeometry } from './cutting/hull.ts';
import { importElectoralRoll, ROLL_FILTERS, rollFigures } from './roll.ts';
import { TeamList } from './teams.routes.ts';
import { TRACT_TEMPLATES, tractPdf } from './tract.ts';
import { assertZoneInReach, loadTurf, mergeTurfs, redrawTurf, splitTurf, zoneInReach } from './turfs.ts';
import { walkListPdf } from './walk-list.ts';

const Position = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]);
export const PolygonSchema = Type.Object(
  {
    type: Type.Literal('Polygon'),
    coordinates: Type.Array(Type.Array(Position, { minItems: 4, maxItems: 2000 }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

export const BuildingSchema = Type.Object({
  id: Uuid,
  label: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  doors: Type.Integer(),
  doors_source: StringEnum(['social_housing', 'dwellings_per_address', 'electoral_roll', 'manual'] as const),
  addresses: Type.Integer(),
  entrances: Type.Integer(),
  turf_id: Nullable(Uuid),
  score: Nullable(Type.Number()),
});
export const EntranceSchema = Type.Object({
  id: Uuid,
  label: Type.String(),
  access_note: Type.String(),
  floors: Type.Integer(),
  doors_per_floor: Type.Integer(),
  position: Type.Integer(),
  doors: Type.Integer(),
});
export const BuildingDetail = Type.Object({
  ...BuildingSchema.properties,
  ...{
    address_lines: Type.Array(Type.String()),
    entrance_list: Type.Array(EntranceSchema),
    registered_voters: Type.Integer(),
  },
});
export const AssignmentSchema = Type.Object({
  id: Uuid,
  turf_id: Uuid,
  staff_user_id: Nullable(Uuid),
  team_id: Nullable(Uuid),
  assignee: Type.String(),
  on_date: Type.String({ format: 'date' }),
});
export const TurfSchema = Type.Object({
  id: Uuid,
  cut_id: Nullable(Uuid),
  zone_id: Uuid,
  name: Type.String(),
  doors: Type.Integer(),
  buildings: Type.Integer(),
  metres_walked: Type.Number(),
  metres_per_door: Type.Number(),
  polygon: Type.Unknown({ description: 'GeoJSON Polygon' }),
  assignments: Type.Array(AssignmentSchema),
  updated_at: DateTime,
});
export const TurfDetail = Type.Object({
  ...TurfSchema.properties,
  ...{
    stops: Type.Array(
      Type.Object({
        position: Type.Integer(),
        building_id: Uuid,
        label: Type.String(),
        lon: Type.Number(),
        lat: Type.Number(),
        doors: Type.Integer(),
      }),
    ),
  },
});
export const CutSchema = Type.Object({
  id: Uuid,
  zone_id: Uuid,
  target_doors: Type.Integer(),
  keep_polling_stations: Type.Boolean(),
  status: StringEnum(['queued', 'running', 'done', 'failed'] as const),
  job_id: Nullable(Type.String()),
  stats: Type.Object({
    turfs: Type.Optional(Type.Integer()),
    buildings: Type.Optional(Type.Integer()),
    skipped_in_other_turfs: Type.Optional(
      Type.Integer({ description: 'buildings of the zone already in turfs of another zone, left out' }),
    ),
    doors: Type.Optional(Type.Integer()),
    doors_min: Type.Optional(Type.Integer()),
    doors_max: Type.Optional(Type.Integer()),
    metres_walked: Type.Optional(Type.Number()),
    nearest_neighbour_metres: Type.Optional(Type.Number({ description: 'the walks by nearest neighbour alone, before 2-opt' })),
    metres_per_door: Type.Optional(Type.Number()),
  }),
  progress: Type.Object({ done: Type.Number(), total: Nullable(Type.Number()), message: Type.String() }),
  created_at: DateTime,
  finished_at: Nullable(DateTime),
});

const IdParams = Type.Object({ id: Uuid });
const ZoneParams = Type.Object({ zone_id: Uuid });
const Day = Type.String({ maxLength: 10, pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd' });

function auditOf(
  request: FastifyRequest,
  actor: TenantActor,
  trx: Trx,
  action: string,
  targetType: string,
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
      targetType,
      targetId,
      ip: request.ip ?? null,
      details,
    },
  ]);
}

function checkDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) throw new AppError('FIELD_DATE_INVALID', `${day} is not a day.`);
  return day;
}

async function loadBuilding(trx: Trx, actor: TenantActor, id: string) {
  const b = await trx
    .selectFrom('building')
    .selectAll()
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!b) throw notFound('building');
  if (actor.zoneScope && !b.zone_ids.some((z) => actor.zoneScope?.includes(z))) throw notFound('building');
  return b;
}

async function readBuilding(trx: Trx, actor: TenantActor, id: string) {
  const b = await loadBuilding(trx, actor, id);
  const [addresses, entrances, turf, voters] = await Promise.all([
    trx
      .selectFrom('building_address as ba')
      .innerJoin('address as a', (j) => j.onRef('a.id', '=', 'ba.address_id').onRef('a.campaign_id', '=', 'ba.campaign_id'))
      .select(['a.number', 'a.street', 'a.postcode', 'a.city'])
      .where('ba.campaign_id', '=', actor.campaignId)
      .where('ba.building_id', '=', id)
      .execute(),
    sql<{ id: string; label: string; access_note: string; floors: number; doors_per_floor: number; position: number; doors: string }>`
      select e.id, e.label, e.access_note, e.floors, e.doors_per_floor, e.position,
        (select count(*) from door d where d.campaign_id = e.campaign_id and d.entrance_id = e.id) as doors
      from building_entrance e where e.campaign_id = ${actor.campaignId} and e.building_id = ${id}
      order by e.position, e.created_at`.execute(trx),
    trx
      .selectFrom('turf_building')
      .select('turf_id')
      .where('campaign_id', '=', actor.campaignId)
      .where('building_id', '=', id)
      .executeTakeFirst(),
    trx
      .selectFrom('electoral_roll_voter')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', actor.campaignId)
      .where('building_id', '=', id)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    id: b.id,
    label: b.label,
    lon: b.lon,
    lat: b.lat,
    doors: b.doors,
    doors_source: b.doors_source,
    addresses: addresses.length,
    entrances: entrances.rows.length,
    turf_id: turf?.turf_id ?? null,
    score: b.score,
    address_lines: addresses.map((a) => `${a.number} ${a.street}, ${a.postcode} ${a.city}`.trim()),
    entrance_list: entrances.rows.map((e) => ({ ...e, doors: Number(e.doors) })),
    registered_voters: Number(voters.n),
  };
}

async function readTurfs(trx: Trx, campaignId: string, where: { zoneId?: string; turfIds?: string[] }) {
  let q = trx
    .selectFrom('turf')
    .select(['id', 'cut_id', 'zone_id', 'name', 'doors', 'metres_walked', 'polygon', 'updated_at'])
    .select((eb) =>
      eb
        .selectFrom('turf_building as tb')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('tb.campaign_id', '=', 'turf.campaign_id')
        .whereRef('tb.turf_id', '=', 'turf.id')
        .as('buildings'),
    )
    .where('campaign_id', '=', campaignId)
    .orderBy('name');
  if (where.zoneId) q = q.where('zone_id', '=', where.zoneId);
  if (where.turfIds) q = q.where('id', 'in', where.turfIds.length ? where.turfIds : ['00000000-0000-0000-0000-000000000000']);
  const turfs = await q.execute();
  const ids = turfs.map((t) => t.id);
  const assignments = ids.length
    ? (
        await sql<{
          id: string;
          turf_id: string;
          staff_user_id: string | null;
          team_id: string | null;
          on_date: string;
          assignee: string | null;
        }>`
      select a.id, a.turf_id, a.staff_user_id, a.team_id, to_char(a.on_date, 'YYYY-MM-DD') as on_date,
        coalesce(m.display_name, u.display_name, t.name) as assignee
      from turf_assignment a
      left join staff_user u on u.id = a.staff_user_id
      left join membership m on m.user_id = a.staff_user_id and m.campaign_id = a.campaign_id
      left join field_team t on t.id = a.team_id and t.campaign_id = a.campaign_id
      where a.campaign_id = ${campaignId} and a.turf_id = any(${sql.val(ids)}::uuid[])
      order by a.on_date, a.created_at`.execute(trx)
      ).rows
    : [];
  return turfs.map((t) => ({
    ...t,
    buildings: Number(t.buildings),
    metres_per_door: t.doors > 0 ? Math.round((t.metres_walked / t.doors) * 100) / 100 : 0,
    assignments: assignments.filter((a) => a.turf_id === t.id).map((a) => ({ ...a, assignee: a.assignee ?? '' })),
  }));
}

async function readTurf(trx: Trx, actor: TenantActor, id: string) {
  await loadTurf(trx, actor.campaignId, id, actor.zoneScope);
  const [turf] = await readTurfs(trx, actor.campaignId, { turfIds: [id] });
  if (!turf) throw notFound('turf');
  const stops = await trx
    .selectFrom('turf_building as tb')
    .innerJoin('building as b', (j) => j.onRef('b.id', '=', 'tb.building_id').onRef('b.campaign_id', '=', 'tb.campaign_id'))
    .select(['tb.position', 'tb.building_id', 'b.label', 'b.lon', 'b.lat', 'b.doors'])
    .where('tb.campaign_id', '=', actor.campaignId)
    .where('tb.turf_id', '=', id)
    .orderBy('tb.position')
    .execute();
  return { ...turf, stops };
}

async function readCut(trx: Trx, actor: TenantActor, id: string) {
  const cut = await trx
    .selectFrom('turf_cut')
    .selectAll()
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!cut || !(await zoneInReach(trx, actor.campaignId, cut.zone_id, actor.zoneScope))) throw notFound('turf cut');
  const run = cut.job_id
    ? await trx
        .selectFrom('job_run')
        .select(['done', 'total', 'message'])
        .where('campaign_id', '=', actor.campaignId)
        .where('id', '=', cut.job_id)
        .executeTakeFirst()
    : undefined;
  return {
    id: cut.id,
    zone_id: cut.zone_id,
    target_doors: cut.target_doors,
    keep_polling_stations: cut.keep_polling_stations,
    status: cut.status,
    job_id: cut.job_id,
    stats: cut.stats as unknown as Record<string, number>,
    progress: { done: Number(run?.done ?? 0), total: run?.total == null ? null : Number(run.total), message: run?.message ?? '' },
    created_at: cut.created_at,
    finished_at: cut.finished_at,
  };
}

export const CutList = Type.Object({ _embedded: Type.Object({ cuts: Type.Array(CutSchema) }) });
export const CanvasserList = Type.Object({
  _embedded: Type.Object({ canvassers: Type.Array(Type.Object({ user_id: Uuid, name: Type.String(), role: Type.String() })) }),
});
export const BuildingList = Type.Object({
  total_records: Type.Integer(),
  _embedded: Type.Object({ buildings: Type.Array(BuildingSchema) }),
});
export const TurfList = Type.Object({ total_records: Type.Integer(), _embedded: Type.Object({ turfs: Type.Array(TurfSchema) }) });

export const fieldRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // ---- Buildings ----
  app.post(
    '/field/buildings/make',
    {
      schema: {
        tags: ['field'],
        summary: "Group the address base into buildings with estimated doors (a job; a zone's addresses only when zone_id is given)",
        body: Type.Object({ zone_id: Type.Optional(Uuid) }, { additionalProperties: false }),
        response: { 202: Type.Object({ job_id: Type.String() }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      const zoneId = request.body.zone_id;
      if (actor.zoneScope && !zoneId) throw new AppError('FIELD_ZONE_REQUIRED', 'Choose one of your zones.');
      if (zoneId) await inTenant(app, actor, (trx) => assertZoneInReach(trx, actor.campaignId, zoneId, actor.zoneScope));
      const jobId = await app.deps.jobs.enqueue({
        campaignId: actor.campaignId,
        kind: 'field.make_buildings',
        params: zoneId ? { zone_id: zoneId } : {},
        createdBy: actor.userId,
      });
      return reply.status(202).send({ job_id: jobId });
    },
  );

  app.get(
    '/field/buildings',
    {
      schema: {
        tags: ['field'],
        summary: "A zone's buildings (at most `limit`, by label)",
        querystring: Type.Object({
          zone_id: Uuid,
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
          q: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: {
          200: Type.Object({ total_records: Type.Integer(), _embedded: Type.Object({ buildings: Type.Array(BuildingSchema) }) }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      const { zone_id: zoneId, limit = 500, q } = request.query;
      return inTenant(app, actor, async (trx) => {
        await assertZoneInReach(trx, actor.campaignId, zoneId, actor.zoneScope);
        const { rows } = await sql<{
          id: string;
          label: string;
          lon: number;
          lat: number;
          doors: number;
          doors_source: 'manual';
          score: number | null;
          addresses: string;
          entrances: string;
          turf_id: string | null;
          total: string;
        }>`
          select b.id, b.label, b.lon, b.lat, b.doors, b.doors_source, b.score,
            (select count(*) from building_address ba where ba.campaign_id = b.campaign_id and ba.building_id = b.id) as addresses,
            (select count(*) from building_entrance e where e.campaign_id = b.campaign_id and e.building_id = b.id) as entrances,
            (select tb.turf_id from turf_building tb where tb.campaign_id = b.campaign_id and tb.building_id = b.id) as turf_id,
            count(*) over () as total
          from building b
          where b.campaign_id = ${actor.campaignId} and b.zone_ids @> array[${zoneId}]::uuid[]
            ${q ? sql`and b.label ilike ${`%${q.replace(/[\\%_]/g, '\\$&')}%`}` : sql``}
          order by b.label limit ${limit}`.execute(trx);
        return {
          total_records: Number(rows[0]?.total ?? 0),
          _embedded: {
            buildings: rows.map(({ total: _t, ...b }) => ({ ...b, addresses: Number(b.addresses), entrances: Number(b.entrances) })),
          },
        };
      });
    },
  );

  app.get(
    '/field/buildings/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'A building: its addresses, entrances and registered voters',
        params: IdParams,
        response: { 200: BuildingDetail, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      return inTenant(app, actor, (trx) => readBuilding(trx, actor, request.params.id));
    },
  );

  app.patch(
    '/field/buildings/:id',
    {
      schema: {
        tags: ['field'],
        summary: "Set a building's doors by hand (kept when buildings are made again)",
        params: IdParams,
        body: Type.Object({ doors: Type.Integer({ minimum: 1, maximum: 5000 }) }, { additionalProperties: false }),
        response: { 200: BuildingDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      return inTenant(app, actor, async (trx) => {
        await loadBuilding(trx, actor, request.params.id);
        await trx
          .updateTable('building')
          .set({ doors: request.body.doors, doors_source: 'manual' })
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .execute();
        const turf = await trx
          .selectFrom('turf_building')
          .select('turf_id')
          .where('campaign_id', '=', actor.campaignId)
          .where('building_id', '=', request.params.id)
          .executeTakeFirst();
        if (turf) {
          const { reshapeTurf } = await import('./turfs.ts');
          await reshapeTurf(trx, actor.campaignId, turf.turf_id);
        }
        return readBuilding(trx, actor, request.params.id);
      });
    },
  );

  const EntranceInput = Type.Object(
    {
      label: Type.Optional(Type.String({ maxLength: 100 })),
      access_note: Type.Optional(Type.String({ maxLength: 1000, description: 'digicode, interphone, caretaker…' })),
      floors: Type.Optional(Type.Integer({ minimum: 0, maximum: 80, description: 'floors above the ground floor included (0: no grid)' })),
      doors_per_floor: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    },
    { additionalProperties: false },
  );

  app.post(
    '/field/buildings/:id/entrances',
    {
      schema: {
        tags: ['field'],
        summary: 'Add an entrance with its access note and its floors × doors grid, made in one step',
        params: IdParams,
        body: EntranceInput,
        response: { 201: BuildingDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      const body = request.body;
      const result = await inTenant(app, actor, async (trx) => {
        const b = await loadBuilding(trx, actor, request.params.id);
        const count = await trx
          .selectFrom('building_entrance')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('campaign_id', '=', actor.campaignId)
          .where('building_id', '=', b.id)
          .executeTakeFirstOrThrow();
        const id = uuidv7();
        await trx
          .insertInto('building_entrance')
          .values({
            campaign_id: actor.campaignId,
            id,
            building_id: b.id,
            label: body.label?.trim() ?? '',
            access_note: body.access_note?.trim() ?? '',
            position: Number(count.n),
          })
          .execute();
        await makeDoorGrid(trx, actor.campaignId, { id, building_id: b.id }, body.floors ?? 0, body.doors_per_floor ?? 0);
        await auditOf(request, actor, trx, 'field.entrance_added', 'building', b.id, {
          entrance_id: id,
          floors: body.floors ?? 0,
          doors_per_floor: body.doors_per_floor ?? 0,
        });
        return readBuilding(trx, actor, b.id);
      });
      return reply.status(201).send(result);
    },
  );

  app.patch(
    '/field/entrances/:id',
    {
      schema: {
        tags: ['field'],
        summary: "Change an entrance's label or access note; a new floors × doors grid replaces its doors",
        params: IdParams,
        body: EntranceInput,
        response: { 200: BuildingDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      const body = request.body;
      return inTenant(app, actor, async (trx) => {
        const e = await trx
          .selectFrom('building_entrance')
          .selectAll()
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!e) throw notFound('entrance');
        await loadBuilding(trx, actor, e.building_id);
        const set: { label?: string; access_note?: string } = {};
        if (body.label !== undefined) set.label = body.label.trim();
        if (body.access_note !== undefined) set.access_note = body.access_note.trim();
        if (Object.keys(set).length)
          await trx.updateTable('building_entrance').set(set).where('campaign_id', '=', actor.campaignId).where('id', '=', e.id).execute();
        const floors = body.floors ?? e.floors;
        const perFloor = body.doors_per_floor ?? e.doors_per_floor;
        if (floors !== e.floors || perFloor !== e.doors_per_floor) await makeDoorGrid(trx, actor.campaignId, e, floors, perFloor);
        return readBuilding(trx, actor, e.building_id);
      });
    },
  );

  app.delete(
    '/field/entrances/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'Remove an entrance and its doors',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      await inTenant(app, actor, async (trx) => {
        const e = await trx
          .selectFrom('building_entrance')
          .selectAll()
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!e) throw notFound('entrance');
        await loadBuilding(trx, actor, e.building_id);
        await trx.deleteFrom('building_entrance').where('campaign_id', '=', actor.campaignId).where('id', '=', e.id).execute();
      });
      return reply.status(204).send(null);
    },
  );

  // ---- Cutting ----
  app.post(
    '/field/zones/:zone_id/cuts',
    {
      schema: {
        tags: ['field'],
        summary: "Cut a zone's buildings into turfs of about target_doors doors (a job; replaces the zone's turfs)",
        params: ZoneParams,
        body: Type.Object(
          {
            target_doors: Type.Integer({ minimum: 10, maximum: 5000 }),
            keep_polling_stations: Type.Optional(Type.Boolean()),
            replace_assigned: Type.Optional(
              Type.Boolean({ description: 'replace turfs already assigned to canvassers (their assignments are dropped)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 202: CutSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      const zoneId = request.params.zone_id;
      const cutId = uuidv7();
      await inTenant(app, actor, async (trx) => {
        await assertZoneInReach(trx, actor.campaignId, zoneId, actor.zoneScope);
        const any = await trx
          .selectFrom('building')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where(sql<boolean>`zone_ids @> ${sql.val([zoneId])}::uuid[]`)
          .limit(1)
          .executeTakeFirst();
        if (!any) throw new AppError('FIELD_NO_BUILDINGS', 'This zone has no building yet: make the buildings first.');
        if (!request.body.replace_assigned) {
          const assigned = await trx
            .selectFrom('turf_assignment as a')
            .innerJoin('turf as t', (j) => j.onRef('t.id', '=', 'a.turf_id').onRef('t.campaign_id', '=', 'a.campaign_id'))
            .select('a.id')
            .where('a.campaign_id', '=', actor.campaignId)
            .where('t.zone_id', '=', zoneId)
            .limit(1)
            .executeTakeFirst();
          if (assigned)
            throw new AppError('FIELD_TURFS_ASSIGNED', 'Turfs of this zone are assigned to canvassers: confirm to replace them.');
        }
        await trx
          .insertInto('turf_cut')
          .values({
            campaign_id: actor.campaignId,
            id: cutId,
            zone_id: zoneId,
            target_doors: request.body.target_doors,
            keep_polling_stations: request.body.keep_polling_stations ?? false,
            created_by: actor.userId,
          })
          .execute();
        await auditOf(request, actor, trx, 'field.turfs_cut', 'zone', zoneId, {
          target_doors: request.body.target_doors,
          keep_polling_stations: request.body.keep_polling_stations ?? false,
        });
      });
      const jobId = await app.deps.jobs.enqueue({
        campaignId: actor.campaignId,
        kind: 'field.cut_turfs',
        params: { cut_id: cutId },
        createdBy: actor.userId,
      });
      const cut = await inTenant(app, actor, async (trx) => {
        await trx
          .updateTable('turf_cut')
          .set({ job_id: jobId })
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', cutId)
          .execute();
        return readCut(trx, actor, cutId);
      });
      return reply.status(202).send(cut);
    },
  );

  app.get(
    '/field/cuts',
    {
      schema: {
        tags: ['field'],
        summary: "The latest finished turf cuts, most recent first (a referent's zones only; the screen opens on the latest one's zone)",
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }),
        response: { 200: CutList, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      const limit = request.query.limit ?? 10;
      return inTenant(app, actor, async (trx) => {
        const rows = await trx
          .selectFrom('turf_cut')
          .select(['id', 'zone_id'])
          .where('campaign_id', '=', actor.campaignId)
          .where('status', '=', 'done')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(actor.zoneScope ? 200 : limit)
          .execute();
        const cuts = [];
        for (const r of rows) {
          if (cuts.length >= limit) break;
          if (actor.zoneScope && !(await zoneInReach(trx, actor.campaignId, r.zone_id, actor.zoneScope))) continue;
          cuts.push(await readCut(trx, actor, r.id));
        }
        return { _embedded: { cuts } };
      });
    },
  );

  app.get(
    '/field/cuts/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'A turf cut: its status, progress and figures',
        params: IdParams,
        response: { 200: CutSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      return inTenant(app, actor, (trx) => readCut(trx, actor, request.params.id));
    },
  );

  // ---- Turfs ----
  app.get(
    '/field/turfs',
    {
      schema: {
        tags: ['field'],
        summary: "Turfs of a zone (a referent's zones only), or those assigned on a day",
        querystring: Type.Object({ zone_id: Type.Optional(Uuid), on_date: Type.Optional(Day) }),
        response: { 200: TurfList, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      const { zone_id: zoneId, on_date: onDate } = request.query;
      return inTenant(app, actor, async (trx) => {
        if (zoneId) await assertZoneInReach(trx, actor.campaignId, zoneId, actor.zoneScope);
        let turfIds: string[] | undefined;
        if (onDate) {
          checkDay(onDate);
          turfIds = (
            await trx
              .selectFrom('turf_assignment')
              .select('turf_id')
              .where('campaign_id', '=', actor.campaignId)
              .where('on_date', '=', onDate)
              .execute()
          ).map((a) => a.turf_id);
        }
        let turfs = await readTurfs(trx, actor.campaignId, { ...(zoneId ? { zoneId } : {}), ...(turfIds ? { turfIds } : {}) });
        if (actor.zoneScope) {
          const reach = new Map<string, boolean>();
          for (const z of new Set(turfs.map((t) => t.zone_id))) reach.set(z, await zoneInReach(trx, actor.campaignId, z, actor.zoneScope));
          turfs = turfs.filter((t) => reach.get(t.zone_id));
        }
        return { total_records: turfs.length, _embedded: { turfs } };
      });
    },
  );

  app.get(
    '/field/turfs/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'A turf with its buildings in walking order',
        params: IdParams,
        response: { 200: TurfDetail, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      return inTenant(app, actor, (trx) => readTurf(trx, actor, request.params.id));
    },
  );

  app.post(
    '/field/turfs/:id/split',
    {
      schema: {
        tags: ['field'],
        summary: 'Split a turf in two: the buildings given go to a new turf (none given: two balanced halves)',
        params: IdParams,
        body: Type.Object({ building_ids: Type.Optional(Type.Array(Uuid, { maxItems: 5000 })) }, { additionalProperties: false }),
        response: { 200: TurfList, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      return inTenant(app, actor, async (trx) => {
        await loadTurf(trx, actor.campaignId, request.params.id, actor.zoneScope);
        const ids = await splitTurf(trx, actor.campaignId, request.params.id, request.body.building_ids);
        await auditOf(request, actor, trx, 'field.turf_split', 'turf', request.params.id, { turf_ids: ids });
        const turfs = await readTurfs(trx, actor.campaignId, { turfIds: ids });
        return { total_records: turfs.length, _embedded: { turfs } };
      });
    },
  );

  app.post(
    '/field/turfs/merge',
    {
      schema: {
        tags: ['field'],
        summary: 'Merge turfs of one zone into the first one given',
        body: Type.Object({ turf_ids: Type.Array(Uuid, { minItems: 2, maxItems: 50 }) }, { additionalProperties: false }),
        response: { 200: TurfDetail, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      return inTenant(app, actor, async (trx) => {
        for (const id of request.body.turf_ids) await loadTurf(trx, actor.campaignId, id, actor.zoneScope);
        const id = await mergeTurfs(trx, actor.campaignId, request.body.turf_ids);
        await auditOf(request, actor, trx, 'field.turfs_merged', 'turf', id, { turf_ids: request.body.turf_ids });
        return readTurf(trx, actor, id);
      });
    },
  );

  app.put(
    '/field/turfs/:id/polygon',
    {
      schema: {
        tags: ['field'],
        summary: "Redraw a turf: the zone's buildings inside the polygon become its own (taken from other turfs), those outside leave it",
        params: IdParams,
        body: Type.Object({ polygon: PolygonSchema }, { additionalProperties: false }),
        response: { 200: TurfDetail, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      const polygon = request.body.polygon as PolygonGeometry;
      for (const ring of polygon.coordinates) {
        const [f, l] = [ring[0], ring[ring.length - 1]];
        if (!f || !l || f[0] !== l[0] || f[1] !== l[1])
          throw new AppError('FIELD_POLYGON_INVALID', 'Each ring must be closed (its last position repeats the first).');
      }
      return inTenant(app, actor, async (trx) => {
        await loadTurf(trx, actor.campaignId, request.params.id, actor.zoneScope);
        const moved = await redrawTurf(trx, actor.campaignId, request.params.id, polygon);
        await auditOf(request, actor, trx, 'field.turf_redrawn', 'turf', request.params.id, moved);
        return readTurf(trx, actor, request.params.id);
      });
    },
  );

  app.delete(
    '/field/turfs/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'Remove a turf (its buildings are left without a turf)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      await inTenant(app, actor, async (trx) => {
        await loadTurf(trx, actor.campaignId, request.params.id, actor.zoneScope);
        await trx.deleteFrom('turf').where('campaign_id', '=', actor.campaignId).where('id', '=', request.params.id).execute();
        await auditOf(request, actor, trx, 'field.turf_removed', 'turf', request.params.id, {});
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/field/turfs/:id/assignments',
    {
      schema: {
        tags: ['field'],
        summary: 'Assign a turf to a canvasser (a member of the campaign) or a team for a day',
        params: IdParams,
        body: Type.Object(
          { staff_user_id: Type.Optional(Uuid), team_id: Type.Optional(Uuid), on_date: Day },
          { additionalProperties: false },
        ),
        response: { 201: TurfDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      const { staff_user_id: userId, team_id: teamId, on_date: onDate } = request.body;
      if ((userId === undefined) === (teamId === undefined))
        throw new AppError('FIELD_ASSIGNEE_UNKNOWN', 'Give a canvasser or a team (one of them).');
      checkDay(onDate);
      const turf = await inTenant(app, actor, async (trx) => {
        await loadTurf(trx, actor.campaignId, request.params.id, actor.zoneScope);
        if (userId) {
          const member = await trx
            .selectFrom('membership')
            .select('user_id')
            .where('campaign_id', '=', actor.campaignId)
            .where('user_id', '=', userId)
            .executeTakeFirst();
          if (!member) throw new AppError('FIELD_ASSIGNEE_UNKNOWN', 'This person is not a member of the campaign.');
        } else {
          const team = await trx
            .selectFrom('field_team')
            .select('id')
            .where('campaign_id', '=', actor.campaignId)
            .where('id', '=', teamId as string)
            .executeTakeFirst();
          if (!team) throw new AppError('FIELD_ASSIGNEE_UNKNOWN', 'No such team in this campaign.');
        }
        const id = uuidv7();
        await trx
          .insertInto('turf_assignment')
          .values({
            campaign_id: actor.campaignId,
            id,
            turf_id: request.params.id,
            staff_user_id: userId ?? null,
            team_id: teamId ?? null,
            on_date: onDate,
            created_by: actor.userId,
          })
          .execute();
        await auditOf(request, actor, trx, 'field.turf_assigned', 'turf', request.params.id, {
          assignment_id: id,
          staff_user_id: userId ?? null,
          team_id: teamId ?? null,
          on_date: onDate,
        });
        return readTurf(trx, actor, request.params.id);
      });
      return reply.status(201).send(turf);
    },
  );

  app.delete(
    '/field/assignments/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'Withdraw a turf assignment',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      await inTenant(app, actor, async (trx) => {
        const a = await trx
          .selectFrom('turf_assignment')
          .select(['id', 'turf_id'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!a) throw notFound('assignment');
        await loadTurf(trx, actor.campaignId, a.turf_id, actor.zoneScope);
        await trx.deleteFrom('turf_assignment').where('campaign_id', '=', actor.campaignId).where('id', '=', a.id).execute();
        await auditOf(request, actor, trx, 'field.turf_unassigned', 'turf', a.turf_id, { assignment_id: a.id });
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/field/canvassers',
    {
      schema: {
        tags: ['field'],
        summary: 'Members a turf can be assigned to (their name and role only)',
        response: {
          200: Type.Object({
            _embedded: Type.Object({ canvassers: Type.Array(Type.Object({ user_id: Uuid, name: Type.String(), role: Type.String() })) }),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      return inTenant(app, actor, async (trx) => {
        const { rows } = await sql<{ user_id: string; name: string; role: string }>`
          select m.user_id, coalesce(m.display_name, u.display_name) as name, m.role
          from membership m join staff_user u on u.id = m.user_id
          where m.campaign_id = ${actor.campaignId} order by 2`.execute(trx);
        return { _embedded: { canvassers: rows } };
      });
    },
  );

  app.get(
    '/field/teams',
    {
      schema: {
        tags: ['field'],
        summary: 'Teams of canvassers',
        response: {
          200: TeamList,
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      return inTenant(app, actor, async (trx) => {
        const { rows } = await sql<{ id: string; name: string; zone_id: string | null; members: string }>`
          select t.id, t.name, t.zone_id, (select count(*) from field_team_member m where m.campaign_id = t.campaign_id and m.team_id = t.id) as members
          from field_team t where t.campaign_id = ${actor.campaignId} order by t.name`.execute(trx);
        return { _embedded: { teams: rows.map((r) => ({ ...r, members: Number(r.members) })) } };
      });
    },
  );

  // ---- Printables ----
  app.get(
    '/field/turfs/:id/walk-list.pdf',
    {
      schema: {
        tags: ['field'],
        summary: 'The printable walk list of a turf (PDF: map, addresses in walking order with entrances and access notes, boxes to tick)',
        params: IdParams,
        querystring: Type.Object({ lang: Type.Optional(StringEnum(['fr', 'en'] as const)) }),
        produces: ['application/pdf'],
        response: { 200: Type.Unknown({ description: 'application/pdf' }), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:read');
      const pdf = await inTenant(app, actor, async (trx) => {
        const turf = await readTurf(trx, actor, request.params.id);
        const entrances = await trx
          .selectFrom('building_entrance')
          .select(['building_id', 'label', 'access_note', 'floors', 'doors_per_floor'])
          .where('campaign_id', '=', actor.campaignId)
          .where('building_id', 'in', turf.stops.length ? turf.stops.map((s) => s.building_id) : ['00000000-0000-0000-0000-000000000000'])
          .orderBy('position')
          .execute();
        return walkListPdf({ turf, entrances, lang: request.query.lang ?? 'fr' });
      });
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', 'inline; filename="liste-de-porte-a-porte.pdf"')
        .send(pdf);
    },
  );

  app.post(
    '/field/tracts',
    {
      schema: {
        tags: ['field'],
        summary: 'Make a print-ready tract (PDF, A5 or A4) from a template, an arrondissement and its local themes',
        body: Type.Object(
          {
            template: StringEnum(TRACT_TEMPLATES),
            format: Type.Optional(StringEnum(['A4', 'A5'] as const)),
            zone_id: Uuid,
            title: Type.Optional(Type.String({ maxLength: 120 })),
            themes: Type.Array(
              Type.Object(
                { title: Type.String({ minLength: 1, maxLength: 120 }), text: Type.String({ maxLength: 1200 }) },
                { additionalProperties: false },
              ),
              { maxItems: 6 },
            ),
            running_mates: Type.Optional(
              Type.Array(
                Type.Object(
                  { name: Type.String({ minLength: 1, maxLength: 120 }), role: Type.Optional(Type.String({ maxLength: 120 })) },
                  { additionalProperties: false },
                ),
                { maxItems: 20, description: 'the arrondissement list’s running mates (the site module will give them later)' },
              ),
            ),
            contact: Type.Optional(Type.String({ maxLength: 300 })),
          },
          { additionalProperties: false },
        ),
        produces: ['application/pdf'],
        response: { 200: Type.Unknown({ description: 'application/pdf' }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:read');
      const pdf = await inTenant(app, actor, async (trx) => {
        await assertZoneInReach(trx, actor.campaignId, request.body.zone_id, actor.zoneScope);
        const zone = await trx
          .selectFrom('zone')
          .select(['name', 'code'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.body.zone_id)
          .executeTakeFirstOrThrow();
        const campaign = await trx.selectFrom('campaign').select(['name']).where('id', '=', actor.campaignId).executeTakeFirstOrThrow();
        return tractPdf({ ...request.body, campaign: campaign.name, zone: zone.name });
      });
      return reply.header('content-type', 'application/pdf').header('content-disposition', 'inline; filename="tract.pdf"').send(pdf);
    },
  );

  // ---- Electoral roll ----
  app.post(
    '/field/electoral-roll',
    {
      schema: {
        tags: ['field'],
        summary:
          'Import the electoral roll (CSV text; replaces the previous one): voters matched to addresses and buildings, for field and post only',
        body: Type.Object(
          { file_name: Type.Optional(Type.String({ maxLength: 200 })), csv: Type.String({ minLength: 1, maxLength: 900_000 }) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Uuid, voters: Type.Integer(), matched: Type.Integer() }), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'field.roll');
      const out = await inTenant(app, actor, async (trx) => {
        const result = await importElectoralRoll(trx, actor.campaignId, request.body.csv, {
          fileName: request.body.file_name ?? '',
          importedBy: actor.userId,
        });
        await auditOf(request, actor, trx, 'field.roll_imported', 'electoral_roll', result.id, {
          voters: result.voters,
          matched: result.matched,
        });
        return result;
      });
      return reply.status(201).send(out);
    },
  );

  app.get(
    '/field/electoral-roll/figures',
    {
      schema: {
        tags: ['field'],
        summary: 'Registered voters per building, filtered by age, sex and polling station only (never birthplace nor name)',
        querystring: Type.Object(
          {
            age_min: Type.Optional(Type.String({ maxLength: 3, description: 'age in years, at least' })),
            age_max: Type.Optional(Type.String({ maxLength: 3, description: 'age in years, at most' })),
            sex: Type.Optional(Type.String({ maxLength: 1, description: 'F or M' })),
            polling_station: Type.Optional(Type.String({ maxLength: 20 })),
          },
          // Any other filter is read, then refused with FIELD_ROLL_FILTER_REFUSED (birthplace, name…).
          { additionalProperties: Type.String({ maxLength: 100 }) },
        ),
        response: {
          200: Type.Object({
            voters: Type.Integer(),
            buildings: Type.Array(Type.Object({ building_id: Uuid, label: Type.String(), voters: Type.Integer() })),
            allowed_filters: Type.Array(Type.String()),
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'field.roll');
      const query = request.query as Record<string, string>;
      const refused = Object.keys(query).filter((k) => !(ROLL_FILTERS as readonly string[]).includes(k));
      if (refused.length > 0)
        throw new AppError(
          'FIELD_ROLL_FILTER_REFUSED',
          `The electoral roll can only be filtered by age, sex and polling station, not by ${refused.join(', ')}.`,
          {
            allowed: [...ROLL_FILTERS],
            refused,
          },
        );
      return inTenant(app, actor, (trx) => rollFigures(trx, actor.campaignId, query, actor.zoneScope));
    },
  );
};
