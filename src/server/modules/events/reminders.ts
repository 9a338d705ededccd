// The reminder sequence of an RSVP, as jobs on the queue: the confirmation at once; the day before
// at 11:00 on the event's clocks with "I'm coming / I can't anymore" signed links; the day itself
// at 08:00; 30 minutes before by SMS where the person consented (through the sms module); a change
// or cancellation at once; a thank-you two hours after the end that records attendance ("I was
// there"). Each job carries the start it was planned for: a job of a time that has changed, or of
// an RSVP cancelled since, does nothing (the change planned its own).
import { Type } from 'typebox';
import type { Config } from '../../config.ts';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { defineJob, type EnqueueOptions } from '../../jobs/queue.ts';
import { addDays, wallClockOf, zonedInstant } from '../../lib/zoned-time.ts';
import { createMailer, type MailMessage } from '../../mail/mailer.ts';
import { queueSms, requestDispatch } from '../sms/index.ts';
import { type EventRow, findEvent, findRsvp } from './events.repo.ts';
import { signRsvpToken } from './tokens.ts';

export const NOTICE_STEPS = [
  'confirmation',
  'waitlisted',
  'promoted',
  'day_before',
  'day_of',
  'sms',
  'changed',
  'cancelled',
  'thanks',
] as const;
export type NoticeStep = (typeof NOTICE_STEPS)[number];

/** A job to queue once the transaction that decided it has committed. */
export type Notice =
  | { kind: 'events.notify'; campaignId: string; params: NotifyParams; startAfter?: Date }
  | { kind: 'events.staff'; campaignId: string; params: { event_id: string; reason: string; waiting: number } };

interface NotifyParams {
  rsvp_id: string;
  step: NoticeStep;
  start_at: string;
  sequence: number;
}

/** A notice sent now about an RSVP. */
export function noticeOf(campaignId: string, rsvpId: string, step: NoticeStep, event: EventRow): Notice {
  return {
    kind: 'events.notify',
    campaignId,
    params: { rsvp_id: rsvpId, step, start_at: event.start_at.toISOString(), sequence: event.sequence },
  };
}

/** When each reminder of an event is due, on the event's clocks (those already past are left out by planReminders). */
export function reminderTimes(event: Pick<EventRow, 'start_at' | 'end_at' | 'time_zone'>) {
  const day = wallClockOf(event.time_zone, event.start_at).date;
  return {
    day_before: zonedInstant(addDays(day, -1), '11:00', event.time_zone),
    day_of: zonedInstant(day, '08:00', event.time_zone),
    sms: new Date(event.start_at.getTime() - 30 * 60_000),
    thanks: new Date(event.end_at.getTime() + 2 * 3600_000),
  };
}

/** The sequence of an RSVP with a seat, from now on. */
export function planReminders(campaignId: string, rsvpId: string, event: EventRow, now: Date, o: { confirmation: boolean }): Notice[] {
  const out: Notice[] = o.confirmation ? [noticeOf(campaignId, rsvpId, 'confirmation', event)] : [];
  const times = reminderTimes(event);
  for (const step of ['day_before', 'day_of', 'sms', 'thanks'] as const) {
    const at = times[step];
    if (at <= now) continue;
    if (step === 'day_of' && at >= event.start_at) continue;
    out.push({ ...noticeOf(campaignId, rsvpId, step, event), startAfter: at } as Notice);
  }
  return out;
}

/** Queues notices (after commit); a failure to queue loses no RSVP and is logged by the caller. */
export async function queueNotices(enqueue: (o: EnqueueOptions) => Promise<string>, notices: readonly Notice[]): Promise<void> {
  for (const n of notices) {
    await enqueue({
      campaignId: n.campaignId,
      kind: n.kind,
      params: n.params,
      ...(n.kind === 'events.notify' && n.startAfter ? { startAfter: n.startAfter } : {}),
    });
  }
}

const dateFmt = (event: EventRow) =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: event.time_zone }).format(event.start_at);

function placeOf(event: EventRow): string {
  if (event.type === 'online') return `En ligne : ${event.online_url ?? ''}`;
  return [event.venue, event.address].filter(Boolean).join(', ');
}

