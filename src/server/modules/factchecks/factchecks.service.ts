// Fact checks' use cases: the campaign's verdict scale, writing a check with its sources (the
// explanation sanitised on save), and its review: submitted by its author, published by another
// person (or someone allowed to publish their own), never during an electoral silence.
import sanitizeHtml from 'sanitize-html';
import type { Trx } from '../../db/database.ts';
import { AppError } from '../../http/problem.ts';
import { isIsoDate } from '../../lib/dates.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { insertAuditEvents } from '../audit/index.ts';
import { assertNotInSilence } from '../calendar/index.ts';

export const FACTCHECK_STATES = ['draft', 'review', 'published', 'withdrawn'] as const;
export type FactcheckState = (typeof FACTCHECK_STATES)[number];

export interface VerdictInput {
  code: string;
  label_fr: string;
  label_en: string;
  rating: number;
  color?: string | undefined;
}

/** The scale a campaign starts with (schema.org rating: 1 false … 5 true). */
export const DEFAULT_SCALE: readonly VerdictInput[] = [
  { code: 'vrai', label_fr: 'Vrai', label_en: 'True', rating: 5, color: '#2b8a3e' },
  { code: 'plutot-vrai', label_fr: 'Plutôt vrai', label_en: 'Mostly true', rating: 4, color: '#5c940d' },
  { code: 'a-nuancer', label_fr: 'À nuancer', label_en: 'Needs context', rating: 3, color: '#b35900' },
  { code: 'trompeur', label_fr: 'Trompeur', label_en: 'Misleading', rating: 2, color: '#c2410c' },
  { code: 'faux', label_fr: 'Faux', label_en: 'False', rating: 1, color: '#c92a2a' },
];

export interface FactcheckActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  ip: string | null;
  /** Holds the right to publish a check they wrote themselves (factchecks.publish_own). */
  mayPublishOwn: boolean;
}

export interface SourceInput {
  url: string;
  title: string;
  publisher?: string | undefined;
  published_on?: string | null | undefined;
}

export interface FactcheckInput {
  claim: string;
  claimant: string;
  claim_date?: string | null | undefined;
  claim_url?: string | null | undefined;
  theme?: string | undefined;
  verdict: string;
  summary?: string | undefined;
  explanation_html?: string | undefined;
  slug?: string | undefined;
  sources?: readonly SourceInput[] | undefined;
}

/** The campaign's scale, in order; the default one is written the first time it is read. */
export async function ensureScale(trx: Trx, campaignId: string) {
  const rows = await trx.selectFrom('factcheck_verdict').selectAll().where('campaign_id', '=', campaignId).orderBy('position').execute();
  if (rows.length > 0) return rows;
  await trx
    .insertInto('factcheck_verdict')
    .values(DEFAULT_SCALE.map((v, i) => ({ campaign_id: campaignId, id: uuidv7(), ...v, color: v.color ?? '#495057', position: i })))
    .onConflict((oc) => oc.columns(['campaign_id', 'code']).doNothing())
    .execute();
  return trx.selectFrom('factcheck_verdict').selectAll().where('campaign_id', '=', campaignId).orderBy('position').execute();
}

/** Replaces the scale: codes kept keep their id (checks using them stay valid), a code in use may not go. */
export async function replaceScale(trx: Trx, actor: FactcheckActor, scale: readonly VerdictInput[]) {
  const codes = scale.map((v) => v.code);
  if (new Set(codes).size !== codes.length) throw new AppError('FACTCHECK_SCALE_INVALID', 'Each verdict code may appear once.');
  const current = await ensureScale(trx, actor.campaignId);
  const used = await trx
    .selectFrom('fact_check as f')
    .innerJoin('factcheck_verdict as v', (j) => j.onRef('v.campaign_id', '=', 'f.campaign_id').onRef('v.id', '=', 'f.verdict_id'))
    .select('v.code')
    .distinct()
    .execute();
  const missing = used.map((u) => u.code).filter((code) => !codes.includes(code));
  if (missing.length > 0)
    throw new AppError('FACTCHECK_SCALE_INVALID', `Verdicts in use by fact checks cannot be removed: ${missing.join(', ')}.`, {
      in_use: missing,
    });
  const byCode = new Map(current.map((v) => [v.code, v]));
  for (const [position, v] of scale.entries()) {
    const row = { label_fr: v.label_fr, label_en: v.label_en, rating: v.rating, color: v.color ?? '#495057', position };
    const existing = byCode.get(v.code);
    if (existing) await trx.updateTable('factcheck_verdict').set(row).where('id', '=', existing.id).execute();
    else
      await trx
        .insertInto('factcheck_verdict')
        .values({ campaign_id: actor.campaignId, id: uuidv7(), code: v.code, ...row })
        .execute();
  }
  const gone = current.filter((v) => !codes.includes(v.code)).map((v) => v.id);
  if (gone.length > 0) await trx.deleteFrom('factcheck_verdict').where('id', 'in', gone).execute();
  await audit(trx, actor, 'factchecks.scale_changed', null, { codes });
  return ensureScale(trx, actor.campaignId);
}

