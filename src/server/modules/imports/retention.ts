// Retention of the files an import leaves in the file store (uploads/<campaign>/<import>/). The
// uploaded file is personal data that the base holds once the import has run: it is kept a short
// while (the wizard's preview, a look at what went wrong), then deleted; so is an upload never
// started. The rejected rows stay downloadable longer, to be corrected and imported again, then go
// too. The people_import row (file name, column headers, size, who uploaded: no row of the file)
// stays, marked with the dates of deletion, so the API answers 410 IMPORT_FILE_PURGED rather than
// "no such import". Folders of uploads with no row (cut off by a crash) are removed after the
// upload window; one holding a meta.json of the versions that kept the state there is adopted first.
// Run by the import janitor (janitor.ts) when a worker starts and every 10 minutes.
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { FileStore, StoredFile } from '../../files/storage.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOOKUP_BATCH = 500;
/** A legacy meta.json larger than this is not adopted (it held no file rows, only a file's description). */
const LEGACY_META_MAX_BYTES = 1024 * 1024;

/** How long the files of an import are kept, in days (IMPORT_SOURCE_RETENTION_DAYS, IMPORT_REJECTED_RETENTION_DAYS). */
export interface ImportRetention {
  sourceDays: number;
  rejectedDays: number;
}

/** The retention settings of the deployment. */
export function importRetentionOf(config: Pick<Config, 'importSourceRetentionDays' | 'importRejectedRetentionDays'>): ImportRetention {
  return { sourceDays: config.importSourceRetentionDays, rejectedDays: config.importRejectedRetentionDays };
}

/** Until when the rejected rows of an import that finished at `finishedAt` stay downloadable. */
export function rejectedKeptUntil(finishedAt: Date, retention: ImportRetention): Date {
  return new Date(finishedAt.getTime() + retention.rejectedDays * DAY_MS);
}

export interface ImportFilesPurge {
  /** Imports whose uploaded file was deleted. */
  sources: string[];
  /** Imports whose rejected rows file was deleted. */
  rejected: string[];
  /** Upload folders without meta.json (an upload cut off by a crash) removed whole. */
  incomplete: string[];
}

interface ImportToJudge {
  campaign_id: string;
  id: string;
  source_key: string;
  rejected_key: string | null;
  uploaded_at: Date;
  source_purged_at: Date | null;
  rejected_purged_at: Date | null;
  state: string | null;
  finished_at: Date | null;
}

/** What to delete of one import, from its row and its run. */
function expiryOf(row: ImportToJudge, retention: ImportRetention, now: Date) {
  if (row.state === 'queued' || row.state === 'running') return { source: false, rejected: false };
  // Finished: from its end. Never started (or its run is gone): from the upload.
  const since = new Date(row.finished_at ?? row.uploaded_at).getTime();
  const age = now.getTime() - since;
  const source = age > retention.sourceDays * DAY_MS;
  // Only a succeeded import offers its rejected rows; a failed one's partial file goes with the upload.
  const rejected = row.state === 'succeeded' ? age > retention.rejectedDays * DAY_MS : source;
  return { source, rejected };
}

/** Imports whose files are not all deleted yet, with their run (a page after `after`). */
async function importsToJudge(db: Db, after: { campaignId: string; id: string } | null): Promise<ImportToJudge[]> {
  let query = db
    .selectFrom('people_import as i')
    .leftJoin('job_run as r', (join) => join.onRef('r.campaign_id', '=', 'i.campaign_id').onRef('r.id', '=', 'i.job_id'))
    .select([
      'i.campaign_id',
      'i.id',
      'i.source_key',
      'i.rejected_key',
      'i.uploaded_at',
      'i.source_purged_at',
      'i.rejected_purged_at',
      'i.started_at',
      'r.state',
      'r.finished_at',
    ])
    .where((eb) =>
      eb.or([eb('i.source_purged_at', 'is', null), eb.and([eb('i.rejected_key', 'is not', null), eb('i.rejected_purged_at', 'is', null)])]),
    );
  if (after) query = query.where(sql<boolean>`(i.campaign_id, i.id) > (${after.campaignId}::uuid, ${after.id}::uuid)`);
  const rows = await query.orderBy('i.campaign_id').orderBy('i.id').limit(LOOKUP_BATCH).execute();
  return rows.map((r) => ({
    ...r,
    // Started but its job not recorded yet: as good as queued.
    state: r.state ?? (r.started_at ? 'queued' : null),
    uploaded_at: new Date(r.uploaded_at),
    source_purged_at: r.source_purged_at ? new Date(r.source_purged_at) : null,
    rejected_purged_at: r.rejected_purged_at ? new Date(r.rejected_purged_at) : null,
    finished_at: r.finished_at ? new Date(r.finished_at) : null,
  }));
}

