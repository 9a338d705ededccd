// Use cases of segments: saved filters (checked against the campaign), live counts, members, and
// the person-id selection other modules (bulk actions, mailings) build on.
import { performance } from 'node:perf_hooks';
import type { Expression, SqlBool } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { checkSegment } from './segment-check.ts';
import { compileSegment } from './segment-compiler.ts';
import type { SegmentDefinition } from './segment-definition.ts';
import * as repo from './segments.repo.ts';

export interface SegmentScope {
  campaignId: string;
  /** The actor's zones (referents), or null for the whole campaign. */
  zoneScope: readonly string[] | null;
}

/**
 * Checks a definition (strictly: unknown tags, lists, zones or custom fields → SEGMENT_INVALID,
 * unless `strict: false` for saved definitions) and compiles it to the WHERE condition on `person`.
 */
export async function prepareSegment(
  trx: Trx,
  definition: unknown,
  scope: SegmentScope & { strict?: boolean; pointerPrefix?: string },
): Promise<Expression<SqlBool>> {
  const checked = await checkSegment(trx, definition, {
    campaignId: scope.campaignId,
    strict: scope.strict ?? true,
    ...(scope.pointerPrefix !== undefined ? { pointerPrefix: scope.pointerPrefix } : {}),
  });
  return compileSegment(checked.definition, { ...scope, customFieldTypes: checked.customFieldTypes });
}

/**
 * The ids of a segment's people as a subquery on `person` (scope and exclusions applied), for
 * `where('person_id', 'in', …)` or `.execute()`. Checks the definition first (see prepareSegment).
 */
export async function segmentPersonIds(trx: Trx, definition: unknown, scope: SegmentScope & { strict?: boolean; pointerPrefix?: string }) {
  const where = await prepareSegment(trx, definition, scope);
  return trx.selectFrom('person').select('person.id').where(where);
}

/** The stored definition of a saved segment of the campaign (NOT_FOUND otherwise). */
export async function loadSegmentDefinition(trx: Trx, campaignId: string, id: string): Promise<SegmentDefinition> {
  const segment = await repo.findSegment(trx, campaignId, id);
  if (!segment) throw notFound('segment');
  return segment.definition as SegmentDefinition;
}

/** Live count of a definition while it is edited, with the time the SQL took. */
export async function countSegment(trx: Trx, definition: unknown, scope: SegmentScope) {
  const where = await prepareSegment(trx, definition, scope);
  const started = performance.now();
  const count = await repo.countPeople(trx, where);
  return { count, sql_ms: Math.round((performance.now() - started) * 100) / 100 };
}

/** A page of a saved segment's people, with their zones, tags and lists. */
export async function segmentPeople(trx: Trx, id: string, scope: SegmentScope, page: { page: number; perPage: number }) {
  const definition = await loadSegmentDefinition(trx, scope.campaignId, id);
  const where = await prepareSegment(trx, definition, { ...scope, strict: false });
  const [rows, total] = await Promise.all([repo.pagePeople(trx, where, page), repo.countPeople(trx, where)]);
  const related = await repo.findRelated(trx, scope.campaignId, rows);
  return { rows, total, related };
}

/** Saves a new segment after checking its definition. */
export async function createSegment(trx: Trx, scope: SegmentScope & { userId: string | null }, values: repo.SegmentValues) {
  await prepareSegment(trx, values.definition, scope);
  return repo.insertSegment(trx, scope.campaignId, { ...values, id: uuidv7(), createdBy: scope.userId });
}

/** Renames and/or redefines a segment (definition checked). */
export async function updateSegment(trx: Trx, scope: SegmentScope, id: string, values: Partial<repo.SegmentValues>) {
  if (values.definition !== undefined) await prepareSegment(trx, values.definition, scope);
  const row = await repo.updateSegment(trx, scope.campaignId, id, values);
  if (!row) throw notFound('segment');
  return row;
}

/** Deletes a segment (NOT_FOUND when absent). */
export async function deleteSegment(trx: Trx, campaignId: string, id: string): Promise<void> {
  if (!(await repo.deleteSegment(trx, campaignId, id))) throw notFound('segment');
}
