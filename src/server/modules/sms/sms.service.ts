// Use cases of SMS: the estimate of a text for a set of people, queueing a send (what was queued,
// deferred and skipped, and why), and the campaign's settings.
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { isTimeZone } from '../../lib/zoned-time.ts';
import { assertNotInSilence } from '../calendar/index.ts';
import { type Audience, audienceWhere, countByZone, reportingZoneOf, reportingZones } from '../messaging/index.ts';
import { phoneNumberType } from '../people/index.ts';
import { minutesOf, type SendingHours } from './hours.ts';
import { linksOf, newShortCode, replaceLinks, shortLinkOf, withShortLinkLength } from './links.ts';
import { composeBody, providerSender, senderKindOf } from './rules.ts';
import { nextSendableInstant } from './silence.ts';
import { listMemberIds, loadSettings, type RecipientRow, recipientsOf, type SmsSettings } from './sms.repo.ts';
import { analyseText, applyReplacements, countSegments, suggestReplacements } from './text.ts';

export interface SmsActor {
  campaignId: string;
  zoneScope: readonly string[] | null;
  label: string;
}

/** Why a person of a send gets nothing. */
export const SKIP_REASONS = ['not_found', 'no_consent', 'no_mobile', 'duplicate_number'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The mobile number a person is texted on: the primary phone if it is a mobile, else their first other mobile. */
export function mobileOf(person: Pick<RecipientRow, 'phone' | 'phones'>): string | null {
  const phones = [person.phone, ...person.phones].filter((p): p is string => !!p && /^\+[1-9]\d{6,14}$/.test(p));
  return phones.find((p) => phoneNumberType(p) === 'Mobile') ?? null;
}

/** Whom a send or an estimate names: people, a list, and/or an audience (segments and lists minus exclusions). */
export interface SmsTarget {
  person_ids?: string[] | undefined;
  list_id?: string | undefined;
  audience?: Audience | undefined;
}

/**
 * The people of a send: the ids given, the members of a list, and the people of an audience (the
 * messaging module's, on the SMS channel: consent and a number, within the actor's zones),
 * deduplicated in order.
 */
async function targetIds(trx: Trx, actor: SmsActor, target: SmsTarget) {
  const ids: string[] = [...(target.person_ids ?? [])];
  if (target.list_id) {
    const members = await listMemberIds(trx, actor.campaignId, target.list_id);
    if (!members) throw new AppError('NOT_FOUND', 'No such list.');
    ids.push(...members);
  }
  if (target.audience) {
    const where = await audienceWhere(
      trx,
      target.audience,
      { campaignId: actor.campaignId, zoneScope: actor.zoneScope },
      { channel: 'sms' },
    );
    const rows = await trx.selectFrom('person').select('person.id').where(where).orderBy('person.id').execute();
    ids.push(...rows.map((r) => r.id));
  }
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/** Who of the target would get the message, and who not and why. */
async function classify(trx: Trx, actor: SmsActor, ids: readonly string[]) {
  const rows = await recipientsOf(trx, { campaignId: actor.campaignId, ids, zoneScope: actor.zoneScope });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const reachable: { personId: string; to: string; zoneIds: string[] }[] = [];
  const skipped: { person_id: string; reason: SkipReason }[] = [];
  const numbers = new Set<string>();
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) skipped.push({ person_id: id, reason: 'not_found' });
    else if (!row.consent) skipped.push({ person_id: id, reason: 'no_consent' });
    else {
      const to = mobileOf(row);
      if (!to) skipped.push({ person_id: id, reason: 'no_mobile' });
      else if (numbers.has(to)) skipped.push({ person_id: id, reason: 'duplicate_number' });
      else {
        numbers.add(to);
        reachable.push({ personId: id, to, zoneIds: row.zone_ids });
      }
    }
  }
  return { reachable, skipped };
}

