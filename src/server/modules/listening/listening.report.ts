// The response-time figures of the inbox (issue 19: "answered within the hour, day and night";
// "mentions handled feed the weekly figures"): mentions caught, handled, answered (a published reply
// drafted from them), answered within the hour and the median response time, for the whole window,
// day (7:00–22:00 Paris time) and night, per date and per week (weeks start on Monday, Paris time).
// One query; the response-time report and the dashboard's weekly figures both read it.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';

export interface ResponseBucket {
  mentions: number;
  handled: number;
  answered: number;
  answered_within_hour: number;
  median_response_minutes: number | null;
}

export interface ResponseReport {
  all: ResponseBucket;
  day: ResponseBucket;
  night: ResponseBucket;
  by_date: (ResponseBucket & { date: string })[];
  by_week: (ResponseBucket & { week: string; day: ResponseBucket; night: ResponseBucket })[];
}

const bucketOf = (r: Record<string, unknown> | undefined): ResponseBucket => ({
  mentions: Number(r?.mentions ?? 0),
  handled: Number(r?.handled ?? 0),
  answered: Number(r?.answered ?? 0),
  answered_within_hour: Number(r?.answered_within_hour ?? 0),
  median_response_minutes: r?.median == null ? null : Math.round(Number(r.median) * 10) / 10,
});

/** The figures of the mentions published since `since`. */
export async function responseReport(trx: Trx, since: Date): Promise<ResponseReport> {
  const { rows } = await sql<Record<string, unknown>>`
    WITH m AS (
      SELECT m.id, m.status, m.published_at,
             (SELECT min(d.published_at) FROM listening_draft d WHERE d.mention_id = m.id AND d.status = 'published') AS answered_at,
             m.published_at AT TIME ZONE 'Europe/Paris' AS local
      FROM listening_mention m WHERE m.published_at >= ${since}
    ), r AS (
      SELECT *, extract(epoch FROM answered_at - published_at) / 60 AS minutes,
             CASE WHEN extract(hour FROM local) >= 7 AND extract(hour FROM local) < 22 THEN 'day' ELSE 'night' END AS part,
             to_char(local, 'YYYY-MM-DD') AS date,
             to_char(date_trunc('week', local), 'YYYY-MM-DD') AS week
      FROM m
    )
    SELECT grouping(part) AS gp, grouping(date) AS gd, grouping(week) AS gw, part, date, week,
           count(*) AS mentions,
           count(*) FILTER (WHERE status = 'handled') AS handled,
           count(answered_at) AS answered,
           count(*) FILTER (WHERE minutes <= 60) AS answered_within_hour,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median
    FROM r GROUP BY GROUPING SETS ((), (part), (date), (week), (week, part))`.execute(trx);
  const is = (r: Record<string, unknown>, part: boolean, date: boolean, week: boolean) =>
    Number(r.gp) === (part ? 0 : 1) && Number(r.gd) === (date ? 0 : 1) && Number(r.gw) === (week ? 0 : 1);
  const weeks = rows.filter((r) => is(r, false, false, true)).sort((a, b) => String(a.week).localeCompare(String(b.week)));
  const partOfWeek = (week: unknown, part: string) => rows.find((r) => is(r, true, false, true) && r.week === week && r.part === part);
  return {
    all: bucketOf(rows.find((r) => is(r, false, false, false))),
    day: bucketOf(rows.find((r) => is(r, true, false, false) && r.part === 'day')),
    night: bucketOf(rows.find((r) => is(r, true, false, false) && r.part === 'night')),
    by_date: rows
      .filter((r) => is(r, false, true, false))
      .map((r) => ({ date: String(r.date), ...bucketOf(r) }))
      .sort((a, b) => a.date.localeCompare(b.date)),
    by_week: weeks.map((r) => ({
      week: String(r.week),
      ...bucketOf(r),
      day: bucketOf(partOfWeek(r.week, 'day')),
      night: bucketOf(partOfWeek(r.week, 'night')),
    })),
  };
}
