// Reads of the imports' job runs: an import that was started is one `imports.people` job_run row,
// whose params name the import, its file and who started it, and whose result holds the counts.
import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
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
