// Jobs end to end: the API queues the demo job, the pg-boss worker runs it on the same database,
// progress is readable while it runs and the result at the end.
import { Type } from 'typebox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoJob } from '../../jobs/demo.job.ts';
import { createJobQueue } from '../../jobs/queue.ts';
import { buildTestApp, createCampaignFixture, createMemberFixture, type TestApp, TestClient } from '../../testing/app.ts';
import { describeEachDatabase } from '../../testing/databases.ts';

describeEachDatabase('jobs', (ctx) => {
  let t: TestApp;
  let client: TestClient;
  beforeAll(async () => {
    t = await buildTestApp(ctx.database);
    const c = await createCampaignFixture(ctx.database.db, 'jobs');
    await createMemberFixture(ctx.database.db, c.id, { email: 'org@example.org', role: 'organizer' });
    await createMemberFixture(ctx.database.db, c.id, { email: 'cm@example.org', role: 'community_manager' });
    client = new TestClient(t.app);
    await client.login('org@example.org');
    await t.runtime.jobs.work();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('runs the demo job with progress and a result', async () => {
    const queued = await client.request('POST', '/api/v1/jobs/demo', { steps: 4, delay_ms: 50 });
    expect(queued.statusCode).toBe(202);
    const job = queued.json();
    expect(job).toMatchObject({ kind: 'demo.count', state: 'queued', done: 0 });
    const seen = new Set<number>();
    await expect
      .poll(
        async () => {
          const now = (await client.request('GET', `/api/v1/jobs/${job.id}`)).json();
          seen.add(now.done);
          return now.state;
        },
        { timeout: 20_000, interval: 30 },
      )
      .toBe('succeeded');
    const done = (await client.request('GET', `/api/v1/jobs/${job.id}`)).json();
    expect(done).toMatchObject({ done: 4, total: 4, result: { steps: 4, people_by_stage: { curious: 1, volunteer: 1 } } });
    expect(done.finished_at).not.toBeNull();
    // Progress was visible on the way, not only at the end.
    expect([...seen].some((n) => n > 0 && n < 4)).toBe(true);
  });

  it('keeps job starting to roles allowed to', async () => {
    const cm = new TestClient(t.app);
    await cm.login('cm@example.org');
    const res = await cm.request('POST', '/api/v1/jobs/demo', {});
    expect(res.statusCode).toBe(403);
  });

  it("checks a job kind's parameters against its schema when enqueued and again when run", async () => {
    const campaignId = (await ctx.database.db.selectFrom('campaign').select('id').where('slug', '=', 'jobs').executeTakeFirstOrThrow()).id;
    await expect(t.runtime.jobs.enqueue({ campaignId, kind: 'demo.count', params: { steps: 'many' } })).rejects.toMatchObject({
      code: 'JOB_PARAMS_INVALID',
    });
    // A run queued with other parameters (an older release, or by hand) fails instead of running on them.
    const loose = createJobQueue(ctx.database, [{ ...demoJob, params: Type.Object({}, { additionalProperties: true }) }]);
    try {
      const id = await loose.enqueue({ campaignId, kind: 'demo.count', params: { steps: 'many' } });
      await expect
        .poll(async () => (await client.request('GET', `/api/v1/jobs/${id}`)).json().state, { timeout: 20_000, interval: 50 })
        .toBe('failed');
      expect((await client.request('GET', `/api/v1/jobs/${id}`)).json().error).toMatch(/^Invalid parameters for demo\.count: \/steps/);
    } finally {
      await loose.stop();
    }
  });
});
