// Use cases of the import wizard: receive a file (kept in the file store under
// uploads/<campaign>/<import>/), check it whole and analyse it (layout, headers, preview, suggested or
// remembered mapping), start the background job, and report its state. An import's state is its
// people_import row and its job_run row; its files are deleted after a retention (retention.ts).
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db, TenantRunner, Trx } from '../../db/database.ts';
import { type FileStore, FileTooLargeError } from '../../files/storage.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { findJobRun } from '../jobs/index.ts';
import {
  type CustomFieldRef,
  fieldOf,
  headerKeyOf,
  type ImportFieldOption,
  importFieldOptions,
  type Mapping,
  mappingProblems,
  suggestMapping,
} from './fields.ts';
import { IMPORT_RUN_ERROR_CODES, type ImportIssue, type ImportJobParams, type ImportRunErrorCode } from './import.job.ts';
import { claimImportStart, findImportRecord, type ImportRecord, insertImportRecord, listImportRuns, setImportJob } from './imports.repo.ts';
import { readTableHead, sniffLayout, type TableLayout, UnsupportedFileError, validateTable } from './read-table.ts';
import { type ImportRetention, rejectedKeptUntil } from './retention.ts';
import { TableReadError } from './table-limits.ts';

export const PREVIEW_ROWS = 20;
/** Largest upload accepted (IMPORT_MAX_MB). */
export function importMaxBytesOf(config: Pick<Config, 'importMaxBytes'>): number {
  return config.importMaxBytes;
}

/** Who started or owns an import (kept with it; referents only see their own). */
export interface ImportActor {
  campaignId: string;
  userId: string | null;
  tokenId: string | null;
  label: string;
  zoneScope: string[] | null;
  ip?: string | null;
}

/** The store folder of one import (its uploaded file and rejected rows). */
export function importKeyOf(campaignId: string, importId: string): string {
  return `uploads/${campaignId}/${importId}`;
}

/** The import as this actor may see it (a referent sees only the imports they uploaded), or 404. */
export async function loadImport(trx: Trx, actor: ImportActor, importId: string): Promise<ImportRecord> {
  const record = await findImportRecord(trx, actor.campaignId, importId);
  if (!record) throw notFound('import');
  if (actor.zoneScope && (record.uploaded_by_user_id !== actor.userId || record.uploaded_by_token_id !== actor.tokenId)) {
    throw notFound('import');
  }
  return record;
}

/** A reader's failure on an uploaded file as the problem the client gets (never a 5xx: the file made it fail). */
export function readFailureOf(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof UnsupportedFileError) return new AppError('IMPORT_UNSUPPORTED_FORMAT', error.message);
  if (error instanceof TableReadError) return new AppError(error.code, error.message, error.details);
  return new AppError('IMPORT_FILE_UNREADABLE', 'The file cannot be read: it is damaged, or not really a CSV or XLSX file.');
}

function safeFileName(name: string): string {
  const base = path.basename(name || 'import.csv').replace(/[^\p{L}\p{N} ._()-]+/gu, '_');
  return base.slice(0, 120) || 'import.csv';
}

/** Custom fields of the campaign, as the mapping sees them. */
export async function listCustomFields(db: Db | Trx, campaignId: string): Promise<CustomFieldRef[]> {
  return db
    .selectFrom('custom_field')
    .select(['key', 'label', 'type', 'choices'])
    .where('campaign_id', '=', campaignId)
    .orderBy('position')
    .execute();
}

export interface ImportPreview {
  id: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  preview: string[][];
  row_count_estimate: number | null;
  suggested_mapping: Mapping;
  remembered: boolean;
  /** The fields a column can be mapped to, the campaign's custom fields included. */
  fields: ImportFieldOption[];
}

export type FileSource =
  | { kind: 'stream'; stream: Readable /** True when the upload was cut at the size limit. */; truncated?: () => boolean }
  | { kind: 'path'; path: string };

/** What the file's reading found: its layout, header row, first rows and number of data rows. */
async function analyseFile(store: FileStore, key: string) {
  try {
    return await store.withLocalPath(key, async (file) => {
      const layout = await sniffLayout(file);
      // The whole file is read once now, within the readers' bounds, so that a damaged or oversized
      // one is refused at upload (a 4xx), not halfway through its import.
      const records = await validateTable(file, layout);
      const head = await readTableHead(file, layout, PREVIEW_ROWS);
      return { layout, head, rows: Math.max(0, records - 1) };
    });
  } catch (error) {
    throw readFailureOf(error);
  }
}

/**
 * Stores an uploaded (or local) file and analyses it. `tenant` runs a query in the actor's tenant
 * transaction (the import is recorded there, the remembered mapping and custom fields are read there).
 */
