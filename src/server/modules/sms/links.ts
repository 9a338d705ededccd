// SMS short links: every http(s) URL of a text goes out as <PUBLIC_URL>/s/<code>, a code per message
// and link (sms_link names its URL and message), so that a click tells who clicked which link; the
// estimate counts the text with short links of that length. The code is random, 10 base62
// characters (about 59 bits): a stranger cannot guess one, and a changed one is unknown.
import { randomBytes } from 'node:crypto';

export const SHORT_CODE_LENGTH = 10;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A short code, exactly: what the redirect route accepts before any lookup. */
export const SHORT_CODE = /^[0-9A-Za-z]{10}$/;

// A URL ends before white space, quotes and angle brackets, and without the punctuation that ends a sentence.
const URL_IN_TEXT = /https?:\/\/[^\s<>"«»]+/gi;
const TRAILING = /[.,;:!?)\]'’]+$/;

/** The URLs of a text, in order. */
export function linksOf(text: string): string[] {
  return [...text.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(TRAILING, '')).filter((u) => /^https?:\/\/[^/]+/i.test(u));
}

/** The text with its i-th URL replaced by replace(url, i). */
export function replaceLinks(text: string, replace: (url: string, index: number) => string): string {
  let index = 0;
  return text.replace(URL_IN_TEXT, (match) => {
    const url = match.replace(TRAILING, '');
    if (!/^https?:\/\/[^/]+/i.test(url)) return match;
    return replace(url, index++) + match.slice(url.length);
  });
}

/** A new random short code (base62, rejection sampling: every character equally likely). */
export function newShortCode(): string {
  let code = '';
  while (code.length < SHORT_CODE_LENGTH) {
    for (const byte of randomBytes(16)) {
      if (byte < 248 && code.length < SHORT_CODE_LENGTH) code += ALPHABET[byte % 62];
    }
  }
  return code;
}

/** The short link of a code. */
export function shortLinkOf(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/s/${code}`;
}

/** The text as its recipients get it, for counting: each URL as a short link of the real length. */
export function withShortLinkLength(text: string, publicUrl: string): string {
  return replaceLinks(text, () => shortLinkOf(publicUrl, '0'.repeat(SHORT_CODE_LENGTH)));
}
