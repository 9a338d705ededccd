// The decision of an A/B test by simulation (seeded, many runs): identical variants name no winner
// in at least 95 % of runs — two or five variants, one evaluation or several as a "wait longer"
// test makes —, a real difference is found, and no winner is named below 500 countable recipients.
import { describe, expect, it } from 'vitest';
import type { AbTestMetric, MailingVariantKey } from '../../../db/schema.ts';
import { createRandom, type Random } from '../../../opendata/prng.ts';
import { barFor, evaluate, looksOf, MIN_COUNTABLE, type VariantFigures } from './decision.ts';

const KEYS: MailingVariantKey[] = ['A', 'B', 'C', 'D', 'E'];

function binomial(random: Random, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) if (random.next() < p) s += 1;
  return s;
}

/** One simulated test: per variant, people who will open (rates[i]) and, of them, click (half). */
function simulate(random: Random, rates: readonly number[], n: number) {
  return rates.map((p, i) => {
    const opened = binomial(random, n, p);
    return { variant: KEYS[i] as MailingVariantKey, countable: n, opened, clicked: binomial(random, opened, 0.5) };
  });
}

/** Runs `runs` tests; a test with `looks` evaluations sees its opens arrive over them (the ℓ-th sees ℓ/looks of them). */
function winners(options: { seed: number; runs: number; rates: number[]; n: number; looks: number; metric: AbTestMetric }) {
  const random = createRandom(options.seed);
  const named: (MailingVariantKey | null)[] = [];
  for (let r = 0; r < options.runs; r++) {
    const final = simulate(random, options.rates, options.n);
    let winner: MailingVariantKey | null = null;
    for (let look = 1; look <= options.looks && !winner; look++) {
      const seen: VariantFigures[] = final.map((f) => {
        const opened = binomial(random, f.opened, look / options.looks);
        return { ...f, opened: look === options.looks ? f.opened : opened, clicked: Math.min(f.clicked, opened) };
      });
      winner = evaluate({ metric: options.metric, figures: look === options.looks ? final : seen, look, looks: options.looks }).winner;
    }
    named.push(winner);
  }
  return named;
}

describe('A/B decision', () => {
  it('names no winner among identical variants in at least 95 % of simulated runs', () => {
    const cases = [
      { rates: [0.25, 0.25], looks: 1, metric: 'opens' as const },
      { rates: [0.25, 0.25, 0.25, 0.25, 0.25], looks: 1, metric: 'opens' as const },
      { rates: [0.3, 0.3], looks: 6, metric: 'opens' as const },
      { rates: [0.1, 0.1, 0.1], looks: 4, metric: 'clicks' as const },
      { rates: [0.2, 0.2], looks: 1, metric: 'click_to_open' as const },
    ];
    for (const [i, c] of cases.entries()) {
      const named = winners({ seed: 1500 + i, runs: 1000, n: 1000, ...c });
      const none = named.filter((w) => w === null).length / named.length;
      expect(none, JSON.stringify(c)).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('finds a real difference and names the right variant', () => {
    const named = winners({ seed: 7, runs: 300, n: 1500, rates: [0.2, 0.27], looks: 1, metric: 'opens' });
    expect(named.filter((w) => w === 'B').length / named.length).toBeGreaterThan(0.9);
    expect(named.filter((w) => w === 'A')).toHaveLength(0);
  });

  it('names no winner below 500 countable recipients per variant, however clear', () => {
    const figures = [
      { variant: 'A' as const, countable: MIN_COUNTABLE - 1, opened: 50, clicked: 10 },
      { variant: 'B' as const, countable: 5000, opened: 4000, clicked: 2000 },
    ];
    const e = evaluate({ metric: 'opens', figures, look: 1, looks: 1 });
    expect(e).toMatchObject({ winner: null, reason: 'too_few' });
    expect(e.variants[1]?.probability).toBeGreaterThan(0.999);
    const enough = evaluate({ metric: 'opens', figures: figures.map((f) => ({ ...f, countable: 600 })), look: 1, looks: 1 });
    expect(enough).toMatchObject({ winner: 'B', reason: 'winner' });
  });

  it('keeps the bar at 95 % at least, stricter with more variants and more evaluations', () => {
    expect(barFor(2, 1, 1)).toBeCloseTo(0.9875, 6);
    expect(barFor(5, 1, 1)).toBeCloseTo(0.995, 6);
    expect(barFor(2, 2, 3)).toBeCloseTo(1 - 0.025 / 2 / 2, 6);
    for (let k = 2; k <= 5; k++) for (let look = 1; look <= 10; look++) expect(barFor(k, look, 10)).toBeGreaterThanOrEqual(0.95);
    expect(looksOf({ fallback: 'variant', wait_minutes: 60, max_wait_minutes: null })).toBe(1);
    expect(looksOf({ fallback: 'wait', wait_minutes: 60, max_wait_minutes: 24 * 60 })).toBe(24);
  });
});
