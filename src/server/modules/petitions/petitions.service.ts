// Staff use cases of petitions: write one (a referent only in their arrondissements), void
// suspicious signatures in bulk (a preview first, then the void, audited), record a signature
// through the API (OSDI's record_signature_helper: the client vouches for it, it counts at once).
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { PetitionThreshold } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { findPetition, PETITION_COLUMNS, type PetitionRow, type SignatureFilter, signaturesQuery } from './petitions.repo.ts';
import { confirmSubmission, SUBMISSION_TTL_MS, storeFormPost } from './submissions.ts';

export interface StaffActor {
  campaignId: string;
  label: string;
  userId: string | null;
  tokenId: string | null;
  zoneScope: readonly string[] | null;
  ip: string | null;
}

export interface PetitionInput {
  slug?: string | undefined;
  title?: string | undefined;
  summary?: string | undefined;
  body?: string | undefined;
  target?: string | undefined;
  goal?: number | undefined;
  zone_id?: string | null | undefined;
  status?: 'draft' | 'open' | 'closed' | undefined;
  thresholds?: PetitionThreshold[] | undefined;
  answer?: string | undefined;
}

/** A slug of a title: lower case ASCII words joined by dashes. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'petition';
}

/** May the actor write a petition of this zone? (A referent: one of their zones, never campaign-wide.) */
export function canWritePetition(actor: { zoneScope: readonly string[] | null }, zoneId: string | null): boolean {
  if (actor.zoneScope === null) return true;
  return zoneId !== null && actor.zoneScope.includes(zoneId);
}

function assertScope(actor: StaffActor, zoneId: string | null) {
  if (!canWritePetition(actor, zoneId)) {
    throw new AppError('PETITION_OUT_OF_SCOPE', 'You may only write the petitions of your arrondissements.');
  }
}

async function assertSlugFree(trx: Trx, campaignId: string, slug: string, except?: string) {
  let q = trx.selectFrom('petition').select('id').where('campaign_id', '=', campaignId).where('slug', '=', slug);
  if (except) q = q.where('id', '<>', except);
  if (await q.executeTakeFirst()) throw new AppError('PETITION_SLUG_TAKEN', `Another petition already has the address /petitions/${slug}.`);
}

/** Creates a petition (a draft unless said otherwise). */
export async function createPetition(trx: Trx, actor: StaffActor, input: PetitionInput & { title: string }): Promise<PetitionRow> {
  const zoneId = input.zone_id ?? null;
  assertScope(actor, zoneId);
  const slug = input.slug ?? slugOf(input.title);
  await assertSlugFree(trx, actor.campaignId, slug);
  const id = uuidv7();
  await trx
    .insertInto('petition')
    .values({
      campaign_id: actor.campaignId,
      id,
      slug,
      title: input.title,
      summary: input.summary ?? '',
      body: input.body ?? '',
      target: input.target ?? '',
      goal: input.goal ?? 1000,
      zone_id: zoneId,
      status: input.status ?? 'draft',
      thresholds: JSON.stringify(input.thresholds ?? []),
      answer: input.answer ?? '',
      answered_at: input.answer ? new Date() : null,
      created_by_label: actor.label,
    })
    .execute();
  await audit(trx, actor, 'petitions.created', id, { title: input.title });
  return (await findPetition(trx, actor.campaignId, { id })) as PetitionRow;
}

/** Edits a petition; publishing the target's answer dates it. */
export async function updatePetition(trx: Trx, actor: StaffActor, id: string, input: PetitionInput): Promise<PetitionRow> {
  const current = await trx
    .selectFrom('petition')
    .select(PETITION_COLUMNS)
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  // Another arrondissement's petition does not exist for a referent (as in reads); a campaign-wide one is read-only.
  if (!current || (actor.zoneScope !== null && current.zone_id !== null && !actor.zoneScope.includes(current.zone_id))) {
    throw notFound('petition');
  }
  assertScope(actor, current.zone_id);
  if (input.zone_id !== undefined) assertScope(actor, input.zone_id);
  if (input.slug !== undefined) await assertSlugFree(trx, actor.campaignId, input.slug, id);
  const answerChanged = input.answer !== undefined && input.answer !== current.answer;
  await trx
    .updateTable('petition')
    .set({
      ...(input.slug !== undefined ? { slug: input.slug } : {}),
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.summary !== undefined ? { summary: input.summary } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.target !== undefined ? { target: input.target } : {}),
      ...(input.goal !== undefined ? { goal: input.goal } : {}),
      ...(input.zone_id !== undefined ? { zone_id: input.zone_id } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(input.thresholds !== undefined ? { thresholds: JSON.stringify(input.thresholds) } : {}),
      ...(answerChanged ? { answer: input.answer, answered_at: input.answer ? new Date() : null } : {}),
      updated_at: new Date(),
    })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', id)
    .execute();
  await audit(trx, actor, 'petitions.updated', id, { fields: Object.keys(input) });
  return (await findPetition(trx, actor.campaignId, { id })) as PetitionRow;
}

/** A petition the actor may read (a referent: their zones' and the campaign-wide ones). */
export async function readablePetition(trx: Trx, actor: StaffActor, id: string): Promise<PetitionRow> {
  const p = await findPetition(trx, actor.campaignId, { id });
  if (!p || (actor.zoneScope !== null && p.zone_id !== null && !actor.zoneScope.includes(p.zone_id))) throw notFound('petition');
  return p;
}