/** The sender, name and STOP number a send needs; SMS_NOT_CONFIGURED names what is missing. */
export function sendingIdentity(settings: SmsSettings, defaultSender: string | null) {
  const sender = settings.sender ?? defaultSender;
  const kind = sender ? senderKindOf(sender) : null;
  const stopNumber = settings.stopNumber ?? (kind?.kind === 'short_code' ? (sender as string) : null);
  const missing = [!sender && 'sender', !settings.senderName.trim() && 'sender_name', !stopNumber && 'stop_number'].filter(Boolean);
  if (missing.length > 0 || !sender || !stopNumber) {
    throw new AppError('SMS_NOT_CONFIGURED', `Set the campaign's SMS ${missing.join(', ')} first (PUT /api/v1/sms/settings).`, { missing });
  }
  if (kind?.kind === null) throw new AppError('SMS_SENDER_INVALID', kind.reason);
  return { sender: providerSender(sender), senderName: settings.senderName, stopNumber };
}

/** The people who would get a send, per arrondissement (the zones the mailings' counts use). */
async function reachableByZone(trx: Trx, actor: SmsActor, reachable: readonly { zoneIds: string[] }[]) {
  const zones = await reportingZones(trx, actor);
  const reporting = new Set(zones.map((z) => z.id));
  const counts = new Map<string | null, number>();
  for (const r of reachable) {
    const zone = reportingZoneOf(r.zoneIds, reporting);
    counts.set(zone, (counts.get(zone) ?? 0) + 1);
  }
  return countByZone(zones, counts).by_zone;
}

/** The live estimate of a text: encoding, segments, cost, replacements and who of the target would get it. */
export async function estimateSms(
  trx: Trx,
  actor: SmsActor,
  input: { text: string } & SmsTarget,
  options: { defaultSender: string | null; publicUrl: string },
) {
  const settings = await loadSettings(trx, actor.campaignId);
  // Counted as it goes out: each URL as a short link.
  const text = withShortLinkLength(input.text, options.publicUrl);
  const ids = await targetIds(trx, actor, input);
  const { reachable, skipped } = await classify(trx, actor, ids);
  // The body as it would go out (sender's name and STOP line added), when the campaign is set up.
  let identity: ReturnType<typeof sendingIdentity> | null = null;
  try {
    identity = sendingIdentity(settings, options.defaultSender);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
  }
  const body = identity ? composeBody(text, identity) : null;
  const analysed = analyseText(body ?? text, { recipients: reachable.length, pricePerSegment: settings.segmentPrice });
  // The replacements apply to what the person typed (the sender's name and STOP line are added after).
  const { replacements, unreplaceable } = suggestReplacements(input.text);
  const replacedText = applyReplacements(input.text);
  const replacedShort = withShortLinkLength(replacedText, options.publicUrl);
  const after = countSegments(identity ? composeBody(replacedShort, identity) : replacedShort);
  return {
    ...analysed,
    short_links: linksOf(input.text).length,
    replacements,
    unreplaceable,
    replaced_text: replacedText,
    replaced_encoding: after.encoding,
    replaced_segments: after.segments,
    body,
    price_per_segment: settings.segmentPrice,
    currency: 'EUR' as const,
    recipients: reachable.length,
    by_zone: await reachableByZone(trx, actor, reachable),
    skipped: countReasons(skipped),
  };
}

function countReasons(skipped: readonly { reason: SkipReason }[]) {
  const counts: Record<SkipReason, number> = { not_found: 0, no_consent: 0, no_mobile: 0, duplicate_number: 0 };
  for (const s of skipped) counts[s.reason] += 1;
  return counts;
}

/**
 * Queues a text to people (ids, a list or an audience): one sms_message per reachable person, `deferred` until
 * the next allowed instant when now (or `send_at`) is outside the sending hours. The job checks
 * consent, hours and electoral silence again when it dispatches.
 */
