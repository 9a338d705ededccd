// A small generated city whose files have the names and formats of the Paris manifest, so the very
// same importer runs on it: used offline when no mirror exists (the demo says it is generated) and
// by tests. Deterministic for a given seed. Candidate and street names are fictional.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BAN_HEADER, type CityManifest } from './manifest.ts';
import { parisManifest } from './paris.manifest.ts';
import { createRandom, type Random } from './prng.ts';

export interface SyntheticCityOptions {
  seed?: number;
  /** Number of arrondissements (at least 2; default 4). */
  arrondissements?: number;
  /** The first arrondissement's number (default 1): the demo's city starts at the 10th, so that it has an 11th. */
  firstArrondissement?: number;
}

export interface SyntheticCity {
  dir: string;
  manifest: CityManifest;
  counts: { arrondissement: number; quartier: number; bureau: number; iris: number; addresses: number };
}

const SYNTHETIC_LABELS: Record<string, string> = {
  liste_aubepine: 'Liste Aubépine',
  liste_bruyere: 'Liste Bruyère',
  liste_chene: 'Liste Chêne',
  liste_dahlia: 'Liste Dahlia',
  liste_erable: 'Liste Érable',
  liste_frene: 'Liste Frêne',
  durand_alice: 'Alice Durand',
  lefort_bruno: 'Bruno Lefort',
};

/** The manifest of a generated city: Paris' formats and file names, no download URL. */
export const syntheticCityManifest: CityManifest = {
  ...parisManifest,
  code: 'synthetic',
  name: 'Ville synthétique (données générées)',
  synthetic: true,
  files: parisManifest.files.map((f) => ({
    ...f,
    url: null,
    page: undefined,
    publisher: 'Relais',
    licence: 'CC0-1.0',
  })),
  // The generated files name other lists and candidates than Paris' (see EURO_LISTS, PRESIDENTIAL).
  results: parisManifest.results.map((spec) =>
    spec.format.kind === 'wide' ? { ...spec, format: { ...spec.format, labels: SYNTHETIC_LABELS } } : spec,
  ),
};

type Pos = [number, number];
type Ring = Pos[];

const CELL = 0.004; // degrees; an arrondissement is 6 × 4 cells
const COLS = 6;
const ROWS = 4;
const ORIGIN: Pos = [2.3, 48.84];

const rect = (x0: number, y0: number, x1: number, y1: number): Ring => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const ordinal = (k: number): string => (k === 1 ? '1er' : `${k}e`);
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const polygon = (...rings: Ring[]) => ({ type: 'Polygon', coordinates: rings });

const ARR_NAMES = ['Beffroi', 'Canal', 'Halles', 'Coteaux', 'Gare', 'Moulins', 'Port', 'Lavoirs'];
const STREETS = [
  'Rue des Lilas',
  'Rue du Marché',
  'Avenue des Tilleuls',
  'Rue de la Fontaine',
  'Boulevard des Écoles',
  "Rue de l'Horloge",
  'Rue des Tanneurs',
  'Quai des Mariniers',
  'Rue du Four',
  'Allée des Acacias',
  'Rue des Vignes',
  'Place du Kiosque',
];
const MUNICIPAL_T1 = [
  { nom: 'ARNAUD', prenom: 'Claire', nuance: 'LVEC' },
  { nom: 'BERTIN', prenom: 'Marc', nuance: 'LUG' },
  { nom: 'CASSEL', prenom: 'Inès', nuance: 'LUD' },
  { nom: 'DELORME', prenom: 'Paul', nuance: 'LUC' },
  { nom: 'ESTIVAL', prenom: 'Rose', nuance: 'LRN' },
];
const MUNICIPAL_T2 = [
  { ...MUNICIPAL_T1[1], liste: 'Ensemble, pour la ville' },
  { ...MUNICIPAL_T1[2], liste: 'Changer la ville, enfin' },
  { ...MUNICIPAL_T1[3], liste: 'La ville qui avance' },
];
const EURO_LISTS = ['liste_aubepine', 'liste_bruyere', 'liste_chene', 'liste_dahlia', 'liste_erable', 'liste_frene'];
const PRESIDENTIAL = ['durand_alice', 'lefort_bruno'];
const RESULT_BASE = [
  'id_bvote',
  'num_arrond',
  'num_bureau',
  'num_circ',
  'num_quartier',
  'nb_inscr',
  'nb_emarg',
  'nb_votant',
  'nb_procu',
  'nb_bl',
  'nb_nul',
  'nb_bl_nul',
  'nb_exprim',
];
const IRIS_HEADER =
  'code_iris,nom_iris,type_iris,code_commune,arrondissement,superficie_km2,population,densite_km2,niveau_vie_median,nombre_logements,residences_principales,logements_sociaux,logements_sociaux_pct,appartements_pct,rp_1p,rp_2p,rp_3p,rp_4p,rp_5pp,dvf_prix_m2_median_2022,dvf_nb_transactions_2022,dvf_prix_m2_median_2023,dvf_nb_transactions_2023,dvf_prix_m2_median_2024,dvf_nb_transactions_2024,nombre_arbres';

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvLine = (values: unknown[]): string => values.map(csvCell).join(',');

