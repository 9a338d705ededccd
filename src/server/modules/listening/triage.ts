// Triage of a mention without any outside service: sentiment from a small French lexicon (with
// negations), urgency from rules (hostile and either widely read or naming a crisis word), the
// Paris arrondissement when the text names one, and the theme from keywords.
import { fold } from './query.ts';

const POSITIVE = [
  'bravo',
  'merci',
  'super',
  'excellent',
  'genial',
  'soutien',
  'soutiens',
  'formidable',
  'bonne idee',
  'enfin',
  'top',
  'felicitations',
  'courage',
  "j'adore",
  'bien joue',
  'convaincu',
  'convaincue',
  'prometteur',
  'clair',
  'serieux',
];
const NEGATIVE = [
  'honte',
  'nul',
  'nulle',
  'mensonge',
  'menteur',
  'menteuse',
  'scandale',
  'scandaleux',
  'inadmissible',
  'incompetent',
  'incompetente',
  'catastrophe',
  'degueulasse',
  'ridicule',
  'arnaque',
  'faux',
  'fake',
  'dementi',
  'colere',
  'inacceptable',
  'decu',
  'decue',
  'pire',
  'mauvais',
  'dangereux',
  'corruption',
  'hypocrite',
  'rien fait',
  'abandon',
];
/** Words that make a hostile mention urgent whatever its reach. */
const CRISIS = [
  'scandale',
  'demission',
  'plainte',
  'justice',
  'enquete',
  'mensonge',
  'fake',
  'diffamation',
  'corruption',
  'agression',
  'urgent',
];
const NEGATIONS = ['pas', 'jamais', 'plus', 'aucun', 'aucune', 'ni'];

/** Themes recognised by keywords (the key messages' themes use the same ids). */
export const THEMES: Record<string, string[]> = {
  logement: ['logement', 'loyer', 'loyers', 'hlm', 'airbnb', 'locataire', 'expulsion', 'immobilier'],
  transports: ['metro', 'bus', 'velo', 'velib', 'pistes cyclables', 'ratp', 'circulation', 'stationnement', 'trottinette', 'transports'],
  proprete: ['proprete', 'dechets', 'poubelles', 'rats', 'encombrants', 'sale', 'salete'],
  securite: ['securite', 'police', 'agression', 'vol', 'insecurite', 'delinquance', 'deal'],
  education: ['ecole', 'ecoles', 'creche', 'creches', 'college', 'cantine', 'enseignants', 'periscolaire'],
  environnement: ['climat', 'arbres', 'vegetalisation', 'pollution', 'canicule', 'environnement', 'parcs'],
  sante: ['sante', 'hopital', 'medecin', 'centre de sante', 'urgences'],
  culture: ['culture', 'musee', 'bibliotheque', 'theatre', 'concert'],
  economie: ['commerce', 'commerces', 'emploi', 'chomage', 'impots', 'budget', 'dette', 'taxe'],
};

export interface Triage {
  sentiment: 'positive' | 'neutral' | 'negative';
  urgency: 'low' | 'normal' | 'high';
  arrondissement: number | null;
  theme: string | null;
}

/** A reach from which a hostile mention is urgent. */
export const HIGH_REACH = 5_000;

function tokens(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}']+/u).filter(Boolean);
}

function score(folded: string): number {
  const words = tokens(folded);
  let total = 0;
  const count = (list: string[], sign: number) => {
    for (const entry of list) {
      if (entry.includes(' ')) {
        if (folded.includes(entry)) total += sign;
        continue;
      }
      words.forEach((w, i) => {
        if (w !== entry) return;
        const negated = NEGATIONS.includes(words[i - 1] ?? '') || NEGATIONS.includes(words[i + 1] ?? '') || words[i - 1] === 'ne';
        total += negated ? -sign : sign;
      });
    }
  };
  count(POSITIVE, 1);
  count(NEGATIVE, -1);
  return total;
}

/** The Paris arrondissement a text names ("11e arrondissement", "Paris 11e", "75011"), or null. */
export function arrondissementOf(text: string): number | null {
  const folded = fold(text);
  const patterns = [
    /\b(\d{1,2})\s*(?:e|eme|er|re|°)\s*(?:arrondissement|arrdt|arr\b)/u,
    /\bparis\s*(\d{1,2})\s*(?:e|eme|er|re)?\b/u,
    /\b750(\d{2})\b/u,
    /\b(\d{1,2})(?:e|eme|er)\b(?=[^.]{0,20}\bparis\b)/u,
  ];
  for (const p of patterns) {
    const m = p.exec(folded);
    const n = m ? Number(m[1]) : Number.NaN;
    if (n >= 1 && n <= 20) return n;
  }
  return null;
}

export function themeOf(text: string): string | null {
  const folded = fold(text);
  const words = new Set(tokens(folded));
  let best: string | null = null;
  let bestHits = 0;
  for (const [theme, keys] of Object.entries(THEMES)) {
    const hits = keys.filter((k) => (k.includes(' ') ? folded.includes(k) : words.has(k))).length;
    if (hits > bestHits) {
      best = theme;
      bestHits = hits;
    }
  }
  return best;
}

export function triage(text: string, reach: number): Triage {
  const folded = fold(text);
  const s = score(folded);
  const sentiment = s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral';
  const words = new Set(tokens(folded));
  const crisis = CRISIS.some((c) => words.has(c));
  const question = folded.includes('?');
  let urgency: Triage['urgency'] = 'normal';
  if ((sentiment === 'negative' && (reach >= HIGH_REACH || crisis)) || (crisis && reach >= HIGH_REACH)) urgency = 'high';
  else if (sentiment !== 'negative' && !question && reach < 100) urgency = 'low';
  return { sentiment, urgency, arrondissement: arrondissementOf(text), theme: themeOf(text) };
}
