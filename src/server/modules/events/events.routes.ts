// OSDI events and attendances under /api/v1: the events collection (create, change, cancel, approve
// a volunteer's proposal), an event's attendances (RSVPs: accepted, tentative = waitlisted,
// declined = cancelled), record_attendance_helper (a person's details → person record + RSVP) and
// check-in at the door (the ticket's signed token, or an attendance id found by name).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { pageLinks } from '../../http/pagination.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, DateTime, Nullable, PageQuery, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { confirmationMail } from '../consent/index.ts';
import { countsOf, type EventCounts, type EventRow, findEvent, findRsvp, listEvents, listRsvps, type RsvpRow } from './events.repo.ts';
import {
  cancelEvent,
  cancelRsvp,
  checkIn,
  createEvent,
  decideProposal,
  type EventsActor,
  managedEvent,
  rsvpPerson,
  updateEvent,
} from './events.service.ts';
import { type Notice, queueNotices } from './reminders.ts';
import { rsvpByDetails } from './signup.ts';
import { verifyRsvpToken } from './tokens.ts';

export const EVENT_TYPES = ['popup', 'meeting', 'canvass', 'hackathon', 'online'] as const;
export const EVENT_STATUSES = ['proposed', 'published', 'rejected', 'cancelled'] as const;

const Text = (max: number) => Type.String({ maxLength: max });
const Instant = Type.String({ maxLength: 40, description: 'ISO 8601 instant with offset (2027-03-13T18:30:00+01:00)' });

export const EventSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  id: Uuid,
  title: Type.String(),
  name: Type.String(),
  description: Type.String(),
  start_date: DateTime,
  end_date: DateTime,
  status: StringEnum(['confirmed', 'tentative', 'cancelled'] as const),
  type: StringEnum(['open', 'ticketed'] as const),
  capacity: Nullable(Type.Integer()),
  total_accepted: Type.Integer(),
  browser_url: Type.String(),
  location: Type.Object({
    venue: Type.String(),
    address_lines: Type.Array(Type.String()),
    location: Nullable(Type.Object({ latitude: Type.Number(), longitude: Type.Number() })),
  }),
  'relais:event_type': StringEnum(EVENT_TYPES),
  'relais:status': StringEnum(EVENT_STATUSES),
  'relais:online_url': Nullable(Type.String()),
  'relais:zone_id': Nullable(Uuid),
  'relais:time_zone': Type.String(),
  'relais:sequence': Type.Integer(),
  'relais:seats_taken': Type.Integer(),
  'relais:waitlisted': Type.Integer(),
  'relais:attended': Type.Integer(),
  created_date: DateTime,
  modified_date: DateTime,
  _links: Type.Optional(Type.Record(Type.String(), Type.Object({ href: Type.String() }))),
});

export const AttendanceSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  id: Uuid,
  status: StringEnum(['accepted', 'tentative', 'declined'] as const),
  'relais:status': StringEnum(['going', 'waitlisted', 'cancelled'] as const),
  attended: Type.Boolean(),
  attended_date: Nullable(DateTime),
  guests: Type.Integer(),
  person_id: Uuid,
  'relais:person_name': Type.String(),
  'relais:email': Nullable(Type.String()),
  created_date: DateTime,
  modified_date: DateTime,
  _links: Type.Optional(Type.Record(Type.String(), Type.Object({ href: Type.String() }))),
});

/** The door list of the check-in screen. */
export const DoorListSchema = Type.Object({
  event: Type.Object({ id: Uuid, title: Type.String(), start_date: DateTime, end_date: DateTime, venue: Type.String() }),
  attendees: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      status: StringEnum(['going', 'waitlisted', 'cancelled'] as const),
      guests: Type.Integer(),
      attended: Type.Boolean(),
    }),
  ),
});

export const EventInputSchema = Type.Object(
  {
    'relais:event_type': StringEnum(EVENT_TYPES),
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    description: Type.Optional(Text(5000)),
    start_date: Instant,
    end_date: Instant,
    'relais:time_zone': Type.Optional(StringEnum(['Europe/Paris', 'UTC'] as const)),
    location: Type.Optional(
      Type.Object({
        venue: Type.Optional(Text(200)),
        address_lines: Type.Optional(Type.Array(Text(300), { maxItems: 3 })),
        location: Type.Optional(
          Nullable(
            Type.Object({ latitude: Type.Number({ minimum: -90, maximum: 90 }), longitude: Type.Number({ minimum: -180, maximum: 180 }) }),
          ),
        ),
      }),
    ),
    'relais:online_url': Type.Optional(Nullable(Text(500))),
    'relais:zone_id': Type.Optional(Nullable(Uuid)),
    capacity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000 }))),
  },
  { additionalProperties: true },
);
const EventPatchSchema = Type.Partial(EventInputSchema, { additionalProperties: true });

