// Queries of the imports: an upload is one people_import row (its file, layout, headers, who
// uploaded it, when it was started and by which job); an import that was started is also one
// `imports.people` job_run row, whose params name the import and who started it, and whose result
// holds the counts.
import { type Insertable, type Selectable, sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { PeopleImportTable } from '../../db/schema.ts';
import { IMPORT_JOB_KIND } from './import.job.ts';

/** Limits the list to the imports one member (or one token) started: a referent's own. */
export interface StarterScope {
  userId: string | null;
  tokenId: string | null;
}

export interface ImportRunRow {
  job_id: string;
  import_id: string;
  file_name: string;
  imported_by: string;
  on_duplicate: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  done: number;
  total: number | null;
  error: string | null;
  result: unknown;
  created_at: Date;
  finished_at: Date | null;
}

/** A page of the tenant's started imports, newest first, with the total count. */
export async function listImportRuns(trx: Trx, q: { starter: StarterScope | null; page: number; perPage: number }) {
  let base = trx.selectFrom('job_run').where('kind', '=', IMPORT_JOB_KIND);
  if (q.starter) {
    const { userId, tokenId } = q.starter;
    base = base
      .where(sql<boolean>`(params->'actor'->>'user_id') is not distinct from ${userId}`)
      .where(sql<boolean>`(params->'actor'->>'token_id') is not distinct from ${tokenId}`);
  }
  const [rows, total] = await Promise.all([
    base
      .select([
        'id as job_id',
        sql<string>`params->>'import_id'`.as('import_id'),
        sql<string>`coalesce(params->>'file_name', '')`.as('file_name'),
        sql<string>`coalesce(params->'actor'->>'label', '')`.as('imported_by'),
        sql<string>`coalesce(params->>'on_duplicate', 'update')`.as('on_duplicate'),
        'state',
        'done',
        'total',
        'error',
        'result',
        'created_at',
        'finished_at',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    rows: rows.map(
      (r): ImportRunRow => ({
        ...r,
        state: r.state as ImportRunRow['state'],
        done: Number(r.done),
        total: r.total === null ? null : Number(r.total),
      }),
    ),
    total: Number(total.n),
  };
}

/** One uploaded import as its people_import row holds it. */
export type ImportRecord = Selectable<PeopleImportTable>;

/** Records a new upload. */
export async function insertImportRecord(trx: Trx, row: Insertable<PeopleImportTable>): Promise<void> {
  await trx.insertInto('people_import').values(row).execute();
}

/** The import of this campaign, or undefined. */
export async function findImportRecord(trx: Trx, campaignId: string, importId: string): Promise<ImportRecord | undefined> {
  return trx.selectFrom('people_import').selectAll().where('campaign_id', '=', campaignId).where('id', '=', importId).executeTakeFirst();
}

/**
 * Marks the import started, only if nobody has: the one conditional transition that makes two
 * concurrent starts run it once (the second waits on the row lock, then finds it started).
 */
export async function claimImportStart(trx: Trx, campaignId: string, importId: string, rejectedKey: string): Promise<boolean> {
  const claimed = await trx
    .updateTable('people_import')
    .set({ started_at: new Date(), rejected_key: rejectedKey })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', importId)
    .where('started_at', 'is', null)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** Records the job of a started import, or (jobId null) gives the start back when queueing failed. */
export async function setImportJob(trx: Trx, campaignId: string, importId: string, jobId: string | null): Promise<void> {
  await trx
    .updateTable('people_import')
    .set(jobId ? { job_id: jobId } : { started_at: null, rejected_key: null })
    .where('campaign_id', '=', campaignId)
    .where('id', '=', importId)
    .execute();
}