export async function queueSms(
  trx: Trx,
  actor: SmsActor,
  input: { text: string; send_at?: string | undefined } & SmsTarget,
  options: { defaultSender: string | null; publicUrl: string; now?: Date },
) {
  const settings = await loadSettings(trx, actor.campaignId);
  const identity = sendingIdentity(settings, options.defaultSender);
  // Every message has the same length: its short links differ only in their codes.
  const body = composeBody(withShortLinkLength(input.text, options.publicUrl), identity);
  const { encoding, segments } = countSegments(body);
  const links = linksOf(input.text);
  const ids = await targetIds(trx, actor, input);
  const { reachable, skipped } = await classify(trx, actor, ids);
  const now = options.now ?? new Date();
  const scheduled = !!input.send_at && new Date(input.send_at) > now;
  const wanted = scheduled ? new Date(input.send_at as string) : now;
  // A send asked for now inside an electoral silence is refused; a scheduled one, or one the
  // sending hours push into a silence, is held until it ends (and says why).
  if (!scheduled) await assertNotInSilence(trx, actor.campaignId, now);
  const { at: notBefore, reason } = await nextSendableInstant(trx, actor.campaignId, wanted, settings.hours);
  const sendId = uuidv7();
  const shortLinks: { campaign_id: string; code: string; message_id: string; link_index: number; url: string }[] = [];
  const rows = reachable
    .map((r) => {
      const id = uuidv7();
      const codes = links.map((url, index) => {
        const code = newShortCode();
        shortLinks.push({ campaign_id: actor.campaignId, code, message_id: id, link_index: index, url });
        return code;
      });
      const own =
        links.length > 0
          ? composeBody(
              replaceLinks(input.text, (_, i) => shortLinkOf(options.publicUrl, codes[i] as string)),
              identity,
            )
          : body;
      return { id, personId: r.personId, to: r.to, body: own };
    })
    .map((r) => ({
      campaign_id: actor.campaignId,
      id: r.id,
      send_id: sendId,
      person_id: r.personId,
      to_number: r.to,
      sender: identity.sender,
      body: r.body,
      encoding,
      segments,
      status: reason ? ('deferred' as const) : ('queued' as const),
      not_before: notBefore,
      deferred_reason: reason,
      created_by_label: actor.label,
    }));
  for (let i = 0; i < rows.length; i += 1000)
    await trx
      .insertInto('sms_message')
      .values(rows.slice(i, i + 1000))
      .execute();
  for (let i = 0; i < shortLinks.length; i += 1000)
    await trx
      .insertInto('sms_link')
      .values(shortLinks.slice(i, i + 1000))
      .execute();
  const entries = rows.map((r) => ({ person_id: r.person_id, message_id: r.id, to: r.to_number }));
  return {
    send_id: sendId,
    body,
    encoding,
    segments,
    not_before: notBefore,
    queued: reason ? [] : entries,
    deferred: reason ? entries.map((e) => ({ ...e, reason, until: notBefore })) : [],
    skipped,
  };
}

/** The settings as the API shows them. */
export function settingsDocument(s: SmsSettings, defaultSender: string | null) {
  return {
    sender: s.sender,
    default_sender: defaultSender,
    sender_name: s.senderName,
    stop_number: s.stopNumber,
    hours_start: s.hours.start,
    hours_end: s.hours.end,
    time_zone: s.hours.timeZone,
    block_sundays: s.hours.blockSundays,
    block_holidays: s.hours.blockHolidays,
    segment_price: s.segmentPrice,
  };
}

/** Checks settings sent by the back office: the sender (French rules), the hours and the zone. */
export function checkSettings(input: {
  sender: string | null;
  stop_number: string | null;
  hours_start: string;
  hours_end: string;
  time_zone: string;
}): SendingHours['timeZone'] {
  if (input.sender !== null) {
    const kind = senderKindOf(input.sender);
    if (kind.kind === null) throw new AppError('SMS_SENDER_INVALID', kind.reason, { field: 'sender' });
  }
  if (input.stop_number !== null && !/^\d{4,6}$/.test(input.stop_number.trim()))
    throw new AppError('SMS_SENDER_INVALID', 'The STOP number is a short code of 4 to 6 digits (36xxx).', { field: 'stop_number' });
  const start = minutesOf(input.hours_start);
  const end = minutesOf(input.hours_end);
  if (start === null || end === null || end <= start)
    throw new AppError('SMS_HOURS_INVALID', 'Sending hours are HH:MM, the end after the start.', { field: 'hours_end' });
  if (!isTimeZone(input.time_zone))
    throw new AppError('SMS_HOURS_INVALID', `Unknown time zone "${input.time_zone}".`, { field: 'time_zone' });
  return input.time_zone;
}
