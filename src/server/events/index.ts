// Domain events: the typed list, the outbox writer, the after-commit dispatcher and who subscribes.
export { dispatchPending, type EventDispatcher, registerSubscribers, startEventDispatcher } from './dispatcher.ts';
export type { AnyDomainEvent, DomainEvent, DomainEventPayloads, DomainEventType, NewDomainEvent } from './event-types.ts';
export { isEvent, WEBHOOK_EVENTS, type WebhookEventSpec } from './event-types.ts';
export { emitEvents } from './outbox.ts';
export { type EventReaction, type EventSubscriber, eventReactions, eventSubscribers, type SubscriberContext } from './subscribers.ts';
