// The one place files are kept: uploads, import sources and rejected rows, exports to come. A file is
// named by a key ("uploads/<campaign>/<import>/source.csv", slash-separated, no "..") in a store that
// every server instance and worker shares. Two backends (FILES_BACKEND): a folder under DATA_DIR
// (here), or an S3-compatible bucket (s3-store.ts). Writes are whole objects — no append, no in-place
// change, what a bucket offers — which is why a writer hands over a stream and the file appears once
// complete.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.ts';
import { uuidv7 } from '../lib/ids.ts';
import { s3FileStore } from './s3-store.ts';

/** A file of the store as a listing shows it. */
export interface StoredFile {
  key: string;
  size: number;
  modifiedAt: Date;
}

/** Thrown by write() when the content goes past maxBytes (nothing is kept). */
export class FileTooLargeError extends Error {
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes.`);
    this.maxBytes = maxBytes;
  }
}

/** Where files live: a folder under DATA_DIR, or an S3-compatible bucket. */
export interface FileStore {
  /** Stores the whole content under key (replacing any file there once complete); returns its size. */
  write(
    key: string,
    content: Readable | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>,
    options?: { maxBytes?: number },
  ): Promise<number>;
  /** Reads a file as a stream (the stream errors with ENOENT when there is none). */
  read(key: string): Readable;
  /** Size and time of a file, or null when there is none. */
  stat(key: string): Promise<StoredFile | null>;
  /** Deletes one file (no error when there is none). */
  delete(key: string): Promise<void>;
  /** Deletes every file whose key starts with prefix + "/". */
  deletePrefix(prefix: string): Promise<void>;
  /** Files under prefix + "/", at any depth. */
  list(prefix: string): AsyncIterable<StoredFile>;
  /**
   * Runs fn with a local path of the file, for readers that need random access (a zip's central
   * directory): the folder backend's own path; the S3 backend's copy in a temporary file, deleted after.
   */
  withLocalPath<T>(key: string, fn: (localPath: string) => Promise<T>): Promise<T>;
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** The key itself, or an error when it is not one (a path outside the store, an empty part). */
export function checkKey(key: string): string {
  if (!KEY_RE.test(key) || key.split('/').some((part) => part === '..' || part === '.')) throw new Error(`bad file key ${key}`);
  return key;
}

/** Counts bytes going through, failing past the limit. */
export function byteLimit(maxBytes: number, seen: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      seen.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      if (seen.bytes > maxBytes) done(new FileTooLargeError(maxBytes));
      else done(null, chunk);
    },
  });
}

/** The folder backend: keys are paths under root; writes go to a temporary file renamed once complete. */
export function folderFileStore(root: string): FileStore {
  const pathOf = (key: string) => path.join(root, ...checkKey(key).split('/'));
  async function* walk(dir: string, prefix: string): AsyncGenerator<StoredFile> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const key = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), key);
      else if (entry.isFile() && !entry.name.endsWith('.partial')) {
        const s = await stat(path.join(dir, entry.name)).catch(() => null);
        if (s) yield { key, size: s.size, modifiedAt: s.mtime };
      }
    }
  }
  return {
    async write(key, content, options = {}) {
      const file = pathOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      // A name of its own, so that two writers of one key never mix their bytes; ".partial" files
      // are not listed, and a crash leaves one for the owner's retention to delete with its folder.
      const tmp = `${file}.${uuidv7()}.partial`;
      const seen = { bytes: 0 };
      const source = content instanceof Readable ? content : Readable.from(content);
      try {
        await pipeline(source, byteLimit(options.maxBytes ?? Number.POSITIVE_INFINITY, seen), createWriteStream(tmp));
        await rename(tmp, file);
      } catch (error) {
        source.destroy();
        await rm(tmp, { force: true });
        throw error;
      }
      return seen.bytes;
    },
    read(key) {
      return createReadStream(pathOf(key), { highWaterMark: 1024 * 1024 });
    },
    async stat(key) {
      const s = await stat(pathOf(key)).catch(() => null);
      return s?.isFile() ? { key, size: s.size, modifiedAt: s.mtime } : null;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async deletePrefix(prefix) {
      await rm(pathOf(prefix), { recursive: true, force: true });
    },
    list(prefix) {
      return walk(pathOf(prefix), checkKey(prefix));
    },
    async withLocalPath(key, fn) {
      return fn(pathOf(key));
    },
  };
}

const stores = new Map<string, FileStore>();

/** The deployment's file store (FILES_BACKEND; one per folder or bucket in a process). */
export function fileStoreOf(config: Pick<Config, 'dataDir' | 'files'>): FileStore {
  const files = config.files;
  const id = files.backend === 's3' ? `s3 ${files.endpoint ?? ''} ${files.bucket}` : `folder ${config.dataDir}`;
  let store = stores.get(id);
  if (!store) {
    store = files.backend === 's3' ? s3FileStore(files, { tempDir: path.join(config.dataDir, 'tmp') }) : folderFileStore(config.dataDir);
    stores.set(id, store);
  }
  return store;
}
