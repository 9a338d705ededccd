// A generated city's buildings for the cutting tests and the benchmark without the Paris mirror:
// dense neighbourhoods (Gaussian clusters) over a sparse background, about 10 km across, seeded.
import { createRandom } from '../../../opendata/prng.ts';
import type { CutBuilding } from './cut-turfs.ts';

export interface SyntheticBuildingsOptions {
  count: number;
  seed?: number;
  /** Doors per building drawn in [1, maxDoors], small ones commonest (default 1: one door each). */
  maxDoors?: number;
  /** Half-width of the city in degrees of longitude (default 0.07, about 5 km at Paris). */
  radius?: number;
}

/** Deterministic buildings around central Paris's coordinates, ids "b000001"… */
export function syntheticBuildings(options: SyntheticBuildingsOptions): CutBuilding[] {
  const random = createRandom(options.seed ?? 1);
  const radius = options.radius ?? 0.07;
  const maxDoors = options.maxDoors ?? 1;
  const centres = Array.from({ length: 40 }, () => ({
    lon: 2.35 + (random.next() * 2 - 1) * radius,
    lat: 48.86 + (random.next() * 2 - 1) * radius * 0.66,
    spread: radius * (0.03 + random.next() * 0.12),
  }));
  // Standard normal draw (Box–Muller).
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  const out: CutBuilding[] = [];
  for (let n = 0; n < options.count; n++) {
    let lon: number;
    let lat: number;
    if (random.chance(0.8)) {
      const c = random.pick(centres);
      lon = c.lon + gauss() * c.spread;
      lat = c.lat + gauss() * c.spread * 0.66;
    } else {
      lon = 2.35 + (random.next() * 2 - 1) * radius;
      lat = 48.86 + (random.next() * 2 - 1) * radius * 0.66;
    }
    const doors = 1 + Math.floor(random.next() ** 2 * maxDoors);
    out.push({ id: `b${String(n).padStart(6, '0')}`, lon, lat, doors: Math.min(maxDoors, doors) });
  }
  return out;
}
