// The listening pass, a job of the campaign on the queue: polls the watches that are due (each
// through its adapter, its cursor and back-off kept on the watch), publishes the drafts whose time
// came (held by an electoral silence until it ends), runs the spike detector, then queues the next
// pass at the earliest time something is due again.
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { Db, TenantRunner, Trx } from '../../db/database.ts';
import { defineJob, type EnqueueOptions, type JobJanitor } from '../../jobs/queue.ts';
import { createMailer } from '../../mail/mailer.ts';
import { type StaffAlertOutcome, sendStaffAlert } from '../sms/index.ts';
import { pollBluesky } from './adapters/bluesky.ts';
import { backoffAfter, POLL_INTERVAL_MS, type PollInput, type PollOutcome, SourceError, type WatchQuery } from './adapters/common.ts';
import { pollMastodon } from './adapters/mastodon.ts';
import { pollRss } from './adapters/rss.ts';
import { pollX } from './adapters/x.ts';
import {
  accountWithCredentials,
  ingest,
  type ListeningEnv,
  markDisconnected,
  publishDraft,
  storeCredentials,
} from './listening.service.ts';
import { ensureStreams } from './stream.job.ts';
import { websubAfterPoll, websubMaintenance } from './websub.service.ts';
import { recordXUsage, xBudget } from './x-cost.ts';

export const PASS_JOB = 'listening.pass';
const ADAPTERS: Record<'rss' | 'mastodon' | 'bluesky' | 'x', (input: PollInput) => Promise<PollOutcome>> = {
  rss: pollRss,
  mastodon: pollMastodon,
  bluesky: pollBluesky,
  x: pollX,
};
/** Watches polled per pass (the rest wait for the next). */
const WATCHES_PER_PASS = 50;

export function envOf(config: Config): ListeningEnv {
  return { secretKey: config.listening.secretKey, allowNetworks: config.listening.allowNetworks, publicUrl: config.publicUrl };
}

export interface PollSummary {
  caught: number;
  added: number;
  error: string | null;
}

/**
 * Polls one watch: its account's credentials opened in a first transaction, the source asked
 * outside any transaction, then the mentions, the cursor, the back-off and any refreshed session
 * written in a second.
 */
export async function pollWatch(
  tenant: TenantRunner,
  env: ListeningEnv,
  campaignId: string,
  watchId: string,
  now = new Date(),
): Promise<PollSummary> {
  const loaded = await tenant(async (trx) => {
    const watch = await trx.selectFrom('listening_watch').selectAll().where('id', '=', watchId).executeTakeFirst();
    if (!watch) return null;
    const account = watch.account_id ? await accountWithCredentials(trx, env, campaignId, watch.account_id) : null;
    // X bills each post read: the month's cap bounds the search, or pauses the watch until next month.
    const budget = watch.source === 'x' && account ? await xBudget(trx, account, now) : null;
    if (budget?.pausedUntil) {
      const message = `The X account reached its monthly cap: polling paused until ${budget.pausedUntil.toISOString().slice(0, 10)}.`;
      await trx
        .updateTable('listening_watch')
        .set({ last_error: message, next_poll_at: budget.pausedUntil })
        .where('id', '=', watch.id)
        .execute();
      return { watch, account, paused: message as string, maxPosts: 0 };
    }
    return { watch, account, paused: null, maxPosts: budget?.maxPosts ?? null };
  });
  if (!loaded) return { caught: 0, added: 0, error: 'gone' };
  if (loaded.paused) return { caught: 0, added: 0, error: loaded.paused };
  const { watch, account } = loaded;
  let outcome: PollOutcome | null = null;
  let failure: SourceError | Error | null = null;
  try {
    if (watch.source !== 'rss' && (!account || account.status === 'disconnected'))
      throw new SourceError(account ? 'The account is disconnected: reconnect it.' : 'The watch has no account.');
    if (account && !account.secrets)
      throw new SourceError('The credentials cannot be read (LISTENING_SECRET_KEY unset or changed): reconnect the account.', {
        disconnected: true,
      });
    outcome = await ADAPTERS[watch.source]({
      query: watch.query as WatchQuery,
      cursor: watch.cursor,
      feedUrl: watch.feed_url,
      account: account?.secrets ? { baseUrl: account.base_url, handle: account.handle, credentials: account.secrets } : null,
      allowNetworks: env.allowNetworks,
      now,
      maxPosts: loaded.maxPosts,
    });
  } catch (error) {
    failure = error as Error;
  }
  const summary = await tenant(async (trx) => {
    if (outcome) {
      const added = await ingest(trx, campaignId, { id: watch.id, source: watch.source, query: watch.query as WatchQuery }, outcome.items);
      if (outcome.credentials && account) await storeCredentials(trx, env, campaignId, account.id, outcome.credentials);
      if (watch.source === 'x' && account) await recordXUsage(trx, campaignId, account, { read: outcome.items.length }, now);
      const next = new Date(now.getTime() + POLL_INTERVAL_MS);
      await trx
        .updateTable('listening_watch')
        .set({
          cursor: JSON.stringify(outcome.cursor),
          failures: 0,
          last_error: null,
          last_polled_at: now,
          next_poll_at: outcome.notBefore && outcome.notBefore > next ? outcome.notBefore : next,
        })
        .where('id', '=', watch.id)
        .execute();
      return { caught: outcome.items.length, added, error: null };
    }
    const message = (failure?.message ?? 'failed').slice(0, 500);
    if (failure instanceof SourceError && failure.disconnected && account) await markDisconnected(trx, account.id, message);
    const failures = watch.failures + 1;
    const backoff = backoffAfter(failures, now);
    const notBefore = failure instanceof SourceError && failure.notBefore && failure.notBefore > backoff ? failure.notBefore : backoff;
    await trx
      .updateTable('listening_watch')
      .set({ failures, last_error: message, last_polled_at: now, next_poll_at: notBefore })
      .where('id', '=', watch.id)
      .execute();
    return { caught: 0, added: 0, error: message };
  });
  if (outcome && watch.source === 'rss') await websubAfterPoll(tenant, env, campaignId, watch.id, outcome.hub, now);
  return summary;
}

