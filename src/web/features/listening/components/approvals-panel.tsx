// The candidate's approval queue, phone first: each draft for her account as a card, the mention it
// answers, who prepared it; approve as is, edit then approve, or refuse (with a reason).
import { Button, Card, Group, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { type Draft, useApproveDraft, useDrafts, useRefuseDraft } from '../api.ts';
import { listeningMessages } from '../messages.ts';

function DraftCard({ draft, canApprove }: { draft: Draft; canApprove: boolean }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const approve = useApproveDraft();
  const refuse = useRefuseDraft();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(draft.text);
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <Card withBorder padding="md">
      <Stack gap="sm">
        <Text size="xs" c="dimmed">
          {t('onAccount', { handle: draft.account_handle })} ·{' '}
          {t('writtenBy', { name: draft.created_by_name ?? '—', date: f.dateTime(draft.created_at) })}
        </Text>
        {draft.mention_text && (
          <Text size="sm" c="dimmed" lineClamp={4} style={{ borderLeft: '3px solid var(--mantine-color-gray-4)', paddingLeft: 8 }}>
            {t('inReplyTo', { author: draft.mention_author ?? '' })} {draft.mention_text}
          </Text>
        )}
        {editing ? (
          <Textarea
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={3}
            maxLength={5000}
            aria-label={t('text')}
          />
        ) : (
          <Text size="lg" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {draft.text}
          </Text>
        )}
        {refusing && (
          <Textarea label={t('refuseReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={1000} />
        )}
        {(approve.isError || refuse.isError) && (
          <ErrorAlert error={approve.error ?? refuse.error} overrides={{ LISTENING_DRAFT_STATE: t('draftState') }} />
        )}
        {canApprove && (
          <Group grow gap="xs">
            {refusing ? (
              <>
                <Button variant="default" size="md" onClick={() => setRefusing(false)}>
                  {t('cancel')}
                </Button>
                <Button color="red" size="md" loading={refuse.isPending} onClick={() => refuse.mutate({ id: draft.id, reason })}>
                  {t('refuse')}
                </Button>
              </>
            ) : (
              <>
                <Button variant="default" size="md" onClick={() => setRefusing(true)}>
                  {t('refuse')}
                </Button>
                {!editing && (
                  <Button variant="default" size="md" onClick={() => setEditing(true)}>
                    {t('edit')}
                  </Button>
                )}
                <Button
                  size="md"
                  color="teal"
                  loading={approve.isPending}
                  onClick={() => approve.mutate({ id: draft.id, ...(editing && text.trim() !== draft.text ? { text } : {}) })}
                >
                  {editing ? t('approveEdited') : t('approve')}
                </Button>
              </>
            )}
          </Group>
        )}
      </Stack>
    </Card>
  );
}

export function ApprovalsPanel() {
  const t = useT(listeningMessages);
  const canApprove = useCan('listening.approve');
  const drafts = useDrafts('pending_approval');
  return (
    <QueryView
      query={drafts}
      isEmpty={(d) => d._embedded.drafts.length === 0}
      empty={<EmptyText title={t('approvalsEmpty')} hint={t('approvalsHint')} />}
    >
      {(data) => (
        <Stack maw={640}>
          {data._embedded.drafts.map((d) => (
            <DraftCard key={d.id} draft={d} canApprove={canApprove} />
          ))}
        </Stack>
      )}
    </QueryView>
  );
}
