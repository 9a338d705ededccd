// Use cases of mailings: write (merge tags and content checked at save), preview as a recipient,
// test sends, audience counts, and the send itself (recipient rows materialised in the request's
// transaction within the actor's zones; the job sends them).
import type { EmailTopic } from '../../../shared/enums.ts';
import type { Config } from '../../config.ts';
import type { Db, Trx } from '../../db/database.ts';
import type { MailingStatus, MailingVariantKey } from '../../db/schema.ts';
import type { TenantActor } from '../../http/auth.ts';
import { AppError } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { assertNotInSilence } from '../calendar/index.ts';
import { normalizeEmail } from '../people/index.ts';
import { assignTestShare } from './ab/ab.service.ts';
import { type Audience, audienceWhere, countAudience, materialiseRecipients } from './audience.ts';
import { buildMessage, loadBrand, loadKit, mergeValuesOf, sourceOf } from './compose.ts';
import { assertSendingAllowed } from './deliverability/deliverability.service.ts';
import { findMailing, type MailingRow } from './messaging.repo.ts';
import { type MailContent, renderTemplate } from './render.ts';
import type { Targets } from './targets.ts';
import { createBulkTransport } from './transport.ts';

export interface MailingInput {
  name?: string | undefined;
  subject?: string | undefined;
  from_name?: string | undefined;
  reply_to?: string | null | undefined;
  preheader?: string | undefined;
  content_format?: 'blocks' | 'mjml' | undefined;
  content?: MailContent | undefined;
  audience?: Audience | undefined;
  /** OSDI targets (parsed): they replace the audience's segments and lists. */
  targets?: Targets | undefined;
  topic?: EmailTopic | undefined;
}

const EDITABLE: ReadonlySet<MailingStatus> = new Set(['draft', 'scheduled', 'paused']);

function mailingNotFound(): AppError {
  return new AppError('MAILING_NOT_FOUND', 'No such mailing in this campaign (or outside your zones).');
}

/** Who a send acts as: a request's actor, or a scheduled send's sender (the scheduler's role and zones of the day). */
export type SendingActor = Pick<TenantActor, 'campaignId' | 'zoneScope' | 'userId'>;

/** A 409 for an action the mailing's state does not allow, naming both. */
export function stateConflict(status: MailingStatus, action: string, why = ''): AppError {
  return new AppError('MAILING_STATE_CONFLICT', `A ${status} mailing cannot be ${action}${why ? `: ${why}` : ''}.`, {
    mailing_status: status,
    action,
  });
}

/** A mailing the actor may see, or MAILING_NOT_FOUND. */
export async function getMailing(
  trx: Trx,
  actor: Pick<TenantActor, 'campaignId' | 'zoneScope'>,
  id: string,
  lock = false,
): Promise<MailingRow> {
  const row = await findMailing(trx, actor.campaignId, actor.zoneScope, id, lock);
  if (!row) throw mailingNotFound();
  return row;
}

/** Checks what a mailing would send: merge tags known, content of its format, MJML that renders. */
export async function checkContent(
  trx: Trx,
  campaignId: string,
  m: Pick<MailingRow, 'subject' | 'preheader' | 'content_format' | 'content'>,
  publicUrl: string,
) {
  const content = m.content as MailContent;
  if ((m.content_format === 'mjml') !== 'mjml' in content) {
    throw new AppError(
      'MAILING_CONTENT_INVALID',
      `content_format "${m.content_format}" needs content {${m.content_format === 'mjml' ? '"mjml": "<mjml>…"' : '"blocks": […]'}}.`,
    );
  }
  const { brand } = await loadBrand(trx, campaignId, publicUrl);
  await renderTemplate(sourceOf(m), brand);
}

function replyToOf(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null || value.trim() === '') return value === undefined ? undefined : null;
  const email = normalizeEmail(value);
  if (!email) throw new AppError('VALIDATION_FAILED', `reply_to is not an e-mail address: "${value}".`);
  return email;
}

