// /app/team: the members of the campaign, with add / edit / remove.
import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useSession } from '../../session/session-context.tsx';
import { type Member, useMembersQuery, useRemoveMember } from '../api.ts';
import { teamMessages } from '../messages.ts';
import { MemberList } from './member-list.tsx';
import { AddMemberModal, EditMemberModal } from './member-modals.tsx';

/** Lists members (name, e-mail, role, zones, locked badge) and manages them. */
export function TeamPage() {
  const t = useT(teamMessages);
  const session = useSession();
  const members = useMembersQuery();
  const remove = useRemoveMember();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);

  const closeRemove = () => {
    setRemoving(null);
    remove.reset();
  };

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button leftSection={<Icon name="plus" />} onClick={() => setAdding(true)}>
            {t('add')}
          </Button>
        }
      />
      <QueryView query={members} isEmpty={(data) => data._embedded.members.length === 0} empty={<Text c="dimmed">{t('empty')}</Text>}>
        {(data) => (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {t('count', { count: data.total_records ?? data._embedded.members.length })}
            </Text>
            <MemberList members={data._embedded.members} currentUserId={session.user.id} onEdit={setEditing} onRemove={setRemoving} />
          </Stack>
        )}
      </QueryView>
      <AddMemberModal opened={adding} onClose={() => setAdding(false)} />
      {editing && <EditMemberModal key={editing.user_id} member={editing} onClose={() => setEditing(null)} />}
      <ConfirmModal
        opened={removing !== null}
        title={t('removeTitle')}
        confirmLabel={t('removeButton')}
        onClose={closeRemove}
        onConfirm={() => removing && remove.mutate(removing.user_id, { onSuccess: closeRemove })}
        loading={remove.isPending}
        error={remove.error}
      >
        {removing && t('removeConfirm', { name: removing.display_name || removing.email, email: removing.email })}
      </ConfirmModal>
    </>
  );
}
