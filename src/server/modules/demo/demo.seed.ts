// Demo data: imports a city's territory and addresses, then generates contacts living at real
// addresses in proportion to the population of each zone, spread over the engagement ladder and
// over the last 12 weeks, so that every screen has a realistic picture. Deterministic per seed.
import { type Kysely, sql } from 'kysely';
import { stageRank } from '../../../shared/enums.ts';
import { type BulkRow, type BulkTarget, bulkLoad, openBulkLoad } from '../../db/bulk-load.ts';
import { refreshStatistics, withTenant } from '../../db/database.ts';
import { type DB, LADDER_STAGES, type LadderStage } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { CityManifest } from '../../opendata/manifest.ts';
import { createRandom, type Random } from '../../opendata/prng.ts';
import { DEFAULT_RULES } from '../people/index.ts';
import { type AreaGeometry, createZoneLocator, type ImportProgress, type ImportReport, importTerritory } from '../territory/index.ts';
import { FAMILY_NAMES, GIVEN_NAMES } from './french-names.ts';

export interface SeedDemoOptions {
  campaignId: string;
  /** Folder of the city's files (mirror, download cache or generated city). */
  dir: string;
  manifest: CityManifest;
  peopleCount?: number;
  seed?: number;
  /** "Now" for the 12-week spread of sign-up dates (tests pin it). */
  now?: Date;
  /** false when the territory is already imported. */
  importTerritory?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

export interface SeedDemoResult {
  import: ImportReport | null;
  people: number;
  /** Where the population weights came from; null = addresses weighted equally (no indicator). */
  populationBasis: { layer: string; indicator: string } | null;
  stages: Record<LadderStage, number>;
  withPhone: number;
  /** People who signed up twice (a pair each for the duplicates review). */
  twins: number;
  /** True when the city is a generated one (the demo says so). */
  synthetic: boolean;
  /** Consents recorded in the ledger per channel. */
  consents: { email: number; sms: number };
  durationMs: number;
}

/** Share of each ladder stage among demo contacts. */
export const DEMO_STAGE_SHARES: Readonly<Record<LadderStage, number>> = {
  curious: 0.62,
  sympathizer: 0.25,
  volunteer: 0.09,
  activist: 0.04,
};
const PHONE_SHARE = 0.3;
const WEEKS = 12;
const WEEK_MS = 7 * 24 * 3600 * 1000;

interface DemoZone {
  id: string;
  layer: string;
  geometry: AreaGeometry;
  bbox: number[];
}

interface DemoAddress {
  id: string;
  number: string;
  street: string;
  postcode: string;
  city: string;
  lon: number;
  lat: number;
}

async function loadZones(db: Kysely<DB>, campaignId: string): Promise<DemoZone[]> {
  const rows = await db
    .selectFrom('zone')
    .innerJoin('zone_layer', (j) => j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'))
    .select(['zone.id', 'zone_layer.code as layer', 'zone.geometry', 'zone.bbox'])
    .where('zone.campaign_id', '=', campaignId)
    .orderBy('zone_layer.position')
    .orderBy('zone.code')
    .execute();
  return rows.map((r) => ({ id: r.id, layer: r.layer, geometry: r.geometry as AreaGeometry, bbox: r.bbox }));
}

/** Latest value of an indicator for the zones of a layer. */
async function loadIndicator(db: Kysely<DB>, campaignId: string, layer: string, name: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ zone_id: string; value: number }>`
    select distinct on (i.zone_id) i.zone_id, i.value
    from zone_indicator i
    join zone z on z.campaign_id = i.campaign_id and z.id = i.zone_id
    join zone_layer l on l.campaign_id = z.campaign_id and l.id = z.layer_id
    where i.campaign_id = ${campaignId} and l.code = ${layer} and i.name = ${name}
    order by i.zone_id, i.year desc`.execute(db);
  return new Map(rows.map((r) => [r.zone_id, Number(r.value)] as const));
}

/** Splits n into integer parts proportional to the weights (largest remainder). */
export function apportion(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (n * w) / total);
  const parts = exact.map(Math.floor);
  let rest = n - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (rest-- <= 0) break;
    parts[i] = (parts[i] as number) + 1;
  }
  return parts;
}

