// HTTP routes of the election calendar: the election and its rounds (read: calendar:read; write:
// calendar:write, the campaign's director and owners), and the silence check every sender's screen
// or program may ask: "may this go out at that instant, and if not until when is it held?".
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ELECTION_KINDS } from '../../../shared/enums.ts';
import { inTenant, requireActor, type TenantActor } from '../../http/auth.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { DateTime, NoContent, Nullable, problems, StringEnum, Uuid } from '../../http/schemas.ts';
import { isIsoDateOrInstant } from '../../lib/dates.ts';
import { zonedInstant } from '../../lib/zoned-time.ts';
import { findElection, listRounds, type RoundRow } from './calendar.repo.ts';
import { addRound, type CalendarActor, changeRound, removeElection, removeRound, setElection } from './calendar.service.ts';
import { checkElectoralSilence, DEFAULT_TIME_ZONE, nextAllowedAt } from './silence.ts';

export const ElectionSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  kind: StringEnum(ELECTION_KINDS),
  created_at: DateTime,
  updated_at: DateTime,
});

export const RoundSchema = Type.Object({
  id: Uuid,
  number: Type.Integer({ description: 'its place among the rounds, by day (1: first round)' }),
  date: Type.String({ format: 'date', description: 'the day of the vote, yyyy-mm-dd' }),
  polls_close: Type.String({ description: 'when the polls close, hh:mm on the clocks of time_zone' }),
  time_zone: Type.String({ description: 'IANA time zone of the day and times (Europe/Paris)' }),
  silence_from: Type.Unsafe<Date | string>(
    Type.String({ format: 'date-time', description: 'start of the electoral silence (00:00 on the eve, in time_zone)' }),
  ),
  silence_until: Type.Unsafe<Date | string>(
    Type.String({ format: 'date-time', description: 'end of the electoral silence: the polls close (excluded)' }),
  ),
  created_at: DateTime,
  updated_at: DateTime,
});

export const CalendarSchema = Type.Object({
  election: Nullable(ElectionSchema),
  rounds: Type.Array(RoundSchema),
  next_round: Nullable(RoundSchema),
});

export const ElectionInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    kind: StringEnum(ELECTION_KINDS),
  },
  { additionalProperties: false },
);

const Day = Type.String({ maxLength: 10, description: 'yyyy-mm-dd' });
const PollsClose = Type.String({ maxLength: 5, description: 'hh:mm, 24-hour clock (default 20:00)' });
const TimeZone = Type.String({ maxLength: 64, description: 'IANA time zone (default Europe/Paris)' });

export const RoundInput = Type.Object(
  { date: Day, polls_close: Type.Optional(PollsClose), time_zone: Type.Optional(TimeZone) },
  { additionalProperties: false },
);
export const RoundUpdate = Type.Object(
  { date: Type.Optional(Day), polls_close: Type.Optional(PollsClose), time_zone: Type.Optional(TimeZone) },
  { additionalProperties: false },
);

export const SilenceCheckSchema = Type.Object({
  at: DateTime,
  allowed: Type.Boolean({ description: 'true when a send or publication at `at` is allowed' }),
  code: Nullable(StringEnum(['ELECTORAL_SILENCE'] as const)),
  round: Nullable(RoundSchema),
  silence_from: Nullable(DateTime),
  silence_until: Nullable(DateTime),
  next_allowed_at: Type.Unsafe<Date | string>(
    Type.String({ format: 'date-time', description: '`at` when allowed, else when the silence ends (the polls close)' }),
  ),
});

const IdParams = Type.Object({ id: Uuid });
const CheckQuery = Type.Object({
  at: Type.Optional(
    Type.String({
      maxLength: 40,
      description: 'ISO 8601 instant (default: now); without an offset it is read on the clocks of Europe/Paris',
    }),
  ),
});

const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The instant `at` names: with an offset as written, without one on the clocks of Europe/Paris. */
export function instantOf(text: string): Date {
  const m = INSTANT.exec(text);
  if (!m || !isIsoDateOrInstant(text)) {
    throw new AppError('CALENDAR_INSTANT_INVALID', `"${text}" is not an ISO 8601 instant (2027-03-13T23:59:00+01:00).`);
  }
  const [, day, time, seconds, fraction, offset] = m as unknown as [string, string, string?, string?, string?, string?];
  const extraMs = Number(seconds ?? 0) * 1000 + Math.floor(Number(fraction ?? 0) * 1000);
  if (!offset) return new Date(zonedInstant(day, time ?? '00:00', DEFAULT_TIME_ZONE).getTime() + extraMs);
  const sign = offset === 'Z' ? 0 : offset.startsWith('-') ? -1 : 1;
  const digits = offset.replace(/[^0-9]/g, '');
  const offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = (time ?? '00:00').split(':').map(Number) as [number, number];
  const utc = new Date(Date.UTC(2000, mo - 1, d, h, mi));
  utc.setUTCFullYear(y);
  return new Date(utc.getTime() + extraMs - offsetMs);
}

