// When a failed delivery is tried again, and when an endpoint is given up on. Pure: the tests read
// the schedule from here.

/** How long a delivery is retried after its event: a day. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** First wait after a failure; each further failure doubles it, up to MAX_DELAY_MS. */
export const FIRST_DELAY_MS = 30_000;
export const MAX_DELAY_MS = 4 * 60 * 60 * 1000;
/** An endpoint failing this many attempts in a row is disabled, even before a day of failures. */
export const MAX_CONSECUTIVE_FAILURES = 100;
/** An endpoint failing every attempt for this long is disabled. */
export const FAILING_PERIOD_MS = RETRY_WINDOW_MS;

/** The wait after the n-th failed attempt (n ≥ 1): 30 s, 1 min, 2 min, 4 min… capped at 4 h. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1));
}

/**
 * The next attempt after the n-th failure at `now`, or null when the delivery is given up: never
 * past `retryUntil` (a day after the event), the last attempt landing on it.
 */
export function nextAttemptAt(failedAttempts: number, now: Date, retryUntil: Date): Date | null {
  if (now.getTime() >= retryUntil.getTime()) return null;
  return new Date(Math.min(now.getTime() + retryDelayMs(failedAttempts), retryUntil.getTime()));
}

/** The whole schedule of a delivery that always fails: the offsets (ms after the event) of its attempts. */
export function attemptOffsets(): number[] {
  const offsets = [0];
  const until = new Date(RETRY_WINDOW_MS);
  for (let n = 1; ; n += 1) {
    const next = nextAttemptAt(n, new Date(offsets[offsets.length - 1] ?? 0), until);
    if (!next) return offsets;
    offsets.push(next.getTime());
  }
}

/** True when an endpoint's run of failures has gone on long enough to disable it. */
export function shouldDisable(consecutiveFailures: number, failingSince: Date | null, now: Date): boolean {
  if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) return true;
  return failingSince !== null && now.getTime() - failingSince.getTime() >= FAILING_PERIOD_MS;
}
