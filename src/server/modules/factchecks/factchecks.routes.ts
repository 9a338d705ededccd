// The fact checks' API: the verdict scale, checks with their sources (the reachability check queued
// after each save), and the review steps. Reading asks factchecks:read, writing factchecks:write,
// returning, publishing and withdrawing factchecks:publish.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { notFound } from '../../http/problem.ts';
import { collection, DateTime, NoContent, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { findFactcheck, listFactchecks, type SourceRow, sourcesOf } from './factchecks.repo.ts';
import {
  createFactcheck,
  deleteFactcheck,
  ensureScale,
  FACTCHECK_STATES,
  type FactcheckActor,
  markSourcesPending,
  moveFactcheck,
  replaceScale,
  updateFactcheck,
} from './factchecks.service.ts';
import { publicUrlOf } from './factchecks.site.ts';
import { checkSourcesJob } from './sources-check.ts';

const Day = Type.String({ maxLength: 10, description: 'yyyy-mm-dd' });
const Code = Type.String({ pattern: '^[a-z0-9-]{1,40}$' });

export const VerdictSchema = Type.Object({
  code: Code,
  label_fr: Type.String({ minLength: 1, maxLength: 60 }),
  label_en: Type.String({ minLength: 1, maxLength: 60 }),
  rating: Type.Integer({ minimum: 1, maximum: 5, description: 'schema.org rating: 1 false … 5 true' }),
  color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$' }),
});
const VerdictInput = Type.Object(
  { ...VerdictSchema.properties, color: Type.Optional(VerdictSchema.properties.color) },
  { additionalProperties: false },
);
export const ScaleSchema = Type.Object({ verdicts: Type.Array(VerdictSchema) });
const ScaleInput = Type.Object({ verdicts: Type.Array(VerdictInput, { minItems: 1, maxItems: 12 }) }, { additionalProperties: false });

const SOURCE_STATES = ['pending', 'reachable', 'unreachable', 'refused'] as const;
export const FactcheckSourceSchema = Type.Object({
  url: Type.String(),
  title: Type.String(),
  publisher: Type.String(),
  published_on: Nullable(Type.String()),
  check_state: StringEnum(SOURCE_STATES),
  check_status: Nullable(Type.Integer()),
  check_error: Nullable(Type.String()),
  checked_at: Nullable(DateTime),
});

export const FactcheckSchema = Type.Object({
  id: Uuid,
  slug: Type.String(),
  claim: Type.String(),
  claimant: Type.String(),
  claim_date: Nullable(Type.String()),
  claim_url: Nullable(Type.String()),
  theme: Type.String(),
  verdict: VerdictSchema,
  summary: Type.String(),
  explanation_html: Type.String({ description: 'sanitised on save' }),
  status: StringEnum(FACTCHECK_STATES),
  author_label: Type.String(),
  reviewer_label: Nullable(Type.String()),
  submitted_at: Nullable(DateTime),
  published_at: Nullable(DateTime),
  created_at: DateTime,
  updated_at: DateTime,
  public_url: Nullable(Type.String({ description: 'the page on the site, once published' })),
  sources: Type.Array(FactcheckSourceSchema),
});

const SourceInput = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000 }),
    title: Type.String({ minLength: 1, maxLength: 300 }),
    publisher: Type.Optional(Type.String({ maxLength: 200 })),
    published_on: Type.Optional(Nullable(Day)),
  },
  { additionalProperties: false },
);
export const FactcheckInput = Type.Object(
  {
    claim: Type.String({ minLength: 1, maxLength: 1000 }),
    claimant: Type.String({ minLength: 1, maxLength: 200 }),
    claim_date: Type.Optional(Nullable(Day)),
    claim_url: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    theme: Type.Optional(Type.String({ maxLength: 100 })),
    verdict: Code,
    summary: Type.Optional(Type.String({ maxLength: 1000 })),
    explanation_html: Type.Optional(Type.String({ maxLength: 100_000 })),
    slug: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,120}$' })),
    sources: Type.Optional(Type.Array(SourceInput, { maxItems: 30 })),
  },
  { additionalProperties: false },
);

const ListQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(StringEnum(FACTCHECK_STATES)),
  theme: Type.Optional(Type.String({ maxLength: 100 })),
  verdict: Type.Optional(Code),
  claimant: Type.Optional(Type.String({ maxLength: 200 })),
});
const IdParams = Type.Object({ id: Uuid });
/** The review steps, each a POST /factchecks/:id/<step>. */
export const FACTCHECK_STEPS = ['submit', 'return', 'publish', 'withdraw'] as const;
const STEPS = {
  submit: 'factchecks:write',
  return: 'factchecks:publish',
  publish: 'factchecks:publish',
  withdraw: 'factchecks:publish',
} as const;

function actorOf(request: FastifyRequest, actor: TenantActor): FactcheckActor {
  return {
    campaignId: actor.campaignId,
    userId: actor.userId,
    tokenId: actor.tokenId,
    label: actor.label,
    ip: request.ip ?? null,
    mayPublishOwn: actor.scopes === null && actor.permissions.has('factchecks.publish_own'),
  };
}

type CheckRow = NonNullable<Awaited<ReturnType<typeof findFactcheck>>>;

/** The API shape of a check. */
export function factcheckOut(app: FastifyInstance, row: CheckRow, sources: readonly SourceRow[]) {
  return {
    id: row.id,
    slug: row.slug,
    claim: row.claim,
    claimant: row.claimant,
    claim_date: row.claim_date,
    claim_url: row.claim_url,
    theme: row.theme,
    verdict: {
      code: row.verdict_code,
      label_fr: row.verdict_label_fr,
      label_en: row.verdict_label_en,
      rating: row.verdict_rating,
      color: row.verdict_color,
    },
    summary: row.summary,
    explanation_html: row.explanation_html,
    status: row.status,
    author_label: row.author_label,
    reviewer_label: row.reviewer_label,
    submitted_at: row.submitted_at,
    published_at: row.published_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    public_url: publicUrlOf(app.deps.config.publicUrl, row),
    sources: sources.map((s) => ({
      url: s.url,
      title: s.title,
      publisher: s.publisher,
      published_on: s.published_on,
      check_state: s.check_state,
      check_status: s.check_status,
      check_error: s.check_error,
      checked_at: s.checked_at,
    })),
  };
}

