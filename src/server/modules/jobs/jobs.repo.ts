// Reads of job runs (progress as the UI and CLI show it).
import type { Db, Trx } from '../../db/database.ts';
import { allModules } from '../index.ts';

const COLUMNS = ['id', 'kind', 'state', 'done', 'total', 'message', 'error', 'result', 'created_at', 'started_at', 'finished_at'] as const;

function normalise<T extends { done: string; total: string | null }>(row: T) {
  return { ...row, done: Number(row.done), total: row.total === null ? null : Number(row.total) };
}

/** The job kinds the manifests leave out of lists (`unlisted`). */
function unlistedKinds(): string[] {
  return allModules().flatMap((m) => (m.jobs ?? []).filter((j) => j.unlisted).map((j) => j.kind));
}

/** Recent runs of the tenant, newest first (unlisted kinds left out). */
export async function listJobRuns(trx: Trx, limit: number) {
  const hidden = unlistedKinds();
  let query = trx.selectFrom('job_run').select(COLUMNS);
  if (hidden.length > 0) query = query.where('kind', 'not in', hidden);
  const rows = await query.orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map(normalise);
}

/** One run of the tenant. */
export async function findJobRun(trx: Trx, id: string) {
  const row = await trx.selectFrom('job_run').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

/** One run by campaign and id, outside tenant scope (the CLI). */
export async function findJobRunOf(db: Db, campaignId: string, id: string) {
  const row = await db.selectFrom('job_run').select(COLUMNS).where('campaign_id', '=', campaignId).where('id', '=', id).executeTakeFirst();
  return row ? normalise(row) : undefined;
}
