// The demo campaign's three petitions: one for all Paris (open, past its first milestone), one of the
// 11th arrondissement (open, young), one of the 20th (closed, delivered, answered). Their signatures
// are the demo's people (confirmed, a few pending, a small quarantined flood), spread over the weeks
// before "now" and linked to the people with their petition.signed activity. Deterministic per seed.
import { type Kysely, sql } from 'kysely';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { createRandom } from '../../opendata/prng.ts';

const DAY = 24 * 3600_000;

const PETITIONS = [
  {
    slug: 'des-arbres-dans-chaque-cour-d-ecole',
    title: 'Des arbres dans chaque cour d’école',
    summary: 'Transformer les cours bitumées en cours oasis avant l’été prochain, dans tous les arrondissements.',
    body: 'Les cours d’école de Paris atteignent 50 °C en juin. Les cours oasis déjà ouvertes prouvent qu’on peut faire mieux : sols perméables, arbres, points d’eau.\n\nNous demandons un calendrier public pour que chaque école parisienne ait sa cour végétalisée d’ici la fin du mandat.',
    target: 'La maire de Paris',
    zone: null,
    goal: 5000,
    status: 'open' as const,
    signatures: 3200,
    days: 40,
    thresholds: [
      { count: 1000, text: 'Nous remettons les signatures au conseil de Paris.' },
      { count: 5000, text: 'Nous demandons un débat public en séance.' },
    ],
    answer: '',
  },
  {
    slug: 'une-piste-cyclable-rue-de-la-roquette',
    title: 'Une piste cyclable protégée rue de la Roquette',
    summary: 'Sécuriser les trajets à vélo entre Bastille et le Père-Lachaise.',
    body: 'La rue de la Roquette est l’un des axes les plus empruntés à vélo du 11e, sans aucune protection.\n\nNous demandons une piste séparée de la circulation, dans les deux sens.',
    target: 'Le maire du 11e arrondissement',
    zone: '11',
    goal: 1500,
    status: 'open' as const,
    signatures: 420,
    days: 10,
    thresholds: [{ count: 1000, text: 'Nous demandons un rendez-vous au maire d’arrondissement.' }],
    answer: '',
  },
  {
    slug: 'sauvons-le-marche-des-pyrenees',
    title: 'Sauvons le marché de la rue des Pyrénées',
    summary: 'Garder le marché alimentaire du dimanche ouvert et accessible.',
    body: 'Le marché du dimanche fait vivre le quartier depuis quarante ans. Sa fermeture annoncée priverait des milliers d’habitants d’une offre de proximité.',
    target: 'La maire du 20e arrondissement',
    zone: '20',
    goal: 1000,
    status: 'closed' as const,
    signatures: 1180,
    days: 60,
    thresholds: [{ count: 1000, text: 'Nous remettons les signatures en main propre à la mairie.' }],
    answer:
      'Merci à toutes celles et à tous ceux qui ont signé. Le marché restera ouvert le dimanche ; un nouveau contrat de délégation sera signé au printemps, avec l’ajout de dix emplacements pour les producteurs locaux.',
  },
];

