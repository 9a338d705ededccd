// Multipart bodies as browsers send them, for upload routes under app.inject(); and the import
// upload and run that the imports' module tests share.
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { uuidv7 } from '../lib/ids.ts';
import type { TestClient } from './app.ts';

/** A multipart/form-data body with one file field. */
export function multipartOf(fileName: string, content: Buffer, field = 'file') {
  const boundary = `----relais${uuidv7().replace(/-/g, '')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** Uploads a file to POST /api/v1/imports as a signed-in client. */
export function uploadImportFile(app: FastifyInstance, client: TestClient, fileName: string, content: Buffer) {
  const body = multipartOf(fileName, content);
  return app.inject({
    method: 'POST',
    url: '/api/v1/imports',
    payload: body.payload,
    headers: { ...body.headers, cookie: client.cookie, 'x-csrf-token': client.csrf },
  });
}

/** Starts an uploaded import and waits for its end; returns its final state, whose error must be null. */
export async function runImportToEnd(client: TestClient, id: string, body: Record<string, unknown>) {
  const started = await client.request('POST', `/api/v1/imports/${id}/start`, body);
  expect(started.statusCode, started.body).toBe(202);
  await expect
    .poll(async () => (await client.request('GET', `/api/v1/imports/${id}`)).json().state, { timeout: 30_000, interval: 50 })
    .toMatch(/succeeded|failed/);
  const state = (await client.request('GET', `/api/v1/imports/${id}`)).json();
  expect(state.error).toBeNull();
  return state;
}
