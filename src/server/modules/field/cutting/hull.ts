// A turf's outline: the convex hull of its buildings, as a GeoJSON polygon in lon/lat. A turf of one
// or two buildings, or of buildings on one line, gets a small box around them instead, so that every
// turf has an area to draw and to click on the map.
import type { AreaGeometry } from '../../territory/index.ts';

/** A GeoJSON polygon, the territory module's kind. */
export type PolygonGeometry = Extract<AreaGeometry, { type: 'Polygon' }>;
export type Position = [number, number];

/** Half-side of the box drawn around a turf too thin for a hull, in degrees (about 5 m). */
const PAD_DEG = 0.00005;

const cross = (o: Position, a: Position, b: Position) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Convex hull of points (Andrew's monotone chain), counter-clockwise, without repeating the first point. */
export function convexHull(points: readonly Position[]): Position[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return sorted;
  const lower: Position[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2] as Position, lower[lower.length - 1] as Position, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Position[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i] as Position;
    while (upper.length >= 2 && cross(upper[upper.length - 2] as Position, upper[upper.length - 1] as Position, p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper);
}

/** The turf's polygon (RFC 7946: closed exterior ring, counter-clockwise) around the given lon/lat points. */
export function turfPolygon(points: readonly Position[]): PolygonGeometry {
  const hull = convexHull(points);
  if (hull.length >= 3) return { type: 'Polygon', coordinates: [[...hull, hull[0] as Position]] };
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of points) {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  }
  minX -= PAD_DEG;
  minY -= PAD_DEG;
  maxX += PAD_DEG;
  maxY += PAD_DEG;
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minX, minY],
        [maxX, minY],
        [maxX, maxY],
        [minX, maxY],
        [minX, minY],
      ],
    ],
  };
}
