// Figures of the home dashboard, scoped to the actor's zones when they have a zone scope.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { LADDER_STAGES, type LadderStage } from '../../db/schema.ts';

export type StageCounts = Record<LadderStage, number>;

function emptyStages(): StageCounts {
  return Object.fromEntries(LADDER_STAGES.map((s) => [s, 0])) as StageCounts;
}

/** People per ladder stage, and new this week, within the scope. */
export async function countPeople(trx: Trx, zoneScope: string[] | null) {
  let q = trx
    .selectFrom('person')
    .select([
      'ladder_stage',
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where created_at > now() - interval '7 days')`.as('new_week'),
    ])
    .groupBy('ladder_stage');
  if (zoneScope) q = q.where(sql<boolean>`zone_ids && ${sql.val(zoneScope)}::uuid[]`);
  const rows = await q.execute();
  const byStage = emptyStages();
  let total = 0;
  let newThisWeek = 0;
  for (const r of rows) {
    byStage[r.ladder_stage] = Number(r.n);
    total += Number(r.n);
    newThisWeek += Number(r.new_week);
  }
  return { total, newThisWeek, byStage };
}

/** People per stage in each zone of the top layer (arrondissements), or of the scope's zones. */
export async function countPeopleByZone(trx: Trx, zoneScope: string[] | null) {
  const zones = zoneScope
    ? await trx
        .selectFrom('zone')
        .select(['id', 'code', 'name'])
        .where('id', 'in', zoneScope.length ? zoneScope : ['00000000-0000-0000-0000-000000000000'])
        .orderBy('code')
        .execute()
    : await trx
        .selectFrom('zone')
        .innerJoin('zone_layer as l', 'l.id', 'zone.layer_id')
        .select(['zone.id', 'zone.code', 'zone.name'])
        .where('l.position', '=', (eb) => eb.selectFrom('zone_layer').select(eb.fn.min('position').as('p')))
        .execute();
  if (zones.length === 0) return [];
  const ids = zones.map((z) => z.id);
  const { rows } = await sql<{ zid: string; ladder_stage: LadderStage; n: string }>`
    select zid, p.ladder_stage, count(*) as n
    from person p cross join lateral unnest(p.zone_ids) as zid
    where zid = any(${sql.val(ids)}::uuid[])
    group by zid, p.ladder_stage`.execute(trx);
  const byZone = new Map(zones.map((z) => [z.id, { ...z, people_total: 0, by_stage: emptyStages() }]));
  for (const r of rows) {
    const z = byZone.get(r.zid);
    if (!z) continue;
    z.by_stage[r.ladder_stage] = Number(r.n);
    z.people_total += Number(r.n);
  }
  return [...byZone.values()].sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true }));
}

/** Zone layers with their zone counts. */
export function countLayers(trx: Trx) {
  return trx
    .selectFrom('zone_layer as l')
    .leftJoin('zone as z', 'z.layer_id', 'l.id')
    .select(['l.code', 'l.name', sql<string>`count(z.id)`.as('zones_count')])
    .groupBy(['l.id', 'l.code', 'l.name', 'l.position'])
    .orderBy('l.position')
    .execute();
}
