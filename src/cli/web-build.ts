// Builds the back office with Vite when its assets are missing (first `npm start`).
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Runs the Vite build if dist/web has no index.html. */
export async function ensureWebBuilt(distDir: string): Promise<void> {
  if (existsSync(path.join(distDir, 'index.html'))) return;
  console.log('Building the back office (first start)…');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error('The back office is not built and Vite is not installed: run `npm install` (with dev dependencies), then start again.');
  }
  await vite.build({ configFile: path.resolve(import.meta.dirname, '../../vite.config.ts'), logLevel: 'warn' });
}