function calendarActor(request: FastifyRequest, actor: TenantActor): CalendarActor {
  return { campaignId: actor.campaignId, userId: actor.userId, tokenId: actor.tokenId, label: actor.label, ip: request.ip ?? null };
}

/** Rounds as the API shows them: numbered by day. */
function numbered(rounds: readonly RoundRow[]) {
  return rounds.map(({ election_id: _election, ...round }, i) => ({ ...round, number: i + 1 }));
}

/** The calendar as GET /calendar answers it, `now` deciding the next round. */
async function readCalendar(trx: Parameters<typeof listRounds>[0], campaignId: string, now: Date) {
  const [election, rows] = await Promise.all([findElection(trx, campaignId), listRounds(trx, campaignId)]);
  const rounds = numbered(rows);
  return { election: election ?? null, rounds, next_round: rounds.find((r) => new Date(r.silence_until) > now) ?? null };
}

async function readRound(trx: Parameters<typeof listRounds>[0], campaignId: string, id: string) {
  const round = numbered(await listRounds(trx, campaignId)).find((r) => r.id === id);
  if (!round) throw notFound('round');
  return round;
}

export const calendarRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/calendar',
    {
      schema: {
        tags: ['calendar'],
        summary: "The campaign's election, its rounds and the next one, each with its electoral silence",
        response: { 200: CalendarSchema, ...problems(401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'calendar:read');
      return inTenant(app, actor, (trx) => readCalendar(trx, actor.campaignId, new Date()));
    },
  );

  app.put(
    '/calendar',
    {
      schema: {
        tags: ['calendar'],
        summary: "Set the campaign's election (name and kind); created the first time",
        body: ElectionInput,
        response: { 200: CalendarSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'calendar:write');
      return inTenant(app, actor, async (trx) => {
        await setElection(trx, calendarActor(request, actor), request.body);
        return readCalendar(trx, actor.campaignId, new Date());
      });
    },
  );

  app.delete(
    '/calendar',
    {
      schema: {
        tags: ['calendar'],
        summary: "Remove the campaign's election and its rounds",
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'calendar:write');
      await inTenant(app, actor, (trx) => removeElection(trx, calendarActor(request, actor)));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/calendar/check',
    {
      schema: {
        tags: ['calendar'],
        summary: 'May the campaign send or publish at `at` (default now)? If not, the round whose silence holds it and until when',
        querystring: CheckQuery,
        response: { 200: SilenceCheckSchema, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'calendar:read');
      const at = request.query.at === undefined ? new Date() : instantOf(request.query.at);
      return inTenant(app, actor, async (trx) => {
        const check = await checkElectoralSilence(trx, actor.campaignId, at);
        if (check.allowed) {
          return { at, allowed: true, code: null, round: null, silence_from: null, silence_until: null, next_allowed_at: at };
        }
        const [round, next] = await Promise.all([
          readRound(trx, actor.campaignId, check.round.id),
          nextAllowedAt(trx, actor.campaignId, check.until),
        ]);
        return { at, allowed: false, code: check.code, round, silence_from: check.from, silence_until: check.until, next_allowed_at: next };
      });
    },
  );

  app.post(
    '/calendar/rounds',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Add a round to the election: its day, the polls closing time (20:00) and time zone (Europe/Paris)',
        body: RoundInput,
        response: { 201: RoundSchema, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'calendar:write');
      const round = await inTenant(app, actor, async (trx) => {
        const id = await addRound(trx, calendarActor(request, actor), request.body);
        return readRound(trx, actor.campaignId, id);
      });
      return reply.status(201).send(round);
    },
  );

  app.get(
    '/calendar/rounds/:id',
    {
      schema: {
        tags: ['calendar'],
        summary: 'One round of the election',
        params: IdParams,
        response: { 200: RoundSchema, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'calendar:read');
      return inTenant(app, actor, (trx) => readRound(trx, actor.campaignId, request.params.id));
    },
  );

  app.put(
    '/calendar/rounds/:id',
    {
      schema: {
        tags: ['calendar'],
        summary: "Change a round's day, closing time or time zone (its silence follows)",
        params: IdParams,
        body: RoundUpdate,
        response: { 200: RoundSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const actor = requireActor(request, 'calendar:write');
      return inTenant(app, actor, async (trx) => {
        await changeRound(trx, calendarActor(request, actor), request.params.id, request.body);
        return readRound(trx, actor.campaignId, request.params.id);
      });
    },
  );

  app.delete(
    '/calendar/rounds/:id',
    {
      schema: {
        tags: ['calendar'],
        summary: 'Remove a round',
        params: IdParams,
        response: { 204: NoContent, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, 'calendar:write');
      await inTenant(app, actor, (trx) => removeRound(trx, calendarActor(request, actor), request.params.id));
      return reply.status(204).send(null);
    },
  );
};
