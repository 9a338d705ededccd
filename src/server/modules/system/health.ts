// The health probe, shared by the Fastify route and the server's fast path: the database is
// probed at most once a second, and a healthy answer is the same pre-serialised bytes every time.
import type { Database } from '../../db/database.ts';

export interface HealthCheck {
  /** The JSON body of a healthy answer. */
  readonly body: string;
  /** Whether the database answered its last probe (re-probed when older than a second). */
  healthy(): Promise<boolean>;
}

/** Creates the probe of one database. */
export function createHealthCheck(database: Database, intervalMs = 1000): HealthCheck {
  let checkedAt = 0;
  let last: Promise<boolean> = Promise.resolve(true);
  return {
    body: JSON.stringify({ status: 'ok', database: database.kind }),
    healthy() {
      const now = Date.now();
      if (now - checkedAt > intervalMs) {
        checkedAt = now;
        last = database.raw.query('select 1').then(
          () => true,
          () => false,
        );
      }
      return last;
    },
  };
}
