// The decision of an A/B test, pure: from each variant's human figures to a winner or none.
//
// A winner goes to the rest of the audience only when every variant has at least MIN_COUNTABLE
// recipients whose behaviour can be counted, and the winner's probability to be best reaches the
// bar — never below 95 %, and higher when more than one variant or more than one evaluation could
// declare a winner by chance. With two identical variants, each one's probability to be best is
// about uniformly distributed: a bare "≥ 95 %" bar would name a false winner one time in ten (either
// variant can cross it), more with five variants, and more again with every "wait longer"
// evaluation. The bar keeps the chance of naming a winner among identical variants under 5 % over
// the whole test: half of that 5 % for the first evaluation, the other half shared by the later ones
// (only when the fallback is to wait), each share divided among the variants (Bonferroni; conservative,
// since the looks see overlapping data). decision.test.ts checks it by simulation.
import type { AbTestMetric, MailingVariantKey } from '../../../db/schema.ts';
import { probabilityToBeBest } from './probability.ts';

/** The probability to be best a winner must at least reach (issue 15). */
export const PROBABILITY_FLOOR = 0.95;
/** Recipients whose behaviour is countable, per variant, before any winner is named (issue 15). */
export const MIN_COUNTABLE = 500;
/** The chance of naming a winner among identical variants, over the whole test. */
const ERROR_BUDGET = 1 - PROBABILITY_FLOOR;

/** One variant's human figures, as the evaluation counts them (ab.repo.ts). */
export interface VariantFigures {
  variant: MailingVariantKey;
  /** Sent, not bounced, and for open-based metrics not behind Apple's proxy (whose opens are not the reader's). */
  countable: number;
  /** People who opened (pixel or a link followed) among the countable: human events only. */
  opened: number;
  /** People who clicked: human events only. */
  clicked: number;
}

/** The trials and successes a metric compares. */
export function armOf(metric: AbTestMetric, f: VariantFigures): { successes: number; trials: number } {
  switch (metric) {
    case 'opens':
      return { successes: f.opened, trials: f.countable };
    case 'clicks':
      return { successes: f.clicked, trials: f.countable };
    case 'click_to_open':
      return { successes: Math.min(f.clicked, f.opened), trials: f.opened };
  }
}

/**
 * The bar of the `look`-th evaluation (1-based) of a test of `variants` variants that may look
 * `looks` times in all.
 */
export function barFor(variants: number, look: number, looks: number): number {
  const k = Math.max(2, variants);
  const share = look <= 1 || looks <= 1 ? ERROR_BUDGET / 2 : ERROR_BUDGET / 2 / (looks - 1);
  return Math.max(PROBABILITY_FLOOR, 1 - share / k);
}

/** How many evaluations a test makes at most: one, or one per wait until the maximum wait. */
export function looksOf(test: { fallback: 'variant' | 'wait'; wait_minutes: number; max_wait_minutes: number | null }): number {
  if (test.fallback === 'variant') return 1;
  return Math.max(1, Math.floor((test.max_wait_minutes ?? test.wait_minutes) / test.wait_minutes));
}

export interface Evaluation {
  metric: AbTestMetric;
  look: number;
  looks: number;
  bar: number;
  min_countable: number;
  variants: Array<VariantFigures & { successes: number; trials: number; rate: number | null; probability: number }>;
  /** The winner, when one is named. */
  winner: MailingVariantKey | null;
  /** winner; too_few: a variant has fewer than MIN_COUNTABLE countable recipients; not_sure: no variant reaches the bar. */
  reason: 'winner' | 'too_few' | 'not_sure';
}

/** Evaluates a test on its figures: each variant's probability to be best, and the winner if there is one. */
export function evaluate(input: { metric: AbTestMetric; figures: readonly VariantFigures[]; look: number; looks: number }): Evaluation {
  const arms = input.figures.map((f) => armOf(input.metric, f));
  const probabilities = probabilityToBeBest(arms);
  const bar = barFor(input.figures.length, input.look, input.looks);
  const variants = input.figures.map((f, i) => {
    const arm = arms[i] as { successes: number; trials: number };
    return { ...f, ...arm, rate: arm.trials > 0 ? arm.successes / arm.trials : null, probability: probabilities[i] as number };
  });
  const base = { metric: input.metric, look: input.look, looks: input.looks, bar, min_countable: MIN_COUNTABLE, variants };
  if (variants.length < 2 || variants.some((v) => v.countable < MIN_COUNTABLE)) return { ...base, winner: null, reason: 'too_few' };
  const best = variants.reduce((a, b) => (b.probability > a.probability ? b : a));
  if (best.probability >= bar) return { ...base, winner: best.variant, reason: 'winner' };
  return { ...base, winner: null, reason: 'not_sure' };
}
