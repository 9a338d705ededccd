// Imports an address file (the BAN format by default) into `address`, streaming: the Paris file is
// 158,000 rows, read through gunzip line by line and handed to the platform's bulk loader in
// batches. The campaign's addresses are replaced in one transaction.

import { type Kysely, sql } from 'kysely';
import { type BulkRow, type BulkTarget, openBulkLoad } from '../../db/bulk-load.ts';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { openCsv, parseNumber } from '../../opendata/csv.ts';
import type { AddressFileSpec } from '../../opendata/manifest.ts';
import { type ProgressFn, StepRecorder, type StepReport, throttledProgress } from './import-report.ts';

export interface ImportAddressesOptions {
  campaignId: string;
  path: string;
  spec: AddressFileSpec;
  onProgress?: ProgressFn;
}

/** Rows handed to the loader at a time (and between two progress reports). */
const BATCH_ROWS = 5000;

function addressTarget(campaignId: string): BulkTarget {
  return {
    table: 'address',
    constants: [{ name: 'campaign_id', type: 'uuid', value: campaignId }],
    columns: [
      { name: 'id', type: 'text' },
      { name: 'number', type: 'text' },
      { name: 'street', type: 'text' },
      { name: 'postcode', type: 'text' },
      { name: 'city_code', type: 'text' },
      { name: 'city', type: 'text' },
      { name: 'lon', type: 'float8' },
      { name: 'lat', type: 'float8' },
    ],
  };
}

/** Imports the address file, replacing the campaign's addresses; bad rows are reported, never fatal. */
export async function importAddresses(db: Kysely<DB>, options: ImportAddressesOptions): Promise<StepReport> {
  const { campaignId, spec } = options;
  const rec = new StepRecorder('addresses', spec.file);
  let csv: Awaited<ReturnType<typeof openCsv>>;
  try {
    csv = await openCsv(options.path, { delimiter: spec.delimiter });
  } catch (error) {
    return rec.fail((error as Error).message);
  }
  const c = spec.columns;
  const idx = (name: string | undefined): number | undefined => (name ? csv.column.get(name) : undefined);
  const col = {
    id: idx(c.id),
    number: idx(c.number),
    suffix: idx(c.suffix),
    street: idx(c.street),
    postcode: idx(c.postcode),
    cityCode: idx(c.cityCode),
    city: idx(c.city),
    lon: idx(c.lon),
    lat: idx(c.lat),
  };
  if (col.id === undefined || col.street === undefined || col.lon === undefined || col.lat === undefined) {
    csv.close();
    return rec.fail(`the file lacks one of the columns ${c.id}, ${c.street}, ${c.lon}, ${c.lat}`);
  }
  const at = (v: string[], i: number | undefined): string => (i === undefined ? '' : (v[i]?.trim() ?? ''));
  const progress = throttledProgress(options.onProgress, { step: 'addresses', unit: 'bytes' }, csv.totalBytes, 256 * 1024);
  progress(0, true);

  await withTenant(db, campaignId, async (trx) => {
    await sql`delete from address where campaign_id = ${campaignId}`.execute(trx);
    const seen = new Set<string>();
    const loader = openBulkLoad(trx, addressTarget(campaignId));
    let batch: BulkRow[] = [];
    for await (const row of csv.rows) {
      const v = row.values;
      const ref = `line ${row.line}`;
      const id = at(v, col.id);
      if (!id) {
        rec.skip(ref, 'missing id');
        continue;
      }
      const lon = parseNumber(v[col.lon as number]);
      const lat = parseNumber(v[col.lat as number]);
      if (lon === null || lat === null || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
        rec.skip(ref, 'invalid coordinates');
        continue;
      }
      const street = at(v, col.street);
      if (!street) {
        rec.skip(ref, 'missing street');
        continue;
      }
      if (seen.has(id)) {
        rec.skip(ref, 'duplicate id');
        continue;
      }
      seen.add(id);
      const number = [at(v, col.number), at(v, col.suffix)].filter(Boolean).join(' ');
      batch.push([id, number, street, at(v, col.postcode), at(v, col.cityCode), at(v, col.city), lon, lat]);
      rec.report.imported++;
      if (batch.length >= BATCH_ROWS) {
        await loader.write(batch);
        batch = [];
        progress(csv.bytesRead());
      }
    }
    await loader.write(batch);
    await loader.end();
  });
  progress(csv.totalBytes, true);
  return rec.finish();
}
