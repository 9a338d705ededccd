// The inbox: mentions newest first (the most urgent first in crisis mode), filters, and the selected
// mention with its thread, triage and actions. On a laptop the keyboard drives it (j / k to move,
// h to mark handled, r to reply, m to assign to oneself); on a phone the mention opens full screen.
import {
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Modal,
  Pagination,
  SegmentedControl,
  Select,
  Stack,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useCan, useSession } from '../../session/session-context.tsx';
import { type Mention, type MentionFilter, useMention, useMentions, useUpdateMention } from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { arrondissementLabel, labelOf, SENTIMENT_COLOR, themeLabel, URGENCY_COLOR } from './labels.ts';
import { ReplyComposer } from './reply-composer.tsx';

function MentionBadges({ m }: { m: Mention }) {
  const t = useT(listeningMessages);
  return (
    <Group gap={4} wrap="wrap">
      <Badge size="xs" variant="light" color={URGENCY_COLOR[m.urgency]}>
        {t(`urgency_${m.urgency}`)}
      </Badge>
      <Badge size="xs" variant="dot" color={SENTIMENT_COLOR[m.sentiment]}>
        {t(`sentiment_${m.sentiment}`)}
      </Badge>
      {m.theme && (
        <Badge size="xs" variant="outline">
          {themeLabel(t, m.theme)}
        </Badge>
      )}
      {m.arrondissement && (
        <Badge size="xs" variant="outline" color="grape">
          {arrondissementLabel(t, m.arrondissement)}
        </Badge>
      )}
      {m.tags.map((tag) => (
        <Badge key={tag} size="xs" variant="light" color="gray">
          {tag}
        </Badge>
      ))}
    </Group>
  );
}

function MentionDetail({ id, onReply }: { id: string; onReply: () => void }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const session = useSession();
  const canWrite = useCan('listening.write');
  const detail = useMention(id);
  const update = useUpdateMention();
  return (
    <QueryView query={detail}>
      {(m) => (
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <div style={{ minWidth: 0 }}>
              <Text fw={600}>{m.author_name}</Text>
              <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {m.author_handle} · {labelOf(t, `source_${m.source}`, m.source)} · {t('reach', { count: f.number(m.author_reach) })}
              </Text>
            </div>
            <Text size="sm" c="dimmed">
              {f.dateTime(m.published_at)}
            </Text>
          </Group>
          <MentionBadges m={m} />
          {m.thread.length > 1 && (
            <Stack gap={4}>
              <Text size="xs" c="dimmed">
                {t('thread', { count: m.thread.length })}
              </Text>
              {m.thread.map((p) => (
                <Text key={p.id} size="sm" fw={p.id === m.id ? 600 : 400} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                  {p.author_handle} : {p.text}
                </Text>
              ))}
            </Stack>
          )}
          {m.thread.length <= 1 && <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.text}</Text>}
          {m.url && (
            <Anchor href={m.url} target="_blank" rel="noreferrer noopener" size="sm">
              {t('open')}
            </Anchor>
          )}
          {m.assigned_to_name && <Text size="sm">{t('assigned', { name: m.assigned_to_name })}</Text>}
          {m.drafts.map((d) => (
            <Card key={d.id} withBorder padding="xs">
              <Group gap="xs" justify="space-between">
                <Badge size="xs" variant="light">
                  {t(`status_${d.status}`)}
                </Badge>
                <Text size="xs" c="dimmed">
                  {t('onAccount', { handle: d.account_handle })}
                </Text>
              </Group>
              <Text size="sm" mt={4} style={{ whiteSpace: 'pre-wrap' }}>
                {d.text}
              </Text>
            </Card>
          ))}
          {canWrite && (
            <>
              <TagsInput label={t('tags')} value={m.tags} onChange={(tags) => update.mutate({ id: m.id, tags })} maxTags={20} />
              <Group gap="xs" wrap="wrap">
                <Button size="sm" onClick={onReply}>
                  {t('reply')}
                </Button>
                <Button
                  size="sm"
                  variant="default"
                  onClick={() => update.mutate({ id: m.id, status: m.status === 'new' ? 'handled' : 'new' })}
                >
                  {m.status === 'new' ? t('markHandled') : t('markNew')}
                </Button>
                {m.assigned_to !== session.user.id && (
                  <Button size="sm" variant="subtle" onClick={() => update.mutate({ id: m.id, assigned_to: session.user.id })}>
                    {t('assignMe')}
                  </Button>
                )}
              </Group>
              {update.isError && <ErrorAlert error={update.error} />}
            </>
          )}
        </Stack>
      )}
    </QueryView>
  );
}

