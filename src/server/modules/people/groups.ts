// Tags and lists (OSDI tags.md, lists.md) and their memberships, taggings and items (taggings.md,
// items.md): the documents, and the queries behind the routes of tags.routes.ts. Counts and member
// listings are scoped to the caller's zones; a tagging or item is named by its tag or list and its
// person (`/tags/{tag}/taggings/{person}`), which the primary key makes unique.
import { type Expression, type SqlBool, sql } from 'kysely';
import { Type } from 'typebox';
import type { Trx } from '../../db/database.ts';
import { writeOrLoseRace } from '../../db/unique-race.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { collection, DateTime, Uuid } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { compileOsdiFilter, groupFilterFields, memberFilterFields } from './osdi-filter.ts';
import { inScope, type PeopleScope } from './people.repo.ts';

export type GroupKind = 'tag' | 'list';

/** Per kind: tables, and the names OSDI gives the group, its memberships and their collections. */
export const GROUP = {
  tag: {
    table: 'tag',
    members: 'tagging',
    fk: 'tag_id',
    at: 'created_at',
    path: 'tags',
    memberPath: 'taggings',
    rel: 'osdi:tag',
    rels: 'osdi:tags',
    memberRel: 'osdi:tagging',
    memberRels: 'osdi:taggings',
  },
  list: {
    table: 'list',
    members: 'list_member',
    fk: 'list_id',
    at: 'added_at',
    path: 'lists',
    memberPath: 'items',
    rel: 'osdi:list',
    rels: 'osdi:lists',
    memberRel: 'osdi:item',
    memberRels: 'osdi:items',
  },
} as const;

const Links = Type.Record(Type.String(), Type.Object({ href: Type.String() }));

export const GroupSchema = Type.Object({
  id: Uuid,
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  name: Type.String(),
  description: Type.String(),
  /** People of the group the caller sees (OSDI's total_items for a list). */
  people_count: Type.Integer(),
  total_items: Type.Integer(),
  created_at: DateTime,
  created_date: DateTime,
  modified_date: DateTime,
  _links: Links,
});
export const TagCollectionSchema = collection('osdi:tags', GroupSchema);
export const ListCollectionSchema = collection('osdi:lists', GroupSchema);

const Identifiers = Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 });
/** A tag or list as created: OSDI fields we do not keep (title, browser_url…) are ignored. */
export const GroupInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  /** lists.md's summary: kept as the description when none is given. */
  summary: Type.Optional(Type.String({ maxLength: 1000 })),
  identifiers: Type.Optional(Identifiers),
  origin_system: Type.Optional(Type.String({ maxLength: 200 })),
});
/** A tag or list as changed (PUT): only the fields given. */
export const GroupPatch = Type.Partial(GroupInput);
export type GroupWrite = Partial<{
  name: string;
  description: string;
  summary: string;
  identifiers: string[];
  origin_system: string;
}>;

export const MemberSchema = Type.Object({
  identifiers: Type.Array(Type.String()),
  origin_system: Type.String(),
  item_type: Type.String(),
  person_id: Uuid,
  /** The group (tag or list) of the membership. */
  group_id: Uuid,
  added_date: DateTime,
  created_date: DateTime,
  modified_date: DateTime,
  _links: Links,
});

interface GroupRow {
  id: string;
  name: string;
  description: string;
  identifiers: string[];
  origin_system: string;
  created_at: Date;
  modified_at: Date;
  people_count: string;
}

/** The OSDI document of a tag or list. */
function groupDoc(kind: GroupKind, apiBase: string, row: GroupRow) {
  const g = GROUP[kind];
  const self = `${apiBase}/${g.path}/${row.id}`;
  const count = Number(row.people_count);
  return {
    id: row.id,
    identifiers: [`relais:${row.id}`, ...row.identifiers],
    origin_system: row.origin_system || 'Relais',
    name: row.name,
    description: row.description,
    people_count: count,
    total_items: count,
    created_at: row.created_at,
    created_date: row.created_at,
    modified_date: row.modified_at,
    _links: { self: { href: self }, [g.memberRels]: { href: `${self}/${g.memberPath}` } },
  };
}

