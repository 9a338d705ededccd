// The importer on the real Paris open data, when a local mirror is there (RELAIS_OPENDATA_DIR, or
// ../shared/data/paris beside the repository); skipped otherwise.
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { findLocalMirror } from '../../opendata/mirror.ts';
import { parisManifest } from '../../opendata/paris.manifest.ts';
import { describeEachDatabase } from '../../testing/databases.ts';
import type { AreaGeometry } from './geometry.ts';
import { type ImportReport, importTerritory } from './territory.importer.ts';
import { listLayers, listZones } from './territory.repo.ts';
import { createZoneLocator } from './zone-locator.ts';
import { computeMetricValues, zoneProfile } from './zone-metrics.ts';

const mirror = findLocalMirror(parisManifest, loadConfig().opendataDir);

describe.skipIf(!mirror)('Paris open data', () => {
  describeEachDatabase('Paris import', (ctx) => {
    let campaignId: string;
    let report: ImportReport;
    const inTenant = <T>(fn: (trx: Kysely<DB>) => Promise<T>) => withTenant(ctx.database.db, campaignId, fn);

    beforeAll(async () => {
      campaignId = uuidv7();
      await ctx.database.db.insertInto('campaign').values({ id: campaignId, slug: 'paris-import', name: 'Paris' }).execute();
      report = await importTerritory(ctx.database.db, { campaignId, dir: mirror as string, manifest: parisManifest });
      // A limit for a hung import, not a timing check (the machine may be shared with other work).
    }, 900_000);

    it('imports the four layers of Paris with their parents', async () => {
      expect(report.missingFiles).toEqual([]);
      expect(report.steps.filter((s) => s.error)).toEqual([]);
      const layers = await inTenant((trx) => listLayers(trx));
      expect(Object.fromEntries(layers.map((l) => [l.code, l.zones_count]))).toEqual({
        arrondissement: 20,
        quartier: 80,
        bureau: 902,
        iris: 992,
      });
      const zones = await inTenant((trx) => listZones(trx));
      expect(zones.filter((z) => z.layer !== 'arrondissement' && !z.parent_id)).toEqual([]);
      const arr = new Map(zones.filter((z) => z.layer === 'arrondissement').map((z) => [z.id, z.code]));
      // A polling station "11-7" belongs to the 11th.
      for (const b of zones.filter((z) => z.layer === 'bureau')) expect(arr.get(b.parent_id as string)).toBe(b.code.split('-')[0]);
    });

    it('imports indicators, results and addresses with the totals the sources give', async () => {
      const iris = await inTenant((trx) => listZones(trx, { layerCode: 'iris' }));
      const population = iris.reduce((s, z) => s + (z.indicators.population ?? 0), 0);
      expect(Math.abs(population - 2_133_125)).toBeLessThan(100);
      const arr = await inTenant((trx) => listZones(trx, { layerCode: 'arrondissement' }));
      expect(arr.find((z) => z.code === '11')?.indicators.population).toBeGreaterThan(100_000);
      const euro = await ctx.database.db
        .selectFrom('election_result')
        .select((eb) => [eb.fn.sum<string>('votes').as('votes'), eb.fn.count<string>('zone_id').distinct().as('zones')])
        .where('campaign_id', '=', campaignId)
        .where('election', '=', 'europeennes-2024')
        .executeTakeFirstOrThrow();
      expect({ votes: Number(euro.votes), zones: Number(euro.zones) }).toEqual({ votes: 814_577, zones: 902 });
      const municipales = report.steps.find((s) => s.step === 'results:municipales-2020/1');
      expect(municipales).toMatchObject({ skipped: 0 });
      expect(municipales?.details['zones with results']).toBeGreaterThan(890);
      expect(report.steps.find((s) => s.step === 'addresses')).toMatchObject({ imported: 158_048, skipped: 0 });
    });

    it('locates BAN addresses in their arrondissement', async () => {
      const db = ctx.database.db;
      const arr = await inTenant((trx) => listZones(trx, { layerCode: 'arrondissement', withGeometry: true }));
      const locator = createZoneLocator(arr.map((z) => ({ id: z.id, geometry: z.geometry as AreaGeometry, bbox: z.bbox })));
      const codeOf = new Map(arr.map((z) => [z.id, z.code]));
      const voltaire = await db
        .selectFrom('address')
        .select(['lon', 'lat'])
        .where('campaign_id', '=', campaignId)
        .where('street', '=', 'Boulevard Voltaire')
        .where('number', '=', '100')
        .where('postcode', '=', '75011')
        .executeTakeFirstOrThrow();
      expect(locator.locate(voltaire.lon, voltaire.lat).map((id) => codeOf.get(id))).toEqual(['11']);
      // Nearly every address falls in the arrondissement of its INSEE code (75101…75120).
      const all = await db.selectFrom('address').select(['city_code', 'lon', 'lat']).where('campaign_id', '=', campaignId).execute();
      const agree = all.filter((a) => {
        const [id] = locator.locate(a.lon, a.lat);
        return id !== undefined && `751${String(codeOf.get(id)).padStart(2, '0')}` === a.city_code;
      }).length;
      expect(agree / all.length).toBeGreaterThan(0.995);
    });

    it('reads the européennes on the 902 polling stations and sums them per arrondissement', async () => {
      const layers = await inTenant((trx) => listLayers(trx));
      const bureau = layers.find((l) => l.code === 'bureau') as { id: string; code: string };
      const arrLayer = layers.find((l) => l.code === 'arrondissement') as { id: string; code: string };
      const turnout = await inTenant((trx) =>
        computeMetricValues(trx, { campaignId, layer: bureau, metric: 'turnout:europeennes-2024:1' }),
      );
      expect(turnout?.values).toHaveLength(902);
      for (const v of turnout?.values ?? []) expect(v.value).toBeGreaterThan(20);
      const arr = await inTenant((trx) => listZones(trx, { layerCode: 'arrondissement' }));
      const eleventh = arr.find((z) => z.code === '11') as { id: string };
      const profile = await inTenant((trx) => zoneProfile(trx, campaignId, { id: eleventh.id, layer: arrLayer }));
      const euro = profile.elections.find((e) => e.election === 'europeennes-2024');
      expect(euro?.label).toBe('Européennes 2024');
      expect(euro?.stations).toBeGreaterThan(40);
      expect(euro?.candidates[0]?.name).toBe('Raphaël Glucksmann');
      expect(euro?.turnout).toBeGreaterThan(50);
      const stations = await inTenant((trx) => listZones(trx, { layerCode: 'bureau' }));
      const station = stations.find((z) => z.code === '11-7') as { id: string };
      const own = await inTenant((trx) => zoneProfile(trx, campaignId, { id: station.id, layer: bureau }));
      expect(own.indicators.find((i) => i.name === 'niveau_vie_median')).toMatchObject({
        label: { fr: 'Niveau de vie médian' },
        source_layer: 'iris',
      });
      expect(own.elections.map((e) => e.label)).toEqual(
        expect.arrayContaining(['Européennes 2024', 'Présidentielle 2022, 2d tour', 'Municipales 2020, 1er tour']),
      );
    });
  });
});
