// The demo's listening key: generated once under DATA_DIR (mode 600), read back on the next start,
// never used when the environment sets one; loopback feeds allowed in the demo unless set.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.ts';
import { DEMO_KEY_FILE, demoListening } from './demo-listening.ts';

describe('demo listening key', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'relais-demo-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a key under DATA_DIR once, then reads the same one back', () => {
    const cfg = loadConfig({ DATA_DIR: dir });
    expect(cfg.listening.secretKey).toBeNull();
    const first = demoListening(cfg);
    expect(first).toMatchObject({ created: true, keyFile: path.join(dir, DEMO_KEY_FILE), loopbackAllowed: true });
    expect(first.config.listening.secretKey).toHaveLength(32);
    expect(first.config.listening.allowNetworks).toEqual(['127.0.0.0/8', '::1/128']);
    expect(statSync(path.join(dir, DEMO_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path.join(dir, DEMO_KEY_FILE), 'utf8').trim(), 'base64')).toEqual(first.config.listening.secretKey);
    const again = demoListening(cfg);
    expect(again.created).toBe(false);
    expect(again.config.listening.secretKey).toEqual(first.config.listening.secretKey);
  });

  it("keeps the environment's key and networks", () => {
    const key = Buffer.alloc(32, 7);
    const cfg = loadConfig({ DATA_DIR: dir, LISTENING_SECRET_KEY: key.toString('base64'), LISTENING_ALLOW_NETWORKS: '10.0.0.0/8' });
    const demo = demoListening(cfg);
    expect(demo).toMatchObject({ keyFile: null, created: false, loopbackAllowed: false });
    expect(demo.config.listening).toEqual({ secretKey: key, allowNetworks: ['10.0.0.0/8'] });
  });
});
