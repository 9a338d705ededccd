// Compiles a segment definition to ONE SQL condition on `person`: EXISTS subqueries for tags, lists
// and activities, `zone_ids && $::uuid[]` for zones (checked while scanning: under row-level
// security no index can serve it), the cached consent columns, typed casts for custom fields. Every
// leaf is null-safe (true or false, never NULL) so that NOT is the exact complement of what it
// negates. The result always excludes anonymised and merged people and applies the actor's zone
// scope. The SQL is snapshot-tested in segment-compiler.test.ts.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { CustomFieldType } from '../../db/schema.ts';
import {
  type ActivityCondition,
  type CustomCondition,
  customKeyOf,
  type DateCondition,
  isGroup,
  type MailingCondition,
  type SegmentCondition,
  type SegmentDefinition,
  type SegmentNode,
  type TextCondition,
} from './segment-definition.ts';

export interface CompileOptions {
  campaignId: string;
  /** The actor's zones (referents), or null for the whole campaign. */
  zoneScope: readonly string[] | null;
  /** Type of each custom field by key; unknown keys compare as text. */
  customFieldTypes?: Readonly<Record<string, CustomFieldType>>;
}

type Bool = RawBuilder<SqlBool>;

const TRUE: Bool = sql<SqlBool>`true`;
const FALSE: Bool = sql<SqlBool>`false`;

const TEXT_COLUMNS = {
  given_name: 'given_name',
  family_name: 'family_name',
  email: 'email',
  phone: 'phone',
  postcode: 'postcode',
  locality: 'locality',
  source: 'source',
} as const;

const DATE_COLUMNS = {
  created_date: { column: 'created_at', isDate: false, nullable: false },
  modified_date: { column: 'modified_at', isDate: false, nullable: false },
  birthdate: { column: 'birthdate', isDate: true, nullable: true },
  last_consent_date: { column: 'last_consent_at', isDate: false, nullable: true },
} as const;

const CONSENT_COLUMNS = { email: 'consent_email', sms: 'consent_sms', phone: 'consent_phone', post: 'consent_post' } as const;

/** The WHERE condition selecting a segment's people from `person` (no alias), scope and exclusions included. */
export function compileSegment(definition: SegmentDefinition, options: CompileOptions): Expression<SqlBool> {
  const base: Bool[] = [
    sql<SqlBool>`${col('campaign_id')} = ${options.campaignId}`,
    sql<SqlBool>`${col('anonymized_at')} is null`,
    sql<SqlBool>`${col('merged_into')} is null`,
  ];
  if (options.zoneScope) base.push(zonesOverlap(options.zoneScope));
  // A root AND joins the base conditions directly (one flat list reads best).
  const tree =
    definition.op === 'and' ? definition.children.map((child) => compileNode(child, options)) : [compileNode(definition, options)];
  const parts = [...base, ...tree.filter((part) => part !== TRUE)];
  return sql<SqlBool>`(${sql.join(parts, sql`\n  and `)})`;
}

function col(name: string) {
  return sql.ref(`person.${name}`);
}

function zonesOverlap(ids: readonly string[]): Bool {
  if (ids.length === 0) return FALSE;
  return sql<SqlBool>`${col('zone_ids')} && ${sql.val([...ids])}::uuid[]`;
}

