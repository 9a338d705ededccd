// The Mastodon stream job: one run per watch holds the watch's streaming connection (SSE) for a
// bounded time (STREAM_HOLD_MS), then queues the next run, which takes over. Each run first catches
// up through the REST timeline with the watch's since_id cursor (what was posted while no stream
// was connected), then streams; every status goes through the one ingest path, whose unique key
// makes a status caught twice (stream and catch-up) one mention. A claim on listening_stream keeps
// one connection per watch. While connected the watch is not polled; after a failure the run backs
// off (Retry-After / X-RateLimit-Reset honoured) and the REST polling takes over meanwhile.

import { sql } from 'kysely';
import { Type } from 'typebox';
import type { TenantRunner } from '../../db/database.ts';
import { defineJob, type EnqueueOptions } from '../../jobs/queue.ts';
import { backoffAfter, rateLimitedUntil, type WatchQuery } from './adapters/common.ts';
import { holdMastodonStream, streamPathOf } from './adapters/mastodon-stream.ts';
import { accountWithCredentials, ingest, type ListeningEnv, markDisconnected } from './listening.service.ts';
import { envOf, pollWatch } from './pass.ts';

export const STREAM_JOB = 'listening.stream';
/** How long a run holds its connection before handing over to the next run. */
export const STREAM_HOLD_MS = 10 * 60_000;
/** A run's claim outlives its hold by this much (the catch-up, the last writes). */
const CLAIM_SLACK_MS = 2 * 60_000;

type Enqueue = (options: EnqueueOptions) => Promise<string>;

export interface StreamDeps {
  tenant: TenantRunner;
  env: ListeningEnv;
  campaignId: string;
  enqueue: Enqueue;
}

export interface StreamRun {
  outcome: 'gone' | 'busy' | 'handover' | 'cut' | 'failed' | 'disconnected';
  caughtUp: number;
  streamed: number;
  added: number;
  error: string | null;
}

async function queueNext(deps: StreamDeps, watchId: string, at: Date | null): Promise<void> {
  const later = at && at.getTime() > Date.now();
  await deps.enqueue({
    campaignId: deps.campaignId,
    kind: STREAM_JOB,
    params: { watch_id: watchId },
    ...(later ? { startAfter: at } : {}),
  });
}

