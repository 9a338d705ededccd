// Watches: each with its source, query, state (active, paused, failing) and count of mentions;
// its push state (WebSub, live stream); create one, poll it now, pause or remove it.
import { Badge, Button, Card, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { useAccounts, useCreateWatch, useDeleteWatch, usePollWatch, useUpdateWatch, useWatches, type Watch } from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { labelOf, termsOf } from './labels.ts';
import { WatchPush } from './watch-push.tsx';

function queryText(w: Watch): string {
  const q = w.query;
  return [
    ...q.phrases.map((p) => `« ${p} »`),
    ...q.words,
    ...q.hashtags.map((h) => `#${h}`),
    ...q.mentions.map((m) => `@${m}`),
    ...q.exclude.map((x) => `−${x}`),
  ].join(' · ');
}

function CreateWatch({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT(listeningMessages);
  const accounts = useAccounts();
  const create = useCreateWatch();
  const [form, setForm] = useState({
    name: '',
    source: 'rss',
    feed_url: '',
    account_id: '',
    phrases: '',
    words: '',
    exclude: '',
    hashtags: '',
    mentions: '',
    language: '',
  });
  const set = (k: keyof typeof form) => (v: string | null) => setForm({ ...form, [k]: v ?? '' });
  const submit = () =>
    create.mutate(
      {
        name: form.name,
        source: form.source,
        ...(form.source === 'rss' ? { feed_url: form.feed_url } : { account_id: form.account_id || null }),
        query: {
          phrases: termsOf(form.phrases),
          words: termsOf(form.words),
          exclude: termsOf(form.exclude),
          hashtags: termsOf(form.hashtags),
          mentions: termsOf(form.mentions),
          language: form.language || null,
        },
      },
      { onSuccess: onClose },
    );
  return (
    <Modal opened={opened} onClose={onClose} title={t('addWatch')} size="lg">
      <Stack>
        <TextInput label={t('watchName')} value={form.name} onChange={(e) => set('name')(e.currentTarget.value)} required maxLength={200} />
        <Select
          label={t('source')}
          value={form.source}
          onChange={set('source')}
          allowDeselect={false}
          data={(['rss', 'mastodon', 'bluesky', 'x'] as const).map((s) => ({ value: s, label: t(`source_${s}`) }))}
        />
        {form.source === 'rss' ? (
          <TextInput
            label={t('feedUrl')}
            value={form.feed_url}
            onChange={(e) => set('feed_url')(e.currentTarget.value)}
            placeholder="https://"
            required
          />
        ) : (
          <Select
            label={t('searchAccount')}
            value={form.account_id || null}
            onChange={set('account_id')}
            data={(accounts.data?._embedded.accounts ?? [])
              .filter((a) => a.network === form.source)
              .map((a) => ({ value: a.id, label: a.handle }))}
          />
        )}
        <TextInput
          label={t('phrases')}
          description={t('termsHint')}
          value={form.phrases}
          onChange={(e) => set('phrases')(e.currentTarget.value)}
        />
        <TextInput label={t('words')} value={form.words} onChange={(e) => set('words')(e.currentTarget.value)} />
        <TextInput label={t('hashtags')} value={form.hashtags} onChange={(e) => set('hashtags')(e.currentTarget.value)} />
        <TextInput label={t('mentionsField')} value={form.mentions} onChange={(e) => set('mentions')(e.currentTarget.value)} />
        <TextInput label={t('exclude')} value={form.exclude} onChange={(e) => set('exclude')(e.currentTarget.value)} />
        <TextInput
          label={t('language')}
          value={form.language}
          onChange={(e) => set('language')(e.currentTarget.value)}
          maxLength={10}
          w={160}
        />
        {create.isError && (
          <ErrorAlert
            error={create.error}
            overrides={{
              LISTENING_URL_FORBIDDEN: t('urlForbidden'),
              LISTENING_QUERY_EMPTY: t('queryEmpty'),
              LISTENING_WATCH_SOURCE_INVALID: t('sourceInvalid'),
            }}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button onClick={submit} loading={create.isPending}>
            {t('create')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function WatchesPanel() {
  const t = useT(listeningMessages);
  const f = useFormat();
  const canWrite = useCan('listening.write');
  const watches = useWatches();
  const update = useUpdateWatch();
  const remove = useDeleteWatch();
  const poll = usePollWatch();
  // X watches whose account reached its monthly cap: paused until the date the account gives.
  const accounts = useAccounts();
  const cappedUntil = new Map(
    (accounts.data?._embedded.accounts ?? []).flatMap((a) => (a.x_cost?.state === 'capped' ? [[a.id, a.x_cost.paused_until]] : [])),
  );
  const [creating, setCreating] = useState(false);
  const [polled, setPolled] = useState<Record<string, number>>({});
  return (
    <Stack>
      {canWrite && (
        <Group>
          <Button leftSection={<Icon name="plus" />} onClick={() => setCreating(true)}>
            {t('addWatch')}
          </Button>
        </Group>
      )}
      {(update.isError || remove.isError || poll.isError) && <ErrorAlert error={update.error ?? remove.error ?? poll.error} />}
      <QueryView
        query={watches}
        isEmpty={(d) => d._embedded.watches.length === 0}
        empty={<EmptyText title={t('watchesEmpty')} hint={t('watchesHint')} />}
      >
        {(data) => (
          <Stack>
            {data._embedded.watches.map((w) => (
              <Card key={w.id} withBorder padding="md">
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Group gap="xs">
                    <Text fw={600}>{w.name}</Text>
                    <Badge variant="light">{labelOf(t, `source_${w.source}`, w.source)}</Badge>
                    <Badge color={w.active ? (w.last_error ? 'orange' : 'teal') : 'gray'} variant="dot">
                      {w.active ? t('active') : t('paused')}
                    </Badge>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {t('mentionCount', { count: f.number(w.mention_count) })}
                  </Text>
                </Group>
                <Text size="sm" mt={4} style={{ overflowWrap: 'anywhere' }}>
                  {queryText(w)}
                </Text>
                {w.feed_url && (
                  <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                    {w.feed_url}
                  </Text>
                )}
                <Text size="xs" c="dimmed" mt={4}>
                  {w.last_polled_at ? t('lastPolled', { date: f.dateTime(w.last_polled_at) }) : t('neverPolled')}
                  {polled[w.id] !== undefined && ` · ${t('polled', { added: polled[w.id] ?? 0 })}`}
                </Text>
                <WatchPush watch={w} />
                {w.source === 'x' && w.account_id && cappedUntil.has(w.account_id) ? (
                  <Text size="xs" c="orange">
                    {t('xWatchCapped', { date: f.date(cappedUntil.get(w.account_id)) })}
                  </Text>
                ) : (
                  w.last_error && (
                    <Text size="xs" c="orange">
                      {t('lastError', { error: w.last_error })}
                    </Text>
                  )
                )}
                {canWrite && (
                  <Group gap="xs" mt="sm">
                    <Button
                      size="xs"
                      variant="default"
                      loading={poll.isPending && poll.variables === w.id}
                      onClick={() => poll.mutate(w.id, { onSuccess: (r) => setPolled({ ...polled, [w.id]: r.added }) })}
                    >
                      {t('pollNow')}
                    </Button>
                    <Button size="xs" variant="subtle" onClick={() => update.mutate({ id: w.id, active: !w.active })}>
                      {w.active ? t('pause') : t('resume')}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(w.id)}>
                      {t('delete')}
                    </Button>
                  </Group>
                )}
              </Card>
            ))}
          </Stack>
        )}
      </QueryView>
      <CreateWatch opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
