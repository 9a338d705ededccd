// Reads of job runs (progress as the UI and CLI show it).
import type { Db, Trx } from '../../db/database.ts';

const COLUMNS = ['id', 'kind', 'state', 'done', 'total', 'message', 'error', 'result', 'created_at', 'started_at', 'finished_at'] as const;

function normalise<T extends { done: string; total: string | null }>(row: T) {
  return { ...row, done: Number(row.done), total: row.total === null ? null : Number(row.total) };
}

/** Recent runs of the tenant, newest first. */
export async function listJobRuns(trx: Trx, limit: number) {
  const rows = await trx.selectFrom('job_run').select(COLUMNS).orderBy('created_at', 'desc').limit(limit).execute();
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
