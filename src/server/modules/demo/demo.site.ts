// The demo campaign's public site: the candidate's message on the home page, a page for each
// arrondissement with three generated running mates (head of the list and two running mates, with
// a role and a short biography), news of the campaign and of arrondissements, and running mates'
// own posts relayed on their arrondissement's page. Deterministic per seed; French and English.
import type { Insertable, Kysely } from 'kysely';
import { withTenant } from '../../db/database.ts';
import type { DB, SiteNewsTable, SitePageTable, SiteRunningMateTable } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createRandom } from '../../opendata/prng.ts';
import { FAMILY_NAMES, GIVEN_NAMES } from './french-names.ts';

export interface DemoSiteResult {
  pages: number;
  runningMates: number;
  news: number;
}

const DAY = 24 * 3600_000;

const JOBS = [
  ['infirmière au centre de santé du quartier', 'a nurse at the neighbourhood health centre'],
  ['professeur des écoles', 'a primary school teacher'],
  ['commerçante sur le marché', 'a stallholder at the market'],
  ['artisan ébéniste', 'a cabinet maker'],
  ['ingénieure dans les transports publics', 'an engineer in public transport'],
  ['présidente d’une association de locataires', "chair of a tenants' association"],
  ['éducateur sportif', 'a sports coach'],
  ['libraire', 'a bookseller'],
  ['médecin généraliste', 'a general practitioner'],
  ['étudiante en urbanisme', 'an urban planning student'],
  ['retraité de la RATP', 'a retired bus driver'],
  ['cheffe de cuisine', 'a chef'],
] as const;

const THEMES = [
  ['le logement abordable', 'affordable housing', 'logement'],
  ['des rues plus calmes autour des écoles', 'calmer streets around schools', 'ecoles'],
  ['les pistes cyclables protégées', 'protected cycle lanes', 'velo'],
  ['la propreté des rues', 'clean streets', 'proprete'],
  ['des jardins partagés', 'shared gardens', 'jardins'],
  ['les commerces de proximité', 'local shops', 'commerces'],
  ['des centres de santé ouverts le soir', 'health centres open in the evening', 'sante'],
  ['la culture dans chaque quartier', 'culture in every neighbourhood', 'culture'],
] as const;

const ROLES: readonly (readonly [string, string])[] = [
  ['Tête de liste', 'Head of the list'],
  ['Porte-parole de l’arrondissement', "The district's spokesperson"],
  ['Membre de la liste', 'Member of the list'],
];

const CAMPAIGN_NEWS = [
  {
    fr: 'Notre programme pour le logement',
    en: 'Our housing programme',
    sfr: 'Encadrement des loyers, logements vacants remis sur le marché, 10 000 logements sociaux de plus : nos propositions.',
    sen: 'Rent control, empty homes back on the market, 10,000 more social homes: our proposals.',
  },
  {
    fr: 'Plus de 3 000 portes frappées ce week-end',
    en: 'More than 3,000 doors knocked on this weekend',
    sfr: 'Merci aux bénévoles de tous les arrondissements : ce que les Parisiennes et les Parisiens nous ont dit.',
    sen: 'Thanks to the volunteers of every district: what Parisians told us.',
  },
  {
    fr: 'Une ville à 15 minutes de chez vous',
    en: 'A city fifteen minutes from home',
    sfr: 'Écoles, santé, commerces, parcs : tout ce qui compte à moins d’un quart d’heure, dans chaque quartier.',
    sen: 'Schools, health, shops, parks: everything that matters within a quarter of an hour, in every neighbourhood.',
  },
  {
    fr: 'Réunion publique place de la République',
    en: 'Public meeting at place de la République',
    sfr: 'Plus de 2 000 personnes réunies jeudi soir : retour en images et en mots sur une belle soirée.',
    sen: 'More than 2,000 people on Thursday evening: a look back at a fine evening.',
  },
  {
    fr: 'Hackathon citoyen : vos idées pour Paris',
    en: 'Civic hackathon: your ideas for Paris',
    sfr: 'Deux jours pour imaginer les services numériques de la ville avec les habitantes et les habitants.',
    sen: 'Two days to imagine the city’s digital services with its residents.',
  },
  {
    fr: 'Nos colistiers, le visage de chaque arrondissement',
    en: 'Our running mates, the face of every district',
    sfr: 'Soixante femmes et hommes engagés dans leur quartier : découvrez qui vous représentera.',
    sen: 'Sixty women and men committed to their neighbourhoods: meet who will represent you.',
  },
] as const;