/** The explanation as stored: the tags of a rich text editor, links made safe, nothing executable. */
export function sanitizeExplanation(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [
      'p',
      'br',
      'strong',
      'b',
      'em',
      'i',
      'u',
      's',
      'a',
      'ul',
      'ol',
      'li',
      'blockquote',
      'h2',
      'h3',
      'h4',
      'code',
      'pre',
      'q',
      'cite',
    ],
    allowedAttributes: { a: ['href', 'title'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
  }).trim();
}

/** A slug from a text: lower case ASCII words joined by dashes. */
export function slugOf(text: string): string {
  const slug = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return slug || 'verification';
}

function checkDay(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (!isIsoDate(value)) throw new AppError('FACTCHECK_DATE_INVALID', `${field} is not a day (yyyy-mm-dd) of the calendar.`, { field });
  return value;
}

function checkUrl(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new AppError('FACTCHECK_URL_INVALID', `${field} is not a URL.`, { field });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('FACTCHECK_URL_INVALID', `${field} must be an http(s) URL.`, { field });
  return url.toString();
}

async function verdictIdOf(trx: Trx, campaignId: string, code: string): Promise<string> {
  const scale = await ensureScale(trx, campaignId);
  const verdict = scale.find((v) => v.code === code);
  if (!verdict)
    throw new AppError('FACTCHECK_VERDICT_UNKNOWN', `The verdict ${code} is not on the campaign's scale.`, {
      known: scale.map((v) => v.code),
    });
  return verdict.id;
}

async function freeSlug(trx: Trx, wanted: string, exceptId: string | null): Promise<string> {
  const taken = await trx
    .selectFrom('fact_check')
    .select(['id', 'slug'])
    .where((eb) => eb.or([eb('slug', '=', wanted), eb('slug', 'like', `${wanted}-%`)]))
    .execute();
  const others = new Set(taken.filter((r) => r.id !== exceptId).map((r) => r.slug));
  if (!others.has(wanted)) return wanted;
  for (let n = 2; ; n += 1) if (!others.has(`${wanted}-${n}`)) return `${wanted}-${n}`;
}

/** The row values of an input, checked. */
async function valuesOf(trx: Trx, campaignId: string, input: FactcheckInput) {
  return {
    claim: input.claim.trim(),
    claimant: input.claimant.trim(),
    claim_date: checkDay(input.claim_date, 'claim_date'),
    claim_url: checkUrl(input.claim_url, 'claim_url'),
    theme: (input.theme ?? '').trim(),
    verdict_id: await verdictIdOf(trx, campaignId, input.verdict),
    summary: (input.summary ?? '').trim(),
    explanation_html: sanitizeExplanation(input.explanation_html ?? ''),
  };
}

/** Replaces a check's sources; a link that did not change keeps its last check, a new one is pending. */
async function writeSources(trx: Trx, campaignId: string, factCheckId: string, sources: readonly SourceInput[]): Promise<number> {
  const previous = await trx.selectFrom('fact_check_source').selectAll().where('fact_check_id', '=', factCheckId).execute();
  await trx.deleteFrom('fact_check_source').where('fact_check_id', '=', factCheckId).execute();
  let pending = 0;
  const rows = sources.map((s, position) => {
    const url = checkUrl(s.url, `sources[${position}].url`) as string;
    const kept = previous.find((p) => p.url === url);
    if (!kept || kept.check_state === 'pending') pending += 1;
    return {
      campaign_id: campaignId,
      id: uuidv7(),
      fact_check_id: factCheckId,
      position,
      url,
      title: s.title.trim(),
      publisher: (s.publisher ?? '').trim(),
      published_on: checkDay(s.published_on, `sources[${position}].published_on`),
      check_state: kept?.check_state ?? 'pending',
      check_status: kept?.check_status ?? null,
      check_error: kept?.check_error ?? null,
      checked_at: kept?.checked_at ?? null,
    };
  });
  if (rows.length > 0) await trx.insertInto('fact_check_source').values(rows).execute();
  return pending;
}

function audit(trx: Trx, actor: FactcheckActor, action: string, targetId: string | null, details: Record<string, unknown> = {}) {
  return insertAuditEvents(trx, [
    {
      campaignId: actor.campaignId,
      action,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId,
      actorLabel: actor.label,
      targetType: 'fact_check',
      targetId,
      ip: actor.ip,
      details,
    },
  ]);
}

