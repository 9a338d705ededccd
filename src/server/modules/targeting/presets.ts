// What a score can be made of (election metrics of one round, any indicator of the territory) and
// the presets an organizer starts from. Words are French first; the web shows them as given.
import type { Ingredient } from './score.ts';

export interface Words {
  fr: string;
  en: string;
}

/** Metrics read from one election round's results (needs `election`, `round`; some need `side`). */
export const ELECTION_METRICS = ['abstention', 'side_share', 'favourable_abstention', 'closeness'] as const;
export type ElectionMetric = (typeof ELECTION_METRICS)[number];

export const ELECTION_METRIC_WORDS: Record<ElectionMetric, { label: Words; needsSide: boolean; format: 'percent' | 'decimal' }> = {
  abstention: { label: { fr: 'Abstention', en: 'Abstention' }, needsSide: false, format: 'percent' },
  side_share: { label: { fr: 'Part de notre camp', en: 'Our side’s share' }, needsSide: true, format: 'percent' },
  favourable_abstention: {
    label: { fr: 'Abstention × part de notre camp', en: 'Abstention × our side’s share' },
    needsSide: true,
    format: 'percent',
  },
  closeness: { label: { fr: 'Résultat serré', en: 'Close result' }, needsSide: false, format: 'percent' },
};

export const PRESETS = ['favourable_abstainers', 'persuasion', 'housing'] as const;
export type Preset = (typeof PRESETS)[number];

export const PRESET_DEFINITIONS: Record<Preset, { label: Words; description: Words; ingredients: Ingredient[]; needsElection: boolean }> = {
  favourable_abstainers: {
    label: { fr: 'Mobiliser les abstentionnistes favorables', en: 'Mobilise favourable abstainers' },
    description: {
      fr: 'Forte abstention là où notre camp a fait un bon score la dernière fois.',
      en: 'High abstention where our side did well last time.',
    },
    ingredients: [{ metric: 'favourable_abstention', weight: 1, direction: 'high' }],
    needsElection: true,
  },
  persuasion: {
    label: { fr: 'Persuasion', en: 'Persuasion' },
    description: { fr: 'Les bureaux où le résultat a été serré.', en: 'Where the result was close.' },
    ingredients: [{ metric: 'closeness', weight: 1, direction: 'high' }],
    needsElection: true,
  },
  housing: {
    label: { fr: 'Thème logement', en: 'Housing theme' },
    description: { fr: 'La part de logements sociaux.', en: 'The share of social housing.' },
    ingredients: [{ metric: 'indicator:logements_sociaux_pct', weight: 1, direction: 'high' }],
    needsElection: false,
  },
};

/** Per zone: registered, voters, valid votes, our side's votes, each other candidate's votes. */
export interface ZoneVotes {
  registered: number;
  voters: number | null;
  expressed: number;
  ours: number;
  others: number[];
}

/** The value of an election metric for one zone (null when the zone has no registered or valid votes). */
export function electionMetric(metric: ElectionMetric, v: ZoneVotes, hasSide: boolean): number | null {
  if (!(v.registered > 0) || !(v.expressed > 0)) return null;
  // Without voters in the file, abstention is counted from valid votes (blank and spoilt ballots count as abstaining).
  const abstention = 1 - (v.voters ?? v.expressed) / v.registered;
  const share = v.ours / v.expressed;
  switch (metric) {
    case 'abstention':
      return abstention;
    case 'side_share':
      return share;
    case 'favourable_abstention':
      return abstention * share;
    case 'closeness': {
      const sorted = [...v.others].sort((a, b) => b - a);
      const margin = hasSide ? Math.abs(v.ours - (sorted[0] ?? 0)) : (sorted[0] ?? 0) - (sorted[1] ?? 0);
      return 1 - margin / v.expressed;
    }
  }
}
