// The demo's sent newsletter: a believable report (deliveries, bounces, human and Apple opens,
// clicks on each link, unsubscribes) spread over days and arrondissements, the same for the same seed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { mailingReport } from '../messaging/index.ts';
import { DEMO_NEWSLETTER_LINKS, type DemoNewsletterResult, seedDemoNewsletter } from './demo.newsletter.ts';
import { seedDemoTerritoryAndPeople } from './demo.seed.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const HOUR = 3600_000;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-newsletter-'));
  await generateSyntheticCity(dir, { seed: 21 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seededCampaign(db: Kysely<DB>) {
  const id = uuidv7();
  await db
    .insertInto('campaign')
    .values({ id, slug: `n-${id.slice(-12)}`, name: 'Demo' })
    .execute();
  await seedDemoTerritoryAndPeople(db, {
    campaignId: id,
    dir,
    manifest: syntheticCityManifest,
    peopleCount: 3000,
    seed: 7,
    now: NOW,
  });
  return { id, newsletter: await seedDemoNewsletter(db, id, { seed: 7, now: NOW }) };
}

function reportOf(db: Kysely<DB>, campaignId: string, mailingId: string, counted: 'human' | 'all' = 'human') {
  return withTenant(db, campaignId, (trx) => mailingReport(trx, { campaignId, mailingId, zoneScope: null, counted }));
}

describeEachDatabase('demo newsletter', (ctx) => {
  let campaignId: string;
  let newsletter: DemoNewsletterResult;
  beforeAll(async () => {
    ({ id: campaignId, newsletter } = await seededCampaign(ctx.database.db));
  });

  it('is a sent mailing to everyone with e-mail consent, sent two weeks ago', async () => {
    const db = ctx.database.db;
    const mailing = await db.selectFrom('mailing').selectAll().where('id', '=', newsletter.mailingId).executeTakeFirstOrThrow();
    expect(mailing.status).toBe('sent');
    expect(new Date(mailing.started_at as Date).getTime()).toBe(NOW.getTime() - 14 * 24 * HOUR);
    const consented = await db
      .selectFrom('mail_suppression')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('reason', 'in', ['unsubscribed', 'complaint'])
      .executeTakeFirstOrThrow();
    const stillConsenting = await db
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('consent_email', '=', true)
      .executeTakeFirstOrThrow();
    // Everyone who had consent got it; those who unsubscribed or complained lost their consent in the ledger.
    expect(Number(stillConsenting.n) + Number(consented.n)).toBe(newsletter.recipients);
    expect(mailing.total_targeted).toBe(newsletter.recipients);
  });

  it('leaves the planner statistics of its tables, so its report is not planned on empty ones', async () => {
    // PGlite runs no autovacuum: without them the report's joins were nested loops (110 s on the demo).
    const { rows } = await sql<{ relname: string; reltuples: number }>`
      select relname, reltuples from pg_class where relname in ('mailing_recipient', 'mail_event') order by relname`.execute(
      ctx.database.db,
    );
    expect(rows.map((r) => [r.relname, r.reltuples > 0])).toEqual([
      ['mail_event', true],
      ['mailing_recipient', true],
    ]);
  });

  it('has a believable report: bounces, opens, clicks on every link, unsubscribes', async () => {
    const r = await reportOf(ctx.database.db, campaignId, newsletter.mailingId);
    expect(r.sent).toBe(newsletter.recipients);
    expect(r.bounces).toBeGreaterThan(0);
    expect(r.bounces / r.sent).toBeLessThan(0.02);
    expect(r.delivered).toBe(r.sent - r.bounces);
    expect(r.opens / r.delivered).toBeGreaterThan(0.2);
    expect(r.opens / r.delivered).toBeLessThan(0.45);
    expect(r.clicks / r.opens).toBeGreaterThan(0.08);
    expect(r.clicks / r.opens).toBeLessThan(0.3);
    expect(r.unsubscribes).toBeGreaterThan(0);
    expect(r.links.map((l) => l.url)).toEqual(DEMO_NEWSLETTER_LINKS.map((l) => l.url));
    // The first link draws most clicks, as its weight says.
    expect(r.links[0]?.unique_clicks).toBeGreaterThan(r.links[2]?.unique_clicks ?? 0);
  });

  it('has Apple proxy opens, counted only when every event is', async () => {
    const human = await reportOf(ctx.database.db, campaignId, newsletter.mailingId, 'human');
    const all = await reportOf(ctx.database.db, campaignId, newsletter.mailingId, 'all');
    expect(all.opens).toBeGreaterThan(human.opens * 1.3);
    const proxy = await ctx.database.db
      .selectFrom('mail_event')
      .select(['ip', 'user_agent'])
      .where('campaign_id', '=', campaignId)
      .where('classification', '=', 'apple_proxy')
      .executeTakeFirstOrThrow();
    expect(proxy).toEqual({ ip: '17.58.63.12', user_agent: 'Mozilla/5.0' });
  });

  it('spreads opens over days and open rates over arrondissements', async () => {
    const r = await reportOf(ctx.database.db, campaignId, newsletter.mailingId);
    const hours = r.over_time.map((h) => new Date(h.hour).getTime());
    expect(Math.max(...hours) - Math.min(...hours)).toBeGreaterThan(3 * 24 * HOUR);
    // Most opens come in the first day.
    const first = r.over_time.filter((h) => new Date(h.hour).getTime() < Math.min(...hours) + 24 * HOUR);
    expect(first.reduce((s, h) => s + h.opens, 0)).toBeGreaterThan(r.opens / 2);
    const rates = r.by_zone.filter((z) => z.delivered > 50).map((z) => z.opens / z.delivered);
    expect(rates.length).toBeGreaterThan(2);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.05);
  });

  it('is the same for the same seed', async () => {
    const again = await seededCampaign(ctx.database.db);
    const [a, b] = await Promise.all([
      reportOf(ctx.database.db, campaignId, newsletter.mailingId),
      reportOf(ctx.database.db, again.id, again.newsletter.mailingId),
    ]);
    const strip = (r: typeof a) => ({ ...r, by_zone: r.by_zone.map(({ zone_id: _, ...z }) => z) });
    expect(strip(b)).toEqual(strip(a));
  });
});
