// Spam protection of the public RSVP and proposal forms, in ONE place: a honeypot field and a minimum
// fill time (the form carries its signed render time). The site's full guard (proof of work, rate
// limits per address and form, quarantine: src/server/site/form-guard.ts) replaces `guardForm` here
// when the branches meet; the fields it needs are added by `guardFields`.
import { hmacSha256, safeEqual } from '../../lib/secrets.ts';

/** Below this many milliseconds between the page and its post, a person did not fill the form. */
export const MIN_FILL_MS = 3000;
const HONEYPOT = 'site_web';

function stamp(secret: string, at: number): string {
  return `${at}.${hmacSha256(secret, `form-time:${at}`).subarray(0, 12).toString('base64url')}`;
}

/** The hidden fields of a guarded form (honeypot hidden from people and assistive technologies, render time). */
export function guardFields(secret: string, now = Date.now()): string {
  return `<div style="position:absolute;left:-10000px" aria-hidden="true"><label for="${HONEYPOT}">Ne pas remplir</label><input type="text" id="${HONEYPOT}" name="${HONEYPOT}" tabindex="-1" autocomplete="off"></div><input type="hidden" name="form_time" value="${stamp(secret, now)}">`;
}

/** Whether a posted form passes: 'ok', or why it is dropped silently (the visitor sees the usual answer). */
export function guardForm(secret: string, body: Record<string, unknown>, now = Date.now()): 'ok' | 'honeypot' | 'too_fast' | 'no_time' {
  if (typeof body[HONEYPOT] === 'string' && body[HONEYPOT] !== '') return 'honeypot';
  const t = typeof body.form_time === 'string' ? body.form_time : '';
  const at = Number(t.split('.')[0]);
  if (!Number.isFinite(at) || !safeEqual(t, stamp(secret, at))) return 'no_time';
  if (now - at < MIN_FILL_MS) return 'too_fast';
  return 'ok';
}
