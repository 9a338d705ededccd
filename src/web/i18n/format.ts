// Numbers and dates formatted with Intl in the current locale ("1 234", "22 nov. 2026").
import { useMemo } from 'react';
import { type Locale, useLocale } from './locale-context.tsx';

export interface Formatters {
  number: (value: number | null | undefined, options?: Intl.NumberFormatOptions) => string;
  percent: (ratio: number) => string;
  date: (value: string | Date | null | undefined) => string;
  dateTime: (value: string | Date | null | undefined) => string;
  list: (items: string[]) => string;
}

const INTL_TAG: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

/** Builds the formatters of one locale (exported for non-React code and tests). */
export function makeFormatters(locale: Locale): Formatters {
  const tag = INTL_TAG[locale];
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const date = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'short', year: 'numeric' });
  const dateTime = new Intl.DateTimeFormat(tag, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
  const list = new Intl.ListFormat(tag, { style: 'short', type: 'conjunction' });
  const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));
  const valid = (d: Date) => !Number.isNaN(d.getTime());
  return {
    number: (value, options) =>
      value === null || value === undefined || Number.isNaN(value)
        ? '—'
        : options
          ? new Intl.NumberFormat(tag, options).format(value)
          : integer.format(value),
    percent: (ratio) => percent.format(ratio),
    date: (value) => (value && valid(toDate(value)) ? date.format(toDate(value)) : '—'),
    dateTime: (value) => (value && valid(toDate(value)) ? dateTime.format(toDate(value)) : '—'),
    list: (items) => list.format(items),
  };
}

/** Returns the formatters of the current locale. */
export function useFormat(): Formatters {
  const { locale } = useLocale();
  return useMemo(() => makeFormatters(locale), [locale]);
}
