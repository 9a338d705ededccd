// How the calendar's days and instants read: in the round's own time zone (Paris for the mainland),
// whatever the browser's, the French or the English way.
import type { Locale } from '../../i18n/locale-context.tsx';
import type { Translate } from '../../i18n/use-t.ts';
import type { calendarMessages } from './messages.ts';

type T = Translate<typeof calendarMessages.fr>;

/** The zones of French elections, Paris first (the default). */
export const TIME_ZONES = [
  'Europe/Paris',
  'America/Guadeloupe',
  'America/Martinique',
  'America/Cayenne',
  'Indian/Reunion',
  'Indian/Mayotte',
  'America/Miquelon',
  'Pacific/Noumea',
  'Pacific/Tahiti',
  'Pacific/Wallis',
] as const;

const TAG: Record<Locale, string> = { fr: 'fr-FR', en: 'en-GB' };

/** "Premier tour", "Second tour", "3e tour". */
export function roundName(t: T, n: number): string {
  if (n === 1) return t('round_1');
  if (n === 2) return t('round_2');
  return t('roundOther', { n });
}

/** A zone's name for people ("Paris (métropole)"), or its IANA name when not one of ours. */
export function zoneName(t: T, zone: string): string {
  const key = `tz_${zone.replace('/', '_')}`;
  return (TIME_ZONES as readonly string[]).includes(zone) ? t(key as Parameters<T>[0]) : zone;
}

/** A day (yyyy-mm-dd) with its weekday: "dimanche 14 mars 2027". */
export function formatDay(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(TAG[locale], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${date}T12:00:00Z`),
  );
}

/** An instant on the clocks of a zone: "samedi 13 mars 2027 à 00:00". */
export function formatInstant(iso: string, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(TAG[locale], {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}
