// Plain queries of petitions and their signatures: a signature counts when it is confirmed (never
// pending, quarantined or voided).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { PetitionThreshold } from '../../db/schema.ts';

export const PETITION_COLUMNS = [
  'id',
  'slug',
  'title',
  'summary',
  'body',
  'target',
  'goal',
  'zone_id',
  'status',
  'thresholds',
  'answer',
  'answered_at',
  'delivered_at',
  'created_at',
  'updated_at',
] as const;

export interface PetitionRow {
  id: string;
  slug: string;
  title: string;
  summary: string;
  body: string;
  target: string;
  goal: number;
  zone_id: string | null;
  status: 'draft' | 'open' | 'closed';
  thresholds: PetitionThreshold[];
  answer: string;
  answered_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Confirmed signatures of petitions, by id. */
export async function signatureCounts(trx: Trx, campaignId: string, petitionIds: readonly string[]): Promise<Map<string, number>> {
  if (petitionIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('form_submission')
    .select(['petition_id', sql<number>`count(*)::int`.as('n')])
    .where('campaign_id', '=', campaignId)
    .where('petition_id', 'in', [...petitionIds])
    .where('status', '=', 'confirmed')
    .groupBy('petition_id')
    .execute();
  return new Map(rows.map((r) => [r.petition_id as string, r.n]));
}

/** Petitions of the campaign (a referent's: their zones' and the campaign-wide ones), newest first. */
export async function listPetitions(
  trx: Trx,
  campaignId: string,
  o: {
    status?: 'draft' | 'open' | 'closed' | 'public';
    zoneId?: string;
    zoneScope?: readonly string[] | null;
    limit?: number;
    offset?: number;
  } = {},
): Promise<PetitionRow[]> {
  let q = trx.selectFrom('petition').select(PETITION_COLUMNS).where('campaign_id', '=', campaignId);
  if (o.status === 'public') q = q.where('status', 'in', ['open', 'closed']);
  else if (o.status) q = q.where('status', '=', o.status);
  if (o.zoneId) q = q.where('zone_id', '=', o.zoneId);
  if (o.zoneScope) {
    const scope = [...o.zoneScope];
    q = q.where((eb) => (scope.length ? eb.or([eb('zone_id', 'is', null), eb('zone_id', 'in', scope)]) : eb('zone_id', 'is', null)));
  }
  return (await q
    .orderBy('created_at', 'desc')
    .limit(o.limit ?? 200)
    .offset(o.offset ?? 0)
    .execute()) as PetitionRow[];
}

/** One petition by id or slug. */
export async function findPetition(trx: Trx, campaignId: string, key: { id?: string; slug?: string }): Promise<PetitionRow | undefined> {
  let q = trx.selectFrom('petition').select(PETITION_COLUMNS).where('campaign_id', '=', campaignId);
  if (key.id) q = q.where('id', '=', key.id);
  else if (key.slug) q = q.where('slug', '=', key.slug);
  else return undefined;
  return (await q.executeTakeFirst()) as PetitionRow | undefined;
}

/** Confirmed signatures per arrondissement (zone), with those of no known arrondissement last. */
export async function countsByZone(trx: Trx, campaignId: string, petitionId: string) {
  return trx
    .selectFrom('form_submission as s')
    .leftJoin('zone as z', (j) => j.onRef('z.campaign_id', '=', 's.campaign_id').onRef('z.id', '=', 's.zone_id'))
    .select(['z.code', 'z.name', sql<number>`count(*)::int`.as('signatures')])
    .where('s.campaign_id', '=', campaignId)
    .where('s.petition_id', '=', petitionId)
    .where('s.status', '=', 'confirmed')
    .groupBy(['z.code', 'z.name'])
    .orderBy(sql`z.code is null`)
    .orderBy(sql`length(z.code)`)
    .orderBy('z.code')
    .execute();
}

/** The latest confirmed signatories who chose to show their name (first name and initial only). */
export async function publicNames(trx: Trx, campaignId: string, petitionId: string, limit = 30) {
  const rows = await trx
    .selectFrom('form_submission')
    .select(['given_name', 'family_name', 'confirmed_at'])
    .where('campaign_id', '=', campaignId)
    .where('petition_id', '=', petitionId)
    .where('status', '=', 'confirmed')
    .where('public_name', '=', true)
    .orderBy('confirmed_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    name: `${r.given_name} ${r.family_name ? `${r.family_name.charAt(0).toUpperCase()}.` : ''}`.trim(),
    at: r.confirmed_at as Date,
  }));
}

export type SignatureFilter = {
  status?: 'pending' | 'confirmed' | 'quarantined' | 'voided' | undefined;
  client_address?: string | undefined;
  email_domain?: string | undefined;
  proof?: 'altcha' | 'none' | 'api' | undefined;
  since?: string | undefined;
  until?: string | undefined;
  ids?: string[] | undefined;
};

/** The signatures of a petition a filter names (the list, the void preview and the void itself share it). */
export function signaturesQuery(trx: Trx, campaignId: string, petitionId: string, f: SignatureFilter) {
  let q = trx.selectFrom('form_submission as s').where('s.campaign_id', '=', campaignId).where('s.petition_id', '=', petitionId);
  if (f.status) q = q.where('s.status', '=', f.status);
  if (f.client_address) q = q.where('s.client_address', '=', f.client_address);
  if (f.email_domain) q = q.where('s.email_domain', '=', f.email_domain.toLowerCase());
  if (f.proof) q = q.where('s.proof', '=', f.proof);
  if (f.since) q = q.where('s.created_at', '>=', new Date(f.since));
  if (f.until) q = q.where('s.created_at', '<', new Date(f.until));
  if (f.ids?.length) q = q.where('s.id', 'in', f.ids);
  return q;
}

export const SIGNATURE_COLUMNS = [
  's.id',
  's.status',
  's.quarantine_reason',
  's.email',
  's.given_name',
  's.family_name',
  's.postal_code',
  's.zone_id',
  's.public_name',
  's.wants_news',
  's.client_address',
  's.proof',
  's.person_id',
  's.created_at',
  's.confirmed_at',
  's.voided_at',
  's.void_reason',
] as const;
