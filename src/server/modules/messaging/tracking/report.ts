// A mailing's report: sent, delivered, opens and clicks (unique people, human events by default),
// unsubscribes, bounces and complaints (the suppressions whose proof names the mailing), in total,
// per variant and per arrondissement (the recipients' zones at send time, one grouped query over
// the mailing's recipient rows and their events), opens and clicks per hour, clicks per link, and
// the people who opened or clicked (paginated). A referent's report counts the recipients of their
// zones only.
import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../../db/database.ts';
import type { MailEventClassification } from '../../../db/schema.ts';
import { reportingZones } from '../audience.ts';

export const COUNTED = ['human', 'all'] as const;
export type Counted = (typeof COUNTED)[number];

export interface ReportScope {
  campaignId: string;
  mailingId: string;
  /** The actor's zones (a referent), or null for the whole campaign. */
  zoneScope: readonly string[] | null;
  counted: Counted;
}

export interface Figures {
  sent: number;
  delivered: number;
  opens: number;
  clicks: number;
  unsubscribes: number;
  bounces: number;
  complaints: number;
}

function classesOf(counted: Counted): MailEventClassification[] {
  return counted === 'all' ? ['human', 'apple_proxy', 'scanner'] : ['human'];
}

function inScope(s: ReportScope, column: RawBuilder<unknown>) {
  return s.zoneScope ? sql`and ${column} && ${sql.val([...s.zoneScope])}::uuid[]` : sql``;
}

/**
 * The figures grouped by `key` (an expression over r, the recipient row, and zid, its zone when
 * unnested); with `grouping`, the rows grouped by key (r.variant) and the total (key null) in one scan.
 */
/**
 * A report reads a whole mailing's rows, joined on keys with many rows each side: hash joins, always.
 * On statistics that lag a bulk write (PGlite runs no autovacuum), the planner took the grouped events
 * for a few rows and nested-looped them against every recipient: 110 s for the demo newsletter's
 * figures, 0.4 s with nested loops off. For this transaction only.
 */
async function planForWholeMailings(trx: Trx): Promise<void> {
  await sql`select set_config('enable_nestloop', 'off', true)`.execute(trx);
}

async function figuresBy(trx: Trx, s: ReportScope, key: RawBuilder<unknown>, zoneIds: readonly string[] | null, grouping = false) {
  await planForWholeMailings(trx);
  const { rows } = await sql<{
    key: string | null;
    sent: string;
    opens: string;
    clicks: string;
    unsubscribes: string;
    bounces: string;
    complaints: string;
  }>`
    with ev as (
      select recipient_id, bool_or(kind = 'open') as opened, bool_or(kind = 'click') as clicked
      from mail_event
      where campaign_id = ${s.campaignId} and mailing_id = ${s.mailingId}
        and classification = any(${sql.val(classesOf(s.counted))}::text[])
      group by recipient_id
    ), sup as (
      select proof->>'recipient_id' as recipient_id, reason
      from mail_suppression
      where campaign_id = ${s.campaignId} and proof->>'mailing_id' = ${s.mailingId}
    )
    select ${key} as key,
      count(*) filter (where r.status = 'sent') as sent,
      count(*) filter (where ev.opened or ev.clicked) as opens,
      count(*) filter (where ev.clicked) as clicks,
      count(*) filter (where sup.reason = 'unsubscribed') as unsubscribes,
      count(*) filter (where sup.reason in ('hard_bounce', 'soft_bounces')) as bounces,
      count(*) filter (where sup.reason = 'complaint') as complaints
    from mailing_recipient r
    ${zoneIds ? sql`cross join lateral unnest(r.zone_ids) as zid` : sql``}
    left join ev on ev.recipient_id = r.id
    left join sup on sup.recipient_id = r.id::text
    where r.campaign_id = ${s.campaignId} and r.mailing_id = ${s.mailingId} ${inScope(s, sql`r.zone_ids`)}
      ${zoneIds ? sql`and zid = any(${sql.val([...zoneIds])}::uuid[])` : sql``}
    group by ${grouping ? sql`grouping sets ((), (1))` : sql`1`}
    order by 1 nulls first`.execute(trx);
  return rows.map((r) => {
    const bounces = Number(r.bounces);
    const sent = Number(r.sent);
    return {
      key: r.key,
      figures: {
        sent,
        delivered: Math.max(0, sent - bounces),
        // An opened message is one whose pixel loaded or whose link was followed (images may be blocked).
        opens: Number(r.opens),
        clicks: Number(r.clicks),
        unsubscribes: Number(r.unsubscribes),
        bounces,
        complaints: Number(r.complaints),
      } satisfies Figures,
    };
  });
}

/** The figures per arrondissement (reportingZones): one grouped statement over the recipient rows' zones. */
export async function zoneFigures(trx: Trx, s: ReportScope) {
  const zones = await reportingZones(trx, s);
  const rows = await figuresBy(
    trx,
    s,
    sql`zid::text`,
    zones.map((z) => z.id),
  );
  return { zones, rows };
}

