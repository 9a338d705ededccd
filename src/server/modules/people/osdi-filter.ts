// OSDI's `filter` query parameter (the OData subset of the spec's README, "Filtering Collections"):
// comparisons `field op literal` with eq ne gt ge lt le, joined by and / or (and before or), negated
// by not, grouped by parentheses; string literals in single quotes ('' for a quote), numbers, true and
// false. A real parser: the text becomes a tree, the tree a Kysely expression whose values are bound
// parameters and whose columns come from each resource's table of fields — never SQL text built from
// the filter. What it cannot read answers 400 FILTER_INVALID saying where and why.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { AppError } from '../../http/problem.ts';
import { isIsoDateOrInstant } from '../../lib/dates.ts';

export const FILTER_OPS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
type Literal = string | number | boolean;

export type FilterNode =
  | { kind: 'cmp'; field: string; op: FilterOp; value: Literal; at: number }
  | { kind: 'and' | 'or'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode };

/** How one field of a resource compares: a function from (op, literal) to a condition. */
export type FilterField = (op: FilterOp, value: Literal, at: number) => Expression<SqlBool>;

/** Longest filter read, deepest parentheses and most comparisons in one filter. */
export const FILTER_MAX_LENGTH = 2000;
const MAX_DEPTH = 16;
const MAX_COMPARISONS = 50;

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: '(' | ')'; at: number };

function invalid(filter: string, at: number, why: string): AppError {
  return new AppError('FILTER_INVALID', `filter: ${why} at character ${at + 1} of "${filter}".`, { position: at + 1 });
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < filter.length) {
    const ch = filter[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ type: ch, at: i });
      i += 1;
    } else if (ch === "'") {
      const at = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= filter.length) throw invalid(filter, at, 'a quoted string is not closed');
        if (filter[i] === "'") {
          if (filter[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += filter[i];
        i += 1;
      }
      tokens.push({ type: 'string', text, at });
    } else if (/[-+\d]/.test(ch)) {
      const m = /^[-+]?\d+(\.\d+)?/.exec(filter.slice(i));
      if (!m) throw invalid(filter, i, `unexpected "${ch}"`);
      tokens.push({ type: 'number', value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(ch)) {
      const m = /^[A-Za-z_$][\w./:$]*/.exec(filter.slice(i)) as RegExpExecArray;
      tokens.push({ type: 'word', text: m[0], at: i });
      i += m[0].length;
    } else {
      throw invalid(filter, i, `unexpected "${ch}"`);
    }
  }
  return tokens;
}

/** Parses an OSDI filter into a tree (FILTER_INVALID when it is not one). */
export function parseOsdiFilter(filter: string): FilterNode {
  if (filter.length > FILTER_MAX_LENGTH) throw new AppError('FILTER_INVALID', `filter: at most ${FILTER_MAX_LENGTH} characters.`);
  const tokens = tokenize(filter);
  let pos = 0;
  let comparisons = 0;
  const peek = () => tokens[pos];
  const isWord = (t: Token | undefined, word: string): boolean => t?.type === 'word' && t.text.toLowerCase() === word;
  const end = () => (tokens.length > 0 ? (tokens.at(-1) as Token).at + 1 : 0);

  const expression = (depth: number): FilterNode => {
    if (depth > MAX_DEPTH) throw invalid(filter, peek()?.at ?? end(), `parentheses nest deeper than ${MAX_DEPTH} levels`);
    const children = [conjunction(depth)];
    while (isWord(peek(), 'or')) {
      pos += 1;
      children.push(conjunction(depth));
    }
    return children.length === 1 ? (children[0] as FilterNode) : { kind: 'or', children };
  };
  const conjunction = (depth: number): FilterNode => {
    const children = [unary(depth)];
    while (isWord(peek(), 'and')) {
      pos += 1;
      children.push(unary(depth));
    }
    return children.length === 1 ? (children[0] as FilterNode) : { kind: 'and', children };
  };
  const unary = (depth: number): FilterNode => {
    const t = peek();
    if (isWord(t, 'not')) {
      pos += 1;
      return { kind: 'not', child: unary(depth + 1) };
    }
    if (t?.type === '(') {
      pos += 1;
      const inner = expression(depth + 1);
      if (peek()?.type !== ')') throw invalid(filter, peek()?.at ?? end(), 'a parenthesis is not closed');
      pos += 1;
      return inner;
    }
    return comparison();
  };
  const comparison = (): FilterNode => {
    const field = peek();
    if (field?.type !== 'word') throw invalid(filter, field?.at ?? end(), 'a field name is expected');
    pos += 1;
    const op = peek();
    const opText = op?.type === 'word' ? op.text.toLowerCase() : '';
    if (!(FILTER_OPS as readonly string[]).includes(opText)) {
      throw invalid(filter, op?.at ?? end(), `an operator (${FILTER_OPS.join(', ')}) is expected after ${field.text}`);
    }
    pos += 1;
    const v = peek();
    let value: Literal;
    if (v?.type === 'string') value = v.text;
    else if (v?.type === 'number') value = v.value;
    else if (isWord(v, 'true') || isWord(v, 'false')) value = (v as { text: string }).text.toLowerCase() === 'true';
    else throw invalid(filter, v?.at ?? end(), `a value ('text', a number, true or false) is expected after ${field.text} ${opText}`);
    pos += 1;
    comparisons += 1;
    if (comparisons > MAX_COMPARISONS) throw invalid(filter, field.at, `more than ${MAX_COMPARISONS} comparisons`);
    return { kind: 'cmp', field: field.text, op: opText as FilterOp, value, at: field.at };
  };

  if (tokens.length === 0) throw new AppError('FILTER_INVALID', 'filter: empty.');
  const tree = expression(0);
  const rest = peek();
  if (rest) throw invalid(filter, rest.at, rest.type === ')' ? 'a parenthesis closes nothing' : 'and / or is expected');
  return tree;
}

/** Compiles an OSDI filter for a resource whose fields are `fields` (names lower-case). */
export function compileOsdiFilter(filter: string, fields: Readonly<Record<string, FilterField>>): Expression<SqlBool> {
  const tree = parseOsdiFilter(filter.trim());
  const compile = (node: FilterNode): Expression<SqlBool> => {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const parts = node.children.map(compile);
        return sql<SqlBool>`(${sql.join(parts, node.kind === 'and' ? sql` and ` : sql` or `)})`;
      }
      case 'not':
        return sql<SqlBool>`not (${compile(node.child)})`;
      case 'cmp': {
        const field = fields[node.field.toLowerCase()];
        if (!field) {
          throw invalid(filter, node.at, `unknown field ${node.field} (fields: ${[...new Set(Object.keys(fields))].sort().join(', ')})`);
        }
        return field(node.op, node.value, node.at);
      }
    }
  };
  return compile(tree);
}

