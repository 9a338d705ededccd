// What the territory's indicators are called, in which unit they are counted and how a zone of
// another layer gets a value from them. Indicator names come from the city manifests (and the
// files' columns); this catalogue is the one place that gives them words for people.

/** How a value is written: the web formats each kind the way a French (or English) reader expects. */
export const INDICATOR_FORMATS = ['integer', 'decimal', 'percent', 'euro'] as const;
export type IndicatorFormat = (typeof INDICATOR_FORMATS)[number];

/**
 * How a zone gets a value from the finer zones inside it: `sum` for counts (only from a layer much
 * finer than the zone's, so that the parts add up to the whole), `ratio` for a rate recomputed from
 * its two counts, `mean` for a level weighted by a count. A rate or a level (not a count) may also
 * be read from the coarser zone around a zone that holds no finer one.
 */
export type Aggregation =
  | { kind: 'sum' }
  | { kind: 'ratio'; numerator: string; denominator: string; scale: number }
  | { kind: 'mean'; weight: string | null };

export interface Words {
  fr: string;
  en: string;
}

export interface IndicatorDefinition {
  name: string;
  label: Words;
  /** Unit shown after the label ("Densité (hab./km²)"); null for a plain count of things named by the label. */
  unit: Words | null;
  format: IndicatorFormat;
  aggregation: Aggregation;
}

const SUM: Aggregation = { kind: 'sum' };
const byPopulation: Aggregation = { kind: 'mean', weight: 'population' };
const words = (fr: string, en: string): Words => ({ fr, en });

const DEFINITIONS: IndicatorDefinition[] = [
  { name: 'population', label: words('Population', 'Population'), unit: words('hab.', 'inhabitants'), format: 'integer', aggregation: SUM },
  { name: 'superficie_km2', label: words('Superficie', 'Area'), unit: words('km²', 'km²'), format: 'decimal', aggregation: SUM },
  {
    name: 'densite_km2',
    label: words('Densité', 'Density'),
    unit: words('hab./km²', 'inhabitants/km²'),
    format: 'integer',
    aggregation: { kind: 'ratio', numerator: 'population', denominator: 'superficie_km2', scale: 1 },
  },
  { name: 'nombre_logements', label: words('Logements', 'Dwellings'), unit: null, format: 'integer', aggregation: SUM },
  {
    name: 'residences_principales',
    label: words('Résidences principales', 'Main residences'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'logements_sociaux',
    label: words('Logements sociaux (résidences principales)', 'Social housing (main residences)'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'logements_sociaux_pct',
    label: words('Part de logements sociaux', 'Share of social housing'),
    unit: words('% des résidences principales', '% of main residences'),
    format: 'percent',
    aggregation: { kind: 'ratio', numerator: 'logements_sociaux', denominator: 'residences_principales', scale: 100 },
  },
  {
    name: 'niveau_vie_median',
    label: words('Niveau de vie médian', 'Median standard of living'),
    unit: words('€', '€'),
    format: 'euro',
    aggregation: byPopulation,
  },
  {
    name: 'niveau_vie_median_approx',
    label: words('Niveau de vie médian approché', 'Approximate median standard of living'),
    unit: words('€', '€'),
    format: 'euro',
    aggregation: byPopulation,
  },
  {
    name: 'appartements_pct',
    label: words('Part d’appartements', 'Share of flats'),
    unit: words('% des logements', '% of dwellings'),
    format: 'percent',
    aggregation: { kind: 'mean', weight: 'nombre_logements' },
  },
  {
    name: 'rp_1p',
    label: words('Résidences principales d’une pièce', 'One-room main residences'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'rp_2p',
    label: words('Résidences principales de 2 pièces', 'Two-room main residences'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'rp_3p',
    label: words('Résidences principales de 3 pièces', 'Three-room main residences'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'rp_4p',
    label: words('Résidences principales de 4 pièces', 'Four-room main residences'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'rp_5pp',
    label: words('Résidences principales de 5 pièces ou plus', 'Main residences of five rooms or more'),
    unit: null,
    format: 'integer',
    aggregation: SUM,
  },
  {
    name: 'dvf_prix_m2_median',
    label: words('Prix de vente médian', 'Median sale price'),
    unit: words('€/m²', '€/m²'),
    format: 'euro',
    aggregation: { kind: 'mean', weight: 'dvf_nb_transactions' },
  },
  { name: 'dvf_nb_transactions', label: words('Ventes de logements', 'Home sales'), unit: null, format: 'integer', aggregation: SUM },
  { name: 'nombre_arbres', label: words('Arbres', 'Trees'), unit: null, format: 'integer', aggregation: SUM },
];

const BY_NAME = new Map(DEFINITIONS.map((d) => [d.name, d] as const));

/** Every indicator the catalogue names, in the order screens list them. */
export function catalogueIndicators(): readonly IndicatorDefinition[] {
  return DEFINITIONS;
}

/** True when the catalogue gives words to this indicator name. */
export function isCatalogued(name: string): boolean {
  return BY_NAME.has(name);
}

/**
 * The definition of an indicator; for a name the catalogue does not know (another city's file), a
 * label made from the name (a column name, in the file's language), counted only on its own layer.
 */
export function indicatorDefinition(name: string): IndicatorDefinition {
  const known = BY_NAME.get(name);
  if (known) return known;
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  const label = spaced.charAt(0).toUpperCase() + spaced.slice(1);
  return { name, label: { fr: label, en: label }, unit: null, format: 'decimal', aggregation: { kind: 'mean', weight: null } };
}

/** Position of an indicator in screens: the catalogue's order, unknown names last. */
export function indicatorRank(name: string): number {
  const i = DEFINITIONS.findIndex((d) => d.name === name);
  return i === -1 ? DEFINITIONS.length : i;
}

/** The indicators a value of `name` is computed from (itself, its counts, its weight). */
export function indicatorInputs(def: IndicatorDefinition): string[] {
  const a = def.aggregation;
  if (a.kind === 'ratio') return [def.name, a.numerator, a.denominator];
  if (a.kind === 'mean' && a.weight) return [def.name, a.weight];
  return [def.name];
}
