// The Paris demo's targeting: the preset "mobiliser les abstentionnistes favorables" computed for the
// polling stations of the 20th arrondissement from the européennes 2024 (first round), our side
// being — a demo's choice, said in the score's name — the list that came first in the 20th.
import type { Kysely } from 'kysely';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { PRESET_DEFINITIONS } from './presets.ts';
import { computeAndStore } from './targeting.service.ts';

/** Seeds the demo's score; does nothing when the territory lacks the 20th, its stations or the results. */
export async function seedDemoTargeting(
  db: Kysely<DB>,
  campaignId: string,
  options: { arrondissement?: string; election?: string } = {},
): Promise<string | null> {
  const arrondissement = options.arrondissement ?? '20';
  const election = options.election ?? 'europeennes-2024';
  return withTenant(db, campaignId, async (trx) => {
    const layers = await trx.selectFrom('zone_layer').select(['id', 'code']).execute();
    const bureau = layers.find((l) => l.code === 'bureau');
    const arr = layers.find((l) => l.code === 'arrondissement');
    if (!bureau || !arr) return null;
    const zone = await trx
      .selectFrom('zone')
      .select(['id', 'name'])
      .where('layer_id', '=', arr.id)
      .where('code', '=', arrondissement)
      .executeTakeFirst();
    if (!zone) return null;
    const first = await trx
      .selectFrom('election_result as r')
      .innerJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 'r.campaign_id').onRef('z.id', '=', 'r.zone_id'))
      .select(['r.candidate', (eb) => eb.fn.sum<string>('r.votes').as('votes')])
      .where('r.election', '=', election)
      .where('r.round', '=', 1)
      .where('z.parent_id', '=', zone.id)
      .groupBy('r.candidate')
      .orderBy('votes', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!first) return null;
    const id = uuidv7();
    const ingredients = PRESET_DEFINITIONS.favourable_abstainers.ingredients;
    await trx
      .insertInto('target_score')
      .values({
        campaign_id: campaignId,
        id,
        name: `Abstentionnistes favorables — ${zone.name} (camp : ${first.candidate})`,
        layer_id: bureau.id,
        within_zone_id: zone.id,
        preset: 'favourable_abstainers',
        election,
        round: 1,
        side: [first.candidate],
        ingredients: JSON.stringify(ingredients),
      })
      .execute();
    await computeAndStore(
      trx,
      campaignId,
      { id, layerId: bureau.id, withinZoneId: zone.id, election, round: 1, side: [first.candidate], ingredients },
      null,
    );
    return id;
  });
}
