// The left navigation: only the entries the current role may open.
import { NavLink, Stack, Text } from '@mantine/core';
import { Link, useLocation } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import type { IconName } from '../../../ui/icons.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { useOutboxQuery } from '../../outbox/api.ts';
import type { Permission } from '../../session/api.ts';
import { useSession } from '../../session/session-context.tsx';
import { SETTINGS_PERMISSIONS } from '../../settings/sections.ts';
import { shellMessages } from '../messages.ts';

type NavKey =
  | 'navDashboard'
  | 'navPeople'
  | 'navSegments'
  | 'navLadder'
  | 'navTerritory'
  | 'navJobs'
  | 'navTeam'
  | 'navTokens'
  | 'navAudit'
  | 'navSettings'
  | 'navOutbox';

interface NavEntry {
  to: string;
  label: NavKey;
  icon: IconName;
  /** Shown when the role holds this permission, or any of these. */
  permission?: Permission | readonly Permission[];
}

const CAMPAIGN_ENTRIES: NavEntry[] = [
  { to: '/', label: 'navDashboard', icon: 'home' },
  { to: '/people', label: 'navPeople', icon: 'users', permission: 'people.read' },
  { to: '/segments', label: 'navSegments', icon: 'switch', permission: 'people.read' },
  { to: '/ladder', label: 'navLadder', icon: 'activity', permission: 'people.read' },
  { to: '/territory', label: 'navTerritory', icon: 'map', permission: 'zones.read' },
  { to: '/jobs', label: 'navJobs', icon: 'activity', permission: 'jobs.read' },
];

const ADMIN_ENTRIES: NavEntry[] = [
  { to: '/settings', label: 'navSettings', icon: 'settings', permission: SETTINGS_PERMISSIONS },
  { to: '/team', label: 'navTeam', icon: 'users', permission: 'users.manage' },
  { to: '/tokens', label: 'navTokens', icon: 'key', permission: 'tokens.manage' },
  { to: '/audit', label: 'navAudit', icon: 'history', permission: 'audit.read' },
  { to: '/outbox', label: 'navOutbox', icon: 'mail', permission: 'outbox.read' },
];

/** Lists the navigation entries allowed by session.permissions; onNavigate closes the phone drawer. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const t = useT(shellMessages);
  const session = useSession();
  const { pathname } = useLocation();
  const canOutbox = session.permissions.includes('outbox.read');
  const outbox = useOutboxQuery({ enabled: canOutbox && session.campaign !== null });

  const allowed = (entry: NavEntry) => {
    const needed = typeof entry.permission === 'string' ? [entry.permission] : entry.permission;
    if (needed && !needed.some((p) => session.permissions.includes(p))) return false;
    if (entry.to === '/outbox') return outbox.data?.enabled === true;
    return true;
  };
  const isActive = (to: string) => (to === '/' ? pathname === '/' : pathname === to || pathname.startsWith(`${to}/`));

  const renderEntry = (entry: NavEntry) => (
    <NavLink
      key={entry.to}
      component={Link}
      to={entry.to}
      label={t(entry.label)}
      leftSection={<Icon name={entry.icon} />}
      active={isActive(entry.to)}
      aria-current={isActive(entry.to) ? 'page' : undefined}
      onClick={onNavigate}
      variant="light"
      style={{ borderRadius: 'var(--mantine-radius-md)' }}
    />
  );

  const campaign = CAMPAIGN_ENTRIES.filter(allowed);
  const admin = ADMIN_ENTRIES.filter(allowed);
  return (
    <Stack gap={2} component="nav" aria-label={t('mainNav')}>
      <SectionTitle>{t('sectionCampaign')}</SectionTitle>
      {campaign.map(renderEntry)}
      {admin.length > 0 && <SectionTitle>{t('sectionAdmin')}</SectionTitle>}
      {admin.map(renderEntry)}
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
