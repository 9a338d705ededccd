// npm run bench:turfs — the field issue's turf-cutting benchmark: 100,000 Paris addresses (the local
// mirror, RELAIS_OPENDATA_DIR or ../shared/data/paris; else a generated city of the same size) cut
// into 500-door turfs by Relais (bisection, capacitated moves and swaps, walking order and polygons
// included), against @turf/clusters-kmeans on the same points with the same number of clusters
// (clustering alone; its clusters then get the same walking order, to compare metres per door).
// Doors are one per address (the BAN has no dwelling counts). Ratios within one run, on one machine.
//   node bench/turfs.ts [--addresses 100000] [--target 500]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { clustersKmeans } from '@turf/clusters-kmeans';
import { featureCollection, point } from '@turf/helpers';
import { loadConfig } from '../src/server/config.ts';
import { readBanBuildings } from '../src/server/modules/field/cutting/ban-buildings.ts';
import { type CutBuilding, cutTurfs } from '../src/server/modules/field/cutting/cut-turfs.ts';
import { localProjection } from '../src/server/modules/field/cutting/geo.ts';
import { syntheticBuildings } from '../src/server/modules/field/cutting/synthetic-buildings.ts';
import { walkOrder } from '../src/server/modules/field/cutting/walk-order.ts';
import { findLocalMirror } from '../src/server/opendata/mirror.ts';
import { parisManifest } from '../src/server/opendata/paris.manifest.ts';
import { loadAverage, machineConditions } from './lib/machine.ts';
import { layOut } from './lib/report.ts';

const { values } = parseArgs({
  options: { addresses: { type: 'string', default: '100000' }, target: { type: 'string', default: '500' } },
});
const addresses = Number(values.addresses);
const target = Number(values.target);
const TARGETS = { timeRatio: 1, withinShare: 1, tourRatio: 0.9 };
const log = (line: string) => console.error(line);
const machine = machineConditions();
log(
  `Relais turfs bench: ${machine.cpuCount} × ${machine.cpuModel}, ${machine.totalMemoryMiB} MiB, Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}`,
);

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);
const buildings: CutBuilding[] = mirror
  ? await readBanBuildings(path.join(mirror, 'adresses-75.csv.gz'), { maxAddresses: addresses })
  : syntheticBuildings({ count: addresses, seed: 11 });
const city = mirror ? 'Paris (BAN, the first addresses in file order)' : 'generated city';
const doors = buildings.reduce((s, b) => s + b.doors, 0);
log(`${city}: ${buildings.length.toLocaleString('en')} buildings, ${doors.toLocaleString('en')} doors, turfs of ${target} doors`);

// Relais.
const phaseMs: Record<string, number> = {};
let phaseStart = performance.now();
let phase = 'seed';
const t0 = performance.now();
const cut = cutTurfs(buildings, {
  targetDoors: target,
  onProgress: (p) => {
    if (p.phase !== phase) {
      phaseMs[phase] = performance.now() - phaseStart;
      phaseStart = performance.now();
      phase = p.phase;
    }
  },
});
const relaisMs = performance.now() - t0;
phaseMs[phase] = performance.now() - phaseStart;
const k = cut.turfs.length;
log(
  `Relais: ${k} turfs in ${(relaisMs / 1000).toFixed(2)} s (${Object.entries(phaseMs)
    .map(([p, ms]) => `${p} ${(ms / 1000).toFixed(2)} s`)
    .join(', ')})`,
);

// k-means on the same points, same number of clusters.
const points = featureCollection(buildings.map((b, i) => point([b.lon, b.lat], { i })));
const t1 = performance.now();
const clustered = clustersKmeans(points, { numberOfClusters: k, mutate: true });
const kmeansMs = performance.now() - t1;
log(`k-means: ${k} clusters in ${(kmeansMs / 1000).toFixed(2)} s`);
const projection = localProjection(buildings);
const members: number[][] = Array.from({ length: k }, () => []);
for (const f of clustered.features) members[f.properties.cluster as number]?.push((f.properties as { i: number }).i);
const kmeansTurfs = members
  .filter((m) => m.length > 0)
  .map((m) => {
    const walk = walkOrder(
      m.map((i) => projection.x((buildings[i] as CutBuilding).lon)),
      m.map((i) => projection.y((buildings[i] as CutBuilding).lat)),
    );
    return { doors: m.reduce((s, i) => s + (buildings[i] as CutBuilding).doors, 0), metres: walk.metres };
  });

