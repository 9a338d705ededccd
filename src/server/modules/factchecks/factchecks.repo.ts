// Fact checks' queries: a check with its verdict and sources, the lists of the back office and of
// the site (published only, filterable by theme, verdict and claimant).
import type { Trx } from '../../db/database.ts';

const CHECK_COLUMNS = [
  'f.id',
  'f.slug',
  'f.claim',
  'f.claimant',
  'f.claim_date',
  'f.claim_url',
  'f.theme',
  'f.summary',
  'f.explanation_html',
  'f.status',
  'f.author_user_id',
  'f.author_label',
  'f.reviewer_label',
  'f.submitted_at',
  'f.published_at',
  'f.created_at',
  'f.updated_at',
  'v.code as verdict_code',
  'v.label_fr as verdict_label_fr',
  'v.label_en as verdict_label_en',
  'v.rating as verdict_rating',
  'v.color as verdict_color',
] as const;

function checks(trx: Trx) {
  return trx
    .selectFrom('fact_check as f')
    .innerJoin('factcheck_verdict as v', (j) => j.onRef('v.campaign_id', '=', 'f.campaign_id').onRef('v.id', '=', 'f.verdict_id'))
    .select(CHECK_COLUMNS);
}

export type FactcheckRow = Awaited<ReturnType<typeof findFactcheck>> & {};

/** The sources of checks, by check, in order. */
export async function sourcesOf(trx: Trx, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, SourceRow[]>();
  const rows = await trx
    .selectFrom('fact_check_source')
    .select([
      'id',
      'fact_check_id',
      'url',
      'title',
      'publisher',
      'published_on',
      'check_state',
      'check_status',
      'check_error',
      'checked_at',
    ])
    .where('fact_check_id', 'in', ids)
    .orderBy('fact_check_id')
    .orderBy('position')
    .execute();
  const map = new Map<string, SourceRow[]>();
  for (const row of rows) {
    const list = map.get(row.fact_check_id) ?? [];
    list.push(row);
    map.set(row.fact_check_id, list);
  }
  return map;
}
export type SourceRow = {
  id: string;
  fact_check_id: string;
  url: string;
  title: string;
  publisher: string;
  published_on: string | null;
  check_state: 'pending' | 'reachable' | 'unreachable' | 'refused';
  check_status: number | null;
  check_error: string | null;
  checked_at: Date | null;
};

/** One check with its verdict (null when gone). */
export function findFactcheck(trx: Trx, id: string) {
  return checks(trx).where('f.id', '=', id).executeTakeFirst();
}

/** Checks by id, for what another module links to them (a key message). */
export async function findFactchecks(trx: Trx, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, FactcheckRow>();
  const rows = await checks(trx).where('f.id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** One published check by its slug (the site's page). */
export function findPublishedBySlug(trx: Trx, slug: string) {
  return checks(trx).where('f.slug', '=', slug).where('f.status', '=', 'published').executeTakeFirst();
}

export interface FactcheckFilter {
  status?: string | undefined;
  theme?: string | undefined;
  verdict?: string | undefined;
  claimant?: string | undefined;
  limit: number;
  offset: number;
}

/** Checks of the campaign, newest first (published: by publication). */
export async function listFactchecks(trx: Trx, filter: FactcheckFilter) {
  let q = checks(trx);
  if (filter.status) q = q.where('f.status', '=', filter.status as 'draft');
  if (filter.theme) q = q.where('f.theme', '=', filter.theme);
  if (filter.verdict) q = q.where('v.code', '=', filter.verdict);
  if (filter.claimant) q = q.where('f.claimant', '=', filter.claimant);
  const rows = await q
    .orderBy('f.published_at', (o) => o.desc().nullsLast())
    .orderBy('f.created_at', 'desc')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { rows, total: Number(total.n) };
}

/** The themes and claimants of the published checks (the site's filters). */
export async function publishedFacets(trx: Trx) {
  const rows = await trx.selectFrom('fact_check').select(['theme', 'claimant']).where('status', '=', 'published').execute();
  const themes = [...new Set(rows.map((r) => r.theme).filter(Boolean))].sort((a, b) => a.localeCompare(b, 'fr'));
  const claimants = [...new Set(rows.map((r) => r.claimant))].sort((a, b) => a.localeCompare(b, 'fr'));
  return { themes, claimants };
}