function joinAll(parts: Bool[], op: 'and' | 'or'): Bool {
  if (parts.length === 0) return op === 'and' ? TRUE : FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, op === 'and' ? sql` and ` : sql` or `)})`;
}

function compileNode(node: SegmentNode, options: CompileOptions): Bool {
  if (isGroup(node)) {
    const parts = node.children.map((child) => compileNode(child, options));
    if (node.op === 'not') {
      if (parts.length === 0) return FALSE;
      // joinAll parenthesises several parts itself; a single one is parenthesised here.
      return parts.length > 1 ? sql<SqlBool>`not ${joinAll(parts, 'and')}` : sql<SqlBool>`not (${parts[0]})`;
    }
    return joinAll(parts, node.op);
  }
  return compileCondition(node, options);
}

function compileCondition(c: SegmentCondition, options: CompileOptions): Bool {
  const customKey = customKeyOf(c.field);
  if (customKey !== null) return customCondition(customKey, c as CustomCondition, options.customFieldTypes?.[customKey] ?? 'text');
  switch (c.field) {
    case 'ladder_stage':
      return sql<SqlBool>`${col('ladder_stage')} in (${sql.join(c.value)})`;
    case 'zone':
      return zonesOverlap(c.value);
    case 'tag': {
      const ids = typeof c.value === 'string' ? [c.value] : c.value;
      const exists = sql<SqlBool>`exists (select 1 from tagging t where t.campaign_id = ${options.campaignId} and t.person_id = ${col('id')} and t.tag_id in (${sql.join(ids)}))`;
      return c.cmp === 'has_none' ? sql<SqlBool>`not ${exists}` : exists;
    }
    case 'list':
      return sql<SqlBool>`exists (select 1 from list_member m where m.campaign_id = ${options.campaignId} and m.person_id = ${col('id')} and m.list_id = ${c.value})`;
    case 'consent': {
      const column = col(CONSENT_COLUMNS[c.value as keyof typeof CONSENT_COLUMNS]);
      return c.cmp === 'given' ? sql<SqlBool>`${column}` : sql<SqlBool>`not ${column}`;
    }
    case 'activity':
      return activityCondition(c as ActivityCondition, options);
    case 'mailing':
      return mailingCondition(c as MailingCondition, options);
    case 'created_date':
    case 'modified_date':
    case 'birthdate':
    case 'last_consent_date':
      return dateCondition(c as DateCondition);
    default:
      return textCondition(c as TextCondition);
  }
}

function likePattern(value: string, prefixOnly: boolean): string {
  const escaped = value.replace(/[\\%_]/g, '\\$&');
  return prefixOnly ? `${escaped}%` : `%${escaped}%`;
}

/**
 * Names and codes: case- and accent-insensitive. E-mail equality compares with the stored form
 * (lower-case, migration 0014), so it stays on the (campaign_id, email) index.
 */
function textCondition(c: TextCondition): Bool {
  const column = col(TEXT_COLUMNS[c.field]);
  if (c.cmp === 'is_empty') return sql<SqlBool>`coalesce(${column}, '') = ''`;
  if (c.field === 'email' && (c.cmp === 'eq' || c.cmp === 'neq')) {
    const email = c.value.trim().toLowerCase();
    return c.cmp === 'eq' ? sql<SqlBool>`${column} = ${email}` : sql<SqlBool>`${column} is distinct from ${email}`;
  }
  const folded = sql`lower(relais_unaccent(coalesce(${column}, '')))`;
  switch (c.cmp) {
    case 'eq':
      return sql<SqlBool>`${folded} = lower(relais_unaccent(${c.value}))`;
    case 'neq':
      return sql<SqlBool>`${folded} <> lower(relais_unaccent(${c.value}))`;
    case 'contains':
      return sql<SqlBool>`${folded} like lower(relais_unaccent(${likePattern(c.value, false)}))`;
    case 'starts_with':
      return sql<SqlBool>`${folded} like lower(relais_unaccent(${likePattern(c.value, true)}))`;
  }
}

/** A lower bound: the instant itself, or the start of the day. */
function lowerBound(value: string, isDate: boolean) {
  return isDate ? sql`${value.slice(0, 10)}::date` : sql`${value}::timestamptz`;
}

/** An upper bound and its operator: a bare day includes the whole day. */
function upperBound(column: Expression<unknown>, value: string, isDate: boolean): Bool {
  if (isDate) return sql<SqlBool>`${column} <= ${value.slice(0, 10)}::date`;
  if (value.length === 10) return sql<SqlBool>`${column} < ${value}::date + 1`;
  return sql<SqlBool>`${column} <= ${value}::timestamptz`;
}

/** Dates: NULL never matches (the column must be set), so NOT selects exactly the others. */
function dateCondition(c: DateCondition): Bool {
  const { column: name, isDate, nullable } = DATE_COLUMNS[c.field];
  const column = col(name);
  const parts: Bool[] = nullable ? [sql<SqlBool>`${column} is not null`] : [];
  switch (c.cmp) {
    case 'gte':
      parts.push(sql<SqlBool>`${column} >= ${lowerBound(c.value, isDate)}`);
      break;
    case 'lte':
      parts.push(upperBound(column, c.value, isDate));
      break;
    case 'between':
      parts.push(sql<SqlBool>`${column} >= ${lowerBound(c.value[0]!, isDate)}`, upperBound(column, c.value[1]!, isDate));
      break;
    case 'within_days':
      parts.push(
        isDate
          ? sql<SqlBool>`${column} >= current_date - ${c.value}::int`
          : sql<SqlBool>`${column} >= now() - make_interval(days => ${c.value}::int)`,
      );
      break;
  }
  return joinAll(parts, 'and');
}

/** Custom fields live in person.custom_fields; numbers and dates are compared as such (bad values never match). */
function customCondition(key: string, c: CustomCondition, type: CustomFieldType): Bool {
  const raw = sql`(${col('custom_fields')} ->> ${key})`;
  if (c.cmp === 'is_empty') return sql<SqlBool>`coalesce(${raw}, '') = ''`;
  const op = sql.raw({ eq: '=', neq: '<>', gt: '>', lt: '<', contains: 'like' }[c.cmp]);
  let cmp: RawBuilder<unknown>;
  if (type === 'number') {
    const value = sql`case when ${raw} ~ '^\\s*-?[0-9]+(\\.[0-9]+)?\\s*$' then ${raw}::numeric end`;
    cmp = sql`${value} ${op} ${String(c.value)}::numeric`;
  } else if (type === 'date') {
    const value = sql`case when ${raw} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}' then substr(${raw}, 1, 10)::date end`;
    cmp = sql`${value} ${op} ${String(c.value).slice(0, 10)}::date`;
  } else if (c.cmp === 'contains') {
    cmp = sql`lower(relais_unaccent(${raw})) like lower(relais_unaccent(${likePattern(String(c.value), false)}))`;
  } else if (type === 'choice') {
    cmp = sql`${raw} ${op} ${String(c.value)}`;
  } else {
    cmp = sql`lower(relais_unaccent(${raw})) ${op} lower(relais_unaccent(${String(c.value)}))`;
  }
  // neq also selects the people without a value, like the text fields do.
  return c.cmp === 'neq' ? sql<SqlBool>`coalesce(${cmp}, true)` : sql<SqlBool>`coalesce(${cmp}, false)`;
}