/** Splits a total into n random non-negative integer parts. */
function split(random: Random, total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - parts.reduce((a, b) => a + b, 0);
  while (rest-- > 0) {
    const i = random.int(parts.length);
    parts[i] = (parts[i] as number) + 1;
  }
  return parts;
}

interface Arr {
  /** Position in the grid (1…): the shapes (holes, islands) depend on it. */
  k: number;
  /** Public number: codes, names, INSEE codes. */
  n: number;
  insee: string;
  name: string;
  x0: number;
  y0: number;
}

interface Iris {
  code: string;
  arr: Arr;
  name: string;
  type: 'H' | 'A' | 'D';
  geometry: unknown;
  areaDeg2: number;
  population: number;
}

/** Writes a generated city into dir (created if needed) and returns its manifest and counts. */
export async function generateSyntheticCity(dir: string, options: SyntheticCityOptions = {}): Promise<SyntheticCity> {
  const random = createRandom(options.seed ?? 1);
  const n = Math.max(2, Math.min(ARR_NAMES.length, options.arrondissements ?? 4));
  mkdirSync(dir, { recursive: true });
  const write = (name: string, content: string | Buffer) => writeFileSync(path.join(dir, name), content);

  const first = options.firstArrondissement ?? 1;
  const arrs: Arr[] = Array.from({ length: n }, (_, i) => ({
    k: i + 1,
    n: first + i,
    insee: `751${pad(first + i, 2)}`,
    name: ARR_NAMES[i] as string,
    x0: ORIGIN[0] + (i % 2) * COLS * CELL,
    y0: ORIGIN[1] + Math.floor(i / 2) * ROWS * CELL,
  }));
  const cellRect = (a: Arr, i0: number, j0: number, i1: number, j1: number): Ring =>
    rect(a.x0 + i0 * CELL, a.y0 + j0 * CELL, a.x0 + i1 * CELL, a.y0 + j1 * CELL);
  const centre = (r: Ring): Pos => [((r[0] as Pos)[0] + (r[2] as Pos)[0]) / 2, ((r[0] as Pos)[1] + (r[2] as Pos)[1]) / 2];

  // Arrondissements.
  write(
    'arrondissements.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: arrs.map((a) => {
        const r = cellRect(a, 0, 0, COLS, ROWS);
        const [lon, lat] = centre(r);
        return feature(
          { c_ar: a.n, c_arinsee: Number(a.insee), l_ar: `${ordinal(a.n)} Ardt`, l_aroff: a.name, geom_x_y: { lon, lat } },
          polygon(r),
        );
      }),
    }),
  );

  // Quartiers: 4 per arrondissement (2 × 2 blocks of 3 × 2 cells).
  const quartiers = arrs.flatMap((a) =>
    [0, 1, 2, 3].map((q) => {
      const i = (q % 2) * 3;
      const j = Math.floor(q / 2) * 2;
      const r = cellRect(a, i, j, i + 3, j + 2);
      const cQu = (a.n - 1) * 4 + q + 1;
      const [lon, lat] = centre(r);
      return feature(
        {
          c_qu: cQu,
          c_quinsee: Number(`${a.insee}${pad(cQu, 2)}`),
          l_qu: `${a.name} ${['Nord-Ouest', 'Nord-Est', 'Sud-Ouest', 'Sud-Est'][q]}`,
          c_ar: a.n,
          geom_x_y: [lat, lon],
        },
        polygon(r),
      );
    }),
  );
  write('quartiers-administratifs.geojson', JSON.stringify({ type: 'FeatureCollection', features: quartiers }));

  // Polling stations: 6 per arrondissement (3 × 2 blocks of 2 × 2 cells). The 2020 edition has the
  // same areas numbered the other way round, so results must go through the crosswalk.
  const bureaux = arrs.flatMap((a) =>
    [1, 2, 3, 4, 5, 6].map((num) => {
      const i = ((num - 1) % 3) * 2;
      const j = Math.floor((num - 1) / 3) * 2;
      return { a, num, ring: cellRect(a, i, j, i + 2, j + 2) };
    }),
  );
  write(
    'bureaux-de-vote-secteurs-2024.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: bureaux.map(({ a, num, ring }) => {
        const [lon, lat] = centre(ring);
        return feature(
          { id_bv: `${a.n}-${num}`, arrondissement_bv: a.n, circonscription_bv: 1, numero_bv: String(num), geo_point_2d: { lon, lat } },
          polygon(ring),
        );
      }),
    }),
  );
  write(
    'bureaux-de-vote-secteurs-2020.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: bureaux.map(({ a, num, ring }) =>
        feature({ id_bv: `${a.n}-${7 - num}`, arrondissement: String(a.n), num_bv: 7 - num }, polygon(ring)),
      ),
    }),
  );

  // IRIS: vertical strips of one cell. In the 1st, the two outer strips form one MultiPolygon IRIS;
  // in the 2nd, strip 3 has a hole filled by a small IRIS of its own; the 3rd has an empty
  // business IRIS (population 0).
  const irises: Iris[] = [];
  for (const a of arrs) {
    let m = 0;
    const add = (type: Iris['type'], geometry: unknown, areaDeg2: number, label?: string) => {
      m++;
      const population = type === 'A' ? 0 : type === 'D' ? random.between(20, 80) : random.between(600, 4800);
      irises.push({ code: `${a.insee}${pad(m, 4)}`, arr: a, name: label ?? `${a.name} ${m}`, type, geometry, areaDeg2, population });
    };
    for (let i = 0; i < COLS; i++) {
      const strip = cellRect(a, i, 0, i + 1, ROWS);
      if (a.k === 1 && i === COLS - 1) continue;
      if (a.k === 1 && i === 0) {
        const other = cellRect(a, COLS - 1, 0, COLS, ROWS);
        add('H', { type: 'MultiPolygon', coordinates: [[strip], [other]] }, 2 * ROWS * CELL * CELL, `${a.name} Remparts`);
      } else if (a.k === 2 && i === 2) {
        const hole = islandRing(a);
        add('H', polygon(strip, [...hole].reverse()), (ROWS - 0.25) * CELL * CELL);
        add('H', polygon(hole), 0.25 * CELL * CELL, `${a.name} Îlot`);
      } else if (a.k === 3 && i === COLS - 1) {
        add('A', polygon(strip), ROWS * CELL * CELL, `${a.name} Zone d'activités`);
      } else {
        add(a.k === 4 && i === 0 ? 'D' : 'H', polygon(strip), ROWS * CELL * CELL);
      }
    }
  }
  write(
    'iris-paris-2024.geojson',
    JSON.stringify({
      type: 'FeatureCollection',
      features: irises.map((s) =>
        feature(
          {
            code_iris: s.code,
            nom_iris: s.name,
            type_iris: s.type,
            arrondissement: s.arr.n,
            code_commune: s.arr.insee,
            nom_commune: `Ville synthétique ${ordinal(s.arr.n)} Arrondissement`,
          },
          s.geometry,
        ),
      ),
    }),
  );

  writeIndicators(write, random, arrs, irises);
  writeResults(write, random, bureaux);
  const addressCount = writeAddresses(write, random, arrs);

  return {
    dir,
    manifest: syntheticCityManifest,
    counts: {
      arrondissement: arrs.length,
      quartier: quartiers.length,
      bureau: bureaux.length,
      iris: irises.length,
      addresses: addressCount,
    },
  };
}

