// Progress of the door-to-door: per zone of a layer (arrondissement by default) doors knocked
// against the doors of the turfs, contact rate, outcomes and new sympathisers; per canvasser and
// per team over recent days (a leaderboard), with the quality signals a reviewer looks at: a contact
// rate above 60 %, a median under 20 s between doors, knocks far from the address. Read straight
// from the results, so a sync shows at the next read. A referent sees the buildings of their zones.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { FAR_KNOCK_METRES } from './sync.ts';

/** Thresholds of the quality signals, and the least activity before they are judged. */
export const QUALITY = { contactRateAbove: 0.6, medianSecondsBelow: 20, farMetres: FAR_KNOCK_METRES, minResults: 10 } as const;

export interface ProgressScope {
  campaignId: string;
  zoneScope: readonly string[] | null;
}

function buildingScope(scope: ProgressScope, alias: string) {
  return scope.zoneScope === null ? sql`true` : sql`${sql.ref(`${alias}.zone_ids`)} && ${[...scope.zoneScope]}::uuid[]`;
}

const OPENED = sql`('supportive','undecided','opposed')`;

/** Progress per zone of `layer`, and the campaign's totals. */
export async function zoneProgress(trx: Trx, scope: ProgressScope, options: { layer: string; since: Date }) {
  const { rows } = await sql<{
    zone_id: string;
    code: string;
    name: string;
    target_doors: number;
    knocked_doors: number;
    results: number;
    opened: number;
    outcomes: Record<string, number>;
    new_contacts: number;
  }>`
    with z as (
      select z.id, z.code, z.name from zone z join zone_layer l on l.campaign_id = z.campaign_id and l.id = z.layer_id
      where z.campaign_id = ${scope.campaignId} and l.code = ${options.layer}
    ),
    target as (
      select z.id as zone_id, sum(b.doors)::int as doors
      from z join building b on b.campaign_id = ${scope.campaignId} and z.id = any(b.zone_ids)
      join turf_building tb on tb.campaign_id = b.campaign_id and tb.building_id = b.id
      where ${buildingScope(scope, 'b')}
      group by z.id
    ),
    latest as (
      select distinct on (r.building_id, r.door_id) r.building_id, r.door_id, r.outcome
      from canvass_result r where r.campaign_id = ${scope.campaignId} and r.recorded_at >= ${options.since}
      order by r.building_id, r.door_id, r.recorded_at desc, r.id desc
    ),
    knocked as (
      select z.id as zone_id, count(*)::int as doors, count(*) filter (where l.outcome in ${OPENED})::int as opened
      from z join building b on b.campaign_id = ${scope.campaignId} and z.id = any(b.zone_ids)
      join latest l on l.building_id = b.id
      where ${buildingScope(scope, 'b')}
      group by z.id
    ),
    outcomes as (
      select zone_id, jsonb_object_agg(outcome, n) as outcomes from (
        select z.id as zone_id, l.outcome, count(*)::int as n
        from z join building b on b.campaign_id = ${scope.campaignId} and z.id = any(b.zone_ids)
        join latest l on l.building_id = b.id
        where ${buildingScope(scope, 'b')}
        group by z.id, l.outcome
      ) s group by zone_id
    ),
    contacts as (
      select z.id as zone_id, count(*)::int as n
      from z join building b on b.campaign_id = ${scope.campaignId} and z.id = any(b.zone_ids)
      join canvass_contact c on c.campaign_id = b.campaign_id and c.building_id = b.id and c.recorded_at >= ${options.since}
      where ${buildingScope(scope, 'b')}
      group by z.id
    )
    select z.id as zone_id, z.code, z.name, coalesce(t.doors, 0) as target_doors, coalesce(k.doors, 0) as knocked_doors,
      coalesce(k.doors, 0) as results, coalesce(k.opened, 0) as opened, coalesce(o.outcomes, '{}'::jsonb) as outcomes,
      coalesce(c.n, 0) as new_contacts
    from z left join target t on t.zone_id = z.id left join knocked k on k.zone_id = z.id
    left join outcomes o on o.zone_id = z.id left join contacts c on c.zone_id = z.id
    where coalesce(t.doors, 0) > 0 or coalesce(k.doors, 0) > 0
    order by z.code`.execute(trx);
  return rows.map((r) => ({
    zone_id: r.zone_id,
    code: r.code,
    name: r.name,
    target_doors: r.target_doors,
    knocked_doors: r.knocked_doors,
    contact_rate: r.results ? r.opened / r.results : null,
    outcomes: r.outcomes,
    new_contacts: r.new_contacts,
  }));
}