/** One page of the campaign's tags or lists, by name, with how many visible people each holds. */
export async function groupsPage(
  trx: Trx,
  kind: GroupKind,
  scope: PeopleScope,
  options: { apiBase: string; page: number; perPage: number; filter?: string | undefined; id?: string },
) {
  const g = GROUP[kind];
  const where: Expression<SqlBool>[] = [sql<SqlBool>`g.campaign_id = ${scope.campaignId}`];
  if (options.id) where.push(sql<SqlBool>`g.id = ${options.id}`);
  if (options.filter) where.push(compileOsdiFilter(options.filter, groupFilterFields('g')));
  const { rows } = await sql<GroupRow & { total: string }>`
    select g.id, g.name, g.description, g.identifiers, g.origin_system, g.created_at, g.modified_at,
      (select count(*) from ${sql.table(g.members)} x join person on person.campaign_id = x.campaign_id and person.id = x.person_id
        where x.campaign_id = g.campaign_id and ${sql.ref(`x.${g.fk}`)} = g.id and person.merged_into is null and ${inScope(scope)}) as people_count,
      count(*) over () as total
    from ${sql.table(g.table)} g where ${sql.join(where, sql` and `)}
    order by lower(g.name), g.id limit ${options.perPage} offset ${(options.page - 1) * options.perPage}`.execute(trx);
  return { total: Number(rows[0]?.total ?? 0), docs: rows.map((r) => groupDoc(kind, options.apiBase, r)) };
}

/** One tag or list, or NOT_FOUND. */
export async function getGroup(trx: Trx, kind: GroupKind, scope: PeopleScope, id: string, apiBase: string) {
  const { docs } = await groupsPage(trx, kind, scope, { apiBase, page: 1, perPage: 1, id });
  if (!docs[0]) throw notFound(kind);
  return docs[0];
}

/** The DUPLICATE_NAME refusal when another tag or list of the campaign has this name (any case), or null. */
async function nameClash(trx: Trx, kind: GroupKind, campaignId: string, id: string | null, name: string): Promise<AppError | null> {
  const clash = await trx
    .selectFrom(kind)
    .select('id')
    .where('campaign_id', '=', campaignId)
    .where(sql`lower(name)`, '=', name.trim().toLowerCase())
    .$if(id !== null, (q) => q.where('id', '<>', id as string))
    .executeTakeFirst();
  return clash ? new AppError('DUPLICATE_NAME', `A ${kind} named ${name} exists.`, { id: clash.id }) : null;
}

/**
 * Inserts a tag or list, or changes the fields given of one; a name already used answers
 * DUPLICATE_NAME, also when a concurrent request took it between the check and the write.
 */
export async function saveGroup(trx: Trx, kind: GroupKind, campaignId: string, id: string | null, body: GroupWrite): Promise<string> {
  const name = body.name?.trim();
  if (name !== undefined) {
    if (name === '') throw new AppError('VALIDATION_FAILED', 'A name cannot be blank.');
    const clash = await nameClash(trx, kind, campaignId, id, name);
    if (clash) throw clash;
  }
  const lost = async (): Promise<never> => {
    throw (await nameClash(trx, kind, campaignId, id, name ?? '')) ?? new AppError('DUPLICATE_NAME');
  };
  const description = body.description ?? body.summary;
  const fields = {
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(body.identifiers !== undefined ? { identifiers: [...new Set(body.identifiers.map((i) => i.trim()).filter(Boolean))] } : {}),
    ...(body.origin_system !== undefined ? { origin_system: body.origin_system.trim() } : {}),
  };
  const index = kind === 'tag' ? 'tag_name_idx' : 'list_name_idx';
  if (id === null) {
    if (name === undefined) throw new AppError('VALIDATION_FAILED', `A ${kind} needs a name.`);
    const newId = uuidv7();
    await writeOrLoseRace(
      trx,
      index,
      () =>
        trx
          .insertInto(kind)
          .values({ ...fields, campaign_id: campaignId, id: newId, name })
          .execute(),
      lost,
    );
    return newId;
  }
  const r = await writeOrLoseRace(
    trx,
    index,
    () =>
      trx
        .updateTable(kind)
        .set({ ...fields, modified_at: new Date() })
        .where('campaign_id', '=', campaignId)
        .where('id', '=', id)
        .executeTakeFirst(),
    lost,
  );
  if (Number(r.numUpdatedRows) === 0) throw notFound(kind);
  return id;
}

