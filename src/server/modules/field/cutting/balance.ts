// Capacitated improvement of a cut: the cost is the door-weighted sum of squared distances from each
// building to its turf's centroid (compact turfs have a low one), and every step lowers it while
// keeping each turf's doors within [lo, hi]:
//  - repair: a turf outside the bounds (a seed around large buildings) gives or takes the buildings
//    that cost least to its neighbouring turfs;
//  - moves: a building goes to a neighbouring turf when the exact change of cost (Hartigan's formula,
//    centroids moving with it) is negative and both turfs stay within bounds;
//  - swaps: when bounds block single moves, a building of A wanting B is exchanged with one of B
//    wanting A if their gains add up to a decrease and both sizes stay within bounds.
// Swaps that raise the cost (their gain is estimated) are undone, and a pass whose cost does not
// decrease is undone and ends the improvement, so the result is never worse than the seed. "Neighbouring turfs" are each turf's nearest centroids.
import type { PlanarPoints } from './bisect.ts';

/** Turfs considered as destinations for a building of a turf. */
const NEIGHBOUR_TURFS = 8;

export interface BalanceOptions {
  /** Smallest and largest doors a turf may hold. */
  lo: number;
  hi: number;
  /** Improvement passes at most. */
  passes: number;
  /** Called after each pass. */
  onPass?: (pass: number) => void;
}

/** The improvement's outcome for one group of turfs. */
export interface BalanceReport {
  passes: number;
  moves: number;
  swaps: number;
  /** Door-weighted sum of squared distances to turf centroids (m²), before and after. */
  seedCost: number;
  cost: number;
}

