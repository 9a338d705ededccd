// Scheduled mailings (issue 15, item 3): a mailing sent at a given time, or a weekly series ("the
// Monday newsletter") read on the clocks of its time zone, daylight saving included. A schedule is a
// `messaging.schedule` job queued to run at that instant, naming the mailing and the instant: a job
// whose instant is no longer the mailing's (rescheduled, unscheduled, cancelled, already sent) does
// nothing, so no job ever needs to be withdrawn from the queue.
//
// A series is its model mailing (status 'scheduled', never sent itself; scheduled_at is its next
// occurrence). At each occurrence the job copies the model (content, variants, audience) into a new
// mailing linked to the series (series_id, occurrence_at: one copy per instant, whatever runs twice),
// queues the next occurrence, and sends the copy: its audience is evaluated then, within the role and
// zones its scheduler holds that day (a scheduler who may no longer send stops the series).
//
// Electoral silence (Code électoral L.49): a one-off time inside it is refused when scheduled
// (409 ELECTORAL_SILENCE); an occurrence that falls inside it — or a one-off whose round was added
// after it was scheduled — is HELD: it stays 'scheduled' with held_until / held_reason, and a job
// queued for the end of the silence sends it then.
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { TenantRunner, Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { defineJob, type EnqueueOptions, JobFailure } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { addDays, isoWeekdayOf, isTimeZone, wallClockOf, zonedInstant } from '../../lib/zoned-time.ts';
import { checkElectoralSilence, electoralSilenceError } from '../calendar/index.ts';
import { permissionsOf, zoneScopeOf } from '../identity/index.ts';
import type { MailingRow } from './messaging.repo.ts';
import { assertSendable, getMailing, type SendingActor, startSending, stateConflict } from './messaging.service.ts';

/** A weekly recurrence: ISO day of the week (1 = Monday … 7 = Sunday) and time (hh:mm) on a zone's clocks. */
export interface WeeklyRule {
  weekday: number;
  time: string;
  timeZone: string;
}

/** How far ahead a mailing may be scheduled. */
export const MAX_SCHEDULE_AHEAD_DAYS = 366;
/** A time this little in the past (clock skew, a slow form) still means "now". */
const PAST_TOLERANCE_MS = 60_000;

/**
 * The first instant strictly after `after` when the zone's clocks read the rule's day and time. A
 * time the clocks skip that day (02:30 when summer time starts) goes out at the first minute after
 * the gap; a time they read twice (when it ends), at the first of the two.
 */
export function nextWeeklyOccurrence(rule: WeeklyRule, after: Date): Date {
  const today = wallClockOf(rule.timeZone, after).date;
  // Eight days from the zone's today always hold one more of the rule's day after `after`.
  for (let i = 0; i <= 8; i++) {
    const day = addDays(today, i);
    if (isoWeekdayOf(day) !== rule.weekday) continue;
    const at = zonedInstant(day, rule.time, rule.timeZone);
    if (at > after) return at;
  }
  throw new Error(`No occurrence of ${rule.weekday} ${rule.time} after ${after.toISOString()}`);
}

/** What a schedule asks: OSDI's scheduled_start_date, and Relais's weekly recurrence and time zone. */
export interface ScheduleInput {
  scheduled_start_date?: Date | string | null | undefined;
  /** The start as the zone's clocks read it (yyyy-mm-ddThh:mm): the back office's form, converted here only. */
  scheduled_start_local?: string | undefined;
  recurrence?: { weekday: number; time: string } | null | undefined;
  time_zone?: string | undefined;
}

/** A job to queue once the transaction that decided it has committed. */
export type QueuedJob = Pick<EnqueueOptions, 'kind' | 'params' | 'startAfter'>;

function scheduleJob(mailingId: string, at: Date): QueuedJob {
  return { kind: 'messaging.schedule', params: { mailing_id: mailingId, at: at.toISOString() }, startAfter: at };
}

function invalid(detail: string, field: string): AppError {
  return new AppError('MAILING_SCHEDULE_INVALID', detail, { field });
}

/**
 * Schedules a draft (or reschedules a scheduled) mailing: once at `scheduled_start_date`, or every
 * week at the recurrence's day and time from that date on (from now without one). Checks now what
 * sending will need (subject, content, audience) and, for a one-off, that the time is not inside an
 * electoral silence. Returns the mailing and the job for the caller to queue after the commit.
 */
export async function scheduleMailing(
  trx: Trx,
  actor: SendingActor,
  id: string,
  input: ScheduleInput,
  options: { config: Config; now?: Date },
): Promise<{ mailing: MailingRow; job: QueuedJob }> {
  const now = options.now ?? new Date();
  const mailing = await getMailing(trx, actor, id, true);
  if (mailing.status !== 'draft' && mailing.status !== 'scheduled')
    throw stateConflict(mailing.status, 'scheduled', 'it has gone out already');
  if (mailing.series_id !== null) throw stateConflict(mailing.status, 'scheduled', 'it is an occurrence of a series (schedule the series)');
  const timeZone = input.time_zone ?? mailing.time_zone;
  if (!isTimeZone(timeZone)) throw invalid(`Unknown time zone "${timeZone}".`, 'time_zone');
  let start = now;
  const hasDate = input.scheduled_start_date !== undefined && input.scheduled_start_date !== null;
  if (hasDate && input.scheduled_start_local !== undefined)
    throw invalid('Give scheduled_start_date or scheduled_start_local, not both.', 'scheduled_start_local');
  const local = input.scheduled_start_local?.split('T');
  // A day the calendar does not have (31 February) is refused, not rolled over.
  if (local && addDays(local[0] as string, 0) !== local[0])
    throw invalid('scheduled_start_local is not a day of the calendar.', 'scheduled_start_local');
  if (hasDate || local) {
    start = local ? zonedInstant(local[0] as string, local[1] as string, timeZone) : new Date(input.scheduled_start_date as Date | string);
    if (Number.isNaN(start.getTime())) throw invalid('scheduled_start_date is not a date.', 'scheduled_start_date');
    if (start.getTime() < now.getTime() - PAST_TOLERANCE_MS)
      throw new AppError('MAILING_SCHEDULE_IN_PAST', `${start.toISOString()} is in the past: choose a later time, or send now.`, {
        field: 'scheduled_start_date',
      });
    if (start < now) start = now;
  } else if (!input.recurrence) {
    throw invalid('Give scheduled_start_date (a one-off send), or a weekly recurrence.', 'scheduled_start_date');
  }
  if (start.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_DAYS * 86_400_000)
    throw invalid(`A mailing may be scheduled at most ${MAX_SCHEDULE_AHEAD_DAYS} days ahead.`, 'scheduled_start_date');
  const rule = input.recurrence ? { ...input.recurrence, timeZone } : null;
  // The first occurrence is the rule's first instant at or after the start.
  const at = rule ? nextWeeklyOccurrence(rule, new Date(start.getTime() - 1)) : start;
  if (!rule) {
    const silence = await checkElectoralSilence(trx, actor.campaignId, at);
    if (!silence.allowed) throw electoralSilenceError(silence);
  }
  await assertSendable(trx, actor, mailing, options.config);
  const row = await trx
    .updateTable('mailing')
    .set({
      status: 'scheduled',
      scheduled_at: at,
      time_zone: timeZone,
      recurrence_weekday: rule?.weekday ?? null,
      recurrence_time: rule?.time ?? null,
      scheduled_by: actor.userId,
      zone_ids: actor.zoneScope ? [...actor.zoneScope] : mailing.zone_ids,
      held_until: null,
      held_reason: null,
      updated_at: now,
    })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { mailing: row, job: scheduleJob(id, at) };
}

/** Takes a scheduled mailing (or series) back to a draft: its queued job then finds nothing to do. */
export async function unscheduleMailing(trx: Trx, actor: SendingActor, id: string): Promise<MailingRow> {
  const mailing = await getMailing(trx, actor, id, true);
  if (mailing.status !== 'scheduled') throw stateConflict(mailing.status, 'unscheduled', 'only a scheduled mailing is');
  return trx
    .updateTable('mailing')
    .set({
      status: 'draft',
      scheduled_at: null,
      recurrence_weekday: null,
      recurrence_time: null,
      held_until: null,
      held_reason: null,
      updated_at: new Date(),
    })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Who a scheduled mailing is sent as: its scheduler with the role and zones they hold today, or
 * null when they may no longer send. A schedule made by an operator's token (no scheduler) keeps
 * the zones it was made with.
 */
async function senderOf(trx: Trx, mailing: MailingRow): Promise<SendingActor | null> {
  if (mailing.scheduled_by === null) return { campaignId: mailing.campaign_id, zoneScope: mailing.zone_ids, userId: null };
  const member = await trx
    .selectFrom('membership')
    .innerJoin('staff_user', 'staff_user.id', 'membership.user_id')
    .select(['membership.role', 'membership.zone_ids', 'staff_user.disabled_at'])
    .where('membership.campaign_id', '=', mailing.campaign_id)
    .where('membership.user_id', '=', mailing.scheduled_by)
    .executeTakeFirst();
  if (!member || member.disabled_at !== null || !permissionsOf(member.role).includes('messaging.send')) return null;
  return { campaignId: mailing.campaign_id, zoneScope: zoneScopeOf(member.role, member.zone_ids), userId: mailing.scheduled_by };
}

/** What one run of the schedule job did. */
export interface ScheduledOutcome {
  /**
   * stale: the job's instant is no longer the mailing's; held: the silence holds it; started: it is
   * sending; series_stopped: its scheduler may no longer send; failed: it cannot go out (`error`).
   */
  outcome: 'stale' | 'held' | 'started' | 'series_stopped' | 'failed';
  /** The mailing sent or held (the occurrence's copy for a series). */
  mailingId: string | null;
  heldUntil?: Date;
  error?: AppError;
  /** The jobs to queue now (the send, the next occurrence, the end of a hold). */
  jobs: QueuedJob[];
}

/** Copies a series' model into its occurrence at `at` (once: a second run finds the first copy). */
async function occurrenceOf(trx: Trx, model: MailingRow, at: Date): Promise<MailingRow> {
  const copy = await trx
    .insertInto('mailing')
    .values({
      campaign_id: model.campaign_id,
      id: uuidv7(),
      name: model.name,
      subject: model.subject,
      from_name: model.from_name,
      reply_to: model.reply_to,
      preheader: model.preheader,
      content_format: model.content_format,
      content: JSON.stringify(model.content),
      audience: JSON.stringify(model.audience),
      topic: model.topic,
      zone_ids: model.zone_ids,
      created_by_label: model.created_by_label,
      time_zone: model.time_zone,
      scheduled_by: model.scheduled_by,
      scheduled_at: at,
      series_id: model.id,
      occurrence_at: at,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'series_id', 'occurrence_at']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!copy) {
    return trx
      .selectFrom('mailing')
      .selectAll()
      .where('campaign_id', '=', model.campaign_id)
      .where('series_id', '=', model.id)
      .where('occurrence_at', '=', at)
      .executeTakeFirstOrThrow();
  }
  const variants = await trx
    .selectFrom('mailing_variant')
    .selectAll()
    .where('campaign_id', '=', model.campaign_id)
    .where('mailing_id', '=', model.id)
    .execute();
  if (variants.length > 0) {
    await trx
      .insertInto('mailing_variant')
      .values(
        variants.map(({ created_at: _, content, ...v }) => ({
          ...v,
          mailing_id: copy.id,
          content: content === null ? null : JSON.stringify(content),
        })),
      )
      .execute();
  }
  return copy;
}

interface RunOptions {
  campaignId: string;
  mailingId: string;
  /** The instant the job was queued for. */
  at: Date;
  config: Config;
  now?: Date;
}

/**
 * First step of a run: the mailing due at `at`, or for a series its occurrence's copy (made now,
 * with the next occurrence set and its job to queue). Its own transaction, so that an occurrence
 * that cannot go out leaves the series going on.
 */
async function advanceSeries(trx: Trx, o: RunOptions, now: Date): Promise<{ target: string | null; stopped: boolean; jobs: QueuedJob[] }> {
  const mailing = await trx
    .selectFrom('mailing')
    .selectAll()
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', o.mailingId)
    .forUpdate()
    .executeTakeFirst();
  const due = mailing?.held_until ?? mailing?.scheduled_at;
  if (mailing?.status !== 'scheduled' || due?.getTime() !== o.at.getTime()) return { target: null, stopped: false, jobs: [] };
  if (mailing.recurrence_weekday === null || mailing.recurrence_time === null) return { target: mailing.id, stopped: false, jobs: [] };
  if (!(await senderOf(trx, mailing))) {
    await trx
      .updateTable('mailing')
      .set({ status: 'cancelled', finished_at: now, updated_at: now })
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', mailing.id)
      .execute();
    return { target: null, stopped: true, jobs: [] };
  }
  const copy = await occurrenceOf(trx, mailing, o.at);
  // The next occurrence after this one and after now (a worker down for weeks sends one, not all it missed).
  const rule = { weekday: mailing.recurrence_weekday, time: mailing.recurrence_time, timeZone: mailing.time_zone };
  const next = nextWeeklyOccurrence(rule, now > o.at ? now : o.at);
  await trx
    .updateTable('mailing')
    .set({ scheduled_at: next, updated_at: now })
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', mailing.id)
    .execute();
  return { target: copy.id, stopped: false, jobs: [scheduleJob(mailing.id, next)] };
}

/**
 * Second step: holds the mailing (or occurrence) while the electoral silence lasts, else starts
 * sending it as its scheduler. Only a mailing still waiting for this very instant is touched.
 */
async function releaseMailing(trx: Trx, o: RunOptions, targetId: string, now: Date): Promise<ScheduledOutcome> {
  const mailing = await trx
    .selectFrom('mailing')
    .selectAll()
    .where('campaign_id', '=', o.campaignId)
    .where('id', '=', targetId)
    .forUpdate()
    .executeTakeFirst();
  const waiting =
    mailing?.recurrence_weekday === null &&
    ((mailing.status === 'scheduled' && (mailing.held_until ?? mailing.scheduled_at)?.getTime() === o.at.getTime()) ||
      (mailing.status === 'draft' && mailing.occurrence_at?.getTime() === o.at.getTime()));
  if (!mailing || !waiting) return { outcome: 'stale', mailingId: null, jobs: [] };
  const sender = await senderOf(trx, mailing);
  if (!sender) throw new AppError('FORBIDDEN', 'The member who scheduled this mailing may no longer send mailings.');
  const silence = await checkElectoralSilence(trx, o.campaignId, now);
  if (!silence.allowed) {
    await trx
      .updateTable('mailing')
      .set({ status: 'scheduled', held_until: silence.until, held_reason: 'electoral_silence', updated_at: now })
      .where('campaign_id', '=', o.campaignId)
      .where('id', '=', mailing.id)
      .execute();
    return { outcome: 'held', mailingId: mailing.id, heldUntil: silence.until, jobs: [scheduleJob(mailing.id, silence.until)] };
  }
  const started = await startSending(trx, sender, mailing.id, o.config);
  return { outcome: 'started', mailingId: started.id, jobs: [{ kind: 'messaging.send', params: { mailing_id: started.id } }] };
}

/**
 * Runs a schedule at its instant `at` (the job's body): nothing if the mailing's instant changed; a
 * series makes its occurrence and queues the next; then the mailing (or occurrence) is held if the
 * electoral silence holds `now`, or started. A mailing that cannot go out (its segment deleted, its
 * scheduler gone) goes back to a draft, and the outcome says why. The caller queues `jobs`.
 */
export async function runSchedule(tenant: TenantRunner, o: RunOptions): Promise<ScheduledOutcome> {
  const now = o.now ?? new Date();
  const step = await tenant((trx) => advanceSeries(trx, o, now));
  if (step.target === null)
    return { outcome: step.stopped ? 'series_stopped' : 'stale', mailingId: step.stopped ? o.mailingId : null, jobs: step.jobs };
  const targetId = step.target;
  try {
    const released = await tenant((trx) => releaseMailing(trx, o, targetId, now));
    return { ...released, jobs: [...step.jobs, ...released.jobs] };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    await tenant((trx) =>
      trx
        .updateTable('mailing')
        .set({ status: 'draft', held_until: null, held_reason: null, updated_at: now })
        .where('campaign_id', '=', o.campaignId)
        .where('id', '=', targetId)
        .where('status', 'in', ['draft', 'scheduled'])
        .execute(),
    );
    return { outcome: 'failed', mailingId: targetId, error, jobs: step.jobs };
  }
}

/** Queues the jobs a schedule decided (after its transaction committed). */
export async function queueJobs(enqueue: (o: EnqueueOptions) => Promise<string>, campaignId: string, jobs: readonly QueuedJob[]) {
  for (const job of jobs) await enqueue({ campaignId, ...job });
}

/** Records that the electoral silence holds a sending mailing until `until` (null: it goes on). */
export async function recordHold(tenant: TenantRunner, campaignId: string, mailingId: string, until: Date | null) {
  await tenant((trx) =>
    trx
      .updateTable('mailing')
      .set(until ? { held_until: until, held_reason: 'electoral_silence' } : { held_until: null, held_reason: null })
      .where('campaign_id', '=', campaignId)
      .where('id', '=', mailingId)
      .where((eb) => (until ? eb('held_until', 'is distinct from', until) : eb('held_until', 'is not', null)))
      .execute(),
  );
}

/** The job of a schedule: at its instant, holds or starts the mailing (a series' occurrence). */
export const scheduleJobDefinition = defineJob({
  kind: 'messaging.schedule',
  params: Type.Object({ mailing_id: Type.String({ format: 'uuid' }), at: Type.String({ format: 'date-time' }) }),
  async run(ctx) {
    const result = await runSchedule(ctx.tenant, {
      campaignId: ctx.campaignId,
      mailingId: ctx.params.mailing_id,
      at: new Date(ctx.params.at),
      config: ctx.config,
    });
    await queueJobs(ctx.enqueue, ctx.campaignId, result.jobs);
    if (result.error) throw new JobFailure(result.error.message, { error_code: result.error.code, mailing_id: result.mailingId });
    return {
      outcome: result.outcome,
      mailing_id: result.mailingId,
      ...(result.heldUntil ? { held_until: result.heldUntil.toISOString() } : {}),
    };
  },
});
