// Writing a reply (or a post when no mention is given): an account, a key message to insert and
// adapt, the text, an optional time. On the candidate's account it goes to her for approval; on the
// team's it is published at once (or at the time given).
import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { type Mention, useAccounts, useCreateDraft, useKeyMessages, usePublishDraft } from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { themeLabel } from './labels.ts';

export function ReplyComposer({ mention, opened, onClose }: { mention: Mention | null; opened: boolean; onClose: () => void }) {
  const t = useT(listeningMessages);
  const accounts = useAccounts();
  const messages = useKeyMessages();
  const create = useCreateDraft();
  const publish = usePublishDraft();
  const [accountId, setAccountId] = useState<string | null>(null);
  const [keyMessageId, setKeyMessageId] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [when, setWhen] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const usable = (accounts.data?._embedded.accounts ?? []).filter(
    (a) => a.network === mention?.source || !mention || mention.source === 'rss',
  );
  const account = usable.find((a) => a.id === accountId) ?? null;

  useEffect(() => {
    if (!accountId && usable[0]) setAccountId(usable.find((a) => a.kind === 'team')?.id ?? usable[0].id);
  }, [accountId, usable]);

  const submit = () => {
    if (!account || !text.trim()) return;
    const scheduled = when ? new Date(when).toISOString() : null;
    create.mutate(
      { account_id: account.id, text, mention_id: mention?.id ?? null, key_message_id: keyMessageId, scheduled_at: scheduled },
      {
        onSuccess: (draft) => {
          if (draft.status === 'pending_approval') return setDone(t('submitted'));
          if (scheduled) return onClose();
          publish.mutate(draft.id, { onSuccess: () => setDone(t('published')) });
        },
      },
    );
  };
  const error = create.error ?? publish.error;
  return (
    <Modal opened={opened} onClose={onClose} title={mention ? t('replyTitle', { author: mention.author_name }) : t('reply')} size="lg">
      {done ? (
        <Stack>
          <Alert color="teal" role="status">
            {done}
          </Alert>
          <Button onClick={onClose}>{t('close')}</Button>
        </Stack>
      ) : (
        <Stack>
          {mention && (
            <Text size="sm" c="dimmed" lineClamp={3}>
              {mention.text}
            </Text>
          )}
          <Select
            label={t('account')}
            value={accountId}
            onChange={setAccountId}
            allowDeselect={false}
            data={usable.map((a) => ({
              value: a.id,
              label: `${a.handle} — ${a.kind === 'candidate' ? t('candidateShort') : t('teamShort')}`,
              disabled: a.status === 'disconnected',
            }))}
          />
          <Select
            label={t('keyMessage')}
            clearable
            searchable
            value={keyMessageId}
            onChange={(id) => {
              setKeyMessageId(id);
              const km = messages.data?._embedded.key_messages.find((k) => k.id === id);
              // A message linked to a published fact check brings the check's page with it.
              const inserted = km?.factcheck?.url ? `${km.body}\n${km.factcheck.url}` : km?.body;
              if (inserted) setText((old) => (old.trim() ? `${old.trim()}\n${inserted}` : inserted));
            }}
            data={(messages.data?._embedded.key_messages ?? []).map((k) => ({
              value: k.id,
              label: `${themeLabel(t, k.theme)} — ${k.title}`,
            }))}
          />
          <Textarea
            label={t('text')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            autosize
            minRows={4}
            maxLength={5000}
            required
          />
          <TextInput type="datetime-local" label={t('scheduledAt')} value={when} onChange={(e) => setWhen(e.currentTarget.value)} />
          {account?.kind === 'candidate' && (
            <Alert color="orange" variant="light">
              {t('needsApproval')}
            </Alert>
          )}
          {error && (
            <ErrorAlert
              error={error}
              overrides={{
                LISTENING_APPROVAL_REQUIRED: t('approvalRequired'),
                LISTENING_DRAFT_STATE: t('draftState'),
              }}
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button onClick={submit} loading={create.isPending || publish.isPending} disabled={!account || !text.trim()}>
              {account?.kind === 'candidate' ? t('submitForApproval') : when ? t('schedule') : t('saveAndPublish')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
