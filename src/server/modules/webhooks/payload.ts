// What a delivery carries: a JSON array of objects in Action Network's shape, each keyed by its
// resource (`osdi:person`, `osdi:tagging`, `relais:consent`…, from events/event-types.ts), beside a
// `relais:event` envelope and the object's `idempotency_key` (the event's id: the same on every
// retry and replay, so a receiver handles each event once).

import type { Trx } from '../../db/database.ts';
import type { AnyDomainEvent, WebhookEventSpec } from '../../events/event-types.ts';
import { formatPersonOsdi } from '../people/index.ts';

/** The event type of a test delivery ("send a test" in the back office). */
export const TEST_EVENT_TYPE = 'webhook.test';

type Links = Record<string, { href: string }>;

/** The delivery body of one event. */
export async function eventBody(trx: Trx, event: AnyDomainEvent, spec: WebhookEventSpec, apiBase: string): Promise<unknown[]> {
  const links: Links = {};
  let person: Record<string, unknown> | null = null;
  if (event.personId) {
    links['osdi:person'] = { href: `${apiBase}/people/${event.personId}` };
    const row = await trx
      .selectFrom('person')
      .selectAll()
      .where('campaign_id', '=', event.campaignId)
      .where('id', '=', event.personId)
      .executeTakeFirst();
    // The person's own fields (zones, tags and lists: follow the link).
    if (row) person = formatPersonOsdi(row, { apiBase }) as unknown as Record<string, unknown>;
  }
  let resource: Record<string, unknown>;
  if (spec.key === 'osdi:person') {
    resource = person ?? { id: event.personId, _links: links };
  } else {
    const payload: Record<string, unknown> = { ...(event.payload as Record<string, unknown>) };
    if (typeof payload.tag_id === 'string') {
      links['osdi:tag'] = { href: `${apiBase}/tags/${payload.tag_id}` };
      const tag = await trx
        .selectFrom('tag')
        .select(['id', 'name'])
        .where('campaign_id', '=', event.campaignId)
        .where('id', '=', payload.tag_id)
        .executeTakeFirst();
      payload.tag = tag ?? null;
    }
    resource = {
      identifiers: [`relais:${event.id}`],
      created_date: event.at.toISOString(),
      ...payload,
      ...(person ? { person } : {}),
      _links: links,
    };
  }
  return [
    {
      [spec.key]: resource,
      'relais:event': {
        id: event.id,
        type: event.type,
        created_date: event.at.toISOString(),
        actor: event.actorLabel,
        data: event.payload,
      },
      idempotency_key: event.id,
    },
  ];
}

/** The body of a test delivery. */
export function testBody(id: string, at: Date): unknown[] {
  return [
    {
      'relais:test': { message: 'Test de webhook Relais / Relais webhook test', created_date: at.toISOString() },
      'relais:event': { id, type: TEST_EVENT_TYPE, created_date: at.toISOString(), actor: '', data: {} },
      idempotency_key: id,
    },
  ];
}
