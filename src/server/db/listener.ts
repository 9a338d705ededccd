// LISTEN on a notification channel, so that what one server instance commits reaches every other
// at once (the token cache's changes). On PostgreSQL a dedicated connection, outside the pool,
// reconnecting with a back-off; while it is down the listener is not `live` and `onGap` has told
// its user that notifications may be missed (it must stop trusting what it cached). On PGlite, one
// process: PGlite's own listen, always live.
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface ListenHandlers {
  /** A notification's payload, delivered after the notifying transaction committed. */
  onMessage(payload: string): void;
  /** Notifications may have been missed (the connection was lost, or is back after a loss). */
  onGap(): void;
}

export interface Listener {
  /** True while notifications are being received. */
  readonly live: boolean;
  /** Resolves once every notification committed before the call has been handed to onMessage. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** The application_name of the listening connections. */
export const LISTENER_APPLICATION_NAME = 'relais listener';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/** Listens on a PostgreSQL channel through its own connection. */
export async function listenPostgres(connectionString: string, channel: string, handlers: ListenHandlers): Promise<Listener> {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let delay = FIRST_RETRY_MS;

  const lost = (c: pg.Client) => {
    if (client !== c && client !== null) return;
    const wasLive = client === c;
    client = null;
    c.end().catch(() => {});
    if (wasLive) handlers.onGap();
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    retry.unref();
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  };

  const connect = async () => {
    // Named, so that an operator sees in pg_stat_activity what the extra connection is.
    const c = new pg.Client({ connectionString, application_name: LISTENER_APPLICATION_NAME });
    c.on('notification', (n) => {
      if (n.channel === channel) handlers.onMessage(n.payload ?? '');
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      lost(c);
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    delay = FIRST_RETRY_MS;
    // What was cached while no one listened may be stale.
    handlers.onGap();
  };

  await connect();
  return {
    get live() {
      return client !== null;
    },
    async sync() {
      // The server sends a session's pending notifications before the answer to its next query.
      await client?.query('select 1');
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}

/** Listens on a channel of the embedded database (one process: always live). */
export async function listenPglite(pglite: PGlite, channel: string, handlers: ListenHandlers): Promise<Listener> {
  const unlisten = await pglite.listen(channel, (payload) => handlers.onMessage(payload));
  let closed = false;
  return {
    get live() {
      return !closed;
    },
    async sync() {
      await pglite.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!pglite.closed) await unlisten();
    },
  };
}
