// The segment definition: a tree of AND / OR / NOT groups over leaf conditions (fields, tags, lists,
// stage, zones, consent, custom fields, dates, activities). One TypeBox schema gives the route
// validation, the OpenAPI document and the TypeScript types.
import { type Static, Type } from 'typebox';
import { CONSENT_CHANNELS, LADDER_STAGES } from '../../db/schema.ts';
import { StringEnum, Uuid } from '../../http/schemas.ts';

/** Deepest nesting of groups accepted (the root group is depth 1). */
export const MAX_SEGMENT_DEPTH = 8;
/** Most nodes (groups and conditions) in one definition. */
export const MAX_SEGMENT_NODES = 200;
/**
 * Most conditions in one definition: each is tested on every person counted (some as a subquery),
 * and 190 of them kept PostgreSQL busy for 15 s (issue 12).
 */
export const MAX_SEGMENT_CONDITIONS = 50;
/** Most values listed across all conditions (zones, tags, stages): each becomes a bind parameter. */
export const MAX_SEGMENT_VALUES = 1000;

export const TEXT_FIELDS = ['given_name', 'family_name', 'email', 'phone', 'postcode', 'locality', 'source'] as const;
export const DATE_FIELDS = ['created_date', 'modified_date', 'birthdate', 'last_consent_date'] as const;
export const ACTIVITY_TYPE_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$';
export const CUSTOM_FIELD_PATTERN = '^custom:[a-z][a-z0-9_]{0,39}$';

// `field` and `cmp` come first: with allErrors off, the validator leaves a branch at its first
// mismatch, before it could coerce `value` for the wrong branch.
const obj = <T extends Parameters<typeof Type.Object>[0]>(props: T) => Type.Object(props, { additionalProperties: false });

/** A calendar day (YYYY-MM-DD) or an ISO 8601 instant. */
const DateOrTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?$', maxLength: 40 });
const Text = Type.String({ maxLength: 200 });

const TextCondition = obj({
  field: StringEnum(TEXT_FIELDS),
  cmp: StringEnum(['eq', 'neq', 'contains', 'starts_with'] as const),
  value: Text,
});
const TextEmptyCondition = obj({ field: StringEnum(TEXT_FIELDS), cmp: Type.Literal('is_empty') });
const StageCondition = obj({
  field: Type.Literal('ladder_stage'),
  cmp: Type.Literal('in'),
  value: Type.Array(StringEnum(LADDER_STAGES), { minItems: 1, maxItems: 4 }),
});
const ZoneCondition = obj({
  field: Type.Literal('zone'),
  cmp: Type.Literal('in'),
  value: Type.Array(Uuid, { minItems: 1, maxItems: 1000 }),
});
const TagCondition = obj({ field: Type.Literal('tag'), cmp: Type.Literal('has'), value: Uuid });
const TagSetCondition = obj({
  field: Type.Literal('tag'),
  cmp: StringEnum(['has_any', 'has_none'] as const),
  value: Type.Array(Uuid, { minItems: 1, maxItems: 100 }),
});
const ListCondition = obj({ field: Type.Literal('list'), cmp: Type.Literal('member'), value: Uuid });
const ConsentCondition = obj({
  field: Type.Literal('consent'),
  cmp: StringEnum(['given', 'not_given'] as const),
  value: StringEnum(CONSENT_CHANNELS),
});
const CustomCondition = obj({
  field: Type.String({ pattern: CUSTOM_FIELD_PATTERN }),
  cmp: StringEnum(['eq', 'neq', 'gt', 'lt', 'contains'] as const),
  value: Type.Union([Type.Number(), Text]),
});
const CustomEmptyCondition = obj({ field: Type.String({ pattern: CUSTOM_FIELD_PATTERN }), cmp: Type.Literal('is_empty') });
const DateCondition = obj({ field: StringEnum(DATE_FIELDS), cmp: StringEnum(['gte', 'lte'] as const), value: DateOrTime });
const DateBetweenCondition = obj({
  field: StringEnum(DATE_FIELDS),
  cmp: Type.Literal('between'),
  value: Type.Array(DateOrTime, { minItems: 2, maxItems: 2 }),
});
const DateWithinCondition = obj({
  field: StringEnum(DATE_FIELDS),
  cmp: Type.Literal('within_days'),
  value: Type.Integer({ minimum: 0, maximum: 36_500 }),
});
const ActivityCondition = obj({
  field: Type.Literal('activity'),
  cmp: StringEnum(['exists', 'not_exists'] as const),
  value: obj({
    type: Type.String({ pattern: ACTIVITY_TYPE_PATTERN, maxLength: 80 }),
    ref_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    // Matched by containment (`data @> {...}`): { "outcome": "absent" } for door knocks.
    data: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
        Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]),
        {
          maxProperties: 5,
        },
      ),
    ),
    since: Type.Optional(DateOrTime),
    until: Type.Optional(DateOrTime),
    min_count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  }),
});

