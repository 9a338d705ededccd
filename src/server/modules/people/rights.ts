// Rights of the person (GDPR): export everything about one person, erase (anonymise, keeping
// aggregate counts), and the retention policy that anonymises contacts after the election.
import { sql } from 'kysely';
import { Type } from 'typebox';
import type { Db, TenantRunner, Trx } from '../../db/database.ts';
import { CONSENT_CHANNELS } from '../../db/schema.ts';
import { defineJob } from '../../jobs/queue.ts';
import { csvLine } from '../../lib/csv.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { recordConsents } from '../consent/index.ts';

/** Everything stored about one person (the caller has checked the person is visible). */
export async function exportPersonData(trx: Trx, campaignId: string, personId: string) {
  const person = await trx
    .selectFrom('person')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  const { search_text: _, ...personData } = person;
  return {
    person: personData,
    consents: await trx
      .selectFrom('consent')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('person_id', '=', personId)
      .orderBy('at')
      .execute(),
    activities: await trx
      .selectFrom('activity')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('person_id', '=', personId)
      .orderBy('at')
      .execute(),
    ladder_moves: await trx
      .selectFrom('ladder_move')
      .selectAll()
      .where('campaign_id', '=', campaignId)
      .where('person_id', '=', personId)
      .orderBy('at')
      .execute(),
    tags: await trx
      .selectFrom('tagging')
      .innerJoin('tag', (j) => j.onRef('tag.campaign_id', '=', 'tagging.campaign_id').onRef('tag.id', '=', 'tagging.tag_id'))
      .select(['tag.id', 'tag.name', 'tagging.created_at'])
      .where('tagging.campaign_id', '=', campaignId)
      .where('tagging.person_id', '=', personId)
      .execute(),
    lists: await trx
      .selectFrom('list_member')
      .innerJoin('list', (j) => j.onRef('list.campaign_id', '=', 'list_member.campaign_id').onRef('list.id', '=', 'list_member.list_id'))
      .select(['list.id', 'list.name', 'list_member.added_at'])
      .where('list_member.campaign_id', '=', campaignId)
      .where('list_member.person_id', '=', personId)
      .execute(),
  };
}

export type PersonExport = Awaited<ReturnType<typeof exportPersonData>>;

/** A stored value as the text of a cell (dates in ISO 8601, objects as JSON). */
const cellText = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

/** The export as CSV in long form: one line per value (section, item number, field, value). */
export function personExportCsv(data: PersonExport): string {
  // The exports' line writer (lib/csv.ts): its quoting and its one formula rule.
  const line = (cells: unknown[]) => csvLine(cells.map(cellText), ',');
  let out = line(['section', 'item', 'field', 'value']);
  for (const [field, value] of Object.entries(data.person)) out += line(['person', 1, field, value]);
  for (const section of ['consents', 'activities', 'ladder_moves', 'tags', 'lists'] as const) {
    (data[section] as ReadonlyArray<Record<string, unknown>>).forEach((row, i) => {
      for (const [field, value] of Object.entries(row)) if (field !== 'campaign_id') out += line([section, i + 1, field, value]);
    });
  }
  return out;
}

/**
 * Anonymises people: identity, contact, address and custom fields blanked, activities' data and
 * consent proofs emptied (the consent rows stay, as anonymous counts), current consents withdrawn.
 * Ladder stage, zones, tags and lists stay, so aggregate counts do not change.
 */
