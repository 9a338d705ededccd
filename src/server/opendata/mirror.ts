// Where the local mirror of a city's open data is, when there is one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CityManifest, filesUsed } from './manifest.ts';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * The mirror folder to use: the configured one (RELAIS_OPENDATA_DIR) or, in a development
 * checkout, ../shared/data/<city> beside the repository; null when neither holds the city's
 * first layer file.
 */
export function findLocalMirror(
  manifest: CityManifest,
  configured: string | null,
  options: { besideRepository?: boolean } = {},
): string | null {
  const probe = manifest.layers[0]?.file ?? filesUsed(manifest)[0];
  if (!probe) return null;
  const candidates = [configured];
  if (options.besideRepository !== false) candidates.push(path.resolve(REPO_ROOT, '..', 'shared', 'data', manifest.code));
  for (const dir of candidates) {
    if (dir && existsSync(path.join(dir, probe))) return dir;
  }
  return null;
}
