// The probability to be best against exact values (small posteriors whose integrals are known in
// closed form) and against a seeded Monte Carlo of the same posteriors.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../opendata/prng.ts';
import { probabilityToBeBest } from './probability.ts';

/** A Beta(a, b) draw for integer a, b: the a-th smallest of a + b - 1 uniforms. */
function betaDraw(next: () => number, a: number, b: number): number {
  const u = Array.from({ length: a + b - 1 }, next).sort((x, y) => x - y);
  return u[a - 1] as number;
}

describe('probabilityToBeBest', () => {
  it('matches exact values of small posteriors', () => {
    // Beta(2,1) against Beta(1,2): ∫ 2x (1 - (1 - x)²) dx = 5/6.
    const [a, b] = probabilityToBeBest([
      { successes: 1, trials: 1 },
      { successes: 0, trials: 1 },
    ]);
    expect(a).toBeCloseTo(5 / 6, 3);
    expect(b).toBeCloseTo(1 / 6, 3);
    // Beta(3,1) against the uniform Beta(1,1): P(Y < X) = E[X] = 3/4.
    const [c] = probabilityToBeBest([
      { successes: 2, trials: 2 },
      { successes: 0, trials: 0 },
    ]);
    expect(c).toBeCloseTo(3 / 4, 3);
  });

  it('gives identical variants equal chances, and sums to one', () => {
    for (const k of [2, 3, 5]) {
      const p = probabilityToBeBest(Array.from({ length: k }, () => ({ successes: 230, trials: 1000 })));
      for (const v of p) expect(v).toBeCloseTo(1 / k, 3);
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    }
  });

  it('agrees with a seeded Monte Carlo of the same posteriors', () => {
    const arms = [
      { successes: 12, trials: 52 },
      { successes: 18, trials: 50 },
      { successes: 9, trials: 47 },
    ];
    const random = createRandom(15_004);
    const wins = [0, 0, 0];
    const draws = 10_000;
    for (let d = 0; d < draws; d++) {
      const x = arms.map((a) => betaDraw(random.next, 1 + a.successes, 1 + a.trials - a.successes));
      const best = x.indexOf(Math.max(...x));
      wins[best] = (wins[best] ?? 0) + 1;
    }
    const exact = probabilityToBeBest(arms);
    for (const [i, p] of exact.entries()) expect(Math.abs(p - (wins[i] as number) / draws)).toBeLessThan(0.015);
  });

  it('follows the evidence on large mailings, quickly', () => {
    const started = performance.now();
    const p = probabilityToBeBest([
      { successes: 20_000, trials: 100_000 },
      { successes: 20_600, trials: 100_000 },
      { successes: 19_900, trials: 100_000 },
      { successes: 20_100, trials: 100_000 },
    ]);
    expect(performance.now() - started).toBeLessThan(2000);
    // A 3 % relative lead on 100,000 recipients is about 3.4 standard errors.
    expect(p[1]).toBeGreaterThan(0.99);
    expect(p[2]).toBeLessThan(0.001);
    // A variant nobody received could be anything (a uniform posterior): better than 20.6 % in 79 % of cases.
    const [, unknown] = probabilityToBeBest([
      { successes: 20_600, trials: 100_000 },
      { successes: 0, trials: 0 },
    ]);
    expect(unknown).toBeCloseTo(0.794, 2);
  });
});
