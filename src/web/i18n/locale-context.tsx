// The current interface language (fr first, en second), kept in localStorage and on <html lang>.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];
const STORAGE_KEY = 'relais.locale';

interface LocaleState {
  locale: Locale;
  setLocale: (locale: Locale) => void;
}

const LocaleContext = createContext<LocaleState | null>(null);

/** Narrows any string to a supported locale, or undefined. */
export function toLocale(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined;
  const short = value.slice(0, 2).toLowerCase();
  return short === 'fr' || short === 'en' ? short : undefined;
}

/** Locale before any session is known: the saved choice, else the browser's language, else French. */
export function initialLocale(): Locale {
  try {
    const saved = toLocale(window.localStorage.getItem(STORAGE_KEY));
    if (saved) return saved;
  } catch {
    // localStorage can be unavailable (private mode, blocked storage).
  }
  for (const language of navigator.languages ?? [navigator.language]) {
    const locale = toLocale(language);
    if (locale) return locale;
  }
  return 'fr';
}

/** Provides the current locale and a setter that persists it. */
export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Nothing to do: the choice simply will not survive a reload.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const value = useMemo(() => ({ locale, setLocale }), [locale, setLocale]);
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

/** Reads the current locale and its setter. */
export function useLocale(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error('useLocale() outside <LocaleProvider>');
  return state;
}
