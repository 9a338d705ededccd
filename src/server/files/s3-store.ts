// The S3-compatible backend of the file store (AWS S3, MinIO, Garage, a provider's object storage),
// through the AWS SDK v3. Bytes stream both ways: a write goes up as a multipart upload of 8 MiB
// parts (lib-storage; a file smaller than one part is one PutObject), a read is the GetObject
// body. The SDK is loaded on first use, so a deployment on the folder backend never loads it.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config.ts';
import { byteLimit, checkKey, type FileStore, type StoredFile } from './storage.ts';

/** Bytes per part of a multipart upload (S3's minimum is 5 MiB); at most PART_QUEUE + 1 parts are in memory. */
const PART_BYTES = 8 * 1024 * 1024;
const PART_QUEUE = 2;
/** Keys per DeleteObjects request (S3's maximum). */
const DELETE_BATCH = 1000;

type Sdk = typeof import('@aws-sdk/client-s3');

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** The error a read of a missing file gives, as the folder backend's (code ENOENT). */
function missingFile(key: string): Error {
  return Object.assign(new Error(`No file ${key} in the bucket.`), { code: 'ENOENT' });
}

/** The S3 backend: keys are object keys of one bucket; `tempDir` receives the copies withLocalPath makes. */
export function s3FileStore(config: S3Config, options: { tempDir: string }): FileStore {
  const Bucket = config.bucket;
  let opened: Promise<{ sdk: Sdk; client: S3Client }> | null = null;
  const open = () => {
    opened ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        region: config.region,
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        forcePathStyle: config.forcePathStyle,
        ...(config.accessKeyId && config.secretAccessKey
          ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }
          : {}),
        // Checksums only where S3 requires them: several S3-compatible servers refuse the SDK's
        // default trailing checksums on every upload.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    }));
    return opened;
  };

  async function* listAll(prefix: string): AsyncGenerator<StoredFile> {
    const { sdk, client } = await open();
    let token: string | undefined;
    do {
      const page = await client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: `${checkKey(prefix)}/`, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key, size: object.Size ?? 0, modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async function* body(key: string): AsyncGenerator<Buffer> {
    const { sdk, client } = await open();
    let response: GetObjectCommandOutput;
    try {
      response = await client.send(new sdk.GetObjectCommand({ Bucket, Key: key }));
    } catch (error) {
      throw isNotFound(error) ? missingFile(key) : error;
    }
    yield* response.Body as Readable;
  }

  const store: FileStore = {
    async write(key, content, options = {}) {
      checkKey(key);
      const { client } = await open();
      const { Upload } = await import('@aws-sdk/lib-storage');
      const seen = { bytes: 0 };
      const source = content instanceof Readable ? content : Readable.from(content);
      const upstream = new PassThrough();
      // The object appears only when the upload completes: a failed or oversized write leaves the
      // key as it was (lib-storage aborts the multipart upload it started).
      const upload = new Upload({ client, params: { Bucket, Key: key, Body: upstream }, partSize: PART_BYTES, queueSize: PART_QUEUE });
      let failure: unknown = null;
      const fail = (error: unknown) => {
        failure ??= error;
        upstream.destroy(error as Error);
        source.destroy();
      };
      await Promise.all([
        pipeline(source, byteLimit(options.maxBytes ?? Number.POSITIVE_INFINITY, seen), upstream).catch(fail),
        upload.done().catch(fail),
      ]);
      if (failure) throw failure;
      return seen.bytes;
    },
    read(key) {
      checkKey(key);
      return Readable.from(body(key), { objectMode: false });
    },
    async stat(key) {
      const { sdk, client } = await open();
      try {
        const head = await client.send(new sdk.HeadObjectCommand({ Bucket, Key: checkKey(key) }));
        return { key, size: head.ContentLength ?? 0, modifiedAt: head.LastModified ?? new Date(0) };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      const { sdk, client } = await open();
      await client.send(new sdk.DeleteObjectCommand({ Bucket, Key: checkKey(key) }));
    },
    async deletePrefix(prefix) {
      const { sdk, client } = await open();
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const done = await client.send(
          new sdk.DeleteObjectsCommand({ Bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        batch = [];
        const error = done.Errors?.[0];
        if (error) throw new Error(`Could not delete ${error.Key}: ${error.Code} ${error.Message}`);
      };
      for await (const file of listAll(prefix)) {
        batch.push(file.key);
        if (batch.length >= DELETE_BATCH) await flush();
      }
      await flush();
    },
    list(prefix) {
      return listAll(prefix);
    },
    async withLocalPath(key, fn) {
      checkKey(key);
      await mkdir(options.tempDir, { recursive: true });
      const dir = await mkdtemp(path.join(options.tempDir, 'file-'));
      try {
        const local = path.join(dir, path.basename(key));
        await pipeline(store.read(key), createWriteStream(local));
        return await fn(local);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
  return store;
}
