// Use cases of A/B tests: set one up on a draft (its variants B–E and its rules), assign the
// audience when the mailing is sent (the test share queued with its variants, the rest held), mark
// the test share sent, and evaluate: the winner — or the fallback — goes to the rest.
import { sql } from 'kysely';
import type { Trx } from '../../../db/database.ts';
import type { AbTestDecision, AbTestFallback, AbTestMetric, MailingVariantKey } from '../../../db/schema.ts';
import type { TenantActor } from '../../../http/auth.ts';
import { AppError } from '../../../http/problem.ts';
import { sourceOf } from '../compose.ts';
import { checkContent, getMailing } from '../messaging.service.ts';
import type { MailContent } from '../render.ts';
import { findAbTest, listVariants, variantFigures } from './ab.repo.ts';
import { assignTest, newAssignmentKey, type TestShare } from './assignment.ts';
import { type Evaluation, evaluate, looksOf } from './decision.ts';

export const VARIANT_KEYS = ['A', 'B', 'C', 'D', 'E'] as const;
export const EXTRA_VARIANT_KEYS = ['B', 'C', 'D', 'E'] as const;
export const AB_METRICS = ['opens', 'clicks', 'click_to_open'] as const;
export const AB_FALLBACKS = ['variant', 'wait'] as const;

export interface AbVariantInput {
  variant: Exclude<MailingVariantKey, 'A'>;
  subject?: string | null | undefined;
  from_name?: string | null | undefined;
  preheader?: string | null | undefined;
  content?: MailContent | null | undefined;
}

export interface AbTestInput {
  variants: readonly AbVariantInput[];
  share_percent?: number | undefined;
  share_count?: number | undefined;
  metric: AbTestMetric;
  wait_minutes: number;
  fallback: AbTestFallback;
  fallback_variant?: MailingVariantKey | undefined;
  max_wait_minutes?: number | null | undefined;
}

const EDITABLE = new Set(['draft', 'scheduled']);

function invalid(detail: string): AppError {
  return new AppError('AB_TEST_INVALID', detail);
}

const blankToNull = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v);

/** Sets up (or replaces) the A/B test of a mailing not yet sent: variants B–E and the test's rules. */
export async function saveAbTest(trx: Trx, actor: TenantActor, mailingId: string, input: AbTestInput, publicUrl: string) {
  const mailing = await getMailing(trx, actor, mailingId, true);
  if (!EDITABLE.has(mailing.status)) throw new AppError('MAILING_STATE_CONFLICT', `A ${mailing.status} mailing's test cannot be changed.`);
  const keys = input.variants.map((v) => v.variant);
  if (keys.length === 0) throw invalid('An A/B test needs at least one variant besides A.');
  if (new Set(keys).size !== keys.length) throw invalid('Each variant appears once.');
  if ((input.share_percent === undefined) === (input.share_count === undefined))
    throw invalid('Give the test share as share_percent or as share_count (one of the two).');
  const fallbackVariant = input.fallback_variant ?? 'A';
  if (fallbackVariant !== 'A' && !keys.includes(fallbackVariant)) throw invalid(`The fallback variant ${fallbackVariant} does not exist.`);
  const maxWait = input.fallback === 'wait' ? (input.max_wait_minutes ?? null) : null;
  if (input.fallback === 'wait' && (maxWait === null || maxWait < input.wait_minutes))
    throw invalid('Waiting longer needs a maximum wait (max_wait_minutes) at least as long as the wait.');
  const rows = input.variants.map((v) => ({
    campaign_id: actor.campaignId,
    mailing_id: mailingId,
    variant: v.variant,
    subject: blankToNull(v.subject),
    from_name: blankToNull(v.from_name),
    preheader: blankToNull(v.preheader),
    content: v.content ?? null,
  }));
  for (const row of rows) {
    if (row.subject === null && row.from_name === null && row.preheader === null && row.content === null)
      throw invalid(`Variant ${row.variant} changes nothing: give it a subject, a sender name, a preheader or content.`);
    // The variant's content is checked as the mailing's is (format, merge tags, MJML that renders).
    await checkContent(trx, actor.campaignId, { ...mailing, ...sourceOfRow(mailing, row) }, publicUrl);
  }
  await trx
    .deleteFrom('mailing_variant')
    .where('campaign_id', '=', actor.campaignId)
    .where('mailing_id', '=', mailingId)
    .where('variant', '!=', 'A')
    .execute();
  await trx
    .insertInto('mailing_variant')
    .values(rows.map((r) => ({ ...r, content: r.content === null ? null : JSON.stringify(r.content) })))
    .execute();
  const values = {
    share_percent: input.share_percent ?? null,
    share_count: input.share_count ?? null,
    metric: input.metric,
    wait_minutes: input.wait_minutes,
    fallback: input.fallback,
    fallback_variant: fallbackVariant,
    max_wait_minutes: maxWait,
    updated_at: new Date(),
  };
  await trx
    .insertInto('mailing_ab_test')
    .values({ campaign_id: actor.campaignId, mailing_id: mailingId, assignment_key: newAssignmentKey(), ...values })
    .onConflict((oc) => oc.columns(['campaign_id', 'mailing_id']).doUpdateSet(values))
    .execute();
}