export function InboxPanel({ themes }: { themes: readonly string[] }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const phone = useIsPhone();
  const session = useSession();
  const canWrite = useCan('listening.write');
  const [filter, setFilter] = useState<MentionFilter>({ status: 'new', page: 1 });
  const [search, setSearch] = useState('');
  const mentions = useMentions(filter);
  const update = useUpdateMention();
  const rows = mentions.data?._embedded.mentions ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const [replying, setReplying] = useState<Mention | null>(null);
  const current = rows.find((m) => m.id === selected) ?? null;

  useEffect(() => {
    if (phone) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return;
      if (e.metaKey || e.ctrlKey || e.altKey || replying) return;
      const index = rows.findIndex((m) => m.id === selected);
      if (e.key === 'j' || e.key === 'ArrowDown') setSelected(rows[Math.min(rows.length - 1, index + 1)]?.id ?? null);
      else if (e.key === 'k' || e.key === 'ArrowUp') setSelected(rows[Math.max(0, index - 1)]?.id ?? null);
      else if (e.key === 'h' && current && canWrite)
        update.mutate({ id: current.id, status: current.status === 'new' ? 'handled' : 'new' });
      else if (e.key === 'm' && current && canWrite) update.mutate({ id: current.id, assigned_to: session.user.id });
      else if (e.key === 'r' && current && canWrite) setReplying(current);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [phone, rows, selected, current, canWrite, replying, update, session.user.id]);

  const list = (
    <QueryView
      query={mentions}
      isEmpty={(d) => d._embedded.mentions.length === 0}
      empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
    >
      {(data) => (
        <Stack gap="xs">
          <Text size="sm" c="dimmed">
            {t(data.total_is_lower_bound ? 'totalAtLeast' : 'total', { count: f.number(data.total_records) })}
          </Text>
          {data._embedded.mentions.map((m) => (
            <Card
              key={m.id}
              withBorder
              padding="sm"
              onClick={() => setSelected(m.id)}
              style={{ cursor: 'pointer', outline: m.id === selected ? '2px solid var(--mantine-color-blue-5)' : undefined }}
              aria-current={m.id === selected}
              role="button"
              tabIndex={0}
              onKeyDown={(e) => e.key === 'Enter' && setSelected(m.id)}
            >
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Text size="sm" fw={600} truncate>
                  {m.author_name}
                </Text>
                <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                  {f.dateTime(m.published_at)}
                </Text>
              </Group>
              <Text size="sm" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
                {m.text}
              </Text>
              <Group mt={4} gap={4} justify="space-between">
                <MentionBadges m={m} />
                {m.thread_size > 1 && (
                  <Text size="xs" c="dimmed">
                    {t('thread', { count: m.thread_size })}
                  </Text>
                )}
              </Group>
            </Card>
          ))}
          {(data.total_pages ?? 1) > 1 && (
            <Pagination
              total={data.total_pages ?? 1}
              value={filter.page}
              onChange={(page) => setFilter({ ...filter, page })}
              size="sm"
              getControlProps={(control) => ({ 'aria-label': control === 'next' ? t('next') : t('prev') })}
            />
          )}
        </Stack>
      )}
    </QueryView>
  );

  return (
    <Stack>
      <Group gap="xs" wrap="wrap" align="flex-end">
        <SegmentedControl
          size="xs"
          value={filter.assigned ? 'mine' : (filter.status ?? 'new')}
          onChange={(v) =>
            setFilter(
              v === 'mine' ? { page: 1, assigned: 'me' } : { ...filter, assigned: undefined, status: v as 'new' | 'handled', page: 1 },
            )
          }
          data={[
            { value: 'new', label: t('filterNew') },
            { value: 'handled', label: t('filterHandled') },
            { value: 'mine', label: t('filterMine') },
          ]}
        />
        <Select
          size="xs"
          w={130}
          placeholder={t('filterUrgency')}
          aria-label={t('filterUrgency')}
          clearable
          value={filter.urgency ?? null}
          onChange={(v) => setFilter({ ...filter, urgency: (v ?? undefined) as MentionFilter['urgency'], page: 1 })}
          data={(['high', 'normal', 'low'] as const).map((u) => ({ value: u, label: t(`urgency_${u}`) }))}
        />
        <Select
          size="xs"
          w={150}
          placeholder={t('filterTheme')}
          aria-label={t('filterTheme')}
          clearable
          value={filter.theme ?? null}
          onChange={(v) => setFilter({ ...filter, theme: v ?? undefined, page: 1 })}
          data={themes.map((th) => ({ value: th, label: themeLabel(t, th) }))}
        />
        <TextInput
          size="xs"
          w={180}
          placeholder={t('search')}
          aria-label={t('search')}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          onKeyDown={(e) => e.key === 'Enter' && setFilter({ ...filter, q: search.trim() || undefined, page: 1 })}
        />
      </Group>
      {!phone && (
        <Text size="xs" c="dimmed">
          {t('shortcuts')}
        </Text>
      )}
      {phone ? (
        <>
          {list}
          <Modal
            opened={current !== null}
            onClose={() => setSelected(null)}
            fullScreen
            transitionProps={{ duration: 0 }}
            title={current?.author_name ?? ''}
          >
            {current && <MentionDetail id={current.id} onReply={() => setReplying(current)} />}
          </Modal>
        </>
      ) : (
        <Grid>
          <Grid.Col span={5}>{list}</Grid.Col>
          <Grid.Col span={7}>
            {current ? (
              <Card withBorder padding="md" style={{ position: 'sticky', top: 16 }}>
                <MentionDetail id={current.id} onReply={() => setReplying(current)} />
              </Card>
            ) : null}
          </Grid.Col>
        </Grid>
      )}
      <ReplyComposer key={replying?.id ?? 'none'} mention={replying} opened={replying !== null} onClose={() => setReplying(null)} />
    </Stack>
  );
}
