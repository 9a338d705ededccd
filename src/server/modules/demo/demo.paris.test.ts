// The demo seed on the real Paris open data (32,000 people), when a local mirror is there;
// skipped otherwise.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { findLocalMirror } from '../../opendata/mirror.ts';
import { parisManifest } from '../../opendata/paris.manifest.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import { seedDemoField } from '../field/index.ts';
import { createUser } from '../identity/index.ts';
import { type SeedDemoResult, seedDemoTerritoryAndPeople } from './demo.seed.ts';

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);

describe.skipIf(!mirror)('Paris demo', () => {
  describeEachDatabase('Paris demo seed', (ctx) => {
    let campaignId: string;
    let result: SeedDemoResult;
    beforeAll(async () => {
      campaignId = uuidv7();
      await ctx.database.db.insertInto('campaign').values({ id: campaignId, slug: 'paris-demo', name: 'Paris 2026' }).execute();
      result = await seedDemoTerritoryAndPeople(ctx.database.db, { campaignId, dir: mirror as string, manifest: parisManifest });
      // A limit for a hung seed, not a timing check: ~50 s alone, several times that on a shared 2-core CI.
    }, 900_000);

    // Timing is for benchmarks, not for the suite: only what was seeded is checked here.
    it('seeds 32,000 Parisians from the IRIS population', () => {
      expect(result).toMatchObject({ people: 32_000, synthetic: false, populationBasis: { layer: 'iris', indicator: 'population' } });
    });

    it('gives each arrondissement its share of the population', async () => {
      const db = ctx.database.db;
      const arr = await db
        .selectFrom('zone as z')
        .innerJoin('zone_layer as l', (j) => j.onRef('l.campaign_id', '=', 'z.campaign_id').onRef('l.id', '=', 'z.layer_id'))
        .innerJoin('zone_indicator as i', (j) =>
          j.onRef('i.campaign_id', '=', 'z.campaign_id').onRef('i.zone_id', '=', 'z.id').on('i.name', '=', 'population'),
        )
        .select(['z.id', 'z.code', 'i.value'])
        .where('z.campaign_id', '=', campaignId)
        .where('l.code', '=', 'arrondissement')
        .execute();
      expect(arr).toHaveLength(20);
      const people = await db.selectFrom('person').select(['zone_ids', 'postcode']).where('campaign_id', '=', campaignId).execute();
      const total = arr.reduce((s, z) => s + z.value, 0);
      for (const z of arr) {
        const inZone = people.filter((p) => p.zone_ids.includes(z.id)).length;
        // Within 0.3 percentage point of the population share (IRIS without any address lose theirs).
        expect(Math.abs(inZone / people.length - z.value / total), `arrondissement ${z.code}`).toBeLessThan(0.003);
      }
      const arrIds = new Set(arr.map((z) => z.id));
      expect(people.every((p) => p.zone_ids.some((id) => arrIds.has(id)))).toBe(true);
      expect(people.every((p) => /^75\d{3}$/.test(p.postcode))).toBe(true);
    });

    it("makes the 20th arrondissement's buildings, cuts them into turfs and gives the volunteer one for today", async () => {
      const userId = await createUser(ctx.database.db, {
        email: 'benevole-field@demo.test',
        displayName: 'Tom',
        password: 'correct-horse-battery',
      });
      await ctx.database.db.insertInto('membership').values({ campaign_id: campaignId, user_id: userId, role: 'volunteer' }).execute();
      const turfs = await seedDemoField(ctx.database, loadConfig(), campaignId, {
        dir: mirror as string,
        zoneCode: '20',
        volunteerEmail: 'benevole-field@demo.test',
      });
      expect(turfs).toBeGreaterThan(50);
      const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
      const assigned = await ctx.database.db
        .selectFrom('turf_assignment')
        .select('turf_id')
        .where('staff_user_id', '=', userId)
        .where('on_date', '=', today)
        .execute();
      expect(assigned).toHaveLength(1);
      const social = await ctx.database.db
        .selectFrom('building')
        .select('id')
        .where('campaign_id', '=', campaignId)
        .where('doors_source', '=', 'social_housing')
        .execute();
      expect(social.length).toBeGreaterThan(100);
    }, 600_000);
  });
});
