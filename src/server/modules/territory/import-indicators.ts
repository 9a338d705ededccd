// Imports a CSV of indicators keyed by zone code into zone_indicator. The indicators the file
// provides are replaced for the layer's zones in one transaction; others are left alone.

import { type Kysely, sql } from 'kysely';
import { bulkLoad } from '../../db/bulk-load.ts';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { openCsv, parseNumber } from '../../opendata/csv.ts';
import type { IndicatorFileSpec } from '../../opendata/manifest.ts';
import { type ProgressFn, StepRecorder, type StepReport, throttledProgress } from './import-report.ts';
import { loadLayerZones } from './import-zones.ts';
import { clearMetricCache } from './zone-metrics.ts';

export interface ImportIndicatorsOptions {
  campaignId: string;
  path: string;
  spec: IndicatorFileSpec;
  onProgress?: ProgressFn;
}

interface ResolvedColumn {
  index: number;
  name: string;
  year: number;
}

function resolveColumns(spec: IndicatorFileSpec, column: ReadonlyMap<string, number>, rec: StepRecorder): ResolvedColumn[] {
  const out: ResolvedColumn[] = [];
  for (const c of spec.columns) {
    const def = typeof c === 'string' ? { column: c } : c;
    const index = column.get(def.column);
    if (index === undefined) {
      rec.warn('header', `column ${def.column} not in file`);
      continue;
    }
    let name = def.name ?? def.column;
    let year = def.year ?? spec.year;
    const suffixed = spec.yearSuffix && !def.name && def.year === undefined ? /^(.+)_(\d{4})$/.exec(def.column) : null;
    if (suffixed) {
      name = suffixed[1] as string;
      year = Number(suffixed[2]);
    }
    out.push({ index, name, year });
  }
  return out;
}

/** Imports one indicator file; unknown zones and bad values are reported, never fatal. */
export async function importIndicators(db: Kysely<DB>, options: ImportIndicatorsOptions): Promise<StepReport> {
  const { campaignId, spec } = options;
  const step = `indicators:${spec.file}`;
  const rec = new StepRecorder(step, spec.file);
  const zones = await loadLayerZones(db, campaignId, spec.layer);
  if (zones.length === 0) return rec.fail(`layer ${spec.layer} has no zones: import it first`);
  const zoneByCode = new Map(zones.map((z) => [z.code, z.id] as const));

  const csv = await openCsv(options.path, { delimiter: spec.delimiter ?? ',' });
  const keyIndex = csv.column.get(spec.keyColumn);
  if (keyIndex === undefined) {
    csv.close();
    return rec.fail(`key column ${spec.keyColumn} not in file`);
  }
  const columns = resolveColumns(spec, csv.column, rec);
  const progress = throttledProgress(options.onProgress, { step, unit: 'bytes' }, csv.totalBytes, 64 * 1024);
  // Keyed by zone|name|year: a repeated row replaces the earlier one.
  const values = new Map<string, { zoneId: string; name: string; year: number; value: number }>();
  const seenZones = new Set<string>();
  for await (const row of csv.rows) {
    progress(csv.bytesRead());
    const ref = `line ${row.line}`;
    const key = row.values[keyIndex]?.trim() ?? '';
    const zoneId = zoneByCode.get(key);
    if (!zoneId) {
      rec.skip(ref, key ? 'unknown zone code' : 'missing zone code');
      continue;
    }
    if (seenZones.has(zoneId)) rec.warn(ref, 'duplicate row for a zone: the last one wins');
    seenZones.add(zoneId);
    for (const c of columns) {
      const value = parseNumber(row.values[c.index]);
      if (value === null) {
        rec.count('blank values');
        continue;
      }
      if (Number.isNaN(value)) {
        rec.warn(ref, 'non-numeric value');
        continue;
      }
      values.set(`${zoneId}|${c.name}|${c.year}`, { zoneId, name: c.name, year: c.year, value });
    }
    rec.report.imported++;
  }
  progress(csv.totalBytes, true);

  const names = [...new Set(columns.map((c) => c.name))];
  const rows = [...values.values()];
  await withTenant(db, campaignId, async (trx) => {
    await clearMetricCache(trx, campaignId);
    await sql`delete from zone_indicator where campaign_id = ${campaignId}
      and name = any(${names}::text[])
      and zone_id = any(${zones.map((z) => z.id)}::uuid[])`.execute(trx);
    await bulkLoad(
      trx,
      {
        table: 'zone_indicator',
        constants: [
          { name: 'campaign_id', type: 'uuid', value: campaignId },
          { name: 'source', type: 'text', value: spec.source },
        ],
        columns: [
          { name: 'zone_id', type: 'uuid' },
          { name: 'name', type: 'text' },
          { name: 'year', type: 'int4' },
          { name: 'value', type: 'float8' },
        ],
      },
      [rows.map((r) => [r.zoneId, r.name, r.year, r.value])],
    );
  });
  rec.count('values', rows.length);
  return rec.finish();
}
