// The account menu of the header: who I am, in which role, and the two ways to sign out.
import { Avatar, Group, Menu, Modal, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from 'react-router';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { useLogout } from '../../session/api.ts';
import { useSession } from '../../session/session-context.tsx';
import { roleLabels } from '../../team/messages.ts';
import { shellMessages } from '../messages.ts';

/** Initials of a display name, for the avatar. */
export function initialsOf(name: string): string {
  const parts = name
    .trim()
    .split(/\s+/)
    .filter((part) => /^\p{L}/u.test(part));
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((p) => (p ?? '').charAt(0).toUpperCase()).join('') || '?';
}

/** Shows the signed-in user and offers "Se déconnecter" and "Se déconnecter partout". */
export function UserMenu() {
  const t = useT(shellMessages);
  const roleLabel = useLabel(roleLabels);
  const session = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const name = session.user.display_name || session.user.email;

  const signOut = (everywhere: boolean) => logout.mutate({ everywhere }, { onSuccess: () => navigate('/login', { replace: true }) });

  return (
    <>
      <Menu position="bottom-end" width={260} withinPortal>
        <Menu.Target>
          <UnstyledButton aria-label={t('userMenu', { name })} className="relais-user-button">
            <Group gap="xs" wrap="nowrap">
              <Avatar color="indigo" radius="xl" size={32}>
                {initialsOf(name)}
              </Avatar>
              <Text size="sm" fw={500} visibleFrom="md" maw={180} truncate>
                {name}
              </Text>
              <Icon name="chevronDown" size={14} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={600} c="dark" truncate>
              {name}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {session.user.email}
            </Text>
            {session.role && session.campaign && (
              <Text size="xs" c="dimmed" truncate>
                {t('roleIn', { role: roleLabel(session.role), campaign: session.campaign.name })}
              </Text>
            )}
          </Menu.Label>
          <Menu.Divider />
          <Menu.Item leftSection={<Icon name="logout" size={16} />} onClick={() => signOut(false)}>
            {t('logout')}
          </Menu.Item>
          <Menu.Item color="red" leftSection={<Icon name="lock" size={16} />} onClick={() => signOut(true)}>
            <Text size="sm">{t('logoutAll')}</Text>
            <Text size="xs" c="dimmed">
              {t('logoutAllHint')}
            </Text>
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={logout.isError} onClose={() => logout.reset()} title={t('logoutFailed')} centered>
        <ErrorAlert error={logout.error} onRetry={() => logout.variables && signOut(logout.variables.everywhere)} />
      </Modal>
    </>
  );
}