const IdParams = Type.Object({ id: Uuid });
const AttendanceParams = Type.Object({ id: Uuid, attendance_id: Uuid });
const EventsQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(StringEnum(EVENT_STATUSES)),
  upcoming: Type.Optional(Type.Boolean({ description: 'only events that have not ended' })),
});

const PersonDetails = Type.Object({
  given_name: Type.Optional(Text(200)),
  family_name: Type.Optional(Text(200)),
  email_addresses: Type.Array(Type.Object({ address: Text(254) }, { additionalProperties: true }), { minItems: 1, maxItems: 10 }),
  phone_numbers: Type.Optional(Type.Array(Type.Object({ number: Text(40) }, { additionalProperties: true }), { maxItems: 10 })),
});

/** The token a scanned QR code holds: the ticket's check-in URL (…?t=<token>), a ticket page's URL, or the bare token. */
export function ticketTokenOf(scanned: string): string {
  const query = /[?&]t=([^&#]+)/.exec(scanned);
  if (query?.[1]) return decodeURIComponent(query[1]);
  return scanned.split('/').pop() ?? '';
}

function eventsActor(actor: TenantActor): EventsActor {
  return { campaignId: actor.campaignId, label: actor.label, zoneScope: actor.zoneScope };
}

function inputOf(body: Record<string, unknown>) {
  const b = body as {
    'relais:event_type'?: EventRow['type'];
    title?: string;
    description?: string;
    start_date?: string;
    end_date?: string;
    'relais:time_zone'?: string;
    location?: { venue?: string; address_lines?: string[]; location?: { latitude: number; longitude: number } | null };
    'relais:online_url'?: string | null;
    'relais:zone_id'?: string | null;
    capacity?: number | null;
  };
  const out: Record<string, unknown> = {};
  if (b['relais:event_type'] !== undefined) out.type = b['relais:event_type'];
  if (b.title !== undefined) out.title = b.title;
  if (b.description !== undefined) out.description = b.description;
  if (b.start_date !== undefined) out.start_at = b.start_date;
  if (b.end_date !== undefined) out.end_at = b.end_date;
  if (b['relais:time_zone'] !== undefined) out.time_zone = b['relais:time_zone'];
  if (b.location?.venue !== undefined) out.venue = b.location.venue;
  if (b.location?.address_lines !== undefined) out.address = b.location.address_lines.join(', ');
  if (b.location?.location !== undefined) {
    out.latitude = b.location.location?.latitude ?? null;
    out.longitude = b.location.location?.longitude ?? null;
  }
  if (b['relais:online_url'] !== undefined) out.online_url = b['relais:online_url'];
  if (b['relais:zone_id'] !== undefined) out.zone_id = b['relais:zone_id'];
  if (b.capacity !== undefined) out.capacity = b.capacity;
  return out;
}

/** An event as OSDI shows it (with Relais's own fields prefixed). */
export function osdiEvent(app: FastifyInstance, e: EventRow, counts: EventCounts) {
  const api = `${app.deps.config.publicUrl}/api/v1/events/${e.id}`;
  return {
    identifiers: [`relais:${e.id}`],
    id: e.id,
    title: e.title,
    name: e.title,
    description: e.description,
    start_date: e.start_at,
    end_date: e.end_at,
    status: e.status === 'cancelled' ? ('cancelled' as const) : e.status === 'published' ? ('confirmed' as const) : ('tentative' as const),
    type: e.capacity === null ? ('open' as const) : ('ticketed' as const),
    capacity: e.capacity,
    total_accepted: counts.going,
    browser_url: `${app.deps.config.publicUrl}/evenements/${e.id}`,
    location: {
      venue: e.venue,
      address_lines: e.address ? [e.address] : [],
      location: e.latitude !== null && e.longitude !== null ? { latitude: e.latitude, longitude: e.longitude } : null,
    },
    'relais:event_type': e.type,
    'relais:status': e.status,
    'relais:online_url': e.online_url,
    'relais:zone_id': e.zone_id,
    'relais:time_zone': e.time_zone,
    'relais:sequence': e.sequence,
    'relais:seats_taken': counts.seats_taken,
    'relais:waitlisted': counts.waitlisted,
    'relais:attended': counts.attended,
    created_date: e.created_at,
    modified_date: e.updated_at,
    _links: {
      self: { href: api },
      'osdi:attendances': { href: `${api}/attendances` },
      'osdi:record_attendance_helper': { href: `${api}/record_attendance_helper` },
    },
  };
}

/** An RSVP as an OSDI attendance. */
export function osdiAttendance(app: FastifyInstance, r: RsvpRow) {
  const api = `${app.deps.config.publicUrl}/api/v1`;
  return {
    identifiers: [`relais:${r.id}`],
    id: r.id,
    status: r.status === 'going' ? ('accepted' as const) : r.status === 'waitlisted' ? ('tentative' as const) : ('declined' as const),
    'relais:status': r.status,
    attended: r.attended_at !== null,
    attended_date: r.attended_at,
    guests: r.guests,
    person_id: r.person_id,
    'relais:person_name': [r.given_name, r.family_name].filter(Boolean).join(' '),
    'relais:email': r.email,
    created_date: r.created_at,
    modified_date: r.updated_at,
    _links: {
      self: { href: `${api}/events/${r.event_id}/attendances/${r.id}` },
      'osdi:person': { href: `${api}/people/${r.person_id}` },
      'osdi:event': { href: `${api}/events/${r.event_id}` },
    },
  };
}

/** Queues notices after the commit; a failure to queue is logged, the answer stands. */
export async function sendNotices(app: FastifyInstance, notices: readonly Notice[]): Promise<void> {
  await queueNotices((o) => app.deps.jobs.enqueue(o), notices).catch((error: unknown) =>
    app.log.warn({ err: error }, 'event notices not queued'),
  );
}

async function visibleEvent(trx: Parameters<typeof findEvent>[0], actor: TenantActor, id: string): Promise<EventRow> {
  const event = await findEvent(trx, actor.campaignId, id);
  if (!event || (actor.zoneScope && !(event.zone_id && actor.zoneScope.includes(event.zone_id)))) throw notFound('event');
  return event;
}

export const eventsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const one = async (trx: Parameters<typeof findEvent>[0], campaignId: string, e: EventRow) =>
    osdiEvent(app, e, (await countsOf(trx, campaignId, [e.id])).get(e.id) as EventCounts);

  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'OSDI events of the campaign, soonest first (referents: their zones)',
        querystring: EventsQuery,
        response: { 200: collection('osdi:events', EventSchema), ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'events:read');
      const { page, per_page, status, upcoming } = request.query;
      return inTenant(app, actor, async (trx) => {
        const { rows, total } = await listEvents(trx, {
          campaignId: actor.campaignId,
          ...(status ? { statuses: [status] } : {}),
          zoneScope: actor.zoneScope,
          ...(upcoming ? { from: new Date() } : {}),
          limit: per_page,
          offset: (page - 1) * per_page,
        });
        const counts = await countsOf(
          trx,
          actor.campaignId,
          rows.map((r) => r.id),
        );
        const totalPages = Math.max(1, Math.ceil(total / per_page));
        return {
          total_records: total,
          page,
          per_page,
          total_pages: totalPages,
          _links: pageLinks(app, request, page, totalPages),
          _embedded: { 'osdi:events': rows.map((r) => osdiEvent(app, r, counts.get(r.id) as EventCounts)) },
        };
      });
    },
  );

  app.post(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Create an event: published when staff create it, proposed (published after approval) when a volunteer does',
        body: EventInputSchema,
        response: { 201: EventSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      // Staff publish; a volunteer proposes (published once approved).
      const actor = requireActor(request, 'events:propose');
      const publishes = actor.scopes ? actor.scopes.has('events:write') : actor.permissions.has('events.write');
      const doc = await inTenant(app, actor, async (trx) => {
        const e = await createEvent(trx, eventsActor(actor), inputOf(request.body) as never, {
          status: publishes ? 'published' : 'proposed',
        });
        return one(trx, actor.campaignId, e);
      });
      return reply.status(201).send(doc);
    },
  );

  app.get(
    '/events/:id',
    { schema: { tags: ['events'], summary: 'One event', params: IdParams, response: { 200: EventSchema, ...problems(401, 403, 404) } } },
    async (request) => {
      const actor = requireActor(request, 'events:read');
      return inTenant(app, actor, async (trx) => one(trx, actor.campaignId, await visibleEvent(trx, actor, request.params.id)));
    },
  );

  app.put(
    '/events/:id',
    {
      schema: {
        tags: ['events'],
        summary:
          'Change an event: a change of time, place, link or title raises its SEQUENCE and tells everyone who answered within minutes',
        params: IdParams,
        body: EventPatchSchema,
        response: { 200: EventSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'events:write');
      const { doc, notices } = await inTenant(app, actor, async (trx) => {
        const { event, notices } = await updateEvent(trx, eventsActor(actor), request.params.id, inputOf(request.body) as never);
        return { doc: await one(trx, actor.campaignId, event), notices };
      });
      await sendNotices(app, notices);
      return doc;
    },
  );

  for (const action of ['cancel', 'approve', 'reject'] as const) {
    app.post(
      `/events/:id/${action}`,
      {
        schema: {
          tags: ['events'],
          summary:
            action === 'cancel'
              ? 'Cancel an event (everyone who answered is told at once; calendars see it cancelled)'
              : `${action === 'approve' ? 'Approve (publish)' : 'Reject'} an event a volunteer proposed`,
          params: IdParams,
          response: { 200: EventSchema, ...problems(401, 403, 404, 409) },
        },
      },
      async (request) => {
        const actor = requireActor(request, 'events:write');
        const { doc, notices } = await inTenant(app, actor, async (trx) => {
          if (action === 'cancel') {
            const { event, notices } = await cancelEvent(trx, eventsActor(actor), request.params.id);
            return { doc: await one(trx, actor.campaignId, event), notices };
          }
          const event = await decideProposal(trx, eventsActor(actor), request.params.id, action);
          return { doc: await one(trx, actor.campaignId, event), notices: [] as Notice[] };
        });
        await sendNotices(app, notices);
        return doc;
      },
    );
  }

  app.get(
    '/events/:id/attendances',
    {
      schema: {
        tags: ['events'],
        summary: "An event's attendances (RSVPs), the waitlist's order",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: collection('osdi:attendances', AttendanceSchema), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'attendances:read');
      const { page, per_page } = request.query;
      return inTenant(app, actor, async (trx) => {
        await visibleEvent(trx, actor, request.params.id);
        const { rows, total } = await listRsvps(trx, actor.campaignId, request.params.id, {
          limit: per_page,
          offset: (page - 1) * per_page,
        });
        const totalPages = Math.max(1, Math.ceil(total / per_page));
        return {
          total_records: total,
          page,
          per_page,
          total_pages: totalPages,
          _links: pageLinks(app, request, page, totalPages),
          _embedded: { 'osdi:attendances': rows.map((r) => osdiAttendance(app, r)) },
        };
      });
    },
  );

  app.post(
    '/events/:id/attendances',
    {
      schema: {
        tags: ['events'],
        summary: 'RSVP a person of the campaign (a seat, or the waitlist when full)',
        params: IdParams,
        body: Type.Object({ person_id: Uuid, guests: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })) }),
        response: { 200: AttendanceSchema, 201: AttendanceSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'attendances:write');
      const result = await inTenant(app, actor, async (trx) => {
        await visibleEvent(trx, actor, request.params.id);
        const person = await trx
          .selectFrom('person')
          .select('id')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', request.body.person_id)
          .executeTakeFirst();
        if (!person) throw notFound('person');
        return rsvpPerson(trx, {
          campaignId: actor.campaignId,
          eventId: request.params.id,
          personId: person.id,
          guests: request.body.guests ?? 0,
          source: 'staff',
          actorLabel: actor.label,
        });
      });
      await sendNotices(app, result.notices);
      return reply.status(result.created ? 201 : 200).send(osdiAttendance(app, result.rsvp));
    },
  );

  app.put(
    '/events/:id/attendances/:attendance_id',
    {
      schema: {
        tags: ['events'],
        summary: "Change an attendance: status 'declined' cancels it (the waitlist moves up until 48 hours before the start)",
        params: AttendanceParams,
        body: Type.Object({ status: StringEnum(['declined'] as const) }, { additionalProperties: true }),
        response: { 200: AttendanceSchema, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'attendances:write');
      const result = await inTenant(app, actor, async (trx) => {
        await managedEvent(trx, eventsActor(actor), request.params.id);
        const rsvp = await findRsvp(trx, actor.campaignId, request.params.attendance_id);
        if (!rsvp || rsvp.event_id !== request.params.id) throw notFound('attendance');
        return cancelRsvp(trx, { campaignId: actor.campaignId, rsvpId: rsvp.id });
      });
      await sendNotices(app, result.notices);
      return osdiAttendance(app, result.rsvp);
    },
  );

  app.post(
    '/events/:id/record_attendance_helper',
    {
      schema: {
        tags: ['events'],
        summary: 'OSDI record attendance helper: the person found by e-mail or created (person signup), then RSVPed',
        params: IdParams,
        body: Type.Object(
          { person: PersonDetails, guests: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })) },
          { additionalProperties: true },
        ),
        response: { 200: AttendanceSchema, 201: AttendanceSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'attendances:write');
      const { person } = request.body;
      const result = await inTenant(app, actor, async (trx) => {
        await visibleEvent(trx, actor, request.params.id);
        return rsvpByDetails(trx, {
          campaignId: actor.campaignId,
          eventId: request.params.id,
          details: {
            given_name: person.given_name ?? '',
            family_name: person.family_name,
            email: person.email_addresses[0]?.address ?? '',
            phone: person.phone_numbers?.[0]?.number,
            guests: request.body.guests,
          },
          ip: request.ip ?? null,
          userAgent: request.headers['user-agent'] ?? null,
          form: 'record_attendance_helper',
          lang: 'fr',
          actorLabel: actor.label,
          secret: app.deps.config.mailing.tokenSecret,
        });
      });
      await sendNotices(app, result.notices);
      if (result.confirmation?.status === 'sent')
        await app.deps.mailer.send(confirmationMail(app.deps.config.publicUrl, result.confirmation.send)).catch(() => {});
      return reply.status(result.created ? 201 : 200).send(osdiAttendance(app, result.rsvp));
    },
  );

  app.get(
    '/events/:id/check_ins',
    {
      schema: {
        tags: ['events'],
        summary:
          'The door list of an event (people with a seat or waiting, and who has come): what the check-in screen keeps for offline use',
        params: IdParams,
        response: { 200: DoorListSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'events.checkin');
      return inTenant(app, actor, async (trx) => {
        const e = await visibleEvent(trx, actor, request.params.id);
        const { rows } = await listRsvps(trx, actor.campaignId, e.id, { limit: 5000, offset: 0 });
        return {
          event: { id: e.id, title: e.title, start_date: e.start_at, end_date: e.end_at, venue: e.venue },
          attendees: rows
            .filter((r) => r.status !== 'cancelled' || r.attended_at)
            .map((r) => ({
              id: r.id,
              name: [r.given_name, r.family_name].filter(Boolean).join(' ') || (r.email ?? ''),
              status: r.status,
              guests: r.guests,
              attended: r.attended_at !== null,
            })),
        };
      });
    },
  );

  app.post(
    '/events/:id/check_ins',
    {
      schema: {
        tags: ['events'],
        summary:
          "Check someone in at the door: the ticket's QR code (token) or an attendance found by name; attendance recorded, the ladder moves",
        params: IdParams,
        body: Type.Object({ token: Type.Optional(Type.String({ maxLength: 400 })), attendance_id: Type.Optional(Uuid) }),
        response: { 200: Type.Object({ already: Type.Boolean(), attendance: AttendanceSchema }), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'events.checkin');
      let rsvpId = request.body.attendance_id;
      if (request.body.token !== undefined) {
        const raw = ticketTokenOf(request.body.token);
        const token = verifyRsvpToken(app.deps.config.mailing.tokenSecret, raw);
        if (token?.action !== 'ticket' || token.campaignId !== actor.campaignId)
          throw new AppError('EVENT_TICKET_INVALID', 'This QR code is not a ticket of this campaign.');
        rsvpId = token.rsvpId;
      }
      if (!rsvpId) throw new AppError('EVENT_TICKET_INVALID', 'Give the ticket (token) or the attendance_id.');
      const id = rsvpId;
      const result = await inTenant(app, actor, async (trx) => {
        await visibleEvent(trx, actor, request.params.id);
        return checkIn(trx, { campaignId: actor.campaignId, eventId: request.params.id, rsvpId: id, actorLabel: actor.label });
      });
      return { already: result.already, attendance: osdiAttendance(app, result.rsvp) };
    },
  );
};
