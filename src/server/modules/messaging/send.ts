// Sending a mailing: its recipient rows are claimed in batches (FOR UPDATE SKIP LOCKED, so workers
// share a mailing without taking the same row), each claimed row marked 'sending' in the claiming
// transaction, its message handed to the pooled transport, and the row marked 'sent' right after the
// relay accepted it. Consent and suppressions are checked again at claim time: an unsubscribe
// applies before the next batch.
//
// A worker that dies leaves its in-flight rows 'sending'. Which of them the relay accepted cannot be
// known (the acceptance may have been on the wire when the process died): SMTP offers no way to ask
// (RFC 1047). We choose AT-LEAST-ONCE for that instant: a row still 'sending' past its lease
// (SEND_LEASE_SECONDS, far longer than a batch takes; at once when this process is the database's
// only worker, as on PGlite) is sent again, with the SAME Message-ID, so the receiving systems that
// deduplicate on it (Gmail and most mail clients) show one message. At most the rows in flight at the
// crash (about the pool's connections) can be handed over twice; at-most-once would instead lose
// those recipients' message for good, with no way to tell them apart. Every other row is sent once:
// its unique key (mailing, person) and its status make a restart pick up exactly where it stopped.
import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { TenantRunner } from '../../db/database.ts';
import type { MailingPauseReason, MailingVariantKey } from '../../db/schema.ts';
import { defineJob } from '../../jobs/queue.ts';
import { nextAllowedAt } from '../calendar/index.ts';
import { AB_EVALUATE_JOB_KIND } from './ab/ab.job.ts';
import { testShareSent } from './ab/ab.service.ts';
import { requestBounceCheck } from './bounces/bounces.job.ts';
import { buildMessage, loadKit, type MailingKit, mergeValuesOf } from './compose.ts';
import { evaluateComplaintRate, isSendingPaused, loadDomainCaps, tripBreaker } from './deliverability/deliverability.service.ts';
import { DomainThrottle, domainOf } from './deliverability/domain-throttle.ts';
import { recipientCounts } from './messaging.repo.ts';
import { recordHold } from './schedule.ts';
import { type BulkTransport, createBulkTransport, isTemporaryFailure } from './transport.ts';

/** How long a claimed row belongs to its worker before another takes it for dead. */
export const SEND_LEASE_SECONDS = 300;
/** When this process started: on the embedded database, rows claimed before were claimed by a dead process. */
const PROCESS_STARTED_AT = new Date();
/**
 * Acceptances per SMTP connection that may wait for their group commit before sending pauses: the
 * bound on duplicates after a crash (with the connections), against the throughput a slow commit allows.
 */
export const UNRECORDED_PER_CONNECTION = 8;
/** Attempts before a row fails for good (temporary SMTP errors). */
export const MAX_ATTEMPTS = 5;

/** Backoff after the n-th failed attempt: 1, 4, 16, 64 minutes. */
export function backoffMs(attempts: number): number {
  return 60_000 * 4 ** Math.max(0, attempts - 1);
}

export interface SendOptions {
  campaignId: string;
  mailingId: string;
  tenant: TenantRunner;
  config: Config;
  transport: BulkTransport;
  /**
   * True when no other process can be sending (the embedded database): rows left 'sending' by an
   * earlier process are a dead run's, taken again at once (this process's own are alive).
   */
  soleWorker: boolean;
  /** The instant before which claims belong to a dead process (when soleWorker); this process's start by default. */
  startedAt?: Date;
  leaseSeconds?: number;
  batchSize?: number;
  progress?: (done: number, total: number) => Promise<void>;
}

