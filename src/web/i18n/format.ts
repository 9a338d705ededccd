// Numbers and dates formatted with Intl in the current locale ("1 234", "22 nov. 2026"), and phone
// numbers the way French readers write them.
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { useMemo } from 'react';
import { type Locale, useLocale } from './locale-context.tsx';

export interface Formatters {
  number: (value: number | null | undefined, options?: Intl.NumberFormatOptions) => string;
  percent: (ratio: number) => string;
  date: (value: string | Date | null | undefined) => string;
  dateTime: (value: string | Date | null | undefined) => string;
  list: (items: string[]) => string;
  phone: (value: string | null | undefined) => string;
}

/**
 * A stored phone number (E.164) as people write it: a French number the national way in pairs
 * ("06 39 98 72 18"), any other in international format ("+44 20 7946 0958"); what cannot be read
 * is shown as stored. The same in both languages: the campaign and its numbers are French.
 */
export function formatPhone(value: string | null | undefined): string {
  if (!value) return '';
  const parsed = parsePhoneNumberFromString(value, 'FR');
  if (!parsed) return value;
  return parsed.country === 'FR' ? parsed.formatNational() : parsed.formatInternational();
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
    phone: formatPhone,
  };
}

/** Returns the formatters of the current locale. */
export function useFormat(): Formatters {
  const { locale } = useLocale();
  return useMemo(() => makeFormatters(locale), [locale]);
}