/**
 * "Received / opened / clicked mailing X" (and their negations), from the mailing's recipient rows
 * and its tracked events; opens and clicks count human events only (not Apple Mail Privacy
 * Protection's prefetches nor link scanners; see messaging/tracking/classify.ts). An opened mailing
 * is one whose pixel loaded or whose link was followed.
 */
export const MAILING_CMPS = ['received', 'opened', 'clicked', 'not_received', 'not_opened', 'not_clicked'] as const;
const MailingCondition = obj({ field: Type.Literal('mailing'), cmp: StringEnum(MAILING_CMPS), value: Uuid });

/** Every leaf condition of a segment. */
export const SegmentCondition = Type.Union([
  TextCondition,
  TextEmptyCondition,
  StageCondition,
  ZoneCondition,
  TagCondition,
  TagSetCondition,
  ListCondition,
  ConsentCondition,
  DateCondition,
  DateBetweenCondition,
  DateWithinCondition,
  ActivityCondition,
  MailingCondition,
  CustomCondition,
  CustomEmptyCondition,
]);

/** The definition of a segment: a group at the root, groups and conditions below (recursive). */
export const SegmentDefinitionSchema = Type.Cyclic(
  {
    SegmentNode: Type.Union([Type.Ref('SegmentGroup'), SegmentCondition]),
    SegmentGroup: Type.Object(
      {
        op: StringEnum(['and', 'or', 'not'] as const),
        children: Type.Array(Type.Ref('SegmentNode'), { maxItems: MAX_SEGMENT_NODES }),
      },
      { additionalProperties: false },
    ),
  },
  'SegmentGroup',
);

/** A custom-field condition (its `field` is `custom:<key>`). */
export type CustomCondition =
  | (Omit<Static<typeof CustomCondition>, 'field'> & { field: `custom:${string}` })
  | (Omit<Static<typeof CustomEmptyCondition>, 'field'> & { field: `custom:${string}` });
export type TextCondition = Static<typeof TextCondition> | Static<typeof TextEmptyCondition>;
export type DateCondition = Static<typeof DateCondition> | Static<typeof DateBetweenCondition> | Static<typeof DateWithinCondition>;
/** Any leaf condition (the custom-field ones typed by their `custom:` prefix, so `field` narrows). */
export type SegmentCondition =
  | TextCondition
  | Static<typeof StageCondition>
  | Static<typeof ZoneCondition>
  | Static<typeof TagCondition>
  | Static<typeof TagSetCondition>
  | Static<typeof ListCondition>
  | Static<typeof ConsentCondition>
  | DateCondition
  | Static<typeof ActivityCondition>
  | Static<typeof MailingCondition>
  | CustomCondition;
export type ActivityCondition = Static<typeof ActivityCondition>;
export type MailingCondition = Static<typeof MailingCondition>;
export interface SegmentGroup {
  op: 'and' | 'or' | 'not';
  children: SegmentNode[];
}
export type SegmentNode = SegmentGroup | SegmentCondition;
export type SegmentDefinition = SegmentGroup;

/** True when a node is a group (AND / OR / NOT) rather than a condition. */
export function isGroup(node: SegmentNode): node is SegmentGroup {
  return 'op' in node;
}

/** A custom-field condition's key (`custom:profession` → `profession`), or null for other fields. */
export function customKeyOf(field: string): string | null {
  return field.startsWith('custom:') ? field.slice(7) : null;
}

/** Why a definition is too large to run (nodes, conditions or listed values over their limit), or null. */
export function segmentSizeIssue(definition: SegmentDefinition): string | null {
  const size = { nodes: 0, conditions: 0, values: 0 };
  const visit = (node: SegmentNode): void => {
    size.nodes += 1;
    if (isGroup(node)) {
      for (const child of node.children) visit(child);
      return;
    }
    size.conditions += 1;
    size.values += 'value' in node && Array.isArray(node.value) ? node.value.length : 1;
  };
  visit(definition);
  if (size.nodes > MAX_SEGMENT_NODES)
    return `A segment has at most ${MAX_SEGMENT_NODES} conditions and groups (this one has ${size.nodes}).`;
  if (size.conditions > MAX_SEGMENT_CONDITIONS) {
    return `A segment has at most ${MAX_SEGMENT_CONDITIONS} conditions (this one has ${size.conditions}).`;
  }
  if (size.values > MAX_SEGMENT_VALUES)
    return `A segment lists at most ${MAX_SEGMENT_VALUES} values in all (this one lists ${size.values}).`;
  return null;
}