const SQL_OPS: Record<FilterOp, RawBuilder<unknown>> = {
  eq: sql`=`,
  ne: sql`<>`,
  gt: sql`>`,
  ge: sql`>=`,
  lt: sql`<`,
  le: sql`<=`,
};

/**
 * A date of OSDI's filters as JavaScript reads it: a day, or an instant whose offset may be written
 * `-05`, `-0500` or `-05:00` (the spec's own example is `'2013-11-17T18:27:35-05'`), with a space or
 * a T between day and time. Null when it is not a day or an instant of the calendar.
 */
export function filterInstant(text: string): { at: Date; day: boolean } | null {
  let t = text.trim().replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2');
  t = t.replace(/([+-]\d{2})(\d{2})?$/, (m, h: string, mm: string | undefined) => (/T/.test(t) ? `${h}:${mm ?? '00'}` : m));
  if (!isIsoDateOrInstant(t)) return null;
  const at = new Date(t);
  return Number.isNaN(at.getTime()) ? null : { at, day: !t.includes('T') };
}

/**
 * A timestamp column: compared with a day (eq: the whole day, UTC) or an instant. Documents show
 * times to the millisecond and the database keeps microseconds: the comparison is that of the time
 * as shown (`modified_date gt` the modified_date a client read does not find that record again),
 * written as ranges on the column itself so that an index on it still serves.
 */
export function dateField(column: string): FilterField {
  return (op, value, at) => {
    const when = typeof value === 'string' ? filterInstant(value) : null;
    if (!when) {
      throw new AppError(
        'FILTER_INVALID',
        `filter: ${JSON.stringify(value)} is not a day (2026-01-31) or an instant (2026-01-31T18:27:35-05:00) of the calendar, at character ${at + 1}.`,
        { position: at + 1 },
      );
    }
    const col = sql.ref(column);
    const from = when.at;
    // The first instant after what `value` names: the next day, or the next millisecond.
    const next = new Date(from.getTime() + (when.day && (op === 'eq' || op === 'ne') ? 86_400_000 : 1));
    switch (op) {
      case 'eq':
        return sql<SqlBool>`(${col} >= ${from} and ${col} < ${next})`;
      case 'ne':
        return sql<SqlBool>`not (${col} >= ${from} and ${col} < ${next})`;
      case 'gt':
        return sql<SqlBool>`${col} >= ${next}`;
      case 'ge':
        return sql<SqlBool>`${col} >= ${from}`;
      case 'lt':
        return sql<SqlBool>`${col} < ${from}`;
      case 'le':
        return sql<SqlBool>`${col} < ${next}`;
    }
  };
}