export interface SendOutcome {
  /** True when every row reached sent, failed or skipped (the mailing is 'sent'), or the mailing is no longer sending. */
  done: boolean;
  /** When rows wait (backoff, another worker's lease), the instant to look again. */
  retryAt: Date | null;
  sent: number;
  /** Set when the electoral silence holds the rest (modules/calendar): sending resumes then. */
  heldUntil?: Date;
  /** Set when an A/B test's share has gone and its rest is held: the test is evaluated then (ab/). */
  abEvaluateAt?: Date;
  /** Set when the complaint rate paused the campaign's sending: the send resumes when a person resumes sending. */
  pausedByComplaints?: boolean;
  /** Set when the mailing's circuit breaker paused it. */
  breaker?: MailingPauseReason;
}

/** Longest wait for a capped domain's next message inside a run; past it the job is queued again for then. */
const MAX_THROTTLE_WAIT_MS = 30_000;

interface ClaimedRow {
  id: string;
  email: string;
  variant: MailingVariantKey;
  attempts: number;
  given_name: string;
  family_name: string;
  locality: string | null;
  postcode: string | null;
}

/**
 * Claims a batch of due rows (queued, or 'sending' past the lease) and skips those who may no longer be
 * mailed. No more rows of a receiving domain than its bucket holds (domain-throttle.ts): the rows of
 * a domain whose bucket is empty are not even looked at, so the batch fills with other domains'.
 */
async function claimBatch(o: SendOptions, lease: number, size: number, throttle: DomainThrottle): Promise<ClaimedRow[] | null> {
  const q = throttle.quotas();
  return o.tenant(async (trx) => {
    const mailing = await trx
      .selectFrom('mailing')
      .select(['status', 'topic'])
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', o.mailingId)
      .executeTakeFirst();
    if (mailing?.status !== 'sending') return null;
    const { rows } = await sql<ClaimedRow & { allowed: boolean; why: string | null }>`
      with candidate as (
        select id, substring(lower(email) from '[^@]*$') as domain from mailing_recipient
        where campaign_id = ${o.campaignId} and mailing_id = ${o.mailingId}
          and ((status = 'queued' and coalesce(next_attempt_at, '-infinity') <= now())
            or (status = 'sending' and claimed_at < now() - make_interval(secs => ${lease})))
          and substring(lower(email) from '[^@]*$') <> all(${q.exhausted}::text[])
        order by id
        limit ${size * 4}
        for update skip locked
      ), ranked as (
        select id, domain, row_number() over (partition by domain order by id) as n from candidate
      ), pick as (
        select r.id from ranked r
        left join unnest(${q.domains}::text[], ${q.quotas}::int[]) as quota(domain, n) on quota.domain = r.domain
        where r.n <= coalesce(quota.n, ${q.defaultQuota})
        order by r.id
        limit ${size}
      ), claimed as (
        update mailing_recipient r set status = 'sending', claimed_at = now(), attempts = r.attempts + 1
        from pick where r.campaign_id = ${o.campaignId} and r.id = pick.id
        returning r.id, r.person_id, r.email, r.variant, r.attempts
      )
      select c.id, c.email, c.variant, c.attempts, p.given_name, p.family_name, p.locality, p.postcode,
        (p.consent_email and p.anonymized_at is null and p.merged_into is null and s.email is null
          and not (${mailing.topic}::text = any(p.email_topics_withdrawn))) as allowed,
        case when s.email is not null then 'suppressed: ' || s.reason
             when not coalesce(p.consent_email, false) then 'no e-mail consent'
             when ${mailing.topic}::text = any(p.email_topics_withdrawn) then 'topic withdrawn: ' || ${mailing.topic}::text
             else 'person erased or merged' end as why
      from claimed c
      left join person p on p.campaign_id = ${o.campaignId} and p.id = c.person_id
      left join mail_suppression s on s.campaign_id = ${o.campaignId} and s.email = c.email`.execute(trx);
    const refused = rows.filter((r) => !r.allowed);
    for (const r of refused) {
      await trx
        .updateTable('mailing_recipient')
        .set({ status: 'skipped', last_error: r.why })
        .where('campaign_id', '=', o.campaignId)
        .where('id', '=', r.id)
        .execute();
    }
    const allowed = rows.filter((r) => r.allowed);
    for (const r of allowed) throttle.take(domainOf(r.email), 1);
    return allowed;
  });
}

