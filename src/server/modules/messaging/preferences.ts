// The preference page's use cases: what a recipient row's person receives now (e-mail consent, the
// topics they withdrew, suppression) and the change of topics, one consent-ledger line per topic
// that changes, with the proof of the request.
import { sql } from 'kysely';
import { EMAIL_TOPICS, type EmailTopic } from '../../../shared/enums.ts';
import type { Trx } from '../../db/database.ts';
import { recordConsents } from '../consent/index.ts';

export interface PreferenceState {
  recipientId: string;
  mailingId: string;
  personId: string;
  email: string;
  campaignName: string;
  /** False once unsubscribed from everything (suppressed, or the e-mail consent withdrawn), or erased/merged. */
  subscribed: boolean;
  /** The topics the person receives (every topic but those withdrawn). */
  topics: EmailTopic[];
}

/** The state a token's recipient row leads to, or null when the row (or its person) no longer exists. */
export async function preferenceStateOf(trx: Trx, campaignId: string, recipientId: string, lock = false): Promise<PreferenceState | null> {
  const { rows } = await sql<{
    id: string;
    mailing_id: string;
    person_id: string;
    email: string;
    campaign_name: string;
    consent_email: boolean;
    topics_withdrawn: string[];
    alive: boolean;
    suppressed: boolean;
  }>`select r.id, r.mailing_id, r.person_id, r.email, c.name as campaign_name, p.consent_email,
      p.email_topics_withdrawn as topics_withdrawn, (p.anonymized_at is null and p.merged_into is null) as alive,
      exists (select 1 from mail_suppression s where s.campaign_id = r.campaign_id and s.email = r.email) as suppressed
    from mailing_recipient r
    join campaign c on c.id = r.campaign_id
    join person p on p.campaign_id = r.campaign_id and p.id = r.person_id
    where r.campaign_id = ${campaignId} and r.id = ${recipientId}
    ${lock ? sql`for update of p` : sql``}`.execute(trx);
  const row = rows[0];
  if (!row) return null;
  return {
    recipientId: row.id,
    mailingId: row.mailing_id,
    personId: row.person_id,
    email: row.email,
    campaignName: row.campaign_name,
    subscribed: row.alive && row.consent_email && !row.suppressed,
    topics: EMAIL_TOPICS.filter((t) => !row.topics_withdrawn.includes(t)),
  };
}

/** The topics a posted form asks for (`topics`, once per ticked box); unknown values are ignored. */
export function topicsOfForm(value: unknown): EmailTopic[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return EMAIL_TOPICS.filter((t) => values.includes(t));
}

/**
 * Gives or withdraws the topics that differ from the person's current choice, one ledger line each
 * (source `preferences`) with the proof; returns the topics changed. The caller has locked the
 * person (preferenceStateOf with lock), so two posts at once do not both write the same change.
 */
export async function changeTopics(
  trx: Trx,
  campaignId: string,
  change: { state: PreferenceState; wanted: readonly EmailTopic[]; proof: Record<string, unknown> },
): Promise<EmailTopic[]> {
  const { state, wanted, proof } = change;
  const changed = EMAIL_TOPICS.filter((t) => wanted.includes(t) !== state.topics.includes(t));
  await recordConsents(
    trx,
    changed.map((topic) => ({
      campaignId,
      personId: state.personId,
      channel: 'email' as const,
      topic,
      status: wanted.includes(topic) ? ('given' as const) : ('withdrawn' as const),
      source: 'preferences',
      proof: { ...proof, email: state.email, recipient_id: state.recipientId, mailing_id: state.mailingId },
    })),
  );
  return changed;
}
