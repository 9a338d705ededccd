// A local equirectangular projection: lon/lat to metres on a plane tangent at the data's mean
// latitude. Over a city (tens of kilometres) its distances are within a fraction of a percent of the
// haversine's, and they cost one multiplication each, which the clustering and tours need by millions.

/** Mean Earth radius (IUGG), in metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

export interface LocalProjection {
  /** Metres east of the reference point. */
  x(lon: number): number;
  /** Metres north of the reference point. */
  y(lat: number): number;
}

/** The projection centred on the mean of the given points (lon, lat in degrees). */
export function localProjection(points: ReadonlyArray<{ lon: number; lat: number }>): LocalProjection {
  let lon0 = 0;
  let lat0 = 0;
  for (const p of points) {
    lon0 += p.lon;
    lat0 += p.lat;
  }
  const n = Math.max(1, points.length);
  lon0 /= n;
  lat0 /= n;
  const kx = EARTH_RADIUS_M * RAD * Math.cos(lat0 * RAD);
  const ky = EARTH_RADIUS_M * RAD;
  return { x: (lon) => (lon - lon0) * kx, y: (lat) => (lat - lat0) * ky };
}

/** Great-circle distance in metres between two lon/lat points (haversine), to check the projection against. */
export function haversineMetres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
