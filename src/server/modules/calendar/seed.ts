// The demo's and the sandboxes' election calendar: municipal elections in two rounds on Sundays a
// week apart, the first about three months after the seed, so that a demo is never inside the
// electoral silence by accident.
import type { Trx } from '../../db/database.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertRound, upsertElection } from './calendar.repo.ts';
import { DEFAULT_POLLS_CLOSE, DEFAULT_TIME_ZONE, silenceWindowOf } from './silence.ts';

/** Days from the seed to the first round (at least; it falls on the Sunday after). */
const FIRST_ROUND_AFTER_DAYS = 90;

/** The two Sundays (yyyy-mm-dd) of the rounds of a calendar seeded on `now`. */
export function demoRoundDays(now: Date): [string, string] {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + FIRST_ROUND_AFTER_DAYS));
  first.setUTCDate(first.getUTCDate() + ((7 - first.getUTCDay()) % 7));
  const second = new Date(first.getTime() + 7 * 86_400_000);
  return [first.toISOString().slice(0, 10), second.toISOString().slice(0, 10)];
}

/** Gives a campaign (in its tenant transaction) the demo's election and its two rounds. */
export async function seedDemoCalendar(trx: Trx, campaignId: string, now = new Date()): Promise<void> {
  const electionId = uuidv7();
  await upsertElection(trx, campaignId, { id: electionId, name: 'Élections municipales', kind: 'municipal' });
  for (const date of demoRoundDays(now)) {
    const timing = { date, polls_close: DEFAULT_POLLS_CLOSE, time_zone: DEFAULT_TIME_ZONE };
    const window = silenceWindowOf(timing);
    await insertRound(trx, campaignId, {
      id: uuidv7(),
      election_id: electionId,
      round_date: date,
      polls_close: timing.polls_close,
      time_zone: timing.time_zone,
      silence_from: window.from,
      silence_until: window.until,
    });
  }
}
