// Zone shapes made light for a choropleth: each ring simplified (Douglas–Peucker, ~3 m by default,
// invisible at street zoom) and its coordinates rounded to 5 decimals (~1 m). 902 polling stations
// go from about 1 MB of GeoJSON to well under 100 kB once gzipped (bench/targeting.ts).
import type { AreaGeometry, Ring } from '../territory/index.ts';
import { polygonsOf } from '../territory/index.ts';

function perpendicular2(p: number[], a: number[], b: number[], cosLat: number): number {
  const ax = (a[0] as number) * cosLat;
  const bx = (b[0] as number) * cosLat;
  const px = (p[0] as number) * cosLat;
  const [ay, by, py] = [a[1] as number, b[1] as number, p[1] as number];
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const x = ax + t * dx - px;
  const y = ay + t * dy - py;
  return x * x + y * y;
}

/** A ring simplified within `tolerance` degrees of latitude (closed rings stay closed, at least 4 points). */
export function simplifyRing(ring: Ring, tolerance: number): Ring {
  if (ring.length <= 4) return ring;
  const cosLat = Math.cos((((ring[0] as number[])[1] as number) * Math.PI) / 180);
  const keep = new Uint8Array(ring.length);
  keep[0] = 1;
  keep[ring.length - 1] = 1;
  const tol2 = tolerance * tolerance;
  const stack: Array<[number, number]> = [[0, ring.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop() as [number, number];
    let max = 0;
    let index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = perpendicular2(ring[i] as number[], ring[first] as number[], ring[last] as number[], cosLat);
      if (d > max) {
        max = d;
        index = i;
      }
    }
    // A closed ring's first and last points coincide: always keep its farthest point.
    if (index !== -1 && (max > tol2 || (first === 0 && last === ring.length - 1))) {
      keep[index] = 1;
      stack.push([first, index], [index, last]);
    }
  }
  const out = ring.filter((_, i) => keep[i] === 1);
  return out.length >= 4 ? out : ring;
}

/** The geometry simplified and rounded for a map (see the header). */
export function lightGeometry(geometry: AreaGeometry, tolerance = 0.00003, decimals = 5): AreaGeometry {
  const f = 10 ** decimals;
  const ring = (r: Ring): Ring => simplifyRing(r, tolerance).map(([x, y]) => [Math.round(x * f) / f, Math.round(y * f) / f]);
  const polygons = polygonsOf(geometry).map((p) => p.map(ring));
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: polygons[0] as Ring[] }
    : { type: 'MultiPolygon', coordinates: polygons };
}
