// Planar geometry on lon/lat polygons: enough for city-scale zones (validation, bbox, centroid,
// point in polygon). Distortion of degrees is irrelevant at this scale for these uses.

export type Position = [number, number];
export type Ring = Position[];
export type BBox = [number, number, number, number];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Ring[];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Ring[][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

/** The polygons of a geometry, as lists of rings (outer ring first, then holes). */
export function polygonsOf(geometry: AreaGeometry): Ring[][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function isPosition(p: unknown): p is Position {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Number.isFinite(p[0]) &&
    Number.isFinite(p[1])
  );
}

function parseRing(raw: unknown): Ring | string {
  if (!Array.isArray(raw)) return 'ring is not an array';
  const ring: Ring = [];
  for (const p of raw) {
    if (!isPosition(p)) return 'invalid position';
    ring.push([p[0], p[1]]);
  }
  if (ring.length > 0) {
    const first = ring[0] as Position;
    const last = ring[ring.length - 1] as Position;
    // Tolerate unclosed rings: close them rather than reject the zone.
    if (first[0] !== last[0] || first[1] !== last[1]) ring.push([first[0], first[1]]);
  }
  if (ring.length < 4) return 'ring has fewer than 4 positions';
  return ring;
}

function parsePolygon(raw: unknown): Ring[] | string {
  if (!Array.isArray(raw) || raw.length === 0) return 'polygon has no rings';
  const rings: Ring[] = [];
  for (const r of raw) {
    const ring = parseRing(r);
    if (typeof ring === 'string') return ring;
    rings.push(ring);
  }
  return rings;
}

/** Validates a GeoJSON geometry as Polygon or MultiPolygon; returns it (cleaned) or the reason it is not. */
export function parseAreaGeometry(raw: unknown): AreaGeometry | string {
  if (!raw || typeof raw !== 'object') return 'missing geometry';
  const g = raw as { type?: unknown; coordinates?: unknown };
  if (g.type === 'Polygon') {
    const rings = parsePolygon(g.coordinates);
    return typeof rings === 'string' ? rings : { type: 'Polygon', coordinates: rings };
  }
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return 'multipolygon has no polygons';
    const polygons: Ring[][] = [];
    for (const p of g.coordinates) {
      const rings = parsePolygon(p);
      if (typeof rings === 'string') return rings;
      polygons.push(rings);
    }
    return { type: 'MultiPolygon', coordinates: polygons };
  }
  return `unsupported geometry type ${String(g.type)}`;
}

