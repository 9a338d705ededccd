// /app/settings/tags and /app/settings/lists: every tag (or list) with how many people carry it,
// create, rename / describe, delete after confirmation. A referent creates them, but renaming and
// deleting what the whole campaign shares is left to campaign-wide roles (the server refuses it).
import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useSession } from '../../session/session-context.tsx';
import { type GroupKind, type Group as Named, useDeleteGroup, useGroupsQuery } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { GroupModal } from './group-modal.tsx';
import { GROUP_TEXT } from './group-text.ts';
import { RowActions } from './row-actions.tsx';

/** The tags or the lists of the campaign, managed in place. */
export function GroupSettings({ kind }: { kind: GroupKind }) {
  const t = useT(settingsMessages);
  const text = GROUP_TEXT[kind];
  const session = useSession();
  const scoped = session.role === 'referent';
  const groups = useGroupsQuery(kind);
  const remove = useDeleteGroup(kind);
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Named | 'new' | null>(null);
  const [removing, setRemoving] = useState<Named | null>(null);
  const closeRemove = () => {
    setRemoving(null);
    remove.reset();
  };
  const needle = q.trim().toLocaleLowerCase();
  const matching = (all: Named[]) =>
    needle ? all.filter((g) => g.name.toLocaleLowerCase().includes(needle) || g.description.toLocaleLowerCase().includes(needle)) : all;

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        {t(text.hint)}
      </Text>
      {scoped && (
        <Alert color="yellow" variant="light" icon={<Icon name="info" />}>
          {t('scopedCounts')}
        </Alert>
      )}
      <Group justify="space-between" align="flex-end" gap="sm">
        <TextInput
          type="search"
          label={t('filter')}
          placeholder={t('filterPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          style={{ flex: '1 1 14rem', maxWidth: 360 }}
        />
        <Button leftSection={<Icon name="plus" />} onClick={() => setEditing('new')}>
          {t(text.create)}
        </Button>
      </Group>
      <QueryView query={groups} isEmpty={(data) => data.length === 0} empty={<Text c="dimmed">{t(text.empty)}</Text>}>
        {(data) => {
          const shown = matching(data);
          return (
            <Stack gap="xs">
              <Text size="sm" c="dimmed" aria-live="polite" data-testid="group-count">
                {t(text.count, { count: data.length })}
              </Text>
              {shown.length === 0 ? (
                <Text c="dimmed">{t('noMatch', { q: q.trim() })}</Text>
              ) : (
                <GroupList kind={kind} groups={shown} actions={scoped ? null : { onEdit: setEditing, onRemove: setRemoving }} />
              )}
            </Stack>
          );
        }}
      </QueryView>
      {editing && (
        <GroupModal
          key={editing === 'new' ? 'new' : editing.id}
          kind={kind}
          group={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmModal
        opened={removing !== null}
        title={t(text.remove)}
        confirmLabel={t('delete')}
        onClose={closeRemove}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: closeRemove })}
        loading={remove.isPending}
        error={remove.error}
      >
        {removing &&
          (removing.people_count === 0
            ? t(text.unused, { name: removing.name })
            : t(text.confirm, { name: removing.name, count: removing.people_count }))}
      </ConfirmModal>
    </Stack>
  );
}

interface GroupListProps {
  kind: GroupKind;
  groups: Named[];
  /** Rename and delete, or null where the reader may not (a referent). */
  actions: { onEdit: (group: Named) => void; onRemove: (group: Named) => void } | null;
}

/** A table on wide screens, cards on phones; the people count links to the filtered people list. */
function GroupList({ kind, groups, actions: handlers }: GroupListProps) {
  const t = useT(settingsMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const people = (group: Named) =>
    group.people_count > 0 ? (
      <Anchor
        component={Link}
        to={`/people?${kind === 'tag' ? 'tag_id' : 'list_id'}=${encodeURIComponent(group.id)}`}
        size="sm"
        style={{ whiteSpace: 'nowrap' }}
        aria-label={t('peopleLink', { count: group.people_count, name: group.name })}
      >
        {t('people', { count: group.people_count })}
      </Anchor>
    ) : (
      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {t('people', { count: 0 })}
      </Text>
    );
  const actions = (group: Named) =>
    handlers && <RowActions name={group.name} onEdit={() => handlers.onEdit(group)} onRemove={() => handlers.onRemove(group)} />;

  if (phone) {
    return (
      <Stack gap="xs">
        {groups.map((group) => (
          <Paper key={group.id} withBorder radius="md" p="sm" data-testid="group-row">
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <Text size="sm" fw={600} style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                  {group.name}
                </Text>
                {people(group)}
              </Group>
              {group.description && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {group.description}
                </Text>
              )}
              {actions(group)}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={640} type="native">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colName')}</Table.Th>
              <Table.Th>{t('colDescription')}</Table.Th>
              <Table.Th ta="right">{t('colPeople')}</Table.Th>
              <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('colCreated')}</Table.Th>
              {handlers && <Table.Th>{t('colActions')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((group) => (
              <Table.Tr key={group.id} data-testid="group-row">
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {group.name}
                  </Text>
                </Table.Td>
                <Table.Td maw={360}>
                  <Text size="sm" c="dimmed" lineClamp={2}>
                    {group.description || '—'}
                  </Text>
                </Table.Td>
                <Table.Td ta="right">{people(group)}</Table.Td>
                <Table.Td>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {fmt.date(group.created_at)}
                  </Text>
                </Table.Td>
                {handlers && <Table.Td>{actions(group)}</Table.Td>}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
