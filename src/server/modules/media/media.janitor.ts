// Abandoned uploads: a tus upload not finished 24 hours after its last byte is given up — its part
// under DATA_DIR deleted with its row (and its link's file given back), and any part left without a
// row (a crash between the two) deleted too. Run by the workers at start and every 10 minutes.
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { JobJanitor } from '../../jobs/queue.ts';
import { ABANDONED_AFTER_MS, partPathOf } from './media.service.ts';

/** Deletes the uploads abandoned before `now - 24 h`; returns how many rows and parts went. */
export async function sweepAbandonedUploads(db: Db, dataDir: string, now = new Date()): Promise<{ rows: number; parts: number }> {
  const before = new Date(now.getTime() - ABANDONED_AFTER_MS);
  // Outside row-level security on purpose: one sweep for every campaign (like the other janitors).
  const gone = await db
    .deleteFrom('media')
    .where('status', '=', 'uploading')
    .where('updated_at', '<', before)
    .returning(['campaign_id', 'id', 'upload_link_id'])
    .execute();
  for (const row of gone) {
    if (row.upload_link_id) {
      await db
        .updateTable('media_upload_link')
        .set((eb) => ({ used: eb('used', '-', 1) }))
        .where('campaign_id', '=', row.campaign_id)
        .where('id', '=', row.upload_link_id)
        .where('used', '>', 0)
        .execute();
    }
    await rm(partPathOf(dataDir, row.campaign_id, row.id), { force: true });
  }
  // Parts whose row is gone, older than the limit.
  let parts = gone.length;
  const root = path.join(dataDir, 'media-parts');
  for (const campaign of await readdir(root).catch(() => [] as string[])) {
    for (const id of await readdir(path.join(root, campaign)).catch(() => [] as string[])) {
      const file = path.join(root, campaign, id);
      const s = await stat(file).catch(() => null);
      if (!s || s.mtime >= before) continue;
      const row = await db
        .selectFrom('media')
        .select('id')
        .where('campaign_id', '=', campaign)
        .where('id', '=', id)
        .where('status', '=', 'uploading')
        .executeTakeFirst()
        .catch(() => null);
      if (!row) {
        await rm(file, { force: true });
        parts += 1;
      }
    }
  }
  return { rows: gone.length, parts };
}

export const abandonedUploadsJanitorOf =
  (config: Config): JobJanitor =>
  async (ctx) => {
    const { rows, parts } = await sweepAbandonedUploads(ctx.database.db, config.dataDir);
    return rows + parts > 0 ? `media: ${rows} abandoned uploads and ${parts} parts deleted` : null;
  };
