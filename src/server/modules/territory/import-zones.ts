// Imports one layer of zones from a GeoJSON file: validates each feature, computes bbox, centroid
// and parent, then replaces the layer in one transaction while keeping the ids of zones whose code
// is unchanged (people, memberships and child zones keep pointing at them).

import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import { withTenant } from '../../db/database.ts';
import type { DB } from '../../db/schema.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { ZoneLayerSpec } from '../../opendata/manifest.ts';
import {
  type AreaGeometry,
  type BBox,
  geometryBBox,
  geometryCentroid,
  type Position,
  parseAreaGeometry,
  roundGeometry,
} from './geometry.ts';
import { type ProgressFn, StepRecorder, type StepReport, throttledProgress } from './import-report.ts';
import { createZoneLocator } from './zone-locator.ts';
import { clearMetricCache } from './zone-metrics.ts';

export interface ImportLayerOptions {
  campaignId: string;
  /** Path of the GeoJSON file. */
  path: string;
  layer: ZoneLayerSpec;
  /** Order of the layer in lists (0 = coarsest). */
  position: number;
  source?: string;
  licence?: string;
  onProgress?: ProgressFn;
}

interface ParsedZone {
  code: string;
  name: string;
  geometry: AreaGeometry;
  bbox: BBox;
  centroid: Position;
  parentCode: string | null;
  properties: Record<string, unknown>;
  ref: string;
}

// Geometries are large: 1000 zones per statement keeps each statement a few megabytes.
const ZONE_BATCH = 1000;

/** Reads a GeoJSON FeatureCollection's features, or throws a readable error. */
export function readFeatures(path: string): Array<{ properties?: unknown; geometry?: unknown }> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
  const features = (json as { features?: unknown })?.features;
  if (!Array.isArray(features)) throw new Error('not a GeoJSON FeatureCollection');
  return features as Array<{ properties?: unknown; geometry?: unknown }>;
}

/** A property value as a trimmed string; null when absent or blank. */
export function propertyText(properties: Record<string, unknown>, key: string): string | null {
  const v = properties[key];
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'object' ? JSON.stringify(v) : String(v)).trim();
  return s === '' ? null : s;
}

/** Fills "{prop}" placeholders; empty when a placeholder has no value (the name property is used then). */
function renderName(template: string, properties: Record<string, unknown>): string {
  let complete = true;
  const name = template.replace(/\{([^}]+)\}/g, (_, key: string) => {
    const v = propertyText(properties, key);
    if (v === null) complete = false;
    return v ?? '';
  });
  return complete ? name.trim() : '';
}

function isEmbeddedGeometry(v: unknown): boolean {
  return !!v && typeof v === 'object' && 'type' in v && 'coordinates' in v;
}

function parseFeatures(
  features: Array<{ properties?: unknown; geometry?: unknown }>,
  layer: ZoneLayerSpec,
  rec: StepRecorder,
  progress: (done: number) => void,
): ParsedZone[] {
  const zones: ParsedZone[] = [];
  const seen = new Set<string>();
  for (const [i, feature] of features.entries()) {
    progress(i + 1);
    const ref = `feature ${i + 1}`;
    const raw = feature?.properties;
    const properties: Record<string, unknown> = raw && typeof raw === 'object' ? { ...(raw as object) } : {};
    for (const [k, v] of Object.entries(properties)) if (isEmbeddedGeometry(v)) delete properties[k];
    const code = propertyText(properties, layer.codeProperty);
    if (!code) {
      rec.skip(ref, `missing code (${layer.codeProperty})`);
      continue;
    }
    const parsed = parseAreaGeometry(feature?.geometry);
    if (typeof parsed === 'string') {
      rec.skip(`${ref} (${code})`, `invalid geometry: ${parsed}`);
      continue;
    }
    if (seen.has(code)) {
      rec.skip(`${ref} (${code})`, 'duplicate code');
      continue;
    }
    seen.add(code);
    const geometry = roundGeometry(parsed);
    let name = layer.nameTemplate ? renderName(layer.nameTemplate, properties) : '';
    if (!name) name = propertyText(properties, layer.nameProperty) ?? '';
    if (!name) {
      rec.warn(`${ref} (${code})`, 'missing name');
      name = code;
    }
    zones.push({
      code,
      name,
      geometry,
      bbox: geometryBBox(geometry),
      centroid: geometryCentroid(geometry),
      parentCode: layer.parent?.property ? propertyText(properties, layer.parent.property) : null,
      properties,
      ref: `${ref} (${code})`,
    });
  }
  return zones;
}