export async function createImport(
  options: { files: FileStore; actor: ImportActor; fileName: string; source: FileSource; maxBytes?: number },
  tenant: TenantRunner,
): Promise<ImportPreview> {
  const { files, actor } = options;
  const id = uuidv7();
  const folder = importKeyOf(actor.campaignId, id);
  const fileName = safeFileName(options.fileName);
  const sourceKey = `${folder}/source${path.extname(fileName).toLowerCase() === '.xlsx' ? '.xlsx' : '.csv'}`;
  try {
    let size: number;
    try {
      const content = options.source.kind === 'stream' ? options.source.stream : createReadStream(options.source.path);
      size = await files.write(sourceKey, content, options.maxBytes ? { maxBytes: options.maxBytes } : {});
    } catch (error) {
      if (error instanceof FileTooLargeError) throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than the upload limit.');
      throw error;
    }
    if (options.source.kind === 'stream' && options.source.truncated?.()) {
      throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than the upload limit.');
    }
    const { layout, head, rows } = await analyseFile(files, sourceKey);
    const { mapping, remembered, customFields } = await tenant(async (trx) => {
      await insertImportRecord(trx, {
        campaign_id: actor.campaignId,
        id,
        file_name: fileName,
        source_key: sourceKey,
        layout: JSON.stringify(layout),
        headers: JSON.stringify(head.headers),
        size,
        row_count_estimate: rows,
        uploaded_by_user_id: actor.userId,
        uploaded_by_token_id: actor.tokenId,
        uploaded_by_label: actor.label,
        scoped: actor.zoneScope !== null,
      });
      const customFields = await listCustomFields(trx, actor.campaignId);
      const row = await trx
        .selectFrom('import_mapping')
        .select('mapping')
        .where('campaign_id', '=', actor.campaignId)
        .where('header_key', '=', headerKeyOf(head.headers))
        .executeTakeFirst();
      if (row) return { mapping: sanitizeMapping(row.mapping as Mapping, head.headers), remembered: true, customFields };
      return { mapping: suggestMapping(head.headers, customFields), remembered: false, customFields };
    });
    return {
      id,
      file_name: fileName,
      format: layout.format,
      encoding: layout.encoding,
      delimiter: layout.delimiter,
      headers: head.headers,
      preview: head.rows.map((r) => head.headers.map((_, i) => r[i] ?? '')),
      row_count_estimate: rows,
      suggested_mapping: mapping,
      remembered,
      fields: importFieldOptions(customFields),
    };
  } catch (error) {
    await files.deletePrefix(folder);
    throw error;
  }
}

/** The mapping of each header (own keys only: a column named "constructor" is not Object's). */
function sanitizeMapping(mapping: Mapping, headers: readonly string[]): Mapping {
  return Object.fromEntries(headers.map((h) => [h, fieldOf(mapping, h) ?? 'ignore'])) as Mapping;
}

export interface StartOptions {
  mapping: Mapping;
  on_duplicate: 'update' | 'skip';
  add_tags?: string[] | undefined;
  add_list_id?: string | undefined;
  /** The list by name (case-insensitive), for callers that know names rather than ids (the CLI). */
  add_list_name?: string | undefined;
  consent?: { channels: string[]; proof_text: string } | undefined;
}

/**
 * Validates the mapping, remembers it for this header layout, marks the import started (once: a
 * second start, even a concurrent one, gets 409) and queues the import job.
 */
