// X-Twilio-Signature, computed as Twilio's own helper library computes it: HMAC-SHA1 keyed by the
// account's auth token over the full URL (as the WHATWG URL parser writes it) followed by every
// POST parameter, sorted by name, as name + value (a repeated parameter: its distinct values,
// sorted); base64. Twilio signs sometimes with, sometimes without the default port, so both forms
// are accepted. A JSON callback is signed over the URL alone, which carries `bodySHA256`, the hex
// SHA-256 of the body.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export type TwilioParams = Record<string, string | readonly string[] | undefined>;

/** The signature Twilio sends for a request to `url` with form parameters `params`. */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return signatureOver(authToken, new URL(url).toString(), params);
}

/**
 * HMAC over the URL exactly as written, then the parameters. (The WHATWG parser drops a default
 * port, so the form with the port is signed as written, not parsed again.)
 */
export function signatureOver(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === 'string') data += name + value;
    else for (const v of [...new Set(value)].sort()) data += name + v;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** The URL with its scheme's default port written out (https://host:443/…), as Twilio may have signed it. */
function withDefaultPort(url: URL): string {
  if (url.port) return url.toString();
  const port = url.protocol === 'https:' ? '443' : '80';
  const auth = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  return `${url.protocol}//${auth}${url.host}:${port}${url.pathname}${url.search}${url.hash}`;
}

/** The URL without any port (https://host/…). */
function withoutPort(url: URL): string {
  const copy = new URL(url.toString());
  copy.port = '';
  return copy.toString();
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `signature` is Twilio's for this URL and these form parameters (with or without the default port). */
export function validateTwilioRequest(authToken: string, signature: string | undefined, url: string, params: TwilioParams): boolean {
  if (!signature || !authToken) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    sameText(signature, signatureOver(authToken, withoutPort(parsed), params)) ||
    sameText(signature, signatureOver(authToken, withDefaultPort(parsed), params))
  );
}

/** Hex SHA-256 of a body, as Twilio puts it in the `bodySHA256` query parameter. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex');
}

/** True for a JSON request Twilio signed: the URL (holding bodySHA256) without parameters, and the body's hash. */
export function validateTwilioRequestWithBody(authToken: string, signature: string | undefined, url: string, body: string): boolean {
  let expected: string | null;
  try {
    expected = new URL(url).searchParams.get('bodySHA256');
  } catch {
    return false;
  }
  return validateTwilioRequest(authToken, signature, url, {}) && expected !== null && sameText(expected, bodySha256(body));
}
