// HTTP routes of the rights of the person (export, erase — both audited) and of duplicates
// (likely pairs, merge, undo within the window).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { collection, DateTime, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { dismissDuplicate, findDuplicates, listDismissals, mergePeople, restoreDuplicate, undoMerge } from './duplicates.ts';
import type { PersonRow } from './normalize.ts';
import { getPerson, visiblePeople } from './people.repo.ts';
import { osdiPeople, peopleActor } from './people.routes.ts';
import { DUPLICATE_REASONS, IdParams, PersonSchema } from './people.schemas.ts';
import { anonymizePeople, exportPersonData, personExportCsv } from './rights.ts';

export const DuplicateReason = StringEnum(DUPLICATE_REASONS);
export const DuplicatePairSchema = Type.Object({
  a: Uuid,
  b: Uuid,
  reasons: Type.Array(DuplicateReason),
  score: Type.Number(),
  people: Type.Array(PersonSchema, { description: 'The two people (OSDI), a then b.' }),
});
export const PairBody = Type.Object({ a: Uuid, b: Uuid }, { additionalProperties: false });
export const DismissalSchema = Type.Object({
  a: Uuid,
  b: Uuid,
  dismissed_at: DateTime,
  actor_label: Type.String(),
  people: Type.Array(PersonSchema, { description: 'The two people (OSDI), a then b.' }),
});
export const MergeBody = Type.Object({ keep_id: Uuid, merge_id: Uuid });
export const MergedSchema = Type.Object({ merge_id: Uuid, undo_until: DateTime });

const audit = (
  actor: { campaignId: string; userId: string | null; tokenId: string | null; label: string },
  ip: string | null,
  action: string,
  personId: string,
  details: Record<string, unknown>,
) => ({
  campaignId: actor.campaignId,
  action,
  actorUserId: actor.userId,
  actorTokenId: actor.tokenId,
  actorLabel: actor.label,
  targetType: 'person',
  targetId: personId,
  ip,
  details,
});

