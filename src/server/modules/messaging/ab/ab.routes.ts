// The A/B test of a mailing: GET /messages/{id}/ab_test (its rules, variants, phase, each variant's
// human figures and probability to be best, the decision), PUT to set it up on a mailing not yet
// sent, DELETE to remove it. Reading asks for messages:read, writing for messages:write.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { inTenant, requireActor } from '../../../http/auth.ts';
import { DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../../http/schemas.ts';
import { getMailing } from '../messaging.service.ts';
import { MailContent } from '../render.ts';
import { findAbTest, listVariants } from './ab.repo.ts';
import { AB_FALLBACKS, AB_METRICS, currentEvaluation, deleteAbTest, EXTRA_VARIANT_KEYS, saveAbTest, VARIANT_KEYS } from './ab.service.ts';
import type { Evaluation } from './decision.ts';

const VariantKey = StringEnum(VARIANT_KEYS);
const Minutes = Type.Integer({ minimum: 1, maximum: 43_200, description: 'minutes (at most 30 days)' });

export const AbVariantBody = Type.Object(
  {
    variant: StringEnum(EXTRA_VARIANT_KEYS),
    subject: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    from: Type.Optional(Nullable(Type.String({ maxLength: 100, description: 'the sender name' }))),
    preheader: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    content: Type.Optional(Nullable(MailContent)),
  },
  { additionalProperties: false },
);

export const AbTestBody = Type.Object(
  {
    variants: Type.Array(AbVariantBody, {
      minItems: 1,
      maxItems: 4,
      description: 'variants B to E; A is the mailing itself; a null or absent field is the mailing’s',
    }),
    share_percent: Type.Optional(
      Type.Number({ minimum: 0.01, maximum: 100, description: 'the test share, in % of the audience (two decimals kept)' }),
    ),
    share_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'the test share, in people' })),
    metric: StringEnum(AB_METRICS),
    wait_minutes: Minutes,
    fallback: StringEnum(AB_FALLBACKS),
    fallback_variant: Type.Optional(VariantKey),
    max_wait_minutes: Type.Optional(Nullable(Minutes)),
  },
  { additionalProperties: false },
);

export const AbEvaluationSchema = Type.Object({
  metric: StringEnum(AB_METRICS),
  look: Type.Integer(),
  looks: Type.Integer(),
  bar: Type.Number({ description: 'the probability to be best a winner needs at this evaluation (at least 0.95)' }),
  min_countable: Type.Integer(),
  reason: StringEnum(['winner', 'too_few', 'not_sure'] as const),
  winner: Nullable(VariantKey),
  variants: Type.Array(
    Type.Object({
      variant: VariantKey,
      countable: Type.Integer({ description: 'sent, not bounced (and for opens, not behind Apple’s proxy)' }),
      opened: Type.Integer(),
      clicked: Type.Integer(),
      trials: Type.Integer(),
      successes: Type.Integer(),
      rate: Nullable(Type.Number()),
      probability: Type.Number({ description: 'probability to be best (Beta-Binomial posteriors)' }),
    }),
  ),
});

export const AbTestSchema = Type.Object({
  mailing_id: Uuid,
  variants: Type.Array(
    Type.Object({
      variant: VariantKey,
      subject: Type.String(),
      from: Type.String(),
      preheader: Type.String(),
      own_content: Type.Boolean({ description: 'true when the variant has content of its own' }),
    }),
  ),
  share_percent: Nullable(Type.Number()),
  share_count: Nullable(Type.Integer()),
  metric: StringEnum(AB_METRICS),
  wait_minutes: Type.Integer(),
  fallback: StringEnum(AB_FALLBACKS),
  fallback_variant: VariantKey,
  max_wait_minutes: Nullable(Type.Integer()),
  phase: StringEnum(['draft', 'testing', 'waiting', 'decided'] as const),
  test_size: Type.Integer(),
  rest_size: Type.Integer(),
  test_sent_at: Nullable(DateTime),
  evaluate_at: Nullable(DateTime),
  decided_at: Nullable(DateTime),
  winner: Nullable(VariantKey),
  decision: Nullable(StringEnum(['winner', 'fallback', 'fallback_after_max_wait', 'no_rest'] as const)),
  evaluation: Nullable(AbEvaluationSchema),
});

