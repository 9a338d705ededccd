// Use cases of the election calendar: set the election, add, change and remove its rounds (each
// checked: a day that exists, hh:mm, a known time zone, no second round on a day, no silence
// overlapping another round's), every change audited. Runs in the caller's tenant transaction.

import type { ElectionKind } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { writeOrLoseRace } from '../../db/unique-race.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { calendarDate } from '../../lib/dates.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { isTimeZone } from '../../lib/zoned-time.ts';
import { insertAuditEvents } from '../audit/index.ts';
import {
  deleteElection,
  deleteRound,
  findRound,
  insertRound,
  listRounds,
  lockElection,
  type RoundValues,
  updateRound,
  upsertElection,
} from './calendar.repo.ts';
import { DEFAULT_POLLS_CLOSE, DEFAULT_TIME_ZONE, type SilenceWindow, silenceWindowOf, windowsOverlap } from './silence.ts';

/** Rounds an election may hold (France holds two; a few more for by-elections or referendums). */
export const MAX_ROUNDS = 10;
/** The years a round may fall in. */
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** Who acts, as the audit log records it. */
export interface CalendarActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
}

function audit(trx: Trx, actor: CalendarActor, action: string, targetId: string | null, details: Record<string, unknown>) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      // No target kind: the round is named in the details (its day), which the audit screen words.
      targetType: null,
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

/** Sets the campaign's election (name and kind), creating it the first time. */
export async function setElection(trx: Trx, actor: CalendarActor, input: { name: string; kind: ElectionKind }): Promise<void> {
  const name = input.name.trim();
  if (!name)
    throw new AppError('VALIDATION_FAILED', 'The election needs a name.', {
      errors: [{ location: 'body', pointer: '/name', message: 'empty' }],
    });
  await upsertElection(trx, actor.campaignId, { id: uuidv7(), name, kind: input.kind });
  await audit(trx, actor, 'calendar.election_set', null, { name, kind: input.kind });
}

/** Removes the election and its rounds. */
export async function removeElection(trx: Trx, actor: CalendarActor): Promise<void> {
  if (!(await deleteElection(trx, actor.campaignId))) throw notFound('election');
  await audit(trx, actor, 'calendar.election_removed', null, {});
}

export interface RoundInput {
  date: string;
  polls_close?: string | undefined;
  time_zone?: string | undefined;
}

/** A round's input checked, with its silence computed. */
function roundValuesOf(input: RoundInput): RoundValues {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.date);
  const year = Number(day?.[1]);
  if (!day || calendarDate(year, Number(day[2]), Number(day[3])) === null || year < FIRST_YEAR || year > LAST_YEAR) {
    throw new AppError('CALENDAR_DATE_INVALID', `"${input.date}" is not a day of ${FIRST_YEAR}–${LAST_YEAR} written yyyy-mm-dd.`);
  }
  const pollsClose = input.polls_close ?? DEFAULT_POLLS_CLOSE;
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(pollsClose)) {
    throw new AppError('CALENDAR_TIME_INVALID', `"${pollsClose}" is not a time of day written hh:mm (24-hour clock).`);
  }
  const timeZone = input.time_zone ?? DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone))
    throw new AppError('CALENDAR_TIME_ZONE_UNKNOWN', `"${timeZone}" is not a time zone name (IANA: Europe/Paris).`);
  const window = silenceWindowOf({ date: input.date, polls_close: pollsClose, time_zone: timeZone });
  return { round_date: input.date, polls_close: pollsClose, time_zone: timeZone, silence_from: window.from, silence_until: window.until };
}

/** Refuses a round on the day of another, or whose silence overlaps another's. */
function checkAgainstOthers(values: RoundValues, others: readonly { id: string; date: string; silence_from: Date; silence_until: Date }[]) {
  const same = others.find((o) => o.date === values.round_date);
  if (same) throw duplicateRound(values.round_date, same.id);
  const window: SilenceWindow = { from: values.silence_from, until: values.silence_until };
  const overlapping = others.find((o) => windowsOverlap(window, { from: new Date(o.silence_from), until: new Date(o.silence_until) }));
  if (overlapping) {
    throw new AppError(
      'CALENDAR_ROUND_OVERLAP',
      `The silence of a round on ${values.round_date} would overlap that of the round on ${overlapping.date}: rounds must be further apart.`,
      { round_id: overlapping.id, round_date: overlapping.date },
    );
  }
}

function duplicateRound(date: string, id?: string): AppError {
  return new AppError(
    'CALENDAR_ROUND_DUPLICATE',
    `The election already has a round on ${date}.`,
    id ? { round_id: id, round_date: date } : { round_date: date },
  );
}

/** Adds a round to the campaign's election; returns its id. */
export async function addRound(trx: Trx, actor: CalendarActor, input: RoundInput): Promise<string> {
  const values = roundValuesOf(input);
  const election = await lockElection(trx, actor.campaignId);
  if (!election) throw new AppError('CALENDAR_ELECTION_MISSING', 'Set the election first (PUT /api/v1/calendar): rounds belong to it.');
  const others = await listRounds(trx, actor.campaignId);
  if (others.length >= MAX_ROUNDS) throw new AppError('CALENDAR_TOO_MANY_ROUNDS', `An election holds at most ${MAX_ROUNDS} rounds.`);
  checkAgainstOthers(values, others);
  const id = uuidv7();
  await writeOrLoseRace(
    trx,
    'calendar_round_date_key',
    () => insertRound(trx, actor.campaignId, { id, election_id: election.id, ...values }),
    async () => {
      throw duplicateRound(values.round_date);
    },
  );
  await audit(trx, actor, 'calendar.round_added', id, {
    date: values.round_date,
    polls_close: values.polls_close,
    time_zone: values.time_zone,
  });
  return id;
}

/** Changes a round's day, closing time or zone (what is not given stays). */
export async function changeRound(trx: Trx, actor: CalendarActor, id: string, input: Partial<RoundInput>): Promise<void> {
  await lockElection(trx, actor.campaignId);
  const round = await findRound(trx, actor.campaignId, id);
  if (!round) throw notFound('round');
  const values = roundValuesOf({
    date: input.date ?? round.date,
    polls_close: input.polls_close ?? round.polls_close,
    time_zone: input.time_zone ?? round.time_zone,
  });
  const others = (await listRounds(trx, actor.campaignId)).filter((o) => o.id !== id);
  checkAgainstOthers(values, others);
  await writeOrLoseRace(
    trx,
    'calendar_round_date_key',
    () => updateRound(trx, actor.campaignId, id, values),
    async () => {
      throw duplicateRound(values.round_date);
    },
  );
  await audit(trx, actor, 'calendar.round_updated', id, {
    date: values.round_date,
    polls_close: values.polls_close,
    time_zone: values.time_zone,
  });
}

/** Removes a round. */
export async function removeRound(trx: Trx, actor: CalendarActor, id: string): Promise<void> {
  await lockElection(trx, actor.campaignId);
  const round = await findRound(trx, actor.campaignId, id);
  if (!round || !(await deleteRound(trx, actor.campaignId, id))) throw notFound('round');
  await audit(trx, actor, 'calendar.round_removed', id, { date: round.date });
}