/** The small square, in the 2nd arrondissement's third strip, that is a hole in it and an IRIS of its own. */
function islandRing(a: Arr): Ring {
  const x = a.x0 + 2 * CELL;
  const y = a.y0 + CELL;
  return rect(x + CELL / 4, y + CELL / 4, x + (3 * CELL) / 4, y + (3 * CELL) / 4);
}

const KM2_PER_DEG2 = 73.3 * 111.2;

function writeIndicators(write: (name: string, content: string) => void, random: Random, arrs: Arr[], irises: Iris[]) {
  const lines = [IRIS_HEADER];
  const perArr = new Map<
    number,
    { pop: number; km2: number; log: number; rp: number; hlm: number; incomeWeighted: number; incomePop: number; n: number }
  >();
  for (const s of irises) {
    const km2 = s.areaDeg2 * KM2_PER_DEG2;
    const log = Math.round(s.population / 1.8 + random.between(0, 40));
    const rp = Math.round(log * (0.78 + random.next() * 0.12));
    const hlm = Math.round(rp * random.next() * 0.4);
    const income = s.type !== 'H' || random.chance(0.15) ? null : random.between(19000, 42000);
    const rooms = split(random, rp, [3, 4, 3, 2, 1]);
    const dvf = (year: number) => (random.chance(0.2) ? ['', ''] : [9000 + random.int(5000) + (year - 2022) * 100, random.between(3, 40)]);
    lines.push(
      csvLine([
        s.code,
        s.name,
        s.type,
        s.arr.insee,
        s.arr.n,
        km2.toFixed(4),
        s.population,
        (s.population / km2).toFixed(1),
        income ?? '',
        log,
        rp,
        hlm,
        rp ? ((100 * hlm) / rp).toFixed(1) : '0.0',
        (94 + random.next() * 6).toFixed(1),
        ...rooms,
        ...dvf(2022),
        ...dvf(2023),
        ...dvf(2024),
        random.between(0, 300),
      ]),
    );
    const t = perArr.get(s.arr.k) ?? { pop: 0, km2: 0, log: 0, rp: 0, hlm: 0, incomeWeighted: 0, incomePop: 0, n: 0 };
    t.pop += s.population;
    t.km2 += km2;
    t.log += log;
    t.rp += rp;
    t.hlm += hlm;
    t.n++;
    if (income !== null) {
      t.incomeWeighted += income * s.population;
      t.incomePop += s.population;
    }
    perArr.set(s.arr.k, t);
  }
  write('iris-paris-indicateurs.csv', `${lines.join('\n')}\n`);
  const arrLines = [
    'c_ar,c_arinsee,l_aroff,nb_iris,population_2021,superficie_km2,densite_km2,nombre_logements,residences_principales,rp_hlm,rp_hlm_pct,niveau_vie_median_approx',
  ];
  for (const a of arrs) {
    const t = perArr.get(a.k);
    if (!t) continue;
    arrLines.push(
      csvLine([
        a.n,
        a.insee,
        a.name,
        t.n,
        t.pop,
        t.km2.toFixed(3),
        Math.round(t.pop / t.km2),
        t.log,
        t.rp,
        t.hlm,
        ((100 * t.hlm) / t.rp).toFixed(1),
        t.incomePop ? Math.round(t.incomeWeighted / t.incomePop) : '',
      ]),
    );
  }
  write('arrondissements-indicateurs.csv', `${arrLines.join('\n')}\n`);
}