/** Lower-case ASCII form of a name for an e-mail local part ("Marie-Hélène" → "marie-helene"). */
export function emailPart(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Rank-weighted choice: the first names of a list are the most frequent. */
function zipfPicker(random: Random, items: readonly string[]): () => string {
  const cumulative: number[] = [];
  let sum = 0;
  for (let i = 0; i < items.length; i++) {
    sum += 1 / (i + 8);
    cumulative.push(sum);
  }
  return () => {
    const x = random.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return items[lo] as string;
  };
}

/**
 * Mobile numbers from the block ARCEP reserves for fiction (06 39 98 xx xx), drawn without
 * repetition while they last, so that no demo SMS can reach a real person.
 */
function fictionalMobiles(random: Random): () => string {
  const pool = Array.from({ length: 10000 }, (_, i) => i);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
  }
  let next = 0;
  return () => `+3363998${String(pool[next++ % pool.length]).padStart(4, '0')}`;
}

/** Picks a sign-up date in the last 12 weeks: newcomers grow week by week, the engaged joined earlier. */
function signupDate(random: Random, stage: LadderStage, now: number): Date {
  const weights = Array.from({ length: WEEKS }, (_, w) => (stage === 'curious' || stage === 'sympathizer' ? 1 + 0.12 * w : 1.6 - 0.09 * w));
  const week = random.weighted(weights); // 0 = oldest
  const start = now - (WEEKS - week) * WEEK_MS;
  return new Date(Math.min(now - 60_000, start + random.next() * WEEK_MS));
}