function sourceOfRow(
  mailing: Parameters<typeof sourceOf>[0],
  row: { subject: string | null; preheader: string | null; content: MailContent | null },
) {
  const s = sourceOf(mailing, row);
  return { subject: s.subject, preheader: s.preheader, content: s.content as unknown as Record<string, unknown> };
}

/** Removes the A/B test of a mailing not yet sent (and its variants B–E). */
export async function deleteAbTest(trx: Trx, actor: TenantActor, mailingId: string): Promise<void> {
  const mailing = await getMailing(trx, actor, mailingId, true);
  if (!EDITABLE.has(mailing.status)) throw new AppError('MAILING_STATE_CONFLICT', `A ${mailing.status} mailing's test cannot be removed.`);
  const gone = await trx
    .deleteFrom('mailing_ab_test')
    .where('campaign_id', '=', actor.campaignId)
    .where('mailing_id', '=', mailingId)
    .executeTakeFirst();
  if (Number(gone.numDeletedRows) === 0) throw new AppError('AB_TEST_NOT_FOUND', 'This mailing has no A/B test.');
  await trx
    .deleteFrom('mailing_variant')
    .where('campaign_id', '=', actor.campaignId)
    .where('mailing_id', '=', mailingId)
    .where('variant', '!=', 'A')
    .execute();
}

/** The keys of a mailing's test variants, A first. */
async function variantKeys(trx: Trx, campaignId: string, mailingId: string): Promise<MailingVariantKey[]> {
  const keys = (await listVariants(trx, campaignId, mailingId)).map((v) => v.variant);
  return keys.includes('A') ? keys : ['A', ...keys];
}

/**
 * When a mailing with a test starts sending, right after its recipient rows are made (same
 * transaction, so no worker sees them before): the test share keeps 'queued' with its variant, the
 * rest becomes 'held'. Nothing for a mailing without a test.
 */
export async function assignTestShare(trx: Trx, campaignId: string, mailingId: string): Promise<void> {
  const test = await findAbTest(trx, campaignId, mailingId, true);
  if (test?.phase !== 'draft') return;
  const variants = await variantKeys(trx, campaignId, mailingId);
  const recipients = await trx
    .selectFrom('mailing_recipient')
    .select(['id', 'person_id'])
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .execute();
  const share: TestShare = test.share_count !== null ? { count: test.share_count } : { percent: Number(test.share_percent) };
  const assigned = assignTest(
    test.assignment_key,
    recipients.map((r) => r.person_id),
    { share, variants },
  );
  const ids = recipients.map((r) => r.id);
  const variantOf = recipients.map((r) => assigned.get(r.person_id) ?? 'A');
  const held = recipients.map((r) => assigned.get(r.person_id) === null);
  await sql`
    update mailing_recipient r set variant = u.variant, status = case when u.held then 'held' else r.status end
    from unnest(${ids}::uuid[], ${variantOf}::text[], ${held}::boolean[]) as u(id, variant, held)
    where r.campaign_id = ${campaignId} and r.id = u.id`.execute(trx);
  const restSize = held.filter(Boolean).length;
  await trx
    .updateTable('mailing_ab_test')
    .set({
      test_size: recipients.length - restSize,
      rest_size: restSize,
      // A test with no rest (a share of 100 %) only splits the audience: nothing is left to decide.
      ...(restSize === 0 ? { phase: 'decided', decision: 'no_rest', decided_at: new Date() } : { phase: 'testing' }),
      updated_at: new Date(),
    })
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .execute();
}

/**
 * Called by the send job when nothing of a mailing is queued or sending: if rows are held, the test
 * share has gone — the test waits, and this returns when to evaluate it (null: no rows held).
 */