export const factchecksRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const one = (actor: TenantActor, id: string) =>
    inTenant(app, actor, async (trx) => {
      const row = await findFactcheck(trx, id);
      if (!row) throw notFound('fact check');
      return factcheckOut(app, row, (await sourcesOf(trx, [id])).get(id) ?? []);
    });
  /** Queues the sources' reachability check (after the save committed; never fails the save). */
  const queueCheck = async (actor: TenantActor, id: string, pending: number) => {
    if (pending === 0) return;
    try {
      await app.deps.jobs.enqueue({
        campaignId: actor.campaignId,
        kind: checkSourcesJob.kind,
        params: { fact_check_id: id },
        createdBy: actor.userId,
      });
    } catch (error) {
      app.log.warn({ err: error, factCheckId: id }, 'fact check sources: the reachability check could not be queued');
    }
  };

  app.get(
    '/factchecks/verdicts',
    {
      schema: {
        tags: ['factchecks'],
        summary: "The campaign's verdict scale, in order",
        response: { 200: ScaleSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'factchecks:read');
      const rows = await inTenant(app, actor, (trx) => ensureScale(trx, actor.campaignId));
      return { verdicts: rows.map(({ code, label_fr, label_en, rating, color }) => ({ code, label_fr, label_en, rating, color })) };
    },
  );

  app.put(
    '/factchecks/verdicts',
    {
      schema: {
        tags: ['factchecks'],
        summary: 'Replace the verdict scale (a verdict used by a fact check cannot be removed)',
        body: ScaleInput,
        response: { 200: ScaleSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'factchecks:publish');
      const rows = await inTenant(app, actor, (trx) => replaceScale(trx, actorOf(request, actor), request.body.verdicts));
      return { verdicts: rows.map(({ code, label_fr, label_en, rating, color }) => ({ code, label_fr, label_en, rating, color })) };
    },
  );

  app.get(
    '/factchecks',
    {
      schema: {
        tags: ['factchecks'],
        summary: 'Fact checks, newest first, filtered by state, theme, verdict or claimant',
        querystring: ListQuery,
        response: { 200: collection('factchecks', FactcheckSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'factchecks:read');
      const { page, per_page, ...filter } = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await listFactchecks(trx, { ...filter, limit: per_page, offset: (page - 1) * per_page });
        const sources = await sourcesOf(
          trx,
          rows.map((r) => r.id),
        );
        return {
          total_records: total,
          page,
          per_page,
          total_pages: Math.ceil(total / per_page),
          _embedded: { factchecks: rows.map((r) => factcheckOut(app, r, sources.get(r.id) ?? [])) },
        };
      });
    },
  );

  app.post(
    '/factchecks',
    {
      schema: {
        tags: ['factchecks'],
        summary: "Write a fact check (a draft); its sources' links are checked in the background",
        body: FactcheckInput,
        response: { 201: FactcheckSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'factchecks:write');
      const { id, pendingSources } = await inTenant(app, actor, (trx) => createFactcheck(trx, actorOf(request, actor), request.body));
      await queueCheck(actor, id, pendingSources);
      return reply.status(201).send(await one(actor, id));
    },
  );

  app.get(
    '/factchecks/:id',
    {
      schema: {
        tags: ['factchecks'],
        summary: 'One fact check',
        params: IdParams,
        response: { 200: FactcheckSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => one(requireActor(request, 'factchecks:read'), request.params.id),
  );

  app.put(
    '/factchecks/:id',
    {
      schema: {
        tags: ['factchecks'],
        summary: 'Rewrite a fact check that is not published (its sources replaced)',
        params: IdParams,
        body: FactcheckInput,
        response: { 200: FactcheckSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'factchecks:write');
      const { pendingSources } = await inTenant(app, actor, (trx) =>
        updateFactcheck(trx, actorOf(request, actor), request.params.id, request.body),
      );
      await queueCheck(actor, request.params.id, pendingSources);
      return one(actor, request.params.id);
    },
  );

  app.delete(
    '/factchecks/:id',
    {
      schema: {
        tags: ['factchecks'],
        summary: 'Delete a fact check that is not published',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'factchecks:write');
      await inTenant(app, actor, (trx) => deleteFactcheck(trx, actorOf(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );

  for (const step of FACTCHECK_STEPS) {
    app.post(
      `/factchecks/:id/${step}`,
      {
        schema: {
          tags: ['factchecks'],
          summary: {
            submit: 'Submit a draft for review',
            return: 'Send a fact check under review back to its author (draft)',
            publish: 'Publish a reviewed fact check (a reviewer other than its author; refused during an electoral silence)',
            withdraw: 'Take a published fact check off the site',
          }[step],
          params: IdParams,
          response: { 200: FactcheckSchema, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, STEPS[step]);
        await inTenant(app, actor, (trx) =>
          moveFactcheck(trx, actorOf(request, actor), request.params.id, step === 'return' ? 'reject' : step),
        );
        return one(actor, request.params.id);
      },
    );
  }

  app.post(
    '/factchecks/:id/check_sources',
    {
      schema: {
        tags: ['factchecks'],
        summary: "Check the sources' links again (in the background)",
        params: IdParams,
        response: { 202: FactcheckSchema, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'factchecks:write');
      const pending = await inTenant(app, actor, async (trx) => {
        if (!(await findFactcheck(trx, request.params.id))) throw notFound('fact check');
        return markSourcesPending(trx, request.params.id);
      });
      await queueCheck(actor, request.params.id, pending);
      return reply.status(202).send(await one(actor, request.params.id));
    },
  );
};
