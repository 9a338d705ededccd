// Duplicates: likely pairs (same e-mail, same phone, similar name at the same address), merges that
// move every activity, consent, ladder move, tag and list to the kept person, and their undo.
import { sql } from 'kysely';
import { stageRank } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import type { LadderStage } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recomputeConsents } from '../consent/index.ts';
import type { PersonRow } from './normalize.ts';
import { getPerson, inScope, type PeopleScope } from './people.repo.ts';

export const MERGE_UNDO_HOURS = 24;

/** Builds the statement listing likely duplicate pairs among visible people (a < b), best first. */
export function duplicatesStatement(scope: PeopleScope, page: { page: number; perPage: number }) {
  const c = scope.campaignId;
  return sql<{ a: string; b: string; reasons: string[]; score: number; total: string }>`
    with v as (
      select person.id, person.email, person.emails, person.phone, person.phones, person.address_id,
        person.postcode, relais_norm_street(person.street_address) as street,
        lower(relais_unaccent(person.given_name || ' ' || person.family_name)) as name
      from person
      where person.campaign_id = ${c} and person.merged_into is null and person.anonymized_at is null and ${inScope(scope)}
    ),
    em as (select v.id, e from v cross join lateral unnest(array_append(v.emails, v.email)) e where e is not null),
    ph as (select v.id, t from v cross join lateral unnest(array_append(v.phones, v.phone)) t where t is not null),
    -- Hash-joinable keys only: every branch is an equi-join, never a scan of all pairs.
    pairs as (
      select distinct a.id as a, b.id as b, 'same_email' as reason, 1.0::float8 as score
      from em a join em b on a.e = b.e and a.id < b.id
      union all
      select distinct a.id, b.id, 'same_phone', 0.9 from ph a join ph b on a.t = b.t and a.id < b.id
      union all
      select a.id, b.id, 'similar_name_same_address', similarity(a.name, b.name)
      from v a join v b on a.address_id = b.address_id and a.id < b.id
      where similarity(a.name, b.name) >= 0.6 and btrim(a.name) <> ''
      union all
      select a.id, b.id, 'similar_name_same_address', similarity(a.name, b.name)
      from v a join v b on a.postcode = b.postcode and a.street = b.street and a.id < b.id
      where a.street <> '' and similarity(a.name, b.name) >= 0.6 and btrim(a.name) <> ''
    )
    select a, b, array_agg(distinct reason order by reason) as reasons, max(score) as score, count(*) over () as total
    from pairs group by a, b
    order by max(score) desc, a, b
    limit ${page.perPage} offset ${(page.page - 1) * page.perPage}`;
}

/** A page of likely duplicate pairs and their count. */
export async function findDuplicates(trx: Trx, scope: PeopleScope, page: { page: number; perPage: number }) {
  const { rows } = await duplicatesStatement(scope, page).execute(trx);
  return { rows: rows.map(({ total: _, ...r }) => ({ ...r, score: Number(r.score) })), total: Number(rows[0]?.total ?? 0) };
}

const MOVED_TABLES = ['activity', 'consent', 'ladder_move'] as const;
// Fields the kept person takes from the merged one when it has none.
const FILL_IN = ['given_name', 'family_name', 'additional_name', 'street_address', 'postcode', 'locality', 'region', 'gender'] as const;

interface MergeSnapshot {
  merged: Omit<PersonRow, 'search_text'>;
  kept_before: Record<string, unknown>;
  moved: { activity: string[]; consent: string[]; ladder_move: string[]; tagging: string[]; list_member: string[] };
}

