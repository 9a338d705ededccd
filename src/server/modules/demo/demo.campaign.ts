// The demo campaign "Paris 2026": open data of Paris (or, offline with no mirror, a generated
// city, said so), ~32,000 generated contacts at real addresses, and one staff account per role.
import path from 'node:path';
import type { Config } from '../../config.ts';
import { withTenant } from '../../db/database.ts';
import type { Role } from '../../db/schema.ts';
import { fileStoreOf } from '../../files/storage.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { type FetchResult, fetchOpenData } from '../../opendata/fetch.ts';
import type { CityManifest } from '../../opendata/manifest.ts';
import { cityManifests, parisManifest } from '../../opendata/paris.manifest.ts';
import { generateSyntheticCity } from '../../opendata/synthetic-city.ts';
import type { Runtime } from '../../runtime.ts';
import { demoRoundDays, seedDemoCalendar } from '../calendar/index.ts';
import { seedDemoEvents } from '../events/index.ts';
import { seedDemoFactchecks } from '../factchecks/index.ts';
import { createUser } from '../identity/index.ts';
import { seedDemoMedia } from '../media/index.ts';
import { seedDemoPetitions } from '../petitions/index.ts';
import { seedDemoTargeting } from '../targeting/index.ts';
import { seedDemoVote } from '../votes/index.ts';
import { seedDemoNewsletter } from './demo.newsletter.ts';
import { seedDemoTerritoryAndPeople } from './demo.seed.ts';
import { seedDemoSite } from './demo.site.ts';

export const DEMO_SLUG = 'paris-2026';
export const DEMO_PASSWORD = 'relais-demo-2026';

/** One demo account per role; the referent covers the 11e arrondissement (or the first zone). */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'directrice@demo.relais.fr', name: 'Claire Directrice', role: 'owner' },
  { email: 'admin@demo.relais.fr', name: 'Hugo Admin', role: 'admin' },
  { email: 'organisateur@demo.relais.fr', name: 'Samir Organisateur', role: 'organizer' },
  { email: 'referent11@demo.relais.fr', name: 'Léa Référente (11e)', role: 'referent' },
  { email: 'cm@demo.relais.fr', name: 'Nina Community', role: 'community_manager' },
  { email: 'moderatrice@demo.relais.fr', name: 'Inès Modératrice', role: 'moderator' },
  { email: 'candidate@demo.relais.fr', name: 'Anne Candidate', role: 'candidate' },
  { email: 'benevole@demo.relais.fr', name: 'Tom Bénévole', role: 'volunteer' },
];

export interface SeedProgress {
  step: string;
  done: number;
  total?: number | null;
}

/**
 * What the demo's set-up tells its operator (which data it runs on): the caller words it (the CLI
 * in its locale), so the server module holds no sentence of its own.
 */
export type DemoNotice =
  | { kind: 'opendata-unavailable'; error: string }
  | { kind: 'opendata'; source: FetchResult['source']; dir: string }
  | { kind: 'synthetic' };

export interface SeededDemo {
  created: boolean;
  campaignId: string;
  synthetic: boolean;
}

/** Gets a city's files: the local mirror when configured, else the download cache under DATA_DIR. */
export async function fetchCityData(
  config: Pick<Config, 'opendataDir' | 'dataDir'>,
  city: string,
  onProgress?: (p: SeedProgress) => void,
): Promise<FetchResult & { manifest: CityManifest }> {
  const manifest = cityManifests[city];
  if (!manifest) throw new Error(`No open-data manifest for "${city}" (known: ${Object.keys(cityManifests).join(', ')}).`);
  const result = await fetchOpenData({
    city: manifest,
    mirrorDir: config.opendataDir,
    cacheDir: path.join(config.dataDir, 'opendata', city),
    // A mirror is used in place: only downloads have progress worth showing.
    onProgress: (p) => {
      if (p.state === 'downloading' || p.state === 'done') onProgress?.({ step: p.file, done: p.done, total: p.total });
    },
  });
  return { ...result, manifest };
}

/**
 * The city a demo (or a sandbox) is built on: Paris's open data (mirror or download), else, offline,
 * a small generated city, said so through `log`.
 */
