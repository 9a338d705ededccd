// For the SMS tests: a local HTTP server on loopback speaking Twilio's Messages API (basic auth,
// form fields, an answer with a `sid`) that calls the app's StatusCallback back with
// X-Twilio-Signature as Twilio does; and what the tests need around it.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../modules/sms/twilio-signature.ts';

export const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const AUTH_TOKEN = 'test-auth-token-0123456789';

export interface ReceivedMessage {
  authorization: string | undefined;
  form: Record<string, string>;
  sid: string;
}

/**
 * A server speaking Twilio's Messages API on loopback: checks basic auth and the form, answers
 * 201 with the message resource, then reports `sent` and `delivered` to the StatusCallback, signed.
 */
export async function startTwilio() {
  const received: ReceivedMessage[] = [];
  const callbacks: { url: string; status: number }[] = [];
  /** Numbers the server refuses, with Twilio's status and error code (429: too many requests; 400 21610: unsubscribed). */
  const refuse = new Map<string, { status: number; code: number; message: string }>();
  const pending = new Set<Promise<void>>();
  const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`)
        return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
      if (req.headers.authorization !== expected) return json(401, { code: 20003, message: 'Authenticate', status: 401 });
      if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded'))
        return json(400, { code: 21601, message: 'Expected a form body', status: 400 });
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      if (!/^\+[1-9]\d{6,14}$/.test(form.To ?? ''))
        return json(400, { code: 21211, message: `The 'To' number ${form.To} is not a valid phone number.`, status: 400 });
      if (!form.From && !form.MessagingServiceSid)
        return json(400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
      if (!form.Body) return json(400, { code: 21602, message: 'Message body is required.', status: 400 });
      const refusal = refuse.get(form.To ?? '');
      if (refusal) {
        received.push({ authorization: req.headers.authorization, form, sid: '' });
        return json(refusal.status, {
          code: refusal.code,
          message: refusal.message,
          more_info: `https://www.twilio.com/docs/errors/${refusal.code}`,
          status: refusal.status,
        });
      }
      const sid = `SM${randomBytes(16).toString('hex')}`;
      received.push({ authorization: req.headers.authorization, form, sid });
      json(201, {
        sid,
        account_sid: ACCOUNT_SID,
        to: form.To,
        from: form.From ?? null,
        messaging_service_sid: form.MessagingServiceSid ?? null,
        body: form.Body,
        status: 'queued',
        num_segments: '1',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
      });
      if (form.StatusCallback) {
        const callback = form.StatusCallback;
        const report = async () => {
          for (const status of ['sent', 'delivered']) {
            const answer = await postSigned(callback, {
              AccountSid: ACCOUNT_SID,
              ApiVersion: '2010-04-01',
              MessageSid: sid,
              SmsSid: sid,
              MessageStatus: status,
              SmsStatus: status,
              To: form.To ?? '',
              From: form.From ?? '',
            });
            callbacks.push({ url: callback, status: answer.status });
          }
        };
        const p = report().finally(() => pending.delete(p));
        pending.add(p);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    callbacks,
    refuse,
    baseUrl: `http://127.0.0.1:${port}`,
    /** Waits for every callback under way. */
    settled: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** POSTs a form to `url` signed as Twilio signs it. */
export async function postSigned(url: string, params: Record<string, string>, token = AUTH_TOKEN) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(token, url, params) },
    body: new URLSearchParams(params).toString(),
  });
}
