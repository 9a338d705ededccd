// Multipart bodies as browsers send them, for upload routes under app.inject().
import { uuidv7 } from '../lib/ids.ts';

/** A multipart/form-data body with one file field. */
export function multipartOf(fileName: string, content: Buffer, field = 'file') {
  const boundary = `----relais${uuidv7().replace(/-/g, '')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
