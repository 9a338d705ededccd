// HTTP routes of tags (with OSDI taggings) and lists (with their members). Counts and member
// listings are scoped to the referent's zones; adding a person outside them answers 404.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { writeOrLoseRace } from '../../db/unique-race.ts';
import { inTenant, requireActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, PageQuery, problems, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { addMembers, assertBulkSize, BULK_BODY_LIMIT, BULK_MAX } from './bulk.ts';
import { assertCampaignWide } from './people.policy.ts';
import { inScope, type PeopleScope, visibleIds } from './people.repo.ts';
import { peopleActor } from './people.routes.ts';
import { IdParams } from './people.schemas.ts';

type Kind = 'tag' | 'list';
const MEMBER = {
  tag: { table: 'tagging', fk: 'tag_id', at: 'created_at' },
  list: { table: 'list_member', fk: 'list_id', at: 'added_at' },
} as const;

export const GroupSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  people_count: Type.Integer(),
  created_at: DateTime,
});
export const GroupListSchema = Type.Object({ items: Type.Array(GroupSchema) });
export const GroupInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
});
const MemberSchema = Type.Object({
  person_id: Uuid,
  added_date: DateTime,
  _links: Type.Record(Type.String(), Type.Object({ href: Type.String() })),
});
const MembersInput = Type.Object({
  person_ids: Type.Optional(Type.Array(Uuid, { description: `At most ${BULK_MAX} ids (else BULK_TOO_LARGE).` })),
  person_id: Type.Optional(Uuid),
});
const MemberParams = Type.Object({ id: Uuid, person_id: Uuid });

/** Tags or lists of the campaign with how many visible people each holds. */
async function listGroups(trx: Trx, kind: Kind, scope: PeopleScope) {
  const m = MEMBER[kind];
  const { rows } = await sql<{ id: string; name: string; description: string; people_count: string; created_at: Date }>`
    select g.id, g.name, g.description, g.created_at,
      (select count(*) from ${sql.table(m.table)} x join person on person.campaign_id = x.campaign_id and person.id = x.person_id
        where x.campaign_id = g.campaign_id and ${sql.ref(`x.${m.fk}`)} = g.id and person.merged_into is null and ${inScope(scope)}) as people_count
    from ${sql.table(kind)} g where g.campaign_id = ${scope.campaignId} order by lower(g.name)`.execute(trx);
  return rows.map((r) => ({ ...r, people_count: Number(r.people_count) }));
}

async function getGroup(trx: Trx, kind: Kind, scope: PeopleScope, id: string) {
  const group = (await listGroups(trx, kind, scope)).find((g) => g.id === id);
  if (!group) throw notFound(kind);
  return group;
}

/** The DUPLICATE_NAME refusal when another tag or list of the campaign has this name (any case), or null. */
async function nameClash(trx: Trx, kind: Kind, campaignId: string, id: string | null, name: string): Promise<AppError | null> {
  const clash = await trx
    .selectFrom(kind)
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where(sql`lower(name)`, '=', name.trim().toLowerCase())
    .$if(id !== null, (q) => q.where('id', '<>', id as string))
    .executeTakeFirst();
  return clash ? new AppError('DUPLICATE_NAME', `A ${kind} named ${name} exists.`, { id: clash.id }) : null;
}

/**
 * Inserts or renames a tag or list; a name already used answers DUPLICATE_NAME, also when a
 * concurrent request took it between the check and the write.
 */
async function saveGroup(
  trx: Trx,
  kind: Kind,
  campaignId: string,
  id: string | null,
  body: { name: string; description?: string | undefined },
) {
  const clash = await nameClash(trx, kind, campaignId, id, body.name);
  if (clash) throw clash;
  const lost = async (): Promise<never> => {
    throw (await nameClash(trx, kind, campaignId, id, body.name)) ?? new AppError('DUPLICATE_NAME');
  };
  const index = kind === 'tag' ? 'tag_name_idx' : 'list_name_idx';
  if (id === null) {
    const newId = uuidv7();
    await writeOrLoseRace(
      trx,
      index,
      () =>
        trx
          .insertInto(kind)
          .values({ campaign_id: campaignId, id: newId, name: body.name.trim(), description: body.description ?? '' })
          .execute(),
      lost,
    );
    return newId;
  }
  const r = await writeOrLoseRace(
    trx,
    index,
    () =>
      trx
        .updateTable(kind)
        .set({ name: body.name.trim(), ...(body.description !== undefined ? { description: body.description } : {}) })
        .where('campaign_id', '=', campaignId)
        .where('id', '=', id)
        .executeTakeFirst(),
    lost,
  );
  if (Number(r.numUpdatedRows) === 0) throw notFound(kind);
  return id;
}

