// Who reacts to domain events, listed once. Reactions run inside the transaction that writes the
// event (their writes commit or roll back with it, and the caller sees them in its answer);
// subscribers run after commit, through the dispatcher, at least once.
import type { Config } from '../config.ts';
import type { Db, Trx } from '../db/database.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { ladderReaction } from '../modules/people/ladder.ts';
import { webhooksSubscriber } from '../modules/webhooks/index.ts';
import type { AnyDomainEvent, DomainEvent, DomainEventType } from './event-types.ts';

/** Work done in the writing transaction when an event of `type` is written; returns the events it wrote. */
export interface EventReaction<T extends DomainEventType = DomainEventType> {
  name: string;
  type: T;
  react(trx: Trx, event: DomainEvent<T>): Promise<AnyDomainEvent[]>;
}

/** What a subscriber is handed: the database (outside any tenant), and the process's job queue and settings when it runs in one. */
export interface SubscriberContext {
  db: Db;
  jobs: JobQueue | null;
  config: Config | null;
}

/** Work done after commit for events of `types` (webhooks, live screens…); must be idempotent. */
export interface EventSubscriber {
  /** Stable name: the dispatcher keeps its cursor under it. */
  name: string;
  types: readonly DomainEventType[];
  handle(event: AnyDomainEvent, context: SubscriberContext): Promise<void>;
  /**
   * Optional: which of a batch of events (of its types) need handling, looked up once for the batch
   * (e.g. which have a webhook subscription: a bulk action writes thousands of events that most
   * campaigns subscribe to nothing for). The others are passed over; without it, every one is handled.
   */
  select?(events: readonly AnyDomainEvent[], context: SubscriberContext): Promise<ReadonlySet<string>>;
}

/**
 * The in-transaction reactions. The ladder runs here rather than after commit: a signup or an
 * activity answers with the person's new stage, as it always has.
 */
export function eventReactions(): readonly EventReaction[] {
  // A function, not a constant: this file and ladder.ts import each other.
  return [ladderReaction as EventReaction];
}

/** The after-commit subscribers the runtime's dispatcher serves. */
export function eventSubscribers(): readonly EventSubscriber[] {
  // A function, like the reactions: the webhooks module imports this file's types back.
  return [webhooksSubscriber];
}
