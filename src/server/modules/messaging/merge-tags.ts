// Merge tags of the composer: `{{given_name}}` or `{{given_name|"Bonjour"}}` (the fallback when the
// person's value is empty). The known tags are a closed list, checked when a mailing is saved; the
// rendered template carries placeholders that are replaced per recipient, HTML-escaped in the HTML
// part and as they are in the plain-text part and the subject.
import { escapeHtml } from '../../http/public-page.ts';

// The one HTML escaper (http/public-page.ts), under the name the composer's files import.
export { escapeHtml };

/** The person fields a merge tag may name. */
export const MERGE_TAGS = ['given_name', 'family_name', 'full_name', 'email', 'locality', 'postcode'] as const;
export type MergeTag = (typeof MERGE_TAGS)[number];
export type MergeValues = Partial<Record<MergeTag, string | null>>;

const KNOWN: ReadonlySet<string> = new Set(MERGE_TAGS);
// Anything between double braces is read as a tag, so a typo is refused rather than sent as is.
const TAG = /\{\{([^{}]*)\}\}/g;
const INNER = /^\s*([a-z_][a-z0-9_]*)\s*(?:\|\s*"([^"]*)"\s*)?$/;

export interface MergeTagUse {
  tag: MergeTag;
  fallback: string;
}

/** The tags a text uses that are not known or not well formed (for the save-time error). */
export function unknownMergeTags(text: string): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(TAG)) {
    const inner = INNER.exec(m[1] ?? '');
    if (!inner || !KNOWN.has(inner[1] ?? '')) bad.push(m[0]);
  }
  // A lone opening or closing pair is a tag cut short.
  const stripped = text.replace(TAG, '');
  if (stripped.includes('{{') || stripped.includes('}}')) bad.push(stripped.includes('{{') ? '{{' : '}}');
  return bad;
}

/**
 * Replaces each tag by a placeholder safe in HTML text, attributes and MJML (`%%mt3%%`), returning
 * the uses by index: the template is rendered once and personalised per recipient.
 */
export function extractMergeTags(text: string, uses: MergeTagUse[]): string {
  return text.replace(TAG, (whole, body: string) => {
    const inner = INNER.exec(body);
    if (!inner || !KNOWN.has(inner[1] ?? '')) return whole;
    uses.push({ tag: inner[1] as MergeTag, fallback: inner[2] ?? '' });
    return `%%mt${uses.length - 1}%%`;
  });
}

const PLACEHOLDER = /%%mt(\d+)%%/g;

/** The value of one use for a person: their field, else the fallback. */
function mergeValueOf(use: MergeTagUse, values: MergeValues): string {
  const v = values[use.tag];
  return v !== null && v !== undefined && v.trim() !== '' ? v : use.fallback;
}

/** Fills the placeholders of a rendered part for one person. */
export function fillMergeTags(text: string, uses: readonly MergeTagUse[], values: MergeValues, mode: 'html' | 'text'): string {
  return text.replace(PLACEHOLDER, (whole, n: string) => {
    const use = uses[Number(n)];
    if (!use) return whole;
    const value = mergeValueOf(use, values);
    return mode === 'html' ? escapeHtml(value) : value;
  });
}