/** The e-mail of one step (French: the site's first language), with its signed links. */
export function noticeMail(
  config: Pick<Config, 'publicUrl'> & { mailing: { tokenSecret: string } },
  o: {
    campaignId: string;
    campaignName: string;
    step: NoticeStep;
    event: EventRow;
    rsvpId: string;
    to: string;
    givenName: string | null;
    attended: boolean;
  },
): MailMessage {
  const base = config.publicUrl;
  const link = (action: 'ticket' | 'yes' | 'no' | 'attended') =>
    `${base}/evenements/r/${signRsvpToken(config.mailing.tokenSecret, { campaignId: o.campaignId, rsvpId: o.rsvpId, action })}`;
  const page = `${base}/evenements/${o.event.id}`;
  const ics = `${base}/evenements/${o.event.id}.ics`;
  const hello = o.givenName ? `Bonjour ${o.givenName},` : 'Bonjour,';
  const what = `« ${o.event.title} »\n${dateFmt(o.event)}\n${placeOf(o.event)}`;
  const ticket = `Votre billet (à montrer à l'entrée) : ${link('ticket')}`;
  const calendar = `Ajouter à votre agenda : ${ics}`;
  const answer = `J'y serai : ${link('yes')}\nJe ne peux plus venir : ${link('no')}`;
  const texts: Record<NoticeStep, [string, string]> = {
    confirmation: [
      `Inscription confirmée : ${o.event.title}`,
      `${hello}\n\nVotre inscription est confirmée :\n${what}\n\n${ticket}\n${calendar}\n\nUn empêchement ? ${link('no')}`,
    ],
    waitlisted: [
      `Liste d'attente : ${o.event.title}`,
      `${hello}\n\nL'événement est complet : vous êtes sur la liste d'attente de\n${what}\n\nSi une place se libère, vous la recevrez automatiquement et nous vous écrirons.\nVous ne souhaitez plus attendre ? ${link('no')}`,
    ],
    promoted: [
      `Une place s'est libérée : ${o.event.title}`,
      `${hello}\n\nUne place s'est libérée, elle est à vous :\n${what}\n\n${ticket}\n${calendar}\n\n${answer}`,
    ],
    day_before: [`C'est demain : ${o.event.title}`, `${hello}\n\nOn vous attend demain :\n${what}\n\n${answer}\n\n${ticket}`],
    day_of: [
      `C'est aujourd'hui : ${o.event.title}`,
      `${hello}\n\nC'est aujourd'hui :\n${what}\n\n${ticket}\n\nUn empêchement ? ${link('no')}`,
    ],
    sms: ['', ''],
    changed: [
      `Changement : ${o.event.title}`,
      `${hello}\n\nL'événement a changé. Voici ce qui est prévu désormais :\n${what}\n\n${calendar}\n\n${answer}`,
    ],
    cancelled: [
      `Annulé : ${o.event.title}`,
      `${hello}\n\nNous sommes désolés : l'événement suivant est annulé.\n${what}\n\nD'autres rendez-vous : ${base}/evenements`,
    ],
    thanks: o.attended
      ? [`Merci d'être venu·e : ${o.event.title}`, `${hello}\n\nMerci d'avoir été là ! Les prochains rendez-vous : ${base}/evenements`]
      : [
          `Merci : ${o.event.title}`,
          `${hello}\n\nVous étiez là ? Dites-le-nous en un clic : ${link('attended')}\n\nLes prochains rendez-vous : ${base}/evenements`,
        ],
  };
  const [subject, text] = texts[o.step];
  return {
    to: o.to,
    subject: `${subject} — ${o.campaignName}`,
    text: `${text}\n\nPage de l'événement : ${page}\n`,
    campaignId: o.campaignId,
  };
}

/** The SMS sent 30 minutes before (short: one segment when it can). */
export function reminderSms(event: EventRow): string {
  const time = new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: event.time_zone }).format(event.start_at);
  return `Rappel : « ${event.title} » à ${time}, ${event.type === 'online' ? (event.online_url ?? '') : event.venue || event.address}.`;
}

/** Why a notice of this step is no longer due (the RSVP or event moved on), or null to send it. */
export function staleReason(
  step: NoticeStep,
  params: { start_at: string; sequence: number },
  rsvpStatus: string,
  event: EventRow,
): string | null {
  switch (step) {
    case 'cancelled':
      return null;
    case 'waitlisted':
      return rsvpStatus === 'waitlisted' ? null : 'not_waitlisted';
    case 'changed':
      if (rsvpStatus === 'cancelled') return 'rsvp_cancelled';
      return event.sequence === params.sequence ? null : 'superseded';
    default:
      if (rsvpStatus !== 'going') return 'not_going';
      if (event.status !== 'published') return 'event_not_published';
      if (step !== 'confirmation' && step !== 'promoted' && event.start_at.toISOString() !== params.start_at) return 'time_changed';
      return null;
  }
}

async function loadNotice(trx: Trx, campaignId: string, rsvpId: string) {
  const rsvp = await findRsvp(trx, campaignId, rsvpId);
  if (!rsvp) return null;
  const event = (await findEvent(trx, campaignId, rsvp.event_id)) as EventRow;
  const campaign = await trx.selectFrom('campaign').select('name').where('id', '=', campaignId).executeTakeFirstOrThrow();
  return { rsvp, event, campaignName: campaign.name };
}

