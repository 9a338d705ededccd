// The language menu of the header (and of the sign-in screens).
import { Button, Menu } from '@mantine/core';
import { useContext } from 'react';
import { LOCALES, type Locale, useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { useUpdateMe } from '../../session/api.ts';
import { SessionContext } from '../../session/session-context.tsx';
import { shellMessages } from '../messages.ts';

const NAMES: Record<Locale, string> = { fr: 'Français', en: 'English' };

/** Switches the interface language, saves it locally and, when signed in, on the server. */
export function LanguageMenu() {
  const t = useT(shellMessages);
  const { locale, setLocale } = useLocale();
  const session = useContext(SessionContext);
  const updateMe = useUpdateMe();

  const choose = (next: Locale) => {
    setLocale(next);
    if (session && session.user.locale !== next) updateMe.mutate({ locale: next });
  };

  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <Button
          variant="subtle"
          color="gray"
          size="compact-md"
          leftSection={<Icon name="language" />}
          rightSection={<Icon name="chevronDown" size={14} />}
          aria-label={t('languageCurrent', { name: NAMES[locale] })}
        >
          {locale.toUpperCase()}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('language')}</Menu.Label>
        {LOCALES.map((option) => (
          <Menu.Item
            key={option}
            lang={option}
            onClick={() => choose(option)}
            aria-current={option === locale ? 'true' : undefined}
            rightSection={option === locale ? <Icon name="check" size={16} /> : null}
            fw={option === locale ? 600 : undefined}
          >
            {NAMES[option]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
