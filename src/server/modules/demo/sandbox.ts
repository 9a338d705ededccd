// Sandboxes for hackathons (`relais sandbox`): a throw-away campaign with the demo's generated data
// (the demo seed: territory, addresses, people over the ladder, consents) and an operator's API
// token carrying every read scope; removed with everything it holds by `relais sandbox --remove`.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.ts';
import { type Database, withTenant } from '../../db/database.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { AppError } from '../../http/problem.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { demoRoundDays, seedDemoCalendar } from '../calendar/index.ts';
import { createApiToken, notifyTokenChange, readScopes } from '../identity/index.ts';
import { demoCityOf, type SeedProgress } from './demo.campaign.ts';
import { seedDemoTerritoryAndPeople } from './demo.seed.ts';

export const SANDBOX_PREFIX = 'sandbox-';
/** People generated in a sandbox unless asked otherwise: enough to page, filter and map. */
export const SANDBOX_DEFAULT_PEOPLE = 2000;

export interface Sandbox {
  slug: string;
  campaign_id: string;
  /** The API token's secret (every read scope), shown once. */
  token: string;
  scopes: string[];
  api_url: string;
  people: number;
  /** True when the data is a generated city, not Paris. */
  synthetic: boolean;
  remove_command: string;
}

/** Creates a sandbox campaign, seeds it and makes its read-only token. */
export async function createSandbox(
  deps: { config: Config; database: Database },
  options: { peopleCount?: number; synthetic?: boolean; onProgress?: (p: SeedProgress) => void; log?: (m: string) => void } = {},
): Promise<Sandbox> {
  const { db } = deps.database;
  const slug = `${SANDBOX_PREFIX}${randomBytes(3).toString('hex')}`;
  const city = await demoCityOf(deps.config, options);
  const campaignId = uuidv7();
  await db
    .insertInto('campaign')
    .values({
      id: campaignId,
      slug,
      name: `Bac à sable ${slug.slice(SANDBOX_PREFIX.length)}`,
      city: city.synthetic ? 'Ville synthétique' : 'Paris',
      // The first round of the calendar seeded below.
      election_date: demoRoundDays(new Date())[0],
      settings: JSON.stringify({ sandbox: true, synthetic: city.synthetic }),
    })
    .execute();
  await withTenant(db, campaignId, (trx) => seedDemoCalendar(trx, campaignId));
  const seeded = await seedDemoTerritoryAndPeople(db, {
    campaignId,
    dir: city.dir,
    manifest: city.manifest,
    seed: Number.parseInt(slug.slice(SANDBOX_PREFIX.length), 16),
    peopleCount: options.peopleCount ?? SANDBOX_DEFAULT_PEOPLE,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const scopes = readScopes();
  const created = await withTenant(db, campaignId, (trx) =>
    createApiToken(
      trx,
      { campaignId, userId: null, tokenId: null, label: 'cli', role: 'owner', zoneScope: null, ip: null },
      { application: 'Bac à sable', name: slug, description: 'Jeton de lecture du bac à sable (relais sandbox)', scopes },
    ),
  );
  return {
    slug,
    campaign_id: campaignId,
    token: created.token,
    scopes,
    api_url: `${deps.config.publicUrl}/api/v1`,
    people: seeded.people,
    synthetic: city.synthetic,
    remove_command: `relais sandbox --remove ${slug}`,
  };
}

/** Deletes a sandbox campaign and everything it holds (rows and stored files); refuses any other campaign. */
export async function removeSandbox(deps: { config: Config; database: Database }, slug: string): Promise<void> {
  const { db } = deps.database;
  const campaign = await db.selectFrom('campaign').select(['id', 'settings']).where('slug', '=', slug).executeTakeFirst();
  if (!campaign) throw new AppError('NOT_FOUND', `No campaign "${slug}".`);
  if (!(campaign.settings as { sandbox?: boolean }).sandbox) {
    throw new AppError('NOT_A_SANDBOX', `"${slug}" is not a sandbox: only campaigns made by \`relais sandbox\` are removed this way.`);
  }
  // Every tenant row goes with the campaign (foreign keys cascade from it, directly or through the
  // person, zone and address rows); its tokens too, which every server instance hears of at commit.
  await db.transaction().execute(async (trx) => {
    const tokens = await trx.selectFrom('api_token').select('id').where('campaign_id', '=', campaign.id).execute();
    for (const { id } of tokens) await notifyTokenChange(trx, { tokenId: id });
    await trx.deleteFrom('campaign').where('id', '=', campaign.id).execute();
  });
  await fileStoreOf(deps.config).deletePrefix(`uploads/${campaign.id}`);
}
