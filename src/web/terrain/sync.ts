// Sending the queue: the page itself does it (Safari has no Background Sync) — when the app opens,
// when the network comes back, when the page becomes visible again, and every minute. Items the
// server answers (stored, duplicate or rejected) leave the queue; a failed request leaves it as is,
// and the ids made on the phone make a resend harmless.
import { dropQueued, type QueueItem, queued } from './store.ts';

const RESULTS_PER_REQUEST = 200;
const CONTACTS_PER_REQUEST = 20;
let running: Promise<SyncOutcome> | null = null;
let csrf: string | null = null;

export interface SyncOutcome {
  sent: number;
  rejected: number;
  left: number;
  error: 'offline' | 'unauthenticated' | 'failed' | null;
}

export function setCsrf(token: string | null): void {
  csrf = token;
}

/** The session's CSRF token (the photo uploads send it too). */
export function csrfToken(): string | null {
  return csrf;
}

/** Sends what waits, once at a time (a second call joins the running one). */
export function flushQueue(): Promise<SyncOutcome> {
  running ??= flush().finally(() => {
    running = null;
  });
  return running;
}

async function flush(): Promise<SyncOutcome> {
  let sent = 0;
  let rejected = 0;
  for (;;) {
    const items = await queued();
    if (items.length === 0) return { sent, rejected, left: 0, error: null };
    if (!navigator.onLine) return { sent, rejected, left: items.length, error: 'offline' };
    // Results first (a contact names its result), in the order they were recorded.
    const results = items.filter((i): i is Extract<QueueItem, { kind: 'result' }> => i.kind === 'result').slice(0, RESULTS_PER_REQUEST);
    const contacts =
      results.length < RESULTS_PER_REQUEST
        ? items.filter((i): i is Extract<QueueItem, { kind: 'contact' }> => i.kind === 'contact').slice(0, CONTACTS_PER_REQUEST)
        : [];
    let response: Response;
    try {
      response = await fetch('/api/v1/canvass/sync', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify({ results: results.map((r) => r.body), contacts: contacts.map((c) => c.body) }),
      });
    } catch {
      return { sent, rejected, left: items.length, error: 'offline' };
    }
    if (response.status === 401 || response.status === 403) return { sent, rejected, left: items.length, error: 'unauthenticated' };
    if (!response.ok) return { sent, rejected, left: items.length, error: 'failed' };
    const answer = (await response.json()) as {
      results: Array<{ id: string; status: string }>;
      contacts: Array<{ id: string; status: string }>;
    };
    const answered = [...answer.results, ...answer.contacts];
    rejected += answered.filter((a) => a.status === 'rejected').length;
    sent += answered.length;
    await dropQueued(answered.map((a) => a.id));
  }
}
