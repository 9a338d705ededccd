// The promotion rules as the editor holds them (with keys for React and half-filled conditions),
// their validation, and the conversion to what PUT /ladder takes.
import type { LadderInput, LadderRule, RuleStage } from '../api.ts';

/** Activity types the platform records that make sense as promotion conditions. */
export const RULE_ACTIVITY_TYPES = [
  'petition.signed',
  'event.rsvp',
  'event.attended',
  'canvass.shift_completed',
  'door.knocked',
  'contact.supportive',
  'contact.volunteering',
  'mailing.opened',
  'mailing.clicked',
  'signup',
] as const;

export interface DraftCondition {
  key: string;
  type: string | null;
  min_count: number | string;
}

export interface DraftRule {
  key: string;
  id?: string;
  to_stage: RuleStage;
  description: string;
  enabled: boolean;
  conditions: DraftCondition[];
}

export type RuleError = 'conditionRequired' | 'conditionTypeRequired' | 'conditionMinInvalid' | null;

let counter = 0;
const nextKey = () => `k${++counter}`;

/** The editor's copy of the saved rules. */
export function draftOf(rules: readonly LadderRule[]): DraftRule[] {
  return rules.map((rule) => ({
    key: rule.id,
    id: rule.id,
    to_stage: rule.to_stage,
    description: rule.description,
    enabled: rule.enabled,
    conditions: rule.conditions.map((c) => ({ key: nextKey(), type: c.type, min_count: c.min_count })),
  }));
}

/** An empty condition (activity to choose, once). */
export function newCondition(): DraftCondition {
  return { key: nextKey(), type: null, min_count: 1 };
}

/** A new rule towards the first stage above curious, with one empty condition. */
export function newRule(): DraftRule {
  return { key: nextKey(), to_stage: 'sympathizer', description: '', enabled: true, conditions: [newCondition()] };
}

/** True when the count is a whole number the server accepts (1 to 1000). */
export function validCount(value: number | string): boolean {
  const n = Number(value);
  return value !== '' && Number.isInteger(n) && n >= 1 && n <= 1000;
}

/** The first problem of a rule, or null. */
export function ruleError(rule: DraftRule): RuleError {
  if (rule.conditions.length === 0) return 'conditionRequired';
  if (rule.conditions.some((c) => !c.type)) return 'conditionTypeRequired';
  if (rule.conditions.some((c) => !validCount(c.min_count))) return 'conditionMinInvalid';
  return null;
}

/** The rules as PUT /ladder takes them (new rules without id); [] means "back to the defaults". */
export function toInput(rules: readonly DraftRule[]): NonNullable<LadderInput['rules']> {
  return rules.map((rule) => ({
    ...(rule.id ? { id: rule.id } : {}),
    to_stage: rule.to_stage,
    description: rule.description.trim(),
    enabled: rule.enabled,
    conditions: rule.conditions.map((c) => ({ type: c.type ?? '', min_count: Number(c.min_count) })),
  }));
}

/** True when two drafts would save the same rules. */
export function sameRules(a: readonly DraftRule[], b: readonly DraftRule[]): boolean {
  return JSON.stringify(toInput(a)) === JSON.stringify(toInput(b));
}
