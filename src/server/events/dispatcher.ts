// The after-commit half of the outbox: reads committed events in commit-safe order and calls each
// subscriber, keeping one cursor per subscriber in the database. At least once: the cursor moves
// only past what the subscriber handled, so a failure (or a crash) means the event comes again —
// on a later pass, after a back-off, or from the next process after a restart.
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { AnyDomainEvent } from './event-types.ts';
import type { EventSubscriber, SubscriberContext } from './subscribers.ts';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
/** Events read per round trip. */
const BATCH = 500;
/** Longest wait before a failed subscriber is tried again. */
const MAX_BACKOFF_MS = 5 * 60_000;

export interface DispatchReport {
  delivered: number;
  failed: Array<{ subscriber: string; eventId: string; error: string }>;
}

/** Gives each subscriber a cursor if it has none: a new subscriber is served the events written from now on. */
export async function registerSubscribers(db: Db, subscribers: readonly EventSubscriber[]): Promise<void> {
  for (const s of subscribers) {
    await sql`insert into domain_event_cursor (subscriber, last_txid, last_id)
      values (${s.name}, pg_snapshot_xmin(pg_current_snapshot()), ${NIL_UUID})
      on conflict (subscriber) do nothing`.execute(db);
  }
}

interface EventRow {
  campaign_id: string;
  id: string;
  txid: string;
  type: AnyDomainEvent['type'];
  person_id: string | null;
  payload: Record<string, unknown>;
  actor_label: string;
  at: Date;
}

const toEvent = (r: EventRow) =>
  ({
    id: r.id,
    campaignId: r.campaign_id,
    type: r.type,
    personId: r.person_id,
    payload: r.payload,
    actorLabel: r.actor_label,
    at: r.at,
  }) as AnyDomainEvent;

/** The ids of a batch's events the subscriber wants handled (null: all of its types). */
async function selectedOf(subscriber: EventSubscriber, rows: readonly EventRow[], context: SubscriberContext) {
  if (!subscriber.select) return null;
  const events = rows.filter((r) => subscriber.types.includes(r.type)).map(toEvent);
  return events.length > 0 ? subscriber.select(events, context) : new Set<string>();
}

/** Delivers every committed event each subscriber has not handled yet (one pass; `now` decides back-offs). */
export async function dispatchPending(
  db: Db,
  subscribers: readonly EventSubscriber[],
  options: { now?: Date; context?: Partial<Omit<SubscriberContext, 'db'>> } = {},
): Promise<DispatchReport> {
  const now = options.now ?? new Date();
  const context: SubscriberContext = { db, jobs: options.context?.jobs ?? null, config: options.context?.config ?? null };
  const report: DispatchReport = { delivered: 0, failed: [] };
  await registerSubscribers(db, subscribers);
  for (const subscriber of subscribers) {
    const cursor = await db
      .selectFrom('domain_event_cursor')
      .select([sql<string>`last_txid::text`.as('txid'), 'last_id', 'attempts', 'retry_at'])
      .where('subscriber', '=', subscriber.name)
      .executeTakeFirstOrThrow();
    if (cursor.retry_at && cursor.retry_at > now) continue;
    let position = { txid: cursor.txid, id: cursor.last_id };
    const save = (failure?: { error: string }) =>
      db
        .updateTable('domain_event_cursor')
        .set({
          last_txid: sql`${position.txid}::xid8` as never,
          last_id: position.id,
          attempts: failure ? cursor.attempts + 1 : 0,
          last_error: failure?.error ?? null,
          retry_at: failure ? new Date(now.getTime() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** cursor.attempts)) : null,
          updated_at: new Date(),
        })
        .where('subscriber', '=', subscriber.name)
        .execute();
    for (;;) {
      // Only transactions older than every running one: a later commit never lands behind the cursor.
      const { rows } = await sql<EventRow>`select campaign_id, id, txid::text as txid, type, person_id, payload, actor_label, at
        from domain_event
        where (txid, id) > (${position.txid}::xid8, ${position.id}::uuid)
          and txid < pg_snapshot_xmin(pg_current_snapshot())
        order by txid, id limit ${BATCH}`.execute(db);
      let failed = false;
      let selected: ReadonlySet<string> | null;
      try {
        selected = await selectedOf(subscriber, rows, context);
      } catch (error) {
        // Like a failed event: the cursor stays, and the batch comes again after a back-off.
        const message = error instanceof Error ? error.message : String(error);
        report.failed.push({ subscriber: subscriber.name, eventId: rows[0]?.id ?? NIL_UUID, error: message });
        await save({ error: message.slice(0, 1000) });
        break;
      }
      for (const row of rows) {
        if (subscriber.types.includes(row.type) && (selected === null || selected.has(row.id))) {
          try {
            await subscriber.handle(toEvent(row), context);
            report.delivered += 1;
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            report.failed.push({ subscriber: subscriber.name, eventId: row.id, error: message });
            await save({ error: message.slice(0, 1000) });
            failed = true;
            break;
          }
        }
        position = { txid: row.txid, id: row.id };
      }
      if (failed) break;
      if (rows.length > 0 || cursor.attempts > 0) await save();
      if (rows.length < BATCH) break;
    }
  }
  return report;
}

export interface EventDispatcher {
  /** Asks for a pass as soon as the current one ends (after a commit that wrote events). */
  kick(): void;
  stop(): Promise<void>;
}

/** Runs dispatch passes every `intervalMs` in this process until stopped. */
export function startEventDispatcher(
  db: Db,
  subscribers: readonly EventSubscriber[],
  options: { intervalMs?: number; onError?: (error: unknown) => void; context?: Partial<Omit<SubscriberContext, 'db'>> } = {},
): EventDispatcher {
  const intervalMs = options.intervalMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;
  const pass = () => {
    timer = null;
    running = dispatchPending(db, subscribers, { context: options.context ?? {} })
      .then((r) => {
        for (const f of r.failed) options.onError?.(new Error(`${f.subscriber} failed on event ${f.eventId}: ${f.error}`));
      })
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(pass, intervalMs);
      });
  };
  timer = setTimeout(pass, 0);
  return {
    kick() {
      if (timer && !running) {
        clearTimeout(timer);
        timer = setTimeout(pass, 0);
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
