// The members of the campaign as a table (desktop) or as cards (phone).
import { Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { Member } from '../api.ts';
import { roleLabels, teamMessages } from '../messages.ts';

interface MemberListProps {
  members: Member[];
  currentUserId: string;
  onEdit: (member: Member) => void;
  onRemove: (member: Member) => void;
}

/** Renders every member with role, zones, locked state and the edit / remove buttons. */
export function MemberList({ members, currentUserId, onEdit, onRemove }: MemberListProps) {
  const t = useT(teamMessages);
  const roleLabel = useLabel(roleLabels);
  const phone = useIsPhone();

  const nameOf = (member: Member) => (
    <Text size="sm" fw={500}>
      {member.display_name || member.email}
      {member.user_id === currentUserId && (
        <Text span size="xs" c="dimmed">
          {' '}
          ({t('you')})
        </Text>
      )}
    </Text>
  );
  const actions = (member: Member) => {
    const name = member.display_name || member.email;
    return (
      <Group gap={4} wrap="nowrap">
        <Button size="xs" variant="light" onClick={() => onEdit(member)} aria-label={t('editLabel', { name })}>
          {t('edit')}
        </Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => onRemove(member)} aria-label={t('removeLabel', { name })}>
          {t('remove')}
        </Button>
      </Group>
    );
  };

  if (phone) {
    return (
      <Stack gap="xs">
        {members.map((member) => (
          <Paper key={member.user_id} withBorder radius="md" p="sm" data-testid={`member-row-${member.email}`}>
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  {nameOf(member)}
                  <Text size="xs" c="dimmed" truncate>
                    {member.email}
                  </Text>
                </div>
                <StatusBadge locked={member.locked} />
              </Group>
              <Text size="sm">{roleLabel(member.role)}</Text>
              <ZoneBadges member={member} />
              {actions(member)}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }

  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={760}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colName')}</Table.Th>
              <Table.Th>{t('colEmail')}</Table.Th>
              <Table.Th>{t('colRole')}</Table.Th>
              <Table.Th>{t('colZones')}</Table.Th>
              <Table.Th>{t('colStatus')}</Table.Th>
              <Table.Th>{t('colActions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => (
              <Table.Tr key={member.user_id} data-testid={`member-row-${member.email}`}>
                <Table.Td>{nameOf(member)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{member.email}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{roleLabel(member.role)}</Text>
                </Table.Td>
                <Table.Td>
                  <ZoneBadges member={member} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge locked={member.locked} />
                </Table.Td>
                <Table.Td>{actions(member)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function ZoneBadges({ member }: { member: Member }) {
  const t = useT(teamMessages);
  if (member.zones.length === 0) {
    return (
      <Text size="xs" c="dimmed">
        {t('allZones')}
      </Text>
    );
  }
  return (
    <Group gap={4}>
      {member.zones.map((zone) => (
        <Badge key={zone.id} variant="outline" color="gray" size="sm">
          {zone.name}
        </Badge>
      ))}
    </Group>
  );
}

function StatusBadge({ locked }: { locked: boolean }) {
  const t = useT(teamMessages);
  return locked ? (
    <Badge color="red" variant="light" style={{ minWidth: 'max-content' }} leftSection={<Icon name="lock" size={12} />}>
      {t('locked')}
    </Badge>
  ) : (
    <Badge color="teal" variant="light" style={{ minWidth: 'max-content' }}>
      {t('active')}
    </Badge>
  );
}
