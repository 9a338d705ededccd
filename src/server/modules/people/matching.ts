// Which stored person an incoming e-mail or phone designates: the one rule of every person write
// (the API's create and update, the signup helper, the import), as SQL over a set of incoming keys.
//
// - An e-mail designates the person whose primary e-mail it is, else the oldest person holding it
//   among their secondary e-mails. Only a write's primary e-mail identifies it; its other e-mails
//   are stored as given.
// - A phone (the import's rows without an e-mail only) designates the oldest person whose primary
//   phone it is, never an anonymised one; for a zone-scoped actor, only among the people of its
//   zones (a phone has no uniqueness, so a row whose phone is someone's elsewhere is a new person,
//   and says nothing about the others).
// - A merged person stands for the person they were merged into.
import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';

/**
 * The person each incoming e-mail designates: `source` is a relation of (key, email) — e-mails
 * normalised, lower-case — and the result one (key, person_id) row per matched key.
 */
export function emailMatches(campaignId: string, source: RawBuilder<unknown>): RawBuilder<{ key: unknown; person_id: string }> {
  // Two arms rather than `email = x or x = any(emails)`: the primary one reads the unique index,
  // the secondary one the GIN index on person.emails through relais_person_by_secondary_email()
  // (db/functions/; under row-level security `&&` cannot use an index), given the source's e-mails.
  // The source is written out each time, not shared in a CTE: inlined, the planner keeps its
  // columns' statistics (a staging table's e-mails), without which it misjudged the join for
  // millions of rows and PostgreSQL spent half a second compiling it (JIT) for 20,000 rows.
  return sql`(select distinct on (key) key, person_id from (
      select src.key, coalesce(p.merged_into, p.id) as person_id, 0 as rank, p.created_at, p.id
      from (${source}) src join person p on p.campaign_id = ${campaignId} and p.email = src.email
      union all
      select src.key, coalesce(p.merged_into, p.id), 1, p.created_at, p.id
      from relais_person_by_secondary_email(${campaignId}::uuid, array(select distinct w.email from (${source}) w)) p
        join (${source}) src on src.email = p.email) candidate
    order by key, rank, created_at, id)`;
}

/**
 * The person each incoming phone designates: `source` is a relation of (key, phone) in E.164; with
 * `zoneScope`, only people of those zones are candidates. One (key, person_id) row per matched key.
 */
export function phoneMatches(
  campaignId: string,
  source: RawBuilder<unknown>,
  zoneScope: readonly string[] | null,
): RawBuilder<{ key: unknown; person_id: string }> {
  // In scope is where the designated person lives: a merged one's zones are those they were merged into.
  const scoped = zoneScope
    ? sql`left join person k on k.campaign_id = ${campaignId} and k.id = p.merged_into
      where p.anonymized_at is null and coalesce(k.zone_ids, p.zone_ids) && ${[...zoneScope]}::uuid[]`
    : sql`where p.anonymized_at is null`;
  return sql`(select distinct on (src.key) src.key, coalesce(p.merged_into, p.id) as person_id
    from (${source}) src join person p on p.campaign_id = ${campaignId} and p.phone = src.phone
    ${scoped}
    order by src.key, p.created_at, p.id)`;
}

/** The person an e-mail designates (see emailMatches), or undefined. */
export async function personDesignatedByEmail(trx: Trx, campaignId: string, email: string): Promise<string | undefined> {
  const { rows } = await sql<{ person_id: string }>`select m.person_id
    from ${emailMatches(campaignId, sql`select 1 as key, ${email}::text as email`)} m`.execute(trx);
  return rows[0]?.person_id;
}

/**
 * The person one of these OSDI identifiers (`foreign_system:1`) designates: the oldest holder of
 * any of them (a merged one standing for the person they were merged into), or undefined. Read
 * through relais_person_by_identifier() (the GIN index on person.identifiers under RLS).
 */
export async function personDesignatedByIdentifiers(
  trx: Trx,
  campaignId: string,
  identifiers: readonly string[],
): Promise<string | undefined> {
  if (identifiers.length === 0) return undefined;
  const { rows } = await sql<{ person_id: string }>`select coalesce(p.merged_into, p.id) as person_id
    from relais_person_by_identifier(${campaignId}::uuid, ${[...identifiers]}::text[]) p
    order by p.created_at, p.id limit 1`.execute(trx);
  return rows[0]?.person_id;
}
