// Finds the zones that contain a point: a flatbush index of the zones' boxes narrows the search,
// then an exact point-in-polygon test (holes respected) decides.
import Flatbush from 'flatbush';
import { type AreaGeometry, type BBox, geometryBBox, pointInGeometry } from './geometry.ts';

export interface LocatableZone {
  id: string;
  geometry: AreaGeometry;
  /** Precomputed [minLon, minLat, maxLon, maxLat]; computed from the geometry when absent. */
  bbox?: readonly number[] | null;
}

export interface ZoneLocator {
  /** Ids of every zone (of every layer given) containing the point, in the order the zones were given. */
  locate(lon: number, lat: number): string[];
  readonly size: number;
}

/** Builds a spatial index over the given zones (typically all zones of one campaign). */
export function createZoneLocator(zones: readonly LocatableZone[]): ZoneLocator {
  if (zones.length === 0) return { locate: () => [], size: 0 };
  const index = new Flatbush(zones.length);
  for (const zone of zones) {
    const box = (zone.bbox && zone.bbox.length === 4 ? zone.bbox : geometryBBox(zone.geometry)) as BBox;
    index.add(box[0], box[1], box[2], box[3]);
  }
  index.finish();
  return {
    size: zones.length,
    locate(lon, lat) {
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) return [];
      const hits = index.search(lon, lat, lon, lat);
      hits.sort((a, b) => a - b);
      const ids: string[] = [];
      for (const i of hits) {
        const zone = zones[i] as LocatableZone;
        if (pointInGeometry(zone.geometry, lon, lat)) ids.push(zone.id);
      }
      return ids;
    },
  };
}
