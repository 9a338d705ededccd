// Gets a city's open-data files: uses a local mirror in place when there is one, otherwise
// downloads each file with a known URL into a cache folder, with progress, resuming partial
// downloads (.part + HTTP Range) and skipping files already complete.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CityManifest, filesUsed, type SourceFile } from './manifest.ts';

export interface FetchProgress {
  file: string;
  state: 'mirror' | 'cached' | 'downloading' | 'done' | 'failed' | 'unavailable';
  /** Bytes written so far (for downloads) and expected size when the server says. */
  done: number;
  total: number | null;
  /** Position of the file in the list, and number of files. */
  index: number;
  count: number;
}

export interface FetchOptions {
  city: CityManifest;
  /** Local mirror of the portals: used in place, nothing is copied or downloaded. */
  mirrorDir?: string | null;
  /** Folder of downloaded files (created when needed). */
  cacheDir: string;
  onProgress?: (progress: FetchProgress) => void;
  fetchImpl?: typeof fetch;
  /** Download every file from `${baseUrl}/${name}` instead of its official URL (a private HTTP mirror). */
  baseUrl?: string;
  signal?: AbortSignal;
}

export interface FetchResult {
  dir: string;
  source: 'mirror' | 'download' | 'cache';
  /** Files of the manifest that could not be had. */
  missing: string[];
  /** Why each missing file is missing. */
  problems: Array<{ file: string; reason: string }>;
}

/** The files to get: those the manifest reads, in manifest order. */
function wantedFiles(city: CityManifest): SourceFile[] {
  const used = new Set(filesUsed(city));
  return city.files.filter((f) => used.has(f.name));
}

/** Makes the city's files available in a folder (mirror in place, or download cache). */
export async function fetchOpenData(options: FetchOptions): Promise<FetchResult> {
  const files = wantedFiles(options.city);
  const report = (p: Omit<FetchProgress, 'count'>) => options.onProgress?.({ ...p, count: files.length });

  if (options.mirrorDir) {
    const dir = options.mirrorDir;
    const missing: string[] = [];
    files.forEach((f, index) => {
      const present = existsSync(path.join(dir, f.name));
      if (!present) missing.push(f.name);
      report({ file: f.name, state: present ? 'mirror' : 'unavailable', done: 0, total: null, index });
    });
    return {
      dir,
      source: 'mirror',
      missing,
      problems: missing.map((file) => ({ file, reason: 'not in the mirror folder' })),
    };
  }

  const dir = options.cacheDir;
  mkdirSync(dir, { recursive: true });
  const doFetch = options.fetchImpl ?? fetch;
  const problems: FetchResult['problems'] = [];
  let downloaded = 0;
  for (const [index, file] of files.entries()) {
    const target = path.join(dir, file.name);
    if (existsSync(target)) {
      const size = statSync(target).size;
      report({ file: file.name, state: 'cached', done: size, total: size, index });
      continue;
    }
    const url = options.baseUrl ? `${options.baseUrl.replace(/\/$/, '')}/${encodeURIComponent(file.name)}` : file.url;
    if (!url) {
      problems.push({ file: file.name, reason: 'no public download URL (mirror-only file)' });
      report({ file: file.name, state: 'unavailable', done: 0, total: null, index });
      continue;
    }
    try {
      await downloadFile({
        url,
        target,
        doFetch,
        signal: options.signal,
        onBytes: (done, total) => report({ file: file.name, state: 'downloading', done, total, index }),
      });
      downloaded++;
      const size = statSync(target).size;
      report({ file: file.name, state: 'done', done: size, total: size, index });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      problems.push({ file: file.name, reason: (error as Error).message });
      report({ file: file.name, state: 'failed', done: 0, total: null, index });
    }
  }
  return {
    dir,
    source: downloaded > 0 ? 'download' : 'cache',
    missing: problems.map((p) => p.file),
    problems,
  };
}

interface DownloadArgs {
  url: string;
  target: string;
  doFetch: typeof fetch;
  signal?: AbortSignal;
  onBytes: (done: number, total: number | null) => void;
}

/** Downloads url into target through target.part, resuming a previous partial download. */
async function downloadFile({ url, target, doFetch, signal, onBytes }: DownloadArgs): Promise<void> {
  const part = `${target}.part`;
  let offset = existsSync(part) ? statSync(part).size : 0;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  let response = await doFetch(url, { headers, signal, redirect: 'follow' });
  if (response.status === 416 && offset > 0) {
    // The partial file does not fit the server's copy any more: start again.
    await response.body?.cancel();
    unlinkSync(part);
    offset = 0;
    response = await doFetch(url, { signal, redirect: 'follow' });
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} for ${url}`);
  }
  const resumed = response.status === 206;
  if (!resumed) offset = 0;
  const length = Number(response.headers.get('content-length'));
  const rangeTotal = /\/(\d+)\s*$/.exec(response.headers.get('content-range') ?? '')?.[1];
  // A body decoded by fetch (Content-Encoding) has no reliable expected size.
  const encoded = !!response.headers.get('content-encoding');
  const total = rangeTotal ? Number(rangeTotal) : !encoded && Number.isFinite(length) && length > 0 ? offset + length : null;
  let done = offset;
  onBytes(done, total);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    done += chunk.length;
    onBytes(done, total);
  });
  await pipeline(body, createWriteStream(part, { flags: resumed ? 'a' : 'w' }), { signal });
  if (total !== null && done !== total) throw new Error(`incomplete download of ${url}: ${done} of ${total} bytes`);
  renameSync(part, target);
}