/** Short label of an arrondissement's number: "11e", "1er". */
function ordinalFr(code: string): string {
  return code === '1' ? '1er' : `${code}e`;
}

/** Seeds the site of the demo campaign (idempotent: nothing when it already has a home page). */
export async function seedDemoSite(
  db: Kysely<DB>,
  campaignId: string,
  options: { seed?: number; now?: Date } = {},
): Promise<DemoSiteResult> {
  const random = createRandom((options.seed ?? 2026) + 17);
  const now = (options.now ?? new Date()).getTime();
  return withTenant(db, campaignId, async (trx) => {
    const existing = await trx.selectFrom('site_page').select('id').where('kind', '=', 'home').executeTakeFirst();
    if (existing) return { pages: 0, runningMates: 0, news: 0 };
    const zones = (
      await trx
        .selectFrom('zone')
        .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id').onRef('l.campaign_id', '=', 'zone.campaign_id'))
        .select(['zone.id', 'zone.code', 'zone.name'])
        .where('l.code', '=', 'arrondissement')
        .execute()
    ).sort((a, b) => Number(a.code) - Number(b.code) || a.code.localeCompare(b.code));
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY);
    const pages: Insertable<SitePageTable>[] = [
      {
        campaign_id: campaignId,
        id: uuidv7(),
        kind: 'home',
        slug: 'accueil',
        zone_id: null,
        title_fr: 'Paris, ensemble et pour chacun',
        title_en: 'Paris, together and for everyone',
        summary_fr: 'Une ville où l’on peut se loger, respirer et se retrouver, quartier par quartier.',
        summary_en: 'A city where you can find a home, breathe and meet, neighbourhood by neighbourhood.',
        body_fr:
          '<p>Chères Parisiennes, chers Parisiens,</p><p>Depuis des mois, avec nos colistiers, nous parcourons les vingt arrondissements. Partout, la même demande : pouvoir se loger sans y laisser la moitié de son salaire, des rues où les enfants marchent en sécurité, des services publics à deux pas de chez soi.</p><p>Notre liste est faite de femmes et d’hommes de chaque quartier. Choisissez le vôtre sur la carte : vous y trouverez celles et ceux qui vous représenteront, leurs priorités et leurs rendez-vous.</p><p>Je compte sur vous.</p><p><strong>Anne Candidate</strong></p>',
        body_en:
          '<p>Dear Parisians,</p><p>For months, with our running mates, we have travelled the twenty districts. Everywhere we hear the same request: a home that does not cost half of your pay, streets where children walk safely, public services close to home.</p><p>Our list is made of women and men from every neighbourhood. Choose yours on the map: you will find those who will represent you, their priorities and their meetings.</p><p>I am counting on you.</p><p><strong>Anne Candidate</strong></p>',
        image_id: null,
        updated_by: 'Démo',
        updated_at: at(20),
      },
    ];
    const mates: Insertable<SiteRunningMateTable>[] = [];
    const news: Insertable<SiteNewsTable>[] = [];
    const usedSlugs = new Set<string>();
    CAMPAIGN_NEWS.forEach((n, i) => {
      const slug = n.fr
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '');
      usedSlugs.add(slug);
      news.push({
        campaign_id: campaignId,
        id: uuidv7(),
        slug,
        zone_id: null,
        running_mate_id: null,
        title_fr: n.fr,
        title_en: n.en,
        summary_fr: n.sfr,
        summary_en: n.sen,
        body_fr: `<p>${n.sfr}</p><p>Retrouvez le détail de nos propositions et les rendez-vous de votre arrondissement sur ce site.</p>`,
        body_en: `<p>${n.sen}</p><p>Find the details of our proposals and the meetings of your district on this site.</p>`,
        image_id: null,
        published_at: at(2 + i * 5),
        updated_by: 'Démo',
        updated_at: at(2 + i * 5),
      });
    });
    for (const zone of zones) {
      const theme = THEMES[random.int(THEMES.length)] ?? THEMES[0];
      const label = /^\d+$/.test(zone.code) ? ordinalFr(zone.code) : zone.name;
      pages.push({
        campaign_id: campaignId,
        id: uuidv7(),
        kind: 'zone',
        slug: `arrondissement-${zone.code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
        zone_id: zone.id,
        title_fr: `${zone.name} : nos priorités`,
        title_en: `${zone.name}: our priorities`,
        summary_fr: `Dans le ${label}, notre équipe porte d’abord ${theme[0]}.`,
        summary_en: `In this district, our team's first priority is ${theme[1]}.`,
        body_fr: `<p>Notre équipe du ${label} vit et travaille ici. Elle a rencontré les habitants sur les marchés, au pied des immeubles et à la sortie des écoles, et retient trois priorités : ${theme[0]}, des services publics plus proches et des rues plus agréables.</p>`,
        body_en: `<p>Our team in this district lives and works here. It met residents at markets, outside buildings and at school gates, and keeps three priorities: ${theme[1]}, closer public services and pleasanter streets.</p>`,
        image_id: null,
        updated_by: 'Démo',
        updated_at: at(15),
      });
      const zoneMates: { id: string; name: string }[] = [];
      for (let i = 0; i < 3; i++) {
        const given = GIVEN_NAMES[random.int(Math.min(GIVEN_NAMES.length, 120))] ?? 'Camille';
        const family = FAMILY_NAMES[random.int(Math.min(FAMILY_NAMES.length, 200))] ?? 'Martin';
        const name = `${given} ${family}`;
        const job = JOBS[random.int(JOBS.length)] ?? JOBS[0];
        const years = random.between(4, 35);
        const role = ROLES[i] ?? ROLES[1] ?? ['Colistier', 'Running mate'];
        const id = uuidv7();
        zoneMates.push({ id, name });
        mates.push({
          campaign_id: campaignId,
          id,
          zone_id: zone.id,
          name,
          role_fr: role[0],
          role_en: role[1],
          bio_fr: `<p>${given}, ${job[0]}, habite le ${label} depuis ${years} ans. Engagement : ${theme[0]}.</p>`,
          bio_en: `<p>${given}, ${job[1]}, has lived in the district for ${years} years. Commitment: ${theme[1]}.</p>`,
          photo_id: null,
          position: i,
          updated_at: at(15),
        });
      }
      // An arrondissement's news, and one running mate's own post in half of them.
      const localSlug = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${theme[2]}-rencontre`;
      if (!usedSlugs.has(localSlug)) {
        usedSlugs.add(localSlug);
        news.push({
          campaign_id: campaignId,
          id: uuidv7(),
          slug: localSlug,
          zone_id: zone.id,
          running_mate_id: null,
          title_fr: `${label} : rencontre sur ${theme[0]}`,
          title_en: `${zone.name}: a meeting on ${theme[1]}`,
          summary_fr: `Une soirée d’échanges avec les habitants du ${label} sur ${theme[0]}.`,
          summary_en: `An evening with the district's residents on ${theme[1]}.`,
          body_fr: `<p>Une soixantaine d’habitants du ${label} sont venus échanger avec notre équipe sur ${theme[0]}. Leurs propositions rejoignent notre programme.</p>`,
          body_en: `<p>About sixty residents came to talk with our team about ${theme[1]}. Their proposals join our programme.</p>`,
          image_id: null,
          published_at: at(random.between(1, 30)),
          updated_by: 'Démo',
          updated_at: at(1),
        });
      }
      const author = zoneMates[1];
      if (author && random.chance(0.5)) {
        const slug = `${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-billet-${theme[2]}`;
        if (!usedSlugs.has(slug)) {
          usedSlugs.add(slug);
          news.push({
            campaign_id: campaignId,
            id: uuidv7(),
            slug,
            zone_id: zone.id,
            running_mate_id: author.id,
            title_fr: `Pourquoi je m’engage pour ${theme[0]}`,
            title_en: `Why I am committed to ${theme[1]}`,
            summary_fr: `Le billet de ${author.name}, porte-parole de la liste dans le ${label}.`,
            summary_en: `A post by ${author.name}, the list's spokesperson in the district.`,
            body_fr: `<p>Chaque semaine, je croise des voisins qui me parlent de ${theme[0]}. C’est pour eux que je me présente.</p>`,
            body_en: `<p>Every week I meet neighbours who tell me about ${theme[1]}. I am standing for them.</p>`,
            image_id: null,
            published_at: at(random.between(1, 20)),
            updated_by: author.name,
            updated_at: at(1),
          });
        }
      }
    }
    await trx.insertInto('site_page').values(pages).execute();
    if (mates.length) await trx.insertInto('site_running_mate').values(mates).execute();
    await trx.insertInto('site_news').values(news).execute();
    return { pages: pages.length, runningMates: mates.length, news: news.length };
  });
}
