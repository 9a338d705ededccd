// The ladder funnel: people per stage at the end of each ISO week (rebuilt from the ladder_move
// history and created_at), conversions between stages per week, for the campaign and per zone of
// the top layer (arrondissements). Two SQL statements, scoped like every people query.
import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { LADDER_STAGES, type LadderStage } from '../../db/schema.ts';
import { inScope, type PeopleScope } from './people.repo.ts';

export interface FunnelOptions {
  weeks: number;
  zoneId?: string | undefined;
  /** The report's "now" (tests); the last week is the ISO week containing it. */
  asOf?: Date;
}

type StageCounts = Record<LadderStage, number>;
interface Conversion {
  from: LadderStage | null;
  to: LadderStage;
  count: number;
}
export interface FunnelWeek {
  week: string;
  start: string;
  stages: StageCounts;
  conversions: Conversion[];
}
export interface FunnelReport {
  weeks: FunnelWeek[];
  zones: Array<{ id: string; code: string; name: string; weeks: FunnelWeek[] }>;
}

const WEEK_MS = 7 * 86_400_000;

/** The Monday (00:00 UTC) of the ISO week holding an instant. */
function mondayOf(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - ((at.getUTCDay() + 6) % 7)));
}

/** ISO 8601 week label of a Monday (YYYY-Www). */
export function isoWeekLabel(monday: Date): string {
  const thursday = new Date(Date.UTC(monday.getUTCFullYear(), monday.getUTCMonth(), monday.getUTCDate() + 3));
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = Math.floor((thursday.getTime() - yearStart) / 86_400_000 / 7) + 1;
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** The CTEs every funnel statement starts from: weeks, people in scope, the top layer's zones. */
function funnelBase(scope: PeopleScope, options: FunnelOptions): RawBuilder<unknown> {
  const c = scope.campaignId;
  const asOf = (options.asOf ?? new Date()).toISOString();
  const zoneFilter = options.zoneId ? sql`and p.zone_ids @> array[${options.zoneId}]::uuid[]` : sql``;
  return sql`
    weeks as (
      select w as week_start, w + interval '1 week' as week_end
      from generate_series(date_trunc('week', ${asOf}::timestamptz at time zone 'UTC') - make_interval(weeks => ${options.weeks - 1}::int),
        date_trunc('week', ${asOf}::timestamptz at time zone 'UTC'), interval '1 week') w
    ),
    people as (
      select p.id, p.created_at at time zone 'UTC' as created_at, p.ladder_stage, p.zone_ids
      from person p
      where p.campaign_id = ${c} and p.merged_into is null and ${inScope(scope, 'p.zone_ids')} ${zoneFilter}
    ),
    top as (
      select z.id from zone z
      where z.campaign_id = ${c} and z.layer_id = (
        select l.id from zone_layer l where l.campaign_id = ${c} order by l.position, l.code limit 1)
    )`;
}

/**
 * Builds the statement counting people per stage at each week's end, overall and per top zone.
 * Each person's history is a few intervals at one stage (before the first move, then after each
 * move); an interval counts at the end of week k when it began before that end and lasted past it.
 * Rather than pairing every interval with every week (people × weeks rows, then count(distinct)),
 * each interval adds +1 at the first week whose end it reaches and −1 at the week in which it ended,
 * and the counts are running sums of those deltas over the weeks: linear in the history.
 */
export function funnelStagesStatement(scope: PeopleScope, options: FunnelOptions) {
  return sql<{ week_start: string; stage: LadderStage; zone_id: string | null; per_zone: boolean; n: string }>`
    with ${funnelBase(scope, options)},
    moves as (
      select m.person_id, m.at at time zone 'UTC' as at, m.from_stage, m.to_stage,
        lead(m.at at time zone 'UTC') over (partition by m.person_id order by m.at, m.id) as next_at,
        row_number() over (partition by m.person_id order by m.at, m.id) as rn
      from ladder_move m join people p on p.id = m.person_id
      where m.campaign_id = ${scope.campaignId}
    ),
    intervals as (
      -- Before the first move: the move's from_stage; a person never moved is at their current stage.
      select p.id, p.zone_ids, p.created_at as from_at, m.at as to_at,
        case when m.person_id is null then p.ladder_stage else coalesce(m.from_stage, 'curious') end as stage
      from people p left join moves m on m.person_id = p.id and m.rn = 1
      union all
      select m.person_id, p.zone_ids, greatest(m.at, p.created_at), m.next_at, m.to_stage
      from moves m join people p on p.id = m.person_id
    ),
    span as (select min(week_start) as start, count(*)::int as n from weeks),
    -- The week (0 = the first shown) in which each end falls, before the first week counting as 0:
    -- whole days since the first Monday (UTC) divided by 7, in integers (numeric epochs cost more
    -- than the rest of the statement).
    placed as (
      select i.stage, i.zone_ids, greatest(0, i.from_at::date - s.start::date) / 7 as first_week,
        -- (greatest() skips a null: an interval still open has no end week)
        case when i.to_at is not null then greatest(0, i.to_at::date - s.start::date) / 7 end as end_week, s.n
      from intervals i cross join span s
    ),
    counted as (
      select * from placed where first_week < n and (end_week is null or end_week > first_week)
    ),
    edges as (
      select stage, zone_ids, first_week as k, 1 as d from counted
      union all
      select stage, zone_ids, end_week, -1 from counted where end_week < n
    ),
    deltas as (
      select e.k, e.stage, t.id as zone_id, grouping(t.id) = 0 as per_zone, sum(e.d) as d
      from edges e left join top t on t.id = any(e.zone_ids)
      group by grouping sets ((e.k, e.stage), (e.k, e.stage, t.id))
    )
    select to_char(w.week_start, 'YYYY-MM-DD') as week_start, d.stage, d.zone_id, d.per_zone, sum(d.d) as n
    from weeks w cross join span s
    join deltas d on d.k <= (w.week_start::date - s.start::date) / 7
    group by w.week_start, d.stage, d.zone_id, d.per_zone`;
}

/** Builds the statement counting ladder moves per week and (from, to), overall and per top zone. */
export function funnelConversionsStatement(scope: PeopleScope, options: FunnelOptions) {
  const monday = mondayOf(options.asOf ?? new Date());
  const from = new Date(monday.getTime() - (options.weeks - 1) * WEEK_MS);
  const to = new Date(monday.getTime() + WEEK_MS);
  return sql<{
    week_start: string;
    from_stage: LadderStage | null;
    to_stage: LadderStage;
    zone_id: string | null;
    per_zone: boolean;
    n: string;
  }>`
    with ${funnelBase(scope, options)}
    , mv as (
      select m.id, to_char(date_trunc('week', m.at at time zone 'UTC'), 'YYYY-MM-DD') as week_start, m.from_stage, m.to_stage, p.zone_ids
      from ladder_move m join people p on p.id = m.person_id
      -- The weeks' bounds as instants: the planner sees the range (and ladder_move_at_idx can serve it).
      where m.campaign_id = ${scope.campaignId} and m.at >= ${from.toISOString()}::timestamptz and m.at < ${to.toISOString()}::timestamptz
    )
    select mv.week_start, mv.from_stage, mv.to_stage, t.id as zone_id, grouping(t.id) = 0 as per_zone, count(distinct mv.id) as n
    from mv left join top t on t.id = any(mv.zone_ids)
    group by grouping sets ((mv.week_start, mv.from_stage, mv.to_stage), (mv.week_start, mv.from_stage, mv.to_stage, t.id))`;
}

const emptyStages = (): StageCounts => Object.fromEntries(LADDER_STAGES.map((s) => [s, 0])) as StageCounts;

/**
 * Prepares the transaction for the funnel's statements: no JIT compilation. Their CTEs hide row
 * counts from the planner (a week series is guessed at 1,000 rows, the history at millions), so
 * PostgreSQL judged them dear enough to compile, and spent 7.5 of 9.6 s compiling (EXPLAIN ANALYZE
 * on the demo) a query that runs in a fraction of a second. PGlite has no JIT; the setting is harmless.
 */
export async function prepareFunnel(trx: Trx): Promise<void> {
  await sql`set local jit = off`.execute(trx);
}

/** Runs the funnel report for the scope. */
export async function ladderFunnel(trx: Trx, scope: PeopleScope, options: FunnelOptions): Promise<FunnelReport> {
  await prepareFunnel(trx);
  const { rows: stages } = await funnelStagesStatement(scope, options).execute(trx);
  const { rows: moves } = await funnelConversionsStatement(scope, options).execute(trx);
  const monday = mondayOf(options.asOf ?? new Date());
  const starts = Array.from({ length: options.weeks }, (_, i) =>
    new Date(monday.getTime() - (options.weeks - 1 - i) * 7 * 86_400_000).toISOString().slice(0, 10),
  );
  const blank = () =>
    new Map(
      starts.map((s) => [
        s,
        { week: isoWeekLabel(new Date(`${s}T00:00:00Z`)), start: s, stages: emptyStages(), conversions: [] as Conversion[] },
      ]),
    );
  const overall = blank();
  const perZone = new Map<string, Map<string, FunnelWeek>>();
  const target = (perZoneRow: unknown, zoneId: string | null) => {
    if (!perZoneRow) return overall;
    if (zoneId === null) return null;
    let zone = perZone.get(zoneId);
    if (!zone) {
      zone = blank();
      perZone.set(zoneId, zone);
    }
    return zone;
  };
  for (const r of stages) {
    const week = target(r.per_zone, r.zone_id)?.get(r.week_start);
    if (week) week.stages[r.stage] = Number(r.n);
  }
  for (const r of moves) {
    const week = target(r.per_zone, r.zone_id)?.get(r.week_start);
    if (week) week.conversions.push({ from: r.from_stage, to: r.to_stage, count: Number(r.n) });
  }
  const zoneIds = [...perZone.keys()];
  const zoneRows = zoneIds.length
    ? await trx
        .selectFrom('zone')
        .select(['id', 'code', 'name'])
        .where('campaign_id', '=', scope.campaignId)
        .where('id', 'in', zoneIds)
        .orderBy('code')
        .execute()
    : [];
  return {
    weeks: [...overall.values()],
    zones: zoneRows.map((z) => ({ ...z, weeks: [...(perZone.get(z.id)?.values() ?? [])] })),
  };
}