/** Publishes every draft whose time came (one transaction each: a failure stays on its draft). */
export async function publishDue(tenant: TenantRunner, env: ListeningEnv, campaignId: string, now = new Date()) {
  const due = await tenant((trx) =>
    trx
      .selectFrom('listening_draft')
      .select('id')
      .where('status', 'in', ['scheduled', 'held'])
      .where('scheduled_at', '<=', now)
      .orderBy('scheduled_at')
      .limit(100)
      .execute(),
  );
  const outcomes: Record<string, number> = {};
  for (const { id } of due) {
    const outcome = await tenant((trx) => publishDraft(trx, env, campaignId, id, 'scheduled', null, now)).catch(() => 'failed' as const);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// Spike detector

/** A spike: this hour's mentions at least SPIKE_FACTOR times the hourly baseline, and at least SPIKE_MIN. */
export const SPIKE_FACTOR = 4;
export const SPIKE_MIN = 20;
/** Hours the baseline is the mean of (the week before the current hour). */
const BASELINE_HOURS = 7 * 24;
/** No second alert within this time of the first. */
const REALERT_MS = 6 * 3600_000;

export interface SpikeCheck {
  lastHour: number;
  baseline: number;
  spike: boolean;
}

/** Mentions published in the last hour against the mean hour of the week before. */
export async function measureSpike(trx: Trx, now: Date): Promise<SpikeCheck> {
  const hourAgo = new Date(now.getTime() - 3600_000);
  const weekAgo = new Date(hourAgo.getTime() - BASELINE_HOURS * 3600_000);
  const row = await trx
    .selectFrom('listening_mention')
    .select([
      sql<string>`count(*) FILTER (WHERE published_at > ${hourAgo} AND published_at <= ${now})`.as('last_hour'),
      sql<string>`count(*) FILTER (WHERE published_at > ${weekAgo} AND published_at <= ${hourAgo})`.as('before'),
    ])
    .where('published_at', '>', weekAgo)
    .executeTakeFirstOrThrow();
  const lastHour = Number(row.last_hour);
  const baseline = Number(row.before) / BASELINE_HOURS;
  return { lastHour, baseline, spike: lastHour >= SPIKE_MIN && lastHour >= SPIKE_FACTOR * baseline };
}

/**
 * Checks for a spike; on one, switches the inbox to crisis mode, mails the team and texts the
 * alert numbers (once per spike: not again within six hours, whatever the passes in between).
 */
export async function detectSpike(
  config: Config,
  db: Db,
  tenant: TenantRunner,
  campaignId: string,
  now = new Date(),
): Promise<SpikeCheck & { alerted: boolean; sms: StaffAlertOutcome | null }> {
  const result = await tenant(async (trx) => {
    const check = await measureSpike(trx, now);
    if (!check.spike) return { check, recipients: [] as { email: string; locale: string }[], phones: [] as string[] };
    const state = await trx.selectFrom('listening_state').selectAll().where('campaign_id', '=', campaignId).forUpdate().executeTakeFirst();
    if (state?.last_spike_at && now.getTime() - state.last_spike_at.getTime() < REALERT_MS) return { check, recipients: [], phones: [] };
    await trx
      .insertInto('listening_state')
      .values({ campaign_id: campaignId, crisis_since: now, last_spike_at: now })
      .onConflict((oc) =>
        oc.column('campaign_id').doUpdateSet({ crisis_since: sql`coalesce(listening_state.crisis_since, ${now})`, last_spike_at: now }),
      )
      .execute();
    const recipients = await trx
      .selectFrom('membership as m')
      .innerJoin('staff_user as u', 'u.id', 'm.user_id')
      .select(['u.email', 'u.locale'])
      .where('m.campaign_id', '=', campaignId)
      .where('m.role', 'in', ['owner', 'admin', 'community_manager', 'candidate'])
      .where('u.disabled_at', 'is', null)
      .execute();
    return { check, recipients, phones: state?.alert_phones ?? [] };
  });
  if (result.recipients.length > 0) {
    const mailer = createMailer(config, db);
    try {
      for (const r of result.recipients) {
        const fr = r.locale !== 'en';
        const n = result.check.lastHour;
        const base = result.check.baseline.toFixed(1).replace('.', fr ? ',' : '.');
        await mailer.send({
          campaignId,
          to: r.email,
          subject: fr ? `Relais : pic de mentions (${n} en une heure)` : `Relais: spike of mentions (${n} in an hour)`,
          text: fr
            ? `La veille a relevé ${n} mentions dans la dernière heure, pour ${base} par heure d’habitude. La boîte de réception passe en mode crise (les plus urgentes d’abord).\n\n${config.publicUrl}/app/listening\n`
            : `Listening caught ${n} mentions in the last hour, against ${base} an hour usually. The inbox switched to crisis mode (most urgent first).\n\n${config.publicUrl}/app/listening\n`,
        });
      }
    } finally {
      await mailer.close();
    }
  }
  // The SMS, short and in French (the team's language; the e-mail says it in each one's locale).
  let sms: StaffAlertOutcome | null = null;
  if (result.phones.length > 0) {
    const n = result.check.lastHour;
    const base = result.check.baseline.toFixed(1).replace('.', ',');
    sms = await sendStaffAlert(
      config,
      db,
      tenant,
      campaignId,
      result.phones,
      `pic de mentions, ${n} en une heure (${base}/h d’habitude). Mode crise : ${config.publicUrl}/app/listening`,
    );
    if (sms.sent.length > 0)
      await tenant((trx) =>
        trx.updateTable('listening_state').set({ last_sms_alert_at: now }).where('campaign_id', '=', campaignId).execute(),
      );
  }
  return { ...result.check, alerted: result.recipients.length > 0 || (sms?.sent.length ?? 0) > 0, sms };
}

// ---------------------------------------------------------------------------------------------
// The pass and its scheduling

type Enqueue = (options: EnqueueOptions) => Promise<string>;

/** Queues a pass at `at` (now by default) unless one is already queued by then. */
export async function requestPass(enqueue: Enqueue, tenant: TenantRunner, campaignId: string, at?: Date): Promise<void> {
  const now = new Date();
  const when = at && at > now ? at : now;
  const queued = await tenant((trx) =>
    trx
      .selectFrom('job_run')
      .select('id')
      .where('kind', '=', PASS_JOB)
      .where('state', '=', 'queued')
      .where(sql<boolean>`coalesce((params->>'at')::timestamptz, created_at) <= ${when}`)
      .limit(1)
      .executeTakeFirst(),
  );
  if (queued) return;
  await enqueue({
    campaignId,
    kind: PASS_JOB,
    params: when > now ? { at: when.toISOString() } : {},
    ...(when > now ? { startAfter: when } : {}),
  });
}

/** When something is due next: a watch to poll, a draft to publish. */
async function nextDueAt(trx: Trx): Promise<Date | null> {
  const row = await trx
    .selectNoFrom((eb) => [
      eb
        .selectFrom('listening_watch')
        .where('active', '=', true)
        .select((e) => e.fn.min('next_poll_at').as('at'))
        .as('watch'),
      eb
        .selectFrom('listening_draft')
        .where('status', 'in', ['scheduled', 'held'])
        .select((e) => e.fn.min('scheduled_at').as('at'))
        .as('draft'),
    ])
    .executeTakeFirst();
  const times = [row?.watch, row?.draft].filter((x): x is Date => x instanceof Date || typeof x === 'string').map((x) => new Date(x));
  return times.length > 0 ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

export const passJob = defineJob({
  kind: PASS_JOB,
  params: Type.Object({ at: Type.Optional(Type.String({ format: 'date-time' })) }, { additionalProperties: false }),
  expireInSeconds: 10 * 60,
  // A pass a minute while watches are active: each watch keeps its own state, the jobs screen need not list them.
  unlisted: true,
  async run(ctx) {
    const env = envOf(ctx.config);
    const now = new Date();
    const due = await ctx.tenant((trx) =>
      trx
        .selectFrom('listening_watch')
        .select('id')
        .where('active', '=', true)
        .where('next_poll_at', '<=', now)
        .orderBy('next_poll_at')
        .limit(WATCHES_PER_PASS)
        .execute(),
    );
    let added = 0;
    for (const { id } of due) added += (await pollWatch(ctx.tenant, env, ctx.campaignId, id, now)).added;
    await websubMaintenance(ctx.tenant, env, ctx.campaignId, now);
    await ensureStreams({ tenant: ctx.tenant, env, campaignId: ctx.campaignId, enqueue: ctx.enqueue }, now);
    const published = await publishDue(ctx.tenant, env, ctx.campaignId, now);
    const spike = added > 0 ? await detectSpike(ctx.config, ctx.database.db, ctx.tenant, ctx.campaignId, now) : null;
    const next = await ctx.tenant((trx) => nextDueAt(trx));
    if (next) {
      const at = new Date(Math.max(next.getTime(), Date.now() + 5_000));
      await ctx.enqueue({ campaignId: ctx.campaignId, kind: PASS_JOB, params: { at: at.toISOString() }, startAfter: at });
    }
    return { watches: due.length, added, published, spike: spike?.spike ?? false };
  },
});

/**
 * The janitor of dead pass chains (every campaign's): each pass queues the next, so a worker that
 * crashed during a pass (or a queue that lost its job) ends the chain and the watches stop. For each
 * campaign with active watches and no pass the queue still holds (queued, or running in a live
 * process), the runs left behind are marked failed and a pass is queued again.
 */
export function passChainJanitorOf(): JobJanitor {
  return async ({ database, soleWorker, isRunPending, ownsRun, enqueue }) => {
    if (!enqueue) return null;
    const { db } = database;
    const campaigns = await db.selectFrom('listening_watch').select('campaign_id').where('active', '=', true).distinct().execute();
    let restarted = 0;
    for (const { campaign_id: campaignId } of campaigns) {
      const runs = await db
        .selectFrom('job_run')
        .select(['id', 'state'])
        .where('campaign_id', '=', campaignId)
        .where('kind', '=', PASS_JOB)
        .where('state', 'in', ['queued', 'running'])
        .orderBy('created_at', 'desc')
        .limit(20)
        .execute();
      const dead: string[] = [];
      let alive = false;
      for (const run of runs) {
        // On the embedded database nothing runs yet when the janitor first sweeps: a "running" pass was interrupted.
        const pending = ownsRun?.(run.id) || (!(soleWorker && run.state === 'running') && (await isRunPending(PASS_JOB, run.id)));
        if (pending) {
          alive = true;
          break;
        }
        dead.push(run.id);
      }
      if (alive) continue;
      if (dead.length > 0)
        await db
          .updateTable('job_run')
          .set({ state: 'failed', finished_at: new Date(), error: 'The pass was lost (its worker stopped); the chain was restarted.' })
          .where('campaign_id', '=', campaignId)
          .where('id', 'in', dead)
          .execute();
      await enqueue({ campaignId, kind: PASS_JOB });
      restarted += 1;
    }
    return restarted > 0 ? `listening: the pass chain of ${restarted} campaign(s) restarted` : null;
  };
}
