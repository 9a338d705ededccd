import { describe, expect, it } from 'vitest';
import {
  type AreaGeometry,
  geometryBBox,
  geometryCentroid,
  interiorPoint,
  parseAreaGeometry,
  pointInGeometry,
  type Ring,
} from './geometry.ts';
import { createZoneLocator } from './zone-locator.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

// Two unit squares side by side (west, east); the west one has a square hole, filled by "island".
const west: AreaGeometry = { type: 'Polygon', coordinates: [rect(0, 0, 1, 1), rect(0.25, 0.25, 0.75, 0.75)] };
const east: AreaGeometry = { type: 'Polygon', coordinates: [rect(1, 0, 2, 1)] };
const island: AreaGeometry = { type: 'Polygon', coordinates: [rect(0.25, 0.25, 0.75, 0.75)] };
// Two separate squares forming one zone, above the others.
const archipelago: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [[rect(0, 2, 0.5, 2.5)], [rect(1.5, 2, 2, 2.5)]],
};
// A big zone of another layer covering everything.
const region: AreaGeometry = { type: 'Polygon', coordinates: [rect(-1, -1, 3, 3)] };

const locator = createZoneLocator([
  { id: 'west', geometry: west },
  { id: 'east', geometry: east },
  { id: 'island', geometry: island },
  { id: 'archipelago', geometry: archipelago },
  { id: 'region', geometry: region, bbox: [-1, -1, 3, 3] },
]);

describe('zone locator', () => {
  it('finds the zone of every layer that contains a point', () => {
    expect(locator.locate(0.1, 0.1)).toEqual(['west', 'region']);
    expect(locator.locate(1.5, 0.5)).toEqual(['east', 'region']);
  });

  it('respects holes: a point in the hole is in the island, not in the holed zone', () => {
    expect(locator.locate(0.5, 0.5)).toEqual(['island', 'region']);
  });

  it('puts a point on a shared border in exactly one of the two zones', () => {
    const onVertical = locator.locate(1, 0.5).filter((id) => id !== 'region');
    expect(onVertical).toHaveLength(1);
    const onHoleBorder = locator.locate(0.25, 0.5).filter((id) => id !== 'region');
    expect(onHoleBorder).toHaveLength(1);
    const onHorizontalHoleBorder = locator.locate(0.5, 0.75).filter((id) => id !== 'region');
    expect(onHorizontalHoleBorder).toHaveLength(1);
  });

  it('handles each part of a MultiPolygon and the gap between them', () => {
    expect(locator.locate(0.2, 2.2)).toEqual(['archipelago', 'region']);
    expect(locator.locate(1.8, 2.4)).toEqual(['archipelago', 'region']);
    expect(locator.locate(1, 2.2)).toEqual(['region']);
  });

  it('finds nothing outside every zone, and copes with no zones or bad input', () => {
    expect(locator.locate(10, 10)).toEqual([]);
    expect(locator.locate(Number.NaN, 0)).toEqual([]);
    expect(createZoneLocator([]).locate(0, 0)).toEqual([]);
  });

  it('works on a concave polygon whose bbox contains the point but the polygon does not', () => {
    // An L shape: the point (1.5, 1.5) is in its bbox but outside the L.
    const l: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [2, 0],
          [2, 1],
          [1, 1],
          [1, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    };
    const only = createZoneLocator([{ id: 'l', geometry: l }]);
    expect(only.locate(1.5, 1.5)).toEqual([]);
    expect(only.locate(0.5, 1.5)).toEqual(['l']);
  });
});

describe('geometry', () => {
  it('validates geometries and closes open rings', () => {
    expect(parseAreaGeometry(null)).toBe('missing geometry');
    expect(parseAreaGeometry({ type: 'Point', coordinates: [0, 0] })).toMatch(/unsupported/);
    expect(
      parseAreaGeometry({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
          ],
        ],
      }),
    ).toMatch(/fewer than 4/);
    expect(
      parseAreaGeometry({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 'x'],
          ],
        ],
      }),
    ).toBe('invalid position');
    const open = parseAreaGeometry({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
        ],
      ],
    });
    expect(typeof open).toBe('object');
    expect((open as { coordinates: Ring[] }).coordinates[0]).toHaveLength(4);
  });

  it('computes bbox and area-weighted centroid, holes included', () => {
    expect(geometryBBox(west)).toEqual([0, 0, 1, 1]);
    expect(geometryBBox(archipelago)).toEqual([0, 2, 2, 2.5]);
    const [cx, cy] = geometryCentroid(east);
    expect(cx).toBeCloseTo(1.5, 12);
    expect(cy).toBeCloseTo(0.5, 12);
    // The centre of the holed square is in the hole: the centroid falls back to an inside point.
    const c = geometryCentroid(west);
    expect(pointInGeometry(west, c[0], c[1])).toBe(true);
  });

  it('finds an interior point of a concave shape', () => {
    const u: AreaGeometry = {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [3, 0],
          [3, 3],
          [2, 3],
          [2, 1],
          [1, 1],
          [1, 3],
          [0, 3],
          [0, 0],
        ],
      ],
    };
    const p = interiorPoint(u);
    expect(pointInGeometry(u, p[0], p[1])).toBe(true);
    const c = geometryCentroid(u);
    expect(pointInGeometry(u, c[0], c[1])).toBe(true);
  });
});
