// What an SMS text costs before it is sent: its encoding (GSM-7, 3GPP TS 23.038's default alphabet
// and its extension table, or UCS-2), its segments (160/153 GSM characters, 70/67 UTF-16 units),
// its price, and the replacements that bring a French text back to GSM-7. Pure functions: the
// estimate route, the sending job and the composer's live counter all read these.

/** The GSM 03.38 default alphabet (one septet each; 0x1B, the escape, left out). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: an escape septet then the character, so each counts double. */
const GSM_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENSION = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** Septets or UTF-16 units in one segment: alone, and in a concatenated message (its header takes the rest). */
export const SEGMENT_LIMITS = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
} as const;

/** True when every character of the text is in the GSM-7 alphabet (basic or extension). */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** The characters of a text that force UCS-2 (each once, in order of appearance). */
export function nonGsmCharacters(text: string): string[] {
  const seen = new Set<string>();
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) seen.add(ch);
  return [...seen];
}

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters counting two) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
  /** Units left in the last segment before another one is needed. */
  remaining: number;
}

/**
 * Encoding and segment count of a text as a handset or an SMS centre splits it: an extension
 * character's two septets, and a surrogate pair's two units, are never split across segments.
 */
export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const widths: number[] = [];
  for (const ch of text) widths.push(encoding === 'GSM-7' ? (EXTENSION.has(ch) ? 2 : 1) : ch.length);
  const units = widths.reduce((a, b) => a + b, 0);
  const { single, multi } = SEGMENT_LIMITS[encoding];
  if (units === 0) return { encoding, units, segments: 0, remaining: single };
  if (units <= single) return { encoding, units, segments: 1, remaining: single - units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > multi) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { encoding, units, segments, remaining: multi - used };
}

/** Price of sending a text to `recipients` people at `pricePerSegment` (any currency unit), rounded to the thousandth. */
export function costOf(segments: number, recipients: number, pricePerSegment: number): number {
  return Math.round(segments * recipients * pricePerSegment * 1000) / 1000;
}

/** A character that forces UCS-2 and what stands for it in GSM-7. */
export interface Replacement {
  from: string;
  to: string;
  /** How many times it occurs in the text. */
  count: number;
}

// The usual French suspects. Characters already in GSM-7 (é è à ù Ç É ü ä ö ñ) stay as they are.
const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\u2019': "'", // ’ right single quotation mark (the French apostrophe)
  '\u2018': "'",
  '\u201a': "'",
  '\u02bc': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u00ab': '"', // «
  '\u00bb': '"', // »
  '\u00a0': ' ', // no-break space
  '\u202f': ' ', // narrow no-break space (before ; : ! ? » in French typography)
  '\u2009': ' ',
  '\u2007': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '\u2013': '-', // –
  '\u2014': '-', // —
  '\u2011': '-',
  '\u2026': '...', // …
  œ: 'oe',
  Œ: 'OE',
  ê: 'e',
  ë: 'e',
  â: 'a',
  î: 'i',
  ï: 'i',
  ô: 'o',
  û: 'u',
  ÿ: 'y',
  ç: 'c',
  À: 'A',
  Â: 'A',
  È: 'E',
  Ê: 'E',
  Ë: 'E',
  Î: 'I',
  Ï: 'I',
  Ô: 'O',
  Û: 'U',
  Ù: 'U',
  Ÿ: 'Y',
  á: 'a',
  í: 'i',
  ó: 'o',
  ú: 'u',
  ã: 'a',
  õ: 'o',
  '\u2022': '-', // •
};

/** What a text's non-GSM characters can be replaced by, and the characters nothing replaces (emoji…). */
export function suggestReplacements(text: string): { replacements: Replacement[]; unreplaceable: string[] } {
  const counts = new Map<string, number>();
  for (const ch of text) if (REPLACEMENTS[ch] !== undefined) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const replacements = [...counts].map(([from, count]) => ({ from, to: REPLACEMENTS[from] as string, count }));
  const unreplaceable = nonGsmCharacters(text).filter((ch) => REPLACEMENTS[ch] === undefined);
  return { replacements, unreplaceable };
}

/**
 * The text with every replaceable character replaced: guillemets swallow the spaces French puts
 * inside them (« oui » → "oui"), the other characters are swapped one for one.
 */
export function applyReplacements(text: string): string {
  return text
    .replace(/\u00ab[\s\u00a0\u202f]*/g, '"')
    .replace(/[\s\u00a0\u202f]*\u00bb/g, '"')
    .replace(/./gsu, (ch) => REPLACEMENTS[ch] ?? ch);
}

/** Everything the composer and the estimate show about a text. */
export function analyseText(text: string, options: { recipients: number; pricePerSegment: number }) {
  const count = countSegments(text);
  const { replacements, unreplaceable } = suggestReplacements(text);
  const replaced = replacements.length > 0 ? applyReplacements(text) : text;
  const after = countSegments(replaced);
  return {
    encoding: count.encoding,
    characters: [...text].length,
    units: count.units,
    segments: count.segments,
    remaining: count.remaining,
    cost: costOf(count.segments, options.recipients, options.pricePerSegment),
    non_gsm_characters: nonGsmCharacters(text),
    replacements,
    unreplaceable,
    replaced_text: replaced,
    replaced_encoding: after.encoding,
    replaced_segments: after.segments,
  };
}
