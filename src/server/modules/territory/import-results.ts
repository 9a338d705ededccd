// Imports election results per polling station (long or wide CSV) into election_result, attached
// to a layer's zones by code, or through a crosswalk when the results use another numbering.

import { type Kysely, sql } from 'kysely';
import { bulkLoad } from '../../db/bulk-load.ts';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { openCsv, parseNumber } from '../../opendata/csv.ts';
import type { ElectionResultSpec, KeyRewrite } from '../../opendata/manifest.ts';
import { geometryCentroid, parseAreaGeometry } from './geometry.ts';
import { type ProgressFn, StepRecorder, type StepReport, throttledProgress } from './import-report.ts';
import { type LayerZone, loadLayerZones, propertyText, readFeatures } from './import-zones.ts';
import { createZoneLocator } from './zone-locator.ts';
import { clearMetricCache } from './zone-metrics.ts';

export interface ImportResultsOptions {
  campaignId: string;
  path: string;
  spec: ElectionResultSpec;
  /** Path of spec.crosswalk.file; null when that file is absent (codes are then matched directly). */
  crosswalkPath?: string | null;
  onProgress?: ProgressFn;
}

/** Applies a key rewrite ("75056_0101" → "1-1"); returns the key unchanged when it does not match. */
export function rewriteKey(raw: string, rewrite: KeyRewrite | undefined): string {
  if (!rewrite) return raw;
  const m = new RegExp(rewrite.pattern).exec(raw);
  if (!m) return raw;
  return rewrite.template.replace(/\$(\d+)/g, (_, n: string) => {
    const g = m[Number(n)] ?? '';
    return /^\d+$/.test(g) ? String(Number(g)) : g;
  });
}

/** Maps each area of another numbering to the layer zone holding its inside point. */
function buildCrosswalk(path: string, codeProperty: string, zones: LayerZone[], rec: StepRecorder): Map<string, string> {
  const locator = createZoneLocator(zones);
  const map = new Map<string, string>();
  readFeatures(path).forEach((feature, i) => {
    const props = (feature?.properties ?? {}) as Record<string, unknown>;
    const code = propertyText(props, codeProperty);
    const geometry = parseAreaGeometry(feature?.geometry);
    if (!code || typeof geometry === 'string') {
      rec.warn(`crosswalk feature ${i + 1}`, 'crosswalk area without code or geometry');
      return;
    }
    const [c0, c1] = geometryCentroid(geometry);
    const [zoneId] = locator.locate(c0, c1);
    if (zoneId) map.set(code, zoneId);
    else rec.warn(`crosswalk ${code}`, 'crosswalk area outside every zone of the layer');
  });
  return map;
}

function toCount(raw: string | undefined): number | null {
  const n = parseNumber(raw);
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null;
}

interface ZoneTotals {
  /** registered/expressed/voters per source station, counted once each. */
  stations: Map<string, { registered: number; expressed: number; voters: number | null }>;
  candidates: Map<string, { votes: number; nuance: string }>;
}

