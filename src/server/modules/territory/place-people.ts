// People follow the territory: when the zones or the addresses are imported again, each address's
// zones are computed again (locate-addresses.ts) and the people placed from an address take its new
// zones in one set-based UPDATE; the people placed from their coordinates alone (no address, or one
// no longer in the base) are located again. Only the rows whose zones change are written. After an
// address import, the people whose street address nothing matched yet are geocoded.
//
// modified_at is left alone: a person's zones are derived from their address and the territory, as
// the consent cache is derived from the ledger (which does not touch modified_at either). Nothing in
// the record changed, and a territory import would otherwise mark every person of a redrawn area as
// edited, flooding the "recently modified" order and OSDI `modified_date` syncs. Clients that mirror
// zones re-read people after a territory import (its report says how many moved).

import { type Kysely, sql } from 'kysely';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { geocodeStatement } from '../people/index.ts';
import { loadZoneLocator, locateAddresses } from './locate-addresses.ts';
import { computeZoneCover } from './zone-cover.ts';
import type { ZoneLocator } from './zone-locator.ts';
import { clearMetricCache } from './zone-metrics.ts';

const BATCH = 5000;

/** What re-placing a campaign's people changed. */
export interface PeoplePlacement {
  /** People placed from their address whose zones changed. */
  byAddress: number;
  /** People placed from their coordinates alone whose zones changed. */
  byCoordinates: number;
}

/** Addresses located again, and people whose zones changed with them. */
export interface TerritoryPlacement extends PeoplePlacement {
  addresses: number;
  /**
   * After an address import: people with a street address that no address of the base matched
   * until now (imported before the base, or before their street was in it), geocoded now.
   */
  geocoded: number;
}

function sameZones(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Gives the people of an address its zones (one UPDATE); returns how many changed. */
async function placeByAddress(db: Kysely<DB>, campaignId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with moved as (
      update person p set zone_ids = coalesce(a.zone_ids, '{}')
      from address a
      where p.campaign_id = ${campaignId} and a.campaign_id = ${campaignId} and a.id = p.address_id
        and p.zone_ids is distinct from coalesce(a.zone_ids, '{}')
      returning 1)
    select count(*)::int as n from moved`.execute(db);
  return rows[0]?.n ?? 0;
}

/** Locates again the people with coordinates and no address of the base, in batches; returns how many changed. */
async function placeByCoordinates(db: Kysely<DB>, campaignId: string, locator: ZoneLocator): Promise<number> {
  let moved = 0;
  let after: string | null = null;
  for (;;) {
    const people = await db
      .selectFrom('person as p')
      .select(['p.id', 'p.lon', 'p.lat', 'p.zone_ids'])
      .where('p.campaign_id', '=', campaignId)
      .where('p.lon', 'is not', null)
      .where('p.lat', 'is not', null)
      .where((eb) =>
        eb.or([
          eb('p.address_id', 'is', null),
          eb.not(
            eb.exists(
              eb
                .selectFrom('address as a')
                .select(sql`1`.as('one'))
                .where('a.campaign_id', '=', campaignId)
                .whereRef('a.id', '=', 'p.address_id'),
            ),
          ),
        ]),
      )
      .$if(after !== null, (q) => q.where('p.id', '>', after as string))
      .orderBy('p.id')
      .limit(BATCH)
      .execute();
    if (people.length === 0) break;
    after = people[people.length - 1]?.id ?? null;
    const ids: string[] = [];
    const zoneIds: string[] = [];
    for (const person of people) {
      const zones = locator.locate(person.lon as number, person.lat as number);
      if (sameZones(zones, person.zone_ids)) continue;
      ids.push(person.id);
      zoneIds.push(`{${zones.join(',')}}`);
    }
    if (ids.length > 0) {
      const { rows } = await sql<{ n: number }>`
        with moved as (
          update person p set zone_ids = v.z::uuid[]
          from unnest(${ids}::uuid[], ${zoneIds}::text[]) as v(id, z)
          where p.campaign_id = ${campaignId} and p.id = v.id and p.zone_ids is distinct from v.z::uuid[]
          returning 1)
        select count(*)::int as n from moved`.execute(db);
      moved += rows[0]?.n ?? 0;
    }
    if (people.length < BATCH) break;
  }
  return moved;
}

/** Re-places the campaign's located people in the current zones; the addresses' zones must be up to date. */
export async function relocatePeople(db: Kysely<DB>, campaignId: string, locator?: ZoneLocator): Promise<PeoplePlacement> {
  const byAddress = await placeByAddress(db, campaignId);
  const byCoordinates = await placeByCoordinates(db, campaignId, locator ?? (await loadZoneLocator(db, campaignId)));
  return { byAddress, byCoordinates };
}

/**
 * After the zones or the addresses changed: computes every address's zones again, then moves the
 * people with them, in one transaction (or the caller's) so that people never disagree with their
 * address. When the addresses changed, the people no address matched yet are geocoded again (a
 * geocoding fills coordinates, address and postcode: unlike a move between zones, that is an edit of
 * the record, and modified_at says so).
 */
export async function relocateTerritory(
  db: Kysely<DB>,
  campaignId: string,
  options: { addressesChanged: boolean },
): Promise<TerritoryPlacement> {
  return withTenant(db, campaignId, async (trx) => {
    const locator = await loadZoneLocator(trx, campaignId);
    // Zones changed: which zones lie in which, and every value cached from them, too.
    await computeZoneCover(trx, campaignId);
    await clearMetricCache(trx, campaignId);
    const addresses = await locateAddresses(trx, campaignId, { locator });
    const placement = await relocatePeople(trx, campaignId, locator);
    const geocoded = options.addressesChanged ? (await geocodeStatement(campaignId, 'pending').execute(trx)).rows.length : 0;
    return { addresses, ...placement, geocoded };
  });
}
