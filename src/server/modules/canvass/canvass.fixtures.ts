// Test and benchmark fixtures: a turf of buildings (one entrance, a floors × doors grid each) in a
// zone, assigned to a canvasser for today — rows written directly, as the field module would.
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface TurfFixture {
  turfId: string;
  buildings: Array<{ id: string; lon: number; lat: number; doors: Array<{ id: string; floor: number }> }>;
}

/** A turf of `buildings` buildings of `floors` × `perFloor` doors in `zoneId`, assigned to `userId` today. */
export async function createTurfFixture(
  db: Kysely<DB>,
  options: {
    campaignId: string;
    zoneId: string;
    userId?: string;
    teamId?: string;
    buildings: number;
    floors: number;
    perFloor: number;
    name?: string;
  },
): Promise<TurfFixture> {
  const { campaignId } = options;
  const turfId = uuidv7();
  const buildings: TurfFixture['buildings'] = [];
  const addresses = [];
  const buildingRows = [];
  const entranceRows = [];
  const doorRows = [];
  for (let i = 0; i < options.buildings; i++) {
    const id = uuidv7();
    const addressId = `fx_${turfId.slice(-8)}_${i}`;
    const lon = 2.39 + i * 0.0004;
    const lat = 48.86 + (i % 5) * 0.0003;
    addresses.push({
      campaign_id: campaignId,
      id: addressId,
      number: String(i + 1),
      street: 'Rue des Tests',
      lon,
      lat,
      zone_ids: [options.zoneId],
    });
    buildingRows.push({
      campaign_id: campaignId,
      id,
      address_id: addressId,
      label: `${i + 1} rue des Tests`,
      lon,
      lat,
      doors: options.floors * options.perFloor,
      doors_source: 'manual' as const,
      zone_ids: [options.zoneId],
    });
    const entranceId = uuidv7();
    entranceRows.push({
      campaign_id: campaignId,
      id: entranceId,
      building_id: id,
      label: 'A',
      access_note: i % 2 ? 'Digicode 4512B' : '',
      floors: options.floors,
      doors_per_floor: options.perFloor,
    });
    const doors = [];
    for (let f = 0; f < options.floors; f++) {
      for (let d = 0; d < options.perFloor; d++) {
        const doorId = uuidv7();
        doorRows.push({
          campaign_id: campaignId,
          id: doorId,
          building_id: id,
          entrance_id: entranceId,
          floor: f,
          label: String.fromCharCode(65 + d),
        });
        doors.push({ id: doorId, floor: f });
      }
    }
    buildings.push({ id, lon, lat, doors });
  }
  await db.insertInto('address').values(addresses).execute();
  await db.insertInto('building').values(buildingRows).execute();
  await db.insertInto('building_entrance').values(entranceRows).execute();
  for (let i = 0; i < doorRows.length; i += 1000)
    await db
      .insertInto('door')
      .values(doorRows.slice(i, i + 1000))
      .execute();
  await db
    .insertInto('turf')
    .values({
      campaign_id: campaignId,
      id: turfId,
      zone_id: options.zoneId,
      name: options.name ?? `Secteur ${turfId.slice(-4)}`,
      doors: doorRows.length,
      polygon: JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [2.39, 48.86],
            [2.4, 48.86],
            [2.4, 48.862],
            [2.39, 48.86],
          ],
        ],
      }),
    })
    .execute();
  await db
    .insertInto('turf_building')
    .values(buildings.map((b, position) => ({ campaign_id: campaignId, building_id: b.id, turf_id: turfId, position })))
    .execute();
  if (options.userId || options.teamId) {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
    await db
      .insertInto('turf_assignment')
      .values({
        campaign_id: campaignId,
        id: uuidv7(),
        turf_id: turfId,
        staff_user_id: options.userId ?? null,
        team_id: options.teamId ?? null,
        on_date: today,
      })
      .execute();
  }
  return { turfId, buildings };
}
