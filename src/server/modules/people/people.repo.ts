// Plain queries over people: the referent scope, listing with search/filters/sort, one person, and
// the zones, tags and lists shown with them. Every query names the campaign and applies the scope.
import { type Expression, type Selectable, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { DB, LadderStage } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { compileSegment, type SegmentCondition } from '../segments/index.ts';
import { normalizePhone, type PersonRow } from './normalize.ts';
import { compileOsdiFilter, personFilterFields } from './osdi-filter.ts';

/** Who is asking: their campaign and, for a referent, their zones. */
export interface PeopleScope {
  campaignId: string;
  zoneScope: readonly string[] | null;
}

/** The referent restriction on person rows (alias `person` or the given table alias). */
export function inScope(scope: PeopleScope, column = 'person.zone_ids'): Expression<SqlBool> {
  if (scope.zoneScope === null) return sql<SqlBool>`true`;
  return sql<SqlBool>`${sql.ref(column)} && ${[...scope.zoneScope]}::uuid[]`;
}

/** Visible people: this campaign, not merged away, in scope. */
export function visiblePeople(trx: Trx, scope: PeopleScope) {
  return trx
    .selectFrom('person')
    .where('person.campaign_id', '=', scope.campaignId)
    .where('person.merged_into', 'is', null)
    .where(inScope(scope));
}

/** One visible person, or NOT_FOUND (another campaign, outside the zones, merged away). */
export async function getPerson(trx: Trx, scope: PeopleScope, id: string): Promise<PersonRow> {
  const row = await visiblePeople(trx, scope).selectAll('person').where('person.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('person');
  return row;
}

/** The ids among `ids` that the scope sees (for bulk actions). */
export async function visibleIds(trx: Trx, scope: PeopleScope, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await visiblePeople(trx, scope)
    .select('person.id')
    .where(sql<SqlBool>`person.id = any(${[...ids]}::uuid[])`)
    .execute();
  return rows.map((r) => r.id);
}

export const SORTS = {
  family_name: ['family_name', 'given_name'],
  given_name: ['given_name', 'family_name'],
  created_date: ['created_at'],
  modified_date: ['modified_at'],
  ladder_stage: ['ladder_stage'],
} as const;
export type SortKey = keyof typeof SORTS;

const NAME_COLUMNS = new Set<string>(['family_name', 'given_name']);

/**
 * A column of person as an ORDER BY term: names in French order, other columns as they are. Every
 * query that lists people by name uses it. The collation is ICU's root one (`und-x-icu`), which
 * PostgreSQL built with ICU and PGlite both define and which orders as French readers expect
 * ("Aïcha" before "Antoine", "Émilie" before "Yanis", "de Gaulle" beside "Degas"; CLDR's French has
 * no tailoring of its own), whatever the database's locale (often C, which puts "É" after "Z").
 */
export function personOrderTerm(column: string, table = 'person') {
  const ref = sql.ref(`${table}.${column}`);
  return NAME_COLUMNS.has(column) ? sql`${ref} collate "und-x-icu"` : ref;
}

export interface ListPeopleQuery {
  page: number;
  perPage: number;
  q?: string | undefined;
  stage?: LadderStage | undefined;
  zoneId?: string | undefined;
  tagId?: string | undefined;
  listId?: string | undefined;
  sort?: string | undefined;
  filter?: string | undefined;
  /** A saved segment chosen as a filter, compiled (segments' prepareSegment). */
  segmentWhere?: Expression<SqlBool> | undefined;
}

type PersonQuery = SelectQueryBuilder<DB, 'person', object>;

/**
 * Applies an OSDI filter (`email_address eq 'a@b.fr' or (modified_date gt '2026-01-01T00:00:00-05'
 * and family_name ne 'Roy')`): parsed and compiled by osdi-filter.ts on the fields of people.
 */
export function applyOsdiFilter(query: PersonQuery, filter: string): PersonQuery {
  return query.where(compileOsdiFilter(filter, personFilterFields(normalizePhone)));
}

/** The search term as the index stores text: lower-case, no accents. */
const searchTerm = (q: string) => sql<string>`lower(relais_unaccent(${q}))`;

/**
 * A term that looks like a phone number, in the form the base stores (E.164): a whole number
 * ("06 12 34 56 78" → "+33612345678"), or the first digits of one as it is being typed, national
 * ("06 12 3" → "+336123") or international ("0033 6 12", "+33 6 12" → "+33612").
 */
export function phoneFragment(q: string): string | null {
  if (!/^[\d\s.+()-]{4,}$/.test(q)) return null;
  const whole = normalizePhone(q);
  if (whole) return whole;
  const digits = q.replace(/[\s.()-]/g, '').replace(/^00/, '+');
  if (/^0[1-9]\d{2,}$/.test(digits)) return `+33${digits.slice(1)}`;
  if (/^\+\d{4,}$/.test(digits)) return digits;
  return null;
}

/**
 * Search as you type: substring, or trigram word similarity as a fallback, on search_text. The
 * matching runs in relais_person_search() (migrations 0003, 0006–0008, 0011, 0012) so that the GIN trigram
 * index serves it under row-level security; it returns the matching people, which stand in for the
 * person table (same name, same columns) in the list's query. A phone typed the national way
 * ("06 12 …") is also looked for in its E.164 form. `cap` stops the matching after that many people
 * (see SEARCH_CAP).
 */
function searchedPeople(trx: Trx, q: string, options: { zoneScope?: readonly string[] | null; cap?: number | null }): PersonQuery {
  const phone = phoneFragment(q);
  const zones = options.zoneScope ? [...options.zoneScope] : null;
  const matches = sql<
    Selectable<DB['person']>
  >`relais_person_search(${q}, ${phone}::text, ${zones}::uuid[], ${options.cap ?? null}::integer)`;
  // Typed as the person table it replaces: the function returns person rows (SETOF person).
  return trx.selectFrom(matches.as('person')) as unknown as PersonQuery;
}

/** The people a search matches (every match, no cap), as a condition on `person` (the list's export). */
export function searchCondition(q: string, zoneScope: readonly string[] | null): Expression<SqlBool> {
  const zones = zoneScope ? [...zoneScope] : null;
  return sql<SqlBool>`person.id in (select s.id from relais_person_search(${q}, ${phoneFragment(q)}::text, ${zones}::uuid[], null::integer) s)`;
}

/**
 * Relevance order for a search, the same tiers as relais_person_search keeps before its cap: the
 * term's words as whole words first ("Roy", "agathe.roy.12@…" before "Royer"), then as the starts of
 * words ("Royer" before "Leroy"), then the rest by trigram word similarity (typos: the closest first,
 * computed only for those, the costly part of ranking a broad term); within a tier, by name in
 * French order.
 */
function orderBySearch<Q extends SelectQueryBuilder<DB, 'person', PersonRow>>(query: Q, q: string): Q {
  const wordStart = sql<boolean>`person.search_text ~ relais_search_regex(${q}, false)`;
  return query
    .orderBy(sql`person.search_text ~ relais_search_regex(${q}, true)`, 'desc')
    .orderBy(wordStart, 'desc')
    .orderBy(sql`case when not (${wordStart}) then word_similarity(${searchTerm(q)}, person.search_text) end`, 'desc')
    .orderBy(personOrderTerm('family_name'))
    .orderBy(personOrderTerm('given_name')) as Q;
}

/**
 * Builds the filtered query of a people list (no order, no paging): shared by rows and count. The
 * filters are a segment (stage, zone, tag, list), compiled by the segment compiler with the base
 * conditions and the referent's scope, so that a list and a segment never disagree on who they show.
 */
export function peopleListQuery(trx: Trx, scope: PeopleScope, query: ListPeopleQuery): PersonQuery {
  const children: SegmentCondition[] = [];
  if (query.stage) children.push({ field: 'ladder_stage', cmp: 'in', value: [query.stage] });
  if (query.zoneId) children.push({ field: 'zone', cmp: 'in', value: [query.zoneId] });
  if (query.tagId) children.push({ field: 'tag', cmp: 'has', value: query.tagId });
  if (query.listId) children.push({ field: 'list', cmp: 'member', value: query.listId });
  const q = query.q?.trim();
  let people: PersonQuery = q ? searchedPeople(trx, q, { zoneScope: scope.zoneScope, cap: searchCapOf(query) }) : trx.selectFrom('person');
  people = people.where(compileSegment({ op: 'and', children }, scope));
  if (query.segmentWhere) people = people.where(query.segmentWhere);
  if (query.filter) people = applyOsdiFilter(people, query.filter);
  return people;
}

/**
 * Matches a search ranks and counts at most, when the search is the list's only filter: a short,
 * common term ("roy") matches tens of thousands in a large base, and the list then says "more than
 * 200" (typing on narrows it). Those kept are the best of the first 2 × 200 matches found: the term
 * as a whole word, then as the start of a word, then the others (relais_person_search, migration
 * 0012). With other filters every match is kept, so none is lost to them.
 */
export const SEARCH_CAP = 200;

function searchCapOf(query: ListPeopleQuery): number | null {
  return query.stage || query.zoneId || query.tagId || query.listId || query.filter || query.segmentWhere ? null : SEARCH_CAP;
}

/** The query of one page of people, ordered: a SORTS key ('-' for descending), else relevance when searching, else newest. */
export function peoplePageQuery(trx: Trx, scope: PeopleScope, query: ListPeopleQuery) {
  let rowsQuery = peopleListQuery(trx, scope, query).selectAll('person');
  const sort = query.sort?.replace(/^-/, '') as SortKey | undefined;
  if (sort && !(sort in SORTS))
    throw new AppError('VALIDATION_FAILED', `Unknown sort ${query.sort}; use one of ${Object.keys(SORTS).join(', ')}.`);
  if (sort) {
    const dir = query.sort?.startsWith('-') ? 'desc' : 'asc';
    for (const column of SORTS[sort]) rowsQuery = rowsQuery.orderBy(personOrderTerm(column), dir);
  } else if (query.q?.trim()) {
    rowsQuery = orderBySearch(rowsQuery, query.q.trim());
  } else {
    rowsQuery = rowsQuery.orderBy('person.created_at', 'desc');
  }
  return rowsQuery
    .orderBy('person.id')
    .limit(query.perPage)
    .offset((query.page - 1) * query.perPage);
}

export interface PeoplePage {
  rows: PersonRow[];
  total: number;
  /** True when a search stopped at SEARCH_CAP matches: there are at least `total`. */
  totalIsLowerBound: boolean;
}

/** A page of people and the total count. */
export async function listPeople(trx: Trx, scope: PeopleScope, query: ListPeopleQuery): Promise<PeoplePage> {
  const capped = (total: number) => Boolean(query.q?.trim()) && searchCapOf(query) !== null && total >= SEARCH_CAP;
  if (query.q?.trim()) {
    // A search reads all its matches to rank them anyway: the total comes with the page, in one
    // evaluation of the search instead of two (past the last page, the count below says how many).
    const ranked = await peoplePageQuery(trx, scope, query).select(sql<string>`count(*) over ()`.as('total_records')).execute();
    if (ranked.length > 0 || query.page === 1) {
      const total = Number(ranked[0]?.total_records ?? 0);
      return { rows: ranked.map(({ total_records: _, ...row }) => row), total, totalIsLowerBound: capped(total) };
    }
  }
  const rows = await peoplePageQuery(trx, scope, query).execute();
  const counted = await peopleListQuery(trx, scope, query)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(counted.n);
  return { rows, total, totalIsLowerBound: capped(total) };
}

export interface Related {
  zones: Map<string, { id: string; code: string; name: string; layer: string }>;
  tags: Map<string, Array<{ id: string; name: string }>>;
  lists: Map<string, Array<{ id: string; name: string }>>;
}

/** Zones, tags and lists of a page of people, in three queries. */
export async function loadRelated(trx: Trx, campaignId: string, people: readonly PersonRow[]): Promise<Related> {
  const ids = people.map((p) => p.id);
  const zoneIds = [...new Set(people.flatMap((p) => p.zone_ids))];
  const related: Related = { zones: new Map(), tags: new Map(), lists: new Map() };
  if (ids.length === 0) return related;
  if (zoneIds.length > 0) {
    const zones = await trx
      .selectFrom('zone')
      .innerJoin('zone_layer', (j) =>
        j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'),
      )
      .select(['zone.id', 'zone.code', 'zone.name', 'zone_layer.code as layer'])
      .where('zone.campaign_id', '=', campaignId)
      .where('zone.id', 'in', zoneIds)
      .execute();
    for (const z of zones) related.zones.set(z.id, z);
  }
  const tags = await trx
    .selectFrom('tagging')
    .innerJoin('tag', (j) => j.onRef('tag.campaign_id', '=', 'tagging.campaign_id').onRef('tag.id', '=', 'tagging.tag_id'))
    .select(['tagging.person_id', 'tag.id', 'tag.name'])
    .where('tagging.campaign_id', '=', campaignId)
    .where('tagging.person_id', 'in', ids)
    .orderBy('tag.name')
    .execute();
  for (const t of tags) related.tags.set(t.person_id, [...(related.tags.get(t.person_id) ?? []), { id: t.id, name: t.name }]);
  const lists = await trx
    .selectFrom('list_member')
    .innerJoin('list', (j) => j.onRef('list.campaign_id', '=', 'list_member.campaign_id').onRef('list.id', '=', 'list_member.list_id'))
    .select(['list_member.person_id', 'list.id', 'list.name'])
    .where('list_member.campaign_id', '=', campaignId)
    .where('list_member.person_id', 'in', ids)
    .orderBy('list.name')
    .execute();
  for (const l of lists) related.lists.set(l.person_id, [...(related.lists.get(l.person_id) ?? []), { id: l.id, name: l.name }]);
  return related;
}

/** The related documents of one person out of a Related bundle. */
export function relatedOf(related: Related, person: PersonRow) {
  return {
    zones: person.zone_ids.flatMap((id) => related.zones.get(id) ?? []),
    tags: related.tags.get(person.id) ?? [],
    lists: related.lists.get(person.id) ?? [],
  };
}
