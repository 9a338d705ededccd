// HTTP routes of the field module, teams part: a campaign makes teams of canvassers (a name, an
// optional zone), picks their members among its members, and turfs are then assigned to a team for
// a day (POST /field/turfs/:id/assignments with team_id). Referents make and edit only teams of
// their zones, and only put volunteers (or themselves) in them. A team with turfs to walk today or
// later cannot be deleted: its assignments are withdrawn first.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { DateTime, NoContent, Nullable, problems, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { assertZoneInReach } from './turfs.ts';

const Canvasser = Type.Object({ user_id: Uuid, name: Type.String(), role: Type.String() });
export const TeamSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  zone_id: Nullable(Uuid),
  members: Type.Integer(),
});
export const TeamList = Type.Object({ _embedded: Type.Object({ teams: Type.Array(TeamSchema) }) });
export const TeamDetail = Type.Object({
  id: Uuid,
  name: Type.String(),
  zone_id: Nullable(Uuid),
  created_at: DateTime,
  _embedded: Type.Object({ members: Type.Array(Canvasser) }),
});
const TeamName = Type.String({ minLength: 1, maxLength: 80 });
const IdParams = Type.Object({ id: Uuid });

/** Today in Paris (yyyy-mm-dd): the campaign's days are Paris days. */
function parisToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function audit(request: FastifyRequest, actor: TenantActor, trx: Trx, action: string, teamId: string, details: Record<string, unknown>) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'field_team',
      targetId: teamId,
      ip: request.ip ?? null,
      details,
    },
  ]);
}

function cleanName(name: string): string {
  const n = name.replace(/\s+/g, ' ').trim();
  if (!n) throw new AppError('FIELD_TEAM_NAME_REQUIRED', 'Give the team a name.');
  return n;
}

async function assertNameFree(trx: Trx, campaignId: string, name: string, exceptId?: string) {
  let q = trx.selectFrom('field_team').select('id').where('campaign_id', '=', campaignId).where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('FIELD_TEAM_NAME_TAKEN', `A team is already named “${name}”.`);
}

/** A referent may only write teams of their zones (a team with no zone belongs to the whole campaign). */
async function assertTeamZone(trx: Trx, actor: TenantActor, zoneId: string | null) {
  if (!actor.zoneScope) {
    if (zoneId) await assertZoneInReach(trx, actor.campaignId, zoneId, null);
    return;
  }
  if (!zoneId) throw new AppError('FIELD_ZONE_REQUIRED', 'Choose one of your zones for the team.');
  await assertZoneInReach(trx, actor.campaignId, zoneId, actor.zoneScope);
}

async function loadTeam(trx: Trx, campaignId: string, id: string) {
  const team = await trx.selectFrom('field_team').selectAll().where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
  if (!team) throw notFound('team');
  return team;
}

async function readTeam(trx: Trx, campaignId: string, id: string) {
  const team = await loadTeam(trx, campaignId, id);
  const { rows } = await sql<{ user_id: string; name: string; role: string }>`
    select m.user_id, coalesce(m.display_name, u.display_name) as name, m.role
    from field_team_member tm
    join membership m on m.campaign_id = tm.campaign_id and m.user_id = tm.staff_user_id
    join staff_user u on u.id = tm.staff_user_id
    where tm.campaign_id = ${campaignId} and tm.team_id = ${id} order by 2`.execute(trx);
  return {
    id: team.id,
    name: team.name,
    zone_id: team.zone_id,
    created_at: new Date(team.created_at as unknown as string).toISOString(),
    _embedded: { members: rows },
  };
}