/** The campaigns of this database among the given ids: another database's uploads (a shared store) are not ours to judge. */
async function knownCampaigns(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('campaign').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** The import folders in the store, by campaign, with their files. */
async function storedFolders(files: FileStore): Promise<Map<string, StoredFile[]>> {
  const folders = new Map<string, StoredFile[]>();
  for await (const file of files.list('uploads')) {
    const [, campaignId, importId] = file.key.split('/');
    if (!campaignId || !importId || !UUID_RE.test(campaignId) || !UUID_RE.test(importId)) continue;
    const key = `uploads/${campaignId}/${importId}`;
    folders.set(key, [...(folders.get(key) ?? []), file]);
  }
  return folders;
}

/** Reads a meta.json of the versions that kept an import's state in a file, or null. */
async function legacyMeta(files: FileStore, file: StoredFile): Promise<Record<string, unknown> | null> {
  if (file.size > LEGACY_META_MAX_BYTES) return null;
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of files.read(file.key)) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Records an import of a legacy meta.json as its people_import row; true when it did. */
async function adoptLegacyImport(db: Db, files: FileStore, folder: string, stored: StoredFile[]): Promise<boolean> {
  const metaFile = stored.find((f) => f.key.endsWith('/meta.json'));
  const meta = metaFile ? await legacyMeta(files, metaFile) : null;
  if (!meta || !metaFile) return false;
  const [, campaignId, importId] = folder.split('/') as [string, string, string];
  if (meta.id !== importId || meta.campaign_id !== campaignId || !Array.isArray(meta.headers)) return false;
  const source = stored.find((f) => /\/source\.(csv|xlsx)$/.test(f.key));
  const by = (meta.uploaded_by ?? {}) as { user_id?: string | null; token_id?: string | null; label?: string; scoped?: boolean };
  const jobId = typeof meta.job_id === 'string' ? meta.job_id : null;
  await db
    .insertInto('people_import')
    .values({
      campaign_id: campaignId,
      id: importId,
      file_name: String(meta.file_name ?? 'import.csv'),
      source_key: source?.key ?? `${folder}/source${String(meta.source ?? '').endsWith('.xlsx') ? '.xlsx' : '.csv'}`,
      rejected_key: jobId ? `${folder}/rejected.csv` : null,
      layout: JSON.stringify(meta.layout ?? { format: 'csv', encoding: 'utf-8', delimiter: ';' }),
      headers: JSON.stringify(meta.headers),
      size: Number(meta.size ?? 0),
      row_count_estimate: typeof meta.row_count_estimate === 'number' ? meta.row_count_estimate : null,
      uploaded_at: new Date(String(meta.uploaded_at ?? metaFile.modifiedAt.toISOString())),
      uploaded_by_user_id: by.user_id ?? null,
      uploaded_by_token_id: by.token_id ?? null,
      uploaded_by_label: by.label ?? '',
      scoped: by.scoped === true,
      started_at: jobId ? String(meta.uploaded_at ?? metaFile.modifiedAt.toISOString()) : null,
      job_id: jobId,
      source_purged_at: typeof meta.source_purged_at === 'string' ? meta.source_purged_at : null,
      rejected_purged_at: typeof meta.rejected_purged_at === 'string' ? meta.rejected_purged_at : null,
    })
    .onConflict((oc) => oc.columns(['campaign_id', 'id']).doNothing())
    .execute();
  await files.delete(metaFile.key);
  return true;
}

/**
 * Deletes the import files past their retention: uploaded files of imports that ended more than
 * `sourceDays` ago or were uploaded that long ago and never started, rejected rows files of imports
 * that succeeded more than `rejectedDays` ago, and upload folders a crash left without a row.
 * Imports queued or running keep everything. Only the campaigns of this database are looked at.
 */
export async function purgeImportFiles(
  db: Db,
  options: { files: FileStore; retention: ImportRetention; now?: Date },
): Promise<ImportFilesPurge> {
  const { files, retention } = options;
  const now = options.now ?? new Date();
  const purge: ImportFilesPurge = { sources: [], rejected: [], incomplete: [] };

  // Folders with no row: a legacy meta.json is adopted; an old upload cut off by a crash goes.
  const folders = await storedFolders(files);
  const campaigns = await knownCampaigns(db, [...new Set([...folders.keys()].map((k) => k.split('/')[1] as string))]);
  const keys = [...folders.keys()].filter((k) => campaigns.has(k.split('/')[1] as string));
  for (let start = 0; start < keys.length; start += LOOKUP_BATCH) {
    const batch = keys.slice(start, start + LOOKUP_BATCH);
    const ids = batch.map((k) => k.split('/')[2] as string);
    const known = new Set((await db.selectFrom('people_import').select('id').where('id', 'in', ids).execute()).map((r) => r.id));
    for (const folder of batch) {
      const importId = folder.split('/')[2] as string;
      if (known.has(importId)) continue;
      const stored = folders.get(folder) ?? [];
      if (await adoptLegacyImport(db, files, folder, stored)) continue;
      // An upload still being received has no row yet either: only an old folder is removed.
      const newest = Math.max(...stored.map((f) => f.modifiedAt.getTime()));
      if (now.getTime() - newest > retention.sourceDays * DAY_MS) {
        await files.deletePrefix(folder);
        purge.incomplete.push(importId);
      }
    }
  }

  let after: { campaignId: string; id: string } | null = null;
  for (;;) {
    const rows = await importsToJudge(db, after);
    if (rows.length === 0) break;
    after = { campaignId: rows[rows.length - 1]?.campaign_id as string, id: rows[rows.length - 1]?.id as string };
    for (const row of rows) {
      const expired = expiryOf(row, retention, now);
      const marks: { source_purged_at?: Date; rejected_purged_at?: Date } = {};
      if (expired.source && !row.source_purged_at) {
        // The uploaded file, and anything else left in the folder (a temporary file of a crash).
        for await (const file of files.list(row.source_key.replace(/\/[^/]+$/, ''))) {
          if (file.key !== row.rejected_key) await files.delete(file.key);
        }
        await files.delete(row.source_key);
        marks.source_purged_at = now;
        purge.sources.push(row.id);
      }
      if (expired.rejected && !row.rejected_purged_at && row.rejected_key) {
        await files.delete(row.rejected_key);
        marks.rejected_purged_at = now;
        purge.rejected.push(row.id);
      }
      if (Object.keys(marks).length > 0) {
        await db.updateTable('people_import').set(marks).where('campaign_id', '=', row.campaign_id).where('id', '=', row.id).execute();
      }
    }
  }
  return purge;
}
