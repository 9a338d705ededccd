// Plain queries of events and RSVPs.
import { type SqlBool, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { EventStatus } from '../../db/schema.ts';

export const EVENT_COLUMNS = [
  'event.id',
  'event.type',
  'event.status',
  'event.title',
  'event.description',
  'event.start_at',
  'event.end_at',
  'event.time_zone',
  'event.venue',
  'event.address',
  'event.latitude',
  'event.longitude',
  'event.online_url',
  'event.zone_id',
  'event.capacity',
  'event.sequence',
  'event.proposed_by_person_id',
  'event.created_at',
  'event.updated_at',
] as const;

export interface EventRow {
  id: string;
  type: 'popup' | 'meeting' | 'canvass' | 'hackathon' | 'online';
  status: EventStatus;
  title: string;
  description: string;
  start_at: Date;
  end_at: Date;
  time_zone: string;
  venue: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  online_url: string | null;
  zone_id: string | null;
  capacity: number | null;
  sequence: number;
  proposed_by_person_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** Seats taken and people waiting, per event. */
export interface EventCounts {
  going: number;
  seats_taken: number;
  waitlisted: number;
  attended: number;
}

/** One event of the campaign (optionally locked for an update of its RSVPs). */
export async function findEvent(trx: Trx, campaignId: string, id: string, options: { lock?: boolean } = {}): Promise<EventRow | undefined> {
  let q = trx.selectFrom('event').select(EVENT_COLUMNS).where('event.campaign_id', '=', campaignId).where('event.id', '=', id);
  if (options.lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as EventRow | undefined;
}

/** Events of the campaign, soonest first, filtered by status, zone scope and time. */
export async function listEvents(
  trx: Trx,
  o: {
    campaignId: string;
    statuses?: readonly EventStatus[];
    zoneScope?: readonly string[] | null;
    zoneId?: string;
    from?: Date;
    limit: number;
    offset: number;
  },
): Promise<{ rows: EventRow[]; total: number }> {
  let q = trx.selectFrom('event').where('event.campaign_id', '=', o.campaignId);
  if (o.statuses?.length) q = q.where('event.status', 'in', o.statuses);
  if (o.zoneScope) q = q.where((eb) => (o.zoneScope?.length ? eb('event.zone_id', 'in', o.zoneScope) : sql<SqlBool>`false`));
  if (o.zoneId) q = q.where('event.zone_id', '=', o.zoneId);
  if (o.from) q = q.where('event.end_at', '>=', o.from);
  const [rows, total] = await Promise.all([
    q.select(EVENT_COLUMNS).orderBy('event.start_at').orderBy('event.id').limit(o.limit).offset(o.offset).execute(),
    q.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as EventRow[], total: Number(total.n) };
}

/** RSVP counts of events. */
export async function countsOf(trx: Trx, campaignId: string, eventIds: readonly string[]): Promise<Map<string, EventCounts>> {
  const out = new Map<string, EventCounts>();
  if (eventIds.length === 0) return out;
  const rows = await trx
    .selectFrom('event_rsvp')
    .select([
      'event_id',
      sql<string>`count(*) filter (where status = 'going')`.as('going'),
      sql<string>`coalesce(sum(1 + guests) filter (where status = 'going'), 0)`.as('seats'),
      sql<string>`count(*) filter (where status = 'waitlisted')`.as('waitlisted'),
      sql<string>`count(*) filter (where attended_at is not null)`.as('attended'),
    ])
    .where('campaign_id', '=', campaignId)
    .where('event_id', 'in', eventIds)
    .groupBy('event_id')
    .execute();
  for (const id of eventIds) out.set(id, { going: 0, seats_taken: 0, waitlisted: 0, attended: 0 });
  for (const r of rows)
    out.set(r.event_id, {
      going: Number(r.going),
      seats_taken: Number(r.seats),
      waitlisted: Number(r.waitlisted),
      attended: Number(r.attended),
    });
  return out;
}

export interface RsvpRow {
  id: string;
  event_id: string;
  person_id: string;
  status: 'going' | 'waitlisted' | 'cancelled';
  guests: number;
  attended_at: Date | null;
  checked_in_by: string | null;
  source: string;
  created_at: Date;
  updated_at: Date;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
}

/** RSVPs of an event with the person's name and e-mail (oldest first: the waitlist's order). */
export async function listRsvps(trx: Trx, campaignId: string, eventId: string, o: { limit: number; offset: number }) {
  const base = trx.selectFrom('event_rsvp').where('event_rsvp.campaign_id', '=', campaignId).where('event_rsvp.event_id', '=', eventId);
  const [rows, total] = await Promise.all([
    base
      .innerJoin('person', (j) =>
        j.onRef('person.campaign_id', '=', 'event_rsvp.campaign_id').onRef('person.id', '=', 'event_rsvp.person_id'),
      )
      .select([
        'event_rsvp.id',
        'event_rsvp.event_id',
        'event_rsvp.person_id',
        'event_rsvp.status',
        'event_rsvp.guests',
        'event_rsvp.attended_at',
        'event_rsvp.checked_in_by',
        'event_rsvp.source',
        'event_rsvp.created_at',
        'event_rsvp.updated_at',
        'person.given_name',
        'person.family_name',
        'person.email',
      ])
      .orderBy(sql`coalesce(event_rsvp.waitlisted_at, event_rsvp.created_at)`)
      .orderBy('event_rsvp.id')
      .limit(o.limit)
      .offset(o.offset)
      .execute(),
    base.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as RsvpRow[], total: Number(total.n) };
}

/** One RSVP with its person's name and e-mail. */
export async function findRsvp(trx: Trx, campaignId: string, id: string): Promise<RsvpRow | undefined> {
  const row = await trx
    .selectFrom('event_rsvp')
    .innerJoin('person', (j) =>
      j.onRef('person.campaign_id', '=', 'event_rsvp.campaign_id').onRef('person.id', '=', 'event_rsvp.person_id'),
    )
    .select([
      'event_rsvp.id',
      'event_rsvp.event_id',
      'event_rsvp.person_id',
      'event_rsvp.status',
      'event_rsvp.guests',
      'event_rsvp.attended_at',
      'event_rsvp.checked_in_by',
      'event_rsvp.source',
      'event_rsvp.created_at',
      'event_rsvp.updated_at',
      'person.given_name',
      'person.family_name',
      'person.email',
    ])
    .where('event_rsvp.campaign_id', '=', campaignId)
    .where('event_rsvp.id', '=', id)
    .executeTakeFirst();
  return row as RsvpRow | undefined;
}