/** Deletes a tag or list; its people's modified_date moves (their documents embed it). */
export async function deleteGroup(trx: Trx, kind: GroupKind, campaignId: string, id: string): Promise<void> {
  const g = GROUP[kind];
  await sql`update person set modified_at = now()
    where campaign_id = ${campaignId} and id in (
      select person_id from ${sql.table(g.members)} where campaign_id = ${campaignId} and ${sql.ref(g.fk)} = ${id})`.execute(trx);
  const r = await trx.deleteFrom(kind).where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw notFound(kind);
}

/** The OSDI document of a tagging or list item. */
function memberDoc(kind: GroupKind, apiBase: string, row: { group_id: string; person_id: string; added_date: Date }) {
  const g = GROUP[kind];
  const group = `${apiBase}/${g.path}/${row.group_id}`;
  return {
    identifiers: [`relais:${row.group_id}.${row.person_id}`],
    origin_system: 'Relais',
    item_type: 'osdi:person',
    person_id: row.person_id,
    group_id: row.group_id,
    added_date: row.added_date,
    created_date: row.added_date,
    modified_date: row.added_date,
    _links: {
      self: { href: `${group}/${g.memberPath}/${row.person_id}` },
      [g.rel]: { href: group },
      'osdi:person': { href: `${apiBase}/people/${row.person_id}` },
    },
  };
}

/**
 * One page of taggings or items — of a group, of a person, or the one of both — newest first,
 * among the people the scope sees; `filter` reads created_date / modified_date / item_type.
 */
export async function membersPage(
  trx: Trx,
  kind: GroupKind,
  scope: PeopleScope,
  options: {
    apiBase: string;
    page: number;
    perPage: number;
    groupId?: string;
    personId?: string;
    filter?: string | undefined;
  },
) {
  const g = GROUP[kind];
  const where: Expression<SqlBool>[] = [
    sql<SqlBool>`x.campaign_id = ${scope.campaignId}`,
    sql<SqlBool>`person.merged_into is null`,
    inScope(scope),
  ];
  if (options.groupId) where.push(sql<SqlBool>`${sql.ref(`x.${g.fk}`)} = ${options.groupId}`);
  if (options.personId) where.push(sql<SqlBool>`x.person_id = ${options.personId}`);
  if (options.filter) where.push(compileOsdiFilter(options.filter, memberFilterFields(`x.${g.at}`)));
  const { rows } = await sql<{ group_id: string; person_id: string; added_date: Date; total: string }>`
    select ${sql.ref(`x.${g.fk}`)} as group_id, x.person_id, ${sql.ref(`x.${g.at}`)} as added_date, count(*) over () as total
    from ${sql.table(g.members)} x join person on person.campaign_id = x.campaign_id and person.id = x.person_id
    where ${sql.join(where, sql` and `)}
    order by 3 desc, 2, 1 limit ${options.perPage} offset ${(options.page - 1) * options.perPage}`.execute(trx);
  return { total: Number(rows[0]?.total ?? 0), docs: rows.map((r) => memberDoc(kind, options.apiBase, r)) };
}

/** One tagging or item (visible person), or NOT_FOUND. */
export async function getMember(trx: Trx, kind: GroupKind, scope: PeopleScope, groupId: string, personId: string, apiBase: string) {
  const { docs } = await membersPage(trx, kind, scope, { apiBase, page: 1, perPage: 1, groupId, personId });
  if (!docs[0]) throw notFound(GROUP[kind].memberRel.slice(5));
  return docs[0];
}

/**
 * The id a HAL link designates in one of our collections (`https://…/api/v1/people/<id>`, with or
 * without host or trailing slash), or a bare id; null when it is neither.
 */
export function idOfHref(href: string, collectionPath: 'people' | 'tags' | 'lists'): string | null {
  const text = href.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) return text.toLowerCase();
  let path: string;
  try {
    path = new URL(text, 'http://relative.invalid').pathname;
  } catch {
    return null;
  }
  const m = new RegExp(`/${collectionPath}/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?$`, 'i').exec(path);
  return m ? (m[1] as string).toLowerCase() : null;
}
