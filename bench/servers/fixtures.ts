// Bench data: a campaign with a few zone layers and zones, and an API token to read them.
import type { Db } from '../../src/server/db/database.ts';
import { withTenant } from '../../src/server/db/database.ts';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { createApiToken } from '../../src/server/modules/identity/identity.service.ts';
import { createCampaignFixture } from '../../src/server/testing/app.ts';

export interface BenchFixture {
  campaignId: string;
  /** The API token secret (rl_…), to send as `Authorization: Bearer`. */
  token: string;
}

// Layers added to the test fixture's one (arrondissements, two zones): a few more rows to read.
const EXTRA_LAYERS = [
  { code: 'bureau', name: 'Bureaux de vote', zones: 4 },
  { code: 'iris', name: 'IRIS', zones: 6 },
];

function squareAt(x: number, y: number) {
  return {
    geometry: JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 1, y],
          [x + 1, y + 1],
          [x, y + 1],
          [x, y],
        ],
      ],
    }),
    bbox: [x, y, x + 1, y + 1],
    centroid: [x + 0.5, y + 0.5],
  };
}

/** Creates the bench campaign (three layers, twelve zones) and a read-only API token. */
export async function createBenchFixture(db: Db): Promise<BenchFixture> {
  // One campaign per server process, so that several may share a database.
  const campaign = await createCampaignFixture(db, `bench-${process.pid}`);
  for (const [row, layer] of EXTRA_LAYERS.entries()) {
    const layerId = uuidv7();
    await db
      .insertInto('zone_layer')
      .values({ campaign_id: campaign.id, id: layerId, code: layer.code, name: layer.name, position: row + 1 })
      .execute();
    await db
      .insertInto('zone')
      .values(
        Array.from({ length: layer.zones }, (_, i) => ({
          campaign_id: campaign.id,
          id: uuidv7(),
          layer_id: layerId,
          code: String(i + 1),
          name: `${layer.name} ${i + 1}`,
          parent_id: null,
          ...squareAt(i, row + 1),
        })),
      )
      .execute();
  }
  const created = await withTenant(db, campaign.id, (trx) =>
    createApiToken(
      trx,
      { campaignId: campaign.id, userId: null, tokenId: null, label: 'bench', role: 'owner', zoneScope: null, ip: null },
      { name: 'bench', scopes: ['zones:read', 'dashboard:read'] },
    ),
  );
  return { campaignId: campaign.id, token: created.token };
}
