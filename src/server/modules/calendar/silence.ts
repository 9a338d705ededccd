// Electoral silence (Code électoral L.49): from 00:00 on the eve of a round until the polls close,
// read on the clocks of the round's time zone, nothing that is propaganda goes out. The windows are
// computed here when a round is written (and stored with it); every send path and publisher asks
// checkElectoralSilence before anything leaves.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { previousDay, zonedInstant } from '../../lib/zoned-time.ts';

/** The time zone of a round unless told otherwise, and its polls' usual closing time (Paris: 20:00). */
export const DEFAULT_TIME_ZONE = 'Europe/Paris';
export const DEFAULT_POLLS_CLOSE = '20:00';

/** A round as the silence needs it: its day (yyyy-mm-dd), the polls' closing time (hh:mm), its zone. */
export interface RoundTiming {
  date: string;
  polls_close: string;
  time_zone: string;
}

/** The silence of a round: from (included) until (excluded). */
export interface SilenceWindow {
  from: Date;
  until: Date;
}

/** The silence of a round: 00:00 on its eve to the polls' closing on its day, on the zone's clocks (DST included). */
export function silenceWindowOf(round: RoundTiming): SilenceWindow {
  return {
    from: zonedInstant(previousDay(round.date), '00:00', round.time_zone),
    until: zonedInstant(round.date, round.polls_close, round.time_zone),
  };
}

/** True when two windows share an instant. */
export function windowsOverlap(a: SilenceWindow, b: SilenceWindow): boolean {
  return a.from < b.until && b.from < a.until;
}

/** The round whose silence holds a send back. */
export interface SilentRound extends RoundTiming {
  id: string;
}

/** The answer of checkElectoralSilence. */
export type SilenceCheck = { allowed: true } | { allowed: false; code: 'ELECTORAL_SILENCE'; round: SilentRound; from: Date; until: Date };

/** A round's day as yyyy-mm-dd: text, for pg would read a date as local midnight. */
export const ROUND_DAY = sql<string>`round_date::text`.as('date');

/** The round of the campaign whose silence holds `at`, if any (read in the caller's tenant transaction). */
async function silentRoundAt(trx: Trx, campaignId: string, at: Date) {
  return trx
    .selectFrom('calendar_round')
    .select(['id', ROUND_DAY, 'polls_close', 'time_zone', 'silence_from', 'silence_until'])
    .where('campaign_id', '=', campaignId)
    .where('silence_until', '>', at)
    .where('silence_from', '<=', at)
    .orderBy('silence_until', 'desc')
    .executeTakeFirst();
}

/**
 * May the campaign send or publish at `at`? `{ allowed: true }`, or the round whose electoral
 * silence holds it back with the window's bounds (`until`: the polls' closing, when sending may
 * resume). Runs in the caller's tenant transaction (`trx` of withTenant / inTenant / ctx.tenant).
 */
export async function checkElectoralSilence(trx: Trx, campaignId: string, at: Date): Promise<SilenceCheck> {
  const row = await silentRoundAt(trx, campaignId, at);
  if (!row) return { allowed: true };
  return {
    allowed: false,
    code: 'ELECTORAL_SILENCE',
    round: { id: row.id, date: row.date, polls_close: row.polls_close, time_zone: row.time_zone },
    from: new Date(row.silence_from),
    until: new Date(row.silence_until),
  };
}

/** The first instant from `at` on when the campaign may send: `at` itself, or the end of the silence holding it. */
export async function nextAllowedAt(trx: Trx, campaignId: string, at: Date): Promise<Date> {
  let next = at;
  // Windows of one campaign never overlap (the calendar refuses it), but one may start as another ends.
  for (let i = 0; i < 100; i++) {
    const row = await silentRoundAt(trx, campaignId, next);
    if (!row) return next;
    next = new Date(row.silence_until);
  }
  return next;
}

/**
 * The problem a send refused by the silence answers (409 ELECTORAL_SILENCE), saying which round and
 * until when; the back office words it in French or English from `silence_until` and `time_zone`.
 */
export function electoralSilenceError(refusal: Extract<SilenceCheck, { allowed: false }>): AppError {
  const { round, from, until } = refusal;
  return new AppError(
    'ELECTORAL_SILENCE',
    `Electoral silence (Code électoral L.49) for the round of ${round.date}: nothing may go out from ${from.toISOString()} until the polls close at ${until.toISOString()} (${round.polls_close}, ${round.time_zone}).`,
    {
      round_id: round.id,
      round_date: round.date,
      time_zone: round.time_zone,
      silence_from: from.toISOString(),
      silence_until: until.toISOString(),
    },
  );
}

/** Throws ELECTORAL_SILENCE when the campaign may not send at `at` (a send path's one-line guard). */
export async function assertNotInSilence(trx: Trx, campaignId: string, at: Date): Promise<void> {
  const check = await checkElectoralSilence(trx, campaignId, at);
  if (!check.allowed) throw electoralSilenceError(check);
}
