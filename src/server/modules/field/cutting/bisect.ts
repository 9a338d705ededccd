// Seeding by recursive coordinate bisection: a set of buildings to cut into k turfs is split across
// its longer side at the door-weighted point that gives the first part ⌊k/2⌋/k of the doors, and
// each part is cut the same way. Every leaf is a compact box-like cell with very nearly total/k
// doors (off by at most about one building per level), which is the start the balancing needs.

/** Points in metres and their doors, shared by the cutting steps. */
export interface PlanarPoints {
  xs: Float64Array;
  ys: Float64Array;
  doors: Float64Array;
}

/**
 * Assigns each of `items` (indices into `points`) to one of k turfs numbered from `firstTurf`,
 * writing the turf into `assignment`. k must not exceed items.length.
 */
export function bisect(points: PlanarPoints, items: number[], k: number, firstTurf: number, assignment: Int32Array): void {
  if (k <= 1) {
    for (const i of items) assignment[i] = firstTurf;
    return;
  }
  const { xs, ys, doors } = points;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let total = 0;
  for (const i of items) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    total += doors[i] as number;
  }
  const along = maxX - minX >= maxY - minY ? xs : ys;
  const across = along === xs ? ys : xs;
  // Ties broken by the other coordinate, then the index: the same input always cuts the same way.
  items.sort((a, b) => (along[a] as number) - (along[b] as number) || (across[a] as number) - (across[b] as number) || a - b);
  const kLeft = Math.floor(k / 2);
  const wanted = (total * kLeft) / k;
  // Each side keeps at least as many buildings as turfs.
  const lowest = kLeft;
  const highest = items.length - (k - kLeft);
  let split = lowest;
  let sum = 0;
  for (let n = 0; n < items.length; n++) {
    const next = sum + (doors[items[n] as number] as number);
    if (next > wanted) {
      // Stop before or after this building, whichever lands nearer the wanted doors.
      split = wanted - sum <= next - wanted ? n : n + 1;
      break;
    }
    sum = next;
    split = n + 1;
  }
  split = Math.min(highest, Math.max(lowest, split));
  bisect(points, items.slice(0, split), kLeft, firstTurf, assignment);
  bisect(points, items.slice(split), k - kLeft, firstTurf + kLeft, assignment);
}