export async function startImport(
  options: { files: FileStore; jobs: JobQueue; actor: ImportActor; importId: string; body: StartOptions },
  tenant: TenantRunner,
): Promise<{ job_id: string; import_id: string }> {
  const { files, actor, body } = options;
  const alreadyStarted = (jobId: string | null) =>
    new AppError('IMPORT_ALREADY_STARTED', 'This import has already been started.', { job_id: jobId });
  const prepared = await tenant(async (trx) => {
    const record = await loadImport(trx, actor, options.importId);
    if (record.started_at) throw alreadyStarted(record.job_id);
    await assertSourceKept(files, record);
    const headers = record.headers;
    const mapping = sanitizeMapping(body.mapping, headers);
    for (const header of Object.keys(body.mapping)) {
      if (!headers.includes(header)) throw new AppError('IMPORT_MAPPING_INVALID', `The file has no column "${header}".`);
    }
    const problems = mappingProblems(mapping, headers, await listCustomFields(trx, actor.campaignId));
    if (problems.length > 0) throw new AppError('IMPORT_MAPPING_INVALID', problems.join('; '), { problems });
    const listId = await resolveList(trx, actor.campaignId, body);
    await trx
      .insertInto('import_mapping')
      .values({ campaign_id: actor.campaignId, header_key: headerKeyOf(headers), mapping: JSON.stringify(mapping) })
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'header_key']).doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: sql`now()` }),
      )
      .execute();
    const rejectedKey = `${importKeyOf(actor.campaignId, record.id)}/rejected.csv`;
    if (!(await claimImportStart(trx, actor.campaignId, record.id, rejectedKey))) throw alreadyStarted(null);
    return { record, mapping, listId, rejectedKey };
  });
  const { record, mapping, listId, rejectedKey } = prepared;
  const params: ImportJobParams = {
    import_id: record.id,
    source_key: record.source_key,
    rejected_key: rejectedKey,
    file_name: record.file_name,
    layout: record.layout as TableLayout,
    headers: record.headers,
    mapping,
    on_duplicate: body.on_duplicate,
    add_tags: (body.add_tags ?? []).map((t) => t.trim()).filter(Boolean),
    add_list_id: listId,
    consent: body.consent && body.consent.channels.length > 0 ? body.consent : null,
    actor: { user_id: actor.userId, token_id: actor.tokenId, label: actor.label, zone_scope: actor.zoneScope, ip: actor.ip ?? null },
    row_count_estimate: record.row_count_estimate,
  };
  let jobId: string;
  try {
    jobId = await options.jobs.enqueue({
      campaignId: actor.campaignId,
      kind: 'imports.people',
      params,
      createdBy: actor.userId,
    });
  } catch (error) {
    await tenant((trx) => setImportJob(trx, actor.campaignId, record.id, null));
    throw error;
  }
  await tenant((trx) => setImportJob(trx, actor.campaignId, record.id, jobId));
  return { job_id: jobId, import_id: record.id };
}

/** 410 IMPORT_FILE_PURGED when the uploaded file is gone (an upload left unstarted past its retention). */
async function assertSourceKept(files: FileStore, record: ImportRecord): Promise<void> {
  if (!record.source_purged_at && (await files.stat(record.source_key))) return;
  throw new AppError('IMPORT_FILE_PURGED', 'The uploaded file was deleted (uploads left unstarted are not kept): upload it again.', {
    purged_at: record.source_purged_at ? new Date(record.source_purged_at).toISOString() : null,
  });
}

/** The list an import adds people to, by id or by name; 404 (naming the lists) when there is none such. */
async function resolveList(trx: Trx, campaignId: string, body: StartOptions): Promise<string | null> {
  if (body.add_list_id && body.add_list_name) {
    throw new AppError('IMPORT_OPTIONS_INVALID', 'Give add_list_id or add_list_name, not both.');
  }
  if (!body.add_list_id && !body.add_list_name) return null;
  let query = trx.selectFrom('list').select('id').where('campaign_id', '=', campaignId);
  query = body.add_list_id
    ? query.where('id', '=', body.add_list_id)
    : query.where(sql<boolean>`lower(name) = lower(${body.add_list_name?.trim() ?? ''})`);
  const list = await query.executeTakeFirst();
  if (list) return list.id;
  if (body.add_list_id) throw notFound('list');
  const names = await trx.selectFrom('list').select('name').where('campaign_id', '=', campaignId).orderBy('name').limit(50).execute();
  throw new AppError(
    'NOT_FOUND',
    `No list named "${body.add_list_name}"${names.length ? ` (lists: ${names.map((n) => n.name).join(', ')})` : ' (the campaign has no list yet)'}.`,
  );
}

export interface ImportResultCounts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

/** Where an import is read from, by whom, and the retention that limits what is still there. */
export interface ImportRef {
  files: FileStore;
  actor: ImportActor;
  importId: string;
  retention: ImportRetention;
  now?: Date;
}

/** The stable code of a run's failure recorded with it (the janitor's), or null. */
function errorCodeOf(result: Record<string, unknown> | null): ImportRunErrorCode | null {
  const code = result?.error_code;
  return IMPORT_RUN_ERROR_CODES.find((c) => c === code) ?? null;
}

/** Until when the rejected rows file of a run can be downloaded, or null when it cannot (not finished, past the retention). */
function rejectedAvailableUntil(run: { state: string; finished_at: Date | null }, retention: ImportRetention, now: Date): Date | null {
  if (run.state !== 'succeeded' || !run.finished_at) return null;
  const until = rejectedKeptUntil(new Date(run.finished_at), retention);
  return until.getTime() > now.getTime() ? until : null;
}

async function loadImportAndRun(ref: ImportRef, trx: Trx) {
  const record = await loadImport(trx, ref.actor, ref.importId);
  const job = record.job_id ? await findJobRun(trx, record.job_id) : undefined;
  return { record, job };
}