/** "Opened mailing X", "signed petition Y", "knocked at, outcome Z": an EXISTS (or a count) on activity. */
function activityCondition(c: ActivityCondition, options: CompileOptions): Bool {
  const v = c.value;
  const where: Bool[] = [
    sql<SqlBool>`a.campaign_id = ${options.campaignId}`,
    sql<SqlBool>`a.person_id = ${col('id')}`,
    sql<SqlBool>`a.type = ${v.type}`,
  ];
  if (v.ref_id !== undefined) where.push(sql<SqlBool>`a.ref_id = ${v.ref_id}`);
  if (v.data && Object.keys(v.data).length > 0) where.push(sql<SqlBool>`a.data @> ${JSON.stringify(v.data)}::jsonb`);
  if (v.since !== undefined) where.push(sql<SqlBool>`a.at >= ${lowerBound(v.since, false)}`);
  if (v.until !== undefined) where.push(upperBound(sql`a.at`, v.until, false));
  const filter = sql.join(where, sql` and `);
  const minCount = v.min_count ?? 1;
  const found =
    minCount <= 1
      ? sql<SqlBool>`exists (select 1 from activity a where ${filter})`
      : sql<SqlBool>`(select count(*) from (select 1 from activity a where ${filter} limit ${minCount}) n) >= ${minCount}`;
  return c.cmp === 'exists' ? found : sql<SqlBool>`not ${found}`;
}

/** "Received / opened / clicked mailing X": an EXISTS on its recipient rows or its human events. */
function mailingCondition(c: MailingCondition, options: CompileOptions): Bool {
  const what = c.cmp.replace(/^not_/, '');
  const found =
    what === 'received'
      ? sql<SqlBool>`exists (select 1 from mailing_recipient r where r.campaign_id = ${options.campaignId} and r.mailing_id = ${c.value} and r.person_id = ${col('id')} and r.status = 'sent')`
      : sql<SqlBool>`exists (select 1 from mail_event e where e.campaign_id = ${options.campaignId} and e.person_id = ${col('id')} and e.mailing_id = ${c.value}${
          what === 'clicked' ? sql` and e.kind = 'click'` : sql``
        } and e.classification = 'human')`;
  return c.cmp.startsWith('not_') ? sql<SqlBool>`not ${found}` : found;
}