const IdParams = Type.Object({ id: Uuid });

export const abRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = app.deps.config;
  const tags = ['messages'];

  /** The test document: rules, variants as sent (the mailing's values where the variant has none), evaluation. */
  const documentOf = async (trx: Parameters<typeof findAbTest>[0], campaignId: string, mailingId: string) => {
    const test = await findAbTest(trx, campaignId, mailingId);
    if (!test) return null;
    const mailing = await trx
      .selectFrom('mailing')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('id', '=', mailingId)
      .executeTakeFirstOrThrow();
    const variants = await listVariants(trx, campaignId, mailingId);
    // Decided: the figures the decision was taken on; before: the evaluation as it would be now.
    const evaluation =
      test.phase === 'decided' && test.last_evaluation
        ? (test.last_evaluation as unknown as Evaluation)
        : test.phase === 'draft'
          ? null
          : await currentEvaluation(trx, test);
    return {
      mailing_id: mailingId,
      variants: variants.map((v) => ({
        variant: v.variant,
        subject: v.subject ?? mailing.subject,
        from: v.from_name ?? mailing.from_name,
        preheader: v.preheader ?? mailing.preheader,
        own_content: v.content !== null,
      })),
      share_percent: test.share_percent === null ? null : Number(test.share_percent),
      share_count: test.share_count,
      metric: test.metric,
      wait_minutes: test.wait_minutes,
      fallback: test.fallback,
      fallback_variant: test.fallback_variant,
      max_wait_minutes: test.max_wait_minutes,
      phase: test.phase,
      test_size: test.test_size,
      rest_size: test.rest_size,
      test_sent_at: test.test_sent_at,
      evaluate_at: test.evaluate_at,
      decided_at: test.decided_at,
      winner: test.winner,
      decision: test.decision,
      evaluation,
    };
  };

  app.get(
    '/messages/:id/ab_test',
    {
      schema: {
        tags,
        summary: 'A mailing’s A/B test: its rules and variants, each variant’s human figures and probability to be best, the decision',
        params: IdParams,
        response: { 200: AbTestSchema, 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:read');
      const doc = await inTenant(app, actor, async (trx) => {
        const mailing = await getMailing(trx, actor, request.params.id);
        return documentOf(trx, actor.campaignId, mailing.id);
      });
      // Most mailings have no test: that is an answer, not an error (a 404 the browser would log).
      if (!doc) return reply.code(204).send(null);
      return doc;
    },
  );

  app.put(
    '/messages/:id/ab_test',
    {
      schema: {
        tags,
        summary: 'Set up (or replace) the A/B test of a mailing not yet sent: variants B–E, test share, metric, wait, fallback',
        params: IdParams,
        body: AbTestBody,
        response: { 200: AbTestSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'messages:write');
      const { variants, ...rules } = request.body;
      return inTenant(app, actor, async (trx) => {
        await saveAbTest(
          trx,
          actor,
          request.params.id,
          { ...rules, variants: variants.map(({ from, ...v }) => ({ ...v, from_name: from })) },
          config.publicUrl,
        );
        return (await documentOf(trx, actor.campaignId, request.params.id)) as NonNullable<Awaited<ReturnType<typeof documentOf>>>;
      });
    },
  );

  app.delete(
    '/messages/:id/ab_test',
    {
      schema: {
        tags,
        summary: 'Remove the A/B test of a mailing not yet sent (and its variants B–E)',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'messages:write');
      await inTenant(app, actor, (trx) => deleteAbTest(trx, actor, request.params.id));
      return reply.code(204).send(null);
    },
  );
};
