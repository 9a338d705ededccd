// The walking order of one turf: an open path through its buildings (the canvasser does not come
// back to the start), built by nearest neighbour, then improved by 2-opt (reverse a stretch when
// that shortens the path) and or-opt (move a run of 1 to 3 buildings elsewhere), both looking only
// at each building's nearest neighbours so that a pass costs O(n × NEIGHBOURS), not O(n²).

/** Neighbours considered per building by the improvement moves. */
const NEIGHBOURS = 10;
/** Improvements smaller than this (metres) are ignored: floating-point noise would loop forever. */
const EPS = 1e-7;
/** A limit for pathological inputs; on real turfs the moves run out long before. */
const MAX_PASSES = 50;

export interface WalkOrder {
  /** Indices into the given points, in walking order. */
  order: number[];
  /** Length in metres of the path in `order`. */
  metres: number;
  /** Length in metres of the nearest-neighbour path alone, before improvement. */
  nearestNeighbourMetres: number;
}

/** Length in metres of an open path through points (x, y in metres) in the given order. */
export function pathLength(xs: ArrayLike<number>, ys: ArrayLike<number>, order: readonly number[]): number {
  let total = 0;
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1] as number;
    const b = order[i] as number;
    total += Math.sqrt(((xs[a] as number) - (xs[b] as number)) ** 2 + ((ys[a] as number) - (ys[b] as number)) ** 2);
  }
  return total;
}

/** The nearest-neighbour path, from the point farthest from the centroid (an end of the area). */
export function nearestNeighbourPath(xs: ArrayLike<number>, ys: ArrayLike<number>): number[] {
  const n = xs.length;
  if (n === 0) return [];
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < n; i++) {
    cx += xs[i] as number;
    cy += ys[i] as number;
  }
  cx /= n;
  cy /= n;
  let start = 0;
  let far = -1;
  for (let i = 0; i < n; i++) {
    const d = ((xs[i] as number) - cx) ** 2 + ((ys[i] as number) - cy) ** 2;
    if (d > far) {
      far = d;
      start = i;
    }
  }
  const visited = new Uint8Array(n);
  const order = [start];
  visited[start] = 1;
  let current = start;
  for (let step = 1; step < n; step++) {
    let best = -1;
    let bestD = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) {
      if (visited[j]) continue;
      const d = ((xs[j] as number) - (xs[current] as number)) ** 2 + ((ys[j] as number) - (ys[current] as number)) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    visited[best] = 1;
    order.push(best);
    current = best;
  }
  return order;
}

/** Each point's nearest other points (up to NEIGHBOURS), nearest first. */
function neighbourLists(xs: ArrayLike<number>, ys: ArrayLike<number>): Int32Array[] {
  const n = xs.length;
  const k = Math.min(NEIGHBOURS, n - 1);
  const lists: Int32Array[] = [];
  const ids = new Int32Array(k);
  const ds = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const d = ((xs[j] as number) - (xs[i] as number)) ** 2 + ((ys[j] as number) - (ys[i] as number)) ** 2;
      if (size === k && d >= (ds[k - 1] as number)) continue;
      // Insertion into the sorted short list.
      let at = size < k ? size++ : k - 1;
      while (at > 0 && (ds[at - 1] as number) > d) {
        ds[at] = ds[at - 1] as number;
        ids[at] = ids[at - 1] as number;
        at--;
      }
      ds[at] = d;
      ids[at] = j;
    }
    lists.push(ids.slice(0, size));
  }
  return lists;
}

