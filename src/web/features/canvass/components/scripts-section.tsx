// The door scripts by theme (add, remove) and the A/B tests of scripts with their arms compared.
import { Button, Card, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useArchiveScript, useCreateScript, useScriptsQuery, useScriptTestsQuery } from '../api.ts';
import { canvassMessages } from '../messages.ts';

/** Scripts and script tests. */
export function ScriptsSection() {
  const t = useT(canvassMessages);
  const f = useFormat();
  const scripts = useScriptsQuery();
  const tests = useScriptTestsQuery();
  const create = useCreateScript();
  const archive = useArchiveScript();
  const [theme, setTheme] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const titleOf = (id: string) => scripts.data?.find((s) => s.id === id)?.title ?? '';
  const rate = (r: number | null) => (r === null ? '—' : f.percent(r));
  return (
    <Stack gap="xl">
      <section>
        <Title order={2} size="h4">
          {t('scripts')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('scriptsHint')}
        </Text>
        <QueryView
          query={scripts}
          isEmpty={(data) => data.filter((s) => !s.archived).length === 0}
          empty={<EmptyText title={t('noScripts')} />}
        >
          {(data) => (
            <Stack gap="sm">
              {data
                .filter((s) => !s.archived)
                .map((s) => (
                  <Card key={s.id} withBorder padding="sm">
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <div style={{ minWidth: 0 }}>
                        <Text size="xs" c="dimmed">
                          {s.theme}
                        </Text>
                        <Text fw={600}>{s.title}</Text>
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {s.body}
                        </Text>
                      </div>
                      <Button variant="subtle" color="red" size="xs" style={{ flexShrink: 0 }} onClick={() => archive.mutate(s.id)}>
                        {t('archive')}
                      </Button>
                    </Group>
                  </Card>
                ))}
            </Stack>
          )}
        </QueryView>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate(
              { theme, title, body },
              {
                onSuccess: () => {
                  setTitle('');
                  setBody('');
                },
              },
            );
          }}
        >
          <Stack gap="xs" mt="md" maw={560}>
            {create.isError && <ErrorAlert error={create.error} />}
            <TextInput label={t('theme')} value={theme} onChange={(e) => setTheme(e.currentTarget.value)} required maxLength={80} />
            <TextInput label={t('scriptTitle')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={200} />
            <Textarea
              label={t('scriptBody')}
              value={body}
              onChange={(e) => setBody(e.currentTarget.value)}
              autosize
              minRows={3}
              maxLength={4000}
            />
            <Button type="submit" loading={create.isPending} style={{ alignSelf: 'flex-start' }}>
              {t('addScript')}
            </Button>
          </Stack>
        </form>
      </section>
      <section>
        <Title order={2} size="h4">
          {t('tests')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('testsHint')}
        </Text>
        <QueryView query={tests} isEmpty={(data) => data.length === 0} empty={<EmptyText title={t('noTests')} />}>
          {(data) => (
            <Stack gap="sm">
              {data.map((test) => (
                <Card key={test.id} withBorder padding="sm">
                  <Text fw={600}>{test.name}</Text>
                  {(['a', 'b'] as const).map((arm) => (
                    <Text key={arm} size="sm">
                      <strong>
                        {t('arm', { arm: arm.toUpperCase() })} — {titleOf(test[arm].script_id)}
                      </strong>{' '}
                      {t('armLine', {
                        turfs: test[arm].turfs,
                        doors: test[arm].doors,
                        rate: rate(test[arm].contact_rate),
                        share: rate(test[arm].supportive_share),
                      })}
                    </Text>
                  ))}
                  <Text size="sm" c="dimmed">
                    {test.p_value === null ? t('notEnough') : t('pValue', { p: f.percent(test.p_value) })}
                  </Text>
                </Card>
              ))}
            </Stack>
          )}
        </QueryView>
      </section>
    </Stack>
  );
}
