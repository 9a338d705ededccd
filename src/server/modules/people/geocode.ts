// Geocoding against the campaign's own address base (the BAN), set-based: one SQL statement matches
// every person's street address to an address (normalised number, street and postcode keys, see
// migration 0003) and gives them its coordinates and zones (address.zone_ids, migration 0005).
// People with coordinates but no matched address are placed by the zone locator (writeZoneIds).
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { ensureAddressesLocated, loadZoneLocator, type ZoneLocator } from '../territory/index.ts';

const LOCATE_BATCH = 5000;

export interface GeocodeResult {
  /** People given coordinates and an address_id by this call. */
  geocoded: number;
  /** People whose zone_ids were (re)computed and fall inside at least one zone. */
  located: number;
}

/**
 * The address matching, as CTEs over a relation `src (id, street_address, postcode)` that the caller
 * defines first: ends with `best (id, address_id, lon, lat, postcode, zone_ids)`, one row per source
 * row matched to exactly one address. Shared by the geocoding of people and of an import's staging
 * table. Each distinct address line (with its postcode) is matched once, then the result joined back
 * to the rows that carry it: a large base has several people per address (a million people in Paris
 * live at about 150,000 addresses), and parsing a line is the costly part. The address line is
 * normalised like address.match_street, then split into number, suffix and street; a trailing
 * "75011 Paris" is cut off (and used as the postcode when there is none).
 */
export function addressMatchCtes(campaignId: string) {
  // MATERIALIZED: inlined, the regexp_match would be evaluated once per m[…] read below (8× slower).
  return sql`lines as materialized (
      select street_address, postcode,
        regexp_match(relais_norm_street(street_address), '^([0-9]+) ?(bis|ter|quater|[a-qs-z])? (.+?)(?: ([0-9]{5})(?: .*)?)?$') as m
      from (select distinct street_address, postcode from src) d
    ),
    keyed as (
      select street_address, postcode as given_postcode, coalesce(nullif(postcode, ''), m[4], '') as postcode,
        relais_norm_number(m[1] || coalesce(m[2], '')) as number, m[3] as street
      from lines where m is not null
    ),
    cand as (
      select k.street_address, k.given_postcode, a.id as address_id, a.lon, a.lat, a.postcode, a.zone_ids,
        min(a.postcode) over w as pc_min, max(a.postcode) over w as pc_max
      from keyed k
      join address a on a.campaign_id = ${campaignId} and a.match_street = k.street and a.match_number = k.number
      where k.postcode = '' or a.postcode = k.postcode
      window w as (partition by k.street_address, k.given_postcode)
    ),
    found as (
      -- Without a postcode, a street name found in several postcodes is ambiguous: left alone.
      select distinct on (street_address, given_postcode) street_address, given_postcode, address_id, lon, lat, postcode,
        coalesce(zone_ids, '{}') as zone_ids
      from cand
      where pc_min = pc_max
      order by street_address, given_postcode, address_id
    ),
    best as (
      select s.id, f.address_id, f.lon, f.lat, f.postcode, f.zone_ids
      from src s join found f on f.street_address = s.street_address and f.given_postcode = s.postcode
    )`;
}

/** Builds the SQL that matches people to the address base and sets lon, lat, address_id and zones (exported for its snapshot test). */
export function geocodeStatement(campaignId: string, personIds: readonly string[] | 'pending') {
  const which = personIds === 'pending' ? sql`p.lon is null` : sql`p.id = any(${personIds as string[]}::uuid[])`;
  return sql<{ id: string; located: boolean }>`
    with src as (
      select p.id, p.street_address, p.postcode
      from person p
      where p.campaign_id = ${campaignId} and p.street_address <> '' and p.merged_into is null
        and p.anonymized_at is null and ${which}
    ),
    ${addressMatchCtes(campaignId)}
    update person p
    set lon = b.lon, lat = b.lat, address_id = b.address_id, zone_ids = b.zone_ids,
      postcode = case when p.postcode = '' then b.postcode else p.postcode end, modified_at = now()
    from best b
    where p.campaign_id = ${campaignId} and p.id = b.id
    returning p.id, cardinality(p.zone_ids) > 0 as located`;
}

/** Sets zone_ids of the given located points in batched updates; returns how many fall in a zone. */
export async function writeZoneIds(
  trx: Kysely<DB>,
  campaignId: string,
  points: ReadonlyArray<{ id: string; lon: number | null; lat: number | null }>,
  locator?: ZoneLocator,
): Promise<number> {
  if (points.length === 0) return 0;
  const zones = locator ?? (await loadZoneLocator(trx, campaignId));
  let located = 0;
  for (let start = 0; start < points.length; start += LOCATE_BATCH) {
    const slice = points.slice(start, start + LOCATE_BATCH);
    const ids: string[] = [];
    const zoneIds: string[] = [];
    for (const p of slice) {
      const found = p.lon === null || p.lat === null ? [] : zones.locate(p.lon, p.lat);
      if (found.length > 0) located++;
      ids.push(p.id);
      zoneIds.push(`{${found.join(',')}}`);
    }
    await sql`update person p set zone_ids = v.z::uuid[]
      from unnest(${ids}::uuid[], ${zoneIds}::text[]) as v(id, z)
      where p.campaign_id = ${campaignId} and p.id = v.id`.execute(trx);
  }
  return located;
}

/** Recomputes zone_ids of the given people from their current coordinates. */
export async function locatePeople(trx: Kysely<DB>, campaignId: string, personIds: readonly string[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const rows = await trx
    .selectFrom('person')
    .select(['id', 'lon', 'lat'])
    .where('campaign_id', '=', campaignId)
    .where('id', 'in', personIds)
    .execute();
  return writeZoneIds(trx, campaignId, rows);
}

/**
 * Geocodes people against the campaign's address base and fills their zones. `'pending'` takes every
 * person with an address and no coordinates. Runs inside the caller's transaction.
 */
export async function geocodeAndLocate(trx: Kysely<DB>, campaignId: string, personIds: string[] | 'pending'): Promise<GeocodeResult> {
  if (personIds !== 'pending' && personIds.length === 0) return { geocoded: 0, located: 0 };
  await ensureAddressesLocated(trx, campaignId);
  const { rows } = await geocodeStatement(campaignId, personIds).execute(trx);
  return { geocoded: rows.length, located: rows.filter((r) => r.located).length };
}
