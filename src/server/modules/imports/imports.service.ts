// Use cases of the import wizard: receive a file (stored under DATA_DIR/uploads/<campaign>/<import>),
// analyse it (layout, headers, preview, suggested or remembered mapping), start the background job,
// and report its state. An import's state is its folder (meta.json, the file, rejected.csv) and its
// job_run row. The files are deleted after a retention (retention.ts); meta.json stays.
import { createWriteStream } from 'node:fs';
import { access, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db, TenantRunner, Trx } from '../../db/database.ts';
import { AppError, notFound } from '../../http/problem.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { findJobRun } from '../jobs/index.ts';
import {
  type CustomFieldRef,
  headerKeyOf,
  type ImportFieldOption,
  importFieldOptions,
  type Mapping,
  mappingProblems,
  suggestMapping,
} from './fields.ts';
import { IMPORT_RUN_ERROR_CODES, type ImportJobParams, type ImportRunErrorCode } from './import.job.ts';
import { listImportRuns } from './imports.repo.ts';
import { readTableHead, sniffLayout, type TableLayout, UnsupportedFileError } from './read-table.ts';
import { type ImportRetention, rejectedKeptUntil } from './retention.ts';

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

export interface ImportMeta {
  id: string;
  campaign_id: string;
  file_name: string;
  source: string;
  layout: TableLayout;
  headers: string[];
  size: number;
  row_count_estimate: number | null;
  uploaded_at: string;
  uploaded_by: { user_id: string | null; token_id: string | null; label: string; scoped: boolean };
  job_id: string | null;
  /** When the retention deleted the uploaded file (absent while it is kept). */
  source_purged_at?: string | null;
  /** When the retention deleted the rejected rows file. */
  rejected_purged_at?: string | null;
}

/** The folder of one import. */
export function importDirOf(dataDir: string, campaignId: string, importId: string): string {
  return path.join(dataDir, 'uploads', campaignId, importId);
}

/** The meta.json of an import of this campaign, or null. */
export async function readMeta(dataDir: string, campaignId: string, importId: string): Promise<ImportMeta | null> {
  try {
    const meta = JSON.parse(await readFile(path.join(importDirOf(dataDir, campaignId, importId), 'meta.json'), 'utf8')) as ImportMeta;
    return meta.campaign_id === campaignId ? meta : null;
  } catch {
    return null;
  }
}

/** Replaces meta.json atomically (a temporary file of its own, then a rename: janitors of several workers may write at once). */
export async function writeMeta(dataDir: string, meta: ImportMeta): Promise<void> {
  const file = path.join(importDirOf(dataDir, meta.campaign_id, meta.id), 'meta.json');
  const tmp = `${file}.${process.pid}-${uuidv7()}.tmp`;
  await writeFile(tmp, JSON.stringify(meta, null, 2));
  await rename(tmp, file);
}

