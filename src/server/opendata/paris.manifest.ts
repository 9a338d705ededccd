// Paris: the open data behind the demo campaign (see the mirror's SOURCES.md for provenance).
import { BAN_COLUMNS, type CityManifest, type SourceFile } from './manifest.ts';

const PARIS_EXPORTS = 'https://opendata.paris.fr/api/explore/v2.1/catalog/datasets';
const PARIS_PAGES = 'https://opendata.paris.fr/explore/dataset';
const ODBL_PARIS = { publisher: 'Ville de Paris (opendata.paris.fr)', licence: 'ODbL-1.0' };
const ETALAB = 'Licence Ouverte / Etalab 2.0';

const files: SourceFile[] = [
  {
    name: 'arrondissements.geojson',
    url: `${PARIS_EXPORTS}/arrondissements/exports/geojson`,
    page: `${PARIS_PAGES}/arrondissements/`,
    ...ODBL_PARIS,
    description: 'The 20 arrondissements',
  },
  {
    name: 'quartiers-administratifs.geojson',
    url: `${PARIS_EXPORTS}/quartier_paris/exports/geojson`,
    page: `${PARIS_PAGES}/quartier_paris/`,
    ...ODBL_PARIS,
    description: 'The 80 quartiers administratifs',
  },
  {
    name: 'bureaux-de-vote-secteurs-2024.geojson',
    url: `${PARIS_EXPORTS}/secteurs-des-bureaux-de-vote-en-2024/exports/geojson`,
    page: `${PARIS_PAGES}/secteurs-des-bureaux-de-vote-en-2024/`,
    ...ODBL_PARIS,
    description: 'Areas of the 902 polling stations, 2024 numbering',
  },
  {
    // The portal only serves the current edition of the areas; the 2020 one is kept in mirrors.
    name: 'bureaux-de-vote-secteurs-2020.geojson',
    url: null,
    page: `${PARIS_PAGES}/secteurs-des-bureaux-de-vote/`,
    ...ODBL_PARIS,
    description: 'Areas of the 897 polling stations, 2020 numbering (maps the municipales 2020 results)',
    optional: true,
  },
  {
    // IGN-INSEE contours, cut to Paris and with renamed fields: no stable URL gives this file as is.
    name: 'iris-paris-2024.geojson',
    url: null,
    page: 'https://geoservices.ign.fr/contoursiris',
    publisher: 'IGN-INSEE (Contours… IRIS®, 2024 edition)',
    licence: ETALAB,
    description: 'The 992 IRIS of Paris',
    optional: true,
  },
  {
    name: 'iris-paris-indicateurs.csv',
    url: null,
    publisher: 'INSEE (RP 2021, Filosofi 2021), DVF, Ville de Paris (arbres)',
    licence: `${ETALAB}; ODbL-1.0 for the tree counts`,
    description: 'Population, housing, income, property prices and trees per IRIS (derived)',
    optional: true,
  },
  {
    name: 'arrondissements-indicateurs.csv',
    url: null,
    publisher: 'INSEE (RP 2021, Filosofi 2021) summed per arrondissement; surface from Ville de Paris',
    licence: `${ETALAB}; ODbL-1.0`,
    description: 'Population, housing and income per arrondissement (derived from the IRIS file)',
    optional: true,
  },
  {
    name: 'europeennes-2024-t1-par-bureau.csv',
    url: null,
    page: `${PARIS_PAGES}/elections-europeennes-2024/`,
    ...ODBL_PARIS,
    description: 'Européennes 2024 results per polling station, one column per list (derived)',
    optional: true,
  },
  {
    name: 'presidentielle-2022-t2-par-bureau.csv',
    url: null,
    page: `${PARIS_PAGES}/elections-presidentielles-2022-2emetour/`,
    ...ODBL_PARIS,
    description: 'Présidentielle 2022 second-round results per polling station, 2022 numbering (derived)',
    optional: true,
  },
  {
    name: 'municipales-2020-t1-par-bureau-long.csv',
    url: null,
    page: `${PARIS_PAGES}/elections-municipales-2020-1ertour/`,
    ...ODBL_PARIS,
    description: 'Municipales 2020 first-round results, one row per station and list, 2020 numbering (derived)',
    optional: true,
  },
  {
    name: 'municipales-2020-t2-par-bureau-long.csv',
    url: null,
    page: `${PARIS_PAGES}/elections-municipales-2020-2emetour/`,
    ...ODBL_PARIS,
    description: 'Municipales 2020 second-round results, one row per station and list, 2020 numbering (derived)',
    optional: true,
  },
  {
    name: 'adresses-75.csv.gz',
    url: 'https://adresse.data.gouv.fr/data/ban/adresses/latest/csv/adresses-75.csv.gz',
    page: 'https://adresse.data.gouv.fr/donnees-nationales',
    publisher: 'Base Adresse Nationale (IGN, DINUM, ANCT)',
    licence: ETALAB,
    description: 'Every address of Paris (about 158,000), WGS84 coordinates',
  },
];

const IRIS_SOURCE = 'INSEE RP 2021 / Filosofi 2021; DVF; Ville de Paris';

