// The demo seed on a generated city: people at real addresses, in proportion to population, in
// every layer's zones, spread over the ladder and the last 12 weeks; re-seeding replaces them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withTenant } from '../../db/database.ts';
import { type DB, LADDER_STAGES } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { CityManifest } from '../../opendata/manifest.ts';
import { generateSyntheticCity, syntheticCityManifest } from '../../opendata/synthetic-city.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { findDuplicates, ladderFunnel } from '../people/index.ts';
import type { ImportProgress } from '../territory/index.ts';
import { apportion, DEMO_STAGE_SHARES, emailPart, type SeedDemoResult, seedDemoTerritoryAndPeople } from './demo.seed.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const WEEK = 7 * 24 * 3600 * 1000;
const PEOPLE = 4000;

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relais-demo-'));
  await generateSyntheticCity(dir, { seed: 21 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function createCampaign(db: Kysely<DB>): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('campaign')
    .values({ id, slug: `d-${id.slice(-12)}`, name: 'Demo' })
    .execute();
  return id;
}

/** People per zone of a layer, with the zone's population indicator. */
async function peopleByZone(db: Kysely<DB>, campaignId: string, layer: string) {
  const zones = await db
    .selectFrom('zone as z')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
    .leftJoin('zone_indicator as i', (j) =>
      j.onRef('i.campaign_id', '=', 'z.campaign_id').onRef('i.zone_id', '=', 'z.id').on('i.name', '=', 'population'),
    )
    .select(['z.id', 'z.code', 'i.value as population'])
    .where('z.campaign_id', '=', campaignId)
    .where('l.code', '=', layer)
    .execute();
  const people = await db.selectFrom('person').select('zone_ids').where('campaign_id', '=', campaignId).execute();
  return zones.map((z) => ({
    code: z.code,
    population: z.population ?? 0,
    people: people.filter((p) => p.zone_ids.includes(z.id)).length,
  }));
}

it('apportions exactly, by largest remainder', () => {
  expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
  expect(apportion(7, [0, 2, 5])).toEqual([0, 2, 5]);
  expect(apportion(5, [0, 0])).toEqual([0, 0]);
});

it('makes e-mail local parts from French names', () => {
  expect(emailPart('Marie-Hélène')).toBe('marie-helene');
  expect(emailPart("N'Diaye")).toBe('ndiaye');
  expect(emailPart('Le Goff')).toBe('le-goff');
  expect(emailPart('Maëlle')).toBe('maelle');
});

describeEachDatabase('demo seed', (ctx) => {
  let campaignId: string;
  let result: SeedDemoResult;
  const progress: ImportProgress[] = [];
  beforeAll(async () => {
    campaignId = await createCampaign(ctx.database.db);
    result = await seedDemoTerritoryAndPeople(ctx.database.db, {
      campaignId,
      dir,
      manifest: syntheticCityManifest,
      peopleCount: PEOPLE,
      seed: 7,
      now: NOW,
      onProgress: (p) => progress.push(p),
    });
  });

  it('imports the territory and creates the people asked for, and says the city is generated', async () => {
    expect(result.import?.steps.every((s) => !s.error && s.skipped === 0)).toBe(true);
    expect(result).toMatchObject({ people: PEOPLE, synthetic: true, populationBasis: { layer: 'iris', indicator: 'population' } });
    const n = await ctx.database.db
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', campaignId)
      .where('source', '=', 'demo')
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(PEOPLE);
    const last = progress.filter((p) => p.step === 'people').at(-1);
    expect(last).toMatchObject({ done: PEOPLE, total: PEOPLE });
  });

  it('places people in each IRIS in proportion to its population', async () => {
    const iris = await peopleByZone(ctx.database.db, campaignId, 'iris');
    const total = iris.reduce((s, z) => s + z.population, 0);
    for (const z of iris) {
      expect(Math.abs(z.people - (PEOPLE * z.population) / total), `IRIS ${z.code}`).toBeLessThanOrEqual(1);
    }
    // The business IRIS has nobody living there.
    expect(iris.filter((z) => z.population === 0).map((z) => z.people)).toEqual([0]);
  });

  it('puts every person at a real address, in one zone of every layer', async () => {
    const db = ctx.database.db;
    const rows = await db
      .selectFrom('person as p')
      .leftJoin('address as a', (j) => j.onRef('a.campaign_id', '=', 'p.campaign_id').onRef('a.id', '=', 'p.address_id'))
      .select(['p.zone_ids', 'p.lon', 'p.lat', 'p.street_address', 'p.postcode', 'a.lon as alon', 'a.lat as alat', 'a.street'])
      .where('p.campaign_id', '=', campaignId)
      .execute();
    const layerOf = new Map(
      (
        await db
          .selectFrom('zone as z')
          .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
          .select(['z.id', 'l.code'])
          .where('z.campaign_id', '=', campaignId)
          .execute()
      ).map((z) => [z.id, z.code] as const),
    );
    for (const p of rows) {
      expect(p.alon).toBe(p.lon);
      expect(p.alat).toBe(p.lat);
      expect(p.street_address).toContain(p.street as string);
      expect(p.postcode).toMatch(/^750\d\d$/);
      expect(p.zone_ids.map((id) => layerOf.get(id)).sort()).toEqual(['arrondissement', 'bureau', 'iris', 'quartier']);
    }
    // The territory import also told every address its zones (what geocoding gives a person):
    // the same zones the demo's own locator gave the people living there.
    const addresses = await db
      .selectFrom('person as p')
      .innerJoin('address as a', (j) => j.onRef('a.campaign_id', '=', 'p.campaign_id').onRef('a.id', '=', 'p.address_id'))
      .select(['p.zone_ids', 'a.zone_ids as address_zones'])
      .where('p.campaign_id', '=', campaignId)
      .execute();
    expect(addresses.length).toBe(rows.length);
    for (const a of addresses) expect(a.address_zones).toEqual(a.zone_ids);
    const unlocated = await db
      .selectFrom('address')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('zone_ids', 'is', null)
      .execute();
    expect(unlocated).toEqual([]);
  });

  it('spreads people over the ladder, the weeks, e-mails and phones', async () => {
    const people = await ctx.database.db
      .selectFrom('person')
      .select(['email', 'phone', 'ladder_stage', 'created_at', 'modified_at', 'given_name', 'family_name'])
      .where('campaign_id', '=', campaignId)
      .execute();
    for (const stage of LADDER_STAGES) {
      const share = people.filter((p) => p.ladder_stage === stage).length / PEOPLE;
      expect(Math.abs(share - DEMO_STAGE_SHARES[stage]), stage).toBeLessThan(0.025);
      expect(result.stages[stage]).toBe(people.filter((p) => p.ladder_stage === stage).length);
    }
    expect(new Set(people.map((p) => p.email)).size).toBe(PEOPLE);
    for (const p of people) {
      expect(p.email).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+\.\d+@example\.org$/);
      expect(p.email?.startsWith(`${emailPart(p.given_name)}.${emailPart(p.family_name)}.`)).toBe(true);
      if (p.phone) expect(p.phone).toMatch(/^\+33[67]\d{8}$/);
      const created = new Date(p.created_at).getTime();
      expect(created).toBeGreaterThanOrEqual(NOW.getTime() - 12 * WEEK);
      expect(created).toBeLessThanOrEqual(NOW.getTime());
      expect(new Date(p.modified_at).getTime()).toBeGreaterThanOrEqual(created);
    }
    const phones = people.filter((p) => p.phone).length / PEOPLE;
    expect(phones).toBeGreaterThan(0.2);
    expect(phones).toBeLessThan(0.4);
    const perWeek = Array.from({ length: 12 }, (_, w) =>
      people.filter((p) => {
        const age = NOW.getTime() - new Date(p.created_at).getTime();
        return age >= (11 - w) * WEEK && age < (12 - w) * WEEK;
      }),
    );
    expect(perWeek.every((week) => week.length > 0)).toBe(true);
    // Sign-ups grow over the weeks.
    expect((perWeek[11] as unknown[]).length).toBeGreaterThan((perWeek[0] as unknown[]).length);
    expect(new Set(people.map((p) => p.family_name)).size).toBeGreaterThan(50);
  });

  it('gives people the history of their climb: one move per stage above curious, by the default rules, in the funnel', async () => {
    const { db } = ctx.database;
    const people = await db
      .selectFrom('person')
      .select(['id', 'ladder_stage', 'created_at', 'ladder_changed_at'])
      .where('campaign_id', '=', campaignId)
      .execute();
    const moves = await db
      .selectFrom('ladder_move')
      .select(['person_id', 'from_stage', 'to_stage', 'at', 'rule_id'])
      .where('campaign_id', '=', campaignId)
      .orderBy('at')
      .execute();
    const rank = { curious: 0, sympathizer: 1, volunteer: 2, activist: 3 } as const;
    expect(moves.length).toBe(people.reduce((n, p) => n + rank[p.ladder_stage], 0));
    for (const p of people) {
      const own = moves.filter((m) => m.person_id === p.id);
      expect(own.map((m) => m.to_stage)).toEqual(LADDER_STAGES.slice(1, rank[p.ladder_stage] + 1));
      for (const m of own) expect(m.at.getTime()).toBeGreaterThanOrEqual(p.created_at.getTime());
      if (own.length > 0) expect(p.ladder_changed_at?.getTime()).toBe(own.at(-1)?.at.getTime());
    }
    expect(moves.every((m) => m.rule_id !== null)).toBe(true);
    const report = await withTenant(db, campaignId, (trx) => ladderFunnel(trx, { campaignId, zoneScope: null }, { weeks: 12, asOf: NOW }));
    const perWeek = report.weeks.map((w) => w.conversions.reduce((n, c) => n + c.count, 0));
    expect(perWeek.filter((n) => n > 0).length).toBeGreaterThan(6);
    // People per stage at each week's end, as the history says: created before the end, at the stage
    // of their last move before it (else where they started).
    for (const week of report.weeks) {
      const end = new Date(`${week.start}T00:00:00Z`).getTime() + WEEK;
      const expected = Object.fromEntries(LADDER_STAGES.map((stage) => [stage, 0]));
      for (const p of people) {
        if (p.created_at.getTime() >= end) continue;
        const own = moves.filter((m) => m.person_id === p.id);
        const before = own.filter((m) => m.at.getTime() < end).at(-1);
        const stage = before ? before.to_stage : (own[0]?.from_stage ?? p.ladder_stage);
        expected[stage] = (expected[stage] ?? 0) + 1;
      }
      expect(week.stages, week.week).toEqual(expected);
    }
    expect(report.zones.some((z) => z.weeks.some((w) => w.conversions.length > 0))).toBe(true);
  });

  it('records consents through the ledger, and the people carry them', async () => {
    const db = ctx.database.db;
    const ledger = await db
      .selectFrom('consent')
      .select(['channel', (eb) => eb.fn.countAll<string>().as('n')])
      .where('campaign_id', '=', campaignId)
      .where('source', '=', 'demo')
      .where('status', '=', 'given')
      .groupBy('channel')
      .execute();
    const byChannel = Object.fromEntries(ledger.map((r) => [r.channel, Number(r.n)]));
    expect(byChannel).toEqual(result.consents);
    // About two thirds by e-mail (everyone has one); SMS only for people with a mobile.
    expect(result.consents.email / PEOPLE).toBeGreaterThan(0.55);
    expect(result.consents.email / PEOPLE).toBeLessThan(0.75);
    expect(result.consents.sms).toBeGreaterThan(0);
    expect(result.consents.sms).toBeLessThanOrEqual(result.withPhone);
    const flags = await db
      .selectFrom('person')
      .select([
        (eb) => eb.fn.countAll<string>().filterWhere('consent_email', '=', true).as('email'),
        (eb) => eb.fn.countAll<string>().filterWhere('consent_sms', '=', true).as('sms'),
        (eb) =>
          eb.fn
            .countAll<string>()
            .filterWhere((w) => w.and([w('consent_sms', '=', true), w('phone', 'is', null)]))
            .as('sms_no_phone'),
      ])
      .where('campaign_id', '=', campaignId)
      .executeTakeFirstOrThrow();
    expect({ email: Number(flags.email), sms: Number(flags.sms), sms_no_phone: Number(flags.sms_no_phone) }).toEqual({
      ...result.consents,
      sms_no_phone: 0,
    });
  });

  it('has people who signed up twice, whom the duplicates review finds', async () => {
    // About one in 500: at 4,000 people, a handful of pairs.
    expect(result.twins).toBeGreaterThanOrEqual(3);
    expect(result.twins).toBeLessThanOrEqual(20);
    const found = await withTenant(ctx.database.db, campaignId, (trx) =>
      findDuplicates(trx, { campaignId, zoneScope: null }, { page: 1, perPage: 100 }),
    );
    const sameAddress = found.rows.filter((r) => r.reasons.includes('similar_name_same_address'));
    expect(sameAddress.length).toBeGreaterThanOrEqual(result.twins);
  });

  it('re-seeds in place: same people for the same seed, no duplicates', async () => {
    const db = ctx.database.db;
    const emails = async () =>
      (await db.selectFrom('person').select('email').where('campaign_id', '=', campaignId).execute()).map((p) => p.email).sort();
    const before = await emails();
    const again = await seedDemoTerritoryAndPeople(db, {
      campaignId,
      dir,
      manifest: syntheticCityManifest,
      peopleCount: PEOPLE,
      seed: 7,
      now: NOW,
      importTerritory: false,
    });
    expect(again.import).toBeNull();
    expect(await emails()).toEqual(before);
  });

  it('falls back to the arrondissement population without IRIS figures', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const noIris: CityManifest = {
      ...syntheticCityManifest,
      indicators: syntheticCityManifest.indicators.filter((i) => i.layer === 'arrondissement'),
    };
    const r = await seedDemoTerritoryAndPeople(db, { campaignId: other, dir, manifest: noIris, peopleCount: 1000, seed: 3, now: NOW });
    expect(r.populationBasis).toEqual({ layer: 'arrondissement', indicator: 'population' });
    const arr = await peopleByZone(db, other, 'arrondissement');
    const total = arr.reduce((s, z) => s + z.population, 0);
    for (const z of arr) expect(Math.abs(z.people - (1000 * z.population) / total)).toBeLessThanOrEqual(1);
  });

  it('seeds the default 32,000 people', async () => {
    const db = ctx.database.db;
    const other = await createCampaign(db);
    const r = await seedDemoTerritoryAndPeople(db, { campaignId: other, dir, manifest: syntheticCityManifest, now: NOW });
    expect(r.people).toBe(32000);
    const { n } = await db
      .selectFrom('person')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('campaign_id', '=', other)
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(32000);
  }, 120_000);
});
