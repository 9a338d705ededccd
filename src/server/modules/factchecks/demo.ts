// The demo campaign's fact checks: a few claims of the Paris debate checked against the default
// scale, with their sources, published (reviewed by the community manager) and one still in review.
// Their links are not checked here (the demo may be offline): they show as waiting for a check.
import type { Db } from '../../db/database.ts';
import { withTenant } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { ensureScale, sanitizeExplanation, slugOf } from './factchecks.service.ts';

interface DemoCheck {
  claim: string;
  claimant: string;
  claimDate: string;
  theme: string;
  verdict: string;
  summary: string;
  explanation: string;
  sources: { url: string; title: string; publisher: string; published_on: string }[];
  status: 'published' | 'review';
  daysAgo: number;
}

const CHECKS: readonly DemoCheck[] = [
  {
    claim: 'Paris a perdu 100 000 habitants en dix ans à cause des loyers.',
    claimant: 'Un candidat adverse',
    claimDate: '2026-10-14',
    theme: 'Logement',
    verdict: 'a-nuancer',
    summary: 'La baisse est réelle mais proche de 120 000 habitants, et les loyers n’en sont qu’une des causes.',
    explanation:
      '<p>Les recensements de l’Insee montrent une baisse de la population parisienne depuis 2013. La hausse des loyers y contribue, mais aussi <strong>le départ des familles</strong>, la transformation de logements en meublés touristiques et la baisse de la taille des ménages.</p>',
    sources: [
      {
        url: 'https://www.insee.fr/fr/statistiques/zones/2011101?geo=DEP-75',
        title: 'Dossier complet — Paris',
        publisher: 'Insee',
        published_on: '2025-06-27',
      },
      {
        url: 'https://www.apur.org/fr/nos-travaux',
        title: 'Évolution de la population parisienne',
        publisher: 'Apur',
        published_on: '2024-03-12',
      },
    ],
    status: 'published',
    daysAgo: 20,
  },
  {
    claim: 'Il n’y a jamais eu aussi peu d’arbres plantés à Paris que l’an dernier.',
    claimant: 'Tract anonyme',
    claimDate: '2026-11-02',
    theme: 'Environnement',
    verdict: 'faux',
    summary: 'Les bilans de la Ville font état de plantations en hausse depuis 2020.',
    explanation:
      '<p>Les bilans annuels publiés par la Ville recensent les arbres plantés chaque saison : les chiffres les plus récents sont en hausse.</p>',
    sources: [
      {
        url: 'https://opendata.paris.fr/explore/dataset/les-arbres/',
        title: 'Les arbres',
        publisher: 'Ville de Paris — données ouvertes',
        published_on: '2026-01-15',
      },
    ],
    status: 'published',
    daysAgo: 9,
  },
  {
    claim: 'Le métro parisien transporte plus de 4 millions de voyageurs par jour.',
    claimant: 'Notre candidate',
    claimDate: '2026-11-18',
    theme: 'Transports',
    verdict: 'vrai',
    summary: 'Les chiffres de fréquentation le confirment pour un jour ouvré.',
    explanation:
      '<p>Nous vérifions aussi les affirmations de notre propre camp. Les statistiques de fréquentation publiées par l’exploitant donnent un ordre de grandeur conforme.</p>',
    sources: [{ url: 'https://data.ratp.fr/', title: 'Trafic annuel entrant par station', publisher: 'RATP', published_on: '2025-09-01' }],
    status: 'published',
    daysAgo: 3,
  },
  {
    claim: 'Les pistes cyclables ont fait doubler les embouteillages.',
    claimant: 'Un éditorialiste',
    claimDate: '2026-11-28',
    theme: 'Transports',
    verdict: 'trompeur',
    summary: 'En cours de relecture.',
    explanation: '<p>Brouillon à relire : les comptages routiers ne montrent pas de doublement.</p>',
    sources: [],
    status: 'review',
    daysAgo: 1,
  },
];

/** Writes the demo's fact checks (once: nothing when the campaign has some). */
export async function seedDemoFactchecks(db: Db, campaignId: string, options: { now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  return withTenant(db, campaignId, async (trx) => {
    if (await trx.selectFrom('fact_check').select('id').limit(1).executeTakeFirst()) return 0;
    const scale = await ensureScale(trx, campaignId);
    for (const c of CHECKS) {
      const id = uuidv7();
      const at = new Date(now.getTime() - c.daysAgo * 86_400_000);
      const verdict = scale.find((v) => v.code === c.verdict) ?? scale[0];
      if (!verdict) throw new Error('the verdict scale is empty');
      await trx
        .insertInto('fact_check')
        .values({
          campaign_id: campaignId,
          id,
          slug: slugOf(c.claim),
          claim: c.claim,
          claimant: c.claimant,
          claim_date: c.claimDate,
          theme: c.theme,
          verdict_id: verdict.id,
          summary: c.summary,
          explanation_html: sanitizeExplanation(c.explanation),
          status: c.status,
          author_label: 'Samir Organisateur',
          reviewer_label: c.status === 'published' ? 'Nina Community' : null,
          submitted_at: at,
          published_at: c.status === 'published' ? at : null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      if (c.sources.length > 0)
        await trx
          .insertInto('fact_check_source')
          .values(c.sources.map((s, position) => ({ campaign_id: campaignId, id: uuidv7(), fact_check_id: id, position, ...s })))
          .execute();
    }
    return CHECKS.length;
  });
}