/** A text column, compared without regard to case (numbers are read as their text: postal_code eq 75011). */
export function textField(column: string, normalize: (text: string) => string = (t) => t): FilterField {
  return (op, value) => {
    const text = normalize(String(value));
    return sql<SqlBool>`lower(${sql.ref(column)}) ${SQL_OPS[op]} lower(${text})`;
  };
}

/**
 * A value held in a scalar column or among an array's (e-mails: the primary and the others): eq
 * when any holds it, ne when none does; order comparisons are refused.
 */
export function anyOfField(scalar: string | null, array: string, normalize: (text: string) => string = (t) => t): FilterField {
  return (op, value, at) => {
    if (op !== 'eq' && op !== 'ne') {
      throw new AppError('FILTER_INVALID', `filter: only eq and ne compare this field, at character ${at + 1}.`, { position: at + 1 });
    }
    const text = normalize(String(value));
    const holds = scalar
      ? sql<SqlBool>`(${sql.ref(scalar)} = ${text} or ${text} = any(${sql.ref(array)}))`
      : sql<SqlBool>`(${text} = any(${sql.ref(array)}))`;
    return op === 'eq' ? holds : sql<SqlBool>`not ${holds}`;
  };
}

/** A field every row has the same value of (item_type 'osdi:person'): eq true when it matches. */
export function constantField(constant: string): FilterField {
  return (op, value, at) => {
    if (op !== 'eq' && op !== 'ne') {
      throw new AppError('FILTER_INVALID', `filter: only eq and ne compare this field, at character ${at + 1}.`, { position: at + 1 });
    }
    const same = String(value) === constant;
    return sql<SqlBool>`${op === 'eq' ? same : !same}`;
  };
}

const lowerEmail = (t: string) => t.trim().toLowerCase();

/**
 * The fields a people filter reads (people.md and the README's virtual fields), with the names
 * the README's examples also use (created, first_name…). `identifiers` matches one identifier,
 * ours (`relais:<id>`) included.
 */
export function personFilterFields(normalizePhone: (t: string) => string | null): Record<string, FilterField> {
  const phone = (t: string) => normalizePhone(t) ?? t.trim();
  const created = dateField('person.created_at');
  const modified = dateField('person.modified_at');
  const given = textField('person.given_name');
  const family = textField('person.family_name');
  const email = anyOfField('person.email', 'person.emails', lowerEmail);
  const postal = textField('person.postcode');
  const ownIdentifier = anyOfField(null, 'person.identifiers');
  return {
    created_date: created,
    created: created,
    modified_date: modified,
    modified: modified,
    given_name: given,
    first_name: given,
    family_name: family,
    last_name: family,
    additional_name: textField('person.additional_name'),
    gender: textField('person.gender'),
    source: textField('person.source'),
    origin_system: textField('person.origin_system'),
    email_address: email,
    'email_addresses/address': email,
    phone_number: anyOfField('person.phone', 'person.phones', phone),
    'phone_numbers/number': anyOfField('person.phone', 'person.phones', phone),
    postal_code: postal,
    'postal_addresses/postal_code': postal,
    'address.postal_code': postal,
    region: textField('person.region'),
    'postal_addresses/region': textField('person.region'),
    locality: textField('person.locality'),
    'postal_addresses/locality': textField('person.locality'),
    identifiers: (op, value, at) => {
      const m = /^relais:([0-9a-f-]{36})$/i.exec(String(value));
      if (!m || (op !== 'eq' && op !== 'ne')) return ownIdentifier(op, value, at);
      const own = sql<SqlBool>`(person.id::text = ${m[1]?.toLowerCase()} or ${String(value)} = any(person.identifiers))`;
      return op === 'eq' ? own : sql<SqlBool>`not ${own}`;
    },
  };
}

/** The fields a filter on taggings or list items reads (their one time is when the person was added). */
export function memberFilterFields(addedAt: string): Record<string, FilterField> {
  const added = dateField(addedAt);
  return { created_date: added, modified_date: added, created: added, modified: added, item_type: constantField('osdi:person') };
}

/** The fields a filter on tags or lists reads. */
export function groupFilterFields(table: 'g'): Record<string, FilterField> {
  return {
    name: textField(`${table}.name`),
    description: textField(`${table}.description`),
    origin_system: textField(`${table}.origin_system`),
    created_date: dateField(`${table}.created_at`),
    modified_date: dateField(`${table}.modified_at`),
    identifiers: anyOfField(null, `${table}.identifiers`),
  };
}
