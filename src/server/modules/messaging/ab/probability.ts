// The probability that each variant of an A/B test is the best: each variant's rate has the
// Beta-Binomial posterior Beta(1 + successes, 1 + failures) (a uniform prior), and variant i is best
// with probability ∫ f_i(x) ∏_{j≠i} F_j(x) dx. Computed numerically, not by Monte Carlo: on one grid
// of midpoints fine enough for the narrowest posterior (at least 25 points per standard deviation),
// each density normalised on the grid and each distribution function its running sum. Exact to the
// grid's error (well under 0.1 %), deterministic (no seed), and a few milliseconds for five variants
// of 100,000 recipients. Pure: no I/O.

export interface Arm {
  successes: number;
  trials: number;
}

const SD_RANGE = 10;
const POINTS_PER_SD = 25;
const MIN_POINTS = 400;
const MAX_POINTS = 200_000;

function posterior(arm: Arm): { a: number; b: number; mean: number; sd: number } {
  const successes = Math.max(0, Math.min(arm.successes, arm.trials));
  const a = 1 + successes;
  const b = 1 + Math.max(0, arm.trials - successes);
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)));
  return { a, b, mean, sd };
}

/** For each arm, the probability that its true rate is the highest (the values sum to 1). */
export function probabilityToBeBest(arms: readonly Arm[]): number[] {
  if (arms.length === 0) return [];
  if (arms.length === 1) return [1];
  const posts = arms.map(posterior);
  const lo = Math.max(0, Math.min(...posts.map((p) => p.mean - SD_RANGE * p.sd)));
  const hi = Math.min(1, Math.max(...posts.map((p) => p.mean + SD_RANGE * p.sd)));
  const narrowest = Math.min(...posts.map((p) => p.sd));
  const n = Math.min(MAX_POINTS, Math.max(MIN_POINTS, Math.ceil(((hi - lo) / narrowest) * POINTS_PER_SD)));
  const h = (hi - lo) / n;
  // Each posterior's density at the midpoints, normalised to sum 1 (its constant never computed).
  const pdfs = posts.map(({ a, b }) => {
    const logs = new Float64Array(n);
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const x = lo + (k + 0.5) * h;
      const v = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x);
      logs[k] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const v = Math.exp((logs[k] as number) - max);
      logs[k] = v;
      sum += v;
    }
    for (let k = 0; k < n; k++) logs[k] = (logs[k] as number) / sum;
    return logs;
  });
  // Distribution functions at the midpoints: the mass below, plus half the point's own.
  const cdfs = pdfs.map((pdf) => {
    const cdf = new Float64Array(n);
    let below = 0;
    for (let k = 0; k < n; k++) {
      const m = pdf[k] as number;
      cdf[k] = below + m / 2;
      below += m;
    }
    return cdf;
  });
  const result = arms.map((_, i) => {
    const pdf = pdfs[i] as Float64Array;
    let p = 0;
    for (let k = 0; k < n; k++) {
      const m = pdf[k] as number;
      if (m === 0) continue;
      let others = 1;
      for (let j = 0; j < arms.length; j++) if (j !== i) others *= (cdfs[j] as Float64Array)[k] as number;
      p += m * others;
    }
    return p;
  });
  const total = result.reduce((s, p) => s + p, 0);
  return result.map((p) => (total > 0 ? p / total : 1 / arms.length));
}
