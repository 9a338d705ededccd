// Use cases of events: create, change (SEQUENCE raised, people told), approve proposals, cancel;
// RSVP with capacity and waitlist (promotion until 48 hours before, then the staff is told);
// check-in at the door (attendance on the timeline: the ladder moves). Each returns the notices to
// queue after the transaction commits (reminders.ts).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { EventStatus, EventType } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordActivity } from '../timeline/index.ts';
import { type EventRow, findEvent, findRsvp, type RsvpRow } from './events.repo.ts';
import { type Notice, noticeOf, planReminders } from './reminders.ts';

/** Until this long before the start, a freed seat goes to the first person waiting; after it, the staff decides. */
export const PROMOTION_CUTOFF_MS = 48 * 3600_000;

export interface EventsActor {
  campaignId: string;
  label: string;
  /** Zones a referent is limited to (null: the whole campaign). */
  zoneScope: readonly string[] | null;
}

export interface EventInput {
  type: EventType;
  title: string;
  description?: string | undefined;
  start_at: string;
  end_at: string;
  time_zone?: string | undefined;
  venue?: string | undefined;
  address?: string | undefined;
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
  online_url?: string | null | undefined;
  zone_id?: string | null | undefined;
  capacity?: number | null | undefined;
}

function instant(text: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new AppError('EVENT_DATES_INVALID', `"${text}" is not an ISO 8601 instant (2027-03-13T18:30:00+01:00).`);
  }
  return d;
}

async function checkZone(trx: Trx, actor: EventsActor, zoneId: string | null | undefined): Promise<void> {
  if (actor.zoneScope && (!zoneId || !actor.zoneScope.includes(zoneId))) {
    throw new AppError('EVENT_ZONE_INVALID', 'A referent creates events in their own zones only: give one of them as zone_id.');
  }
  if (!zoneId) return;
  const zone = await trx
    .selectFrom('zone')
    .select('id')
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', zoneId)
    .executeTakeFirst();
  if (!zone) throw new AppError('EVENT_ZONE_INVALID', 'zone_id is not a zone of the campaign.');
}

function checkShape(e: { type: EventType; start_at: Date; end_at: Date; online_url: string | null; venue: string; address: string }) {
  if (e.end_at < e.start_at) throw new AppError('EVENT_DATES_INVALID', 'The event ends before it starts.');
  if (e.type === 'online' && !e.online_url) throw new AppError('EVENT_PLACE_MISSING', 'An online event needs its link (online_url).');
  if (e.type !== 'online' && !e.venue.trim() && !e.address.trim())
    throw new AppError('EVENT_PLACE_MISSING', 'Give the place (venue or address).');
  if (e.online_url && !/^https:\/\/[^\s]+$/i.test(e.online_url))
    throw new AppError('EVENT_PLACE_MISSING', 'online_url must be an https link.');
}

/** Creates an event: published when staff create it, proposed when a volunteer does (published after approval). */
export async function createEvent(
  trx: Trx,
  actor: EventsActor,
  input: EventInput,
  options: { status?: EventStatus; proposedBy?: string | null } = {},
): Promise<EventRow> {
  const row = {
    type: input.type,
    title: input.title.trim(),
    description: input.description ?? '',
    start_at: instant(input.start_at),
    end_at: instant(input.end_at),
    time_zone: input.time_zone ?? 'Europe/Paris',
    venue: input.venue ?? '',
    address: input.address ?? '',
    latitude: input.latitude ?? null,
    longitude: input.longitude ?? null,
    online_url: input.online_url ?? null,
    zone_id: input.zone_id ?? null,
    capacity: input.capacity ?? null,
  };
  checkShape(row);
  await checkZone(trx, actor, row.zone_id);
  const id = uuidv7();
  await trx
    .insertInto('event')
    .values({
      campaign_id: actor.campaignId,
      id,
      ...row,
      status: options.status ?? 'published',
      proposed_by_person_id: options.proposedBy ?? null,
      created_by_label: actor.label,
    })
    .execute();
  return (await findEvent(trx, actor.campaignId, id)) as EventRow;
}