/** Merges `mergeId` into `keepId`; returns the merge record id and the end of the undo window. */
export async function mergePeople(trx: Trx, scope: PeopleScope & { label: string }, keepId: string, mergeId: string) {
  if (keepId === mergeId) throw new AppError('MERGE_INVALID', 'A person cannot be merged into themselves.');
  const kept = await getPerson(trx, scope, keepId);
  const merged = await getPerson(trx, scope, mergeId);
  if (kept.anonymized_at || merged.anonymized_at) throw new AppError('PERSON_ANONYMIZED', 'Anonymised people cannot be merged.');
  const c = scope.campaignId;
  const ids = async (table: (typeof MOVED_TABLES)[number]) =>
    (await trx.selectFrom(table).select('id').where('campaign_id', '=', c).where('person_id', '=', mergeId).execute()).map((r) => r.id);
  const moved: MergeSnapshot['moved'] = {
    activity: await ids('activity'),
    consent: await ids('consent'),
    ladder_move: await ids('ladder_move'),
    tagging: [],
    list_member: [],
  };
  for (const table of MOVED_TABLES)
    await trx.updateTable(table).set({ person_id: keepId }).where('campaign_id', '=', c).where('person_id', '=', mergeId).execute();
  // Tags and lists: moved where the kept person lacks them, otherwise the duplicate row is dropped.
  moved.tagging = (
    await sql<{ tag_id: string }>`update tagging t set person_id = ${keepId} where t.campaign_id = ${c} and t.person_id = ${mergeId}
      and not exists (select 1 from tagging k where k.campaign_id = ${c} and k.person_id = ${keepId} and k.tag_id = t.tag_id) returning t.tag_id`.execute(
      trx,
    )
  ).rows.map((r) => r.tag_id);
  moved.list_member = (
    await sql<{ list_id: string }>`update list_member t set person_id = ${keepId} where t.campaign_id = ${c} and t.person_id = ${mergeId}
      and not exists (select 1 from list_member k where k.campaign_id = ${c} and k.person_id = ${keepId} and k.list_id = t.list_id) returning t.list_id`.execute(
      trx,
    )
  ).rows.map((r) => r.list_id);

  const changes: Record<string, unknown> = {};
  for (const f of FILL_IN) if (!kept[f] && merged[f]) changes[f] = merged[f];
  if (!kept.street_address && merged.street_address)
    Object.assign(changes, { address_id: merged.address_id, lon: merged.lon, lat: merged.lat, zone_ids: merged.zone_ids });
  const emails = [
    ...new Set([merged.email, ...merged.emails].filter((e): e is string => !!e && e !== kept.email && !kept.emails.includes(e))),
  ];
  if (!kept.email && emails.length > 0) changes.email = emails.shift();
  if (emails.length > 0) changes.emails = [...kept.emails, ...emails];
  const phones = [
    ...new Set([merged.phone, ...merged.phones].filter((p): p is string => !!p && p !== kept.phone && !kept.phones.includes(p))),
  ];
  if (!kept.phone && phones.length > 0) changes.phone = phones.shift();
  if (phones.length > 0) changes.phones = [...kept.phones, ...phones];
  const extra = Object.fromEntries(Object.entries(merged.custom_fields ?? {}).filter(([k]) => !(k in (kept.custom_fields ?? {}))));
  if (Object.keys(extra).length > 0) changes.custom_fields = JSON.stringify({ ...kept.custom_fields, ...extra });
  if (stageRank(merged.ladder_stage) > stageRank(kept.ladder_stage)) changes.ladder_stage = merged.ladder_stage as LadderStage;
  if (merged.created_at < kept.created_at) changes.created_at = merged.created_at;
  const keptBefore = Object.fromEntries(
    Object.keys(changes).map((k) => [k, k === 'custom_fields' ? JSON.stringify(kept.custom_fields) : kept[k as keyof PersonRow]]),
  );

  // The merged person frees its e-mail (unique per campaign) before the kept one may take it.
  await trx
    .updateTable('person')
    .set({ merged_into: keepId, email: null, modified_at: new Date() })
    .where('campaign_id', '=', c)
    .where('id', '=', mergeId)
    .execute();
  if (Object.keys(changes).length > 0) {
    await trx
      .updateTable('person')
      .set({ ...changes, modified_at: new Date() } as never)
      .where('campaign_id', '=', c)
      .where('id', '=', keepId)
      .execute();
  }
  await recomputeConsents(trx, c, [keepId]);
  const { search_text: _, ...mergedRow } = merged;
  const snapshot: MergeSnapshot = { merged: mergedRow, kept_before: keptBefore, moved };
  const id = uuidv7();
  const undoUntil = new Date(Date.now() + MERGE_UNDO_HOURS * 3600_000);
  await trx
    .insertInto('person_merge')
    .values({
      campaign_id: c,
      id,
      kept_id: keepId,
      merged_id: mergeId,
      snapshot: JSON.stringify(snapshot),
      undo_until: undoUntil,
      actor_label: scope.label,
    })
    .execute();
  return { merge_id: id, undo_until: undoUntil };
}

/** Undoes a merge inside its window: the merged person and everything moved go back. */
export async function undoMerge(trx: Trx, scope: PeopleScope, mergeRecordId: string): Promise<{ kept_id: string; merged_id: string }> {
  const c = scope.campaignId;
  const record = await trx
    .selectFrom('person_merge')
    .selectAll()
    .where('campaign_id', '=', c)
    .where('id', '=', mergeRecordId)
    .executeTakeFirst();
  if (!record || record.undone_at) throw notFound('merge');
  await getPerson(trx, scope, record.kept_id);
  if (new Date(record.undo_until) < new Date())
    throw new AppError('MERGE_UNDO_EXPIRED', 'The undo window of this merge has passed.', { undo_until: record.undo_until });
  const snap = record.snapshot as unknown as MergeSnapshot;
  const { merged, kept_before, moved } = snap;
  for (const table of MOVED_TABLES) {
    if (moved[table].length > 0) {
      await trx.updateTable(table).set({ person_id: merged.id }).where('campaign_id', '=', c).where('id', 'in', moved[table]).execute();
    }
  }
  if (moved.tagging.length > 0) {
    await trx
      .updateTable('tagging')
      .set({ person_id: merged.id })
      .where('campaign_id', '=', c)
      .where('person_id', '=', record.kept_id)
      .where('tag_id', 'in', moved.tagging)
      .execute();
  }
  if (moved.list_member.length > 0) {
    await trx
      .updateTable('list_member')
      .set({ person_id: merged.id })
      .where('campaign_id', '=', c)
      .where('person_id', '=', record.kept_id)
      .where('list_id', 'in', moved.list_member)
      .execute();
  }
  if (Object.keys(kept_before).length > 0) {
    await trx
      .updateTable('person')
      .set({ ...kept_before, modified_at: new Date() } as never)
      .where('campaign_id', '=', c)
      .where('id', '=', record.kept_id)
      .execute();
  }
  const { id: _id, campaign_id: _c, custom_fields, ...rest } = merged;
  await trx
    .updateTable('person')
    .set({ ...rest, custom_fields: JSON.stringify(custom_fields), merged_into: null, modified_at: new Date() } as never)
    .where('campaign_id', '=', c)
    .where('id', '=', merged.id)
    .execute();
  await recomputeConsents(trx, c, [record.kept_id, merged.id]);
  await trx.updateTable('person_merge').set({ undone_at: new Date() }).where('campaign_id', '=', c).where('id', '=', record.id).execute();
  return { kept_id: record.kept_id, merged_id: merged.id };
}