/** Walking order of a turf's points (x, y in metres): nearest neighbour, then 2-opt and or-opt. */
export function walkOrder(xs: ArrayLike<number>, ys: ArrayLike<number>): WalkOrder {
  const n = xs.length;
  const path = nearestNeighbourPath(xs, ys);
  const nearestNeighbourMetres = pathLength(xs, ys, path);
  if (n < 4) return { order: path, metres: nearestNeighbourMetres, nearestNeighbourMetres };
  const near = neighbourLists(xs, ys);
  // Math.sqrt, not Math.hypot: hypot is several times slower in V8, and this runs millions of times.
  const d = (a: number, b: number) =>
    a < 0 || b < 0 ? 0 : Math.sqrt(((xs[a] as number) - (xs[b] as number)) ** 2 + ((ys[a] as number) - (ys[b] as number)) ** 2);
  const pos = new Int32Array(n);
  const at = (i: number) => (i >= 0 && i < n ? (path[i] as number) : -1);
  const reindex = (from = 0, to = n - 1) => {
    for (let i = from; i <= to; i++) pos[path[i] as number] = i;
  };
  const reverse = (i: number, j: number) => {
    for (let a = i, b = j; a < b; a++, b--) {
      const t = path[a] as number;
      path[a] = path[b] as number;
      path[b] = t;
    }
    reindex(i, j);
  };
  reindex();

  // 2-opt: for a and its neighbour c, make them adjacent by reversing the stretch between them.
  const twoOpt = (): boolean => {
    let improved = false;
    for (let p = 0; p < n; p++) {
      const a = path[p] as number;
      for (const c of near[a] as Int32Array) {
        const q = pos[c] as number;
        const pa = pos[a] as number;
        let gain: number;
        if (q > pa + 1) {
          // a … [pa+1 … q] … : reverse so that c follows a.
          gain = d(a, at(pa + 1)) + d(c, at(q + 1)) - d(a, c) - d(at(pa + 1), at(q + 1));
          if (gain > EPS) {
            reverse(pa + 1, q);
            improved = true;
          }
        } else if (q < pa - 1) {
          // … [q … pa-1] a … : reverse so that c precedes a.
          gain = d(at(q - 1), c) + d(at(pa - 1), a) - d(c, a) - d(at(q - 1), at(pa - 1));
          if (gain > EPS) {
            reverse(q, pa - 1);
            improved = true;
          }
        }
      }
    }
    return improved;
  };

  // Or-opt: move a run of 1–3 consecutive buildings (either way round) next to a neighbour of its ends.
  const orOpt = (): boolean => {
    let improved = false;
    for (let len = 1; len <= 3; len++) {
      for (let s = 0; s + len <= n; s++) {
        const first = path[s] as number;
        const last = path[s + len - 1] as number;
        const before = at(s - 1);
        const after = at(s + len);
        if (before < 0 && after < 0) continue;
        const removeGain = d(before, first) + d(last, after) - (before >= 0 && after >= 0 ? d(before, after) : 0);
        let bestCost = removeGain - EPS;
        let bestJ = -2;
        let bestReversed = false;
        for (let e = 0; e < 2; e++) {
          const list = near[e === 0 ? first : last] as Int32Array;
          for (let m = 0; m < list.length; m++) {
            const q = pos[list[m] as number] as number;
            if (q >= s && q < s + len) continue;
            // Insert between path[j] and path[j+1], j = q or q - 1 (not touching the run).
            for (let j = q - 1; j <= q; j++) {
              if (j >= s - 1 && j < s + len) continue;
              const left = at(j);
              const right = at(j + 1);
              const base = left >= 0 && right >= 0 ? d(left, right) : 0;
              const forward = d(left, first) + d(last, right) - base;
              const backward = d(left, last) + d(first, right) - base;
              const cost = forward <= backward ? forward : backward;
              if (cost < bestCost) {
                bestCost = cost;
                bestJ = j;
                bestReversed = backward < forward;
              }
            }
          }
        }
        if (bestJ === -2) continue;
        const run = path.splice(s, len);
        if (bestReversed) run.reverse();
        // Positions after the run moved back by len once it is cut out.
        const insertAt = bestJ >= s + len ? bestJ - len + 1 : bestJ + 1;
        path.splice(insertAt, 0, ...run);
        reindex(Math.min(s, insertAt), Math.max(s + len - 1, insertAt + len - 1));
        improved = true;
      }
    }
    return improved;
  };

  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const a = twoOpt();
    const b = orOpt();
    if (!a && !b) break;
  }
  return { order: path, metres: pathLength(xs, ys, path), nearestNeighbourMetres };
}