export async function testShareSent(trx: Trx, campaignId: string, mailingId: string): Promise<Date | null> {
  const held = await trx
    .selectFrom('mailing_recipient')
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .where('status', '=', 'held')
    .limit(1)
    .executeTakeFirst();
  if (!held) return null;
  const row = await sql<{ evaluate_at: Date }>`
    update mailing_ab_test
    set phase = case when phase = 'testing' then 'waiting' else phase end,
      test_sent_at = coalesce(test_sent_at, now()),
      evaluate_at = coalesce(evaluate_at, now() + make_interval(mins => wait_minutes)),
      updated_at = now()
    where campaign_id = ${campaignId} and mailing_id = ${mailingId}
    returning evaluate_at`.execute(trx);
  return row.rows[0] ? new Date(row.rows[0].evaluate_at) : null;
}

/** The evaluation of a test now (its next look), from the human events so far. */
export async function currentEvaluation(
  trx: Trx,
  test: Pick<AbTestRow, 'campaign_id' | 'mailing_id' | 'metric' | 'fallback' | 'wait_minutes' | 'max_wait_minutes' | 'evaluations'>,
): Promise<Evaluation> {
  const variants = await variantKeys(trx, test.campaign_id, test.mailing_id);
  const figures = await variantFigures(trx, test.campaign_id, test.mailing_id, variants);
  const looks = looksOf(test);
  return evaluate({
    metric: test.metric,
    figures: test.metric === 'clicks' ? figures.clicks : figures.opens,
    look: Math.min(looks, test.evaluations + 1),
    looks,
  });
}

type AbTestRow = NonNullable<Awaited<ReturnType<typeof findAbTest>>>;

export interface EvaluationOutcome {
  /** The rest was released (queued with this variant): the send job must run. */
  released: { variant: MailingVariantKey; decision: AbTestDecision; rows: number } | null;
  /** No decision yet: evaluate again then. */
  nextAt: Date | null;
}

/**
 * Evaluates a waiting test whose time has come: a winner (probability to be best at the bar, and
 * enough countable recipients per variant) goes to the rest; otherwise the fallback variant does,
 * or — when the fallback is to wait — the test is evaluated again one wait later, until its
 * maximum wait, after which the fallback variant goes. Idempotent: a decided test is left as it is.
 */
export async function evaluateAbTest(trx: Trx, campaignId: string, mailingId: string, now = new Date()): Promise<EvaluationOutcome> {
  const test = await findAbTest(trx, campaignId, mailingId, true);
  if (test?.phase !== 'waiting' || !test.test_sent_at) return { released: null, nextAt: null };
  if (test.evaluate_at && new Date(test.evaluate_at) > now) return { released: null, nextAt: new Date(test.evaluate_at) };
  const mailing = await trx
    .selectFrom('mailing')
    .select('status')
    .where('campaign_id', '=', campaignId)
    .where('id', '=', mailingId)
    .executeTakeFirst();
  if (!mailing || mailing.status === 'cancelled') return { released: null, nextAt: null };
  const evaluation = await currentEvaluation(trx, test);
  const look = evaluation.look;
  let choice: { variant: MailingVariantKey; decision: AbTestDecision } | null = null;
  if (evaluation.winner) choice = { variant: evaluation.winner, decision: 'winner' };
  else if (test.fallback === 'variant') choice = { variant: test.fallback_variant, decision: 'fallback' };
  else if (look >= evaluation.looks) choice = { variant: test.fallback_variant, decision: 'fallback_after_max_wait' };
  const record = { evaluations: look, last_evaluation: JSON.stringify(evaluation), updated_at: new Date() };
  if (!choice) {
    const nextAt = new Date(new Date(test.test_sent_at).getTime() + (look + 1) * test.wait_minutes * 60_000);
    await trx
      .updateTable('mailing_ab_test')
      .set({ ...record, evaluate_at: nextAt })
      .where('campaign_id', '=', campaignId)
      .where('mailing_id', '=', mailingId)
      .execute();
    return { released: null, nextAt };
  }
  const released = await trx
    .updateTable('mailing_recipient')
    .set({ status: 'queued', variant: choice.variant })
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .where('status', '=', 'held')
    .executeTakeFirst();
  await trx
    .updateTable('mailing_ab_test')
    .set({ ...record, phase: 'decided', winner: choice.variant, decision: choice.decision, decided_at: now })
    .where('campaign_id', '=', campaignId)
    .where('mailing_id', '=', mailingId)
    .execute();
  return { released: { ...choice, rows: Number(released.numUpdatedRows) }, nextAt: null };
}
