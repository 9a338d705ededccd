// Audiences: saved segments and lists, minus excluded segments and lists, ALWAYS intersected with
// the channel's consent and address — e-mail: the e-mail consent given (and not withdrawn for the mailing's
// topic), an address, and minus the suppression list; SMS: the SMS consent given and a phone number (the SMS module then keeps the
// people whose number is a mobile, which only libphonenumber can tell) — within the actor's zones.
// One SQL condition on `person` (segments compile with their own scope), counted before sending (in
// total and per arrondissement) and materialised set-based into mailing_recipient (e-mail) or read
// into sms_message rows (SMS).
import { type Expression, type SqlBool, sql } from 'kysely';
import type { EmailTopic } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { loadSegmentDefinition, prepareSegment } from '../segments/index.ts';
import type { Audience } from './audience-schema.ts';

export { type Audience, AudienceSchema } from './audience-schema.ts';

export interface AudienceScope {
  campaignId: string;
  /** The actor's zones (referents), or null for the whole campaign. */
  zoneScope: readonly string[] | null;
}

/** The condition of one saved segment (AUDIENCE_INVALID when it is not the campaign's). */
async function segmentCondition(trx: Trx, id: string, scope: AudienceScope): Promise<Expression<SqlBool>> {
  try {
    const definition = await loadSegmentDefinition(trx, scope.campaignId, id);
    return await prepareSegment(trx, definition, { ...scope, strict: false });
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND')
      throw new AppError('MAILING_AUDIENCE_INVALID', `No segment ${id} in this campaign.`);
    throw error;
  }
}

async function listCondition(trx: Trx, id: string, scope: AudienceScope): Promise<Expression<SqlBool>> {
  const list = await trx
    .selectFrom('list')
    .select('id')
    .where('campaign_id', '=', scope.campaignId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!list) throw new AppError('MAILING_AUDIENCE_INVALID', `No list ${id} in this campaign.`);
  return prepareSegment(trx, { op: 'and', children: [{ field: 'list', cmp: 'member', value: id }] }, { ...scope, strict: false });
}

const orAll = (parts: Expression<SqlBool>[]) => sql<SqlBool>`(${sql.join(parts, sql` or `)})`;

/** The channel an audience is reached on. */
export type AudienceChannel = 'email' | 'sms';

/** Who may be reached on a channel at all: its consent, an address, and (e-mail) the topic not withdrawn, not suppressed. */
function channelConditions(channel: AudienceChannel, topic: EmailTopic): Expression<SqlBool>[] {
  if (channel === 'sms')
    return [sql<SqlBool>`person.consent_sms`, sql<SqlBool>`(person.phone is not null or cardinality(person.phones) > 0)`];
  return [
    sql<SqlBool>`person.email is not null`,
    sql<SqlBool>`person.consent_email`,
    // The e-mail consent covers every topic but those the person withdrew (the preference page).
    sql<SqlBool>`not (${topic}::text = any(person.email_topics_withdrawn))`,
    sql<SqlBool>`not exists (select 1 from mail_suppression s where s.campaign_id = person.campaign_id and s.email = person.email)`,
  ];
}

/** The WHERE condition on `person` of an audience: who will receive a mailing of this topic (or the SMS: `channel: 'sms'`). */
export async function audienceWhere(
  trx: Trx,
  audience: Audience,
  scope: AudienceScope,
  options: { channel?: AudienceChannel; topic?: EmailTopic } = {},
): Promise<Expression<SqlBool>> {
  const include = [
    ...(await Promise.all((audience.segment_ids ?? []).map((id) => segmentCondition(trx, id, scope)))),
    ...(await Promise.all((audience.list_ids ?? []).map((id) => listCondition(trx, id, scope)))),
  ];
  if (include.length === 0) throw new AppError('MAILING_AUDIENCE_INVALID', 'Choose at least one segment or list.');
  const exclude = [
    ...(await Promise.all((audience.exclude_segment_ids ?? []).map((id) => segmentCondition(trx, id, scope)))),
    ...(await Promise.all((audience.exclude_list_ids ?? []).map((id) => listCondition(trx, id, scope)))),
  ];
  const parts: Expression<SqlBool>[] = [
    sql<SqlBool>`person.campaign_id = ${scope.campaignId}`,
    orAll(include),
    ...channelConditions(options.channel ?? 'email', options.topic ?? 'newsletter'),
    sql<SqlBool>`person.anonymized_at is null and person.merged_into is null`,
  ];
  if (exclude.length > 0) parts.push(sql<SqlBool>`not ${orAll(exclude)}`);
  // The segments carry the scope already; said again here, where a reviewer reads the audience.
  if (scope.zoneScope) parts.push(sql<SqlBool>`person.zone_ids && ${sql.val([...scope.zoneScope])}::uuid[]`);
  return sql<SqlBool>`(${sql.join(parts, sql`\n  and `)})`;
}

