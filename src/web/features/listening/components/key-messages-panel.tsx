// Key messages: approved answers and talking points grouped by theme, each maybe linked to a fact
// check ("le vrai du faux") whose page a reply cites; add, edit, remove.
import { Anchor, Badge, Button, Card, Group, Modal, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useFactchecksQuery } from '../../factchecks/api.ts';
import { useCan } from '../../session/session-context.tsx';
import { type KeyMessage, useDeleteKeyMessage, useKeyMessages, useSaveKeyMessage } from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { themeLabel } from './labels.ts';

type Form = {
  id: string | null;
  theme: string;
  kind: 'answer' | 'talking_point';
  title: string;
  body: string;
  factcheck_id: string | null;
};

export function KeyMessagesPanel({ themes }: { themes: readonly string[] }) {
  const t = useT(listeningMessages);
  const canWrite = useCan('listening.write');
  const messages = useKeyMessages();
  const save = useSaveKeyMessage();
  const remove = useDeleteKeyMessage();
  const [form, setForm] = useState<Form | null>(null);
  const checks = useFactchecksQuery(null, form !== null);
  const { locale } = useLocale();
  const open = (k?: KeyMessage) => {
    save.reset();
    setForm(
      k
        ? { id: k.id, theme: k.theme, kind: k.kind, title: k.title, body: k.body, factcheck_id: k.factcheck?.id ?? null }
        : { id: null, theme: themes[0] ?? '', kind: 'answer', title: '', body: '', factcheck_id: null },
    );
  };
  return (
    <Stack>
      {canWrite && (
        <Group>
          <Button leftSection={<Icon name="plus" />} onClick={() => open()}>
            {t('addMessage')}
          </Button>
        </Group>
      )}
      {remove.isError && <ErrorAlert error={remove.error} />}
      <QueryView
        query={messages}
        isEmpty={(d) => d._embedded.key_messages.length === 0}
        empty={<EmptyText title={t('messagesEmpty')} hint={t('messagesHint')} />}
      >
        {(data) => {
          const byTheme = Map.groupBy(data._embedded.key_messages, (k) => k.theme);
          return (
            <Stack>
              {[...byTheme].map(([theme, list]) => (
                <Stack key={theme} gap="xs">
                  <Title order={2} fz="h4">
                    {themeLabel(t, theme)}
                  </Title>
                  {list.map((k) => (
                    <Card key={k.id} withBorder padding="sm">
                      <Group justify="space-between" gap="xs">
                        <Text fw={600}>{k.title}</Text>
                        <Badge variant="light" color={k.kind === 'answer' ? 'teal' : 'blue'}>
                          {t(`kind_${k.kind}`)}
                        </Badge>
                      </Group>
                      <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                        {k.body}
                      </Text>
                      {k.factcheck && (
                        <Text size="sm" mt={4} c="dimmed">
                          {t('factcheckLinked')}{' '}
                          {k.factcheck.url ? (
                            <Anchor href={k.factcheck.url} target="_blank" rel="noreferrer">
                              « {k.factcheck.claim} »
                            </Anchor>
                          ) : (
                            `« ${k.factcheck.claim} » (${t('factcheckUnpublished')})`
                          )}
                        </Text>
                      )}
                      {canWrite && (
                        <Group gap="xs" mt="xs">
                          <Button size="xs" variant="default" onClick={() => open(k)}>
                            {t('edit')}
                          </Button>
                          <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(k.id)}>
                            {t('delete')}
                          </Button>
                        </Group>
                      )}
                    </Card>
                  ))}
                </Stack>
              ))}
            </Stack>
          );
        }}
      </QueryView>
      <Modal opened={form !== null} onClose={() => setForm(null)} title={form?.id ? t('edit') : t('addMessage')} size="lg">
        {form && (
          <Stack>
            <Select
              label={t('theme')}
              value={form.theme}
              onChange={(v) => setForm({ ...form, theme: v ?? '' })}
              data={themes.map((th) => ({ value: th, label: themeLabel(t, th) }))}
              allowDeselect={false}
            />
            <Select
              label={t('kind')}
              value={form.kind}
              onChange={(v) => setForm({ ...form, kind: (v ?? 'answer') as Form['kind'] })}
              data={(['answer', 'talking_point'] as const).map((k) => ({ value: k, label: t(`kind_${k}`) }))}
              allowDeselect={false}
            />
            <TextInput
              label={t('messageTitle')}
              value={form.title}
              onChange={(e) => setForm({ ...form, title: e.currentTarget.value })}
              maxLength={200}
              required
            />
            <Textarea
              label={t('body')}
              value={form.body}
              onChange={(e) => setForm({ ...form, body: e.currentTarget.value })}
              autosize
              minRows={4}
              maxLength={5000}
              required
            />
            <Select
              label={t('factcheck')}
              description={t('factcheckHint')}
              clearable
              searchable
              value={form.factcheck_id}
              onChange={(v) => setForm({ ...form, factcheck_id: v })}
              data={(checks.data?._embedded.factchecks ?? [])
                .filter((f) => f.status !== 'withdrawn' || f.id === form.factcheck_id)
                .map((f) => ({ value: f.id, label: `« ${f.claim} » — ${locale === 'fr' ? f.verdict.label_fr : f.verdict.label_en}` }))}
            />
            {save.isError && <ErrorAlert error={save.error} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setForm(null)}>
                {t('cancel')}
              </Button>
              <Button
                loading={save.isPending}
                onClick={() => save.mutate(form, { onSuccess: () => setForm(null) })}
                disabled={!form.title.trim() || !form.body.trim() || !form.theme}
              >
                {t('save')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
