// Imports a city's territory from a folder of open-data files, driven by its manifest: zone layers
// (GeoJSON), indicators per zone (CSV), election results per polling station (CSV) and addresses
// (BAN CSV). Each step runs in its own transaction and can be re-run: it replaces what it owns.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { refreshStatistics } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { type CityManifest, checkManifest, filesUsed } from '../../opendata/manifest.ts';
import { importAddresses } from './import-addresses.ts';
import { importIndicators } from './import-indicators.ts';
import type { ImportProgress, ImportReport, ProgressFn, StepReport } from './import-report.ts';
import { StepRecorder } from './import-report.ts';
import { importElectionResults } from './import-results.ts';
import { importZoneLayer } from './import-zones.ts';
import { relocateTerritory } from './place-people.ts';

export { importAddresses } from './import-addresses.ts';
export { importIndicators } from './import-indicators.ts';
export type { ImportIssue, ImportProgress, ImportReport, ProgressFn, StepReport } from './import-report.ts';
export { importElectionResults, rewriteKey } from './import-results.ts';
export { importZoneLayer } from './import-zones.ts';

export const IMPORT_PARTS = ['layers', 'indicators', 'results', 'addresses'] as const;
export type ImportPart = (typeof IMPORT_PARTS)[number];

export interface ImportTerritoryOptions {
  campaignId: string;
  /** Folder holding the manifest's files (a mirror, the download cache or a generated city). */
  dir: string;
  manifest: CityManifest;
  /** Parts to run (all by default). */
  parts?: readonly ImportPart[];
  onProgress?: ProgressFn;
}

interface PlannedStep {
  name: string;
  file: string;
  run: (onProgress: ProgressFn) => Promise<StepReport>;
}

/** True when an import ran every step without a file-level error (skipped rows may exist). */
export function importSucceeded(report: ImportReport): boolean {
  return report.steps.every((s) => !s.error);
}

/**
 * Imports everything the manifest describes into the campaign; bad rows are reported, never fatal.
 * Given a plain database, each step has its own transaction; given a transaction (withTenant), all
 * steps run in it, so a database error in one step fails the whole import.
 */
export async function importTerritory(db: Kysely<DB>, options: ImportTerritoryOptions): Promise<ImportReport> {
  const started = Date.now();
  const { campaignId, dir, manifest } = options;
  const problems = checkManifest(manifest);
  if (problems.length > 0) throw new Error(`manifest ${manifest.code}: ${problems.join('; ')}`);
  const parts = new Set(options.parts ?? IMPORT_PARTS);
  const fileOf = (name: string) => manifest.files.find((f) => f.name === name);
  const pathOf = (name: string) => path.join(dir, name);
  const missingFiles = filesUsed(manifest).filter((name) => !existsSync(pathOf(name)));

  const steps: PlannedStep[] = [];
  if (parts.has('layers')) {
    manifest.layers.forEach((layer, position) => {
      const file = fileOf(layer.file);
      steps.push({
        name: `layer:${layer.code}`,
        file: layer.file,
        run: (onProgress) =>
          importZoneLayer(db, {
            campaignId,
            path: pathOf(layer.file),
            layer,
            position,
            source: file ? `${file.publisher}${file.url ? ` — ${file.url}` : ''}` : '',
            licence: file?.licence ?? '',
            onProgress,
          }),
      });
    });
  }
  if (parts.has('indicators')) {
    for (const spec of manifest.indicators) {
      steps.push({
        name: `indicators:${spec.file}`,
        file: spec.file,
        run: (onProgress) => importIndicators(db, { campaignId, path: pathOf(spec.file), spec, onProgress }),
      });
    }
  }
  if (parts.has('results')) {
    for (const spec of manifest.results) {
      const crosswalkPath = spec.crosswalk ? pathOf(spec.crosswalk.file) : null;
      steps.push({
        name: `results:${spec.election}/${spec.round}`,
        file: spec.file,
        run: (onProgress) =>
          importElectionResults(db, {
            campaignId,
            path: pathOf(spec.file),
            spec,
            crosswalkPath: crosswalkPath && existsSync(crosswalkPath) ? crosswalkPath : null,
            onProgress,
          }),
      });
    }
  }
  const addresses = manifest.addresses;
  if (parts.has('addresses') && addresses) {
    steps.push({
      name: 'addresses',
      file: addresses.file,
      run: (onProgress) => importAddresses(db, { campaignId, path: pathOf(addresses.file), spec: addresses, onProgress }),
    });
  }

  const reports: StepReport[] = [];
  for (const [stepIndex, step] of steps.entries()) {
    const onProgress = (p: ImportProgress) => options.onProgress?.({ ...p, stepIndex, stepCount: steps.length });
    if (missingFiles.includes(step.file)) {
      const rec = new StepRecorder(step.name, step.file);
      rec.report.missing = true;
      reports.push(rec.finish());
      onProgress({ step: step.name, done: 0, total: 0, unit: 'rows' });
      continue;
    }
    try {
      reports.push(await step.run(onProgress));
    } catch (error) {
      // A file that breaks mid-way (truncated gzip, I/O error) fails its step only; the step's
      // transaction was rolled back, so nothing half-written remains.
      reports.push(new StepRecorder(step.name, step.file).fail((error as Error).message));
    }
  }
  // Zones or addresses changed: which zones each address lies in is computed again, and the people
  // placed from an address or from coordinates follow.
  const placement =
    parts.has('layers') || parts.has('addresses')
      ? await relocateTerritory(db, campaignId, { addressesChanged: parts.has('addresses') })
      : undefined;
  // The map's queries read a million result rows: planned on empty statistics (PGlite runs no
  // autovacuum) they would take minutes. Inside a caller's transaction the caller refreshes them.
  if (!db.isTransaction) {
    await refreshStatistics(db, ['zone', 'zone_cover', 'zone_indicator', 'election', 'election_result', 'address']);
  }
  return { steps: reports, missingFiles, ...(placement ? { placement } : {}), durationMs: Date.now() - started };
}
