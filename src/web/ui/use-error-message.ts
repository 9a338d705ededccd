// Turns any thrown value into a message for people: the translation of the problem's code, else its detail.
import { useCallback } from 'react';
import { ApiError } from '../api/client.ts';
import { useLocale } from '../i18n/locale-context.tsx';
import { interpolate, type Messages } from '../i18n/use-t.ts';
import { errorMessages, uiMessages } from './messages.ts';

export interface ErrorText {
  message: string;
  /** The server's own words, shown under a translated message when they add something (validation). */
  detail?: string;
}

/** Per-screen translations of some codes, overriding the shared ones (e.g. CONFLICT on the team screen). */
export type ErrorOverrides = Partial<Record<string, string>>;

/**
 * When a held-back action may go ahead (ELECTORAL_SILENCE's `silence_until`), on the clocks of the
 * problem's time zone (the round's: Paris by default), "dimanche 14 mars 2027 à 20:00".
 */
function untilOf(problem: Record<string, unknown>, locale: 'fr' | 'en'): string {
  const until = typeof problem.silence_until === 'string' ? new Date(problem.silence_until) : null;
  if (!until || Number.isNaN(until.getTime())) return '?';
  const timeZone = typeof problem.time_zone === 'string' ? problem.time_zone : 'Europe/Paris';
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  };
  try {
    return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { ...options, timeZone }).format(until);
  } catch {
    return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { ...options, timeZone: 'Europe/Paris' }).format(until);
  }
}

/** Returns describe(error) giving the translated message of an API error. */
export function useErrorMessage(overrides?: ErrorOverrides): (error: unknown) => ErrorText {
  const { locale } = useLocale();
  return useCallback(
    (error: unknown): ErrorText => {
      const shared: Messages = errorMessages[locale];
      if (error instanceof ApiError) {
        const template = overrides?.[error.code] ?? (Object.hasOwn(shared, error.code) ? shared[error.code] : undefined);
        if (template) {
          const minutes = Number(error.problem.retry_after_minutes);
          const vars = { minutes: Number.isFinite(minutes) ? minutes : '?', until: untilOf(error.problem, locale) };
          const message = interpolate(template, vars, locale);
          const detail = error.code === 'VALIDATION_FAILED' ? error.problem.detail : undefined;
          return { message, detail };
        }
        return { message: error.problem.detail || error.problem.title || uiMessages[locale].errorTitle };
      }
      return { message: error instanceof Error ? error.message : uiMessages[locale].errorTitle };
    },
    [locale, overrides],
  );
}
