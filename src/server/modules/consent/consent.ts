// The consent ledger: append-only entries per channel with their proof. A trigger keeps
// person.consent_* equal to the latest entry, so audiences filter on those columns set-based;
// `canReach` is the one answer to "may we contact this person on this channel now?", asked before
// every send.
import { sql } from 'kysely';
import type { ConsentChannel, ConsentStatus, EmailTopic } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { emitEvents } from '../../events/index.ts';
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
  /** An e-mail topic (the preference page): the entry is about that topic only, not the channel. */
  topic?: EmailTopic | undefined;
  status: ConsentStatus;
  /** form, import, api, manual, unsubscribe, door, signup, erasure… */
  source: string;
  proof?: ConsentProof;
  actorLabel?: string;
  at?: Date;
}

/** Appends consent entries to the ledger (the trigger updates the people's current consent) and their consent.changed events. */
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
        topic: e.topic ?? null,
        status: e.status,
        source: e.source,
        proof: JSON.stringify(Object.fromEntries(Object.entries(e.proof ?? {}).filter(([, v]) => v !== undefined))),
        actor_label: e.actorLabel ?? '',
        ...(e.at ? { at: e.at } : {}),
      })),
    )
    .execute();
  await emitEvents(
    trx,
    entries.map((e, i) => ({
      campaignId: e.campaignId,
      type: 'consent.changed' as const,
      personId: e.personId,
      payload: {
        consent_id: ids[i] as string,
        channel: e.channel,
        status: e.status,
        source: e.source,
        ...(e.topic ? { topic: e.topic } : {}),
      },
      actorLabel: e.actorLabel ?? '',
    })),
  );
  return ids;
}

/**
 * May the campaign contact this person on this channel now? Yes only when the latest ledger entry
 * for the channel (up to now) gives consent and the person was neither anonymised nor merged into
 * another person (whose own ledger then answers). Messaging and SMS ask before every send.
 */
export async function canReach(trx: Trx, target: { campaignId: string; personId: string; channel: ConsentChannel }): Promise<boolean> {
  const { campaignId, personId, channel } = target;
  // Entries about one e-mail topic are not about the channel (a mailing's topic is checked apart).
  // Read from the ledger itself, not the person.consent_* cache: the answer does not depend on a
  // trigger having run (an import sets the cache itself).
  const { rows } = await sql<{ ok: boolean }>`select (
      select c.status = 'given' from consent c
      where c.campaign_id = ${campaignId} and c.person_id = p.id and c.channel = ${channel} and c.topic is null and c.at <= now()
      order by c.at desc, c.id desc limit 1
    ) as ok
    from person p
    where p.campaign_id = ${campaignId} and p.id = ${personId} and p.anonymized_at is null and p.merged_into is null`.execute(trx);
  return rows[0]?.ok === true;
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
    .select(['id', 'channel', 'topic', 'status', 'at', 'source', 'proof', 'actor_label'])
    .where('campaign_id', '=', campaignId)
    .where('person_id', '=', personId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