/** Improves the turfs firstTurf … firstTurf+k-1 of `items` in place (see the file's comment). */
export function balance(
  points: PlanarPoints,
  items: readonly number[],
  assignment: Int32Array,
  turfs: { first: number; k: number },
  options: BalanceOptions,
): BalanceReport {
  const { xs, ys, doors } = points;
  const { first, k } = turfs;
  const { lo, hi } = options;
  const W = new Float64Array(k);
  const SX = new Float64Array(k);
  const SY = new Float64Array(k);
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const recount = () => {
    W.fill(0);
    SX.fill(0);
    SY.fill(0);
    for (const i of items) {
      const t = (assignment[i] as number) - first;
      const w = doors[i] as number;
      W[t] = (W[t] as number) + w;
      SX[t] = (SX[t] as number) + w * (xs[i] as number);
      SY[t] = (SY[t] as number) + w * (ys[i] as number);
    }
    for (let t = 0; t < k; t++) centre(t);
  };
  const centre = (t: number) => {
    const w = W[t] as number;
    cx[t] = w > 0 ? (SX[t] as number) / w : 0;
    cy[t] = w > 0 ? (SY[t] as number) / w : 0;
  };
  const d2 = (i: number, t: number) => ((xs[i] as number) - (cx[t] as number)) ** 2 + ((ys[i] as number) - (cy[t] as number)) ** 2;
  const move = (i: number, from: number, to: number) => {
    const w = doors[i] as number;
    W[from] = (W[from] as number) - w;
    SX[from] = (SX[from] as number) - w * (xs[i] as number);
    SY[from] = (SY[from] as number) - w * (ys[i] as number);
    W[to] = (W[to] as number) + w;
    SX[to] = (SX[to] as number) + w * (xs[i] as number);
    SY[to] = (SY[to] as number) + w * (ys[i] as number);
    assignment[i] = first + to;
  };
  // Exact change of cost when building i leaves turf a for turf b (Hartigan).
  const moveDelta = (i: number, a: number, b: number) => {
    const w = doors[i] as number;
    const wa = W[a] as number;
    const wb = W[b] as number;
    if (wa - w <= 0) return Number.POSITIVE_INFINITY;
    return ((w * wb) / (wb + w)) * d2(i, b) - ((w * wa) / (wa - w)) * d2(i, a);
  };
  const cost = () => {
    let c = 0;
    for (const i of items) c += (doors[i] as number) * d2(i, (assignment[i] as number) - first);
    return c;
  };
  // Each turf's nearest other centroids, by insertion into a short sorted list (k is in the hundreds).
  const neighbours = (): Int32Array[] => {
    const m = Math.min(NEIGHBOUR_TURFS, k - 1);
    const lists: Int32Array[] = [];
    const ids = new Int32Array(m);
    const ds = new Float64Array(m);
    for (let a = 0; a < k; a++) {
      let size = 0;
      for (let b = 0; b < k; b++) {
        if (b === a) continue;
        const d = ((cx[a] as number) - (cx[b] as number)) ** 2 + ((cy[a] as number) - (cy[b] as number)) ** 2;
        if (size === m && d >= (ds[m - 1] as number)) continue;
        let at = size < m ? size++ : m - 1;
        while (at > 0 && (ds[at - 1] as number) > d) {
          ds[at] = ds[at - 1] as number;
          ids[at] = ids[at - 1] as number;
          at--;
        }
        ds[at] = d;
        ids[at] = b;
      }
      lists.push(ids.slice(0, size));
    }
    return lists;
  };

  recount();
  const report: BalanceReport = { passes: 0, moves: 0, swaps: 0, seedCost: cost(), cost: 0 };
  if (k < 2) {
    report.cost = report.seedCost;
    return report;
  }
  repair(items, k, { W, lo, hi, neighbours, moveDelta, move, centre, first, assignment, doors });

  let current = cost();
  for (let pass = 1; pass <= options.passes; pass++) {
    const snapshot = items.map((i) => assignment[i] as number);
    const near = neighbours();
    let moves = 0;
    for (const i of items) {
      const a = (assignment[i] as number) - first;
      const w = doors[i] as number;
      if ((W[a] as number) - w < lo) continue;
      let best = -1;
      let bestDelta = -1e-6;
      for (const b of near[a] as Int32Array) {
        if ((W[b] as number) + w > hi) continue;
        const delta = moveDelta(i, a, b);
        if (delta < bestDelta) {
          bestDelta = delta;
          best = b;
        }
      }
      if (best >= 0) {
        move(i, a, best);
        centre(a);
        centre(best);
        moves++;
      }
    }
    recount();
    const afterMoves = cost();
    // Swaps are chosen on this pass's centroids, so their gain is an estimate: kept only if the cost falls.
    const beforeSwaps = items.map((i) => assignment[i] as number);
    let swaps = swapPass(items, near, { W, lo, hi, d2, move, doors, first, assignment, k });
    recount();
    let next = cost();
    if (next > afterMoves) {
      items.forEach((i, n) => {
        assignment[i] = beforeSwaps[n] as number;
      });
      recount();
      next = afterMoves;
      swaps = 0;
    }
    report.passes = pass;
    options.onPass?.(pass);
    if (next >= current) {
      // No gain: keep the better assignment and stop.
      if (next > current) {
        items.forEach((i, n) => {
          assignment[i] = snapshot[n] as number;
        });
        recount();
      }
      break;
    }
    report.moves += moves;
    report.swaps += swaps;
    current = next;
    if (moves + swaps === 0) break;
  }
  report.cost = cost();
  return report;
}

interface SwapContext {
  W: Float64Array;
  lo: number;
  hi: number;
  d2: (i: number, t: number) => number;
  move: (i: number, from: number, to: number) => void;
  doors: Float64Array;
  first: number;
  assignment: Int32Array;
  k: number;
}

