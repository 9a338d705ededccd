// Bulk writes over many people (tags, lists; the ladder's moves use the same shape): the ids travel
// as ONE array parameter (`= any($1::uuid[])`, `unnest`), never one parameter per id, because the
// wire protocol carries at most 65,535 parameters per statement (3 per tagging row ran out at 21,846
// people). The API caps a request at BULK_MAX people.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { emitEvents } from '../../events/index.ts';
import { AppError } from '../../http/problem.ts';

/** Most people one bulk request may touch (ids sent, or people a segment selects). */
export const BULK_MAX = 100_000;

/** Body limit of the routes that take up to BULK_MAX ids: 39 bytes per quoted uuid and comma, with room to spare. */
export const BULK_BODY_LIMIT = BULK_MAX * 48 + 64 * 1024;

/** Refuses (BULK_TOO_LARGE) a bulk request over BULK_MAX people, sent as ids or selected by a segment. */
export function assertBulkSize(count: number, source: 'person_ids' | 'segment'): void {
  if (count <= BULK_MAX) return;
  const why = source === 'person_ids' ? `person_ids holds ${count} ids` : 'the segment selects more: narrow it';
  throw new AppError('BULK_TOO_LARGE', `A bulk action takes at most ${BULK_MAX} people; ${why}.`, { max: BULK_MAX });
}

const MEMBERSHIP = {
  tag: { table: 'tagging', fk: 'tag_id' },
  list: { table: 'list_member', fk: 'list_id' },
} as const;

/**
 * Adds people to a tag or a list (memberships that exist are kept); returns how many were added. The
 * one writer of memberships: each new tagging writes its person.tagged event, and the people added
 * get a new modified_at in the same statement — their document embeds their tags and lists, so an
 * incremental OSDI sync (`modified_date gt …`) must see them.
 */
export async function addMembers(
  trx: Trx,
  input: { kind: 'tag' | 'list'; campaignId: string; groupId: string; personIds: readonly string[] },
): Promise<number> {
  if (input.personIds.length === 0) return 0;
  const m = MEMBERSHIP[input.kind];
  const { rows } = await sql<{ person_id: string }>`
    with added as (
      insert into ${sql.table(m.table)} (campaign_id, ${sql.ref(m.fk)}, person_id)
      select ${input.campaignId}::uuid, ${input.groupId}::uuid, p from unnest(${[...input.personIds]}::uuid[]) p
      on conflict do nothing
      returning person_id),
    touched as (
      update person set modified_at = now() from added
      where person.campaign_id = ${input.campaignId} and person.id = added.person_id)
    select person_id from added`.execute(trx);
  if (input.kind === 'tag') {
    const { campaignId, groupId } = input;
    await emitEvents(
      trx,
      rows.map((r) => ({ campaignId, type: 'person.tagged' as const, personId: r.person_id, payload: { tag_id: groupId } })),
    );
  }
  return rows.length;
}

/** Removes people from a tag or a list, moving their modified_at (see addMembers); returns how many memberships went. */
export async function removeMembers(
  trx: Trx,
  input: { kind: 'tag' | 'list'; campaignId: string; groupId: string; personIds: readonly string[] },
): Promise<number> {
  if (input.personIds.length === 0) return 0;
  const m = MEMBERSHIP[input.kind];
  const { rows } = await sql<{ n: string }>`
    with removed as (
      delete from ${sql.table(m.table)}
      where campaign_id = ${input.campaignId} and ${sql.ref(m.fk)} = ${input.groupId}
        and person_id = any(${[...input.personIds]}::uuid[])
      returning person_id),
    touched as (
      update person set modified_at = now() from removed
      where person.campaign_id = ${input.campaignId} and person.id = removed.person_id)
    select count(*) as n from removed`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}