export async function anonymizePeople(
  trx: Trx,
  campaignId: string,
  personIds: readonly string[],
  source: string,
  actorLabel: string,
): Promise<string[]> {
  if (personIds.length === 0) return [];
  const ids = [...personIds];
  const consenting = await trx
    .selectFrom('person')
    .select(['id', 'consent_email', 'consent_sms', 'consent_phone', 'consent_post'])
    .where('campaign_id', '=', campaignId)
    .where('id', 'in', ids)
    .where('anonymized_at', 'is', null)
    .execute();
  if (consenting.length === 0) return [];
  await recordConsents(
    trx,
    consenting.flatMap((p) =>
      CONSENT_CHANNELS.filter((ch) => p[`consent_${ch}`]).map((channel) => ({
        campaignId,
        personId: p.id,
        channel,
        status: 'withdrawn' as const,
        source,
        actorLabel,
      })),
    ),
  );
  const done = consenting.map((p) => p.id);
  await trx
    .updateTable('person')
    .set({
      given_name: '',
      family_name: '',
      additional_name: '',
      email: null,
      emails: [],
      phone: null,
      phones: [],
      street_address: '',
      postcode: '',
      locality: '',
      region: '',
      address_id: null,
      lon: null,
      lat: null,
      birthdate: null,
      gender: null,
      languages_spoken: [],
      custom_fields: JSON.stringify({}),
      anonymized_at: new Date(),
      modified_at: new Date(),
    })
    .where('campaign_id', '=', campaignId)
    .where('id', 'in', done)
    .execute();
  await trx
    .updateTable('activity')
    .set({ data: JSON.stringify({}) })
    .where('campaign_id', '=', campaignId)
    .where('person_id', 'in', done)
    .execute();
  await trx
    .updateTable('consent')
    .set({ proof: JSON.stringify({}) })
    .where('campaign_id', '=', campaignId)
    .where('person_id', 'in', done)
    .execute();
  // Their petition signatures and form posts keep counting (per arrondissement) but say nothing of them.
  await trx
    .updateTable('form_submission')
    .set({
      email: sql<string>`'erased-' || id::text`,
      email_domain: '',
      given_name: '',
      family_name: '',
      phone: '',
      message: '',
      postal_code: '',
      public_name: false,
      client_address: '',
      user_agent: '',
      origin: '',
    })
    .where('campaign_id', '=', campaignId)
    .where('person_id', 'in', done)
    .execute();
  return done;
}

const RETENTION_BATCH = 1000;

/** Date from which the retention policy applies: election date + N months (null without an election date). */
export async function retentionStart(db: Db | Trx, campaignId: string): Promise<{ from: Date | null; months: number }> {
  const row = await db
    .selectFrom('campaign')
    .select([sql<string | null>`to_char(election_date, 'YYYY-MM-DD')`.as('election_date'), 'settings'])
    .where('id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const months = Number((row.settings as Record<string, unknown>)?.retention_months ?? 6) || 6;
  if (!row.election_date) return { from: null, months };
  const d = new Date(`${row.election_date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return { from: d, months };
}

/** Anonymises, in batches, the contacts without a consent given in the last N months, once election date + N months has passed. */
export async function runRetention(
  tenant: TenantRunner,
  campaignId: string,
  options: { now?: Date; progress?: (done: number, total: number) => Promise<void> } = {},
): Promise<{ applies_from: string | null; anonymized: number; skipped: boolean }> {
  const now = options.now ?? new Date();
  const { from, months } = await tenant((trx) => retentionStart(trx, campaignId));
  if (!from || now < from) return { applies_from: from?.toISOString() ?? null, anonymized: 0, skipped: true };
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  const candidates = (qb: Trx) =>
    qb
      .selectFrom('person')
      .where('campaign_id', '=', campaignId)
      .where('anonymized_at', 'is', null)
      .where('merged_into', 'is', null)
      .where((eb) => eb.or([eb('last_consent_at', 'is', null), eb('last_consent_at', '<', cutoff)]));
  const total = await tenant(async (trx) =>
    Number((await candidates(trx).select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n),
  );
  let anonymized = 0;
  // One transaction per batch: a crash leaves whole batches done, and a rerun picks up the rest.
  for (;;) {
    const done = await tenant(async (trx) => {
      const ids = (await candidates(trx).select('id').orderBy('id').limit(RETENTION_BATCH).execute()).map((r) => r.id);
      const erased = await anonymizePeople(trx, campaignId, ids, 'retention', 'retention policy');
      await insertAuditEvents(
        trx,
        erased.map((id) => ({
          campaignId,
          action: 'person.erased',
          actorLabel: 'retention policy',
          targetType: 'person',
          targetId: id,
          details: { reason: 'retention', months },
        })),
      );
      return erased.length;
    });
    anonymized += done;
    await options.progress?.(anonymized, total);
    if (done < RETENTION_BATCH) break;
  }
  await tenant((trx) =>
    insertAuditEvents(trx, [
      {
        campaignId,
        action: 'people.retention',
        actorLabel: 'retention policy',
        details: { anonymized, months, cutoff: cutoff.toISOString() },
      },
    ]),
  );
  return { applies_from: from.toISOString(), anonymized, skipped: false };
}

/** Job kind people.retention: applies the campaign's retention policy with progress. */
export const retentionJob = defineJob({
  kind: 'people.retention',
  params: Type.Object({}),
  async run(ctx) {
    await ctx.progress(0, null, 'people.retention');
    return runRetention(ctx.tenant, ctx.campaignId, { progress: (done, total) => ctx.progress(done, total, 'people.retention') });
  },
});