export interface AudienceCount {
  total: number;
  /** Per arrondissement (the top layer's zones, or the actor's own zones). */
  by_zone: { zone_id: string; code: string; name: string; count: number }[];
}

/**
 * The zones a mailing's figures are told by, per arrondissement: the actor's own zones (a referent),
 * else the zones of the campaign's top layer (the arrondissements; never the finer layers a person
 * is also in). The audience count and the report both use it.
 */
export async function reportingZones(trx: Trx, scope: AudienceScope): Promise<Array<{ id: string; code: string; name: string }>> {
  return scope.zoneScope
    ? await trx
        .selectFrom('zone')
        .select(['id', 'code', 'name'])
        .where('campaign_id', '=', scope.campaignId)
        .where('id', 'in', scope.zoneScope.length ? [...scope.zoneScope] : ['00000000-0000-0000-0000-000000000000'])
        .execute()
    : await trx
        .selectFrom('zone')
        .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id').onRef('l.campaign_id', '=', 'zone.campaign_id'))
        .select(['zone.id', 'zone.code', 'zone.name'])
        .where('zone.campaign_id', '=', scope.campaignId)
        .where('l.position', '=', (eb) =>
          eb.selectFrom('zone_layer').select(eb.fn.min('position').as('p')).where('campaign_id', '=', scope.campaignId),
        )
        .execute();
}

/** How many people an audience reaches, in total and per arrondissement. */
export async function countAudience(trx: Trx, where: Expression<SqlBool>, scope: AudienceScope): Promise<AudienceCount> {
  const zones = await reportingZones(trx, scope);
  const ids = zones.map((z) => z.id);
  const { rows } = await sql<{ zid: string | null; n: string }>`
    select zid, count(*) as n from (
      select (select z from unnest(person.zone_ids) z where z = any(${sql.val(ids)}::uuid[]) limit 1) as zid
      from person where ${where}
    ) t group by zid`.execute(trx);
  return countByZone(zones, new Map(rows.map((r) => [r.zid, Number(r.n)])));
}

/** The count of an audience from its people per reporting zone (null: in none of them). */
export function countByZone(
  zones: ReadonlyArray<{ id: string; code: string; name: string }>,
  counts: Map<string | null, number>,
): AudienceCount {
  return {
    total: [...counts.values()].reduce((sum, n) => sum + n, 0),
    by_zone: zones
      .map((z) => ({ zone_id: z.id, code: z.code, name: z.name, count: counts.get(z.id) ?? 0 }))
      .sort((a, b) => a.code.localeCompare(b.code, 'fr', { numeric: true })),
  };
}

/** A person's reporting zone: the first of their zones among the reporting ones (as countAudience's SQL takes it). */
export function reportingZoneOf(zoneIds: readonly string[], reporting: ReadonlySet<string>): string | null {
  return zoneIds.find((z) => reporting.has(z)) ?? null;
}

/** Writes one mailing_recipient row per person of the audience (set-based, idempotent); returns the rows added. */
export async function materialiseRecipients(
  trx: Trx,
  where: Expression<SqlBool>,
  target: { campaignId: string; mailingId: string },
): Promise<number> {
  const result = await sql`
    insert into mailing_recipient (campaign_id, id, mailing_id, person_id, email, variant, zone_ids)
    select person.campaign_id, relais_uuidv7(), ${target.mailingId}::uuid, person.id, person.email, 'A', person.zone_ids
    from person where ${where}
    on conflict (campaign_id, mailing_id, person_id) do nothing`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