/** Imports the city and generates demo contacts at real addresses, in proportion to population. */
export async function seedDemoTerritoryAndPeople(db: Kysely<DB>, options: SeedDemoOptions): Promise<SeedDemoResult> {
  const started = Date.now();
  const { campaignId, manifest } = options;
  const peopleCount = options.peopleCount ?? 32000;
  const random = createRandom(options.seed ?? 2026);
  const now = (options.now ?? new Date()).getTime();
  const report =
    options.importTerritory === false
      ? null
      : await importTerritory(db, { campaignId, dir: options.dir, manifest, onProgress: options.onProgress });

  // Where people can live: addresses inside a zone of the top layer.
  const zones = await loadZones(db, campaignId);
  const topLayer = zones[0]?.layer;
  if (!topLayer) throw new Error('the campaign has no zones: nothing to place people in');
  const everyZone = createZoneLocator(zones);
  const topLocator = createZoneLocator(zones.filter((z) => z.layer === topLayer));
  const addresses = await db
    .selectFrom('address')
    .select(['id', 'number', 'street', 'postcode', 'city', 'lon', 'lat'])
    .where('campaign_id', '=', campaignId)
    .orderBy('id')
    .execute();
  const progress = (step: string, done: number, total: number) => options.onProgress?.({ step, done, total, unit: 'rows' });

  // Population weights: the finest layer that has the indicator, else every address counts once.
  let basis: SeedDemoResult['populationBasis'] = null;
  let groups: DemoAddress[][] = [];
  let weights: number[] = [];
  for (const layer of manifest.population?.layers ?? []) {
    const indicator = manifest.population?.indicator ?? 'population';
    const population = await loadIndicator(db, campaignId, layer, indicator);
    const layerZones = zones.filter((z) => z.layer === layer && (population.get(z.id) ?? 0) > 0);
    if (layerZones.length === 0) continue;
    const locator = createZoneLocator(layerZones);
    const byZone = new Map<string, DemoAddress[]>();
    addresses.forEach((a, i) => {
      if (i % 5000 === 0) progress('people:addresses', i, addresses.length);
      const [zoneId] = locator.locate(a.lon, a.lat);
      if (!zoneId || topLocator.locate(a.lon, a.lat).length === 0) return;
      const list = byZone.get(zoneId);
      if (list) list.push(a);
      else byZone.set(zoneId, [a]);
    });
    if (byZone.size === 0) continue;
    groups = [...byZone.keys()].map((id) => byZone.get(id) as DemoAddress[]);
    weights = [...byZone.keys()].map((id) => population.get(id) as number);
    basis = { layer, indicator };
    break;
  }
  if (!basis) {
    groups = [addresses.filter((a) => topLocator.locate(a.lon, a.lat).length > 0)];
    weights = [1];
  }
  if (groups.every((g) => g.length === 0)) throw new Error('no address lies inside the territory');
  const quotas = apportion(
    peopleCount,
    weights.map((w, i) => ((groups[i] as DemoAddress[]).length > 0 ? w : 0)),
  );

  const givenName = zipfPicker(random, GIVEN_NAMES);
  const familyName = zipfPicker(random, FAMILY_NAMES);
  const mobile = fictionalMobiles(random);
  const stageWeights = LADDER_STAGES.map((s) => DEMO_STAGE_SHARES[s]);
  const stages = Object.fromEntries(LADDER_STAGES.map((s) => [s, 0])) as Record<LadderStage, number>;
  const zoneIdsOf = new Map<string, string>();
  // The ladder history: a separate random sequence, so the people themselves stay as they were.
  const moveRandom = createRandom((options.seed ?? 2026) + 2);
  const rules = DEFAULT_RULES.filter((r) => r.conditions.some((c) => !c.type.startsWith('contact.')));
  const moves: BulkRow[] = [];
  // Some people signed up twice (a paper form then the website): their own random sequence, so
  // everyone else stays as they were; the duplicates review has real pairs to show.
  const twinRandom = createRandom((options.seed ?? 2026) + 3);
  let previous: { a: DemoAddress; zoneIds: string; given: string; family: string; phone: string | null } | null = null;
  let twins = 0;
  let withPhone = 0;
  let n = 0;

  await withTenant(db, campaignId, async (trx) => {
    await sql`delete from person where campaign_id = ${campaignId} and source = 'demo'`.execute(trx);
    const loader = openBulkLoad(trx, personTarget(campaignId));
    let batch: BulkRow[] = [];
    const flush = async () => {
      await loader.write(batch);
      batch = [];
      progress('people', n, peopleCount);
    };
    for (const [g, quota] of quotas.entries()) {
      const group = groups[g] as DemoAddress[];
      for (let q = 0; q < quota; q++) {
        let a = group[random.int(group.length)] as DemoAddress;
        n++;
        let given = givenName();
        let family = familyName();
        const stage = LADDER_STAGES[random.weighted(stageWeights)] as LadderStage;
        stages[stage]++;
        const created = signupDate(random, stage, now);
        const modified = new Date(created.getTime() + random.next() * (now - created.getTime()));
        let phone = random.chance(PHONE_SHARE) ? mobile() : null;
        // A twin of the person before (same group, so the population's shares hold): their address
        // and phone, their name typed another way, another e-mail.
        if (previous && q > 0 && twinRandom.chance(TWIN_SHARE)) {
          ({ a, family, phone } = previous);
          given = twinSpelling(previous.given);
          twins++;
        }
        let zoneIds = zoneIdsOf.get(a.id);
        if (zoneIds === undefined) {
          zoneIds = `{${everyZone.locate(a.lon, a.lat).join(',')}}`;
          zoneIdsOf.set(a.id, zoneIds);
        }
        previous = { a, zoneIds, given, family, phone };
        if (phone) withPhone++;
        const personId = uuidv7();
        // How they climbed: one move per stage above curious, each in its own slice of the time since
        // they joined, by the default rule of that stage (so the funnel and its weeks have moves).
        const rank = stageRank(stage);
        let changed: Date | null = null;
        for (let step = 1; step <= rank; step++) {
          const span = now - created.getTime();
          const at = new Date(created.getTime() + (span * (step - 1 + 0.1 + 0.8 * moveRandom.next())) / rank);
          const rule = rules.find((r) => r.to_stage === LADDER_STAGES[step]);
          moves.push([
            uuidv7(),
            personId,
            LADDER_STAGES[step - 1] as string,
            LADDER_STAGES[step] as string,
            at,
            rule?.id ?? null,
            rule?.description ?? '',
          ]);
          changed = at;
        }
        batch.push([
          personId,
          given,
          family,
          `${emailPart(given)}.${emailPart(family)}.${n}@example.org`,
          phone,
          a.id,
          a.number ? `${a.number} ${a.street}` : a.street,
          a.postcode,
          a.city,
          a.lon,
          a.lat,
          zoneIds,
          stage,
          created,
          modified,
          changed,
        ]);
        if (batch.length >= BATCH_ROWS) await flush();
      }
    }
    await flush();
    await loader.end();
    await bulkLoad(
      trx,
      {
        table: 'ladder_move',
        constants: [{ name: 'campaign_id', type: 'uuid', value: campaignId }],
        columns: [
          { name: 'id', type: 'uuid' },
          { name: 'person_id', type: 'uuid' },
          { name: 'from_stage', type: 'text' },
          { name: 'to_stage', type: 'text' },
          { name: 'at', type: 'timestamptz' },
          { name: 'rule_id', type: 'uuid' },
          { name: 'reason', type: 'text' },
        ],
      },
      [moves],
    );
  });
  // The consent trigger's recompute is planned on these statistics: refresh them after the people load.
  await refreshStatistics(db, ['person']);
  const consents = await seedDemoConsents(db, campaignId, createRandom((options.seed ?? 2026) + 1), (done, total) =>
    progress('consents', done, total),
  );
  await refreshStatistics(db, ['person', 'consent', 'ladder_move', 'address', 'zone', 'zone_indicator', 'election_result']);
  const inserted = await db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('campaign_id', '=', campaignId)
    .where('source', '=', 'demo')
    .executeTakeFirstOrThrow();

  return {
    import: report,
    people: Number(inserted.n),
    populationBasis: basis,
    stages,
    withPhone,
    twins,
    consents,
    synthetic: manifest.synthetic === true,
    durationMs: Date.now() - started,
  };
}

