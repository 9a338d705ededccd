// The segment editor's model: the definition tree with stable keys, and its conversion to and from the API.
import type { SegmentNode } from './api.ts';

// What the editor sends: built from rows the user fills in (a field, a comparison, a value), so it is
// typed loosely here; the server checks it against its definition schema and names a bad condition.
interface DraftCondition {
  field: string;
  cmp: string;
  value: unknown;
}
/** A definition as the editor writes it (the server's SegmentDefinition, loosely typed). */
export interface DraftGroup {
  op: 'and' | 'or' | 'not';
  children: DraftNode[];
}
type DraftNode = DraftCondition | DraftGroup;

export interface EditCondition {
  key: string;
  kind: 'condition';
  field: string;
  cmp: string;
  value: unknown;
}
export interface EditGroup {
  key: string;
  kind: 'group';
  op: 'and' | 'or';
  negate: boolean;
  children: EditNode[];
}
export type EditNode = EditCondition | EditGroup;

let counter = 0;
/** A fresh key for a row of the editor. */
export function newKey(): string {
  counter += 1;
  return `n${counter}`;
}

/** An empty group. */
export function emptyGroup(op: 'and' | 'or' = 'and'): EditGroup {
  return { key: newKey(), kind: 'group', op, negate: false, children: [] };
}

/** A new condition on a field with its default comparison. */
export function newCondition(field = 'ladder_stage'): EditCondition {
  return { key: newKey(), kind: 'condition', field, ...defaultsFor(field) };
}

/** Default comparison and value of each field kind. */
export function defaultsFor(field: string): { cmp: string; value: unknown } {
  if (field === 'ladder_stage' || field === 'zone') return { cmp: 'in', value: [] };
  if (field === 'tag') return { cmp: 'has', value: null };
  if (field === 'list') return { cmp: 'member', value: null };
  if (field === 'consent') return { cmp: 'given', value: 'email' };
  if (field === 'activity') return { cmp: 'exists', value: { type: 'petition.signed' } };
  if (field === 'created_date' || field === 'modified_date') return { cmp: 'gte', value: '' };
  return { cmp: 'eq', value: '' };
}

function isGroup<G extends { op: string }>(node: G | { field: string }): node is G {
  return 'op' in node;
}

/** Reads an API definition into the editor model (a NOT over one group becomes that group negated). */
export function fromDefinition(node: SegmentNode): EditNode {
  if (!isGroup(node)) {
    return { key: newKey(), kind: 'condition', field: node.field, cmp: node.cmp, value: 'value' in node ? node.value : undefined };
  }
  if (node.op === 'not') {
    const only = node.children.length === 1 ? node.children[0] : undefined;
    const inner = only && isGroup(only) && only.op !== 'not' ? only : { op: 'and' as const, children: node.children };
    const group = fromDefinition(inner) as EditGroup;
    return { ...group, negate: true };
  }
  return { key: newKey(), kind: 'group', op: node.op, negate: false, children: node.children.map(fromDefinition) };
}

/** Is the condition filled in enough to be sent? */
export function isComplete(condition: EditCondition): boolean {
  const v = condition.value;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Boolean((v as { type?: string }).type);
  return v !== null && v !== undefined && v !== '';
}

/** Writes the editor model as an API definition, leaving out incomplete rows and empty groups (null if nothing is left). */
export function toDefinition(node: EditNode): DraftNode | null {
  if (node.kind === 'condition') {
    if (!isComplete(node)) return null;
    const condition: DraftCondition = { field: node.field, cmp: node.cmp, value: cleanValue(node.value) };
    return condition;
  }
  const children = node.children.map(toDefinition).filter((c): c is DraftNode => c !== null);
  if (children.length === 0) return null;
  const group: DraftGroup = { op: node.op, children };
  return node.negate ? { op: 'not', children: [group] } : group;
}

/** The root as a group definition (the API wants a group at the top), or null when empty. */
export function rootDefinition(root: EditGroup): DraftGroup | null {
  const def = toDefinition(root);
  if (!def) return null;
  return 'op' in def ? def : { op: 'and', children: [def] };
}

function cleanValue(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== '' && v !== null && v !== undefined));
  }
  return value;
}

/** Replaces the node with this key anywhere in the tree (or removes it when next is null). */
export function updateNode(root: EditGroup, key: string, next: EditNode | null): EditGroup {
  const walk = (group: EditGroup): EditGroup => ({
    ...group,
    children: group.children.flatMap((child) => {
      if (child.key === key) return next ? [next] : [];
      return child.kind === 'group' ? [walk(child)] : [child];
    }),
  });
  return walk(root);
}