/** The bounding box [minLon, minLat, maxLon, maxLat] of a geometry. */
export function geometryBBox(geometry: AreaGeometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    // Holes lie inside the outer ring: the outer ring alone bounds the polygon.
    for (const [x, y] of polygon[0] ?? []) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Signed area (shoelace) and area-weighted centroid of one ring, relative to an origin for precision. */
function ringMoments(ring: Ring, ox: number, oy: number): { area: number; cx: number; cy: number } {
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    const x0 = xj - ox;
    const y0 = yj - oy;
    const x1 = xi - ox;
    const y1 = yi - oy;
    const cross = x0 * y1 - x1 * y0;
    a2 += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  const area = a2 / 2;
  if (area === 0) return { area: 0, cx: 0, cy: 0 };
  return { area, cx: cx / (6 * area) + ox, cy: cy / (6 * area) + oy };
}

/** Area of a geometry in square degrees (holes subtracted); used to weigh and compare parts. */
export function geometryArea(geometry: AreaGeometry): number {
  let total = 0;
  for (const polygon of polygonsOf(geometry)) total += polygonArea(polygon);
  return total;
}

function polygonArea(polygon: Ring[]): number {
  const first = polygon[0]?.[0];
  if (!first) return 0;
  let area = 0;
  polygon.forEach((ring, k) => {
    const m = Math.abs(ringMoments(ring, first[0], first[1]).area);
    area += k === 0 ? m : -m;
  });
  return area;
}

/**
 * The centroid [lon, lat] of a geometry: the area-weighted centre when it lies inside the
 * geometry, else an interior point (so that labels and parent lookups land inside the zone).
 */
export function geometryCentroid(geometry: AreaGeometry): Position {
  let sumA = 0;
  let sumX = 0;
  let sumY = 0;
  for (const polygon of polygonsOf(geometry)) {
    const first = polygon[0]?.[0];
    if (!first) continue;
    polygon.forEach((ring, k) => {
      const m = ringMoments(ring, first[0], first[1]);
      const a = k === 0 ? Math.abs(m.area) : -Math.abs(m.area);
      sumA += a;
      sumX += a * m.cx;
      sumY += a * m.cy;
    });
  }
  if (sumA > 0) {
    const c: Position = [sumX / sumA, sumY / sumA];
    if (pointInGeometry(geometry, c[0], c[1])) return c;
  }
  return interiorPoint(geometry);
}

/**
 * A point strictly inside the geometry: the middle of the widest inside segment of a horizontal
 * line through the largest polygon (a classic "point on surface").
 */
export function interiorPoint(geometry: AreaGeometry): Position {
  let best: Ring[] | undefined;
  let bestArea = -Infinity;
  for (const polygon of polygonsOf(geometry)) {
    const a = polygonArea(polygon);
    if (a > bestArea) {
      bestArea = a;
      best = polygon;
    }
  }
  const outer = best?.[0];
  if (!best || !outer || outer.length === 0) return [Number.NaN, Number.NaN];
  const [minX, minY, maxX, maxY] = geometryBBox({ type: 'Polygon', coordinates: best });
  // Try a few scan lines; one through a vertex would double-count crossings, so avoid vertex y's.
  const vertexYs = new Set<number>();
  for (const ring of best) for (const p of ring) vertexYs.add(p[1]);
  let bestSegment: { x: number; y: number; width: number } | undefined;
  for (const f of [0.5, 0.37, 0.63, 0.25, 0.75, 0.13, 0.87]) {
    let y = minY + (maxY - minY) * f;
    if (vertexYs.has(y)) y += (maxY - minY) * 1e-7;
    const xs: number[] = [];
    for (const ring of best) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i] as Position;
        const [xj, yj] = ring[j] as Position;
        if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
      }
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const width = (xs[k + 1] as number) - (xs[k] as number);
      if (!bestSegment || width > bestSegment.width) {
        bestSegment = { x: ((xs[k] as number) + (xs[k + 1] as number)) / 2, y, width };
      }
    }
    if (bestSegment && bestSegment.width > 0) break;
  }
  if (bestSegment) return [bestSegment.x, bestSegment.y];
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

/**
 * Crossing-number test with a half-open rule: a point on an edge shared by two adjacent rings is
 * inside exactly one of them, so a point on a common border belongs to one zone, not two.
 */
export function pointInRing(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

/** True when (x, y) lies inside the polygon given as rings (outer first, holes after). */
export function pointInPolygon(polygon: Ring[], x: number, y: number): boolean {
  const outer = polygon[0];
  if (!outer || !pointInRing(outer, x, y)) return false;
  for (let k = 1; k < polygon.length; k++) {
    if (pointInRing(polygon[k] as Ring, x, y)) return false;
  }
  return true;
}

/** True when (lon, lat) lies inside a Polygon or MultiPolygon, holes excluded. */
export function pointInGeometry(geometry: AreaGeometry, lon: number, lat: number): boolean {
  for (const polygon of polygonsOf(geometry)) if (pointInPolygon(polygon, lon, lat)) return true;
  return false;
}

/** A copy of the geometry with coordinates rounded (6 decimals ≈ 0.1 m), to keep stored zones small. */
export function roundGeometry(geometry: AreaGeometry, decimals = 6): AreaGeometry {
  const f = 10 ** decimals;
  const r = (v: number): number => Math.round(v * f) / f;
  const ring = (rg: Ring): Ring => rg.map(([x, y]) => [r(x), r(y)] as Position);
  return geometry.type === 'Polygon'
    ? { type: 'Polygon', coordinates: geometry.coordinates.map(ring) }
    : { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map(ring)) };
}