interface Side {
  ms: number;
  turfs: number;
  minRatio: number;
  maxRatio: number;
  within10: number;
  metresPerDoor: number;
}
const sideOf = (ms: number, turfs: ReadonlyArray<{ doors: number; metres: number }>): Side => {
  const sizes = turfs.map((t) => t.doors);
  return {
    ms,
    turfs: turfs.length,
    minRatio: Math.min(...sizes) / target,
    maxRatio: Math.max(...sizes) / target,
    within10: sizes.filter((s) => Math.abs(s - target) <= target * 0.1).length / sizes.length,
    metresPerDoor: turfs.reduce((s, t) => s + t.metres, 0) / turfs.reduce((s, t) => s + t.doors, 0),
  };
};
const relais = sideOf(relaisMs, cut.turfs);
const kmeans = sideOf(kmeansMs, kmeansTurfs);
const tourRatio = cut.turfs.reduce((s, t) => s + t.metres, 0) / cut.turfs.reduce((s, t) => s + t.nearestNeighbourMetres, 0);

let missed = 0;
const verdict = (ok: boolean) => {
  if (!ok) missed++;
  return ok ? 'pass' : 'FAIL';
};
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const rows = [
  [
    'time (s)',
    (relais.ms / 1000).toFixed(2),
    (kmeans.ms / 1000).toFixed(2),
    (relais.ms / kmeans.ms).toFixed(3),
    '< 1',
    verdict(relais.ms < kmeans.ms),
  ],
  ['smallest turf ÷ target', relais.minRatio.toFixed(3), kmeans.minRatio.toFixed(3), '', '≥ 0.9', verdict(relais.minRatio >= 0.9)],
  ['largest turf ÷ target', relais.maxRatio.toFixed(3), kmeans.maxRatio.toFixed(3), '', '≤ 1.1', verdict(relais.maxRatio <= 1.1)],
  ['turfs within ±10 %', pct(relais.within10), pct(kmeans.within10), '', '100 %', verdict(relais.within10 >= TARGETS.withinShare)],
  [
    'metres walked per door',
    relais.metresPerDoor.toFixed(2),
    kmeans.metresPerDoor.toFixed(2),
    (relais.metresPerDoor / kmeans.metresPerDoor).toFixed(3),
    '< 1',
    verdict(relais.metresPerDoor < kmeans.metresPerDoor),
  ],
  ['2-opt ÷ nearest-neighbour tour', '', '', tourRatio.toFixed(3), '≤ 0.9', verdict(tourRatio <= TARGETS.tourRatio)],
];
console.log(`\n${city}, ${doors.toLocaleString('en')} doors into ${k} turfs of ${target}; load average now ${loadAverage().join(' ')}\n`);
console.log(layOut(['measure', 'Relais', 'k-means', 'ratio', 'target', 'verdict'], rows, [false, true, true, true, true, false]));

const dir = path.join(import.meta.dirname, 'results');
await mkdir(dir, { recursive: true });
const file = path.join(dir, `turfs-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
await writeFile(
  file,
  `${JSON.stringify({ machine, loadAverageAtEnd: loadAverage(), city, buildings: buildings.length, doors, target, relais, relaisPhasesMs: phaseMs, improvement: { passes: cut.passes, moves: cut.moves, swaps: cut.swaps, seedCost: cut.seedCost, cost: cut.cost }, kmeans, tourRatio }, null, 2)}\n`,
);
log(`\nwritten ${file}`);
process.exitCode = missed > 0 ? 1 : 0;
