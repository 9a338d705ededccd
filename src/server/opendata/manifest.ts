// A city manifest says which open-data files make a city's territory and how to read them, so the
// same importer takes Paris or any other city whose files are of the same kinds. Plain data only.

/** One file of the city's open data. */
export interface SourceFile {
  /** File name in the mirror folder or the download cache. */
  name: string;
  /** Official download URL; null when the file has no stable public URL (mirror-only). */
  url: string | null;
  /** Page describing the dataset, for people. */
  page?: string;
  publisher: string;
  licence: string;
  description: string;
  /** The import still makes sense without it (it only adds data). */
  optional?: boolean;
}

/** How to find the parent zone of each zone of a layer. */
export interface ParentSpec {
  /** Code of the parent layer (imported before this one). */
  layer: string;
  /** Feature property holding the parent's code; without it, or when it matches nothing, the
   * zone's inside point (centroid) is located in the parent layer. */
  property?: string;
}

/** A layer of zones read from a GeoJSON FeatureCollection of Polygons/MultiPolygons. */
export interface ZoneLayerSpec {
  code: string;
  nameFr: string;
  nameEn: string;
  file: string;
  /** Property holding the zone code, unique in the layer. */
  codeProperty: string;
  /** Property holding the zone name. */
  nameProperty: string;
  /** Optional name built from properties, e.g. "{l_ar} – {l_aroff}"; falls back to nameProperty. */
  nameTemplate?: string;
  parent?: ParentSpec;
}

export interface IndicatorColumn {
  column: string;
  /** Indicator name stored (defaults to the column name). */
  name?: string;
  /** Reference year (defaults to the file's year). */
  year?: number;
}

/** A CSV of indicators, one row per zone, keyed by the zone code. */
export interface IndicatorFileSpec {
  file: string;
  layer: string;
  keyColumn: string;
  delimiter?: string;
  /** Default reference year of the values. */
  year: number;
  /** Attribution stored with every value. */
  source: string;
  columns: Array<string | IndicatorColumn>;
  /** Columns named like `name_2023` carry their own year (stored as `name`, year 2023). */
  yearSuffix?: boolean;
}

/** Rewrites a raw key into a zone code: regex groups that are numbers lose their leading zeros. */
export interface KeyRewrite {
  pattern: string;
  /** Template using $1, $2…, e.g. "$1-$2". */
  template: string;
}

export type ResultFormat =
  | {
      /** One row per polling station and candidate. */
      kind: 'long';
      /** Columns joined with a space to name the candidate (e.g. given name, family name). */
      candidateColumns: string[];
      nuanceColumn?: string;
      votesColumn: string;
    }
  | {
      /** One row per polling station, one column per candidate: every column after candidatesAfter. */
      kind: 'wide';
      candidatesAfter: string;
      /** Optional political nuance code per candidate column. */
      nuances?: Record<string, string>;
      /** Optional name for people per candidate column ("glucksmann_raphael" → "Raphaël Glucksmann"). */
      labels?: Record<string, string>;
    };

/** A CSV of election results per polling station. */
export interface ElectionResultSpec {
  file: string;
  /** Stable election key, e.g. "municipales-2020". */
  election: string;
  round: number;
  /** Label for people, e.g. "Municipales 2020, 1er tour". */
  label: string;
  /** Layer of the polling stations the results are attached to. */
  layer: string;
  keyColumn: string;
  keyRewrite?: KeyRewrite;
  /**
   * When the results use another numbering than the layer: a GeoJSON of that numbering's areas.
   * Each area is mapped to the layer zone containing its inside point, and results of areas
   * mapped to the same zone are summed.
   */
  crosswalk?: { file: string; codeProperty: string };
  registeredColumn: string;
  expressedColumn: string;
  /** Voters ("votants"), when the file gives them: turnout is voters / registered. */
  votersColumn?: string;
  delimiter?: string;
  format: ResultFormat;
}

/** Column names of an address file (the BAN's by default). */
export interface AddressColumns {
  id: string;
  number: string;
  suffix?: string;
  street: string;
  postcode: string;
  cityCode: string;
  city: string;
  lon: string;
  lat: string;
}

export interface AddressFileSpec {
  file: string;
  delimiter: string;
  columns: AddressColumns;
}

/** Where the demo reads how many people live in each zone. */
export interface PopulationSpec {
  indicator: string;
  /** Layers to try in order, finest first (e.g. iris, then arrondissement). */
  layers: string[];
}

export interface CityManifest {
  code: string;
  name: string;
  /** True for a generated city (the demo says so). */
  synthetic?: boolean;
  files: SourceFile[];
  /** Layers in import order: a parent layer comes before its children. */
  layers: ZoneLayerSpec[];
  indicators: IndicatorFileSpec[];
  results: ElectionResultSpec[];
  addresses?: AddressFileSpec;
  population?: PopulationSpec;
}

/** Column names of the Base Adresse Nationale CSV (adresse.data.gouv.fr). */
export const BAN_COLUMNS: AddressColumns = {
  id: 'id',
  number: 'numero',
  suffix: 'rep',
  street: 'nom_voie',
  postcode: 'code_postal',
  cityCode: 'code_insee',
  city: 'nom_commune',
  lon: 'lon',
  lat: 'lat',
};

/** The BAN header, in order (used by generators of BAN-format files). */
export const BAN_HEADER = [
  'id',
  'id_fantoir',
  'numero',
  'rep',
  'nom_voie',
  'code_postal',
  'code_insee',
  'nom_commune',
  'code_insee_ancienne_commune',
  'nom_ancienne_commune',
  'x',
  'y',
  'lon',
  'lat',
  'type_position',
  'alias',
  'nom_ld',
  'libelle_acheminement',
  'nom_afnor',
  'source_position',
  'source_nom_voie',
  'certification_commune',
  'cad_parcelles',
] as const;

/** Every file name a manifest reads (layers, indicators, results, crosswalks, addresses). */
export function filesUsed(manifest: CityManifest): string[] {
  const names = new Set<string>();
  for (const l of manifest.layers) names.add(l.file);
  for (const i of manifest.indicators) names.add(i.file);
  for (const r of manifest.results) {
    names.add(r.file);
    if (r.crosswalk) names.add(r.crosswalk.file);
  }
  if (manifest.addresses) names.add(manifest.addresses.file);
  return [...names];
}

/** Checks a manifest's internal references; returns the problems found (empty when sound). */
export function checkManifest(manifest: CityManifest): string[] {
  const problems: string[] = [];
  const files = new Set(manifest.files.map((f) => f.name));
  for (const name of filesUsed(manifest)) {
    if (!files.has(name)) problems.push(`file ${name} is read but not listed in files`);
  }
  const seen = new Set<string>();
  for (const layer of manifest.layers) {
    if (seen.has(layer.code)) problems.push(`layer ${layer.code} is declared twice`);
    if (layer.parent && !seen.has(layer.parent.layer)) {
      problems.push(`layer ${layer.code}: parent layer ${layer.parent.layer} must come before it`);
    }
    seen.add(layer.code);
  }
  for (const i of manifest.indicators) {
    if (!seen.has(i.layer)) problems.push(`indicators ${i.file}: unknown layer ${i.layer}`);
  }
  for (const r of manifest.results) {
    if (!seen.has(r.layer)) problems.push(`results ${r.file}: unknown layer ${r.layer}`);
  }
  for (const l of manifest.population?.layers ?? []) {
    if (!seen.has(l)) problems.push(`population: unknown layer ${l}`);
  }
  return problems;
}
