// Words for the listening enumerations (sources, sentiments, themes…), from the screen's messages.
import type { Translate } from '../../../i18n/use-t.ts';
import type { listeningMessages } from '../messages.ts';

type T = Translate<(typeof listeningMessages)['fr']>;

/** A label of the messages by a built key, or the fallback when the key is unknown (a new theme). */
export function labelOf(t: T, key: string, fallback: string): string {
  const text = t(key as Parameters<T>[0]);
  return text === key ? fallback : text;
}

export const themeLabel = (t: T, theme: string) => labelOf(t, `theme_${theme}`, theme);

export function arrondissementLabel(t: T, n: number): string {
  return n === 1 ? t('arrondissement_1') : t('arrondissement', { n });
}

export const SENTIMENT_COLOR = { positive: 'teal', neutral: 'gray', negative: 'red' } as const;
export const URGENCY_COLOR = { high: 'red', normal: 'blue', low: 'gray' } as const;

/** Comma-separated terms as a list. */
export function termsOf(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
