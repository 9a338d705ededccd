// Typed translation: each feature's messages.ts exports { fr, en } and components call useT(messages).
import { useCallback } from 'react';
import { type Locale, useLocale } from './locale-context.tsx';

export type Messages = Record<string, string>;
export interface MessageBundle<M extends Messages> {
  fr: M;
  en: M;
}
export type Vars = Record<string, string | number>;
export type Translate<M extends Messages> = (key: keyof M & string, vars?: Vars) => string;
export type Label = (key: string, fallback?: string) => string;

/** Replaces {name} placeholders with their values; numbers are formatted for the locale ("1 234"). */
export function interpolate(template: string, vars?: Vars, locale: Locale = 'fr'): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? numberFormat(locale).format(value) : value;
  });
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();
const pluralRules = new Map<Locale, Intl.PluralRules>();
function numberFormat(locale: Locale): Intl.NumberFormat {
  const cached = numberFormats.get(locale);
  if (cached) return cached;
  const format = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB');
  numberFormats.set(locale, format);
  return format;
}

/** Picks "<key>_one" (or another CLDR form) over "<key>" when vars.count is a number and that variant exists. */
export function pickTemplate(messages: Messages, key: string, locale: Locale, vars?: Vars): string | undefined {
  const count = vars?.count;
  if (typeof count === 'number') {
    const rules = pluralRules.get(locale) ?? new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
    const variant = messages[`${key}_${rules.select(count)}`];
    if (variant !== undefined) return variant;
  }
  return messages[key];
}

/** Returns t(key, vars) for a feature's message bundle in the current locale; keys are checked at compile time. */
export function useT<M extends Messages>(bundle: MessageBundle<M>): Translate<M> {
  const { locale } = useLocale();
  return useCallback(
    (key: keyof M & string, vars?: Vars) =>
      interpolate(pickTemplate(bundle[locale], key, locale, vars) ?? bundle.fr[key] ?? key, vars, locale),
    [bundle, locale],
  );
}

/** Returns label(key) for open vocabularies coming from the server (roles, actions…): unknown keys fall back. */
export function useLabel<M extends Messages>(bundle: MessageBundle<M>): Label {
  const { locale } = useLocale();
  return useCallback(
    (key: string, fallback?: string) => {
      const messages: Messages = bundle[locale];
      return Object.hasOwn(messages, key) ? (messages[key] as string) : (fallback ?? key);
    },
    [bundle, locale],
  );
}