/** Creates the demo's petitions and their signatures; returns how many signatures were made. */
export async function seedDemoPetitions(db: Kysely<DB>, campaignId: string, options: { seed?: number; now?: Date } = {}): Promise<number> {
  const random = createRandom((options.seed ?? 2026) + 17);
  const now = (options.now ?? new Date()).getTime();
  return withTenant(db, campaignId, async (trx) => {
    const zones = await trx
      .selectFrom('zone')
      .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'zone.campaign_id').onRef('l.id', '=', 'zone.layer_id'))
      .select(['zone.id', 'zone.code'])
      .where('zone.campaign_id', '=', campaignId)
      .where('l.code', '=', 'arrondissement')
      .execute();
    const zoneByCode = new Map(zones.map((z) => [z.code, z.id]));
    const arrondissementIds = new Set(zones.map((z) => z.id));
    let made = 0;
    for (const def of PETITIONS) {
      const zoneId = def.zone ? (zoneByCode.get(def.zone) ?? null) : null;
      const created = new Date(now - def.days * DAY);
      const petitionId = uuidv7(created.getTime());
      await trx
        .insertInto('petition')
        .values({
          campaign_id: campaignId,
          id: petitionId,
          slug: def.slug,
          title: def.title,
          summary: def.summary,
          body: def.body,
          target: def.target,
          goal: def.goal,
          zone_id: zoneId,
          status: def.status,
          thresholds: JSON.stringify(def.thresholds),
          answer: def.answer,
          answered_at: def.answer ? new Date(now - 5 * DAY) : null,
          delivered_at: def.status === 'closed' ? new Date(now - 12 * DAY) : null,
          created_by_label: 'Démo',
          created_at: created,
          updated_at: created,
        })
        .execute();
      let q = trx
        .selectFrom('person')
        .select(['id', 'email', 'given_name', 'family_name', 'zone_ids'])
        .where('campaign_id', '=', campaignId)
        .where('email', 'is not', null)
        .where('anonymized_at', 'is', null);
      if (zoneId) q = q.where(sql<boolean>`zone_ids @> ${[zoneId]}::uuid[]`);
      const people = await q
        .orderBy('email')
        .limit(def.signatures * 3)
        .execute();
      // Drawn from the list, then put in a random order (people sign in no alphabetical order).
      const chosen = people
        .filter(() => random.chance(Math.min(0.9, def.signatures / Math.max(1, people.length))))
        .slice(0, def.signatures)
        .map((p) => ({ p, key: random.next() }))
        .sort((a, b) => a.key - b.key)
        .map((x) => x.p);
      const rows = chosen.map((p, i) => {
        const at = new Date(
          created.getTime() + Math.floor(((i + random.next()) / Math.max(1, chosen.length)) ** 1.6 * (def.days - 0.2) * DAY),
        );
        const email = p.email as string;
        const zone = (p.zone_ids ?? []).find((z) => arrondissementIds.has(z)) ?? null;
        const code = zones.find((z) => z.id === zone)?.code;
        // The last hours' signatures of an open petition still wait for their click.
        const pending = def.status === 'open' && i >= chosen.length - Math.ceil(chosen.length * 0.03);
        return {
          campaign_id: campaignId,
          id: uuidv7(at.getTime()),
          form: 'petition',
          petition_id: petitionId,
          status: pending ? ('pending' as 'pending' | 'confirmed' | 'quarantined') : ('confirmed' as const),
          quarantine_reason: null as string | null,
          email,
          email_domain: email.slice(email.lastIndexOf('@') + 1),
          given_name: p.given_name,
          family_name: p.family_name,
          postal_code: code ? `750${code.padStart(2, '0')}` : '',
          zone_id: zone,
          public_name: random.chance(0.4),
          wants_news: random.chance(0.5),
          client_address: `203.0.113.${random.int(250) + 1}`,
          proof: random.chance(0.85) ? 'altcha' : 'none',
          person_id: pending ? null : p.id,
          created_at: at,
          expires_at: new Date(at.getTime() + 7 * DAY),
          confirmed_at: pending ? null : new Date(at.getTime() + random.int(3 * 3600_000)),
        };
      });
      // A small flood the guard held back (one address, one domain), for the quarantine screen.
      if (def.status === 'open') {
        for (let i = 0; i < 12; i++) {
          const at = new Date(now - 2 * DAY + i * 20_000);
          rows.push({
            campaign_id: campaignId,
            id: uuidv7(at.getTime()),
            form: 'petition',
            petition_id: petitionId,
            status: 'quarantined' as const,
            quarantine_reason: i < 5 ? 'burst' : 'window',
            email: `signe${i}@jetable.example`,
            email_domain: 'jetable.example',
            given_name: 'Test',
            family_name: '',
            postal_code: '',
            zone_id: null,
            public_name: false,
            wants_news: false,
            client_address: '198.51.100.66',
            proof: 'none',
            person_id: null,
            created_at: at,
            expires_at: new Date(at.getTime() + 7 * DAY),
            confirmed_at: null,
          });
        }
      }
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await trx.insertInto('form_submission').values(chunk).execute();
        const signed = chunk.filter((r) => r.person_id);
        if (signed.length > 0) {
          await trx
            .insertInto('activity')
            .values(
              signed.map((r) => ({
                campaign_id: campaignId,
                id: uuidv7((r.confirmed_at as Date).getTime()),
                person_id: r.person_id as string,
                type: 'petition.signed',
                ref_type: 'petition',
                ref_id: petitionId,
                data: JSON.stringify({ petition: def.title }),
                actor_label: 'Formulaire public',
                at: r.confirmed_at as Date,
              })),
            )
            .execute();
        }
      }
      made += rows.length;
    }
    return made;
  });
}
