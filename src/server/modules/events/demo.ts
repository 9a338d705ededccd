// The demo's events: a dozen Paris events over the coming weeks (stands on markets, public
// meetings, door-to-door sessions, a hackathon, an online meeting), in arrondissements, with RSVPs
// of demo people (one full with a waitlist, one past with check-ins), deterministic.

import type { Db } from '../../db/database.ts';
import { withTenant } from '../../db/database.ts';
import type { EventType } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { addDays, wallClockOf, zonedInstant } from '../../lib/zoned-time.ts';

const EVENTS: {
  type: EventType;
  title: string;
  day: number;
  time: string;
  hours: number;
  venue: string;
  address: string;
  lat: number;
  lng: number;
  zone: string;
  capacity: number | null;
  description: string;
}[] = [
  {
    type: 'popup',
    title: 'Stand au marché d’Aligre',
    day: 2,
    time: '10:00',
    hours: 3,
    venue: 'Marché d’Aligre',
    address: 'Place d’Aligre, 75012 Paris',
    lat: 48.8491,
    lng: 2.3785,
    zone: '12',
    capacity: null,
    description: 'Venez discuter de nos propositions pour le logement autour d’un café.',
  },
  {
    type: 'meeting',
    title: 'Réunion publique : se loger à Paris',
    day: 4,
    time: '19:00',
    hours: 2,
    venue: 'Mairie du 11e, salle des fêtes',
    address: '12 place Léon-Blum, 75011 Paris',
    lat: 48.8575,
    lng: 2.3797,
    zone: '11',
    capacity: 120,
    description: 'Présentation du programme logement et questions de la salle.',
  },
  {
    type: 'canvass',
    title: 'Porte-à-porte à Belleville',
    day: 5,
    time: '18:00',
    hours: 2,
    venue: 'Métro Belleville (sortie 1)',
    address: 'Boulevard de Belleville, 75020 Paris',
    lat: 48.8722,
    lng: 2.3767,
    zone: '20',
    capacity: 20,
    description: 'Formation de 15 minutes puis porte-à-porte en binômes.',
  },
  {
    type: 'popup',
    title: 'Stand au marché Bastille',
    day: 7,
    time: '09:30',
    hours: 3,
    venue: 'Marché Bastille',
    address: 'Boulevard Richard-Lenoir, 75011 Paris',
    lat: 48.8579,
    lng: 2.3704,
    zone: '11',
    capacity: null,
    description: 'Tractage et signature de la pétition sur les pistes cyclables.',
  },
  {
    type: 'meeting',
    title: 'Café citoyen : la propreté dans le 18e',
    day: 9,
    time: '18:30',
    hours: 2,
    venue: 'Café La Chope',
    address: '6 rue Custine, 75018 Paris',
    lat: 48.8886,
    lng: 2.3482,
    zone: '18',
    capacity: 4,
    description: 'Petit groupe : places limitées.',
  },
  {
    type: 'hackathon',
    title: 'Hackathon « Paris ouvert »',
    day: 12,
    time: '10:00',
    hours: 8,
    venue: 'Le Liberté Living-Lab',
    address: '9 rue d’Alexandrie, 75002 Paris',
    lat: 48.8689,
    lng: 2.3512,
    zone: '2',
    capacity: 60,
    description: 'Une journée pour construire des outils citoyens à partir des données ouvertes de la Ville.',
  },
  {
    type: 'online',
    title: 'Visioconférence : le budget participatif',
    day: 6,
    time: '20:30',
    hours: 1,
    venue: '',
    address: '',
    lat: 0,
    lng: 0,
    zone: '',
    capacity: null,
    description: 'Questions-réponses en ligne avec la tête de liste.',
  },
  {
    type: 'canvass',
    title: 'Porte-à-porte dans le 13e',
    day: 10,
    time: '10:00',
    hours: 3,
    venue: 'Place d’Italie',
    address: 'Place d’Italie, 75013 Paris',
    lat: 48.8311,
    lng: 2.3557,
    zone: '13',
    capacity: 25,
    description: 'Rendez-vous devant la mairie du 13e.',
  },
  {
    type: 'meeting',
    title: 'Réunion publique : les écoles du 15e',
    day: 14,
    time: '19:00',
    hours: 2,
    venue: 'Espace Cévennes',
    address: '77 rue des Cévennes, 75015 Paris',
    lat: 48.8418,
    lng: 2.2832,
    zone: '15',
    capacity: 80,
    description: 'Avec des parents d’élèves et des enseignants.',
  },
  {
    type: 'popup',
    title: 'Stand rue Mouffetard',
    day: 16,
    time: '10:30',
    hours: 3,
    venue: 'Square Saint-Médard',
    address: 'Rue Mouffetard, 75005 Paris',
    lat: 48.8404,
    lng: 2.3497,
    zone: '5',
    capacity: null,
    description: '',
  },
  {
    type: 'meeting',
    title: 'Apéro des bénévoles du 10e',
    day: 3,
    time: '19:30',
    hours: 2,
    venue: 'Le Comptoir Général',
    address: '80 quai de Jemmapes, 75010 Paris',
    lat: 48.8716,
    lng: 2.3638,
    zone: '10',
    capacity: 40,
    description: 'Pour rencontrer l’équipe et s’engager.',
  },
  {
    type: 'popup',
    title: 'Stand au marché des Batignolles',
    day: -3,
    time: '10:00',
    hours: 3,
    venue: 'Marché des Batignolles',
    address: '96 rue Lemercier, 75017 Paris',
    lat: 48.8883,
    lng: 2.3197,
    zone: '17',
    capacity: null,
    description: 'Un stand passé : les présents ont été pointés.',
  },
];