/** Per canvasser over `since`: doors, contacts, contact rate, median gap between knocks, far knocks, flags. */
export async function canvasserBoard(trx: Trx, scope: ProgressScope, since: Date) {
  const { rows } = await sql<{
    canvasser_id: string;
    name: string;
    results: number;
    opened: number;
    supportive: number;
    far: number;
    median_gap_s: number | null;
    contacts: number;
    last_at: Date;
  }>`
    with r as (
      select r.canvasser_id, r.outcome, r.distance_m, r.recorded_at,
        extract(epoch from r.recorded_at - lag(r.recorded_at) over (partition by r.canvasser_id order by r.recorded_at)) as gap
      from canvass_result r join building b on b.campaign_id = r.campaign_id and b.id = r.building_id
      where r.campaign_id = ${scope.campaignId} and r.recorded_at >= ${since} and r.canvasser_id is not null
        and ${buildingScope(scope, 'b')}
    )
    select r.canvasser_id, coalesce(nullif(u.display_name, ''), u.email) as name, count(*)::int as results,
      count(*) filter (where r.outcome in ${OPENED})::int as opened,
      count(*) filter (where r.outcome = 'supportive')::int as supportive,
      count(*) filter (where r.distance_m > ${FAR_KNOCK_METRES})::int as far,
      (percentile_cont(0.5) within group (order by r.gap) filter (where r.gap is not null and r.gap < 1800))::float8 as median_gap_s,
      (select count(*)::int from canvass_contact c where c.campaign_id = ${scope.campaignId} and c.canvasser_id = r.canvasser_id
        and c.recorded_at >= ${since}) as contacts,
      max(r.recorded_at) as last_at
    from r join staff_user u on u.id = r.canvasser_id
    group by r.canvasser_id, u.display_name, u.email
    order by results desc, name
    limit 200`.execute(trx);
  return rows.map((r) => {
    const contactRate = r.results ? r.opened / r.results : 0;
    const flags: Array<'contact_rate_high' | 'too_fast' | 'far_from_address'> = [];
    if (r.results >= QUALITY.minResults && contactRate > QUALITY.contactRateAbove) flags.push('contact_rate_high');
    if (r.results >= QUALITY.minResults && r.median_gap_s !== null && r.median_gap_s < QUALITY.medianSecondsBelow) flags.push('too_fast');
    if (r.far > 0) flags.push('far_from_address');
    return {
      canvasser_id: r.canvasser_id,
      name: r.name,
      doors: r.results,
      contact_rate: r.results ? contactRate : null,
      supportive: r.supportive,
      contacts: r.contacts,
      median_seconds_between_doors: r.median_gap_s === null ? null : Math.round(r.median_gap_s),
      far_knocks: r.far,
      last_at: new Date(r.last_at).toISOString(),
      flags,
    };
  });
}

/** Per team: its members' doors and contacts over `since`. */
export async function teamBoard(trx: Trx, scope: ProgressScope, since: Date) {
  const { rows } = await sql<{ team_id: string; name: string; doors: number; opened: number; members: number }>`
    select t.id as team_id, t.name, count(r.id)::int as doors,
      count(r.id) filter (where r.outcome in ${OPENED})::int as opened,
      count(distinct m.staff_user_id)::int as members
    from field_team t join field_team_member m on m.campaign_id = t.campaign_id and m.team_id = t.id
    left join canvass_result r on r.campaign_id = t.campaign_id and r.canvasser_id = m.staff_user_id and r.recorded_at >= ${since}
      and exists (select 1 from building b where b.campaign_id = r.campaign_id and b.id = r.building_id and ${buildingScope(scope, 'b')})
    where t.campaign_id = ${scope.campaignId}
    group by t.id, t.name order by doors desc, t.name limit 200`.execute(trx);
  return rows.map((r) => ({
    team_id: r.team_id,
    name: r.name,
    members: r.members,
    doors: r.doors,
    contact_rate: r.doors ? r.opened / r.doors : null,
  }));
}

/** The live map: buildings with a result since `since`, their doors knocked and latest outcome (GeoJSON). */
export async function knockedMap(trx: Trx, scope: ProgressScope, since: Date) {
  const { rows } = await sql<{ id: string; label: string; lon: number; lat: number; doors: number; knocked: number; outcome: string }>`
    select b.id, b.label, b.lon, b.lat, b.doors, count(distinct coalesce(r.door_id, r.id))::int as knocked,
      (array_agg(r.outcome order by r.recorded_at desc))[1] as outcome
    from canvass_result r join building b on b.campaign_id = r.campaign_id and b.id = r.building_id
    where r.campaign_id = ${scope.campaignId} and r.recorded_at >= ${since} and ${buildingScope(scope, 'b')}
    group by b.id, b.label, b.lon, b.lat, b.doors limit 20000`.execute(trx);
  return {
    type: 'FeatureCollection' as const,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      id: r.id,
      geometry: { type: 'Point' as const, coordinates: [r.lon, r.lat] },
      properties: { label: r.label, doors: r.doors, knocked: r.knocked, outcome: r.outcome },
    })),
  };
}
