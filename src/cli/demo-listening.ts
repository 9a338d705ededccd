// What `relais start` (the demo) gives listening when the environment says nothing: a key sealing
// the social accounts' credentials, generated once and kept under DATA_DIR (never in the repository),
// and feeds on this machine allowed (the demo's watch reads the campaign's own RSS feed on loopback,
// and a local blog server can be watched). Outside the demo neither happens: `relais serve` and
// `relais worker` say plainly that LISTENING_SECRET_KEY is missing, and accounts cannot be connected.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../server/config.ts';

export const DEMO_KEY_FILE = 'listening-secret.key';
const LOOPBACK = ['127.0.0.0/8', '::1/128'];

export interface DemoListening {
  config: Config;
  /** The key file when the key came from it (created now or before), null when the environment set it. */
  keyFile: string | null;
  created: boolean;
  loopbackAllowed: boolean;
}

/** The demo's listening settings: the environment's when set, else a key kept under DATA_DIR and loopback allowed. */
export function demoListening(cfg: Config): DemoListening {
  const loopbackAllowed = cfg.listening.allowNetworks.length === 0;
  const allowNetworks = loopbackAllowed ? LOOPBACK : cfg.listening.allowNetworks;
  if (cfg.listening.secretKey) {
    return { config: { ...cfg, listening: { ...cfg.listening, allowNetworks } }, keyFile: null, created: false, loopbackAllowed };
  }
  const keyFile = path.join(cfg.dataDir, DEMO_KEY_FILE);
  let created = false;
  let key: Buffer | null = null;
  if (existsSync(keyFile)) {
    const read = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
    if (read.length === 32) key = read;
  }
  if (!key) {
    key = randomBytes(32);
    mkdirSync(cfg.dataDir, { recursive: true });
    writeFileSync(keyFile, `${key.toString('base64')}\n`, { mode: 0o600 });
    created = true;
  }
  return { config: { ...cfg, listening: { secretKey: key, allowNetworks } }, keyFile, created, loopbackAllowed };
}
