// HTTP routes of people: the OSDI collection with search, one person, create/update, the signup
// helper, timeline, consents, manual ladder moves and bulk actions. Every query is scoped.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type SqlBool, sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import type { LadderStage } from '../../db/schema.ts';
import { inTenant, requestLimits, requireActor, type TenantActor } from '../../http/auth.ts';
import { acceptLocalCliRequests } from '../../http/local-cli.ts';
import { pageLinks } from '../../http/pagination.ts';
import { AppError } from '../../http/problem.ts';
import { collection, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { confirmationMail, listConsents, recordConsents, requestEmailConfirmation } from '../consent/index.ts';
import { exportPeopleCsv, loadSegmentDefinition, prepareSegment, segmentPersonIds, sendPeopleCsv } from '../segments/index.ts';
import { personTimeline } from '../timeline/index.ts';
import { addMembers, assertBulkSize, BULK_BODY_LIMIT, BULK_MAX, removeMembers } from './bulk.ts';
import { moveStageManually } from './ladder.ts';
import { formatPersonOsdi, type OsdiPerson, type PersonRow } from './normalize.ts';
import { FILTER_MAX_LENGTH } from './osdi-filter.ts';
import {
  applyEmailStatus,
  autoresponseMail,
  doubleOptInSetting,
  emailConsentOf,
  type OsdiPersonBody,
  OsdiPersonInput,
  type OsdiSignupBody,
  personInputOf,
  signupBodySchema,
  signupEmail,
  signupGroups,
  triggersOutcome,
} from './osdi-person.ts';
import { getPerson, listPeople, loadRelated, relatedOf, searchCondition, visibleIds } from './people.repo.ts';
import {
  ConsentInputSchema,
  ConsentListSchema,
  ConsentSchema,
  IdParams,
  PersonSchema,
  Stage,
  TimelineItemSchema,
} from './people.schemas.ts';
import { createPerson, type PeopleActor, signup, updatePerson } from './people.service.ts';

const SignupBody = signupBodySchema();
// POST /people takes a signup's fields too (a body holding `person`), all optional.
const { person: _person, ...signupRest } = SignupBody.properties;
const SignupFields = { person: Type.Optional(OsdiPersonInput), ...signupRest };

/** The people-side view of the actor: campaign, referent zones, label and IP for proofs. */
export function peopleActor(request: FastifyRequest, actor: TenantActor): PeopleActor {
  return { campaignId: actor.campaignId, zoneScope: actor.zoneScope, label: actor.label, ip: request.ip ?? null };
}

/** People rows as OSDI documents, with their zones, tags and lists. */
export async function osdiPeople(app: FastifyInstance, trx: Trx, campaignId: string, rows: readonly PersonRow[]) {
  const related = await loadRelated(trx, campaignId, rows);
  const apiBase = `${app.deps.config.publicUrl}/api/v1`;
  return rows.map((row) => formatPersonOsdi(row, { ...relatedOf(related, row), apiBase }));
}

const ListQuery = Type.Object({
  ...PageQuery.properties,
  q: Type.Optional(Type.String({ maxLength: 200 })),
  stage: Type.Optional(Stage),
  zone_id: Type.Optional(Uuid),
  tag_id: Type.Optional(Uuid),
  list_id: Type.Optional(Uuid),
  sort: Type.Optional(Type.String({ pattern: '^-?[a-z_]+$' })),
  filter: Type.Optional(Type.String({ maxLength: FILTER_MAX_LENGTH })),
  segment_id: Type.Optional(Uuid),
});
const ExportQuery = Type.Object({
  q: ListQuery.properties.q,
  stage: ListQuery.properties.stage,
  zone_id: ListQuery.properties.zone_id,
  tag_id: ListQuery.properties.tag_id,
  list_id: ListQuery.properties.list_id,
  segment_id: ListQuery.properties.segment_id,
});

/** A saved segment chosen as a filter of the list, compiled within the actor's scope (NOT_FOUND if absent). */
async function segmentFilter(trx: Trx, actor: TenantActor, segmentId: string | undefined) {
  if (!segmentId) return undefined;
  const definition = await loadSegmentDefinition(trx, actor.campaignId, segmentId);
  return prepareSegment(trx, definition, { campaignId: actor.campaignId, zoneScope: actor.zoneScope, strict: false });
}

const BULK_ACTIONS = ['add_tag', 'remove_tag', 'add_to_list', 'remove_from_list', 'move_stage'] as const;

export const BulkBody = Type.Object({
  person_ids: Type.Optional(Type.Array(Uuid, { description: `At most ${BULK_MAX} ids (else BULK_TOO_LARGE).` })),
  segment: Type.Optional(
    Type.Unknown({ description: 'A saved segment id, or a segment definition (see /segments); instead of person_ids.' }),
  ),
  action: StringEnum(BULK_ACTIONS),
  tag_id: Type.Optional(Uuid),
  list_id: Type.Optional(Uuid),
  to_stage: Type.Optional(Stage),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export const BulkResultSchema = Type.Object({ affected: Type.Integer() });
export const LadderMoveBody = Type.Object({ to_stage: Stage, reason: Type.String({ minLength: 1, maxLength: 500 }) });

/** Ids of the people a segment selects (a saved segment id or a definition), within the actor's scope. */
async function segmentMembers(trx: Trx, actor: TenantActor, segment: unknown): Promise<string[]> {
  const scope = { campaignId: actor.campaignId, zoneScope: actor.zoneScope };
  const query =
    typeof segment === 'string'
      ? await segmentPersonIds(trx, await loadSegmentDefinition(trx, actor.campaignId, segment), { ...scope, strict: false })
      : await segmentPersonIds(trx, segment, { ...scope, pointerPrefix: '/segment' });
  const rows = await query.limit(BULK_MAX + 1).execute();
  assertBulkSize(rows.length, 'segment');
  return rows.map((r) => r.id);
}

export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const one = async (trx: Trx, campaignId: string, row: PersonRow) => (await osdiPeople(app, trx, campaignId, [row]))[0] as OsdiPerson;

  app.get(
    '/people',
    {
      schema: {
        tags: ['people'],
        summary: 'People (OSDI collection): search as you type, filters, sort, OSDI filter on modified_date',
        querystring: ListQuery,
        response: { 200: collection('osdi:people', PersonSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      const q = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total, totalIsLowerBound } = await listPeople(trx, actor, {
          page: q.page,
          perPage: q.per_page,
          q: q.q,
          stage: q.stage,
          zoneId: q.zone_id,
          tagId: q.tag_id,
          listId: q.list_id,
          sort: q.sort,
          filter: q.filter,
          segmentWhere: await segmentFilter(trx, actor, q.segment_id),
        });
        const totalPages = Math.max(1, Math.ceil(total / q.per_page));
        return {
          total_records: total,
          ...(totalIsLowerBound ? { total_is_lower_bound: true } : {}),
          total_pages: totalPages,
          page: q.page,
          per_page: q.per_page,
          _links: pageLinks(app, request, q.page, totalPages),
          _embedded: { 'osdi:people': await osdiPeople(app, trx, actor.campaignId, rows) },
        };
      });
    },
  );

  // In a scope of its own: `relais export people` reaches this route (and no other of the module)
  // through the local CLI channel while the server holds the embedded database.
  await app.register(async (plain) => {
    acceptLocalCliRequests(plain);
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
    scope.get(
      '/people/export.csv',
      {
        schema: {
          tags: ['people'],
          summary: 'Export the people list as CSV, with its filters (search, stage, zone, tag, list, saved segment); streamed, audited',
          querystring: ExportQuery,
          produces: ['text/csv'],
          response: { 200: Type.String({ description: 'CSV (UTF-8 with BOM, `;` separated), streamed' }), ...problems(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, 'people:export');
        const q = request.query;
        // The list's own filters are a segment definition (as the list compiles them); the search and
        // a saved segment are conditions the export ANDs to it.
        const children: unknown[] = [];
        if (q.stage) children.push({ field: 'ladder_stage', cmp: 'in', value: [q.stage] });
        if (q.zone_id) children.push({ field: 'zone', cmp: 'in', value: [q.zone_id] });
        if (q.tag_id) children.push({ field: 'tag', cmp: 'has', value: q.tag_id });
        if (q.list_id) children.push({ field: 'list', cmp: 'member', value: q.list_id });
        const segmentWhere = await inTenant(app, actor, (trx) => segmentFilter(trx, actor, q.segment_id));
        const search = q.q?.trim() ? searchCondition(q.q.trim(), actor.zoneScope) : undefined;
        const restrict = [segmentWhere, search].filter((w) => w !== undefined);
        const csv = await exportPeopleCsv(app.deps.database, {
          campaignId: actor.campaignId,
          zoneScope: actor.zoneScope,
          actor: { userId: actor.userId, tokenId: actor.tokenId, label: actor.label, ip: request.ip ?? null },
          definition: { op: 'and', children },
          ...(restrict.length > 0
            ? {
                restrict: {
                  where: restrict.length === 1 ? restrict[0]! : sql<SqlBool>`(${restrict[0]!}) and (${restrict[1]!})`,
                  filters: { q: q.q?.trim() || undefined, segment_id: q.segment_id },
                },
              }
            : {}),
          limits: requestLimits(app),
        });
        return sendPeopleCsv(reply, csv, 'contacts');
      },
    );
  });

  app.get(
    '/people/:id',
    {
      schema: {
        tags: ['people'],
        summary: 'One person (OSDI)',
        params: IdParams,
        response: { 200: PersonSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      return inTenant(app, actor, async (trx) => one(trx, actor.campaignId, await getPerson(trx, actor, request.params.id)));
    },
  );

  /**
   * The signup helper (person_signup.md): groups by name, id or link, the person matched by
   * identifier or e-mail, its e-mail status in the consent ledger, the autoresponse sent after commit.
   */
  const signupHelper = async (request: FastifyRequest, actor: TenantActor, body: OsdiSignupBody) => {
    const people = peopleActor(request, actor);
    const email = signupEmail(body);
    const triggers = triggersOutcome(body, email);
    const ignored = body.add_questions_responses_uri?.length ? { not_applied: ['add_questions_responses_uri'] } : {};
    const result = await inTenant(app, actor, async (trx) => {
      const campaign = await trx
        .selectFrom('campaign')
        .select(['id', 'name', 'settings'])
        .where('id', '=', actor.campaignId)
        .executeTakeFirstOrThrow();
      // Double opt-in (the body's flag, else the campaign's setting): the e-mail consent is not
      // given now but asked for by a confirmation link; other channels are recorded as sent.
      const doubleOptIn = body.double_opt_in ?? doubleOptInSetting(campaign.settings);
      const emailConsent = body.consents?.find((c) => c.channel === 'email');
      const consents = doubleOptIn ? body.consents?.filter((c) => c.channel !== 'email') : body.consents;
      const status = emailConsentOf(body.person);
      const { tagIds, listIds } = await signupGroups(trx, actor.campaignId, body);
      const signed = await signup(trx, people, {
        person: personInputOf(body.person),
        tag_ids: tagIds,
        add_lists: listIds,
        ...(consents ? { consents } : {}),
        activity: {
          ...(Object.keys(triggers).length > 0 ? { triggers } : {}),
          ...ignored,
          ...(doubleOptIn ? { double_opt_in: true } : {}),
        },
      });
      const recorded = await applyEmailStatus(
        trx,
        people,
        signed.person,
        doubleOptIn && status === 'given' ? null : status,
        body.person.origin_system,
      );
      const row = recorded ? await getPerson(trx, actor, signed.person.id) : signed.person;
      const confirmation =
        doubleOptIn && row.email && status !== 'withdrawn'
          ? await requestEmailConfirmation(trx, {
              campaignId: actor.campaignId,
              personId: row.id,
              email: row.email,
              secret: app.deps.config.mailing.tokenSecret,
              signupProof: {
                form: emailConsent?.form,
                text_shown: emailConsent?.text_shown,
                ip: people.ip,
                user_agent: request.headers['user-agent'] ?? null,
                origin_system: body.person.origin_system,
                actor: actor.label,
              },
            })
          : null;
      return { doc: await one(trx, actor.campaignId, row), created: signed.created, campaign, to: row.email, confirmation };
    });
    const autoresponse = triggers.autoresponse as { status: string } | undefined;
    if (autoresponse?.status === 'sent' && result.to) {
      // After commit: a signup that rolled back sends nothing. A failed send loses no signup.
      await app.deps.mailer.send(autoresponseMail(result.campaign, result.to)).catch((error: unknown) => {
        request.log.warn({ err: error, person_id: result.doc.id }, 'signup autoresponse not sent');
      });
    }
    if (result.confirmation?.status === 'sent') {
      // After commit too; a failed send leaves the confirmation pending (a new signup asks again, within the rate).
      await app.deps.mailer.send(confirmationMail(app.deps.config.publicUrl, result.confirmation.send)).catch((error: unknown) => {
        request.log.warn({ err: error, person_id: result.doc.id }, 'signup confirmation link not sent');
      });
    }
    return result;
  };

  app.post(
    '/people',
    {
      schema: {
        tags: ['people'],
        summary:
          "Create a person (OSDI fields we do not keep are ignored). A body holding `person` is a signup (as Action Network's POST /people): see person_signup_helper; it answers 200 when it matched an existing person.",
        body: Type.Object({ ...OsdiPersonInput.properties, ladder_stage: Type.Optional(Stage), ...SignupFields }),
        response: { 200: PersonSchema, 201: PersonSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const body = request.body as OsdiPersonBody & { ladder_stage?: LadderStage; person?: OsdiPersonBody };
      if (body.person && typeof body.person === 'object') {
        const { doc, created } = await signupHelper(request, actor, body as OsdiSignupBody);
        return reply.status(created ? 201 : 200).send(doc);
      }
      const people = peopleActor(request, actor);
      const person = await inTenant(app, actor, async (trx) => {
        const created = await createPerson(trx, people, personInputOf(body));
        const recorded = await applyEmailStatus(trx, people, created, emailConsentOf(body), body.origin_system);
        return one(trx, actor.campaignId, recorded ? await getPerson(trx, actor, created.id) : created);
      });
      return reply.status(201).send(person);
    },
  );

  app.put(
    '/people/:id',
    {
      schema: {
        tags: ['people'],
        summary:
          "Update a person (partial: only the fields given; OSDI fields we do not keep are ignored; an e-mail's status writes the consent ledger)",
        params: IdParams,
        body: OsdiPersonInput,
        response: { 200: PersonSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      const people = peopleActor(request, actor);
      const body = request.body as OsdiPersonBody;
      return inTenant(app, actor, async (trx) => {
        const updated = await updatePerson(trx, people, request.params.id, personInputOf(body));
        const recorded = await applyEmailStatus(trx, people, updated, emailConsentOf(body), body.origin_system);
        return one(trx, actor.campaignId, recorded ? await getPerson(trx, actor, updated.id) : updated);
      });
    },
  );

  // person_signup.md's URL is /people/person_signup_helper; the spec's entry point example links
  // /people/person_signup: both are served.
  for (const url of ['/people/person_signup_helper', '/people/person_signup']) {
    app.post(
      url,
      {
        schema: {
          tags: ['people'],
          summary:
            'OSDI signup helper: create or update (matched by identifier, else e-mail), add tags and lists (add_tags, add_lists by name or id, *_uri by link), record consents and the e-mail status, send the autoresponse (triggers.autoresponse)',
          ...(url === '/people/person_signup' ? { hide: true } : {}),
          body: SignupBody,
          response: { 200: PersonSchema, 201: PersonSchema, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request, 'people:write');
        const { doc, created } = await signupHelper(request, actor, request.body as OsdiSignupBody);
        return reply.status(created ? 201 : 200).send(doc);
      },
    );
  }

  app.get(
    '/people/:id/activities',
    {
      schema: {
        tags: ['people'],
        summary: "A person's timeline: activities, ladder moves, consents, tags",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: collection('relais:timeline', TimelineItemSchema), ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      return inTenant(app, actor, async (trx) => {
        await getPerson(trx, actor, request.params.id);
        const page = { page: request.query.page, perPage: request.query.per_page };
        const { rows, total } = await personTimeline(trx, actor.campaignId, request.params.id, page);
        return { total_records: total, page: page.page, per_page: page.perPage, _embedded: { 'relais:timeline': rows } };
      });
    },
  );

  app.get(
    '/people/:id/consents',
    {
      schema: {
        tags: ['people'],
        summary: "A person's consent ledger, newest first",
        params: IdParams,
        response: { 200: ConsentListSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      return inTenant(app, actor, async (trx) => {
        await getPerson(trx, actor, request.params.id);
        return { items: await listConsents(trx, actor.campaignId, request.params.id) };
      });
    },
  );

  app.post(
    '/people/:id/consents',
    {
      schema: {
        tags: ['people'],
        summary: 'Record a consent given or withdrawn, with its proof (form, IP, text shown)',
        params: IdParams,
        body: ConsentInputSchema,
        response: { 201: ConsentSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const body = request.body;
      const consent = await inTenant(app, actor, async (trx) => {
        const person = await getPerson(trx, actor, request.params.id);
        if (person.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'This person was anonymised.');
        const [id] = await recordConsents(trx, [
          {
            campaignId: actor.campaignId,
            personId: person.id,
            channel: body.channel,
            status: body.status,
            source: body.source,
            proof: { ...body.proof, ip: body.proof?.ip ?? request.ip ?? null },
            actorLabel: actor.label,
          },
        ]);
        return trx
          .selectFrom('consent')
          .select(['id', 'channel', 'topic', 'status', 'at', 'source', 'proof', 'actor_label'])
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', id as string)
          .executeTakeFirstOrThrow();
      });
      return reply.status(201).send(consent);
    },
  );

  app.post(
    '/people/:id/ladder',
    {
      schema: {
        tags: ['people'],
        summary: 'Move a person on the ladder by hand, with a reason',
        params: IdParams,
        body: LadderMoveBody,
        response: { 200: PersonSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      return inTenant(app, actor, async (trx) => {
        const person = await getPerson(trx, actor, request.params.id);
        const { to_stage, reason } = request.body;
        await moveStageManually(trx, {
          campaignId: actor.campaignId,
          personIds: [person.id],
          toStage: to_stage,
          reason,
          actorLabel: actor.label,
        });
        return one(trx, actor.campaignId, await getPerson(trx, actor, person.id));
      });
    },
  );

  app.post(
    '/people/bulk',
    {
      bodyLimit: BULK_BODY_LIMIT,
      schema: {
        tags: ['people'],
        summary: `Bulk action on people chosen by ids or by a segment (a saved segment id or a definition), at most ${BULK_MAX} people (else BULK_TOO_LARGE); people outside your scope are left out.`,
        body: BulkBody,
        response: { 200: BulkResultSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      const b = request.body;
      if (!b.person_ids === (b.segment === undefined)) {
        throw new AppError('VALIDATION_FAILED', 'Give either person_ids or segment.');
      }
      if (b.person_ids) assertBulkSize(b.person_ids.length, 'person_ids');
      return inTenant(app, actor, async (trx) => {
        const ids = b.person_ids ? await visibleIds(trx, actor, b.person_ids) : await segmentMembers(trx, actor, b.segment);
        const c = actor.campaignId;
        const need = <T>(value: T | undefined, name: string): T => {
          if (value === undefined) throw new AppError('VALIDATION_FAILED', `The action ${b.action} needs ${name}.`);
          return value;
        };
        const exists = async (table: 'tag' | 'list', id: string) => {
          const row = await trx.selectFrom(table).select('id').where('campaign_id', '=', c).where('id', '=', id).executeTakeFirst();
          if (!row) throw new AppError('NOT_FOUND', `No such ${table}.`);
          return id;
        };
        if (ids.length === 0) return { affected: 0 };
        switch (b.action) {
          case 'add_tag':
          case 'remove_tag':
          case 'add_to_list':
          case 'remove_from_list': {
            const kind = b.action.endsWith('tag') ? 'tag' : 'list';
            const groupId = await exists(kind, kind === 'tag' ? need(b.tag_id, 'tag_id') : need(b.list_id, 'list_id'));
            const write = b.action.startsWith('add') ? addMembers : removeMembers;
            return { affected: await write(trx, { kind, campaignId: c, groupId, personIds: ids }) };
          }
          case 'move_stage': {
            const toStage = need(b.to_stage, 'to_stage');
            const affected = await moveStageManually(trx, {
              campaignId: c,
              personIds: ids,
              toStage,
              reason: b.reason ?? 'bulk',
              actorLabel: actor.label,
            });
            return { affected };
          }
        }
      });
    },
  );
};
