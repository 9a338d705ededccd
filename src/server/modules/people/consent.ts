// The consent ledger: append-only entries per channel with their proof. A trigger keeps
// person.consent_* equal to the latest entry, so audiences filter on those columns set-based.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { ConsentChannel } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';

export interface ConsentProof {
  /** The form or page the consent was given on. */
  form?: string | undefined;
  ip?: string | null | undefined;
  /** The exact text the person saw and agreed to. */
  text_shown?: string | undefined;
  /** An imported file, for consents recorded by an import. */
  file?: string | undefined;
  [extra: string]: unknown;
}

export interface ConsentEntry {
  campaignId: string;
  personId: string;
  channel: ConsentChannel;
  status: 'given' | 'withdrawn';
  /** form, import, api, manual, unsubscribe, door, signup, erasure… */
  source: string;
  proof?: ConsentProof;
  actorLabel?: string;
  at?: Date;
}

/** Appends consent entries to the ledger (the trigger updates the people's current consent). */
export async function recordConsents(trx: Trx, entries: readonly ConsentEntry[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids = entries.map(() => uuidv7());
  await trx
    .insertInto('consent')
    .values(
      entries.map((e, i) => ({
        campaign_id: e.campaignId,
        id: ids[i] as string,
        person_id: e.personId,
        channel: e.channel,
        status: e.status,
        source: e.source,
        proof: JSON.stringify(Object.fromEntries(Object.entries(e.proof ?? {}).filter(([, v]) => v !== undefined))),
        actor_label: e.actorLabel ?? '',
        ...(e.at ? { at: e.at } : {}),
      })),
    )
    .execute();
  return ids;
}

/** Whether the person currently consents to be contacted on the channel (tenant of the transaction). */
export async function hasConsent(trx: Trx, personId: string, channel: ConsentChannel): Promise<boolean> {
  const row = await trx
    .selectFrom('person')
    .select(sql<boolean>`${sql.ref(`consent_${channel}`)}`.as('ok'))
    .where('id', '=', personId)
    .where('anonymized_at', 'is', null)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  return row?.ok === true;
}

/** Recomputes person.consent_* and last_consent_at from the ledger (after entries moved between people). */
export async function recomputeConsents(trx: Trx, campaignId: string, personIds: readonly string[]): Promise<void> {
  if (personIds.length === 0) return;
  // One definition in SQL (migration 0004), shared with the ledger's insert trigger.
  await sql`select relais_recompute_consents(${campaignId}::uuid, ${[...personIds]}::uuid[])`.execute(trx);
}

/** The consent ledger of one person, newest first. */
export function listConsents(trx: Trx, campaignId: string, personId: string) {
  return trx
    .selectFrom('consent')
    .select(['id', 'channel', 'status', 'at', 'source', 'proof', 'actor_label'])
    .where('campaign_id', '=', campaignId)
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
