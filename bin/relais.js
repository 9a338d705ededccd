#!/usr/bin/env node
// Entry point of the `relais` command: checks the Node.js version, then runs the TypeScript CLI
// directly (Node strips the types; there is no build step for the server).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `Relais needs Node.js 22.12 or newer (24 recommended); this is Node.js ${process.versions.node}.\n` +
      'Install Node.js 24 (https://nodejs.org, or: npm install --prefix "$HOME/.relais-node" node@24 && ' +
      'export PATH="$HOME/.relais-node/node_modules/.bin:$PATH") and run the command again.',
  );
  process.exit(1);
}

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
if (!process.features.typescript) {
  // Node 22.12–22.17 strips types only behind a flag: run again with it.
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', main, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(result.status ?? 1);
}
await import(main);
