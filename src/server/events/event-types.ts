// Every domain event type and its payload, in one place. A payload is JSON (snake_case, like the
// API) because webhooks will send it as it is; the envelope carries the campaign, the person and
// who acted.
import type { ConsentChannel, ConsentStatus, EmailTopic, LadderStage } from '../../shared/enums.ts';

export interface DomainEventPayloads {
  /** A person was created by hand, through the API or a signup (not by an import: see people.imported). */
  'person.created': { source: string };
  /** A person's OSDI fields changed (the names of the fields and custom fields). */
  'person.updated': { fields: string[]; custom_fields: string[] };
  /** A person was given a tag. */
  'person.tagged': { tag_id: string };
  /** A consent ledger entry was written. */
  'consent.changed': { consent_id: string; channel: ConsentChannel; status: ConsentStatus; source: string; topic?: EmailTopic };
  /** A line was written on a person's timeline. */
  'activity.recorded': { activity_id: string; type: string; ref_type: string | null; ref_id: string | null };
  /** A person moved on the ladder (a rule, a hand or an import moved them). */
  'ladder.moved': { move_id: string; from_stage: LadderStage | null; to_stage: LadderStage; rule_id: string | null; reason: string };
  /** An import was applied: one summary event per import, not one per row (see imports/apply.ts). */
  'people.imported': { import_id: string; file: string; created: number; updated: number; skipped: number };
}

export type DomainEventType = keyof DomainEventPayloads;

/** A stored domain event of one type. */
export interface DomainEvent<T extends DomainEventType = DomainEventType> {
  id: string;
  campaignId: string;
  type: T;
  personId: string | null;
  payload: DomainEventPayloads[T];
  actorLabel: string;
  at: Date;
}

/** Any stored domain event, discriminated by its type. */
export type AnyDomainEvent = { [T in DomainEventType]: DomainEvent<T> }[DomainEventType];

/** An event about to be written (id and time are given by the outbox). */
export type NewDomainEvent = {
  [T in DomainEventType]: { campaignId: string; type: T; personId?: string | null; payload: DomainEventPayloads[T]; actorLabel?: string };
}[DomainEventType];

/** Narrows an event to one type. */
export function isEvent<T extends DomainEventType>(event: AnyDomainEvent, type: T): event is AnyDomainEvent & DomainEvent<T> {
  return event.type === type;
}

/** How an event type is offered to webhook subscriptions. */
export interface WebhookEventSpec {
  /**
   * The key of the event's object in a delivery, as Action Network names its payloads
   * (`osdi:signature`, `osdi:attendance`…): an OSDI resource name where one fits, `relais:…` otherwise.
   */
  key: `osdi:${string}` | `relais:${string}`;
  /** Its name in the back office, French first. */
  label: { fr: string; en: string };
}

/**
 * Which event types webhooks may subscribe to: every type says, so a module adding an event type
 * (signatures, attendances, canvasses, messages sent…) decides here whether receivers may have it
 * (null: internal only). The webhooks module builds its catalogue and deliveries from this table.
 */
export const WEBHOOK_EVENTS: { readonly [T in DomainEventType]: WebhookEventSpec | null } = {
  'person.created': { key: 'osdi:person', label: { fr: 'Contact créé', en: 'Person created' } },
  'person.updated': { key: 'osdi:person', label: { fr: 'Contact modifié', en: 'Person updated' } },
  'person.tagged': { key: 'osdi:tagging', label: { fr: 'Étiquette ajoutée à un contact', en: 'Person tagged' } },
  'consent.changed': { key: 'relais:consent', label: { fr: 'Consentement modifié', en: 'Consent changed' } },
  'ladder.moved': { key: 'relais:ladder_move', label: { fr: "Changement d'étape d'engagement", en: 'Ladder stage changed' } },
  'people.imported': { key: 'relais:import', label: { fr: 'Import de contacts terminé', en: 'People import applied' } },
  // Internal: every timeline line, already told by the events above (and by later modules' own).
  'activity.recorded': null,
};
