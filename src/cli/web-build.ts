// Builds the back office with Vite when its assets are missing (first `npm start`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { say } from './messages.ts';

/** Runs the Vite build if dist/web has no index.html. */
export async function ensureWebBuilt(distDir: string): Promise<void> {
  if (existsSync(path.join(distDir, 'index.html'))) return;
  console.log(say('webBuilding'));
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(say('webNoVite'));
  }
  await vite.build({ configFile: path.resolve(import.meta.dirname, '../../vite.config.ts'), logLevel: 'warn' });
}