/**
 * Records accepted messages as 'sent' in group commits: one UPDATE for every acceptance that came in
 * while the previous one ran. The database then keeps up with the relay, so the rows accepted but not
 * yet recorded — the only ones a crash can send twice — stay as few as one statement's duration allows.
 */
function sentRecorder(o: SendOptions) {
  let pending: { id: string; messageId: string }[] = [];
  let running: Promise<void> | null = null;
  let inFlight = 0;
  const flush = async (): Promise<void> => {
    while (pending.length > 0) {
      const done = pending;
      pending = [];
      inFlight = done.length;
      await o.tenant((trx) =>
        sql`update mailing_recipient r
          set status = 'sent', sent_at = now(), message_id = u.message_id, last_error = null
          from unnest(${done.map((d) => d.id)}::uuid[], ${done.map((d) => d.messageId)}::text[]) as u(id, message_id)
          where r.campaign_id = ${o.campaignId} and r.id = u.id and r.status = 'sending'`.execute(trx),
      );
      inFlight = 0;
    }
  };
  return {
    /** Acceptances not yet recorded (in the pending group or the statement under way). */
    unrecorded: () => pending.length + inFlight,
    /** Resolves when the statement under way has ended. */
    settled: () => running ?? Promise.resolve(),
    add(id: string, messageId: string) {
      pending.push({ id, messageId });
      running ??= flush().finally(() => {
        running = null;
      });
    },
    /** Resolves once every acceptance so far is recorded. */
    async drain() {
      while (running) await running;
      if (pending.length > 0) {
        running = flush().finally(() => {
          running = null;
        });
        await running;
      }
    },
  };
}

/** Sends one claimed row and records what came of it. */
async function sendOne(o: SendOptions, kit: MailingKit, row: ClaimedRow, recorder: ReturnType<typeof sentRecorder>): Promise<boolean> {
  const message = buildMessage(o.config, kit, row, mergeValuesOf(row));
  try {
    await o.transport.send(message);
  } catch (error) {
    const temporary = isTemporaryFailure(error) && row.attempts < MAX_ATTEMPTS;
    const text = String((error as Error).message ?? error).slice(0, 500);
    await o.tenant((trx) =>
      trx
        .updateTable('mailing_recipient')
        .set(
          temporary
            ? { status: 'queued', next_attempt_at: new Date(Date.now() + backoffMs(row.attempts)), last_error: text }
            : { status: 'failed', last_error: text },
        )
        .where('campaign_id', '=', o.campaignId)
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .execute(),
    );
    return false;
  }
  // Right after the relay's acceptance (see sentRecorder).
  recorder.add(row.id, message.messageId);
  return true;
}

/** True when due rows of these receiving domains wait (for their bucket to refill). */
async function dueRowsOf(o: SendOptions, lease: number, domains: string[]): Promise<boolean> {
  return o.tenant(async (trx) => {
    const { rows } = await sql<{ one: number }>`
      select 1 as one from mailing_recipient
      where campaign_id = ${o.campaignId} and mailing_id = ${o.mailingId}
        and ((status = 'queued' and coalesce(next_attempt_at, '-infinity') <= now())
          or (status = 'sending' and claimed_at < now() - make_interval(secs => ${lease})))
        and substring(lower(email) from '[^@]*$') = any(${domains}::text[])
      limit 1`.execute(trx);
    return rows.length > 0;
  });
}