async function resolveParents(
  db: Kysely<DB>,
  campaignId: string,
  layer: ZoneLayerSpec,
  zones: ParsedZone[],
  rec: StepRecorder,
): Promise<Array<string | null>> {
  const parentSpec = layer.parent;
  if (!parentSpec) return zones.map(() => null);
  const parents = await loadLayerZones(db, campaignId, parentSpec.layer);
  if (parents.length === 0) {
    rec.warn(layer.code, `parent layer ${parentSpec.layer} has no zones: parents left empty`);
    return zones.map(() => null);
  }
  const byCode = new Map(parents.map((p) => [p.code, p.id] as const));
  let locator: ReturnType<typeof createZoneLocator> | undefined;
  return zones.map((zone) => {
    if (zone.parentCode) {
      const id = byCode.get(zone.parentCode);
      if (id) return id;
    }
    locator ??= createZoneLocator(parents);
    const [id] = locator.locate(zone.centroid[0], zone.centroid[1]);
    if (parentSpec.property) {
      rec.warn(zone.ref, id ? 'parent code not found: parent found by position' : 'parent code not found');
    } else if (!id) {
      rec.warn(zone.ref, 'no parent zone contains its centroid');
    }
    return id ?? null;
  });
}

/** Imports (or re-imports) one layer of zones; bad features are skipped and reported. */
export async function importZoneLayer(db: Kysely<DB>, options: ImportLayerOptions): Promise<StepReport> {
  const { campaignId, layer } = options;
  const step = `layer:${layer.code}`;
  const rec = new StepRecorder(step, layer.file);
  let features: Array<{ properties?: unknown; geometry?: unknown }>;
  try {
    features = readFeatures(options.path);
  } catch (error) {
    return rec.fail((error as Error).message);
  }
  const progress = throttledProgress(options.onProgress, { step, unit: 'features' }, features.length, 200);
  progress(0, true);
  const zones = parseFeatures(features, layer, rec, progress);
  if (zones.length === 0) return rec.fail('no valid feature: the layer was left unchanged');

  await withTenant(db, campaignId, async (trx) => {
    await clearMetricCache(trx, campaignId);
    const parentIds = await resolveParents(trx, campaignId, layer, zones, rec);
    if (layer.parent) rec.count('zones with parent', parentIds.filter((id) => id !== null).length);
    const layerRow = await trx
      .insertInto('zone_layer')
      .values({
        campaign_id: campaignId,
        id: uuidv7(),
        code: layer.code,
        name: layer.nameFr,
        source: options.source ?? '',
        licence: options.licence ?? '',
        position: options.position,
      })
      .onConflict((oc) =>
        oc.columns(['campaign_id', 'code']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          source: eb.ref('excluded.source'),
          licence: eb.ref('excluded.licence'),
          position: eb.ref('excluded.position'),
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < zones.length; i += ZONE_BATCH) {
      const batch = zones.slice(i, i + ZONE_BATCH);
      await trx
        .insertInto('zone')
        .values(
          batch.map((z, k) => ({
            campaign_id: campaignId,
            id: uuidv7(),
            layer_id: layerRow.id,
            code: z.code,
            name: z.name,
            parent_id: parentIds[i + k] ?? null,
            geometry: JSON.stringify(z.geometry),
            bbox: z.bbox,
            centroid: z.centroid,
            properties: JSON.stringify(z.properties),
          })),
        )
        .onConflict((oc) =>
          oc.columns(['campaign_id', 'layer_id', 'code']).doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            parent_id: eb.ref('excluded.parent_id'),
            geometry: eb.ref('excluded.geometry'),
            bbox: eb.ref('excluded.bbox'),
            centroid: eb.ref('excluded.centroid'),
            properties: eb.ref('excluded.properties'),
          })),
        )
        .execute();
    }
    // Zones no longer in the file go, with their indicators and results (cascade).
    const stale = await sql<{ n: number }>`
      with gone as (
        delete from zone where campaign_id = ${campaignId} and layer_id = ${layerRow.id}
          and not (code = any(${zones.map((z) => z.code)}::text[]))
        returning 1)
      select count(*)::int as n from gone`.execute(trx);
    rec.count('zones removed', stale.rows[0]?.n ?? 0);
  });
  rec.report.imported = zones.length;
  return rec.finish();
}

export interface LayerZone {
  id: string;
  layerId: string;
  code: string;
  geometry: AreaGeometry;
  bbox: number[];
}

/** The zones of one layer of a campaign (with geometry), for importers that attach data to them. */
export async function loadLayerZones(db: Kysely<DB>, campaignId: string, layerCode: string): Promise<LayerZone[]> {
  const rows = await db
    .selectFrom('zone')
    .innerJoin('zone_layer', (j) => j.onRef('zone_layer.campaign_id', '=', 'zone.campaign_id').onRef('zone_layer.id', '=', 'zone.layer_id'))
    .select(['zone.id', 'zone.layer_id', 'zone.code', 'zone.geometry', 'zone.bbox'])
    .where('zone.campaign_id', '=', campaignId)
    .where('zone_layer.code', '=', layerCode)
    .execute();
  return rows.map((r) => ({ id: r.id, layerId: r.layer_id, code: r.code, geometry: r.geometry as AreaGeometry, bbox: r.bbox }));
}
