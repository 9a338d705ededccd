// OSDI faces of canvassing: canvassing_efforts (a turf and its assignments), canvasses (door
// results), the record_canvass_helper (a result sent by another system) and scripts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { CANVASS_OUTCOMES, type CanvassOutcome } from '../../db/schema.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { syncActorOf } from './canvass.routes.ts';
import { getScript, listScripts } from './scripts.ts';
import { syncBatch } from './sync.ts';

const ORIGIN = 'Relais';
const Link = Type.Object({ href: Type.String() });

/** OSDI status codes of a canvass, from a door outcome (success: the door opened). */
const STATUS_OF: Record<CanvassOutcome, string> = {
  absent: 'not-home',
  supportive: '',
  undecided: '',
  opposed: '',
  refused: 'refused',
  come_back: 'call-back',
  no_access: 'inaccessible',
  other: 'other',
};

const CanvassSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  created_date: Type.String(),
  modified_date: Type.String(),
  action_date: Type.String(),
  contact_type: Type.String(),
  input_type: Type.String(),
  success: Type.Boolean(),
  status_code: Type.String(),
  relais_outcome: StringEnum(CANVASS_OUTCOMES),
  relais_themes: Type.Array(Type.String()),
  _links: Type.Record(Type.String(), Link),
});
const EffortSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  created_date: Type.String(),
  modified_date: Type.String(),
  name: Type.String(),
  title: Type.String(),
  total_canvasses: Type.Integer(),
  relais_doors: Type.Integer(),
  relais_assigned_dates: Type.Array(Type.String()),
  _links: Type.Record(Type.String(), Link),
});
const OsdiScriptSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  created_date: Type.String(),
  modified_date: Type.String(),
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  _links: Type.Record(Type.String(), Link),
});
const HelperBody = Type.Object(
  {
    canvass: Type.Object({
      identifiers: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
      action_date: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
      contact_type: Type.Optional(Type.String({ maxLength: 40 })),
      input_type: Type.Optional(Type.String({ maxLength: 40 })),
      success: Type.Optional(Type.Boolean()),
      status_code: Type.Optional(Type.String({ maxLength: 40 })),
    }),
    relais_building_id: Uuid,
    relais_door_id: Type.Optional(Nullable(Uuid)),
    relais_outcome: Type.Optional(StringEnum(CANVASS_OUTCOMES)),
  },
  { description: 'OSDI record_canvass_helper; the door is named by relais_building_id (and relais_door_id)' },
);

const iso = (d: Date | string) => new Date(d).toISOString();

function outcomeOf(body: { success?: boolean | undefined; status_code?: string | undefined }, given?: CanvassOutcome): CanvassOutcome {
  if (given) return given;
  const code = (body.status_code ?? '').toLowerCase();
  if (code === 'not-home') return 'absent';
  if (code === 'refused') return 'refused';
  if (code === 'call-back' || code === 'come-back') return 'come_back';
  if (code === 'inaccessible') return 'no_access';
  if (code === '' || code === 'success') return body.success === false ? 'other' : 'undecided';
  return 'other';
}