export const fieldTeamRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/field/teams',
    {
      schema: {
        tags: ['field'],
        summary: 'Make a team of canvassers (a referent: in one of their zones)',
        body: Type.Object({ name: TeamName, zone_id: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false }),
        response: { 201: TeamDetail, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      const name = cleanName(request.body.name);
      const zoneId = request.body.zone_id ?? null;
      const team = await inTenant(app, actor, async (trx) => {
        await assertTeamZone(trx, actor, zoneId);
        await assertNameFree(trx, actor.campaignId, name);
        const id = uuidv7();
        await trx.insertInto('field_team').values({ campaign_id: actor.campaignId, id, name, zone_id: zoneId }).execute();
        await audit(request, actor, trx, 'field.team_created', id, { name, zone_id: zoneId });
        return readTeam(trx, actor.campaignId, id);
      });
      return reply.status(201).send(team);
    },
  );

  app.get(
    '/field/teams/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'A team of canvassers with its members',
        params: IdParams,
        response: { 200: TeamDetail, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:read');
      return inTenant(app, actor, (trx) => readTeam(trx, actor.campaignId, request.params.id));
    },
  );

  app.patch(
    '/field/teams/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'Rename a team or move it to another zone',
        params: IdParams,
        body: Type.Object({ name: Type.Optional(TeamName), zone_id: Type.Optional(Nullable(Uuid)) }, { additionalProperties: false }),
        response: { 200: TeamDetail, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      return inTenant(app, actor, async (trx) => {
        const team = await loadTeam(trx, actor.campaignId, request.params.id);
        await assertTeamZone(trx, actor, team.zone_id);
        const changes: { name?: string; zone_id?: string | null } = {};
        if (request.body.name !== undefined) {
          changes.name = cleanName(request.body.name);
          await assertNameFree(trx, actor.campaignId, changes.name, team.id);
        }
        if (request.body.zone_id !== undefined) {
          changes.zone_id = request.body.zone_id;
          await assertTeamZone(trx, actor, changes.zone_id);
        }
        if (Object.keys(changes).length) {
          await trx.updateTable('field_team').set(changes).where('campaign_id', '=', actor.campaignId).where('id', '=', team.id).execute();
          await audit(request, actor, trx, 'field.team_updated', team.id, {
            ...changes,
            ...(changes.name !== undefined ? { previous_name: team.name } : {}),
          });
        }
        return readTeam(trx, actor.campaignId, team.id);
      });
    },
  );

  app.delete(
    '/field/teams/:id',
    {
      schema: {
        tags: ['field'],
        summary: 'Delete a team (refused while it has turfs to walk today or later: withdraw them first)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'turfs:write');
      await inTenant(app, actor, async (trx) => {
        const team = await loadTeam(trx, actor.campaignId, request.params.id);
        await assertTeamZone(trx, actor, team.zone_id);
        const coming = await trx
          .selectFrom('turf_assignment')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('campaign_id', '=', actor.campaignId)
          .where('team_id', '=', team.id)
          .where('on_date', '>=', parisToday())
          .executeTakeFirstOrThrow();
        const n = Number(coming.n);
        if (n > 0)
          throw new AppError('FIELD_TEAM_ASSIGNED', `This team has ${n} turf assignment(s) today or later: withdraw them first.`, {
            assignments: n,
          });
        await trx.deleteFrom('field_team').where('campaign_id', '=', actor.campaignId).where('id', '=', team.id).execute();
        await audit(request, actor, trx, 'field.team_removed', team.id, { name: team.name });
      });
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/field/teams/:id/members',
    {
      schema: {
        tags: ['field'],
        summary: "Set a team's members (members of the campaign; a referent adds volunteers or themselves only)",
        params: IdParams,
        body: Type.Object({ staff_user_ids: Type.Array(Uuid, { maxItems: 200 }) }, { additionalProperties: false }),
        response: { 200: TeamDetail, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'turfs:write');
      const wanted = [...new Set(request.body.staff_user_ids)];
      return inTenant(app, actor, async (trx) => {
        const team = await loadTeam(trx, actor.campaignId, request.params.id);
        await assertTeamZone(trx, actor, team.zone_id);
        const members = wanted.length
          ? await trx
              .selectFrom('membership')
              .select(['user_id', 'role'])
              .where('campaign_id', '=', actor.campaignId)
              .where('user_id', 'in', wanted)
              .execute()
          : [];
        if (members.length !== wanted.length)
          throw new AppError('FIELD_ASSIGNEE_UNKNOWN', 'Someone given is not a member of the campaign.');
        const current = await trx
          .selectFrom('field_team_member')
          .select('staff_user_id')
          .where('campaign_id', '=', actor.campaignId)
          .where('team_id', '=', team.id)
          .execute();
        const before = new Set(current.map((r) => r.staff_user_id));
        const added = members.filter((m) => !before.has(m.user_id));
        const removed = [...before].filter((id) => !wanted.includes(id));
        if (actor.zoneScope && added.some((m) => m.role !== 'volunteer' && m.user_id !== actor.userId))
          throw new AppError('FIELD_TEAM_MEMBER_OUT_OF_REACH', 'A referent puts only volunteers (or themselves) in a team.');
        if (removed.length)
          await trx
            .deleteFrom('field_team_member')
            .where('campaign_id', '=', actor.campaignId)
            .where('team_id', '=', team.id)
            .where('staff_user_id', 'in', removed)
            .execute();
        if (added.length)
          await trx
            .insertInto('field_team_member')
            .values(added.map((m) => ({ campaign_id: actor.campaignId, team_id: team.id, staff_user_id: m.user_id })))
            .execute();
        if (added.length || removed.length)
          await audit(request, actor, trx, 'field.team_members_set', team.id, {
            added: added.map((m) => m.user_id),
            removed,
          });
        return readTeam(trx, actor.campaignId, team.id);
      });
    },
  );
};