/** The import as this actor may see it (a referent sees only the imports they uploaded), or 404. */
export async function loadImport(dataDir: string, actor: ImportActor, importId: string): Promise<ImportMeta> {
  const meta = await readMeta(dataDir, actor.campaignId, importId);
  if (!meta) throw notFound('import');
  if (actor.zoneScope && (meta.uploaded_by.user_id !== actor.userId || meta.uploaded_by.token_id !== actor.tokenId)) {
    throw notFound('import');
  }
  return meta;
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

/**
 * Stores an uploaded (or local) file and analyses it. `tenant` runs a query in the actor's tenant
 * transaction (the remembered mapping and custom fields are read there).
 */
export async function createImport(
  options: { dataDir: string; actor: ImportActor; fileName: string; source: FileSource },
  tenant: TenantRunner,
): Promise<ImportPreview> {
  const { dataDir, actor } = options;
  const id = uuidv7();
  const dir = importDirOf(dataDir, actor.campaignId, id);
  const fileName = safeFileName(options.fileName);
  const source = path.join(dir, `source${path.extname(fileName).toLowerCase() === '.xlsx' ? '.xlsx' : '.csv'}`);
  await mkdir(dir, { recursive: true });
  try {
    if (options.source.kind === 'stream') {
      await pipeline(options.source.stream, createWriteStream(source));
      if (options.source.truncated?.()) throw new AppError('PAYLOAD_TOO_LARGE', 'The file is larger than the upload limit.');
    } else await copyFile(options.source.path, source);
    const { size } = await stat(source);
    const layout = await sniffLayout(source);
    const head = await readTableHead(source, layout, PREVIEW_ROWS);
    const estimate = estimateRows(layout, size, head.rows);
    const meta: ImportMeta = {
      id,
      campaign_id: actor.campaignId,
      file_name: fileName,
      source,
      layout,
      headers: head.headers,
      size,
      row_count_estimate: estimate,
      uploaded_at: new Date().toISOString(),
      uploaded_by: { user_id: actor.userId, token_id: actor.tokenId, label: actor.label, scoped: actor.zoneScope !== null },
      job_id: null,
    };
    await writeMeta(dataDir, meta);
    const { mapping, remembered, customFields } = await tenant(async (trx) => {
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
      row_count_estimate: estimate,
      suggested_mapping: mapping,
      remembered,
      fields: importFieldOptions(customFields),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    if (error instanceof UnsupportedFileError) throw new AppError('IMPORT_UNSUPPORTED_FORMAT', error.message);
    throw error;
  }
}

function sanitizeMapping(mapping: Mapping, headers: readonly string[]): Mapping {
  return Object.fromEntries(headers.map((h) => [h, mapping[h] ?? 'ignore'])) as Mapping;
}

function estimateRows(layout: TableLayout, size: number, sample: string[][]): number | null {
  if (layout.format !== 'csv' || sample.length === 0) return layout.format === 'csv' ? 0 : null;
  const bytes = sample.reduce((n, r) => n + r.reduce((m, f) => m + f.length + 1, 0) + 1, 0);
  return Math.max(sample.length, Math.round(size / (bytes / sample.length)));
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

/** Validates the mapping, remembers it for this header layout and queues the import job. */
export async function startImport(
  options: { dataDir: string; jobs: JobQueue; actor: ImportActor; importId: string; body: StartOptions },
  tenant: TenantRunner,
): Promise<{ job_id: string; import_id: string }> {
  const { dataDir, actor, body } = options;
  const meta = await loadImport(dataDir, actor, options.importId);
  if (meta.job_id) throw new AppError('IMPORT_ALREADY_STARTED', 'This import has already been started.', { job_id: meta.job_id });
  await assertSourceKept(dataDir, meta);
  const mapping = sanitizeMapping(body.mapping, meta.headers);
  let listId: string | null = null;
  for (const header of Object.keys(body.mapping)) {
    if (!meta.headers.includes(header)) throw new AppError('IMPORT_MAPPING_INVALID', `The file has no column "${header}".`);
  }
  await tenant(async (trx) => {
    const problems = mappingProblems(mapping, meta.headers, await listCustomFields(trx, actor.campaignId));
    if (problems.length > 0) throw new AppError('IMPORT_MAPPING_INVALID', problems.join('; '), { problems });
    listId = await resolveList(trx, actor.campaignId, body);
    await trx
      .insertInto('import_mapping')
      .values({ campaign_id: actor.campaignId, header_key: headerKeyOf(meta.headers), mapping: JSON.stringify(mapping) })
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'header_key']).doUpdateSet({ mapping: JSON.stringify(mapping), updated_at: sql`now()` }),
      )
      .execute();
  });
  const params: ImportJobParams = {
    import_id: meta.id,
    dir: importDirOf(dataDir, actor.campaignId, meta.id),
    source: meta.source,
    file_name: meta.file_name,
    layout: meta.layout,
    headers: meta.headers,
    mapping,
    on_duplicate: body.on_duplicate,
    add_tags: (body.add_tags ?? []).map((t) => t.trim()).filter(Boolean),
    add_list_id: listId,
    consent: body.consent && body.consent.channels.length > 0 ? body.consent : null,
    actor: { user_id: actor.userId, token_id: actor.tokenId, label: actor.label, zone_scope: actor.zoneScope, ip: actor.ip ?? null },
    row_count_estimate: meta.row_count_estimate,
  };
  const jobId = await options.jobs.enqueue({
    campaignId: actor.campaignId,
    kind: 'imports.people',
    params,
    createdBy: actor.userId,
  });
  await writeMeta(dataDir, { ...meta, job_id: jobId });
  return { job_id: jobId, import_id: meta.id };
}

/** 410 IMPORT_FILE_PURGED when the uploaded file is gone (an upload left unstarted past its retention). */
async function assertSourceKept(dataDir: string, meta: ImportMeta): Promise<void> {
  if (await exists(path.join(importDirOf(dataDir, meta.campaign_id, meta.id), path.basename(meta.source)))) return;
  throw new AppError('IMPORT_FILE_PURGED', 'The uploaded file was deleted (uploads left unstarted are not kept): upload it again.', {
    purged_at: meta.source_purged_at ?? null,
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
  dataDir: string;
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
function rejectedAvailableUntil(
  run: { state: string; finished_at: Date | null; result: unknown },
  retention: ImportRetention,
  now: Date,
): Date | null {
  const result = (run.result ?? null) as Record<string, unknown> | null;
  if (run.state !== 'succeeded' || !run.finished_at || typeof result?.rejected_file !== 'string') return null;
  const until = rejectedKeptUntil(new Date(run.finished_at), retention);
  return until.getTime() > now.getTime() ? until : null;
}

async function loadImportAndRun(ref: ImportRef, trx: Trx) {
  const meta = await loadImport(ref.dataDir, ref.actor, ref.importId);
  const job = meta.job_id ? await findJobRun(trx, meta.job_id) : undefined;
  return { meta, job };
}

/** The state of an import: its file, and once started its job's progress and counts. */
export async function importState(ref: ImportRef, trx: Trx) {
  const { meta, job } = await loadImportAndRun(ref, trx);
  return stateOf(meta, job, ref);
}

function stateOf(meta: ImportMeta, job: Awaited<ReturnType<typeof findJobRun>>, ref: ImportRef) {
  const result = (job?.result ?? null) as (ImportResultCounts & Record<string, unknown>) | null;
  const keptUntil = job ? rejectedAvailableUntil(job, ref.retention, ref.now ?? new Date()) : null;
  return {
    id: meta.id,
    file_name: meta.file_name,
    format: meta.layout.format,
    state: job ? job.state : ('uploaded' as const),
    job_id: meta.job_id,
    done: job?.done ?? 0,
    total: job?.total ?? meta.row_count_estimate,
    message: job?.message ?? '',
    error: job?.error ?? null,
    error_code: errorCodeOf(result),
    created: result?.created ?? 0,
    updated: result?.updated ?? 0,
    skipped: result?.skipped ?? 0,
    rejected: result?.rejected ?? 0,
    rejected_file: keptUntil && typeof result?.rejected_file === 'string' ? result.rejected_file : null,
    rejected_kept_until: keptUntil,
    uploaded_at: meta.uploaded_at,
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
 * Path of the rejected rows of a finished import: 409 IMPORT_NOT_FINISHED before its end, 410
 * IMPORT_FILE_PURGED once past their retention (deleted, or about to be by the janitor).
 */
export async function rejectedFileOf(ref: ImportRef, trx: Trx): Promise<{ path: string; name: string }> {
  const { meta, job } = await loadImportAndRun(ref, trx);
  const file = (job?.result as Record<string, unknown> | null)?.rejected_file;
  if (job?.state !== 'succeeded' || typeof file !== 'string') {
    throw new AppError('IMPORT_NOT_FINISHED', 'The rejected rows are available once the import has finished.');
  }
  const kept = rejectedAvailableUntil(job, ref.retention, ref.now ?? new Date()) !== null && (await exists(file));
  if (!kept) {
    const until = job.finished_at ? rejectedKeptUntil(new Date(job.finished_at), ref.retention) : null;
    throw new AppError(
      'IMPORT_FILE_PURGED',
      `The rejected rows of this import are no longer available: they are kept ${ref.retention.rejectedDays} days after the import ends, then deleted.`,
      { retention_days: ref.retention.rejectedDays, kept_until: until?.toISOString() ?? null, purged_at: meta.rejected_purged_at ?? null },
    );
  }
  return { path: file, name: `${meta.file_name.replace(/\.[^.]+$/, '')}-rejets.csv` };
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
