// Checks a segment definition before it is saved or run: its shape (the TypeBox schema, depth,
// size), its values (custom field types and choices, days that exist, date ranges) and its references (tags, lists,
// zones and custom fields of the campaign). Failures name the bad node with a JSON pointer.
import { Value } from 'typebox/value';
import type { Trx } from '../../db/database.ts';
import type { CustomFieldType } from '../../db/schema.ts';
import { AppError } from '../../http/problem.ts';
import { isIsoDate, isIsoDateOrInstant } from '../../lib/dates.ts';
import {
  customKeyOf,
  isGroup,
  MAX_SEGMENT_DEPTH,
  type SegmentCondition,
  type SegmentDefinition,
  SegmentDefinitionSchema,
  type SegmentNode,
  segmentSizeIssue,
} from './segment-definition.ts';

export interface SegmentIssue {
  pointer: string;
  message: string;
}

interface Reference {
  kind: 'tag' | 'list' | 'zone';
  id: string;
  pointer: string;
}

interface CustomUse {
  key: string;
  condition: SegmentCondition;
  pointer: string;
}

interface Walk {
  issues: SegmentIssue[];
  references: Reference[];
  customs: CustomUse[];
}

/** Shape problems a schema cannot express: depth, date ranges; collects references on the way (size: segmentSizeIssue). */
export function inspectSegment(definition: SegmentDefinition): Walk {
  const walk: Walk = { issues: [], references: [], customs: [] };
  visit(definition, '', 1, walk);
  return walk;
}

function visit(node: SegmentNode, pointer: string, depth: number, walk: Walk): void {
  if (isGroup(node)) {
    if (depth > MAX_SEGMENT_DEPTH) {
      walk.issues.push({ pointer, message: `Groups nest at most ${MAX_SEGMENT_DEPTH} levels deep.` });
      return;
    }
    node.children.forEach((child, i) => {
      visit(child, `${pointer}/children/${i}`, depth + 1, walk);
    });
    return;
  }
  const key = customKeyOf(node.field);
  if (key !== null) {
    walk.customs.push({ key, condition: node, pointer });
    return;
  }
  switch (node.field) {
    case 'tag':
      for (const [i, id] of (typeof node.value === 'string' ? [node.value] : node.value).entries()) {
        walk.references.push({ kind: 'tag', id, pointer: typeof node.value === 'string' ? `${pointer}/value` : `${pointer}/value/${i}` });
      }
      break;
    case 'list':
      walk.references.push({ kind: 'list', id: node.value, pointer: `${pointer}/value` });
      break;
    case 'zone':
      node.value.forEach((id, i) => {
        walk.references.push({ kind: 'zone', id, pointer: `${pointer}/value/${i}` });
      });
      break;
    case 'created_date':
    case 'modified_date':
    case 'birthdate':
    case 'last_consent_date':
      if (node.cmp === 'within_days') break;
      for (const [at, value] of typeof node.value === 'string'
        ? ([[`${pointer}/value`, node.value]] as const)
        : node.value.map((value, i) => [`${pointer}/value/${i}`, value] as const)) {
        if (!isIsoDateOrInstant(value)) walk.issues.push({ pointer: at, message: `${value} is not a day or an instant of the calendar.` });
      }
      if (node.cmp === 'between' && node.value[0]! > node.value[1]!) {
        walk.issues.push({ pointer: `${pointer}/value`, message: 'The start of the range comes after its end.' });
      }
      break;
    case 'activity':
      for (const key of ['since', 'until'] as const) {
        const value = node.value[key];
        if (value !== undefined && !isIsoDateOrInstant(value)) {
          walk.issues.push({ pointer: `${pointer}/value/${key}`, message: `${value} is not a day or an instant of the calendar.` });
        }
      }
      if (node.value.since && node.value.until && node.value.since > node.value.until) {
        walk.issues.push({ pointer: `${pointer}/value/since`, message: '`since` comes after `until`.' });
      }
      break;
  }
}