/** Exchanges pairs of buildings between neighbouring turfs (gains measured on this pass's centroids). */
function swapPass(items: readonly number[], near: Int32Array[], c: SwapContext): number {
  const wanting = new Map<number, Array<{ i: number; gain: number }>>();
  for (const i of items) {
    const a = (c.assignment[i] as number) - c.first;
    const w = c.doors[i] as number;
    const here = c.d2(i, a);
    for (const b of near[a] as Int32Array) {
      const gain = w * (c.d2(i, b) - here);
      if (gain >= 0) continue;
      const key = a * c.k + b;
      let list = wanting.get(key);
      if (!list) {
        list = [];
        wanting.set(key, list);
      }
      list.push({ i, gain });
    }
  }
  let swaps = 0;
  const keys = [...wanting.keys()].sort((p, q) => p - q);
  for (const key of keys) {
    const a = Math.floor(key / c.k);
    const b = key % c.k;
    if (a > b) continue;
    const ab = wanting.get(key);
    const ba = wanting.get(b * c.k + a);
    if (!ab || !ba) continue;
    ab.sort((p, q) => p.gain - q.gain || p.i - q.i);
    ba.sort((p, q) => p.gain - q.gain || p.i - q.i);
    let p = 0;
    let q = 0;
    while (p < ab.length && q < ba.length) {
      const x = ab[p] as { i: number; gain: number };
      const y = ba[q] as { i: number; gain: number };
      if (x.gain + y.gain >= 0) break;
      if (c.assignment[x.i] !== c.first + a) {
        p++;
        continue;
      }
      if (c.assignment[y.i] !== c.first + b) {
        q++;
        continue;
      }
      const wx = c.doors[x.i] as number;
      const wy = c.doors[y.i] as number;
      const newA = (c.W[a] as number) - wx + wy;
      const newB = (c.W[b] as number) + wx - wy;
      if (newA < c.lo || newA > c.hi || newB < c.lo || newB > c.hi) {
        // Drop the heavier of the two and try the next pairing.
        if (wx > wy) p++;
        else q++;
        continue;
      }
      c.move(x.i, a, b);
      c.move(y.i, b, a);
      swaps++;
      p++;
      q++;
    }
  }
  return swaps;
}

interface RepairContext {
  W: Float64Array;
  lo: number;
  hi: number;
  neighbours: () => Int32Array[];
  moveDelta: (i: number, a: number, b: number) => number;
  move: (i: number, from: number, to: number) => void;
  centre: (t: number) => void;
  first: number;
  assignment: Int32Array;
  doors: Float64Array;
}

/** Brings turfs outside [lo, hi] back within them where a neighbour can give or take a building. */
function repair(items: readonly number[], k: number, c: RepairContext): void {
  const members: number[][] = Array.from({ length: k }, () => []);
  for (const i of items) (members[(c.assignment[i] as number) - c.first] as number[]).push(i);
  const near = c.neighbours();
  // Each step fixes part of one turf; the limit stops a cut that no move can repair.
  for (let step = 0; step < items.length; step++) {
    let worst = -1;
    let worstBy = 0;
    for (let t = 0; t < k; t++) {
      const by = Math.max((c.W[t] as number) - c.hi, c.lo - (c.W[t] as number));
      if (by > worstBy) {
        worstBy = by;
        worst = t;
      }
    }
    if (worst < 0) return;
    const over = (c.W[worst] as number) > c.hi;
    let best: { i: number; from: number; to: number; delta: number } | null = null;
    for (const other of near[worst] as Int32Array) {
      const from = over ? worst : other;
      const to = over ? other : worst;
      for (const i of members[from] as number[]) {
        const w = c.doors[i] as number;
        // The giving turf must not fall under lo, nor the taking one rise over hi (unless it was the one over).
        if ((c.W[to] as number) + w > c.hi) continue;
        if (!over && (c.W[from] as number) - w < c.lo) continue;
        if ((c.W[from] as number) - w <= 0) continue;
        const delta = c.moveDelta(i, from, to);
        if (!best || delta < best.delta) best = { i, from, to, delta };
      }
    }
    if (!best) return;
    c.move(best.i, best.from, best.to);
    c.centre(best.from);
    c.centre(best.to);
    const list = members[best.from] as number[];
    list.splice(list.indexOf(best.i), 1);
    (members[best.to] as number[]).push(best.i);
  }
}