/** Imports one result file; rows of unknown stations or with bad numbers are reported, never fatal. */
export async function importElectionResults(db: Kysely<DB>, options: ImportResultsOptions): Promise<StepReport> {
  const { campaignId, spec } = options;
  const step = `results:${spec.election}/${spec.round}`;
  const rec = new StepRecorder(step, spec.file);
  const zones = await loadLayerZones(db, campaignId, spec.layer);
  if (zones.length === 0) return rec.fail(`layer ${spec.layer} has no zones: import it first`);
  let stationZone: Map<string, string>;
  if (spec.crosswalk && options.crosswalkPath) {
    try {
      stationZone = buildCrosswalk(options.crosswalkPath, spec.crosswalk.codeProperty, zones, rec);
    } catch (error) {
      return rec.fail(`crosswalk ${spec.crosswalk.file}: ${(error as Error).message}`);
    }
  } else {
    if (spec.crosswalk) rec.warn(spec.crosswalk.file, 'crosswalk file missing: stations matched by code');
    stationZone = new Map(zones.map((z) => [z.code, z.id] as const));
  }

  const csv = await openCsv(options.path, { delimiter: spec.delimiter ?? ',' });
  const col = (name: string): number | undefined => csv.column.get(name);
  const keyIndex = col(spec.keyColumn);
  const regIndex = col(spec.registeredColumn);
  const expIndex = col(spec.expressedColumn);
  const votersIndex = spec.votersColumn ? col(spec.votersColumn) : undefined;
  const format = spec.format;
  const longCols =
    format.kind === 'long'
      ? {
          candidates: format.candidateColumns.map(col),
          nuance: format.nuanceColumn ? col(format.nuanceColumn) : undefined,
          votes: col(format.votesColumn),
        }
      : null;
  const after = format.kind === 'wide' ? col(format.candidatesAfter) : undefined;
  const firstWide = after === undefined ? undefined : after + 1;
  const missingColumn =
    keyIndex === undefined ||
    regIndex === undefined ||
    expIndex === undefined ||
    (spec.votersColumn !== undefined && votersIndex === undefined) ||
    (longCols && (longCols.votes === undefined || longCols.candidates.some((c) => c === undefined))) ||
    (format.kind === 'wide' && firstWide === undefined);
  if (missingColumn) {
    csv.close();
    return rec.fail(`a column named in the manifest is not in the file (header: ${csv.header.join(',')})`);
  }
  const wideColumns = format.kind === 'wide' ? csv.header.slice(firstWide) : [];

  const progress = throttledProgress(options.onProgress, { step, unit: 'bytes' }, csv.totalBytes, 64 * 1024);
  const totals = new Map<string, ZoneTotals>();
  const seen = new Set<string>();
  for await (const row of csv.rows) {
    progress(csv.bytesRead());
    const ref = `line ${row.line}`;
    const v = row.values;
    const station = rewriteKey(v[keyIndex as number]?.trim() ?? '', spec.keyRewrite);
    const zoneId = stationZone.get(station);
    if (!zoneId) {
      rec.skip(ref, station ? 'unknown polling station' : 'missing polling station');
      continue;
    }
    const registered = toCount(v[regIndex as number]);
    const expressed = toCount(v[expIndex as number]);
    const voters = votersIndex === undefined ? null : toCount(v[votersIndex]);
    if (registered === null || expressed === null) {
      rec.skip(ref, 'invalid registered or expressed count');
      continue;
    }
    if (votersIndex !== undefined && voters === null) {
      rec.skip(ref, 'invalid voters count');
      continue;
    }
    const entries: Array<{ candidate: string; nuance: string; votes: number }> = [];
    if (longCols) {
      const candidate = longCols.candidates
        .map((i) => v[i as number]?.trim() ?? '')
        .filter(Boolean)
        .join(' ');
      const votes = toCount(v[longCols.votes as number]);
      if (!candidate) {
        rec.skip(ref, 'missing candidate');
        continue;
      }
      if (votes === null) {
        rec.skip(ref, 'invalid vote count');
        continue;
      }
      entries.push({ candidate, nuance: longCols.nuance === undefined ? '' : (v[longCols.nuance]?.trim() ?? ''), votes });
    } else {
      let bad = false;
      wideColumns.forEach((candidate, k) => {
        const votes = toCount(v[(firstWide as number) + k]);
        if (votes === null) bad = true;
        else if (format.kind === 'wide') {
          entries.push({ candidate: format.labels?.[candidate] ?? candidate, nuance: format.nuances?.[candidate] ?? '', votes });
        }
      });
      if (bad) {
        rec.skip(ref, 'invalid vote count');
        continue;
      }
    }
    const sum = entries.reduce((s, e) => s + e.votes, 0);
    if (expressed > registered) rec.warn(ref, 'more votes cast than registered voters');
    if (format.kind === 'wide' && sum !== expressed) rec.warn(ref, 'candidate votes do not add up to votes cast');
    let t = totals.get(zoneId);
    if (!t) {
      t = { stations: new Map(), candidates: new Map() };
      totals.set(zoneId, t);
    }
    let duplicate = false;
    for (const e of entries) {
      const dedupe = `${station}|${e.candidate}`;
      if (seen.has(dedupe)) {
        duplicate = true;
        continue;
      }
      seen.add(dedupe);
      const c = t.candidates.get(e.candidate);
      if (c) c.votes += e.votes;
      else t.candidates.set(e.candidate, { votes: e.votes, nuance: e.nuance });
    }
    if (duplicate) rec.warn(ref, 'candidate already counted for this station: row ignored');
    if (!t.stations.has(station)) t.stations.set(station, { registered, expressed, voters });
    rec.report.imported++;
  }
  progress(csv.totalBytes, true);

  const rows: Array<{
    zoneId: string;
    candidate: string;
    nuance: string;
    votes: number;
    registered: number;
    expressed: number;
    voters: number | null;
  }> = [];
  for (const [zoneId, t] of totals) {
    let registered = 0;
    let expressed = 0;
    let voters: number | null = votersIndex === undefined ? null : 0;
    for (const s of t.stations.values()) {
      registered += s.registered;
      expressed += s.expressed;
      if (voters !== null) voters += s.voters ?? 0;
    }
    if (t.stations.size > 1) rec.count('zones summing several stations');
    for (const [candidate, c] of t.candidates) {
      rows.push({ zoneId, candidate, nuance: c.nuance, votes: c.votes, registered, expressed, voters });
    }
  }
  const layerId = zones[0]?.layerId ?? null;
  await withTenant(db, campaignId, async (trx) => {
    await sql`delete from election_result where campaign_id = ${campaignId}
      and election = ${spec.election} and round = ${spec.round}`.execute(trx);
    await sql`insert into election (campaign_id, code, round, label, layer_id)
      values (${campaignId}, ${spec.election}, ${spec.round}, ${spec.label}, ${layerId})
      on conflict (campaign_id, code, round) do update
        set label = excluded.label, layer_id = excluded.layer_id, imported_at = now()`.execute(trx);
    await clearMetricCache(trx, campaignId);
    await bulkLoad(
      trx,
      {
        table: 'election_result',
        constants: [
          { name: 'campaign_id', type: 'uuid', value: campaignId },
          { name: 'election', type: 'text', value: spec.election },
          { name: 'round', type: 'int2', value: spec.round },
        ],
        columns: [
          { name: 'zone_id', type: 'uuid' },
          { name: 'candidate', type: 'text' },
          { name: 'nuance', type: 'text' },
          { name: 'votes', type: 'int4' },
          { name: 'registered', type: 'int4' },
          { name: 'expressed', type: 'int4' },
          { name: 'voters', type: 'int4' },
        ],
      },
      [rows.map((r) => [r.zoneId, r.candidate, r.nuance, r.votes, r.registered, r.expressed, r.voters])],
    );
  });
  rec.count('result rows', rows.length);
  rec.count('zones with results', totals.size);
  return rec.finish();
}