interface Station {
  registered: number;
  voters: number;
  blank: number;
  nul: number;
  expressed: number;
}

function drawStation(random: Random): Station {
  const registered = random.between(700, 1400);
  const voters = Math.round(registered * (0.45 + random.next() * 0.3));
  const blank = random.between(0, 15);
  const nul = random.between(0, 10);
  return { registered, voters, blank, nul, expressed: voters - blank - nul };
}

function writeResults(write: (name: string, content: string) => void, random: Random, bureaux: Array<{ a: Arr; num: number }>) {
  const wide = (candidates: string[], biases: number[]) => {
    const lines = [[...RESULT_BASE, ...candidates].join(',')];
    for (const { a, num } of bureaux) {
      const s = drawStation(random);
      const votes = split(
        random,
        s.expressed,
        biases.map((b) => b * (0.6 + random.next() * 0.8)),
      );
      lines.push(
        csvLine([
          `${a.n}-${num}`,
          a.n,
          num,
          1,
          (a.n - 1) * 4 + 1,
          s.registered,
          s.voters,
          s.voters,
          random.between(5, 60),
          s.blank,
          s.nul,
          s.blank + s.nul,
          s.expressed,
          ...votes,
        ]),
      );
    }
    return `${lines.join('\n')}\n`;
  };
  write('europeennes-2024-t1-par-bureau.csv', wide(EURO_LISTS, [6, 5, 4, 3, 2, 1]));
  write('presidentielle-2022-t2-par-bureau.csv', wide(PRESIDENTIAL, [5, 1]));

  // Municipales 2020 in the 2020 numbering (reverse of 2024 within each arrondissement).
  const long = (candidates: Array<{ nom?: string; prenom?: string; nuance?: string; liste?: string }>) => {
    const lines = ['id_bvote,num_arrond,num_bureau,nb_inscr,nb_exprim,nom,prenom,nuance,liste,votes,vote_share_exprimes'];
    for (const { a, num } of bureaux) {
      const n2020 = 7 - num;
      const s = drawStation(random);
      const votes = split(
        random,
        s.expressed,
        candidates.map(() => 0.5 + random.next()),
      );
      candidates.forEach((c, i) => {
        const v = votes[i] as number;
        lines.push(
          csvLine([
            `75056_${pad(a.n, 2)}${pad(n2020, 2)}`,
            pad(a.n, 2),
            pad(n2020, 2),
            s.registered,
            s.expressed,
            c.nom,
            c.prenom,
            c.nuance,
            c.liste ?? '',
            v,
            s.expressed ? v / s.expressed : 0,
          ]),
        );
      });
    }
    return `${lines.join('\n')}\n`;
  };
  write('municipales-2020-t1-par-bureau-long.csv', long(MUNICIPAL_T1));
  write('municipales-2020-t2-par-bureau-long.csv', long(MUNICIPAL_T2));
}