/** Creates a draft mailing (and its variant A). */
export async function createMailing(trx: Trx, actor: TenantActor, input: MailingInput, publicUrl: string): Promise<MailingRow> {
  const values = {
    campaign_id: actor.campaignId,
    id: uuidv7(),
    name: input.name ?? '',
    subject: input.subject ?? '',
    from_name: input.from_name ?? '',
    reply_to: replyToOf(input.reply_to) ?? null,
    preheader: input.preheader ?? '',
    content_format: input.content_format ?? ('mjml' in (input.content ?? {}) ? 'mjml' : 'blocks'),
    content: input.content ?? { blocks: [] },
    audience: { ...(input.audience ?? {}), ...(input.targets ?? {}) },
    topic: input.topic ?? 'newsletter',
    zone_ids: actor.zoneScope,
    created_by_label: actor.label,
  } as const;
  await checkContent(trx, actor.campaignId, values, publicUrl);
  const row = await trx
    .insertInto('mailing')
    .values({
      ...values,
      content: JSON.stringify(values.content),
      audience: JSON.stringify(values.audience),
      zone_ids: values.zone_ids ? [...values.zone_ids] : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.insertInto('mailing_variant').values({ campaign_id: actor.campaignId, mailing_id: row.id, variant: 'A' }).execute();
  return row;
}

/** Changes a mailing not yet sending. */
export async function updateMailing(trx: Trx, actor: TenantActor, id: string, input: MailingInput, publicUrl: string): Promise<MailingRow> {
  const current = await getMailing(trx, actor, id, true);
  if (!EDITABLE.has(current.status)) throw new AppError('MAILING_STATE_CONFLICT', `A ${current.status} mailing cannot be changed.`);
  const next = {
    ...current,
    ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    ...(input.reply_to !== undefined ? { reply_to: replyToOf(input.reply_to) ?? null } : {}),
  } as MailingRow;
  if (input.targets) next.audience = { ...(next.audience as Audience), ...input.targets };
  if (input.content !== undefined && input.content_format === undefined) next.content_format = 'mjml' in input.content ? 'mjml' : 'blocks';
  await checkContent(trx, actor.campaignId, next, publicUrl);
  return trx
    .updateTable('mailing')
    .set({
      name: next.name,
      subject: next.subject,
      from_name: next.from_name,
      reply_to: next.reply_to,
      preheader: next.preheader,
      content_format: next.content_format,
      content: JSON.stringify(next.content),
      audience: JSON.stringify(next.audience),
      topic: next.topic,
      updated_at: new Date(),
    })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a draft. */
export async function deleteMailing(trx: Trx, actor: TenantActor, id: string): Promise<void> {
  const current = await getMailing(trx, actor, id, true);
  if (current.status !== 'draft') throw new AppError('MAILING_STATE_CONFLICT', `A ${current.status} mailing cannot be deleted.`);
  // A series' model keeps its occurrences' link (their reports name it).
  const occurrence = await trx
    .selectFrom('mailing')
    .select('id')
    .where('campaign_id', '=', actor.campaignId)
    .where('series_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  if (occurrence) throw stateConflict(current.status, 'deleted', 'its series has sent occurrences');
  await trx.deleteFrom('mailing').where('campaign_id', '=', actor.campaignId).where('id', '=', id).execute();
}

/** How many people an audience reaches for this actor (consent to the topic, suppressions and zones applied). */
export async function countAudienceFor(trx: Trx, actor: TenantActor, audience: Audience, topic?: EmailTopic) {
  const scope = { campaignId: actor.campaignId, zoneScope: actor.zoneScope };
  return countAudience(trx, await audienceWhere(trx, audience, scope, { topic }), scope);
}

/** The message a person (or, without one, nobody: fallbacks) would receive: subject, HTML and text. */
export async function previewMailing(
  trx: Trx,
  actor: TenantActor,
  id: string,
  personId: string | null,
  config: Config,
  variant: MailingVariantKey = 'A',
) {
  const mailing = await getMailing(trx, actor, id);
  const kit = await loadKit(trx, mailing, config.publicUrl);
  let person = {
    given_name: '',
    family_name: '',
    email: null as string | null,
    locality: null as string | null,
    postcode: null as string | null,
  };
  if (personId) {
    let q = trx
      .selectFrom('person')
      .select(['given_name', 'family_name', 'email', 'locality', 'postcode'])
      .where('campaign_id', '=', actor.campaignId)
      .where('id', '=', personId)
      .where('anonymized_at', 'is', null);
    if (actor.zoneScope)
      q = q.where('zone_ids', '&&', actor.zoneScope.length ? [...actor.zoneScope] : ['00000000-0000-0000-0000-000000000000']);
    const found = await q.executeTakeFirst();
    if (!found) throw new AppError('MAILING_PREVIEW_PERSON_NOT_FOUND', 'No such person in this campaign (or outside your zones).');
    person = found;
  }
  const message = buildMessage(
    config,
    // The preview shows the links as written (tracking rewrites them for real recipients only).
    { ...kit, tracking: false },
    { id: '00000000-0000-7000-8000-000000000000', email: person.email ?? '', variant },
    mergeValuesOf(person),
  );
  return { subject: message.subject, html: message.html, text: message.text };
}

/** Sends the mailing, as its first variant with fallbacks for every merge tag, to up to 5 addresses ("[Test]" subject). */
export async function testSendMailing(
  db: Db,
  actor: TenantActor,
  mailing: MailingRow,
  emails: readonly string[],
  config: Config,
  kit: Awaited<ReturnType<typeof loadKit>>,
) {
  const addresses = emails.map((e) => normalizeEmail(e));
  if (addresses.length === 0 || addresses.length > 5 || addresses.some((a) => a === null)) {
    throw new AppError('MAILING_TEST_RECIPIENTS_INVALID', 'Give one to five valid e-mail addresses.');
  }
  const transport = createBulkTransport(config.mailing, db);
  try {
    for (const to of new Set(addresses as string[])) {
      const message = buildMessage(config, kit, { id: uuidv7(), email: to, variant: 'A' }, {});
      await transport.send({ ...message, subject: `[Test] ${message.subject}`, returnPath: `bounces@${config.mailing.bounceDomain}` });
    }
  } finally {
    transport.close();
  }
  return { sent: addresses.length, mailing_id: mailing.id, actor: actor.label };
}

/**
 * Starts sending: checks the mailing, materialises its recipient rows (the audience within the
 * actor's zones, consent and suppressions applied) and marks it sending. The caller queues the job
 * after the commit. A paused mailing resumes with its rows as they are; a sending one is left as it is.
 */
export async function startSending(trx: Trx, actor: SendingActor, id: string, config: Config): Promise<MailingRow> {
  const mailing = await getMailing(trx, actor, id, true);
  // A weekly series' model is never sent itself: its occurrences are (messaging/schedule.ts).
  if (mailing.recurrence_weekday !== null) throw stateConflict(mailing.status, 'sent now', 'it is the model of a weekly series');
  // While the complaint rate holds sending paused, no send starts or resumes (409 MAILING_SENDING_PAUSED).
  await assertSendingAllowed(trx, actor.campaignId);
  // Already sending: the caller queues one more worker (harmless: rows are claimed with SKIP LOCKED),
  // which also recovers a send whose job was never queued (a crash between commit and enqueue).
  if (mailing.status === 'sending') return mailing;
  if (mailing.status === 'paused') {
    return (
      trx
        .updateTable('mailing')
        // Resumed past its circuit breaker by a person: the breaker stays quiet for this mailing.
        .set({
          status: 'sending',
          pause_reason: null,
          ...(mailing.pause_reason ? { breaker_released_at: new Date() } : {}),
          updated_at: new Date(),
        })
        .where('campaign_id', '=', actor.campaignId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
    );
  }
  if (mailing.status !== 'draft' && mailing.status !== 'scheduled')
    throw new AppError('MAILING_STATE_CONFLICT', `A ${mailing.status} mailing cannot be sent again.`);
  // Not during the electoral silence (Code électoral L.49): 409 ELECTORAL_SILENCE, saying until when.
  await assertNotInSilence(trx, actor.campaignId, new Date());
  const where = await assertSendable(trx, actor, mailing, config);
  const added = await materialiseRecipients(trx, where, { campaignId: actor.campaignId, mailingId: id });
  // An A/B test: the test share is queued with its variants, the rest held until the decision.
  await assignTestShare(trx, actor.campaignId, id);
  return trx
    .updateTable('mailing')
    .set({
      status: 'sending',
      started_at: new Date(),
      total_targeted: added,
      sent_by: actor.userId,
      // The zones that bounded the audience (a referent's), kept with the mailing.
      zone_ids: actor.zoneScope ? [...actor.zoneScope] : mailing.zone_ids,
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
 * Checks that a mailing can go out as `actor` (a subject, content that renders, an audience of the
 * campaign's segments and lists) and returns its audience's condition within the actor's zones.
 * Asked when it is sent, and already when it is scheduled (a schedule that cannot go out is refused then).
 */
export async function assertSendable(trx: Trx, actor: SendingActor, mailing: MailingRow, config: Config) {
  if (mailing.subject.trim() === '') throw new AppError('MAILING_INCOMPLETE', 'A mailing needs a subject before it is sent.');
  const content = mailing.content as MailContent;
  if ('blocks' in content && content.blocks.length === 0)
    throw new AppError('MAILING_INCOMPLETE', 'A mailing needs content before it is sent.');
  await checkContent(trx, actor.campaignId, mailing, config.publicUrl);
  return audienceWhere(
    trx,
    mailing.audience as Audience,
    { campaignId: actor.campaignId, zoneScope: actor.zoneScope },
    { topic: mailing.topic },
  );
}

/** Resumes a paused mailing: its rows not yet sent go out (the caller queues the job after the commit). */
export async function resumeMailing(trx: Trx, actor: SendingActor, id: string, config: Config): Promise<MailingRow> {
  const mailing = await getMailing(trx, actor, id, true);
  if (mailing.status !== 'paused') throw stateConflict(mailing.status, 'resumed', 'only a paused mailing is');
  return startSending(trx, actor, id, config);
}

/**
 * Pauses a sending mailing (workers stop before their next batch; rows not yet claimed stay queued)
 * or cancels one not yet sent: its queued rows are skipped, and a weekly series' model stops the
 * series (its pending occurrence job finds it cancelled). Rows a worker holds finish their message.
 */
export async function changeStatus(trx: Trx, actor: TenantActor, id: string, to: 'paused' | 'cancelled'): Promise<MailingRow> {
  const mailing = await getMailing(trx, actor, id, true);
  if (to === 'paused' && mailing.status !== 'sending') throw stateConflict(mailing.status, 'paused', 'only a sending mailing is');
  if (to === 'cancelled' && !['draft', 'scheduled', 'sending', 'paused'].includes(mailing.status))
    throw stateConflict(mailing.status, 'cancelled', 'it is over already');
  if (to === 'cancelled') {
    await trx
      .updateTable('mailing_recipient')
      .set({ status: 'skipped', last_error: 'cancelled' })
      .where('campaign_id', '=', actor.campaignId)
      .where('mailing_id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }
  return trx
    .updateTable('mailing')
    .set({
      status: to,
      updated_at: new Date(),
      ...(to === 'cancelled' ? { finished_at: new Date(), held_until: null, held_reason: null } : {}),
    })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