export const rightsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** The OSDI documents of the people of a page of pairs, by id, in one read. */
  const peopleOfPairs = async (trx: Trx, actor: TenantActor, pairs: ReadonlyArray<{ a: string; b: string }>) => {
    const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
    const rows: PersonRow[] =
      ids.length === 0 ? [] : await visiblePeople(trx, actor).selectAll('person').where('person.id', 'in', ids).execute();
    const docs = await osdiPeople(app, trx, actor.campaignId, rows);
    return new Map(docs.map((d) => [d.id, d]));
  };

  app.get(
    '/people/:id/export',
    {
      schema: {
        tags: ['people'],
        summary: 'Everything about one person (GDPR access/portability), JSON or CSV; audited',
        params: IdParams,
        querystring: Type.Object({ format: Type.Optional(StringEnum(['json', 'csv'] as const)) }),
        response: { 200: Type.Unknown({ description: 'The JSON export, or text/csv' }), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:export');
      const format = request.query.format ?? 'json';
      const data = await inTenant(app, actor, async (trx) => {
        await getPerson(trx, actor, request.params.id);
        const exported = await exportPersonData(trx, actor.campaignId, request.params.id);
        await insertAuditEvents(trx, [audit(actor, request.ip ?? null, 'person.exported', request.params.id, { format })]);
        return exported;
      });
      reply.header('content-disposition', `attachment; filename="personne-${request.params.id}.${format}"`);
      if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(`\uFEFF${personExportCsv(data)}`);
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(data));
    },
  );

  app.post(
    '/people/:id/erase',
    {
      schema: {
        tags: ['people'],
        summary: 'Erase a person (anonymise: identity, contact, address, custom fields; keeps aggregate counts); audited',
        params: IdParams,
        response: { 200: Type.Object({ id: Uuid, anonymized: Type.Boolean() }), ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:export');
      requireActor(request, 'people:write');
      return inTenant(app, actor, async (trx) => {
        const person = await getPerson(trx, actor, request.params.id);
        if (person.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'This person is already anonymised.');
        await anonymizePeople(trx, actor.campaignId, [person.id], 'erasure', actor.label);
        await insertAuditEvents(trx, [audit(actor, request.ip ?? null, 'person.erased', person.id, { reason: 'request' })]);
        return { id: person.id, anonymized: true };
      });
    },
  );

  app.get(
    '/people/duplicates',
    {
      schema: {
        tags: ['people'],
        summary: 'Likely duplicate pairs: same e-mail, same phone, or similar name at the same address',
        querystring: PageQuery,
        response: {
          200: collection('relais:duplicates', DuplicatePairSchema),
          ...problems(401, 403),
        },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      const { page, per_page } = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await findDuplicates(trx, actor, { page, perPage: per_page });
        const people = await peopleOfPairs(trx, actor, rows);
        return {
          total_records: total,
          page,
          per_page,
          total_pages: Math.max(1, Math.ceil(total / per_page)),
          _embedded: { 'relais:duplicates': rows.map((r) => ({ ...r, people: [people.get(r.a), people.get(r.b)].filter((x) => !!x) })) },
        };
      });
    },
  );

  app.get(
    '/people/duplicates/dismissals',
    {
      schema: {
        tags: ['people'],
        summary: 'Pairs dismissed as "not duplicates", newest first (each can be restored)',
        querystring: PageQuery,
        response: { 200: collection('relais:dismissals', DismissalSchema), ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:read');
      const { page, per_page } = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await listDismissals(trx, actor, { page, perPage: per_page });
        const people = await peopleOfPairs(trx, actor, rows);
        return {
          total_records: total,
          page,
          per_page,
          total_pages: Math.max(1, Math.ceil(total / per_page)),
          _embedded: {
            'relais:dismissals': rows.map((r) => ({ ...r, people: [people.get(r.a), people.get(r.b)].filter((x) => !!x) })),
          },
        };
      });
    },
  );

  app.post(
    '/people/duplicates/dismissals',
    {
      schema: {
        tags: ['people'],
        summary: 'Mark two people as "not duplicates": the pair is no longer proposed (undo with DELETE)',
        body: PairBody,
        response: { 201: PairBody, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      const pair = await inTenant(app, actor, async (trx) => {
        const result = await dismissDuplicate(trx, peopleActor(request, actor), request.body.a, request.body.b);
        await insertAuditEvents(trx, [audit(actor, request.ip ?? null, 'person.duplicate_dismissed', result.a, { other_id: result.b })]);
        return result;
      });
      return reply.status(201).send(pair);
    },
  );

  app.delete(
    '/people/duplicates/dismissals/:a/:b',
    {
      schema: {
        tags: ['people'],
        summary: 'Undo a "not duplicates": the pair may be proposed again',
        params: PairBody,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'people:write');
      await inTenant(app, actor, async (trx) => {
        const result = await restoreDuplicate(trx, actor, request.params.a, request.params.b);
        await insertAuditEvents(trx, [audit(actor, request.ip ?? null, 'person.duplicate_restored', result.a, { other_id: result.b })]);
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/people/merge',
    {
      schema: {
        tags: ['people'],
        summary: 'Merge merge_id into keep_id (every activity, consent, tag, list moves); undoable for 24 h',
        body: MergeBody,
        response: { 200: MergedSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      return inTenant(app, actor, async (trx) => {
        const result = await mergePeople(trx, peopleActor(request, actor), request.body.keep_id, request.body.merge_id);
        await insertAuditEvents(trx, [
          audit(actor, request.ip ?? null, 'person.merged', request.body.keep_id, {
            merged_id: request.body.merge_id,
            merge_id: result.merge_id,
          }),
        ]);
        return result;
      });
    },
  );

  app.post(
    '/people/merge/preview',
    {
      schema: {
        tags: ['people'],
        summary: 'The person keep_id would become if merge_id were merged into it (nothing is written)',
        body: MergeBody,
        response: { 200: PersonSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      // The merge itself, in a transaction rolled back: the preview cannot drift from what a merge does.
      const rollback = new Error('preview');
      let preview: Awaited<ReturnType<typeof osdiPeople>>[number] | undefined;
      try {
        await inTenant(app, actor, async (trx) => {
          await mergePeople(trx, peopleActor(request, actor), request.body.keep_id, request.body.merge_id);
          [preview] = await osdiPeople(app, trx, actor.campaignId, [await getPerson(trx, actor, request.body.keep_id)]);
          throw rollback;
        });
      } catch (error) {
        if (error !== rollback) throw error;
      }
      return preview as NonNullable<typeof preview>;
    },
  );

  app.post(
    '/people/merges/:id/undo',
    {
      schema: {
        tags: ['people'],
        summary: 'Undo a merge within its window',
        params: IdParams,
        response: { 200: Type.Object({ kept_id: Uuid, merged_id: Uuid }), ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'people:write');
      return inTenant(app, actor, async (trx) => {
        const result = await undoMerge(trx, actor, request.params.id);
        await insertAuditEvents(trx, [
          audit(actor, request.ip ?? null, 'person.merge_undone', result.kept_id, {
            merged_id: result.merged_id,
            merge_id: request.params.id,
          }),
        ]);
        return result;
      });
    },
  );
};