/** Creates a draft; returns its id and how many source links wait for a check. */
export async function createFactcheck(
  trx: Trx,
  actor: FactcheckActor,
  input: FactcheckInput,
): Promise<{ id: string; pendingSources: number }> {
  const id = uuidv7();
  const values = await valuesOf(trx, actor.campaignId, input);
  const slug = input.slug ? slugOf(input.slug) : await freeSlug(trx, slugOf(input.claim), null);
  if (input.slug && (await trx.selectFrom('fact_check').select('id').where('slug', '=', slug).executeTakeFirst()))
    throw new AppError('FACTCHECK_SLUG_TAKEN', `Another fact check has the address ${slug}.`);
  await trx
    .insertInto('fact_check')
    .values({
      campaign_id: actor.campaignId,
      id,
      slug,
      ...values,
      author_user_id: actor.userId,
      author_token_id: actor.tokenId,
      author_label: actor.label,
    })
    .execute();
  const pendingSources = await writeSources(trx, actor.campaignId, id, input.sources ?? []);
  await audit(trx, actor, 'factchecks.created', id, { slug });
  return { id, pendingSources };
}

async function lockedCheck(trx: Trx, id: string) {
  const row = await trx.selectFrom('fact_check').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'No such fact check.');
  return row;
}

/** Rewrites a check that is not published (a published one is withdrawn first, then reviewed again). */
export async function updateFactcheck(
  trx: Trx,
  actor: FactcheckActor,
  id: string,
  input: FactcheckInput,
): Promise<{ pendingSources: number }> {
  const row = await lockedCheck(trx, id);
  if (row.status === 'published')
    throw new AppError('FACTCHECK_STATE', 'A published fact check is withdrawn before it is changed (then reviewed again).');
  const values = await valuesOf(trx, actor.campaignId, input);
  let slug = row.slug;
  if (input.slug && slugOf(input.slug) !== row.slug) {
    slug = slugOf(input.slug);
    const other = await trx.selectFrom('fact_check').select('id').where('slug', '=', slug).where('id', '!=', id).executeTakeFirst();
    if (other) throw new AppError('FACTCHECK_SLUG_TAKEN', `Another fact check has the address ${slug}.`);
  }
  await trx
    .updateTable('fact_check')
    .set({ ...values, slug, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
  const pendingSources = await writeSources(trx, actor.campaignId, id, input.sources ?? []);
  await audit(trx, actor, 'factchecks.updated', id);
  return { pendingSources };
}

/** Review steps: submit (draft or withdrawn → review), back to draft, publish (review → published), withdraw. */
export async function moveFactcheck(trx: Trx, actor: FactcheckActor, id: string, step: 'submit' | 'reject' | 'publish' | 'withdraw') {
  const row = await lockedCheck(trx, id);
  const now = new Date();
  const from: Record<typeof step, readonly FactcheckState[]> = {
    submit: ['draft', 'withdrawn'],
    reject: ['review'],
    publish: ['review'],
    withdraw: ['published'],
  };
  if (!from[step].includes(row.status))
    throw new AppError('FACTCHECK_STATE', `This step (${step}) does not apply to a fact check in state ${row.status}.`, {
      state: row.status,
    });
  if (step === 'publish') {
    const isAuthor =
      (row.author_user_id !== null && row.author_user_id === actor.userId) ||
      (row.author_token_id !== null && row.author_token_id === actor.tokenId);
    if (isAuthor && !actor.mayPublishOwn)
      throw new AppError('FACTCHECK_REVIEW_REQUIRED', 'A fact check is published by a reviewer other than its author.');
    await assertNotInSilence(trx, actor.campaignId, now);
  }
  const set =
    step === 'submit'
      ? { status: 'review' as const, submitted_at: now }
      : step === 'reject'
        ? { status: 'draft' as const }
        : step === 'publish'
          ? {
              status: 'published' as const,
              published_at: row.published_at ?? now,
              reviewer_user_id: actor.userId,
              reviewer_label: actor.label,
            }
          : { status: 'withdrawn' as const };
  await trx
    .updateTable('fact_check')
    .set({ ...set, updated_at: now })
    .where('id', '=', id)
    .execute();
  const action = {
    submit: 'factchecks.submitted',
    reject: 'factchecks.returned',
    publish: 'factchecks.published',
    withdraw: 'factchecks.withdrawn',
  }[step];
  await audit(trx, actor, action, id, { slug: row.slug });
}

/** Deletes a check that was never published or is withdrawn. */
export async function deleteFactcheck(trx: Trx, actor: FactcheckActor, id: string): Promise<void> {
  const row = await lockedCheck(trx, id);
  if (row.status === 'published') throw new AppError('FACTCHECK_STATE', 'A published fact check is withdrawn before it is deleted.');
  await trx.deleteFrom('fact_check').where('id', '=', id).execute();
  await audit(trx, actor, 'factchecks.deleted', id, { slug: row.slug });
}

/** Marks a check's sources pending again (a fresh reachability check is asked for). */
export async function markSourcesPending(trx: Trx, id: string): Promise<number> {
  const result = await trx
    .updateTable('fact_check_source')
    .set({ check_state: 'pending' })
    .where('fact_check_id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