/** Holds one watch's stream for up to holdMs (or until `signal` aborts): one run of the job. */
export async function runStream(
  deps: StreamDeps,
  watchId: string,
  options: { holdMs?: number; signal?: AbortSignal; idleTimeoutMs?: number } = {},
): Promise<StreamRun> {
  const { tenant, env, campaignId } = deps;
  const holdMs = options.holdMs ?? STREAM_HOLD_MS;
  const start = new Date();
  const heldUntil = new Date(start.getTime() + holdMs + CLAIM_SLACK_MS);
  const result: StreamRun = { outcome: 'gone', caughtUp: 0, streamed: 0, added: 0, error: null };
  // Claim the watch's stream (no other run holds it).
  const claimed = await tenant(async (trx) => {
    const watch = await trx
      .selectFrom('listening_watch')
      .select(['source', 'active', 'account_id'])
      .where('id', '=', watchId)
      .executeTakeFirst();
    if (!watch?.active || watch.source !== 'mastodon' || !watch.account_id) {
      await trx.deleteFrom('listening_stream').where('watch_id', '=', watchId).execute();
      return 'gone' as const;
    }
    const row = await trx
      .insertInto('listening_stream')
      .values({ campaign_id: campaignId, watch_id: watchId, state: 'connected', held_until: heldUntil, connected_at: start })
      .onConflict((oc) =>
        oc
          .columns(['campaign_id', 'watch_id'])
          .doUpdateSet({ state: 'connected', held_until: heldUntil, connected_at: start })
          .where(sql<boolean>`listening_stream.held_until IS NULL OR listening_stream.held_until < ${start}`),
      )
      .returning('watch_id')
      .executeTakeFirst();
    return row ? ('claimed' as const) : ('busy' as const);
  });
  if (claimed !== 'claimed') return { ...result, outcome: claimed };

  let notBefore: Date | null = null;
  let disconnected = false;
  try {
    // Catch up through REST (the watch's since_id cursors): what was posted while nobody listened.
    const caught = await pollWatch(tenant, env, campaignId, watchId, start);
    result.caughtUp = caught.added;
    result.added += caught.added;
    if (caught.error) throw new Error(caught.error);
    const loaded = await tenant(async (trx) => {
      const watch = await trx.selectFrom('listening_watch').selectAll().where('id', '=', watchId).executeTakeFirstOrThrow();
      const account = watch.account_id ? await accountWithCredentials(trx, env, campaignId, watch.account_id) : null;
      // Not polled while the stream holds (the next run catches up anyway).
      await trx.updateTable('listening_watch').set({ next_poll_at: heldUntil }).where('id', '=', watchId).execute();
      return { watch, account };
    });
    const { watch, account } = loaded;
    if (!account?.secrets || account.status === 'disconnected') throw new Error('The account is disconnected: reconnect it.');
    const query = watch.query as WatchQuery;
    const tagKey = streamPathOf(query).includes('/hashtag?') ? `tag:${query.hashtags[0]}` : null;
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(holdMs)]) : AbortSignal.timeout(holdMs);
    const end = await holdMastodonStream(
      {
        baseUrl: account.base_url,
        token: account.secrets.token,
        query,
        allowNetworks: env.allowNetworks,
        signal,
        ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
      },
      async (item, statusId) => {
        const added = await tenant(async (trx) => {
          const n = await ingest(trx, campaignId, { id: watchId, source: 'mastodon', query }, [item]);
          // The hashtag's REST cursor moves on with the stream: the next catch-up asks only for newer.
          if (tagKey) {
            const row = await trx.selectFrom('listening_watch').select('cursor').where('id', '=', watchId).forUpdate().executeTakeFirst();
            const cursor = (row?.cursor ?? {}) as Record<string, unknown>;
            const seen = typeof cursor[tagKey] === 'string' ? (cursor[tagKey] as string) : null;
            if (/^\d{1,30}$/.test(statusId) && (!seen || !/^\d{1,30}$/.test(seen) || BigInt(statusId) > BigInt(seen)))
              await trx
                .updateTable('listening_watch')
                .set({ cursor: JSON.stringify({ ...cursor, [tagKey]: statusId }) })
                .where('id', '=', watchId)
                .execute();
          }
          await trx
            .updateTable('listening_stream')
            .set((eb) => ({ events: eb('events', '+', 1), last_event_at: new Date() }))
            .where('watch_id', '=', watchId)
            .execute();
          return n;
        });
        result.streamed += 1;
        result.added += added;
      },
    );
    if (end.status === 401 || end.status === 403) {
      disconnected = true;
      await tenant((trx) => markDisconnected(trx, account.id, `Mastodon refused the token on the stream (${end.status}).`));
      throw new Error(`Mastodon refused the token (${end.status}).`);
    }
    if (end.status !== 200) {
      notBefore = rateLimitedUntil({ status: end.status, headers: end.headers, body: end.body }, new Date());
      throw new Error(`The stream answered HTTP ${end.status}.`);
    }
    result.outcome = end.ended === 'aborted' ? 'handover' : 'cut';
    if (end.ended !== 'aborted') result.error = end.ended === 'idle' ? 'The stream went silent.' : 'The server closed the stream.';
  } catch (error) {
    result.outcome = disconnected ? 'disconnected' : 'failed';
    result.error = ((error as Error).message || 'failed').slice(0, 500);
  }

  // Hand over, or back off: the REST polling covers the watch until the next connection.
  const now = new Date();
  const next = await tenant(async (trx) => {
    const row = await trx.selectFrom('listening_stream').select('failures').where('watch_id', '=', watchId).executeTakeFirst();
    const failures = result.outcome === 'handover' ? 0 : (row?.failures ?? 0) + 1;
    const backoff = result.outcome === 'handover' ? now : backoffAfter(failures, now);
    const at = notBefore && notBefore > backoff ? notBefore : backoff;
    await trx
      .updateTable('listening_stream')
      .set({ state: 'disconnected', held_until: null, failures, next_attempt_at: at, last_error: result.error })
      .where('watch_id', '=', watchId)
      .execute();
    if (result.outcome !== 'handover')
      await trx.updateTable('listening_watch').set({ next_poll_at: now }).where('id', '=', watchId).execute();
    return at;
  });
  if (result.outcome !== 'disconnected') await queueNext(deps, watchId, next);
  return result;
}

/**
 * Called by the pass: queues a stream run for each active Mastodon watch of a connected account
 * that no run holds and whose back-off is over (the marker moves on so the next pass does not
 * queue it again).
 */
export async function ensureStreams(deps: StreamDeps, now = new Date()): Promise<number> {
  const due = await deps.tenant(async (trx) => {
    const rows = await trx
      .selectFrom('listening_watch as w')
      .innerJoin('listening_account as a', 'a.id', 'w.account_id')
      .leftJoin('listening_stream as s', 's.watch_id', 'w.id')
      .select('w.id')
      .where('w.active', '=', true)
      .where('w.source', '=', 'mastodon')
      .where('a.status', '=', 'connected')
      .where((eb) =>
        eb.or([
          eb('s.watch_id', 'is', null),
          eb.and([eb('s.next_attempt_at', '<=', now), eb.or([eb('s.held_until', 'is', null), eb('s.held_until', '<', now)])]),
        ]),
      )
      .execute();
    for (const { id } of rows)
      await trx
        .insertInto('listening_stream')
        .values({
          campaign_id: deps.campaignId,
          watch_id: id,
          state: 'disconnected',
          next_attempt_at: new Date(now.getTime() + STREAM_HOLD_MS),
        })
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'watch_id']).doUpdateSet({ next_attempt_at: new Date(now.getTime() + STREAM_HOLD_MS) }),
        )
        .execute();
    return rows;
  });
  for (const { id } of due) await queueNext(deps, id, null);
  return due.length;
}

export const streamJob = defineJob({
  kind: STREAM_JOB,
  params: Type.Object({ watch_id: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  // The hold, the catch-up and the slack.
  expireInSeconds: Math.ceil((STREAM_HOLD_MS + 2 * CLAIM_SLACK_MS) / 1000),
  // One run each ten minutes per streamed watch: the watches screen shows the stream's state instead.
  unlisted: true,
  async run(ctx) {
    const result = await runStream(
      { tenant: ctx.tenant, env: envOf(ctx.config), campaignId: ctx.campaignId, enqueue: ctx.enqueue },
      ctx.params.watch_id,
    );
    return { ...result };
  },
});
