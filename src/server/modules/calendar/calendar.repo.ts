// Plain queries of the election calendar (in the caller's tenant transaction; each names the campaign).

import type { ElectionKind } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { ROUND_DAY } from './silence.ts';

const ROUND_COLUMNS = [
  'id',
  'election_id',
  ROUND_DAY,
  'polls_close',
  'time_zone',
  'silence_from',
  'silence_until',
  'created_at',
  'updated_at',
] as const;

/** The campaign's election, if set. */
export function findElection(trx: Trx, campaignId: string) {
  return trx
    .selectFrom('calendar_election')
    .select(['id', 'name', 'kind', 'created_at', 'updated_at'])
    .where('campaign_id', '=', campaignId)
    .executeTakeFirst();
}

/** The campaign's election, locked until the transaction ends (writers of its rounds queue here). */
export function lockElection(trx: Trx, campaignId: string) {
  return trx.selectFrom('calendar_election').select('id').where('campaign_id', '=', campaignId).forUpdate().executeTakeFirst();
}

/** Creates or changes the campaign's election (one per campaign). */
export async function upsertElection(trx: Trx, campaignId: string, values: { id: string; name: string; kind: ElectionKind }) {
  await trx
    .insertInto('calendar_election')
    .values({ campaign_id: campaignId, ...values })
    .onConflict((oc) => oc.column('campaign_id').doUpdateSet({ name: values.name, kind: values.kind, updated_at: new Date() }))
    .execute();
}

/** Removes the election and, with it, its rounds. */
export async function deleteElection(trx: Trx, campaignId: string): Promise<boolean> {
  const result = await trx.deleteFrom('calendar_election').where('campaign_id', '=', campaignId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The campaign's rounds, by day. */
export function listRounds(trx: Trx, campaignId: string) {
  return trx.selectFrom('calendar_round').select(ROUND_COLUMNS).where('campaign_id', '=', campaignId).orderBy('round_date').execute();
}

export type RoundRow = Awaited<ReturnType<typeof listRounds>>[number];

/** One round of the campaign. */
export function findRound(trx: Trx, campaignId: string, id: string) {
  return trx
    .selectFrom('calendar_round')
    .select(ROUND_COLUMNS)
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface RoundValues {
  round_date: string;
  polls_close: string;
  time_zone: string;
  silence_from: Date;
  silence_until: Date;
}

/** Adds a round to the election. */
export async function insertRound(trx: Trx, campaignId: string, values: RoundValues & { id: string; election_id: string }) {
  await trx
    .insertInto('calendar_round')
    .values({ campaign_id: campaignId, ...values })
    .execute();
}

/** Changes a round (its silence recomputed by the caller). */
export async function updateRound(trx: Trx, campaignId: string, id: string, values: RoundValues) {
  await trx
    .updateTable('calendar_round')
    .set({ ...values, updated_at: new Date() })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .execute();
}

/** Removes a round; false when there was none. */
export async function deleteRound(trx: Trx, campaignId: string, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('calendar_round').where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
