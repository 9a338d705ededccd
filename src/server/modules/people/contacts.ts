// What a campaigner records on a person by hand: a note, or a contact (call, meeting, door, message)
// with its outcome. Both are timeline lines written by recordActivity, so the ladder's rules react to
// them in the same transaction: a contact is the activity `contact.<outcome>`.
import type { ContactKind, ContactOutcome } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import type { LadderStage } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { recordActivity } from '../timeline/index.ts';

/** The activity type a contact's outcome is recorded as (what ladder rules name). */
export const contactActivityType = (outcome: ContactOutcome) => `contact.${outcome}`;

/** A line written by hand, and the move on the ladder it caused, if any. */
export interface RecordedByHand {
  activity_id: string;
  type: string;
  ladder_move: { from_stage: LadderStage; to_stage: LadderStage } | null;
}

/** When a contact or consent took place: given, not in the future (a minute's clock skew aside). */
export function pastInstant(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const when = new Date(at);
  if (Number.isNaN(when.getTime()) || when.getTime() > Date.now() + 60_000) {
    throw new AppError('DATE_INVALID', 'The date must be a valid date, not in the future.', { value: at });
  }
  return when;
}

async function record(trx: Trx, input: Parameters<typeof recordActivity>[1]): Promise<RecordedByHand> {
  const { activityId, events } = await recordActivity(trx, input);
  const move = events.find((e) => e.type === 'ladder.moved');
  const payload = move?.payload as { from_stage: LadderStage; to_stage: LadderStage } | undefined;
  return {
    activity_id: activityId,
    type: input.type,
    ladder_move: payload ? { from_stage: payload.from_stage, to_stage: payload.to_stage } : null,
  };
}

/** Adds a note to a person's timeline. */
export function addNote(trx: Trx, input: { campaignId: string; personId: string; text: string; actorLabel: string }) {
  return record(trx, {
    campaignId: input.campaignId,
    personId: input.personId,
    type: 'note',
    data: { text: input.text.trim() },
    actorLabel: input.actorLabel,
  });
}

/** Logs a contact and its outcome on a person's timeline; the ladder's rules run on it. */
export function logContact(
  trx: Trx,
  input: {
    campaignId: string;
    personId: string;
    kind: ContactKind;
    outcome: ContactOutcome;
    note?: string | undefined;
    at?: Date | undefined;
    actorLabel: string;
  },
) {
  return record(trx, {
    campaignId: input.campaignId,
    personId: input.personId,
    type: contactActivityType(input.outcome),
    data: { kind: input.kind, outcome: input.outcome, ...(input.note?.trim() ? { note: input.note.trim() } : {}) },
    actorLabel: input.actorLabel,
    ...(input.at ? { at: input.at } : {}),
  });
}
