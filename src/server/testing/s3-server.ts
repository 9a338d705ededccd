// A real S3-compatible server (s3rver: the S3 REST protocol over HTTP, objects in a folder) on
// loopback, with one empty bucket, for the file store's tests on its S3 backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { S3Config } from '../config.ts';

export interface TestS3 {
  /** The settings FILES_BACKEND=s3 and S3_* would give for this server. */
  config: S3Config;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port with the bucket `relais-test`. */
export async function startTestS3(): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'relais-s3-'));
  const bucket = 'relais-test';
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    config: {
      backend: 's3',
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      region: 'us-east-1',
      // s3rver's fixed credentials: it checks every request's signature against them.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
