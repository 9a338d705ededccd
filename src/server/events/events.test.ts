// The outbox: an event is written in the transaction of the change and rolled back with it; the
// dispatcher delivers committed events after commit, retries a failed subscriber (its cursor does
// not move) and, after a restart, delivers what the previous process had not.
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { withTenant } from '../db/database.ts';
import { uuidv7 } from '../lib/ids.ts';
import { recordActivity } from '../modules/timeline/index.ts';
import { createCampaignFixture, type FixtureCampaign } from '../testing/app.ts';
import { describeEachDatabase } from '../testing/databases.ts';
import { type AnyDomainEvent, dispatchPending, type EventSubscriber, emitEvents, registerSubscribers } from './index.ts';

/**
 * How long a pass may wait for the events to be deliverable: on PostgreSQL, until every older
 * transaction of the server has ended — and the suite's other files (a 32,000-people seed) run long ones.
 */
const SERVER_WAIT_MS = 60_000;

describeEachDatabase('domain events', (ctx) => {
  let c: FixtureCampaign;
  beforeAll(async () => {
    c = await createCampaignFixture(ctx.database.db, 'events');
  });

  const tagged = (personId: string, tagId = uuidv7()) => ({
    campaignId: c.id,
    type: 'person.tagged' as const,
    personId,
    payload: { tag_id: tagId },
    actorLabel: 'test',
  });
  const eventsOf = (personId: string) =>
    ctx.database.db.selectFrom('domain_event').select(['type', 'payload']).where('person_id', '=', personId).orderBy('id').execute();
  /** A subscriber that records what it was given, failing while `failures` is above zero. */
  const recorder = (name: string, failures = 0) => {
    const seen: AnyDomainEvent[] = [];
    let left = failures;
    const subscriber: EventSubscriber = {
      name,
      types: ['person.tagged'],
      async handle(event) {
        if (left > 0) {
          left -= 1;
          throw new Error('webhook unreachable');
        }
        seen.push(event);
      },
    };
    return { subscriber, seen };
  };
  /**
   * Passes until the subscriber has seen `n` events: on PostgreSQL the dispatcher waits for every
   * transaction older than the event's to end, and other test files run transactions at the same time.
   */
  const dispatchUntil = async (subscriber: EventSubscriber, seen: AnyDomainEvent[], n: number) => {
    await expect
      .poll(
        async () => {
          await dispatchPending(ctx.database.db, [subscriber], { now: new Date(Date.now() + 3_600_000) });
          return seen.length;
        },
        { timeout: SERVER_WAIT_MS, interval: 100 },
      )
      .toBe(n);
  };

  it('writes the event in the transaction of the change, and rolls it back with it', async () => {
    const person = c.people[0]!.id;
    await expect(
      withTenant(ctx.database.db, c.id, async (trx) => {
        await emitEvents(trx, [tagged(person)]);
        expect(await trx.selectFrom('domain_event').select('id').where('person_id', '=', person).execute()).toHaveLength(1);
        throw new Error('the change fails after the event');
      }),
    ).rejects.toThrow('the change fails');
    expect(await eventsOf(person)).toEqual([]);
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(person)]));
    expect((await eventsOf(person)).map((e) => e.type)).toEqual(['person.tagged']);
  });

  it('writes more events at once than one statement has parameters for (a bulk action on thousands)', async () => {
    const tagId = uuidv7();
    const many = Array.from({ length: 12_000 }, () => tagged(uuidv7(), tagId));
    const written = await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, many));
    expect(written).toHaveLength(12_000);
    const stored = await ctx.database.db
      .selectFrom('domain_event')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where(sql`payload->>'tag_id'`, '=', tagId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(12_000);
  });

  it('keeps events apart by campaign (row-level security)', async () => {
    const other = await createCampaignFixture(ctx.database.db, 'events-other');
    await withTenant(ctx.database.db, other.id, (trx) => emitEvents(trx, [{ ...tagged(other.people[0]!.id), campaignId: other.id }]));
    const seen = await withTenant(ctx.database.db, c.id, (trx) =>
      trx.selectFrom('domain_event').select('campaign_id').distinct().execute(),
    );
    expect(seen.map((r) => r.campaign_id)).not.toContain(other.id);
    await expect(
      withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [{ ...tagged(other.people[0]!.id), campaignId: other.id }])),
    ).rejects.toThrow(/row-level security/);
  });

  it("records an activity with its event, and the ladder's move with its own, in one transaction", async () => {
    const person = uuidv7();
    await ctx.database.db.insertInto('person').values({ campaign_id: c.id, id: person, family_name: 'Ladder' }).execute();
    const { activityId, events } = await withTenant(ctx.database.db, c.id, (trx) =>
      recordActivity(trx, { campaignId: c.id, personId: person, type: 'petition.signed', actorLabel: 'test' }),
    );
    expect(events.map((e) => e.type)).toEqual(['activity.recorded', 'ladder.moved']);
    expect(await eventsOf(person)).toEqual([
      { type: 'activity.recorded', payload: { activity_id: activityId, type: 'petition.signed', ref_type: null, ref_id: null } },
      { type: 'ladder.moved', payload: expect.objectContaining({ from_stage: 'curious', to_stage: 'sympathizer' }) },
    ]);
    // Rolled back together: neither the activity, the move nor their events remain.
    const again = uuidv7();
    await ctx.database.db.insertInto('person').values({ campaign_id: c.id, id: again, family_name: 'Rolled back' }).execute();
    await expect(
      withTenant(ctx.database.db, c.id, async (trx) => {
        await recordActivity(trx, { campaignId: c.id, personId: again, type: 'petition.signed' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await eventsOf(again)).toEqual([]);
    expect(await ctx.database.db.selectFrom('ladder_move').select('id').where('person_id', '=', again).execute()).toEqual([]);
  });

  it('delivers committed events after commit, each once, from the moment the subscriber is registered', {
    timeout: 3 * SERVER_WAIT_MS,
  }, async () => {
    const person = c.people[1]!.id;
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(person)])); // before registration
    const { subscriber, seen } = recorder('deliver-once');
    await registerSubscribers(ctx.database.db, [subscriber]);
    const tagIds = [uuidv7(), uuidv7()];
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(person, tagIds[0]), tagged(person, tagIds[1])]));
    await dispatchUntil(subscriber, seen, 2);
    expect(seen.map((e) => e.type === 'person.tagged' && e.payload.tag_id)).toEqual(tagIds);
    expect(seen[0]).toMatchObject({ campaignId: c.id, personId: person, actorLabel: 'test' });
    await dispatchPending(ctx.database.db, [subscriber]);
    expect(seen).toHaveLength(2); // handled events are not delivered again
  });

  it('asks a selecting subscriber once per batch which events it wants, and hands it only those', {
    timeout: 3 * SERVER_WAIT_MS,
  }, async () => {
    const person = c.people[0]!.id;
    const { subscriber, seen } = recorder('select-batch');
    const batches: number[] = [];
    const wanted = new Set<string>();
    subscriber.select = async (events) => {
      batches.push(events.length);
      return new Set(events.filter((e) => e.type === 'person.tagged' && wanted.has(e.payload.tag_id)).map((e) => e.id));
    };
    await registerSubscribers(ctx.database.db, [subscriber]);
    const tagIds = Array.from({ length: 300 }, () => uuidv7());
    wanted.add(tagIds[7]!);
    wanted.add(tagIds[250]!);
    await withTenant(ctx.database.db, c.id, (trx) =>
      emitEvents(
        trx,
        tagIds.map((t) => tagged(person, t)),
      ),
    );
    await dispatchUntil(subscriber, seen, 2);
    expect(seen.map((e) => e.type === 'person.tagged' && e.payload.tag_id)).toEqual([tagIds[7], tagIds[250]]);
    // The 300 events came in one batch (of up to 500), so one selection for them all, not 300.
    expect(batches.filter((n) => n >= 300)).toHaveLength(1);
  });

  it('retries a failed subscriber: the event stays pending, after a back-off, until it is handled', {
    timeout: 3 * SERVER_WAIT_MS,
  }, async () => {
    const { subscriber, seen } = recorder('flaky', 1);
    await registerSubscribers(ctx.database.db, [subscriber]);
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(c.people[0]!.id)]));
    await expect
      .poll(async () => (await dispatchPending(ctx.database.db, [subscriber])).failed.map((f) => f.error), {
        timeout: SERVER_WAIT_MS,
        interval: 100,
      })
      .toEqual(['webhook unreachable']);
    const cursor = await ctx.database.db
      .selectFrom('domain_event_cursor')
      .selectAll()
      .where('subscriber', '=', 'flaky')
      .executeTakeFirstOrThrow();
    expect(cursor).toMatchObject({ attempts: 1, last_error: 'webhook unreachable' });
    expect(cursor.retry_at!.getTime()).toBeGreaterThan(Date.now());
    // Within the back-off nothing is tried; past it, the same event is delivered.
    expect(await dispatchPending(ctx.database.db, [subscriber])).toEqual({ delivered: 0, failed: [] });
    await dispatchUntil(subscriber, seen, 1);
    const after = await ctx.database.db
      .selectFrom('domain_event_cursor')
      .select(['attempts', 'last_error', 'retry_at'])
      .where('subscriber', '=', 'flaky')
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ attempts: 0, last_error: null, retry_at: null });
  });

  it('after a restart, delivers the events the previous process had not handled', { timeout: 3 * SERVER_WAIT_MS }, async () => {
    const { subscriber: before } = recorder('restart', Number.POSITIVE_INFINITY); // the process dies on every event
    await registerSubscribers(ctx.database.db, [before]);
    const person = c.people[1]!.id;
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(person), tagged(person)]));
    await dispatchPending(ctx.database.db, [before]);
    // A new process: nothing in memory but the subscriber's name; the cursor in the database says where it was.
    const { subscriber: after, seen } = recorder('restart');
    await dispatchUntil(after, seen, 2);
    expect(seen.every((e) => e.personId === person)).toBe(true);
  });

  it('does not step over an event whose transaction commits after a later one (PostgreSQL)', { timeout: 3 * SERVER_WAIT_MS }, async () => {
    if (ctx.database.kind !== 'postgres') return; // one connection on PGlite: no concurrent transactions
    const { subscriber, seen } = recorder('late-commit');
    await registerSubscribers(ctx.database.db, [subscriber]);
    const person = c.people[0]!.id;
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written!: () => void;
    const emitted = new Promise<void>((resolve) => {
      written = resolve;
    });
    // The first transaction writes its event, then waits; the second commits before it.
    const slow = withTenant(ctx.database.db, c.id, async (trx) => {
      await emitEvents(trx, [tagged(person)]);
      written();
      await held;
    });
    await emitted;
    await withTenant(ctx.database.db, c.id, (trx) => emitEvents(trx, [tagged(person)]));
    await dispatchPending(ctx.database.db, [subscriber]);
    expect(seen).toHaveLength(0); // the later event waits for the older, still open transaction
    release();
    await slow;
    await dispatchUntil(subscriber, seen, 2);
  });
});