/** The manifest of Paris' open data. */
export const parisManifest: CityManifest = {
  code: 'paris',
  name: 'Paris',
  files,
  layers: [
    {
      code: 'arrondissement',
      nameFr: 'Arrondissements',
      nameEn: 'Arrondissements',
      file: 'arrondissements.geojson',
      codeProperty: 'c_ar',
      nameProperty: 'l_aroff',
      nameTemplate: '{l_ar} – {l_aroff}',
    },
    {
      code: 'quartier',
      nameFr: 'Quartiers administratifs',
      nameEn: 'Neighbourhoods',
      file: 'quartiers-administratifs.geojson',
      codeProperty: 'c_quinsee',
      nameProperty: 'l_qu',
      parent: { layer: 'arrondissement', property: 'c_ar' },
    },
    {
      code: 'bureau',
      nameFr: 'Bureaux de vote',
      nameEn: 'Polling stations',
      file: 'bureaux-de-vote-secteurs-2024.geojson',
      codeProperty: 'id_bv',
      nameProperty: 'id_bv',
      nameTemplate: 'Bureau {id_bv}',
      parent: { layer: 'arrondissement', property: 'arrondissement_bv' },
    },
    {
      code: 'iris',
      nameFr: 'IRIS',
      nameEn: 'IRIS (census blocks)',
      file: 'iris-paris-2024.geojson',
      codeProperty: 'code_iris',
      nameProperty: 'nom_iris',
      parent: { layer: 'arrondissement', property: 'arrondissement' },
    },
  ],
  indicators: [
    {
      file: 'arrondissements-indicateurs.csv',
      layer: 'arrondissement',
      keyColumn: 'c_ar',
      year: 2021,
      source: 'INSEE RP 2021, Filosofi 2021 (sums of IRIS)',
      columns: [
        { column: 'population_2021', name: 'population' },
        'superficie_km2',
        'densite_km2',
        'nombre_logements',
        'residences_principales',
        { column: 'rp_hlm', name: 'logements_sociaux' },
        { column: 'rp_hlm_pct', name: 'logements_sociaux_pct' },
        'niveau_vie_median_approx',
      ],
    },
    {
      file: 'iris-paris-indicateurs.csv',
      layer: 'iris',
      keyColumn: 'code_iris',
      year: 2021,
      source: IRIS_SOURCE,
      yearSuffix: true,
      columns: [
        'superficie_km2',
        'population',
        'densite_km2',
        'niveau_vie_median',
        'nombre_logements',
        'residences_principales',
        'logements_sociaux',
        'logements_sociaux_pct',
        'appartements_pct',
        'rp_1p',
        'rp_2p',
        'rp_3p',
        'rp_4p',
        'rp_5pp',
        'dvf_prix_m2_median_2022',
        'dvf_nb_transactions_2022',
        'dvf_prix_m2_median_2023',
        'dvf_nb_transactions_2023',
        'dvf_prix_m2_median_2024',
        'dvf_nb_transactions_2024',
        // The tree inventory is a current count, not dated: year 0.
        { column: 'nombre_arbres', year: 0 },
      ],
    },
  ],
  results: [
    {
      file: 'europeennes-2024-t1-par-bureau.csv',
      election: 'europeennes-2024',
      round: 1,
      label: 'Européennes 2024',
      layer: 'bureau',
      keyColumn: 'id_bvote',
      registeredColumn: 'nb_inscr',
      expressedColumn: 'nb_exprim',
      format: { kind: 'wide', candidatesAfter: 'nb_exprim' },
    },
    {
      // 2022 numbering, matched by code to the 2024 areas (859 of 899 codes exist in 2024; the rest
      // are reported as unknown stations). No crosswalk: the 2022 areas are not published, and
      // polling places often lie outside their own area.
      file: 'presidentielle-2022-t2-par-bureau.csv',
      election: 'presidentielle-2022',
      round: 2,
      label: 'Présidentielle 2022, 2d tour',
      layer: 'bureau',
      keyColumn: 'id_bvote',
      registeredColumn: 'nb_inscr',
      expressedColumn: 'nb_exprim',
      format: { kind: 'wide', candidatesAfter: 'nb_exprim' },
    },
    // 2020 numbering: each 2020 area is mapped to the 2024 area holding its centroid (42 of 897
    // codes name a different area in 2024).
    ...[1, 2].map((round) => ({
      file: `municipales-2020-t${round}-par-bureau-long.csv`,
      election: 'municipales-2020',
      round,
      label: `Municipales 2020, ${round === 1 ? '1er' : '2d'} tour`,
      layer: 'bureau',
      keyColumn: 'id_bvote',
      keyRewrite: { pattern: '^75056_(\\d{2})(\\d{2})$', template: '$1-$2' },
      crosswalk: { file: 'bureaux-de-vote-secteurs-2020.geojson', codeProperty: 'id_bv' },
      registeredColumn: 'nb_inscr',
      expressedColumn: 'nb_exprim',
      format: {
        kind: 'long' as const,
        candidateColumns: ['prenom', 'nom'],
        nuanceColumn: 'nuance',
        votesColumn: 'votes',
      },
    })),
  ],
  addresses: { file: 'adresses-75.csv.gz', delimiter: ';', columns: BAN_COLUMNS },
  population: { indicator: 'population', layers: ['iris', 'arrondissement'] },
};

/** The manifests this build knows, by city code. */
export const cityManifests: Readonly<Record<string, CityManifest>> = { paris: parisManifest };
