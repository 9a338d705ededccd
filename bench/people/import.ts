// Import benchmark: the same generated file loaded (1) by a raw COPY FROM STDIN into an unindexed
// table of ten text columns — the baseline — and (2) by Relais's people import as `relais import
// people` runs it: file copied and analysed, mapping suggested, job queued, validated, staged,
// deduplicated, upserted, geocoded, placed in zones, tagged, consented, audited.
import { createReadStream, openAsBlob } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { tenantRunnerOf } from '../../src/server/db/database.ts';
import { fileStoreOf } from '../../src/server/files/storage.ts';
import type { ImportJobResult } from '../../src/server/modules/imports/import.job.ts';
import { createImport, type ImportActor, startImport } from '../../src/server/modules/imports/imports.service.ts';
import { findJobRunOf } from '../../src/server/modules/jobs/jobs.repo.ts';
import { BENCH_HEADERS } from './generate.ts';
import type { World } from './world.ts';

export interface CopyRun {
  rows: number;
  ms: number;
}

export interface ImportRun extends CopyRun {
  result: ImportJobResult;
}

const COPY_TABLE = 'bench_raw_copy';

/** Raw COPY of the file into a plain table of text columns (created empty first). */
export async function rawCopy(world: World, file: string, rows: number): Promise<CopyRun> {
  const ms = await copyIntoStaging(world, file, rows);
  await world.runtime.database.raw.exec(`DROP TABLE ${COPY_TABLE}`);
  return { rows, ms };
}

/** The file COPYed into a fresh table of ten text columns, left in place; the time of the COPY. */
async function copyIntoStaging(world: World, file: string, rows: number): Promise<number> {
  const columns = BENCH_HEADERS.map((_, i) => `c${i + 1} text`).join(', ');
  const copy = `COPY ${COPY_TABLE} FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)`;
  const database = world.runtime.database;
  await database.raw.exec(`DROP TABLE IF EXISTS ${COPY_TABLE}; CREATE TABLE ${COPY_TABLE} (${columns})`);
  let ms: number;
  if (database.pglite) {
    const blob = await openAsBlob(file);
    const started = performance.now();
    await database.pglite.query(copy.replace('STDIN', "'/dev/blob'"), [], { blob });
    ms = performance.now() - started;
  } else {
    const url = world.runtime.config.databaseUrl as string;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const started = performance.now();
      await pipeline(createReadStream(file), client.query(copyFrom(copy)));
      ms = performance.now() - started;
    } finally {
      await client.end();
    }
  }
  const counted = Number((await database.raw.query(`SELECT count(*) AS n FROM ${COPY_TABLE}`)).rows[0]?.n);
  if (counted !== rows) throw new Error(`raw COPY loaded ${counted} rows, expected ${rows}`);
  return ms;
}

export interface FloorRun extends CopyRun {
  /** Of `ms`, the INSERT … SELECT into the indexed table. */
  insertMs: number;
  /** The same INSERT … SELECT into a copy of `person` without any index (the rows and their generated search text). */
  heapMs: number;
  /** The search's trigram index on those rows' search text, built in bulk (CREATE INDEX) rather than kept up to date. */
  trigramMs: number;
}

/**
 * The floor of any import into the people table, as the issue asks imports to be done: the raw COPY
 * into a staging table, then one INSERT … SELECT of the contact columns into an empty copy of
 * `person` with all its indexes (search text generated; trigram, array and B-tree indexes kept up to
 * date; duplicate e-mails skipped) — and nothing else: no validation, dedupe against the base,
 * geocoding, zones, consent, tags, activity or ladder. No import into this schema can be faster.
 *
 * Two parts of it are also timed alone, each a bound no import can beat whatever its design: writing
 * the rows without any index, and the trigram index that search as you type needs (issue 3, item 7),
 * built in bulk, the cheapest way PostgreSQL has to make it.
 */
export async function indexedFloor(world: World, file: string, rows: number): Promise<FloorRun> {
  const database = world.runtime.database;
  const copyMs = await copyIntoStaging(world, file, rows);
  const insertInto = async (table: string) => {
    const started = performance.now();
    await database.raw.query(
      `INSERT INTO ${table} (campaign_id, id, given_name, family_name, email, phone, street_address, postcode, locality)
       SELECT $1::uuid, gen_random_uuid(), coalesce(c1, ''), coalesce(c2, ''), nullif(lower(c3), ''), nullif(c4, ''),
         coalesce(c5, ''), coalesce(c6, ''), coalesce(c7, '')
       FROM ${COPY_TABLE}
       ON CONFLICT DO NOTHING`,
      [world.campaignId],
    );
    return performance.now() - started;
  };
  await database.raw.exec('DROP TABLE IF EXISTS bench_person_floor; CREATE TABLE bench_person_floor (LIKE person INCLUDING ALL)');
  const insertMs = await insertInto('bench_person_floor');
  await database.raw.exec(
    'DROP TABLE IF EXISTS bench_person_heap; CREATE TABLE bench_person_heap (LIKE person INCLUDING DEFAULTS INCLUDING GENERATED)',
  );
  const heapMs = await insertInto('bench_person_heap');
  const started = performance.now();
  await database.raw.exec('CREATE INDEX bench_person_heap_trgm ON bench_person_heap USING gin (search_text gin_trgm_ops)');
  const trigramMs = performance.now() - started;
  await database.raw.exec(`DROP TABLE bench_person_floor; DROP TABLE bench_person_heap; DROP TABLE ${COPY_TABLE}`);
  return { rows, ms: copyMs + insertMs, insertMs, heapMs, trigramMs };
}

/** Relais's import of the file into the bench campaign, with e-mail consent; resolves when the job is done. */
export async function relaisImport(world: World, file: string, rows: number): Promise<ImportRun> {
  const { runtime, campaignId } = world;
  const { db } = runtime.database;
  const actor: ImportActor = { campaignId, userId: null, tokenId: null, label: 'bench', zoneScope: null };
  const tenant = tenantRunnerOf(db, campaignId);
  await runtime.jobs.work();
  const started = performance.now();
  const preview = await createImport(
    { files: fileStoreOf(runtime.config), actor, fileName: 'adherents.csv', source: { kind: 'path', path: file } },
    tenant,
  );
  const { job_id } = await startImport(
    {
      files: fileStoreOf(runtime.config),
      jobs: runtime.jobs,
      actor,
      importId: preview.id,
      body: {
        mapping: preview.suggested_mapping,
        on_duplicate: 'update',
        consent: { channels: ['email'], proof_text: "J'accepte de recevoir les nouvelles de la campagne par e-mail." },
      },
    },
    tenant,
  );
  for (;;) {
    const job = await findJobRunOf(db, campaignId, job_id);
    if (job?.state === 'failed') throw new Error(`import failed: ${job.error}`);
    if (job?.state === 'succeeded') {
      const ms = performance.now() - started;
      return { rows, ms, result: job.result as ImportJobResult };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