/** The event an actor may manage (a referent: their zones only), locked. */
export async function managedEvent(trx: Trx, actor: EventsActor, id: string): Promise<EventRow> {
  const event = await findEvent(trx, actor.campaignId, id, { lock: true });
  if (!event || (actor.zoneScope && !(event.zone_id && actor.zoneScope.includes(event.zone_id)))) throw notFound('event');
  return event;
}

async function peopleToTell(trx: Trx, campaignId: string, eventId: string): Promise<{ id: string; status: string }[]> {
  return trx
    .selectFrom('event_rsvp')
    .select(['id', 'status'])
    .where('campaign_id', '=', campaignId)
    .where('event_id', '=', eventId)
    .where('status', 'in', ['going', 'waitlisted'])
    .execute();
}

const TOLD_FIELDS = ['title', 'start_at', 'end_at', 'venue', 'address', 'online_url', 'type'] as const;

/** Changes an event; a change people must know (time, place, link, title) raises SEQUENCE and tells them at once. */
export async function updateEvent(
  trx: Trx,
  actor: EventsActor,
  id: string,
  patch: Partial<EventInput>,
  now = new Date(),
): Promise<{ event: EventRow; notices: Notice[] }> {
  const before = await managedEvent(trx, actor, id);
  const next = {
    type: patch.type ?? before.type,
    title: patch.title?.trim() ?? before.title,
    description: patch.description ?? before.description,
    start_at: patch.start_at !== undefined ? instant(patch.start_at) : before.start_at,
    end_at: patch.end_at !== undefined ? instant(patch.end_at) : before.end_at,
    time_zone: patch.time_zone ?? before.time_zone,
    venue: patch.venue ?? before.venue,
    address: patch.address ?? before.address,
    latitude: patch.latitude !== undefined ? patch.latitude : before.latitude,
    longitude: patch.longitude !== undefined ? patch.longitude : before.longitude,
    online_url: patch.online_url !== undefined ? patch.online_url : before.online_url,
    zone_id: patch.zone_id !== undefined ? patch.zone_id : before.zone_id,
    capacity: patch.capacity !== undefined ? patch.capacity : before.capacity,
  };
  checkShape(next);
  if (next.zone_id !== before.zone_id) await checkZone(trx, actor, next.zone_id);
  const told = TOLD_FIELDS.some((f) => String(next[f]) !== String(before[f]));
  const changed = told || (Object.keys(next) as (keyof typeof next)[]).some((f) => String(next[f]) !== String(before[f]));
  if (!changed) return { event: before, notices: [] };
  await trx
    .updateTable('event')
    .set({ ...next, sequence: sql`sequence + 1`, updated_at: now })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .execute();
  const event = (await findEvent(trx, actor.campaignId, id)) as EventRow;
  const notices: Notice[] = [];
  if (told && event.status === 'published') {
    for (const r of await peopleToTell(trx, actor.campaignId, id)) {
      notices.push(noticeOf(actor.campaignId, r.id, 'changed', event));
      if (r.status === 'going' && event.start_at.getTime() !== before.start_at.getTime()) {
        notices.push(...planReminders(actor.campaignId, r.id, event, now, { confirmation: false }));
      }
    }
  }
  // More seats: the waitlist moves up.
  if ((event.capacity ?? Number.POSITIVE_INFINITY) > (before.capacity ?? Number.POSITIVE_INFINITY) || next.capacity === null) {
    notices.push(...(await fillSeats(trx, actor.campaignId, event, now)));
  }
  return { event, notices };
}

/** Approves (publishes) or rejects an event a volunteer proposed. */
export async function decideProposal(trx: Trx, actor: EventsActor, id: string, decision: 'approve' | 'reject'): Promise<EventRow> {
  const event = await managedEvent(trx, actor, id);
  if (event.status !== 'proposed') throw new AppError('EVENT_NOT_PROPOSED', `The event is ${event.status}, not proposed.`);
  await trx
    .updateTable('event')
    .set({ status: decision === 'approve' ? 'published' : 'rejected', updated_at: new Date() })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .execute();
  return (await findEvent(trx, actor.campaignId, id)) as EventRow;
}

