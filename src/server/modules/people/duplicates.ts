// Duplicates: likely pairs (same e-mail or phone in any slot, similar names at one address, same name
// and birth date), pairs dismissed as not duplicates, merges that move every activity, consent,
// ladder move, tag and list to the kept person, and their undo.
import { sql } from 'kysely';
import { stageRank } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import type { LadderStage } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recomputeConsents } from '../consent/index.ts';
import type { PersonRow } from './normalize.ts';
import { getPerson, inScope, type PeopleScope } from './people.repo.ts';
import type { DuplicateReason } from './people.schemas.ts';

export const MERGE_UNDO_HOURS = 24;

/**
 * Builds the statement listing likely duplicate pairs among visible people (a < b), best first:
 * the same e-mail or phone in any slot (primary or other), similar names at one address (the
 * matched address, else the same street and postcode as typed), the same name and birth date.
 * Pairs someone dismissed as "not duplicates" are left out.
 *
 * One read of the people gives each person's keys (e-mails and phones in every slot, the place,
 * the birth date); only keys that two people share are kept (one hash aggregate), and only the
 * people holding one have their names normalised and compared. Before, each criterion read and
 * sorted the whole base and normalised every name and street (6.9 s on the demo's 32,000 people
 * on PGlite, see bench/duplicates.ts). Keys of different kinds cannot meet: an e-mail holds an
 * '@', a phone starts with '+', a place is a uuid or 's:…', a birth date 'b:…'.
 */
export function duplicatesStatement(scope: PeopleScope, page: { page: number; perPage: number }) {
  const c = scope.campaignId;
  const visible = sql`person.merged_into is null and person.anonymized_at is null and ${inScope(scope)}`;
  return sql<{ a: string; b: string; reasons: DuplicateReason[]; score: number; total: string }>`
    with extra as materialized (
      -- One read of the table for the rarer keys: other e-mails and phones, birth dates, streets not
      -- matched to an address. Primary e-mails are unique, primary phones and addresses indexed.
      select person.id, k
      from person cross join lateral unnest(person.emails || person.phones || array['b:' || person.birthdate::text,
        case when person.address_id is null and person.street_address <> '' and person.postcode <> ''
          then 's:' || person.postcode || ' ' || relais_norm_street(person.street_address) end]) k
      where person.campaign_id = ${c} and ${visible} and k is not null
        and (cardinality(person.emails) > 0 or cardinality(person.phones) > 0 or person.birthdate is not null
          or (person.address_id is null and person.street_address <> '' and person.postcode <> ''))
    ),
    -- Primary phones and addresses two rows share, read from their indexes (merged and anonymised
    -- people, and the referent's scope, are left out below, when the holders are read).
    phone_keys as (
      select person.phone as k from person where person.campaign_id = ${c} and person.phone is not null
      group by person.phone having count(*) > 1
    ),
    address_keys as (
      select person.address_id from person where person.campaign_id = ${c} and person.address_id is not null
      group by person.address_id having count(*) > 1
    ),
    -- Keys are handed over as arrays (= any(array(…))): each look-up is an index scan, whatever the
    -- planner guesses of how many keys there are.
    holders as materialized (
      select extra.id, extra.k from extra
      union all
      select person.id, person.phone from person
      where person.campaign_id = ${c} and person.phone = any(array(select k from phone_keys union select k from extra)) and ${visible}
      union all
      select person.id, person.email from person
      where person.campaign_id = ${c} and person.email = any(array(select k from extra)) and ${visible}
      union all
      select person.id, person.address_id::text from person
      where person.campaign_id = ${c} and person.address_id = any(array(select address_id from address_keys)) and ${visible}
    ),
    shared as materialized (
      select holders.id, holders.k from holders
      join (select k from holders group by k having min(id::text) <> max(id::text)) s on s.k = holders.k
    ),
    named as materialized (
      select person.id, lower(relais_unaccent(person.given_name || ' ' || person.family_name)) as name
      from person where person.campaign_id = ${c} and person.id = any(array(select distinct id from shared))
    ),
    candidates as (
      select distinct x.id as a, y.id as b, x.k from shared x join shared y on y.k = x.k and x.id < y.id
    ),
    pairs as (
      select p.a, p.b,
        case when p.k like '%@%' then 'same_email' when p.k like '+%' then 'same_phone'
          when p.k like 'b:%' then 'same_name_same_birthdate' else 'similar_name_same_address' end as reason,
        case when p.k like '%@%' then 1.0 when p.k like '+%' then 0.9 when p.k like 'b:%' then 0.95
          else similarity(na.name, nb.name) end::float8 as score
      from candidates p
      join named na on na.id = p.a
      join named nb on nb.id = p.b
      where p.k like '%@%' or p.k like '+%'
        or (p.k like 'b:%' and na.name = nb.name and btrim(na.name) <> '')
        or (p.k not like 'b:%' and btrim(na.name) <> '' and similarity(na.name, nb.name) >= 0.6)
    )
    select a, b, array_agg(distinct reason order by reason) as reasons, max(score) as score, count(*) over () as total
    from pairs
    where not exists (
      select 1 from person_duplicate_dismissal d where d.campaign_id = ${c} and d.person_a = pairs.a and d.person_b = pairs.b)
    group by a, b
    order by max(score) desc, a, b
    limit ${page.perPage} offset ${(page.page - 1) * page.perPage}`;
}