/** events.notify: one notice of one RSVP (e-mail, or SMS for the 30-minute reminder). */
export const notifyJob = defineJob({
  kind: 'events.notify',
  unlisted: true,
  params: Type.Object({
    rsvp_id: Type.String({ format: 'uuid' }),
    step: Type.Union(NOTICE_STEPS.map((s) => Type.Literal(s))),
    start_at: Type.String({ maxLength: 40 }),
    sequence: Type.Integer({ minimum: 0 }),
  }),
  async run(ctx): Promise<Record<string, unknown>> {
    const { step } = ctx.params;
    const loaded = await ctx.tenant((trx) => loadNotice(trx, ctx.campaignId, ctx.params.rsvp_id));
    if (!loaded) return { skipped: 'rsvp_gone' };
    const { rsvp, event, campaignName } = loaded;
    const stale = staleReason(step, ctx.params, rsvp.status, event);
    if (stale) return { skipped: stale };
    if (step === 'sms') {
      let queued: Awaited<ReturnType<typeof queueSms>>;
      try {
        queued = await ctx.tenant((trx) =>
          queueSms(
            trx,
            { campaignId: ctx.campaignId, zoneScope: null, label: 'Rappel d’événement' },
            { text: reminderSms(event), person_ids: [rsvp.person_id] },
            { defaultSender: ctx.config.twilio?.from ?? null, publicUrl: ctx.config.publicUrl },
          ),
        );
      } catch (error) {
        // SMS not set up, or an electoral silence: the reminder is not sent, and not retried.
        if (error instanceof AppError) return { skipped: error.message };
        throw error;
      }
      if (queued.queued.length + queued.deferred.length === 0) return { skipped: queued.skipped[0]?.reason ?? 'no_sms' };
      await requestDispatch((o) => ctx.enqueue(o), ctx.tenant, ctx.campaignId);
      return { sms: queued.queued.length + queued.deferred.length };
    }
    if (!rsvp.email) return { skipped: 'no_email' };
    const mail = noticeMail(ctx.config, {
      campaignId: ctx.campaignId,
      campaignName,
      step,
      event,
      rsvpId: rsvp.id,
      to: rsvp.email,
      givenName: rsvp.given_name,
      attended: rsvp.attended_at !== null,
    });
    const mailer = createMailer(ctx.config, ctx.database.db);
    try {
      await mailer.send(mail);
    } finally {
      await mailer.close();
    }
    return { sent: step };
  },
});

/** events.staff: a seat freed less than 48 hours before the start: the staff is told by e-mail, not the waitlist promoted. */
export const staffJob = defineJob({
  kind: 'events.staff',
  unlisted: true,
  params: Type.Object({
    event_id: Type.String({ format: 'uuid' }),
    reason: Type.String({ maxLength: 40 }),
    waiting: Type.Integer({ minimum: 0 }),
  }),
  async run(ctx) {
    const data = await ctx.tenant(async (trx) => {
      const event = await findEvent(trx, ctx.campaignId, ctx.params.event_id);
      const staff = await trx
        .selectFrom('membership')
        .innerJoin('staff_user', 'staff_user.id', 'membership.user_id')
        .select(['staff_user.email', 'membership.role', 'membership.zone_ids'])
        .where('membership.campaign_id', '=', ctx.campaignId)
        .where('membership.role', 'in', ['owner', 'admin', 'organizer', 'referent'])
        .where('staff_user.disabled_at', 'is', null)
        .execute();
      return { event, staff };
    });
    const { event } = data;
    if (!event) return { skipped: 'event_gone' };
    // Referents hear of their zones' events only.
    const to = data.staff
      .filter((s) => s.role !== 'referent' || (event.zone_id !== null && s.zone_ids.includes(event.zone_id)))
      .map((s) => s.email);
    const mailer = createMailer(ctx.config, ctx.database.db);
    try {
      for (const address of new Set(to)) {
        await mailer.send({
          to: address,
          campaignId: ctx.campaignId,
          subject: `Place libérée à moins de 48 h : ${event.title}`,
          text: `Une place s'est libérée pour « ${event.title} » (${dateFmt(event)}), à moins de 48 heures du début.\n\n${ctx.params.waiting} personne(s) attendent : la liste d'attente n'avance plus automatiquement, c'est à l'équipe de les appeler.\n\n${ctx.config.publicUrl}/app/events/${event.id}\n`,
        });
      }
    } finally {
      await mailer.close();
    }
    return { told: to.length };
  },
});
