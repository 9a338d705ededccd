// Writing domain events: into the outbox table, in the caller's transaction, then the
// in-transaction reactions of each (which may write events of their own).
import type { Trx } from '../db/database.ts';
import { uuidv7 } from '../lib/ids.ts';
import type { AnyDomainEvent, DomainEvent, NewDomainEvent } from './event-types.ts';
import { eventReactions } from './subscribers.ts';

const INSERT_CHUNK = 5000;

/** Writes events in the transaction and runs their reactions; returns them and every event the reactions wrote. */
export async function emitEvents(trx: Trx, events: readonly NewDomainEvent[]): Promise<AnyDomainEvent[]> {
  if (events.length === 0) return [];
  const at = new Date();
  const stored = events.map(
    (e) =>
      ({
        id: uuidv7(),
        campaignId: e.campaignId,
        type: e.type,
        personId: e.personId ?? null,
        payload: e.payload,
        actorLabel: e.actorLabel ?? '',
        at,
      }) as AnyDomainEvent,
  );
  // In chunks: 7 parameters an event, and a statement takes at most 65,535 (bulk actions tag thousands).
  for (let i = 0; i < stored.length; i += INSERT_CHUNK) {
    await trx
      .insertInto('domain_event')
      .values(
        stored.slice(i, i + INSERT_CHUNK).map((e) => ({
          campaign_id: e.campaignId,
          id: e.id,
          type: e.type,
          person_id: e.personId,
          payload: JSON.stringify(e.payload),
          actor_label: e.actorLabel,
          at: e.at,
        })),
      )
      .execute();
  }
  const all: AnyDomainEvent[] = [...stored];
  const reactions = eventReactions();
  for (const event of stored) {
    for (const reaction of reactions) {
      if (reaction.type !== event.type) continue;
      all.push(...(await reaction.react(trx, event as DomainEvent)));
    }
  }
  return all;
}
