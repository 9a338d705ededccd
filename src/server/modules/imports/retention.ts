// Retention of the files an import leaves under DATA_DIR/uploads/<campaign>/<import>. The uploaded
// file is personal data that the base holds once the import has run: it is kept a short while (the
// wizard's preview, a look at what went wrong), then deleted; so is an upload never started. The
// rejected rows stay downloadable longer, to be corrected and imported again, then go too. meta.json
// (file name, column headers, size, who uploaded: no row of the file) stays, marked with the dates
// of deletion, so the API answers 410 IMPORT_FILE_PURGED rather than "no such import".
// Run by the import janitor (janitor.ts) when a worker starts and every 10 minutes.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { IMPORT_JOB_KIND } from './import.job.ts';
import { type ImportMeta, importDirOf, readMeta, writeMeta } from './imports.service.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LOOKUP_BATCH = 500;
const REJECTED_FILE = 'rejected.csv';

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

interface RunOfImport {
  state: string;
  finished_at: Date | null;
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && UUID_RE.test(e.name)).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The campaigns of this database among the given ids: another database's uploads (a shared DATA_DIR) are not ours to judge. */
async function knownCampaigns(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('campaign').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

/** The job run of each started import among the given ones. */
async function runsOf(db: Db, campaignId: string, importIds: string[]): Promise<Map<string, RunOfImport>> {
  const rows = await db
    .selectFrom('job_run')
    .select([sql<string>`params->>'import_id'`.as('import_id'), 'state', 'finished_at'])
    .where('campaign_id', '=', campaignId)
    .where('kind', '=', IMPORT_JOB_KIND)
    .where(sql<string>`params->>'import_id'`, 'in', importIds)
    .execute();
  const runs = new Map<string, RunOfImport>();
  for (const row of rows) {
    const known = runs.get(row.import_id);
    // An import has one run; should there be more, a live one keeps the files.
    if (!known || row.state === 'queued' || row.state === 'running') {
      runs.set(row.import_id, { state: row.state, finished_at: row.finished_at ? new Date(row.finished_at) : null });
    }
  }
  return runs;
}

/** What to delete in one import folder, from its meta and its run. */
function expiryOf(meta: ImportMeta, run: RunOfImport | undefined, retention: ImportRetention, now: Date) {
  if (run && (run.state === 'queued' || run.state === 'running')) return { source: false, rejected: false };
  // Finished: from its end. Never started (or its run is gone with its campaign's data): from the upload.
  const since = (run?.finished_at ?? new Date(meta.uploaded_at)).getTime();
  const age = now.getTime() - since;
  const source = age > retention.sourceDays * DAY_MS;
  // Only a succeeded import offers its rejected rows; a failed one's partial file goes with the upload.
  const rejected = run?.state === 'succeeded' ? age > retention.rejectedDays * DAY_MS : source;
  return { source, rejected };
}

/** Deletes the expired files of one import folder; records what it deleted in meta.json. */
async function purgeFolder(
  dataDir: string,
  meta: ImportMeta,
  expired: { source: boolean; rejected: boolean },
  now: Date,
): Promise<{ source: boolean; rejected: boolean }> {
  const done = { source: false, rejected: false };
  if (!expired.source && !expired.rejected) return done;
  const dir = importDirOf(dataDir, meta.campaign_id, meta.id);
  for (const name of await readdir(dir)) {
    if (name === 'meta.json') continue;
    const isRejected = name === REJECTED_FILE;
    // The uploaded file, and anything else left in the folder (a temporary file of a crash).
    if (isRejected ? !expired.rejected : !expired.source) continue;
    await rm(path.join(dir, name), { force: true, recursive: true });
    if (isRejected) done.rejected = true;
    else done.source = true;
  }
  const at = now.toISOString();
  const marks = {
    ...(done.source && !meta.source_purged_at ? { source_purged_at: at } : {}),
    ...(done.rejected && !meta.rejected_purged_at ? { rejected_purged_at: at } : {}),
  };
  if (Object.keys(marks).length > 0) await writeMeta(dataDir, { ...meta, ...marks });
  return done;
}

/**
 * Deletes the import files past their retention: uploaded files of imports that ended more than
 * `sourceDays` ago or were uploaded that long ago and never started, rejected rows files of imports
 * that succeeded more than `rejectedDays` ago, and upload folders a crash left without meta.json.
 * Imports queued or running keep everything. Only the campaigns of this database are looked at.
 */
export async function purgeImportFiles(
  db: Db,
  options: { dataDir: string; retention: ImportRetention; now?: Date },
): Promise<ImportFilesPurge> {
  const { dataDir, retention } = options;
  const now = options.now ?? new Date();
  const purge: ImportFilesPurge = { sources: [], rejected: [], incomplete: [] };
  const root = path.join(dataDir, 'uploads');
  for (const campaignId of await knownCampaigns(db, await subfolders(root))) {
    const importIds = await subfolders(path.join(root, campaignId));
    for (let start = 0; start < importIds.length; start += LOOKUP_BATCH) {
      const batch = importIds.slice(start, start + LOOKUP_BATCH);
      const runs = await runsOf(db, campaignId, batch);
      for (const importId of batch) {
        const dir = importDirOf(dataDir, campaignId, importId);
        const meta = await readMeta(dataDir, campaignId, importId);
        if (!meta) {
          // An upload still being received has no meta.json yet either: only an old folder is removed.
          const folder = await stat(dir).catch(() => null);
          if (folder && now.getTime() - folder.mtimeMs > retention.sourceDays * DAY_MS) {
            await rm(dir, { recursive: true, force: true });
            purge.incomplete.push(importId);
          }
          continue;
        }
        const done = await purgeFolder(dataDir, meta, expiryOf(meta, runs.get(importId), retention, now), now);
        if (done.source) purge.sources.push(importId);
        if (done.rejected) purge.rejected.push(importId);
      }
    }
  }
  return purge;
}