/** Share of people who signed up twice. */
const TWIN_SHARE = 1 / 500;

/** A given name as someone types it the second time: no accents, no hyphen, or in capitals. */
export function twinSpelling(given: string): string {
  const plain = given
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/-/g, ' ');
  return plain !== given ? plain : given.toUpperCase();
}

/** Rows handed to the bulk loader at a time (and between two progress reports). */
const BATCH_ROWS = 5000;

function personTarget(campaignId: string): BulkTarget {
  return {
    table: 'person',
    constants: [
      { name: 'campaign_id', type: 'uuid', value: campaignId },
      { name: 'source', type: 'text', value: 'demo' },
    ],
    columns: [
      { name: 'id', type: 'uuid' },
      { name: 'given_name', type: 'text' },
      { name: 'family_name', type: 'text' },
      { name: 'email', type: 'text' },
      { name: 'phone', type: 'text' },
      { name: 'address_id', type: 'text' },
      { name: 'street_address', type: 'text' },
      { name: 'postcode', type: 'text' },
      { name: 'locality', type: 'text' },
      { name: 'lon', type: 'float8' },
      { name: 'lat', type: 'float8' },
      { name: 'zone_ids', type: 'uuid[]' },
      { name: 'ladder_stage', type: 'text' },
      { name: 'created_at', type: 'timestamptz' },
      { name: 'modified_at', type: 'timestamptz' },
      { name: 'ladder_changed_at', type: 'timestamptz' },
    ],
    // A contact the team entered by hand with the same e-mail is kept, not overwritten.
    onConflict: 'do nothing',
  };
}

/** Shares of demo people who gave consent, as a campaign's sign-up forms would collect it. */
export const DEMO_CONSENT_SHARES = { email: 0.65, sms: 0.45 } as const;

/**
 * Records demo consents through the ledger (source "demo", proof naming the demo form): e-mail for
 * about two thirds of the people, SMS for about half of those with a mobile, given when they joined.
 */
async function seedDemoConsents(
  db: Kysely<DB>,
  campaignId: string,
  random: Random,
  progress: (done: number, total: number) => void,
): Promise<{ email: number; sms: number }> {
  const people = await db
    .selectFrom('person')
    .select(['id', 'email', 'phone', 'created_at'])
    .where('campaign_id', '=', campaignId)
    .where('source', '=', 'demo')
    .orderBy('id')
    .execute();
  const rows: BulkRow[] = [];
  const counts = { email: 0, sms: 0 };
  for (const p of people) {
    for (const channel of ['email', 'sms'] as const) {
      const reachable = channel === 'email' ? p.email : p.phone;
      if (!reachable || !random.chance(DEMO_CONSENT_SHARES[channel])) continue;
      rows.push([uuidv7(), p.id, channel, p.created_at]);
      counts[channel] += 1;
    }
  }
  const proof = JSON.stringify({ form: 'demo', text_shown: "J'accepte de recevoir des informations de la campagne." });
  const loader = openBulkLoad(db, {
    table: 'consent',
    constants: [
      { name: 'campaign_id', type: 'uuid', value: campaignId },
      { name: 'status', type: 'text', value: 'given' },
      { name: 'source', type: 'text', value: 'demo' },
      { name: 'proof', type: 'jsonb', value: proof },
    ],
    columns: [
      { name: 'id', type: 'uuid' },
      { name: 'person_id', type: 'uuid' },
      { name: 'channel', type: 'text' },
      { name: 'at', type: 'timestamptz' },
    ],
  });
  for (let from = 0; from < rows.length; from += BATCH_ROWS) {
    const to = Math.min(from + BATCH_ROWS, rows.length);
    await loader.write(rows.slice(from, to));
    progress(to, rows.length);
  }
  await loader.end();
  return counts;
}