/** Cancels an event: SEQUENCE raised (calendars show it cancelled), everyone who answered is told at once. */
export async function cancelEvent(trx: Trx, actor: EventsActor, id: string): Promise<{ event: EventRow; notices: Notice[] }> {
  const before = await managedEvent(trx, actor, id);
  if (before.status === 'cancelled') return { event: before, notices: [] };
  await trx
    .updateTable('event')
    .set({ status: 'cancelled', sequence: sql`sequence + 1`, updated_at: new Date() })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .execute();
  const event = (await findEvent(trx, actor.campaignId, id)) as EventRow;
  const notices =
    before.status === 'published'
      ? (await peopleToTell(trx, actor.campaignId, id)).map((r) => noticeOf(actor.campaignId, r.id, 'cancelled', event))
      : [];
  return { event, notices };
}

async function seatsTaken(trx: Trx, campaignId: string, eventId: string): Promise<number> {
  const row = await trx
    .selectFrom('event_rsvp')
    .select(sql<string>`coalesce(sum(1 + guests), 0)`.as('n'))
    .where('campaign_id', '=', campaignId)
    .where('event_id', '=', eventId)
    .where('status', '=', 'going')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Gives freed seats to the people waiting, in order, while the start is more than 48 hours away;
 * closer to it, tells the staff instead (they call people who can still come). The event is locked.
 */
async function fillSeats(trx: Trx, campaignId: string, event: EventRow, now: Date): Promise<Notice[]> {
  const waiting = await trx
    .selectFrom('event_rsvp')
    .select(['id', 'guests'])
    .where('campaign_id', '=', campaignId)
    .where('event_id', '=', event.id)
    .where('status', '=', 'waitlisted')
    .orderBy(sql`coalesce(waitlisted_at, created_at)`)
    .orderBy('id')
    .execute();
  if (waiting.length === 0 || event.status !== 'published') return [];
  let taken = await seatsTaken(trx, campaignId, event.id);
  const capacity = event.capacity ?? Number.POSITIVE_INFINITY;
  if (taken >= capacity) return [];
  if (event.start_at.getTime() - now.getTime() < PROMOTION_CUTOFF_MS) {
    return [{ kind: 'events.staff', params: { event_id: event.id, reason: 'seat_freed_late', waiting: waiting.length }, campaignId }];
  }
  const notices: Notice[] = [];
  for (const w of waiting) {
    if (taken + 1 + w.guests > capacity) break;
    taken += 1 + w.guests;
    await trx
      .updateTable('event_rsvp')
      .set({ status: 'going', updated_at: now })
      .where('campaign_id', '=', campaignId)
      .where('id', '=', w.id)
      .execute();
    notices.push(noticeOf(campaignId, w.id, 'promoted', event), ...planReminders(campaignId, w.id, event, now, { confirmation: false }));
  }
  return notices;
}

/**
 * RSVPs a person to a published event that has not ended: a seat when one is left (counting
 * guests), else the waitlist. Answering again changes nothing but the guests; after a
 * cancellation it is a new answer. The `event.rsvp` activity moves the ladder.
 */
export async function rsvpPerson(
  trx: Trx,
  o: { campaignId: string; eventId: string; personId: string; guests?: number; source: string; actorLabel: string; now?: Date },
): Promise<{ rsvp: RsvpRow; created: boolean; notices: Notice[] }> {
  const now = o.now ?? new Date();
  const event = await findEvent(trx, o.campaignId, o.eventId, { lock: true });
  if (!event) throw notFound('event');
  if (event.status !== 'published' || event.end_at <= now) throw new AppError('EVENT_CLOSED', 'This event no longer takes answers.');
  const guests = Math.max(0, Math.min(5, o.guests ?? 0));
  const existing = await trx
    .selectFrom('event_rsvp')
    .select(['id', 'status'])
    .where('campaign_id', '=', o.campaignId)
    .where('event_id', '=', o.eventId)
    .where('person_id', '=', o.personId)
    .executeTakeFirst();
  if (existing && existing.status !== 'cancelled') {
    return { rsvp: (await findRsvp(trx, o.campaignId, existing.id)) as RsvpRow, created: false, notices: [] };
  }
  const taken = await seatsTaken(trx, o.campaignId, o.eventId);
  const waitlistAhead = await trx
    .selectFrom('event_rsvp')
    .select(sql<string>`count(*)`.as('n'))
    .where('campaign_id', '=', o.campaignId)
    .where('event_id', '=', o.eventId)
    .where('status', '=', 'waitlisted')
    .executeTakeFirstOrThrow();
  const seat = (event.capacity === null || taken + 1 + guests <= event.capacity) && Number(waitlistAhead.n) === 0;
  const status = seat ? ('going' as const) : ('waitlisted' as const);
  const id = existing?.id ?? uuidv7();
  if (existing) {
    await trx
      .updateTable('event_rsvp')
      .set({ status, guests, updated_at: now, waitlisted_at: seat ? null : now, source: o.source })
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', id)
      .execute();
  } else {
    await trx
      .insertInto('event_rsvp')
      .values({
        campaign_id: o.campaignId,
        id,
        event_id: o.eventId,
        person_id: o.personId,
        status,
        guests,
        source: o.source,
        waitlisted_at: seat ? null : now,
      })
      .execute();
  }
  await recordActivity(trx, {
    campaignId: o.campaignId,
    personId: o.personId,
    type: 'event.rsvp',
    refType: 'event',
    refId: o.eventId,
    data: { title: event.title, status, guests },
    actorLabel: o.actorLabel,
  });
  const notices = seat
    ? planReminders(o.campaignId, id, event, now, { confirmation: true })
    : [noticeOf(o.campaignId, id, 'waitlisted', event)];
  return { rsvp: (await findRsvp(trx, o.campaignId, id)) as RsvpRow, created: true, notices };
}

/** Cancels an RSVP ("I can't anymore"); the freed seat goes to the waitlist (or the staff is told). */
export async function cancelRsvp(
  trx: Trx,
  o: { campaignId: string; rsvpId: string; now?: Date },
): Promise<{ rsvp: RsvpRow; notices: Notice[] }> {
  const now = o.now ?? new Date();
  const before = await findRsvp(trx, o.campaignId, o.rsvpId);
  if (!before) throw notFound('rsvp');
  const event = (await findEvent(trx, o.campaignId, before.event_id, { lock: true })) as EventRow;
  if (before.status === 'cancelled') return { rsvp: before, notices: [] };
  await trx
    .updateTable('event_rsvp')
    .set({ status: 'cancelled', updated_at: now })
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', o.rsvpId)
    .execute();
  const notices = before.status === 'going' && event.end_at > now ? await fillSeats(trx, o.campaignId, event, now) : [];
  return { rsvp: (await findRsvp(trx, o.campaignId, o.rsvpId)) as RsvpRow, notices };
}

/**
 * Marks an RSVP as attended (check-in at the door, or "I was there" after): the `event.attended`
 * activity moves the ladder. A second check-in changes nothing and says so.
 */
export async function checkIn(
  trx: Trx,
  o: { campaignId: string; eventId: string; rsvpId: string; actorLabel: string; now?: Date },
): Promise<{ rsvp: RsvpRow; already: boolean }> {
  const now = o.now ?? new Date();
  const rsvp = await findRsvp(trx, o.campaignId, o.rsvpId);
  if (!rsvp || rsvp.event_id !== o.eventId) throw new AppError('EVENT_TICKET_INVALID', 'This ticket is not one of this event.');
  if (rsvp.attended_at) return { rsvp, already: true };
  const event = (await findEvent(trx, o.campaignId, o.eventId)) as EventRow;
  await trx
    .updateTable('event_rsvp')
    // Someone at the door who was waitlisted or had cancelled came anyway: they hold a seat now.
    .set({ attended_at: now, checked_in_by: o.actorLabel, status: 'going', updated_at: now })
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', o.rsvpId)
    .execute();
  await recordActivity(trx, {
    campaignId: o.campaignId,
    personId: rsvp.person_id,
    type: 'event.attended',
    refType: 'event',
    refId: o.eventId,
    data: { title: event.title },
    actorLabel: o.actorLabel,
  });
  return { rsvp: (await findRsvp(trx, o.campaignId, o.rsvpId)) as RsvpRow, already: false };
}