/** Seeds the demo's events and RSVPs; returns how many of each. */
export async function seedDemoEvents(db: Db, campaignId: string, o: { now?: Date } = {}): Promise<{ events: number; rsvps: number }> {
  const now = o.now ?? new Date();
  const today = wallClockOf('Europe/Paris', now).date;
  return withTenant(db, campaignId, async (trx) => {
    const zones = await trx
      .selectFrom('zone')
      .innerJoin('zone_layer', (j) =>
        j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'),
      )
      .select(['zone.id', 'zone.code'])
      .where('zone.campaign_id', '=', campaignId)
      .where('zone_layer.code', '=', 'arrondissement')
      .execute();
    const zoneOf = (code: string) =>
      zones.find((z) => z.code === code || z.code === `751${code.padStart(2, '0')}` || z.code.endsWith(`1${code.padStart(2, '0')}`))?.id ??
      null;
    const people = await trx
      .selectFrom('person')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('email', 'is not', null)
      .orderBy('id')
      .limit(400)
      .execute();
    let rsvps = 0;
    let cursor = 0;
    for (const [i, e] of EVENTS.entries()) {
      const start = zonedInstant(addDays(today, e.day), e.time, 'Europe/Paris');
      const id = uuidv7(now.getTime() - (EVENTS.length - i) * 1000);
      await trx
        .insertInto('event')
        .values({
          campaign_id: campaignId,
          id,
          type: e.type,
          title: e.title,
          description: e.description,
          start_at: start,
          end_at: new Date(start.getTime() + e.hours * 3600_000),
          venue: e.venue,
          address: e.address,
          latitude: e.type === 'online' ? null : e.lat,
          longitude: e.type === 'online' ? null : e.lng,
          online_url: e.type === 'online' ? 'https://visio.example.org/budget-participatif' : null,
          zone_id: e.zone ? zoneOf(e.zone) : null,
          capacity: e.capacity,
          created_by_label: 'démo',
        })
        .execute();
      const wanted = e.capacity === null ? 6 + (i % 5) * 3 : Math.min(e.capacity + (e.capacity <= 4 ? 2 : 0), 8 + (i % 4) * 4);
      const rows = [];
      for (let k = 0; k < wanted && people.length > 0; k += 1) {
        const person = people[cursor % people.length] as { id: string };
        cursor += 1;
        const going = e.capacity === null || k < e.capacity;
        rows.push({
          campaign_id: campaignId,
          id: uuidv7(now.getTime() - 3600_000 + k),
          event_id: id,
          person_id: person.id,
          status: going ? ('going' as const) : ('waitlisted' as const),
          waitlisted_at: going ? null : now,
          source: 'demo',
          attended_at: e.day < 0 && k % 3 !== 2 ? new Date(start.getTime() + 15 * 60_000) : null,
          checked_in_by: e.day < 0 && k % 3 !== 2 ? 'démo' : null,
        });
      }
      if (rows.length > 0)
        await trx
          .insertInto('event_rsvp')
          .values(rows)
          .onConflict((oc) => oc.doNothing())
          .execute();
      rsvps += rows.length;
    }
    return { events: EVENTS.length, rsvps };
  });
}
