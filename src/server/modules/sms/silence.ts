// Electoral silence (Code électoral L.49) and sending hours together: the ONE place where SMS ask
// the election calendar (modules/calendar: checkElectoralSilence). A message may go out at an
// instant within the campaign's sending hours and outside every round's silence; this finds the
// first such instant and says what held the message back.
import type { Trx } from '../../db/database.ts';
import { checkElectoralSilence } from '../calendar/index.ts';
import { nextAllowedInstant, outsideHoursReason, type SendingHours } from './hours.ts';

/** Why a message waits: outside the sending hours, or in an electoral silence. */
export const HOLD_REASONS = ['sunday', 'holiday', 'before_start', 'after_end', 'electoral_silence'] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** The first instant at or after `at` when the campaign may text, and why it is later than `at` (null when it is not). */
export async function nextSendableInstant(
  trx: Trx,
  campaignId: string,
  at: Date,
  hours: SendingHours,
): Promise<{ at: Date; reason: HoldReason | null }> {
  let next = at;
  let reason: HoldReason | null = null;
  // An allowed hour may fall in a silence, and a silence's end outside the hours: until both agree.
  for (let i = 0; i < 50; i++) {
    const outside = outsideHoursReason(next, hours);
    if (outside) {
      reason ??= outside;
      next = nextAllowedInstant(next, hours);
    }
    const silence = await checkElectoralSilence(trx, campaignId, next);
    if (silence.allowed) return { at: next, reason };
    reason ??= 'electoral_silence';
    next = new Date(silence.until);
  }
  return { at: next, reason };
}
