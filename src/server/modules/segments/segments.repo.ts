// Data access of segments: saved definitions, and the people a compiled definition selects.
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { personOrderTerm } from '../people/index.ts';

export interface SegmentValues {
  name: string;
  definition: unknown;
}

const SEGMENT_COLUMNS = ['id', 'name', 'definition', 'created_by', 'created_at', 'updated_at'] as const;

/** A page of the campaign's saved segments, by name, with the total count. */
export async function listSegments(trx: Trx, campaignId: string, page: { page: number; perPage: number }) {
  const base = trx.selectFrom('segment').where('campaign_id', '=', campaignId);
  const [rows, total] = await Promise.all([
    base
      .select(SEGMENT_COLUMNS)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .limit(page.perPage)
      .offset((page.page - 1) * page.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** One saved segment of the campaign, or undefined. */
export function findSegment(trx: Trx, campaignId: string, id: string) {
  return trx.selectFrom('segment').select(SEGMENT_COLUMNS).where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
}

/** Saves a new segment and returns it. */
export function insertSegment(trx: Trx, campaignId: string, values: SegmentValues & { id: string; createdBy: string | null }) {
  return trx
    .insertInto('segment')
    .values({
      campaign_id: campaignId,
      id: values.id,
      name: values.name,
      definition: JSON.stringify(values.definition),
      created_by: values.createdBy,
    })
    .returning(SEGMENT_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Updates a segment's name and/or definition; undefined when it does not exist. */
export function updateSegment(trx: Trx, campaignId: string, id: string, values: Partial<SegmentValues>) {
  return trx
    .updateTable('segment')
    .set({
      ...(values.name !== undefined ? { name: values.name } : {}),
      ...(values.definition !== undefined ? { definition: JSON.stringify(values.definition) } : {}),
      updated_at: sql`now()`,
    })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', id)
    .returning(SEGMENT_COLUMNS)
    .executeTakeFirst();
}

/** Deletes a segment; false when it did not exist. */
export async function deleteSegment(trx: Trx, campaignId: string, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('segment').where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** How many people a compiled segment selects. */
export async function countPeople(trx: Trx, where: Expression<SqlBool>): Promise<number> {
  const row = await trx
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of a segment's people (full rows), by family name then given name. */
export function pagePeople(trx: Trx, where: Expression<SqlBool>, page: { page: number; perPage: number }) {
  return trx
    .selectFrom('person')
    .selectAll('person')
    .where(where)
    .orderBy(personOrderTerm('family_name'))
    .orderBy(personOrderTerm('given_name'))
    .orderBy('person.id')
    .limit(page.perPage)
    .offset((page.page - 1) * page.perPage)
    .execute();
}

/** Zones (with their layer code), tags and lists of some people of the campaign, by person id. */
export async function findRelated(trx: Trx, campaignId: string, people: ReadonlyArray<{ id: string; zone_ids: string[] }>) {
  const personIds = people.map((p) => p.id);
  const zoneIds = [...new Set(people.flatMap((p) => p.zone_ids))];
  if (personIds.length === 0) return { zones: new Map(), tags: new Map(), lists: new Map() };
  const [zones, tags, lists] = await Promise.all([
    zoneIds.length
      ? trx
          .selectFrom('zone')
          .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'zone.campaign_id').onRef('l.id', '=', 'zone.layer_id'))
          .select(['zone.id', 'zone.code', 'zone.name', 'l.code as layer', 'l.position'])
          .where('zone.campaign_id', '=', campaignId)
          .where('zone.id', 'in', zoneIds)
          .orderBy('l.position')
          .orderBy('zone.code')
          .execute()
      : [],
    trx
      .selectFrom('tagging')
      .innerJoin('tag', (j) => j.onRef('tag.campaign_id', '=', 'tagging.campaign_id').onRef('tag.id', '=', 'tagging.tag_id'))
      .select(['tagging.person_id', 'tag.id', 'tag.name'])
      .where('tagging.campaign_id', '=', campaignId)
      .where('tagging.person_id', 'in', personIds)
      .orderBy('tag.name')
      .execute(),
    trx
      .selectFrom('list_member')
      .innerJoin('list', (j) => j.onRef('list.campaign_id', '=', 'list_member.campaign_id').onRef('list.id', '=', 'list_member.list_id'))
      .select(['list_member.person_id', 'list.id', 'list.name'])
      .where('list_member.campaign_id', '=', campaignId)
      .where('list_member.person_id', 'in', personIds)
      .orderBy('list.name')
      .execute(),
  ]);
  const group = <T extends { person_id: string }>(rows: T[]) => {
    const map = new Map<string, { id: string; name: string }[]>();
    for (const r of rows as unknown as { person_id: string; id: string; name: string }[]) {
      map.set(r.person_id, [...(map.get(r.person_id) ?? []), { id: r.id, name: r.name }]);
    }
    return map;
  };
  const zoneById = new Map(zones.map((z) => [z.id, { id: z.id, code: z.code, name: z.name, layer: z.layer }]));
  const zonesByPerson = new Map(people.map((p) => [p.id, p.zone_ids.flatMap((id) => zoneById.get(id) ?? [])]));
  return { zones: zonesByPerson, tags: group(tags), lists: group(lists) };
}
