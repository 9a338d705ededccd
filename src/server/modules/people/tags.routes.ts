// HTTP routes of tags and their taggings, lists and their items, as OSDI serves them (HAL
// collections, GET/PUT/DELETE on one, memberships created from a link to the person), and a
// person's taggings and items. Counts and member listings are scoped to the referent's zones; adding
// a person outside them answers 404. The documents and queries are in groups.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, PageQuery, problems, Uuid } from '../../http/schemas.ts';
import { addMembers, assertBulkSize, BULK_BODY_LIMIT, BULK_MAX, removeMembers } from './bulk.ts';
import {
  deleteGroup,
  GROUP,
  GroupInput,
  type GroupKind,
  GroupPatch,
  GroupSchema,
  getGroup,
  getMember,
  groupsPage,
  idOfHref,
  ListCollectionSchema,
  MemberSchema,
  membersPage,
  saveGroup,
  TagCollectionSchema,
} from './groups.ts';
import { FILTER_MAX_LENGTH } from './osdi-filter.ts';
import { assertCampaignWide } from './people.policy.ts';
import { getPerson, visibleIds } from './people.repo.ts';
import { peopleActor } from './people.routes.ts';
import { IdParams } from './people.schemas.ts';

export { GroupInput, GroupSchema } from './groups.ts';

const CollectionQuery = Type.Object({ ...PageQuery.properties, filter: Type.Optional(Type.String({ maxLength: FILTER_MAX_LENGTH })) });
const MembersInput = Type.Object({
  person_ids: Type.Optional(Type.Array(Uuid, { description: `At most ${BULK_MAX} ids (else BULK_TOO_LARGE).` })),
  person_id: Type.Optional(Uuid),
  item_type: Type.Optional(Type.String({ maxLength: 40, description: "OSDI: 'osdi:person' (the only kind of member)" })),
  _links: Type.Optional(
    Type.Object(
      { 'osdi:person': Type.Optional(Type.Object({ href: Type.String({ maxLength: 2000 }) })) },
      {
        description: 'OSDI: {"osdi:person": {"href": "…/api/v1/people/<id>"}}',
      },
    ),
  ),
});
const MemberParams = Type.Object({ id: Uuid, person_id: Uuid });
const Notice = Type.Object({ notice: Type.String() });
const Affected = Type.Object({ affected: Type.Integer() });

/** The paging envelope of a collection page. */
function envelope<N extends string, D>(
  app: FastifyInstance,
  request: FastifyRequest,
  name: N,
  query: { page: number; per_page: number },
  page: { total: number; docs: D[] },
) {
  const totalPages = Math.max(1, Math.ceil(page.total / query.per_page));
  return {
    total_records: page.total,
    total_pages: totalPages,
    page: query.page,
    per_page: query.per_page,
    _links: pageLinks(app, request, query.page, totalPages),
    _embedded: { [name]: page.docs } as { [K in N]: D[] },
  };
}

