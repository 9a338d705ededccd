// The file store's contract, run once per backend: the folder under DATA_DIR, and the S3 backend
// against a real S3-compatible server on loopback (s3rver). Whatever a caller may rely on is here.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestS3 } from '../testing/s3-server.ts';
import { s3FileStore } from './s3-store.ts';
import { type FileStore, FileTooLargeError, folderFileStore } from './storage.ts';

interface Backend {
  name: string;
  open(tempDir: string): Promise<{ store: FileStore; close(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'folder',
    async open(tempDir) {
      return { store: folderFileStore(path.join(tempDir, 'data')), close: async () => {} };
    },
  },
  {
    name: 'S3 (s3rver on loopback)',
    async open(tempDir) {
      const server = await startTestS3();
      return { store: s3FileStore(server.config, { tempDir: path.join(tempDir, 'tmp') }), close: () => server.close() };
    },
  },
];

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function keysUnder(store: FileStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const file of store.list(prefix)) keys.push(file.key);
  return keys.sort();
}

/** `count` chunks of 1 MiB, each filled with its index, made as they are read. */
function* megabytes(count: number): Generator<Buffer> {
  for (let i = 0; i < count; i++) yield Buffer.alloc(1024 * 1024, i);
}

describe.each(backends)('file store: $name', (backend) => {
  let tempDir: string;
  let store: FileStore;
  let close: () => Promise<void>;

  beforeAll(async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), 'relais-files-'));
    ({ store, close } = await backend.open(tempDir));
  });

  afterAll(async () => {
    await close?.();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('writes a stream or an iterable whole, reads it back and tells its size and time', async () => {
    const before = Date.now();
    expect(await store.write('a/one.csv', Readable.from([Buffer.from('nom;prénom\n'), Buffer.from('Durand;Éloïse\n')]))).toBe(28);
    expect(await store.write('a/two.txt', ['a', 'bc'])).toBe(3);
    expect((await readAll(store.read('a/one.csv'))).toString('utf8')).toBe('nom;prénom\nDurand;Éloïse\n');
    const stat = await store.stat('a/one.csv');
    expect(stat).toMatchObject({ key: 'a/one.csv', size: 28 });
    // S3 keeps whole seconds.
    expect(stat?.modifiedAt.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(stat?.modifiedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('streams a file of several upload parts in and out unchanged', async () => {
    const expected = createHash('sha256');
    for (const chunk of megabytes(20)) expected.update(chunk);
    expect(await store.write('big/file.bin', megabytes(20))).toBe(20 * 1024 * 1024);
    const read = createHash('sha256');
    for await (const chunk of store.read('big/file.bin')) read.update(chunk as Buffer);
    expect(read.digest('hex')).toBe(expected.digest('hex'));
    expect((await store.stat('big/file.bin'))?.size).toBe(20 * 1024 * 1024);
    await store.delete('big/file.bin');
  });

  it('replaces a file only once the new content is complete, and keeps nothing of a write past its limit', async () => {
    await store.write('c/kept.csv', ['first']);
    await store.write('c/kept.csv', ['second version']);
    expect((await readAll(store.read('c/kept.csv'))).toString()).toBe('second version');
    await expect(store.write('c/kept.csv', megabytes(12), { maxBytes: 10 * 1024 * 1024 })).rejects.toBeInstanceOf(FileTooLargeError);
    await expect(store.write('c/new.csv', ['0123456789', 'abc'], { maxBytes: 12 })).rejects.toBeInstanceOf(FileTooLargeError);
    expect((await readAll(store.read('c/kept.csv'))).toString()).toBe('second version');
    expect(await store.stat('c/new.csv')).toBeNull();
    expect(await keysUnder(store, 'c')).toEqual(['c/kept.csv']);
    expect(await store.write('c/exact.csv', ['0123456789ab'], { maxBytes: 12 })).toBe(12);
  });

  it('fails a write whose source fails, keeping the previous content', async () => {
    await store.write('d/file.csv', ['kept']);
    async function* broken() {
      yield 'half of a';
      throw new Error('the client went away');
    }
    await expect(store.write('d/file.csv', broken())).rejects.toThrow('the client went away');
    expect((await readAll(store.read('d/file.csv'))).toString()).toBe('kept');
    expect(await keysUnder(store, 'd')).toEqual(['d/file.csv']);
  });

  it('answers a missing file: a read that fails with ENOENT, no stat, a delete that does nothing', async () => {
    await expect(readAll(store.read('nowhere/file.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await store.stat('nowhere/file.csv')).toBeNull();
    await store.delete('nowhere/file.csv');
    await store.deletePrefix('nowhere');
    expect(await keysUnder(store, 'nowhere')).toEqual([]);
  });

  it('lists the files under a folder at any depth, not those of a folder whose name merely starts the same', async () => {
    await store.write('e/1/source.csv', ['abc']);
    await store.write('e/1/sub/rejected.csv', ['de']);
    await store.write('e/10/source.csv', ['f']);
    const listed: { key: string; size: number }[] = [];
    for await (const file of store.list('e/1')) listed.push({ key: file.key, size: file.size });
    expect(listed.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: 'e/1/source.csv', size: 3 },
      { key: 'e/1/sub/rejected.csv', size: 2 },
    ]);
    expect(await keysUnder(store, 'e')).toEqual(['e/1/source.csv', 'e/1/sub/rejected.csv', 'e/10/source.csv']);
  });

  it('deletes one file, or every file under a folder and nothing beside it', async () => {
    for (let i = 0; i < 25; i++) await store.write(`f/1/part-${i}.csv`, [String(i)]);
    await store.write('f/1/deep/er.csv', ['x']);
    await store.write('f/10/other.csv', ['y']);
    await store.delete('f/1/part-0.csv');
    expect(await store.stat('f/1/part-0.csv')).toBeNull();
    expect((await keysUnder(store, 'f/1')).length).toBe(25);
    await store.deletePrefix('f/1');
    expect(await keysUnder(store, 'f')).toEqual(['f/10/other.csv']);
  });

  it('hands a local copy of the file to readers that need random access', async () => {
    await store.write('g/book.xlsx', megabytes(3));
    const seen = await store.withLocalPath('g/book.xlsx', async (local) => {
      const bytes = await readFile(local);
      return { size: bytes.length, last: bytes[bytes.length - 1], dir: path.dirname(local) };
    });
    expect(seen).toMatchObject({ size: 3 * 1024 * 1024, last: 2 });
    // A temporary copy is gone once the reader is done (the folder backend lends its own file).
    if (backend.name !== 'folder') expect(await readdir(path.join(tempDir, 'tmp'))).toEqual([]);
  });

  it('stops a read the caller abandons without disturbing what follows', async () => {
    await store.write('h/big.bin', megabytes(9));
    const stream = store.read('h/big.bin');
    for await (const _chunk of stream) break;
    expect(stream.destroyed).toBe(true);
    await store.write('h/small.txt', ['abc']);
    expect((await readAll(store.read('h/small.txt'))).toString()).toBe('abc');
  });

  it('refuses keys that would leave the store', async () => {
    for (const key of ['../etc/passwd', 'a/../../b', '/abs', 'a//b', 'a/./b', '']) {
      await expect(store.write(key, ['x'])).rejects.toThrow(/bad file key/);
    }
    expect(() => store.read('../x')).toThrow(/bad file key/);
  });
});
