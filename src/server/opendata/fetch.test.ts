import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FetchProgress, fetchOpenData } from './fetch.ts';
import { filesUsed } from './manifest.ts';
import { generateSyntheticCity, syntheticCityManifest } from './synthetic-city.ts';

const BAN = 'adresses-75.csv.gz';
const IRIS = 'iris-paris-2024.geojson';

describe('fetchOpenData', () => {
  let root: string;
  let source: string;
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ file: string; range: string | undefined }> = [];
  /** Files answered 404. */
  const missingOnServer = new Set<string>();
  /** Files whose next response is cut after this many bytes (connection dropped). */
  const cutNext = new Map<string, number>();

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'relais-fetch-'));
    source = path.join(root, 'portal');
    await generateSyntheticCity(source, { seed: 3 });
    server = createServer((req, res) => {
      const file = decodeURIComponent((req.url ?? '/').slice(1));
      requests.push({ file, range: req.headers.range });
      const full = path.join(source, file);
      if (missingOnServer.has(file) || !existsSync(full)) {
        res.writeHead(404).end('not found');
        return;
      }
      const body = readFileSync(full);
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const start = range ? Number(range[1]) : 0;
      const slice = body.subarray(start);
      res.writeHead(range ? 206 : 200, {
        'content-length': String(slice.length),
        ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
      });
      const cut = cutNext.get(file);
      if (cut !== undefined) {
        cutNext.delete(file);
        // Drop the connection once the client has had time to store the first bytes.
        res.write(slice.subarray(0, cut), () => setTimeout(() => res.destroy(), 150));
        return;
      }
      res.end(slice);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  const wanted = filesUsed(syntheticCityManifest);
  const same = (cache: string, file: string) => readFileSync(path.join(cache, file)).equals(readFileSync(path.join(source, file)));

  it('downloads every file with byte progress, then serves the second run from the cache', async () => {
    const cacheDir = path.join(root, 'cache-a');
    const events: FetchProgress[] = [];
    const first = await fetchOpenData({ city: syntheticCityManifest, cacheDir, baseUrl, onProgress: (p) => events.push(p) });
    expect(first).toMatchObject({ dir: cacheDir, source: 'download', missing: [] });
    for (const file of wanted) expect(same(cacheDir, file)).toBe(true);
    const banDone = events.filter((e) => e.file === BAN && e.state === 'done');
    expect(banDone).toHaveLength(1);
    expect(banDone[0]?.total).toBe(statSync(path.join(source, BAN)).size);
    expect(events.some((e) => e.file === BAN && e.state === 'downloading' && e.total !== null)).toBe(true);
    expect(existsSync(path.join(cacheDir, `${BAN}.part`))).toBe(false);

    const before = requests.length;
    const second = await fetchOpenData({ city: syntheticCityManifest, cacheDir, baseUrl });
    expect(second).toMatchObject({ source: 'cache', missing: [] });
    expect(requests.length).toBe(before);
  });

  it('keeps a cut download as .part, reports it missing, and resumes it with a Range request', async () => {
    const cacheDir = path.join(root, 'cache-b');
    const size = statSync(path.join(source, BAN)).size;
    const cut = Math.floor(size / 2);
    cutNext.set(BAN, cut);
    const first = await fetchOpenData({ city: syntheticCityManifest, cacheDir, baseUrl });
    expect(first.source).toBe('download');
    expect(first.missing).toEqual([BAN]);
    expect(existsSync(path.join(cacheDir, BAN))).toBe(false);
    const partSize = statSync(path.join(cacheDir, `${BAN}.part`)).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(size);

    const before = requests.length;
    const second = await fetchOpenData({ city: syntheticCityManifest, cacheDir, baseUrl });
    expect(second).toMatchObject({ source: 'download', missing: [] });
    expect(requests.slice(before)).toEqual([{ file: BAN, range: `bytes=${partSize}-` }]);
    expect(same(cacheDir, BAN)).toBe(true);
  });

  it('reports files the server does not have, and downloads the rest', async () => {
    const cacheDir = path.join(root, 'cache-c');
    missingOnServer.add(IRIS);
    try {
      const result = await fetchOpenData({ city: syntheticCityManifest, cacheDir, baseUrl });
      expect(result.missing).toEqual([IRIS]);
      expect(result.problems[0]?.reason).toMatch(/404/);
      expect(existsSync(path.join(cacheDir, IRIS))).toBe(false);
      expect(same(cacheDir, BAN)).toBe(true);
    } finally {
      missingOnServer.delete(IRIS);
    }
  });

  it('reports mirror-only files as missing without any request when there is no base URL', async () => {
    const before = requests.length;
    const result = await fetchOpenData({ city: syntheticCityManifest, cacheDir: path.join(root, 'cache-d') });
    expect(result.missing.sort()).toEqual([...wanted].sort());
    expect(result.problems[0]?.reason).toMatch(/mirror-only/);
    expect(requests.length).toBe(before);
  });

  it('uses a mirror folder in place and lists the files it lacks', async () => {
    const events: FetchProgress[] = [];
    const ok = await fetchOpenData({
      city: syntheticCityManifest,
      mirrorDir: source,
      cacheDir: path.join(root, 'unused'),
      onProgress: (p) => events.push(p),
    });
    expect(ok).toMatchObject({ dir: source, source: 'mirror', missing: [] });
    expect(existsSync(path.join(root, 'unused'))).toBe(false);
    expect(events.every((e) => e.state === 'mirror')).toBe(true);

    const mirror = path.join(root, 'mirror');
    await generateSyntheticCity(mirror, { seed: 3 });
    unlinkSync(path.join(mirror, IRIS));
    const partial = await fetchOpenData({ city: syntheticCityManifest, mirrorDir: mirror, cacheDir: path.join(root, 'unused') });
    expect(partial).toMatchObject({ dir: mirror, source: 'mirror', missing: [IRIS] });
  });
});
