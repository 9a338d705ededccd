// Electoral silence (Code électoral L.49) at dispatch: the ONE call site where SMS ask the election
// calendar. The calendar module (another branch, merged later) exports
// `checkElectoralSilence(trx, campaignId, at)`; until it is merged here, nothing is ever silent.
// At the merge: replace the body by `return checkElectoralSilence(trx, campaignId, at)` imported
// from '../calendar/index.ts'.
import type { Trx } from '../../db/database.ts';

export type SilenceCheck = { allowed: true } | { allowed: false; code: 'ELECTORAL_SILENCE'; from: Date | string; until: Date | string };

/** May a message of the campaign go out at `at`, as far as electoral silence goes? */
export async function electoralSilenceAt(_trx: Trx, _campaignId: string, _at: Date): Promise<SilenceCheck> {
  return { allowed: true };
}