/** Registers the routes of tags (`/tags`, `/taggings`) or lists (`/lists`, `/items`). */
function groupRoutes(kind: GroupKind): FastifyPluginAsyncTypebox {
  const g = GROUP[kind];
  const base = `/${g.path}`;
  const members = `${base}/:id/${g.memberPath}`;
  return async (app) => {
    const apiBase = `${app.deps.config.publicUrl}/api/v1`;
    const tags = [g.path];
    const scope =
      kind === 'tag' ? ({ read: 'tags:read', write: 'tags:write' } as const) : ({ read: 'lists:read', write: 'lists:write' } as const);
    app.get(
      base,
      {
        schema: {
          tags,
          summary: `${g.path} (OSDI collection ${g.rels}) with people_count; filter on name, created_date, modified_date…`,
          querystring: CollectionQuery,
          response: { 200: kind === 'tag' ? TagCollectionSchema : ListCollectionSchema, ...problems(400, 401, 403) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        const q = request.query;
        return inTenant(app, actor, async (trx) =>
          envelope(
            app,
            request,
            g.rels,
            q,
            await groupsPage(trx, kind, actor, { apiBase, page: q.page, perPage: q.per_page, filter: q.filter }),
          ),
        );
      },
    );
    app.post(
      base,
      {
        schema: {
          tags,
          summary: `Create a ${kind} (OSDI fields it does not keep are ignored)`,
          body: GroupInput,
          response: { 201: GroupSchema, ...problems(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, scope.write);
        const group = await inTenant(app, actor, async (trx) =>
          getGroup(trx, kind, actor, await saveGroup(trx, kind, actor.campaignId, null, request.body), apiBase),
        );
        return reply.status(201).send(group);
      },
    );
    app.get(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: `One ${kind} (OSDI ${g.rel})`,
          params: IdParams,
          response: { 200: GroupSchema, ...problems(401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        return inTenant(app, actor, (trx) => getGroup(trx, kind, actor, request.params.id, apiBase));
      },
    );
    app.put(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: `Change a ${kind}: only the fields given`,
          params: IdParams,
          body: GroupPatch,
          response: { 200: GroupSchema, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.write);
        assertCampaignWide(actor, kind, 'rename');
        return inTenant(app, actor, async (trx) =>
          getGroup(trx, kind, actor, await saveGroup(trx, kind, actor.campaignId, request.params.id, request.body), apiBase),
        );
      },
    );
    app.delete(
      `${base}/:id`,
      { schema: { tags, summary: `Delete a ${kind}`, params: IdParams, response: { 200: Notice, ...problems(401, 403, 404) } } },
      async (request) => {
        const actor = requireActor(request, scope.write);
        assertCampaignWide(actor, kind, 'delete');
        await inTenant(app, actor, (trx) => deleteGroup(trx, kind, actor.campaignId, request.params.id));
        return { notice: `This ${kind} was successfully deleted.` };
      },
    );

    app.get(
      members,
      {
        schema: {
          tags,
          summary: `${g.memberPath} of a ${kind} (OSDI collection ${g.memberRels}), newest first; filter on created_date / modified_date`,
          params: IdParams,
          querystring: CollectionQuery,
          response: { 200: collection(g.memberRels, MemberSchema), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        const q = request.query;
        return inTenant(app, actor, async (trx) => {
          await getGroup(trx, kind, actor, request.params.id, apiBase);
          const page = await membersPage(trx, kind, actor, {
            apiBase,
            page: q.page,
            perPage: q.per_page,
            groupId: request.params.id,
            filter: q.filter,
          });
          return envelope(app, request, g.memberRels, q, page);
        });
      },
    );
    app.post(
      members,
      {
        bodyLimit: BULK_BODY_LIMIT,
        schema: {
          tags,
          summary: `Add a person to a ${kind}: OSDI's {"_links": {"osdi:person": {"href": …}}} answers the ${g.memberRel} (201, or 200 when it existed); {person_ids} or {person_id} answer {affected}. 404 when a person is not yours to see.`,
          params: IdParams,
          body: MembersInput,
          response: { 200: Type.Union([MemberSchema, Affected]), 201: MemberSchema, ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, scope.write);
        const body = request.body;
        if (body.item_type !== undefined && body.item_type !== 'osdi:person') {
          throw new AppError('VALIDATION_FAILED', `Only people can be in a ${kind} (item_type osdi:person).`);
        }
        const href = body._links?.['osdi:person']?.href;
        const linked = href === undefined ? null : idOfHref(href, 'people');
        if (href !== undefined && linked === null) {
          throw new AppError('VALIDATION_FAILED', `_links.osdi:person.href is not a person of this API: ${href}`, {
            errors: [{ location: 'body', pointer: '/_links/osdi:person/href', message: 'must link to /api/v1/people/<id>' }],
          });
        }
        const ids = [...new Set([...(body.person_ids ?? []), ...(body.person_id ? [body.person_id] : []), ...(linked ? [linked] : [])])];
        if (ids.length === 0) throw new AppError('VALIDATION_FAILED', 'Give _links.osdi:person.href, person_ids or person_id.');
        assertBulkSize(ids.length, 'person_ids');
        const result = await inTenant(app, actor, async (trx) => {
          await getGroup(trx, kind, actor, request.params.id, apiBase);
          const visible = await visibleIds(trx, peopleActor(request, actor), ids);
          if (visible.length !== ids.length) throw notFound('person');
          const affected = await addMembers(trx, { kind, campaignId: actor.campaignId, groupId: request.params.id, personIds: visible });
          return { affected, doc: linked ? await getMember(trx, kind, actor, request.params.id, linked, apiBase) : null };
        });
        if (!result.doc) return reply.status(200).send({ affected: result.affected });
        return reply.status(result.affected > 0 ? 201 : 200).send(result.doc);
      },
    );
    app.get(
      `${members}/:person_id`,
      {
        schema: {
          tags,
          summary: `One ${g.memberRel.slice(5)}: a person in the ${kind}`,
          params: MemberParams,
          response: { 200: MemberSchema, ...problems(401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        return inTenant(app, actor, (trx) => getMember(trx, kind, actor, request.params.id, request.params.person_id, apiBase));
      },
    );
    app.delete(
      `${members}/:person_id`,
      {
        schema: {
          tags,
          summary: `Remove a person from a ${kind}`,
          params: MemberParams,
          response: { 200: Notice, ...problems(401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.write);
        await inTenant(app, actor, async (trx) => {
          const [visible] = await visibleIds(trx, actor, [request.params.person_id]);
          if (!visible) throw notFound('person');
          const removed = await removeMembers(trx, {
            kind,
            campaignId: actor.campaignId,
            groupId: request.params.id,
            personIds: [visible],
          });
          if (removed === 0) throw notFound(`${kind} membership`);
        });
        return { notice: `This ${g.memberRel.slice(5)} was successfully deleted.` };
      },
    );

    app.get(
      `/people/:id/${g.memberPath}`,
      {
        schema: {
          tags: ['people'],
          summary: `A person's ${g.memberPath} (OSDI collection ${g.memberRels}), newest first`,
          params: IdParams,
          querystring: CollectionQuery,
          response: { 200: collection(g.memberRels, MemberSchema), ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const actor = requireActor(request, scope.read);
        const q = request.query;
        return inTenant(app, actor, async (trx) => {
          await getPerson(trx, actor, request.params.id);
          const page = await membersPage(trx, kind, actor, {
            apiBase,
            page: q.page,
            perPage: q.per_page,
            personId: request.params.id,
            filter: q.filter,
          });
          return envelope(app, request, g.memberRels, q, page);
        });
      },
    );
  };
}

export const tagsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(groupRoutes('tag'));
  await app.register(groupRoutes('list'));
};