const EMPTY: Figures = { sent: 0, delivered: 0, opens: 0, clicks: 0, unsubscribes: 0, bounces: 0, complaints: 0 };

/** The mailing's figures in total only (the OSDI message's statistics): one grouped statement. */
export async function totalFigures(trx: Trx, s: ReportScope): Promise<Figures> {
  const [total] = await figuresBy(trx, s, sql`null::text`, null);
  return total?.figures ?? EMPTY;
}

/** The whole report of a mailing (except the people, see reportPeople). */
export async function mailingReport(trx: Trx, s: ReportScope) {
  await planForWholeMailings(trx);
  const [withTotal, byZone, hours, links] = await Promise.all([
    figuresBy(trx, s, sql`r.variant`, null, true),
    zoneFigures(trx, s),
    sql<{ hour: Date; opens: string; clicks: string }>`
      select date_trunc('hour', e.at) as hour,
        count(distinct e.recipient_id) filter (where e.kind = 'open') as opens,
        count(distinct e.recipient_id) filter (where e.kind = 'click') as clicks
      from mail_event e
      ${s.zoneScope ? sql`join mailing_recipient r on r.campaign_id = e.campaign_id and r.id = e.recipient_id` : sql``}
      where e.campaign_id = ${s.campaignId} and e.mailing_id = ${s.mailingId}
        and e.classification = any(${sql.val(classesOf(s.counted))}::text[]) ${inScope(s, sql`r.zone_ids`)}
      group by 1 order by 1`.execute(trx),
    sql<{ link_index: number; url: string; clicks: string; unique_clicks: string }>`
      select e.link_index, min(e.link_url) as url, count(*) as clicks, count(distinct e.recipient_id) as unique_clicks
      from mail_event e
      ${s.zoneScope ? sql`join mailing_recipient r on r.campaign_id = e.campaign_id and r.id = e.recipient_id` : sql``}
      where e.campaign_id = ${s.campaignId} and e.mailing_id = ${s.mailingId} and e.kind = 'click' and e.link_index >= 0
        and e.classification = any(${sql.val(classesOf(s.counted))}::text[]) ${inScope(s, sql`r.zone_ids`)}
      group by e.link_index order by e.link_index`.execute(trx),
  ]);
  const total = withTotal.filter((v) => v.key === null);
  const variants = withTotal.filter((v) => v.key !== null);
  const { zones, rows: zoneRows } = byZone;
  const zoneOf = new Map(zones.map((z) => [z.id, z]));
  return {
    counted: s.counted,
    ...(total[0]?.figures ?? EMPTY),
    by_variant: variants.map((v) => ({ variant: v.key ?? 'A', ...v.figures })),
    by_zone: zoneRows
      .filter((z) => z.key && zoneOf.has(z.key))
      .map((z) => {
        const zone = zoneOf.get(z.key as string) as { id: string; code: string; name: string };
        return { zone_id: zone.id, code: zone.code, name: zone.name, ...z.figures };
      }),
    over_time: hours.rows.map((h) => ({ hour: new Date(h.hour).toISOString(), opens: Number(h.opens), clicks: Number(h.clicks) })),
    links: links.rows.map((l) => ({
      index: l.link_index,
      url: l.url,
      clicks: Number(l.clicks),
      unique_clicks: Number(l.unique_clicks),
    })),
  };
}

/** The people who opened (or clicked) a mailing, first event first, a page of them with the total. */
export async function reportPeople(trx: Trx, s: ReportScope, kind: 'open' | 'click', page: { page: number; perPage: number }) {
  await planForWholeMailings(trx);
  const base = sql`
    from mail_event e
    join mailing_recipient r on r.campaign_id = e.campaign_id and r.id = e.recipient_id
    where e.campaign_id = ${s.campaignId} and e.mailing_id = ${s.mailingId}
      and ${kind === 'open' ? sql`e.kind in ('open', 'click')` : sql`e.kind = 'click'`}
      and e.classification = any(${sql.val(classesOf(s.counted))}::text[]) ${inScope(s, sql`r.zone_ids`)}`;
  const [rows, total] = await Promise.all([
    sql<{ person_id: string; given_name: string; family_name: string; email: string; first_at: Date; events: string }>`
      with who as (select e.person_id, r.email, min(e.at) as first_at, count(*) as events ${base} group by e.person_id, r.email)
      select who.person_id, coalesce(p.given_name, '') as given_name, coalesce(p.family_name, '') as family_name, who.email,
        who.first_at, who.events
      from who left join person p on p.campaign_id = ${s.campaignId} and p.id = who.person_id
      order by who.first_at, who.person_id
      limit ${page.perPage} offset ${(page.page - 1) * page.perPage}`.execute(trx),
    sql<{ n: string }>`select count(distinct e.person_id) as n ${base}`.execute(trx),
  ]);
  return {
    rows: rows.rows.map((r) => ({ ...r, first_at: new Date(r.first_at).toISOString(), events: Number(r.events) })),
    total: Number(total.rows[0]?.n ?? 0),
  };
}
