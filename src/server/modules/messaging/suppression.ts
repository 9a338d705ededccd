// The campaign's suppression list: addresses never mailed again (unsubscribed, bounced, complained,
// removed by hand). The one writer is suppressAddress; audiences subtract the table set-based.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { MailSuppressionReason } from '../../db/schema.ts';
import { recordConsents } from '../consent/index.ts';
import { normalizeEmail } from '../people/index.ts';

export const SUPPRESSION_REASONS = ['unsubscribed', 'hard_bounce', 'soft_bounces', 'complaint', 'manual'] as const;

// The reasons that are the person's own will: they also withdraw the e-mail consent in the ledger.
const WITHDRAWS_CONSENT: ReadonlySet<MailSuppressionReason> = new Set(['unsubscribed', 'complaint']);

export interface SuppressionResult {
  /** False when the address was already suppressed (for any reason). */
  suppressed: boolean;
  /** The people whose e-mail consent this withdrew (a ledger line each). */
  withdrawnPersonIds: string[];
}

/**
 * Suppresses an address for the campaign (idempotent: one row per normalised address), and for an
 * unsubscribe or a complaint withdraws the e-mail consent of the people holding it, with the proof.
 * Bounces and complaints (the bounces branch), one-click unsubscribes and staff call it.
 */
export async function suppressAddress(
  trx: Trx,
  campaignId: string,
  email: string,
  reason: MailSuppressionReason,
  proof: Record<string, unknown>,
): Promise<SuppressionResult> {
  const address = normalizeEmail(email) ?? email.trim().toLowerCase();
  const personId = typeof proof.person_id === 'string' ? proof.person_id : null;
  const inserted = await trx
    .insertInto('mail_suppression')
    .values({ campaign_id: campaignId, email: address, reason, proof: JSON.stringify(proof), person_id: personId })
    .onConflict((oc) => oc.columns(['campaign_id', 'email']).doNothing())
    .returning('email')
    .executeTakeFirst();
  if (!WITHDRAWS_CONSENT.has(reason)) return { suppressed: inserted !== undefined, withdrawnPersonIds: [] };
  // Whoever holds the address (primary, or the recipient the proof names), and only while their
  // consent stands: a second unsubscribe writes no second ledger line.
  const { rows } = await sql<{ id: string }>`select p.id from person p
    where p.campaign_id = ${campaignId} and p.consent_email and p.anonymized_at is null and p.merged_into is null
      and (p.email = ${address} or p.id = ${personId}::uuid)`.execute(trx);
  const ids = rows.map((r) => r.id);
  await recordConsents(
    trx,
    ids.map((id) => ({
      campaignId,
      personId: id,
      channel: 'email' as const,
      status: 'withdrawn' as const,
      source: reason === 'complaint' ? 'complaint' : 'unsubscribe',
      proof: { ...proof, email: address, reason },
    })),
  );
  return { suppressed: inserted !== undefined, withdrawnPersonIds: ids };
}
