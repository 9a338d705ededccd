// Plain queries of the SMS module: settings, recipients, messages claimed for dispatch, delivery
// reports and replies.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { SmsStatus } from '../../db/schema.ts';
import { DEFAULT_SENDING_HOURS, type SendingHours } from './hours.ts';

/** A campaign's SMS settings as the code uses them (defaults when never saved). */
export interface SmsSettings {
  sender: string | null;
  senderName: string;
  stopNumber: string | null;
  hours: SendingHours;
  segmentPrice: number;
}

/** The campaign's SMS settings, or the defaults (sender name: the campaign's name). */
export async function loadSettings(trx: Trx, campaignId: string): Promise<SmsSettings> {
  const row = await trx.selectFrom('sms_settings').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
  if (!row) {
    const campaign = await trx.selectFrom('campaign').select('name').where('id', '=', campaignId).executeTakeFirst();
    return { sender: null, senderName: campaign?.name ?? '', stopNumber: null, hours: DEFAULT_SENDING_HOURS, segmentPrice: 0.065 };
  }
  return {
    sender: row.sender,
    senderName: row.sender_name,
    stopNumber: row.stop_number,
    hours: {
      start: row.hours_start,
      end: row.hours_end,
      timeZone: row.time_zone,
      blockSundays: row.block_sundays,
      blockHolidays: row.block_holidays,
    },
    segmentPrice: Number(row.segment_price),
  };
}

/** Saves the campaign's SMS settings (one row per campaign). */
export async function saveSettings(trx: Trx, campaignId: string, s: SmsSettings): Promise<void> {
  const values = {
    sender: s.sender,
    sender_name: s.senderName,
    stop_number: s.stopNumber,
    hours_start: s.hours.start,
    hours_end: s.hours.end,
    time_zone: s.hours.timeZone,
    block_sundays: s.hours.blockSundays,
    block_holidays: s.hours.blockHolidays,
    segment_price: s.segmentPrice,
    updated_at: new Date(),
  };
  await trx
    .insertInto('sms_settings')
    .values({ campaign_id: campaignId, ...values })
    .onConflict((oc) => oc.column('campaign_id').doUpdateSet(values))
    .execute();
}

/** A person as a recipient: their phones and whether the SMS ledger's latest entry gives consent now. */
export interface RecipientRow {
  id: string;
  phone: string | null;
  phones: string[];
  zone_ids: string[];
  consent: boolean;
}

/**
 * The people among `ids` the actor may reach (their campaign, not anonymised or merged, within a
 * referent's zones), with their SMS consent read from the ledger (as canReach reads it).
 */
export async function recipientsOf(trx: Trx, options: { campaignId: string; ids: readonly string[]; zoneScope: readonly string[] | null }) {
  const zones = options.zoneScope ? [...options.zoneScope] : null;
  const { rows } = await sql<RecipientRow>`
    select p.id, p.phone, p.phones, p.zone_ids,
      coalesce((select c.status = 'given' from consent c
        where c.campaign_id = p.campaign_id and c.person_id = p.id and c.channel = 'sms' and c.at <= now()
        order by c.at desc, c.id desc limit 1), false) as consent
    from person p
    where p.campaign_id = ${options.campaignId} and p.id = any(${[...options.ids]}::uuid[])
      and p.anonymized_at is null and p.merged_into is null
      and (${zones}::uuid[] is null or p.zone_ids && ${zones}::uuid[])`.execute(trx);
  return rows;
}

/** The members of a list (null when the list does not exist). */
export async function listMemberIds(trx: Trx, campaignId: string, listId: string): Promise<string[] | null> {
  const list = await trx.selectFrom('list').select('id').where('campaign_id', '=', campaignId).where('id', '=', listId).executeTakeFirst();
  if (!list) return null;
  const rows = await trx
    .selectFrom('list_member')
    .select('person_id')
    .where('campaign_id', '=', campaignId)
    .where('list_id', '=', listId)
    .orderBy('person_id')
    .execute();
  return rows.map((r) => r.person_id);
}

export interface DueMessage {
  id: string;
  person_id: string;
  to_number: string;
  sender: string;
  body: string;
}

/** Takes up to `limit` messages due at `now` (queued or deferred), locked: another worker skips them. */
export async function claimDue(trx: Trx, campaignId: string, now: Date, limit: number): Promise<DueMessage[]> {
  const { rows } = await sql<DueMessage>`
    select id, person_id, to_number, sender, body from sms_message
    where campaign_id = ${campaignId} and status in ('queued', 'deferred') and not_before <= ${now}
    order by not_before, id
    limit ${limit}
    for update skip locked`.execute(trx);
  return rows;
}

