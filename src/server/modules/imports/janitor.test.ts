// The import janitor on both databases: runs left "running" by a killed process are marked failed
// (saying whether the people were written), their UNLOGGED staging tables dropped, live runs and
// unrelated tables left alone — called directly, then through a worker's start; beside other workers
// a run whose heartbeat stopped is failed though the queue still holds it; the imports API gives
// the stable code of such a failure beside its French text.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../db/database.ts';
import { createJobQueue, HEARTBEAT_STALE_MS, type JanitorContext } from '../../jobs/queue.ts';
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
import { IMPORT_JOB_KIND } from './import.job.ts';
import { importKeyOf } from './imports.service.ts';
import { INTERRUPTED_AFTER_WRITE, INTERRUPTED_BEFORE_WRITE, STUCK_PREFIX, sweepInterruptedImports } from './janitor.ts';
import { createStageTable, stageTableOf } from './stage.ts';

describeEachDatabase('imports janitor', (ctx) => {
  let campaign: FixtureCampaign;
  let db: Db;

  beforeAll(async () => {
    db = ctx.database.db;
    campaign = await createCampaignFixture(db, 'janitor');
  });

  /** A job_run of an import as the queue leaves it, and (optionally) its staging table. */
  async function importRun(options: { state: 'queued' | 'running' | 'succeeded' | 'failed'; startedAgoMs?: number; table?: boolean }) {
    const importId = uuidv7();
    const runId = uuidv7();
    const startedAt = new Date(Date.now() - (options.startedAgoMs ?? 1000));
    await db
      .insertInto('job_run')
      .values({
        campaign_id: campaign.id,
        id: runId,
        kind: IMPORT_JOB_KIND,
        state: options.state,
        params: JSON.stringify({ import_id: importId, file_name: 'x.csv', actor: { label: 'test' } }),
        created_at: startedAt,
        started_at: options.state === 'queued' ? null : startedAt,
      })
      .execute();
    const table = stageTableOf(importId);
    if (options.table !== false) await createStageTable(db, table);
    return { importId, runId, table };
  }

  async function tableExists(name: string): Promise<boolean> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_tables where tablename = ${name}`.execute(db);
    return rows[0]?.n === 1;
  }

  function runOf(id: string) {
    return db.selectFrom('job_run').select(['state', 'error', 'result', 'finished_at']).where('id', '=', id).executeTakeFirstOrThrow();
  }

  function context(soleWorker: boolean, pending: ReadonlySet<string> = new Set()): JanitorContext {
    return { database: ctx.database, soleWorker, isRunPending: async (_kind, runId) => pending.has(runId) };
  }

  it('as the sole worker: fails every running import, says whether people were written, drops orphan tables only', async () => {
    const before = await importRun({ state: 'running' });
    const after = await importRun({ state: 'running' });
    await db
      .insertInto('audit_event')
      .values({
        campaign_id: campaign.id,
        id: uuidv7(),
        action: 'people.imported',
        actor_label: 'test',
        target_type: 'import',
        target_id: after.importId,
      })
      .execute();
    const finished = await importRun({ state: 'succeeded' });
    const noRun = stageTableOf(uuidv7());
    await createStageTable(db, noRun);
    await sql`create table import_stage_keep (x int)`.execute(db);

    const swept = await sweepInterruptedImports(context(true));
    expect(swept.failedRuns.sort()).toEqual([before.runId, after.runId].sort());
    expect(swept.droppedTables.sort()).toEqual([before.table, after.table, finished.table, noRun].sort());
    expect(await runOf(before.runId)).toMatchObject({ state: 'failed', error: INTERRUPTED_BEFORE_WRITE });
    expect((await runOf(before.runId)).finished_at).toBeTruthy();
    expect(await runOf(after.runId)).toMatchObject({ state: 'failed', error: INTERRUPTED_AFTER_WRITE });
    // French first (the back office shows the text as it is), with a stable code for clients to translate.
    expect(INTERRUPTED_BEFORE_WRITE).toMatch(/^Import interrompu : .*rien n’a été importé/);
    expect((await runOf(before.runId)).result).toEqual({ error_code: 'IMPORT_INTERRUPTED_BEFORE_WRITE', stuck: false });
    expect((await runOf(after.runId)).result).toEqual({ error_code: 'IMPORT_INTERRUPTED_AFTER_WRITE', stuck: false });
    expect(await runOf(finished.runId)).toMatchObject({ state: 'succeeded', error: null });
    for (const t of [before.table, after.table, finished.table, noRun]) expect(await tableExists(t)).toBe(false);
    expect(await tableExists('import_stage_keep')).toBe(true);
    await sql`drop table import_stage_keep`.execute(db);

    // Idempotent: nothing left to do.
    expect(await sweepInterruptedImports(context(true))).toEqual({ failedRuns: [], droppedTables: [] });
  });

  it('beside other workers: leaves runs the queue still holds, fails the others and those running for over a day', async () => {
    const live = await importRun({ state: 'running' });
    const dead = await importRun({ state: 'running' });
    const stuck = await importRun({ state: 'running', startedAgoMs: 25 * 60 * 60 * 1000 });
    const queued = await importRun({ state: 'queued', table: false });
    const swept = await sweepInterruptedImports(context(false, new Set([live.runId, stuck.runId, queued.runId])));
    expect(swept.failedRuns.sort()).toEqual([dead.runId, stuck.runId].sort());
    expect(swept.droppedTables.sort()).toEqual([dead.table, stuck.table].sort());
    expect(await runOf(live.runId)).toMatchObject({ state: 'running', error: null });
    expect(await tableExists(live.table)).toBe(true);
    expect(await runOf(dead.runId)).toMatchObject({ state: 'failed', error: INTERRUPTED_BEFORE_WRITE });
    expect(await runOf(stuck.runId)).toMatchObject({
      state: 'failed',
      error: `${STUCK_PREFIX}${INTERRUPTED_BEFORE_WRITE}`,
      result: { error_code: 'IMPORT_INTERRUPTED_BEFORE_WRITE', stuck: true },
    });
    expect(await runOf(queued.runId)).toMatchObject({ state: 'queued' });
    // Clean up for the next test: the live run ends.
    await db.updateTable('job_run').set({ state: 'succeeded' }).where('id', '=', live.runId).execute();
    await sweepInterruptedImports(context(true));
  });

  it('beside other workers: a run whose heartbeat stopped is failed though the queue still holds it as active', async () => {
    // A killed worker's job stays active in the queue until its expiry (4 hours for an import).
    const killed = await importRun({ state: 'running' });
    const alive = await importRun({ state: 'running' });
    const mine = await importRun({ state: 'running' });
    const stale = new Date(Date.now() - HEARTBEAT_STALE_MS - 1000);
    await db.updateTable('job_run').set({ heartbeat_at: stale }).where('id', 'in', [killed.runId, mine.runId]).execute();
    await db.updateTable('job_run').set({ heartbeat_at: new Date() }).where('id', '=', alive.runId).execute();
    const pending = new Set([killed.runId, alive.runId, mine.runId]);
    const swept = await sweepInterruptedImports({
      ...context(false, pending),
      // This process runs `mine`: its heartbeat may lag behind a long statement.
      ownsRun: (runId) => runId === mine.runId,
    });
    expect(swept.failedRuns).toEqual([killed.runId]);
    expect(await runOf(killed.runId)).toMatchObject({ state: 'failed', error: INTERRUPTED_BEFORE_WRITE });
    expect(await runOf(alive.runId)).toMatchObject({ state: 'running' });
    expect(await runOf(mine.runId)).toMatchObject({ state: 'running' });
    expect(await tableExists(killed.table)).toBe(false);
    expect(await tableExists(alive.table)).toBe(true);
    await db.updateTable('job_run').set({ state: 'succeeded' }).where('id', 'in', [alive.runId, mine.runId]).execute();
    await sweepInterruptedImports(context(true));
  });

  it('a running job writes its heartbeat', async () => {
    let release = () => {};
    const queue = createJobQueue(ctx.database, [
      {
        kind: IMPORT_JOB_KIND,
        params: Type.Object({ import_id: Type.String() }),
        run: () =>
          new Promise<null>((resolve) => {
            release = () => resolve(null);
          }),
      },
    ]);
    try {
      await queue.work();
      const runId = await queue.enqueue({ campaignId: campaign.id, kind: IMPORT_JOB_KIND, params: { import_id: uuidv7() } });
      await expect.poll(async () => (await runOf(runId)).state, { timeout: 20_000, interval: 50 }).toBe('running');
      const beat = await db.selectFrom('job_run').select('heartbeat_at').where('id', '=', runId).executeTakeFirstOrThrow();
      expect(beat.heartbeat_at).not.toBeNull();
      expect(Date.now() - new Date(beat.heartbeat_at as Date).getTime()).toBeLessThan(HEARTBEAT_STALE_MS);
      release();
      await expect.poll(async () => (await runOf(runId)).state, { timeout: 20_000, interval: 50 }).toBe('succeeded');
    } finally {
      release();
      await queue.stop();
    }
  });

  it('runs when a worker starts: a crashed run is failed and its table dropped, a live worker’s run is left alone', async () => {
    let t: TestApp | undefined;
    let release = () => {};
    const other = createJobQueue(ctx.database, [
      {
        kind: IMPORT_JOB_KIND,
        params: Type.Object({}, { additionalProperties: true }),
        run: () =>
          new Promise<null>((resolve) => {
            release = () => resolve(null);
          }),
      },
    ]);
    try {
      const dead = await importRun({ state: 'running' });
      // On PostgreSQL, another worker process may be running an import right now: simulate one.
      let live: { runId: string; table: string } | null = null;
      if (ctx.kind === 'postgres') {
        await other.work();
        const importId = uuidv7();
        const runId = await other.enqueue({ campaignId: campaign.id, kind: IMPORT_JOB_KIND, params: { import_id: importId } });
        await expect.poll(async () => (await runOf(runId)).state, { timeout: 20_000, interval: 50 }).toBe('running');
        live = { runId, table: stageTableOf(importId) };
        await createStageTable(db, live.table);
      }
      t = await buildTestApp(ctx.database);
      await t.runtime.jobs.work();
      expect(await runOf(dead.runId)).toMatchObject({ state: 'failed', error: INTERRUPTED_BEFORE_WRITE });
      expect(await tableExists(dead.table)).toBe(false);
      if (live) {
        expect(await runOf(live.runId)).toMatchObject({ state: 'running' });
        expect(await tableExists(live.table)).toBe(true);
        release();
        await expect.poll(async () => (await runOf(live.runId)).state, { timeout: 20_000, interval: 50 }).toBe('succeeded');
        await sql`drop table ${sql.table(live.table)}`.execute(db);
      }
    } finally {
      release();
      await other.stop();
      await t?.close();
    }
  });

  it('the imports API gives the code of an interrupted run beside its French text', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'relais-janitor-'));
    const t = await buildTestApp(ctx.database, { dataDir });
    try {
      const run = await importRun({ state: 'running', table: false });
      await db
        .insertInto('people_import')
        .values({
          campaign_id: campaign.id,
          id: run.importId,
          file_name: 'x.csv',
          source_key: `${importKeyOf(campaign.id, run.importId)}/source.csv`,
          layout: JSON.stringify({ format: 'csv', encoding: 'utf-8', delimiter: ';' }),
          headers: JSON.stringify(['Courriel']),
          size: 10,
          row_count_estimate: 1,
          uploaded_by_label: 'test',
          scoped: false,
          started_at: new Date(),
          job_id: run.runId,
        })
        .execute();
      await sweepInterruptedImports(context(true));
      await createMemberFixture(db, campaign.id, { email: 'owner@janitor.test', role: 'owner' });
      const owner = new TestClient(t.app);
      await owner.login('owner@janitor.test');
      const state = (await owner.request('GET', `/api/v1/imports/${run.importId}`)).json();
      expect(state).toMatchObject({ state: 'failed', error: INTERRUPTED_BEFORE_WRITE, error_code: 'IMPORT_INTERRUPTED_BEFORE_WRITE' });
      const history = (await owner.request('GET', '/api/v1/imports')).json()._embedded.imports;
      expect(history.find((i: { id: string }) => i.id === run.importId)).toMatchObject({
        error: INTERRUPTED_BEFORE_WRITE,
        error_code: 'IMPORT_INTERRUPTED_BEFORE_WRITE',
      });
    } finally {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await db.deleteFrom('job_run').where('campaign_id', '=', campaign.id).execute();
  });
});