/** The state of an import: its file, and once started its job's progress and counts. */
export async function importState(ref: ImportRef, trx: Trx) {
  const { record, job } = await loadImportAndRun(ref, trx);
  const result = (job?.result ?? null) as (ImportResultCounts & Record<string, unknown>) | null;
  const keptUntil =
    job && record.rejected_key && !record.rejected_purged_at ? rejectedAvailableUntil(job, ref.retention, ref.now ?? new Date()) : null;
  return {
    id: record.id,
    file_name: record.file_name,
    format: record.layout.format,
    state: job ? job.state : record.started_at ? ('queued' as const) : ('uploaded' as const),
    job_id: record.job_id,
    done: job?.done ?? 0,
    total: job?.total ?? record.row_count_estimate,
    message: job?.message ?? '',
    error: job?.error ?? null,
    error_code: errorCodeOf(result),
    created: result?.created ?? 0,
    updated: result?.updated ?? 0,
    skipped: result?.skipped ?? 0,
    rejected: result?.rejected ?? 0,
    flagged: Number(result?.flagged ?? 0),
    merged: Number(result?.merged ?? 0),
    issues: (Array.isArray(result?.issues) ? result.issues : []) as ImportIssue[],
    rejected_kept_until: keptUntil,
    uploaded_at: record.uploaded_at,
  };
}

/** One started import as the history lists it. */
export interface ImportHistoryItem extends ImportResultCounts {
  id: string;
  file_name: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  job_id: string;
  imported_by: string;
  on_duplicate: 'update' | 'skip';
  started_at: Date;
  finished_at: Date | null;
  done: number;
  total: number | null;
  error: string | null;
  error_code: ImportRunErrorCode | null;
  /** Until when the rejected rows can be downloaded; null when they cannot (none, not finished, past the retention). */
  rejected_kept_until: Date | null;
}

/** A page of the campaign's started imports, newest first; a referent (zone-scoped actor) sees only the ones they started. */
export async function listImports(
  trx: Trx,
  actor: ImportActor,
  query: { page: number; perPage: number; retention: ImportRetention; now?: Date },
): Promise<{ items: ImportHistoryItem[]; total: number }> {
  const starter = actor.zoneScope ? { userId: actor.userId, tokenId: actor.tokenId } : null;
  const now = query.now ?? new Date();
  const { rows, total } = await listImportRuns(trx, { starter, page: query.page, perPage: query.perPage });
  const items = rows.map((row): ImportHistoryItem => {
    const result = (row.result ?? null) as (Partial<ImportResultCounts> & Record<string, unknown>) | null;
    const rejected = result?.rejected ?? 0;
    return {
      id: row.import_id,
      file_name: row.file_name,
      state: row.state,
      job_id: row.job_id,
      imported_by: row.imported_by,
      on_duplicate: row.on_duplicate === 'skip' ? 'skip' : 'update',
      started_at: row.created_at,
      finished_at: row.finished_at,
      done: row.done,
      total: row.total,
      error: row.error,
      error_code: errorCodeOf(result),
      created: result?.created ?? 0,
      updated: result?.updated ?? 0,
      skipped: result?.skipped ?? 0,
      rejected,
      rejected_kept_until: rejected > 0 ? rejectedAvailableUntil(row, query.retention, now) : null,
    };
  });
  return { items, total };
}

/**
 * The rejected rows of a finished import, as a stream of the store: 409 IMPORT_NOT_FINISHED before
 * its end, 410 IMPORT_FILE_PURGED once past their retention (deleted, or about to be by the janitor).
 */
export async function rejectedFileOf(ref: ImportRef, trx: Trx): Promise<{ key: string; name: string }> {
  const { record, job } = await loadImportAndRun(ref, trx);
  if (job?.state !== 'succeeded' || !record.rejected_key) {
    throw new AppError('IMPORT_NOT_FINISHED', 'The rejected rows are available once the import has finished.');
  }
  const kept =
    rejectedAvailableUntil(job, ref.retention, ref.now ?? new Date()) !== null &&
    !record.rejected_purged_at &&
    (await ref.files.stat(record.rejected_key)) !== null;
  if (!kept) {
    const until = job.finished_at ? rejectedKeptUntil(new Date(job.finished_at), ref.retention) : null;
    throw new AppError(
      'IMPORT_FILE_PURGED',
      `The rejected rows of this import are no longer available: they are kept ${ref.retention.rejectedDays} days after the import ends, then deleted.`,
      {
        retention_days: ref.retention.rejectedDays,
        kept_until: until?.toISOString() ?? null,
        purged_at: record.rejected_purged_at ? new Date(record.rejected_purged_at).toISOString() : null,
      },
    );
  }
  return { key: record.rejected_key, name: `${record.file_name.replace(/\.[^.]+$/, '')}-rejets.csv` };
}