export const osdiCanvassRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const base = '/api/v1';
  const canvassOf = (r: {
    id: string;
    outcome: CanvassOutcome;
    themes: string[];
    recorded_at: Date;
    received_at: Date;
    turf_id: string | null;
    person_id: string | null;
  }) => ({
    identifiers: [`relais:${r.id}`],
    origin_system: ORIGIN,
    created_date: iso(r.received_at),
    modified_date: iso(r.received_at),
    action_date: iso(r.recorded_at),
    contact_type: 'in-person',
    input_type: 'mobile',
    success: r.outcome === 'supportive' || r.outcome === 'undecided' || r.outcome === 'opposed',
    status_code: STATUS_OF[r.outcome],
    relais_outcome: r.outcome,
    relais_themes: r.themes,
    _links: {
      self: { href: `${base}/canvasses/${r.id}` },
      ...(r.turf_id ? { 'osdi:canvassing_effort': { href: `${base}/canvassing_efforts/${r.turf_id}` } } : {}),
      ...(r.person_id ? { 'osdi:target': { href: `${base}/people/${r.person_id}` } } : {}),
    },
  });

  async function efforts(trx: Parameters<typeof listScripts>[0], campaignId: string, page: { page: number; perPage: number }, id?: string) {
    const { rows } = await sql<{
      id: string;
      name: string;
      doors: number;
      created_at: Date;
      updated_at: Date;
      dates: string[];
      canvasses: number;
      total: number;
    }>`
      select t.id, t.name, t.doors, t.created_at, t.updated_at,
        coalesce((select array_agg(distinct a.on_date::text) from turf_assignment a where a.campaign_id = t.campaign_id and a.turf_id = t.id), '{}') as dates,
        (select count(*)::int from canvass_result r where r.campaign_id = t.campaign_id and r.turf_id = t.id) as canvasses,
        count(*) over ()::int as total
      from turf t where t.campaign_id = ${campaignId} ${id ? sql`and t.id = ${id}` : sql``}
      order by t.created_at desc, t.id limit ${page.perPage} offset ${(page.page - 1) * page.perPage}`.execute(trx);
    return {
      total: rows[0]?.total ?? 0,
      items: rows.map((t) => ({
        identifiers: [`relais:${t.id}`],
        origin_system: ORIGIN,
        created_date: iso(t.created_at),
        modified_date: iso(t.updated_at),
        name: t.name,
        title: t.name,
        total_canvasses: t.canvasses,
        relais_doors: t.doors,
        relais_assigned_dates: t.dates,
        _links: {
          self: { href: `${base}/canvassing_efforts/${t.id}` },
          'osdi:canvasses': { href: `${base}/canvassing_efforts/${t.id}/canvasses` },
          'osdi:record_canvass_helper': { href: `${base}/canvassing_efforts/${t.id}/record_canvass_helper` },
        },
      })),
    };
  }

  const paged = (q: { page?: number; per_page?: number }) => ({ page: q.page ?? 1, perPage: Math.min(q.per_page ?? 25, 100) });

  app.get(
    '/canvassing_efforts',
    {
      schema: {
        tags: ['canvass'],
        summary: 'OSDI canvassing efforts: the turfs, with their assignment dates and canvasses',
        querystring: PageQuery,
        response: { 200: collection('osdi:canvassing_efforts', EffortSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      const page = paged(request.query);
      const { total, items } = await inTenant(app, actor, (trx) => efforts(trx, actor.campaignId, page));
      return {
        total_records: total,
        page: page.page,
        per_page: page.perPage,
        total_pages: Math.ceil(total / page.perPage),
        _embedded: { 'osdi:canvassing_efforts': items },
      };
    },
  );

  app.get(
    '/canvassing_efforts/:id',
    {
      schema: {
        tags: ['canvass'],
        summary: 'One OSDI canvassing effort (a turf)',
        params: Type.Object({ id: Uuid }),
        response: { 200: EffortSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      const { items } = await inTenant(app, actor, (trx) => efforts(trx, actor.campaignId, { page: 1, perPage: 1 }, request.params.id));
      if (!items[0]) throw notFound('canvassing_effort');
      return items[0];
    },
  );

  app.get(
    '/canvassing_efforts/:id/canvasses',
    {
      schema: {
        tags: ['canvass'],
        summary: "OSDI canvasses of an effort (a turf's door results)",
        params: Type.Object({ id: Uuid }),
        querystring: PageQuery,
        response: { 200: collection('osdi:canvasses', CanvassSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      const page = paged(request.query);
      return inTenant(app, actor, async (trx) => {
        const turf = await trx
          .selectFrom('turf')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!turf) throw notFound('canvassing_effort');
        const base = trx.selectFrom('canvass_result').where('campaign_id', '=', actor.campaignId).where('turf_id', '=', turf.id);
        const [{ n }, rows] = await Promise.all([
          base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
          base
            .select(['id', 'outcome', 'themes', 'recorded_at', 'received_at', 'turf_id', 'person_id'])
            .orderBy('recorded_at', 'desc')
            .orderBy('id')
            .limit(page.perPage)
            .offset((page.page - 1) * page.perPage)
            .execute(),
        ]);
        const total = Number(n);
        return {
          total_records: total,
          page: page.page,
          per_page: page.perPage,
          total_pages: Math.ceil(total / page.perPage),
          _embedded: { 'osdi:canvasses': rows.map(canvassOf) },
        };
      });
    },
  );

  app.get(
    '/canvasses/:id',
    {
      schema: {
        tags: ['canvass'],
        summary: 'One OSDI canvass (a door result)',
        params: Type.Object({ id: Uuid }),
        response: { 200: CanvassSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:read');
      const row = await inTenant(app, actor, (trx) =>
        trx
          .selectFrom('canvass_result')
          .select(['id', 'outcome', 'themes', 'recorded_at', 'received_at', 'turf_id', 'person_id'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('canvass');
      return canvassOf(row);
    },
  );

  app.post(
    '/canvassing_efforts/:id/record_canvass_helper',
    {
      schema: {
        tags: ['canvass'],
        summary: 'OSDI record canvass helper: a door result from another system (a repeated identifier is stored once)',
        params: Type.Object({ id: Uuid }),
        body: HelperBody,
        response: { 200: CanvassSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'canvasses:write');
      const body = request.body;
      const own = (body.canvass.identifiers ?? []).map((i) => /^relais:([0-9a-f-]{36})$/i.exec(i)?.[1]).find(Boolean);
      const id = own ?? uuidv7();
      return inTenant(app, actor, async (trx) => {
        const turf = await trx
          .selectFrom('turf')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.params.id)
          .executeTakeFirst();
        if (!turf) throw notFound('canvassing_effort');
        const { results } = await syncBatch(trx, syncActorOf(request, actor), {
          results: [
            {
              id,
              building_id: body.relais_building_id,
              door_id: body.relais_door_id ?? null,
              turf_id: turf.id,
              outcome: outcomeOf(body.canvass, body.relais_outcome),
              recorded_at: body.canvass.action_date ?? new Date().toISOString(),
            },
          ],
          contacts: [],
        });
        if (results[0]?.status === 'rejected') throw notFound(results[0].reason === 'door_unknown' ? 'door' : 'building');
        const row = await trx
          .selectFrom('canvass_result')
          .select(['id', 'outcome', 'themes', 'recorded_at', 'received_at', 'turf_id', 'person_id'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!row) throw new AppError('CANVASS_SCRIPT_TEST_INVALID', 'The canvass could not be stored.');
        return canvassOf(row);
      });
    },
  );

  const scriptOf = (s: { id: string; theme: string; title: string; body: string; created_at: Date; updated_at: Date }) => ({
    identifiers: [`relais:${s.id}`],
    origin_system: ORIGIN,
    created_date: iso(s.created_at),
    modified_date: iso(s.updated_at),
    name: s.theme,
    title: s.title,
    description: s.body,
    _links: { self: { href: `${base}/scripts/${s.id}` } },
  });

  app.get(
    '/scripts',
    {
      schema: {
        tags: ['canvass'],
        summary: 'OSDI scripts: the door scripts (name: the theme)',
        querystring: PageQuery,
        response: { 200: collection('osdi:scripts', OsdiScriptSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'scripts:read');
      const page = paged(request.query);
      const all = await inTenant(app, actor, (trx) => listScripts(trx, actor.campaignId));
      const items = all.slice((page.page - 1) * page.perPage, page.page * page.perPage).map(scriptOf);
      return {
        total_records: all.length,
        page: page.page,
        per_page: page.perPage,
        total_pages: Math.ceil(all.length / page.perPage),
        _embedded: { 'osdi:scripts': items },
      };
    },
  );

  app.get(
    '/scripts/:id',
    {
      schema: {
        tags: ['canvass'],
        summary: 'One OSDI script',
        params: Type.Object({ id: Uuid }),
        response: { 200: OsdiScriptSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'scripts:read');
      return scriptOf(await inTenant(app, actor, (trx) => getScript(trx, actor.campaignId, request.params.id)));
    },
  );
};
