// The people benchmark's world: a fresh database (PostgreSQL's relais_bench, or PGlite in a
// temporary DATA_DIR) with a campaign whose territory and address base are Paris's (the local
// mirror of the open data, when there is one) or a generated city, and the runtime over it.
import { mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/server/config.ts';
import type { DatabaseKind } from '../../src/server/db/database.ts';
import { refreshStatistics } from '../../src/server/db/database.ts';
import { uuidv7 } from '../../src/server/lib/ids.ts';
import { importTerritory } from '../../src/server/modules/territory/territory.importer.ts';
import type { CityManifest } from '../../src/server/opendata/manifest.ts';
import { findLocalMirror } from '../../src/server/opendata/mirror.ts';
import { parisManifest } from '../../src/server/opendata/paris.manifest.ts';
import { generateSyntheticCity } from '../../src/server/opendata/synthetic-city.ts';
import { openRuntime, type Runtime } from '../../src/server/runtime.ts';
import { createBenchPostgres, dropBenchPostgres } from '../lib/databases.ts';
import type { BenchAddress } from './generate.ts';

export interface World {
  kind: DatabaseKind;
  runtime: Runtime;
  campaignId: string;
  dataDir: string;
  city: string;
  addresses: BenchAddress[];
  version: string;
  close(): Promise<void>;
}

async function cityFiles(workDir: string): Promise<{ dir: string; manifest: CityManifest; city: string }> {
  const mirror = findLocalMirror(parisManifest, process.env.RELAIS_OPENDATA_DIR?.trim() || null);
  if (mirror) return { dir: mirror, manifest: parisManifest, city: `Paris (open data, ${mirror})` };
  const dir = path.join(workDir, 'city');
  const generated = await generateSyntheticCity(dir, { seed: 2026 });
  return { dir, manifest: generated.manifest, city: 'generated city (no Paris mirror)' };
}

/** Opens a fresh database of the given kind with the bench campaign and its territory; `keep` leaves it (and its DATA_DIR) for EXPLAIN. */
export async function openWorld(
  kind: DatabaseKind,
  postgresUrl: string,
  log: (line: string) => void,
  options: { keep?: boolean } = {},
): Promise<World> {
  const dataDir = path.join(os.tmpdir(), `relais-bench-people-${process.pid}-${kind}`);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const databaseUrl = kind === 'postgres' ? await createBenchPostgres(postgresUrl) : null;
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const runtime = await openRuntime(config);
  const { db } = runtime.database;
  const campaignId = uuidv7();
  await db.insertInto('campaign').values({ id: campaignId, slug: 'bench', name: 'Bench', city: 'Paris' }).execute();
  const files = await cityFiles(dataDir);
  const started = Date.now();
  await importTerritory(db, { campaignId, dir: files.dir, manifest: files.manifest });
  await refreshStatistics(db, ['address', 'zone']);
  const addresses = await db
    .selectFrom('address')
    .select(['number', 'street', 'postcode', 'city'])
    .where('campaign_id', '=', campaignId)
    .orderBy('id')
    .execute();
  log(`  ${kind}: territory of ${files.city} imported in ${((Date.now() - started) / 1000).toFixed(1)} s (${addresses.length} addresses)`);
  const version = String((await runtime.database.raw.query('show server_version')).rows[0]?.server_version ?? '?');
  return {
    kind,
    runtime,
    campaignId,
    dataDir,
    city: files.city,
    addresses: addresses.map((a) => ({ number: a.number, street: a.street, postcode: a.postcode, city: a.city })),
    version,
    async close() {
      await runtime.close();
      if (options.keep) {
        log(`  kept: ${kind === 'postgres' ? databaseUrl : dataDir}`);
        return;
      }
      if (kind === 'postgres') await dropBenchPostgres(postgresUrl);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