/** Sends what is due of a mailing; returns whether it is finished, or when to look again. */
export async function sendMailing(o: SendOptions): Promise<SendOutcome> {
  const lease = o.leaseSeconds ?? SEND_LEASE_SECONDS;
  const size = o.batchSize ?? Math.min(500, Math.max(20, o.config.mailing.ratePerSecond * 2));
  const loaded = await o.tenant(async (trx) => {
    const mailing = await trx
      .selectFrom('mailing')
      .selectAll()
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', o.mailingId)
      .executeTakeFirst();
    if (mailing?.status !== 'sending') return null;
    if (o.soleWorker) {
      // Nobody else can hold them: rows left 'sending' belong to a run that died (at-least-once, see above).
      await trx
        .updateTable('mailing_recipient')
        .set({ status: 'queued' })
        .where('campaign_id', '=', o.campaignId)
        .where('mailing_id', '=', o.mailingId)
        .where('status', '=', 'sending')
        .where('claimed_at', '<', o.startedAt ?? PROCESS_STARTED_AT)
        .execute();
    }
    // The complaint rate may have crossed its threshold since the last complaint was read.
    await evaluateComplaintRate(trx, o.campaignId);
    return { kit: await loadKit(trx, mailing, o.config.publicUrl), caps: await loadDomainCaps(trx, o.campaignId) };
  });
  if (!loaded) return { done: true, retryAt: null, sent: 0 };
  const { kit } = loaded;
  const throttle = new DomainThrottle(loaded.caps);
  const total = kit.mailing.total_targeted;
  let sent = 0;
  for (;;) {
    // Before each batch: the complaint rate's pause (until a person resumes: no retry of its own)
    // and this mailing's circuit breaker (which pauses it with the reason).
    const gate = await o.tenant(async (trx) =>
      (await isSendingPaused(trx, o.campaignId)) ? ('paused' as const) : tripBreaker(trx, o.campaignId, o.mailingId),
    );
    if (gate === 'paused') return { done: false, retryAt: null, sent, pausedByComplaints: true };
    if (gate) return { done: true, retryAt: null, sent, breaker: gate };
    // Then, right before the claim: a send that runs into the electoral silence stops there, and
    // resumes when the polls close (nothing is dropped: the rows stay queued).
    const now = new Date();
    const allowedAt = await o.tenant((trx) => nextAllowedAt(trx, o.campaignId, now));
    if (allowedAt > now) return { done: false, retryAt: allowedAt, sent, heldUntil: allowedAt };
    const batch = await claimBatch(o, lease, size, throttle);
    if (batch === null) return { done: true, retryAt: null, sent };
    if (batch.length === 0) {
      // Nothing claimable: done, unless rows wait only for a capped domain's bucket to refill.
      const { exhausted } = throttle.quotas();
      if (exhausted.length === 0 || !(await dueRowsOf(o, lease, exhausted))) break;
      const wait = throttle.msUntilNext(exhausted);
      if (wait > MAX_THROTTLE_WAIT_MS) return { done: false, retryAt: new Date(Date.now() + wait), sent };
      await delay(Math.max(1, wait));
      continue;
    }
    const recorder = sentRecorder(o);
    // A few messages queued per connection (each finds the next at once), and no new one handed over
    // while UNRECORDED_PER_CONNECTION × connections acceptances wait to be recorded: what a crash can
    // send twice stays under that bound plus the messages on the way, whatever the database's speed.
    const lanes = o.config.mailing.connections * 4;
    const limit = o.config.mailing.connections * UNRECORDED_PER_CONNECTION;
    // Each lane takes the next row whose receiving domain has a message slot free (its connection
    // cap), so a capped domain's rows wait while the other domains' go on.
    const remaining = [...batch];
    const lane = async () => {
      while (remaining.length > 0) {
        while (recorder.unrecorded() >= limit) await recorder.settled();
        const at = remaining.findIndex((r) => throttle.hasSlot(domainOf(r.email)));
        if (at < 0) {
          await throttle.slotFreed(new Set(remaining.map((r) => domainOf(r.email))));
          continue;
        }
        const [row] = remaining.splice(at, 1) as [ClaimedRow];
        const release = throttle.occupy(domainOf(row.email));
        try {
          if (await sendOne(o, kit, row, recorder)) sent += 1;
        } finally {
          release();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(lanes, batch.length) }, lane));
    await recorder.drain();
    if (o.progress) {
      const counts = await o.tenant((trx) => recipientCounts(trx, o.campaignId, o.mailingId));
      await o.progress(counts.sent + counts.failed + counts.skipped, total);
    }
  }
  return o.tenant(async (trx) => {
    const waiting = await sql<{ at: Date | null; n: string }>`
      select min(case when status = 'queued' then next_attempt_at else claimed_at + make_interval(secs => ${lease}) end) as at, count(*) as n
      from mailing_recipient
      where campaign_id = ${o.campaignId} and mailing_id = ${o.mailingId} and status in ('queued', 'sending')`.execute(trx);
    const left = waiting.rows[0];
    if (left && Number(left.n) > 0)
      return { done: false, retryAt: left.at ? new Date(left.at) : new Date(Date.now() + lease * 1000), sent };
    // An A/B test's share has gone and its rest is held: the mailing stays 'sending' until the
    // test's evaluation releases the rest (ab/ab.service.ts), which queues this job again.
    const evaluateAt = await testShareSent(trx, o.campaignId, o.mailingId);
    if (evaluateAt) return { done: false, retryAt: null, sent, abEvaluateAt: evaluateAt };
    const counts = await recipientCounts(trx, o.campaignId, o.mailingId);
    await trx
      .updateTable('mailing')
      .set({
        status: 'sent',
        finished_at: new Date(),
        sent_count: counts.sent,
        failed_count: counts.failed,
        skipped_count: counts.skipped,
        updated_at: new Date(),
      })
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', o.mailingId)
      .where('status', '=', 'sending')
      .execute();
    return { done: true, retryAt: null, sent };
  });
}