const asciiUpper = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/'/g, ' ')
    .toUpperCase();

function writeAddresses(write: (name: string, content: Buffer) => void, random: Random, arrs: Arr[]): number {
  const lines = [BAN_HEADER.join(';')];
  const push = (a: Arr, streetIndex: number, street: string, num: number, lon: number, lat: number) => {
    const rep = random.chance(0.05) ? 'bis' : '';
    const id = `${a.insee}_s${pad(streetIndex, 4)}_${pad(num, 5)}${rep ? `_${rep}` : ''}`;
    const x = (650000 + (lon - 2.33) * 73300).toFixed(2);
    const y = (6862000 + (lat - 48.86) * 111200).toFixed(2);
    lines.push(
      [
        id,
        '',
        num,
        rep,
        street,
        `750${pad(a.n, 2)}`,
        a.insee,
        `Ville synthétique ${ordinal(a.n)} Arrondissement`,
        '',
        '',
        x,
        y,
        round6(lon),
        round6(lat),
        'parcelle',
        '',
        '',
        'VILLE SYNTHETIQUE',
        asciiUpper(street),
        'commune',
        'commune',
        '1',
        '',
      ].join(';'),
    );
  };
  let count = 0;
  for (const a of arrs) {
    for (let j = 0; j < ROWS; j++) {
      const streetIndex = (a.k - 1) * ROWS + j;
      const street = STREETS[streetIndex % STREETS.length] as string;
      let num = 1;
      for (let i = 0; i < COLS; i++) {
        const per = random.between(4, 9);
        for (let p = 0; p < per; p++) {
          // Keep clear of cell borders, so that no generated address sits on a zone boundary.
          const lon = a.x0 + (i + 0.08 + random.next() * 0.84) * CELL;
          const lat = a.y0 + (j + 0.08 + random.next() * 0.84) * CELL;
          push(a, streetIndex, street, num, lon, lat);
          num += random.between(1, 3);
          count++;
        }
      }
    }
    if (a.k === 2) {
      // A few addresses inside the island IRIS, so it can be populated.
      const [[x0, y0], , [x1, y1]] = islandRing(a) as [Pos, Pos, Pos];
      for (let p = 0; p < 4; p++) {
        push(
          a,
          900,
          'Impasse du Puits',
          2 * p + 1,
          x0 + (0.2 + 0.6 * random.next()) * (x1 - x0),
          y0 + (0.2 + 0.6 * random.next()) * (y1 - y0),
        );
        count++;
      }
    }
  }
  write('adresses-75.csv.gz', gzipSync(`${lines.join('\n')}\n`));
  return count;
}
