// Retention of the import files on both databases: uploaded files go N days after their import ended
// (or after upload when never started), rejected rows after theirs, running imports and another
// database's campaigns are left alone; the API answers 410 problem+json for what is gone; the janitor
// does it when a worker starts, after a real import through the wizard's API; an import folder of
// the versions that kept the state in meta.json is adopted into the table.
import { access, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { folderFileStore } from '../../files/storage.ts';
import type { JanitorContext } from '../../jobs/queue.ts';
import { uuidv7 } from '../../lib/ids.ts';
import {
  buildTestApp,
  createCampaignFixture,
  createMemberFixture,
  type FixtureCampaign,
  type TestApp,
  TestClient,
} from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { multipartOf } from '../../testing/multipart.ts';
import { IMPORT_JOB_KIND } from './import.job.ts';
import { importKeyOf } from './imports.service.ts';
import { importJanitorOf } from './janitor.ts';
import { purgeImportFiles } from './retention.ts';

const DAY = 24 * 60 * 60 * 1000;
const retention = { sourceDays: 7, rejectedDays: 30 };

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describeEachDatabase('import files retention', (ctx) => {
  let t: TestApp;
  let dataDir: string;
  let campaign: FixtureCampaign;
  let owner: TestClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'relais-retention-'));
    t = await buildTestApp(ctx.database, { dataDir });
    campaign = await createCampaignFixture(ctx.database.db, 'retention');
    await createMemberFixture(ctx.database.db, campaign.id, { email: 'owner@retention.test', role: 'owner' });
    owner = new TestClient(t.app);
    await owner.login('owner@retention.test');
  });

  afterAll(async () => {
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /**
   * An import folder as the wizard and the job leave it (meta.json, source.csv, rejected.csv once
   * run) and its job run, ended (or uploaded, when never started) `daysAgo` days before `now`.
   */
  async function importFolder(options: {
    state: 'queued' | 'running' | 'succeeded' | 'failed' | null;
    daysAgo: number;
    now?: Date;
    campaignId?: string;
  }) {
    const now = options.now ?? new Date();
    const campaignId = options.campaignId ?? campaign.id;
    const id = uuidv7();
    const dir = path.join(dataDir, importKeyOf(campaignId, id));
    const at = new Date(now.getTime() - options.daysAgo * DAY);
    const uploadedAt = options.state ? new Date(at.getTime() - 60_000) : at;
    await mkdir(dir, { recursive: true });
    const source = path.join(dir, 'source.csv');
    const rejected = path.join(dir, 'rejected.csv');
    await writeFile(source, 'Courriel;Nom\r\njeanne@example.org;Jeanne\r\nmauvais;Paul\r\n');
    const runId = options.state ? uuidv7() : null;
    if (options.state === 'succeeded' || options.state === 'failed') {
      await writeFile(rejected, '\ufeffCourriel;Nom;motif_rejet\r\nmauvais;Paul;e-mail invalide\r\n');
    }
    if (options.state && runId) {
      const finished = options.state === 'succeeded' || options.state === 'failed';
      await ctx.database.db
        .insertInto('job_run')
        .values({
          campaign_id: campaignId,
          id: runId,
          kind: IMPORT_JOB_KIND,
          state: options.state,
          params: JSON.stringify({ import_id: id, file_name: 'contacts.csv', actor: { label: 'owner@retention.test' } }),
          result:
            options.state === 'succeeded'
              ? JSON.stringify({ created: 1, updated: 0, skipped: 0, rejected: 1, rejected_file: rejected })
              : null,
          error: options.state === 'failed' ? 'boom' : null,
          created_at: uploadedAt,
          started_at: options.state === 'queued' ? null : uploadedAt,
          finished_at: finished ? at : null,
        })
        .execute();
    }
    // The import's row (another database's campaign has none here).
    if (campaignId === campaign.id) {
      await ctx.database.db
        .insertInto('people_import')
        .values({
          campaign_id: campaignId,
          id,
          file_name: 'contacts.csv',
          source_key: `${importKeyOf(campaignId, id)}/source.csv`,
          rejected_key: runId ? `${importKeyOf(campaignId, id)}/rejected.csv` : null,
          layout: JSON.stringify({ format: 'csv', encoding: 'utf-8', delimiter: ';' }),
          headers: JSON.stringify(['Courriel', 'Nom']),
          size: 50,
          row_count_estimate: 2,
          uploaded_at: uploadedAt,
          uploaded_by_label: 'owner@retention.test',
          scoped: false,
          started_at: runId ? uploadedAt : null,
          job_id: runId,
        })
        .execute();
    }
    return { id, dir, source, rejected, runId };
  }

  /** The import's row as meta.json said it (dates as ISO text, absent when not set). */
  const metaOf = async (dir: string) => {
    const row = await ctx.database.db
      .selectFrom('people_import')
      .selectAll()
      .where('id', '=', path.basename(dir))
      .executeTakeFirstOrThrow();
    return Object.fromEntries(
      Object.entries(row)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]),
    );
  };

  it('deletes uploaded files past their window and rejected rows past theirs, keeps the newer ones and live imports', async () => {
    const now = new Date();
    const recent = await importFolder({ state: 'succeeded', daysAgo: 3, now });
    const week = await importFolder({ state: 'succeeded', daysAgo: 8, now });
    const month = await importFolder({ state: 'succeeded', daysAgo: 31, now });
    const failedOld = await importFolder({ state: 'failed', daysAgo: 8, now });
    const failedNew = await importFolder({ state: 'failed', daysAgo: 3, now });
    const abandonedOld = await importFolder({ state: null, daysAgo: 8, now });
    const abandonedNew = await importFolder({ state: null, daysAgo: 6, now });
    const running = await importFolder({ state: 'running', daysAgo: 40, now });
    const queued = await importFolder({ state: 'queued', daysAgo: 40, now });
    // Uploads cut off before their meta.json: an old one, and one still being received.
    const cutOff = path.join(dataDir, importKeyOf(campaign.id, uuidv7()));
    await mkdir(cutOff, { recursive: true });
    await writeFile(path.join(cutOff, 'source.csv'), 'Courriel\r\nx@example.org\r\n');
    const old = new Date(now.getTime() - 8 * DAY);
    await utimes(path.join(cutOff, 'source.csv'), old, old);
    await utimes(cutOff, old, old);
    const receiving = path.join(dataDir, importKeyOf(campaign.id, uuidv7()));
    await mkdir(receiving, { recursive: true });
    await writeFile(path.join(receiving, 'source.csv'), 'Courriel\r\n');
    // Another database's campaign (a shared DATA_DIR): not ours to judge.
    const foreign = await importFolder({ state: null, daysAgo: 40, now, campaignId: uuidv7() });

    const purge = await purgeImportFiles(ctx.database.db, { files: folderFileStore(dataDir), retention, now });
    expect(purge.sources.sort()).toEqual([week.id, month.id, failedOld.id, abandonedOld.id].sort());
    expect(purge.rejected.sort()).toEqual([month.id, failedOld.id].sort());
    expect(purge.incomplete).toEqual([path.basename(cutOff)]);

    const kept = async (f: { source: string; rejected: string }) => [await exists(f.source), await exists(f.rejected)];
    expect(await kept(recent)).toEqual([true, true]);
    expect(await kept(week)).toEqual([false, true]);
    expect(await kept(month)).toEqual([false, false]);
    expect(await kept(failedOld)).toEqual([false, false]);
    expect(await kept(failedNew)).toEqual([true, true]);
    expect(await exists(abandonedOld.source)).toBe(false);
    expect(await exists(abandonedNew.source)).toBe(true);
    expect(await exists(running.source)).toBe(true);
    expect(await exists(queued.source)).toBe(true);
    expect(await exists(cutOff)).toBe(false);
    expect(await exists(receiving)).toBe(true);
    expect(await exists(foreign.source)).toBe(true);
    // meta.json stays, saying when the files went.
    expect(await metaOf(week.dir)).toMatchObject({ source_purged_at: now.toISOString(), job_id: week.runId });
    expect((await metaOf(week.dir)).rejected_purged_at).toBeUndefined();
    expect(await metaOf(month.dir)).toMatchObject({ source_purged_at: now.toISOString(), rejected_purged_at: now.toISOString() });
    expect(await metaOf(recent.dir)).not.toHaveProperty('source_purged_at');

    // Idempotent; two days later, only the upload left unstarted 6 days ago has reached its window.
    expect(await purgeImportFiles(ctx.database.db, { files: folderFileStore(dataDir), retention, now })).toEqual({
      sources: [],
      rejected: [],
      incomplete: [],
    });
    const later = await purgeImportFiles(ctx.database.db, {
      files: folderFileStore(dataDir),
      retention,
      now: new Date(now.getTime() + 2 * DAY),
    });
    expect(later.sources).toEqual([abandonedNew.id]);
  });

  it('answers 410 problem+json for rejected rows past their retention, and for starting an upload whose file was deleted', async () => {
    const now = new Date();
    const expired = await importFolder({ state: 'succeeded', daysAgo: 31, now });
    const fresh = await importFolder({ state: 'succeeded', daysAgo: 8, now });

    // Past the retention, the file is refused even before the janitor deletes it.
    const before = await owner.request('GET', `/api/v1/imports/${expired.id}/rejected.csv`);
    expect(before.statusCode).toBe(410);
    expect(before.headers['content-type']).toContain('application/problem+json');
    const finishedAt = new Date(now.getTime() - 31 * DAY);
    expect(before.json()).toMatchObject({
      status: 410,
      code: 'IMPORT_FILE_PURGED',
      retention_days: 30,
      kept_until: new Date(finishedAt.getTime() + 30 * DAY).toISOString(),
      purged_at: null,
    });

    await purgeImportFiles(ctx.database.db, { files: folderFileStore(dataDir), retention, now });
    const after = await owner.request('GET', `/api/v1/imports/${expired.id}/rejected.csv`);
    expect(after.statusCode).toBe(410);
    expect(after.headers['content-type']).toContain('application/problem+json');
    expect(after.json()).toMatchObject({ code: 'IMPORT_FILE_PURGED', purged_at: now.toISOString() });
    expect(after.json().detail).toMatch(/kept 30 days/);

    // Within their retention the rejected rows download, though the uploaded file is gone.
    expect(await exists(fresh.source)).toBe(false);
    const download = await owner.request('GET', `/api/v1/imports/${fresh.id}/rejected.csv`);
    expect(download.statusCode).toBe(200);
    expect(download.body).toContain('e-mail invalide');

    // The state and the history say until when, and offer no link to what is gone.
    const state = (await owner.request('GET', `/api/v1/imports/${expired.id}`)).json();
    expect(state).toMatchObject({ state: 'succeeded', rejected: 1, rejected_kept_until: null });
    // The state names no file of the server (it once gave the rejected rows' path).
    expect(state).not.toHaveProperty('rejected_file');
    const freshState = (await owner.request('GET', `/api/v1/imports/${fresh.id}`)).json();
    expect(new Date(freshState.rejected_kept_until).getTime()).toBe(now.getTime() - 8 * DAY + 30 * DAY);
    const history = (await owner.request('GET', '/api/v1/imports?per_page=500')).json()._embedded.imports;
    const item = (id: string) => history.find((i: { id: string }) => i.id === id);
    expect(item(expired.id)._links['relais:rejected']).toBeUndefined();
    expect(item(expired.id).rejected_kept_until).toBeNull();
    expect(item(fresh.id)._links['relais:rejected'].href).toMatch(new RegExp(`/imports/${fresh.id}/rejected\\.csv$`));

    // An upload left unstarted past its window cannot be started any more.
    const abandoned = await importFolder({ state: null, daysAgo: 8, now });
    await purgeImportFiles(ctx.database.db, { files: folderFileStore(dataDir), retention, now });
    const start = await owner.request('POST', `/api/v1/imports/${abandoned.id}/start`, {
      mapping: { Courriel: 'email', Nom: 'family_name' },
      on_duplicate: 'update',
    });
    expect(start.statusCode).toBe(410);
    expect(start.headers['content-type']).toContain('application/problem+json');
    expect(start.json()).toMatchObject({ code: 'IMPORT_FILE_PURGED', purged_at: now.toISOString() });
  });

  it('adopts an import folder of the versions that kept its state in meta.json', async () => {
    const id = uuidv7();
    const dir = path.join(dataDir, importKeyOf(campaign.id, id));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'source.csv'), 'Courriel;Nom\r\nancien@example.org;Ancien\r\n');
    const uploadedAt = new Date(Date.now() - DAY);
    await writeFile(
      path.join(dir, 'meta.json'),
      JSON.stringify({
        id,
        campaign_id: campaign.id,
        file_name: 'ancien.csv',
        source: path.join(dir, 'source.csv'),
        layout: { format: 'csv', encoding: 'utf-8', delimiter: ';' },
        headers: ['Courriel', 'Nom'],
        size: 40,
        row_count_estimate: 1,
        uploaded_at: uploadedAt.toISOString(),
        uploaded_by: { user_id: null, token_id: null, label: 'owner@retention.test', scoped: false },
        job_id: null,
      }),
    );
    await purgeImportFiles(ctx.database.db, { files: folderFileStore(dataDir), retention });
    expect(await exists(path.join(dir, 'meta.json'))).toBe(false);
    const state = (await owner.request('GET', `/api/v1/imports/${id}`)).json();
    expect(state).toMatchObject({ id, file_name: 'ancien.csv', state: 'uploaded', uploaded_at: uploadedAt.toISOString() });
    const started = await owner.request('POST', `/api/v1/imports/${id}/start`, { mapping: { Courriel: 'email' }, on_duplicate: 'update' });
    expect(started.statusCode, started.body).toBe(202);
  });

  it('runs from the janitor: when a worker starts, then after a real import has aged', async () => {
    const abandoned = await importFolder({ state: null, daysAgo: 8 });
    const month = await importFolder({ state: 'succeeded', daysAgo: 31 });
    await t.runtime.jobs.work();
    expect(await exists(abandoned.source)).toBe(false);
    expect(await exists(month.rejected)).toBe(false);

    // A real import through the wizard's API, with one rejected row.
    const body = multipartOf('vrai.csv', Buffer.from('Courriel;Nom\nreelle@example.org;Réelle\npas-un-mail;Faux\n'));
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      payload: body.payload,
      headers: { ...body.headers, cookie: owner.cookie, 'x-csrf-token': owner.csrf },
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const { id, suggested_mapping } = uploaded.json();
    const started = await owner.request('POST', `/api/v1/imports/${id}/start`, { mapping: suggested_mapping, on_duplicate: 'update' });
    expect(started.statusCode, started.body).toBe(202);
    await expect
      .poll(async () => (await owner.request('GET', `/api/v1/imports/${id}`)).json().state, { timeout: 30_000, interval: 50 })
      .toBe('succeeded');
    expect((await owner.request('GET', `/api/v1/imports/${id}/rejected.csv`)).statusCode).toBe(200);
    const dir = path.join(dataDir, importKeyOf(campaign.id, id));
    expect(await exists(path.join(dir, 'source.csv'))).toBe(true);

    // The janitor of this deployment, as the worker runs it every 10 minutes: nothing to do yet.
    const janitor = importJanitorOf(t.runtime.config);
    const janitorCtx: JanitorContext = { database: ctx.database, soleWorker: false, isRunPending: async () => true };
    await janitor(janitorCtx);
    expect(await exists(path.join(dir, 'source.csv'))).toBe(true);

    // 31 days later: the uploaded file and the rejected rows are gone, and the API says so.
    const runId = started.json().job_id as string;
    await ctx.database.db
      .updateTable('job_run')
      .set({ finished_at: new Date(Date.now() - 31 * DAY) })
      .where('id', '=', runId)
      .execute();
    const summary = await janitor(janitorCtx);
    expect(summary).toMatch(/1 uploaded file\(s\) deleted after 7 days, 1 rejected rows file\(s\) deleted after 30 days/);
    expect(await exists(path.join(dir, 'source.csv'))).toBe(false);
    expect(await exists(path.join(dir, 'rejected.csv'))).toBe(false);
    const gone = await owner.request('GET', `/api/v1/imports/${id}/rejected.csv`);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    expect(gone.json()).toMatchObject({ status: 410, code: 'IMPORT_FILE_PURGED' });
    expect(gone.json().purged_at).toBeTruthy();
  });
});