export async function demoCityOf(
  config: Pick<Config, 'opendataDir' | 'dataDir'>,
  options: { synthetic?: boolean; onProgress?: (p: SeedProgress) => void; log?: (notice: DemoNotice) => void } = {},
): Promise<{ dir: string; manifest: CityManifest; synthetic: boolean }> {
  const log = options.log ?? (() => {});
  const fetched = options.synthetic
    ? null
    : await fetchCityData(config, 'paris', options.onProgress).catch((error: Error) => {
        log({ kind: 'opendata-unavailable', error: error.message });
        return null;
      });
  const required = parisManifest.files.filter((f) => !f.optional).map((f) => f.name);
  if (fetched && !fetched.missing.some((m) => required.includes(m))) {
    log({ kind: 'opendata', source: fetched.source, dir: fetched.dir });
    return { dir: fetched.dir, manifest: parisManifest, synthetic: false };
  }
  const dir = path.join(config.dataDir, 'opendata', 'synthetic');
  // Numbered from the 10th, so that the demo's referent of the 11th has their arrondissement.
  const city = await generateSyntheticCity(dir, { seed: 2026, firstArrondissement: 10 });
  log({ kind: 'synthetic' });
  return { dir, manifest: city.manifest, synthetic: true };
}

/** Seeds the demo campaign unless it exists; returns what it did. */
export async function seedDemoCampaign(
  runtime: Runtime,
  options: {
    onProgress?: (p: SeedProgress) => void;
    log?: (notice: DemoNotice) => void;
    peopleCount?: number;
    /** Skip the open data and use the generated city (tests). */
    synthetic?: boolean;
  } = {},
): Promise<SeededDemo> {
  const { db } = runtime.database;
  const existing = await db.selectFrom('campaign').select(['id', 'settings']).where('slug', '=', DEMO_SLUG).executeTakeFirst();
  if (existing) {
    return { created: false, campaignId: existing.id, synthetic: Boolean((existing.settings as { synthetic?: boolean }).synthetic) };
  }

  const { dir, manifest, synthetic } = await demoCityOf(runtime.config, options);
  const campaignId = uuidv7();
  await db
    .insertInto('campaign')
    .values({
      id: campaignId,
      slug: DEMO_SLUG,
      name: 'Paris 2026',
      city: synthetic ? 'Ville synthétique' : 'Paris',
      // The first round of the calendar seeded below.
      election_date: demoRoundDays(new Date())[0],
      settings: JSON.stringify({ synthetic, demo: true }),
    })
    .execute();
  // Two rounds a few months ahead: the demo is never inside the electoral silence by accident.
  await withTenant(db, campaignId, (trx) => seedDemoCalendar(trx, campaignId));
  await seedDemoTerritoryAndPeople(db, {
    campaignId,
    dir,
    manifest,
    seed: 2026,
    ...(options.peopleCount ? { peopleCount: options.peopleCount } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const arrondissements = await db
    .selectFrom('zone')
    .innerJoin('zone_layer as l', (j) => j.onRef('l.id', '=', 'zone.layer_id').onRef('l.campaign_id', '=', 'zone.campaign_id'))
    .select(['zone.id', 'zone.code'])
    .where('zone.campaign_id', '=', campaignId)
    .where('l.code', '=', 'arrondissement')
    .execute();
  const referentZone = arrondissements.find((z) => z.code === '11') ?? arrondissements[0];
  for (const account of DEMO_ACCOUNTS) {
    const found = await db.selectFrom('staff_user').select('id').where('email', '=', account.email).executeTakeFirst();
    const userId = found?.id ?? (await createUser(db, { email: account.email, displayName: account.name, password: DEMO_PASSWORD }));
    await db
      .insertInto('membership')
      .values({
        campaign_id: campaignId,
        user_id: userId,
        role: account.role,
        zone_ids: account.role === 'referent' && referentZone ? [referentZone.id] : [],
      })
      .execute();
  }
  // A newsletter sent two weeks ago, with its report: what a new user opens the mailings screen to.
  await seedDemoNewsletter(db, campaignId, { seed: 2026 });
  // Targeting: favourable abstainers of the 20th, ranked (its turfs are cut from there).
  await seedDemoTargeting(db, campaignId);
  // The 20th's buildings cut into turfs, one of them the demo volunteer's today (real data only).
  if (!synthetic) {
    const { seedDemoField } = await import('../field/index.ts');
    await seedDemoField(runtime.database, runtime.config, campaignId, { dir, zoneCode: '20', volunteerEmail: 'benevole@demo.relais.fr' });
  }
  // The public site: the candidate's message, twenty arrondissement pages with their running mates, news.
  await seedDemoSite(db, campaignId, { seed: 2026 });
  // Three petitions with their signatures (the site's petitions pages, the back office's lists).
  await seedDemoPetitions(db, campaignId, { seed: 2026 });
  // A dozen events in the arrondissements, with RSVPs (one full with a waitlist, one past with check-ins).
  await seedDemoEvents(db, campaignId);
  // "Le vrai du faux" and the official poster's vote, on the public site.
  await seedDemoFactchecks(db, campaignId);
  await seedDemoVote(db, campaignId);
  // Volunteers' photos: three in the gallery, one waiting for moderation with a GPS position in its EXIF.
  await seedDemoMedia(db, fileStoreOf(runtime.config), campaignId);
  return { created: true, campaignId, synthetic };
}
