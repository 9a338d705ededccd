// The French rules of political SMS that are pure functions: STOP replies, who may be the sender,
// and what every message must say (who sends it, how to stop). The sending hours are in hours.ts.
import { normalizePhone } from '../people/index.ts';

// Compared after normalisation (upper case, accents off, spaces collapsed, punctuation around trimmed).
const STOP_WORDS = new Set([
  'STOP',
  'STOP SMS',
  'STOPSMS',
  'STOP ALL',
  'STOPALL',
  'ARRET',
  'ARRET SMS',
  'ARRETER',
  'DESABONNER',
  'DESABONNEMENT',
  'DESINSCRIRE',
  'DESINSCRIPTION',
  'UNSUBSCRIBE',
  'END',
  'CANCEL',
  'QUIT',
  'REVOKE',
  'OPTOUT',
  'OPT OUT',
  'OPT-OUT',
]);

/** A reply as STOP words are compared: trimmed, upper case, without accents, spaces collapsed, punctuation around it off. */
export function normalizeReply(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim()
    .replace(/^[\p{P}\s]+|[\p{P}\s]+$/gu, '');
}

/** True when the whole reply (not a word inside a sentence) asks to stop: « stop », « Arrêt », « STOP SMS », « désabonner ». */
export function isStopReply(text: string): boolean {
  return STOP_WORDS.has(normalizeReply(text));
}

export type SenderKind = 'alphanumeric' | 'short_code' | 'long_number';

/** What kind of sender a setting names, or null when it is none (the reason says why). */
export function senderKindOf(sender: string): { kind: SenderKind } | { kind: null; reason: string } {
  const s = sender.trim();
  // An alphanumeric sender ID: up to 11 characters of letters, digits and spaces, at least one letter.
  if (/^[A-Za-z0-9 ]{1,11}$/.test(s) && /[A-Za-z]/.test(s)) return { kind: 'alphanumeric' };
  // A short code (French ones are 5 digits, 3xxxx to 8xxxx).
  if (/^\d{4,6}$/.test(s)) return { kind: 'short_code' };
  const e164 = normalizePhone(s);
  if (e164) {
    if (isFrenchMobile(e164)) {
      return {
        kind: null,
        reason: 'A French mobile number (06, 07) may not send bulk SMS: use an alphanumeric sender ID or a short code.',
      };
    }
    return { kind: 'long_number' };
  }
  return { kind: null, reason: 'A sender is 1 to 11 letters, digits and spaces with a letter, a short code, or a phone number.' };
}

/** True for a French mobile number in E.164 (+336…, +337…). */
export function isFrenchMobile(e164: string): boolean {
  return /^\+33[67]\d{8}$/.test(e164);
}

/** The sender as it goes to the provider (an E.164 number when it is one). */
export function providerSender(sender: string): string {
  const s = sender.trim();
  if (senderKindOf(s).kind !== 'long_number') return s;
  return normalizePhone(s) ?? s;
}

/** The French "how to stop" line: « STOP au 36xxx ». */
export function stopLine(stopNumber: string): string {
  return `STOP au ${stopNumber}`;
}

// A text already says how to stop when it has "STOP" followed by a number (« STOP au 36180 », « Stop SMS 36180 »).
const SAYS_STOP = /\bstop\b[^\n]{0,20}?\d{4,}/i;

/**
 * The body actually sent: the sender's name in front when the text does not name it, and
 * « STOP au <number> » at the end when the text does not say how to stop.
 */
export function composeBody(text: string, options: { senderName: string; stopNumber: string }): string {
  let body = text.trim();
  const name = options.senderName.trim();
  if (name && !normalizeReply(body).includes(normalizeReply(name))) body = `${name} : ${body}`;
  if (!SAYS_STOP.test(body)) body = `${body}\n${stopLine(options.stopNumber)}`;
  return body;
}