/** Issues of a custom-field condition given the field's definition (type, choices). */
export function customIssues(use: CustomUse, field: { type: CustomFieldType; choices: string[] } | undefined): SegmentIssue[] {
  if (!field) return [{ pointer: `${use.pointer}/field`, message: `No custom field "${use.key}" in this campaign.` }];
  const c = use.condition;
  if (c.cmp === 'is_empty' || !('value' in c)) return [];
  const value = c.value;
  const at = `${use.pointer}/value`;
  switch (field.type) {
    case 'number':
      if (c.cmp === 'contains')
        return [{ pointer: `${use.pointer}/cmp`, message: `"${use.key}" is a number: use eq, neq, gt, lt or is_empty.` }];
      if (typeof value !== 'number' && !/^\s*-?\d+(\.\d+)?\s*$/.test(String(value)))
        return [{ pointer: at, message: `"${use.key}" is a number.` }];
      return [];
    case 'date':
      if (c.cmp === 'contains')
        return [{ pointer: `${use.pointer}/cmp`, message: `"${use.key}" is a date: use eq, neq, gt, lt or is_empty.` }];
      if (!isIsoDate(String(value))) {
        return [{ pointer: at, message: `"${use.key}" is a date: write it YYYY-MM-DD.` }];
      }
      return [];
    case 'choice':
      if ((c.cmp === 'eq' || c.cmp === 'neq') && !field.choices.includes(String(value))) {
        return [{ pointer: at, message: `"${value}" is not one of the choices of "${use.key}": ${field.choices.join(', ')}.` }];
      }
      return [];
    default:
      return [];
  }
}

function fail(issues: SegmentIssue[], prefix: string): never {
  throw new AppError('SEGMENT_INVALID', issues.map((i) => `${prefix}${i.pointer || '/'}: ${i.message}`).join(' '), {
    errors: issues.map((i) => ({ location: 'body', pointer: `${prefix}${i.pointer}`, message: i.message })),
  });
}

export interface CheckedSegment {
  definition: SegmentDefinition;
  customFieldTypes: Record<string, CustomFieldType>;
}

/**
 * Validates a definition against the campaign (in its tenant transaction) and returns what the
 * compiler needs. `strict` (definitions being written or sent) also rejects unknown tags, lists and
 * zones; saved definitions run leniently (a deleted tag simply matches nobody).
 */
export async function checkSegment(
  trx: Trx,
  definition: unknown,
  options: { campaignId: string; strict: boolean; pointerPrefix?: string },
): Promise<CheckedSegment> {
  const prefix = options.pointerPrefix ?? '/definition';
  if (!Value.Check(SegmentDefinitionSchema, definition)) {
    const issues = Value.Errors(SegmentDefinitionSchema, definition)
      .slice(0, 5)
      .map((e) => ({ pointer: e.instancePath, message: e.message }));
    fail(issues, prefix);
  }
  const def = definition as SegmentDefinition;
  const tooLarge = segmentSizeIssue(def);
  if (tooLarge) {
    throw new AppError('SEGMENT_TOO_LARGE', tooLarge, { errors: [{ location: 'body', pointer: prefix, message: tooLarge }] });
  }
  const walk = inspectSegment(def);
  if (walk.issues.length) fail(walk.issues, prefix);

  const keys = [...new Set(walk.customs.map((c) => c.key))];
  const fields = keys.length
    ? await trx
        .selectFrom('custom_field')
        .select(['key', 'type', 'choices'])
        .where('campaign_id', '=', options.campaignId)
        .where('key', 'in', keys)
        .execute()
    : [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const customFieldTypes: Record<string, CustomFieldType> = Object.fromEntries(fields.map((f) => [f.key, f.type]));
  if (!options.strict) return { definition: def, customFieldTypes };

  const issues = walk.customs.flatMap((use) => customIssues(use, byKey.get(use.key)));
  issues.push(...(await missingReferences(trx, options.campaignId, walk.references)));
  if (issues.length) fail(issues, prefix);
  return { definition: def, customFieldTypes };
}

async function missingReferences(trx: Trx, campaignId: string, refs: Reference[]): Promise<SegmentIssue[]> {
  const idsOf = (kind: Reference['kind']) => [...new Set(refs.filter((r) => r.kind === kind).map((r) => r.id))];
  const [tags, lists, zones] = await Promise.all(
    (['tag', 'list', 'zone'] as const).map(async (kind) => {
      const ids = idsOf(kind);
      if (ids.length === 0) return new Set<string>();
      const rows = await trx.selectFrom(kind).select('id').where('campaign_id', '=', campaignId).where('id', 'in', ids).execute();
      return new Set(rows.map((r) => r.id));
    }),
  );
  const known = { tag: tags!, list: lists!, zone: zones! };
  const label = { tag: 'tag', list: 'list', zone: 'zone' };
  return refs
    .filter((r) => !known[r.kind].has(r.id))
    .map((r) => ({ pointer: r.pointer, message: `No ${label[r.kind]} ${r.id} in this campaign.` }));
}