/** A page of likely duplicate pairs and their count. */
export async function findDuplicates(trx: Trx, scope: PeopleScope, page: { page: number; perPage: number }) {
  // The planner cannot know how few keys two people share, so its cost estimate of the pair joins
  // runs into millions and PostgreSQL's JIT compiles the query: 9.9 s of compilation for a 0.6 s
  // query on the demo (EXPLAIN ANALYZE). Off for this transaction only (PGlite has no JIT).
  await sql`select set_config('jit', 'off', true)`.execute(trx);
  const { rows } = await duplicatesStatement(scope, page).execute(trx);
  return { rows: rows.map(({ total: _, ...r }) => ({ ...r, score: Number(r.score) })), total: Number(rows[0]?.total ?? 0) };
}

/** The pair's two ids in stored order (the smaller first). */
function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

/** A page of the pairs dismissed as not duplicates whose two people the scope sees, newest first. */
export async function listDismissals(trx: Trx, scope: PeopleScope, page: { page: number; perPage: number }) {
  const visible = (column: 'd.person_a' | 'd.person_b') =>
    sql<boolean>`exists (select 1 from person p where p.campaign_id = d.campaign_id and p.id = ${sql.ref(column)}
      and p.merged_into is null and ${inScope(scope, 'p.zone_ids')})`;
  const rows = await trx
    .selectFrom('person_duplicate_dismissal as d')
    .select(['d.person_a as a', 'd.person_b as b', 'd.dismissed_at', 'd.actor_label', sql<string>`count(*) over ()`.as('total')])
    .where('d.campaign_id', '=', scope.campaignId)
    .where(visible('d.person_a'))
    .where(visible('d.person_b'))
    .orderBy('d.dismissed_at', 'desc')
    .orderBy('d.person_a')
    .limit(page.perPage)
    .offset((page.page - 1) * page.perPage)
    .execute();
  return { rows: rows.map(({ total: _, ...r }) => r), total: Number(rows[0]?.total ?? 0) };
}

/** Remembers that two visible people are not duplicates: the finder leaves the pair out from now on. */
export async function dismissDuplicate(trx: Trx, scope: PeopleScope & { label: string }, x: string, y: string) {
  if (x === y) throw new AppError('MERGE_INVALID', 'A person cannot be their own duplicate.');
  await getPerson(trx, scope, x);
  await getPerson(trx, scope, y);
  const [a, b] = orderedPair(x, y);
  await trx
    .insertInto('person_duplicate_dismissal')
    .values({ campaign_id: scope.campaignId, person_a: a, person_b: b, actor_label: scope.label })
    .onConflict((oc) => oc.columns(['campaign_id', 'person_a', 'person_b']).doNothing())
    .execute();
  return { a, b };
}

/** Undoes a dismissal: the pair may be proposed again. NOT_FOUND when the pair was not dismissed. */
export async function restoreDuplicate(trx: Trx, scope: PeopleScope, x: string, y: string) {
  await getPerson(trx, scope, x);
  await getPerson(trx, scope, y);
  const [a, b] = orderedPair(x, y);
  const deleted = await trx
    .deleteFrom('person_duplicate_dismissal')
    .where('campaign_id', '=', scope.campaignId)
    .where('person_a', '=', a)
    .where('person_b', '=', b)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) === 0) throw notFound('dismissal');
  return { a, b };
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
