// The left navigation: the entries the modules declare (nav-entries.ts), only those the current role may open.
import { NavLink, Stack, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { useOutboxQuery } from '../../outbox/api.ts';
import { useSession } from '../../session/session-context.tsx';
import { shellMessages } from '../messages.ts';
import { NAV, NAV_SECTIONS, type NavEntry, type NavSection, permissionsOf } from '../nav-entries.ts';

const SECTION_TITLES = { campaign: 'sectionCampaign', admin: 'sectionAdmin' } as const satisfies Record<
  NavSection,
  keyof typeof shellMessages.fr
>;

/** Lists the navigation entries allowed by session.permissions; onNavigate closes the phone drawer. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const t = useT(shellMessages);
  const { locale } = useLocale();
  const session = useSession();
  const { pathname } = useLocation();
  const canOutbox = session.permissions.includes('outbox.read');
  const outbox = useOutboxQuery({ enabled: canOutbox && session.campaign !== null });

  const allowed = (entry: NavEntry) => {
    const needed = permissionsOf(entry);
    if (needed.length > 0 && !needed.some((p) => session.permissions.includes(p))) return false;
    // The development outbox exists only while the server has no SMTP relay.
    if (entry.id === 'outbox') return outbox.data?.enabled === true;
    return true;
  };
  const isActive = (to: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));

  const renderEntry = (entry: NavEntry) => (
    <NavLink
      key={entry.id}
      component={Link}
      to={entry.path}
      label={entry.label[locale]}
      leftSection={<Icon name={entry.icon} />}
      active={isActive(entry.path)}
      aria-current={isActive(entry.path) ? 'page' : undefined}
      onClick={onNavigate}
      variant="light"
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    />
  );

  const visible = NAV.filter(allowed);
  return (
    <Stack gap={2} component="nav" aria-label={t('mainNav')}>
      {NAV_SECTIONS.map((section, index) => {
        const entries = visible.filter((entry) => entry.section === section);
        // The first section keeps its title even when empty, as the frame always showed it.
        if (entries.length === 0 && index > 0) return null;
        return [<SectionTitle key={section}>{t(SECTION_TITLES[section])}</SectionTitle>, ...entries.map(renderEntry)];
      })}
    </Stack>
  );
}

function SectionTitle({ children }: { children: string }) {
  return (
    <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4} style={{ letterSpacing: '0.05em' }}>
      {children}
    </Text>
  );
}