/** The earliest instant a waiting message of the campaign is due, or null. */
export async function nextDueAt(trx: Trx, campaignId: string): Promise<Date | null> {
  const row = await trx
    .selectFrom('sms_message')
    .select((eb) => eb.fn.min('not_before').as('at'))
    .where('campaign_id', '=', campaignId)
    .where('status', 'in', ['queued', 'deferred'])
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** Rank of a status: a report never moves a message to a lower rank (delivered after sent, not the reverse). */
export const STATUS_RANK: Record<SmsStatus, number> = {
  queued: 0,
  deferred: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};

/** The statuses below a status's rank (those a report of it may replace). */
export function statusesBelow(status: SmsStatus): SmsStatus[] {
  return (Object.keys(STATUS_RANK) as SmsStatus[]).filter((s) => STATUS_RANK[s] < STATUS_RANK[status]);
}

/** A page of the campaign's messages, newest first (a referent's: only their zones' people). */
export async function listMessages(
  trx: Trx,
  options: {
    campaignId: string;
    zoneScope: readonly string[] | null;
    page: number;
    perPage: number;
    sendId?: string | undefined;
    personId?: string | undefined;
    status?: SmsStatus | undefined;
  },
) {
  const zones = options.zoneScope ? [...options.zoneScope] : null;
  let q = trx.selectFrom('sms_message as m').where('m.campaign_id', '=', options.campaignId);
  if (options.sendId) q = q.where('m.send_id', '=', options.sendId);
  if (options.personId) q = q.where('m.person_id', '=', options.personId);
  if (options.status) q = q.where('m.status', '=', options.status);
  if (zones)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('person as p')
          .select('p.id')
          .whereRef('p.campaign_id', '=', 'm.campaign_id')
          .whereRef('p.id', '=', 'm.person_id')
          .where(sql<boolean>`p.zone_ids && ${zones}::uuid[]`),
      ),
    );
  const counted = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirst();
  const rows = await q
    .select([
      'm.id',
      'm.send_id',
      'm.person_id',
      'm.to_number',
      'm.sender',
      'm.body',
      'm.encoding',
      'm.segments',
      'm.status',
      'm.not_before',
      'm.deferred_reason',
      'm.provider',
      'm.provider_sid',
      'm.error_code',
      'm.created_at',
      'm.sent_at',
      'm.delivered_at',
    ])
    .orderBy('m.id', 'desc')
    .limit(options.perPage)
    .offset((options.page - 1) * options.perPage)
    .execute();
  return { rows, total: Number(counted?.n ?? 0) };
}

/**
 * The report of a send (a referent's: only their zones' people): its messages per status and their
 * segments, and the clicks on its short links per classification, in total and per link (clicks and
 * distinct people; human clicks are what the screen counts). Null when the send has no message the
 * actor may see.
 */
export async function sendReport(trx: Trx, options: { campaignId: string; zoneScope: readonly string[] | null; sendId: string }) {
  const zones = options.zoneScope ? [...options.zoneScope] : null;
  const visible = sql<boolean>`(${zones}::uuid[] is null or exists (select 1 from person p
    where p.campaign_id = m.campaign_id and p.id = m.person_id and p.zone_ids && ${zones}::uuid[]))`;
  const { rows: statuses } = await sql<{ status: SmsStatus; n: string; segments: string }>`
    select m.status, count(*) as n, sum(m.segments) as segments from sms_message m
    where m.campaign_id = ${options.campaignId} and m.send_id = ${options.sendId} and ${visible}
    group by m.status`.execute(trx);
  if (statuses.length === 0) return null;
  const { rows: links } = await sql<{ link_index: number; url: string; classification: string; clicks: string; people: string }>`
    select c.link_index, min(c.link_url) as url, c.classification, count(*) as clicks, count(distinct c.person_id) as people
    from sms_click c join sms_message m on m.campaign_id = c.campaign_id and m.id = c.message_id
    where c.campaign_id = ${options.campaignId} and c.send_id = ${options.sendId} and ${visible}
    group by c.link_index, c.classification order by c.link_index`.execute(trx);
  const { rows: people } = await sql<{ n: string }>`
    select count(distinct c.person_id) as n
    from sms_click c join sms_message m on m.campaign_id = c.campaign_id and m.id = c.message_id
    where c.campaign_id = ${options.campaignId} and c.send_id = ${options.sendId} and c.classification = 'human' and ${visible}`.execute(
    trx,
  );
  return { statuses, links, humanClickers: Number(people[0]?.n ?? 0) };
}