/** How long after a send the bounce mailbox is first read (most bounces come within minutes). */
const FIRST_BOUNCE_CHECK_MS = 5 * 60_000;

/** The job that sends a mailing; queues itself again while rows wait (backoff, a dead worker's lease). */
export const sendJob = defineJob({
  kind: 'messaging.send',
  params: Type.Object({ mailing_id: Type.String({ format: 'uuid' }) }),
  expireInSeconds: 4 * 3600,
  async run(ctx) {
    const transport = createBulkTransport(ctx.config.mailing, ctx.database.db);
    try {
      const outcome = await sendMailing({
        campaignId: ctx.campaignId,
        mailingId: ctx.params.mailing_id,
        tenant: ctx.tenant,
        config: ctx.config,
        transport,
        soleWorker: ctx.database.kind === 'pglite',
        progress: (done, total) => ctx.progress(done, total, 'messaging.sending'),
      });
      // The mailing says when the electoral silence holds it, and stops saying so once it goes on.
      await recordHold(ctx.tenant, ctx.campaignId, ctx.params.mailing_id, outcome.heldUntil ?? null);
      if (!outcome.done && outcome.retryAt) {
        await ctx.enqueue({ campaignId: ctx.campaignId, kind: 'messaging.send', params: ctx.params, startAfter: outcome.retryAt });
      }
      if (outcome.abEvaluateAt) {
        await ctx.enqueue({ campaignId: ctx.campaignId, kind: AB_EVALUATE_JOB_KIND, params: ctx.params, startAfter: outcome.abEvaluateAt });
      }
      // Mail went out: the bounce mailbox is read a little later, and again while bounces may come.
      if (outcome.sent > 0 && ctx.config.bounces.imap) {
        await requestBounceCheck(ctx.enqueue, ctx.tenant, ctx.campaignId, new Date(Date.now() + FIRST_BOUNCE_CHECK_MS));
      }
      return {
        sent: outcome.sent,
        finished: outcome.done,
        ...(outcome.heldUntil ? { held_until: outcome.heldUntil.toISOString() } : {}),
        ...(outcome.abEvaluateAt ? { ab_evaluate_at: outcome.abEvaluateAt.toISOString() } : {}),
        ...(outcome.pausedByComplaints ? { paused_by: 'complaint_rate' } : {}),
        ...(outcome.breaker ? { circuit_breaker: outcome.breaker } : {}),
      };
    } finally {
      transport.close();
    }
  },
});