/** How many signatures a filter names and a sample of them; with `apply`, voids them (audited). */
export async function voidSignatures(
  trx: Trx,
  actor: StaffActor,
  o: { petitionId: string; filter: SignatureFilter; reason: string; apply: boolean },
): Promise<{
  count: number;
  voided: number;
  by_status: Record<string, number>;
  sample: { id: string; email: string; client_address: string; created_at: Date; status: string }[];
}> {
  const p = await readablePetition(trx, actor, o.petitionId);
  assertScope(actor, p.zone_id);
  const f = o.filter;
  if (!f.ids?.length && !f.client_address && !f.email_domain && !f.since && !f.until && !f.proof) {
    throw new AppError('VOID_FILTER_EMPTY', 'Say which signatures to void: ids, an address, an e-mail domain, a period or a proof.');
  }
  const base = () =>
    signaturesQuery(trx, actor.campaignId, p.id, { ...f, status: undefined }).where('s.status', 'in', [
      'pending',
      'confirmed',
      'quarantined',
    ]);
  const groups = await base()
    .select(['s.status', sql<number>`count(*)::int`.as('n')])
    .groupBy('s.status')
    .execute();
  const by_status = Object.fromEntries(groups.map((g) => [g.status, g.n]));
  const count = groups.reduce((sum, g) => sum + g.n, 0);
  const sample = await base()
    .select(['s.id', 's.email', 's.client_address', 's.created_at', 's.status'])
    .orderBy('s.created_at')
    .limit(20)
    .execute();
  if (!o.apply || count === 0) return { count, voided: 0, by_status, sample };
  const voided = await trx
    .updateTable('form_submission as s')
    .set({ status: 'voided', voided_at: new Date(), void_reason: o.reason })
    .where('s.campaign_id', '=', actor.campaignId)
    .where('s.id', 'in', base().select('s.id'))
    .executeTakeFirst();
  const n = Number(voided.numUpdatedRows);
  await audit(trx, actor, 'petitions.signatures_voided', p.id, { count: n, by_status, filter: f, reason: o.reason });
  return { count, voided: n, by_status, sample };
}

/** OSDI record_signature_helper: the person signed elsewhere (paper, a partner's form): counted now. */
export async function recordSignature(
  trx: Trx,
  actor: StaffActor,
  o: { petitionId: string; email: string; givenName?: string; familyName?: string; postalCode?: string; comments?: string; secret: string },
): Promise<{ submissionId: string; personId: string; already: boolean }> {
  const p = await readablePetition(trx, actor, o.petitionId);
  if (p.status !== 'open') throw new AppError('PETITION_NOT_OPEN', 'This petition does not take signatures (draft or closed).');
  const stored = await storeFormPost(
    trx,
    {
      campaignId: actor.campaignId,
      form: 'petition',
      petitionId: p.id,
      email: o.email,
      ...(o.givenName ? { givenName: o.givenName } : {}),
      ...(o.familyName ? { familyName: o.familyName } : {}),
      ...(o.postalCode ? { postalCode: o.postalCode } : {}),
      message: o.comments ?? '',
      consentText: '',
      lang: 'fr',
      clientAddress: actor.ip ?? '',
      userAgent: '',
      origin: `api:${actor.label}`,
    },
    { accepted: true, reason: null, proof: 'none', alerts: [] },
    o.secret,
  );
  if (stored.status === 'invalid_email') throw new AppError('SIGNATURE_EMAIL_INVALID', 'The signature needs a valid e-mail address.');
  if (stored.status !== 'pending') throw new Error('unreachable');
  await trx
    .updateTable('form_submission')
    .set({ proof: 'api' })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', stored.id)
    .execute();
  const outcome = await confirmSubmission(
    trx,
    { campaignId: actor.campaignId, id: stored.id, expiresAt: new Date(Date.now() + SUBMISSION_TTL_MS) },
    { token: 'api', ip: actor.ip, userAgent: null },
  );
  const row = await trx
    .selectFrom('form_submission')
    .select(['id', 'person_id', 'status'])
    .where('campaign_id', '=', actor.campaignId)
    .where('petition_id', '=', p.id)
    .where(
      'email',
      '=',
      (
        await trx
          .selectFrom('form_submission')
          .select('email')
          .where('campaign_id', '=', actor.campaignId)
          .where('id', '=', stored.id)
          .executeTakeFirstOrThrow()
      ).email,
    )
    .where('status', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  if (outcome.status === 'already') {
    // Signed before: the helper's row is not a second signature.
    await trx
      .deleteFrom('form_submission')
      .where('campaign_id', '=', actor.campaignId)
      .where('id', '=', stored.id)
      .where('status', '=', 'pending')
      .execute();
  }
  return { submissionId: row.id, personId: row.person_id as string, already: outcome.status === 'already' };
}

/** Marks the petition delivered (the PDF handed to the target), audited. */
export async function markDelivered(trx: Trx, actor: StaffActor, petitionId: string): Promise<void> {
  await trx
    .updateTable('petition')
    .set({ delivered_at: new Date() })
    .where('campaign_id', '=', actor.campaignId)
    .where('id', '=', petitionId)
    .execute();
  await audit(trx, actor, 'petitions.delivered', petitionId, {});
}

function audit(trx: Trx, actor: StaffActor, action: string, petitionId: string, details: Record<string, unknown>) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'petition',
      targetId: petitionId,
      ip: actor.ip,
      details,
    },
  ]);
}