/** Registers the CRUD and membership routes of tags (`/tags`, `/taggings`) or lists (`/lists`, `/items`). */
function groupRoutes(kind: Kind, base: string, members: string, embed: string): FastifyPluginAsyncTypebox {
  const m = MEMBER[kind];
  return async (app) => {
    const tag = [kind === 'tag' ? 'tags' : 'lists'];
    const scope =
      kind === 'tag' ? ({ read: 'tags:read', write: 'tags:write' } as const) : ({ read: 'lists:read', write: 'lists:write' } as const);
    app.get(
      base,
      {
        schema: {
          tags: tag,
          summary: `${kind}s with people_count`,
          response: { 200: GroupListSchema, ...problems(401, 403) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        return inTenant(app, actor, async (trx) => ({ items: await listGroups(trx, kind, actor) }));
      },
    );
    app.post(
      base,
      {
        schema: {
          tags: tag,
          summary: `Create a ${kind}`,
          body: GroupInput,
          response: { 201: GroupSchema, ...problems(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, scope.write);
        const group = await inTenant(app, actor, async (trx) =>
          getGroup(trx, kind, actor, await saveGroup(trx, kind, actor.campaignId, null, request.body)),
        );
        return reply.status(201).send(group);
      },
    );
    app.put(
      `${base}/:id`,
      {
        schema: {
          tags: tag,
          summary: `Rename a ${kind}`,
          params: IdParams,
          body: GroupInput,
          response: { 200: GroupSchema, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.write);
        assertCampaignWide(actor, kind, 'rename');
        return inTenant(app, actor, async (trx) =>
          getGroup(trx, kind, actor, await saveGroup(trx, kind, actor.campaignId, request.params.id, request.body)),
        );
      },
    );
    app.delete(
      `${base}/:id`,
      { schema: { tags: tag, summary: `Delete a ${kind}`, params: IdParams, response: { 204: NoContent, ...problems(401, 403, 404) } } },
      async (request, reply) => {
        const actor = requireActor(request, scope.write);
        assertCampaignWide(actor, kind, 'delete');
        await inTenant(app, actor, async (trx) => {
          const r = await trx
            .deleteFrom(kind)
            .where('campaign_id', '=', actor.campaignId)
            .where('id', '=', request.params.id)
            .executeTakeFirst();
          if (Number(r.numDeletedRows) === 0) throw notFound(kind);
        });
        return reply.status(204).send(null);
      },
    );

    app.get(
      `${base}/:id/${members}`,
      {
        schema: {
          tags: tag,
          summary: `People of a ${kind} (OSDI)`,
          params: IdParams,
          querystring: PageQuery,
          response: { 200: collection(embed, MemberSchema), ...problems(401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        const { page, per_page } = request.query;
        return inTenant(app, actor, async (trx) => {
          await getGroup(trx, kind, actor, request.params.id);
          const { rows } = await sql<{ person_id: string; added_date: Date; total: string }>`
            select x.person_id, ${sql.ref(`x.${m.at}`)} as added_date, count(*) over () as total
            from ${sql.table(m.table)} x join person on person.campaign_id = x.campaign_id and person.id = x.person_id
            where x.campaign_id = ${actor.campaignId} and ${sql.ref(`x.${m.fk}`)} = ${request.params.id}
              and person.merged_into is null and ${inScope(actor)}
            order by 2 desc, 1 limit ${per_page} offset ${(page - 1) * per_page}`.execute(trx);
          const apiBase = `${app.deps.config.publicUrl}/api/v1`;
          return {
            total_records: Number(rows[0]?.total ?? 0),
            page,
            per_page,
            _embedded: {
              [embed]: rows.map((r) => ({
                person_id: r.person_id,
                added_date: r.added_date,
                _links: { 'osdi:person': { href: `${apiBase}/people/${r.person_id}` } },
              })),
            },
          };
        });
      },
    );
    app.post(
      `${base}/:id/${members}`,
      {
        bodyLimit: BULK_BODY_LIMIT,
        schema: {
          tags: tag,
          summary: `Add people to a ${kind} ({person_ids} or {person_id}); 404 when one is not yours to see`,
          params: IdParams,
          body: MembersInput,
          response: { 200: Type.Object({ affected: Type.Integer() }), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.write);
        const ids = [...new Set([...(request.body.person_ids ?? []), ...(request.body.person_id ? [request.body.person_id] : [])])];
        if (ids.length === 0) throw new AppError('VALIDATION_FAILED', 'Give person_ids or person_id.');
        assertBulkSize(ids.length, 'person_ids');
        return inTenant(app, actor, async (trx) => {
          await getGroup(trx, kind, actor, request.params.id);
          const visible = await visibleIds(trx, peopleActor(request, actor), ids);
          if (visible.length !== ids.length) throw notFound('person');
          return {
            affected: await addMembers(trx, { kind, campaignId: actor.campaignId, groupId: request.params.id, personIds: visible }),
          };
        });
      },
    );
    app.delete(
      `${base}/:id/${members}/:person_id`,
      {
        schema: {
          tags: tag,
          summary: `Remove a person from a ${kind}`,
          params: MemberParams,
          response: { 204: NoContent, ...problems(401, 403, 404) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, scope.write);
        await inTenant(app, actor, async (trx) => {
          const [visible] = await visibleIds(trx, actor, [request.params.person_id]);
          if (!visible) throw notFound('person');
          const r = await trx
            .deleteFrom(m.table)
            .where('campaign_id', '=', actor.campaignId)
            .where(m.fk, '=', request.params.id)
            .where('person_id', '=', visible)
            .executeTakeFirst();
          if (Number(r.numDeletedRows) === 0) throw notFound(`${kind} membership`);
        });
        return reply.status(204).send(null);
      },
    );
  };
}

export const tagsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(groupRoutes('tag', '/tags', 'taggings', 'osdi:taggings'));
  await app.register(groupRoutes('list', '/lists', 'items', 'osdi:items'));
};
