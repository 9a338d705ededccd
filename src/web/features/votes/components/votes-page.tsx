// /app/votes: the campaign's public votes as cards (state, ballots, settings), opened and closed
// from here; each shows its results beside the recount and its anti-fraud counters, where the staff
// void suspicious ballots. Cards and tables fit a phone.
import { Anchor, Badge, Button, Group, Modal, Paper, Progress, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type FraudCounters,
  useCountersQuery,
  useRecount,
  useResultsQuery,
  useVoidBallots,
  useVoteStep,
  useVotesQuery,
  type Vote,
} from '../api.ts';
import { votesMessages } from '../messages.ts';
import { VoteEditor } from './vote-editor.tsx';

const STATE_KEYS = { draft: 'stateDraft', open: 'stateOpen', closed: 'stateClosed' } as const;
const STATE_COLORS = { draft: 'gray', open: 'teal', closed: 'dark' } as const;

/** The public votes screen. */
export function VotesPage() {
  const t = useT(votesMessages);
  const votes = useVotesQuery();
  const canManage = useCan('votes.manage');
  const [creating, setCreating] = useState(false);
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canManage && (
            <Button leftSection={<Icon name="plus" />} onClick={() => setCreating(true)}>
              {t('create')}
            </Button>
          )
        }
      />
      <QueryView
        query={votes}
        isEmpty={(d) => d._embedded.votes.length === 0}
        empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
      >
        {(data) => (
          <Stack>
            {data._embedded.votes.map((vote) => (
              <VoteCard key={vote.id} vote={vote} canManage={canManage} />
            ))}
          </Stack>
        )}
      </QueryView>
      {creating && <VoteEditor onClose={() => setCreating(false)} />}
    </>
  );
}

function VoteCard({ vote, canManage }: { vote: Vote; canManage: boolean }) {
  const t = useT(votesMessages);
  const format = useFormat();
  const step = useVoteStep();
  const [panel, setPanel] = useState<'results' | 'counters' | null>(null);
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color={STATE_COLORS[vote.status]} variant="light">
            {t(STATE_KEYS[vote.status])}
          </Badge>
          <Text fw={600}>{vote.title}</Text>
        </Group>
        <Text size="sm" c="dimmed">
          {t('ballots', { confirmed: vote.ballots.confirmed, pending: vote.ballots.pending, voided: vote.ballots.voided })}
        </Text>
        <Text size="sm" c="dimmed">
          {vote.results_visibility === 'live' ? t('resultsLive') : t('resultsAfter')}
          {vote.allow_change ? ` · ${t('changeAllowed')}` : ''}
          {vote.closes_at ? ` · ${t('closesAt', { date: format.dateTime(vote.closes_at) })}` : ''}
        </Text>
        {step.isError && <ErrorAlert error={step.error} />}
        <Group gap="xs">
          {vote.status !== 'draft' && (
            <Button size="xs" variant="default" component="a" href={vote.public_url} target="_blank">
              {t('viewSite')}
            </Button>
          )}
          {canManage && vote.status === 'draft' && (
            <Button size="xs" onClick={() => step.mutate({ id: vote.id, step: 'open' })} loading={step.isPending}>
              {t('open')}
            </Button>
          )}
          {canManage && vote.status === 'open' && (
            <Button size="xs" color="dark" onClick={() => step.mutate({ id: vote.id, step: 'close' })} loading={step.isPending}>
              {t('close')}
            </Button>
          )}
          <Button
            size="xs"
            variant={panel === 'results' ? 'filled' : 'light'}
            onClick={() => setPanel(panel === 'results' ? null : 'results')}
          >
            {t('results')}
          </Button>
          {canManage && (
            <Button
              size="xs"
              variant={panel === 'counters' ? 'filled' : 'light'}
              onClick={() => setPanel(panel === 'counters' ? null : 'counters')}
            >
              {t('counters')}
            </Button>
          )}
        </Group>
        {panel === 'results' && <ResultsPanel id={vote.id} canManage={canManage} />}
        {panel === 'counters' && <CountersPanel id={vote.id} />}
      </Stack>
    </Paper>
  );
}

function ResultsPanel({ id, canManage }: { id: string; canManage: boolean }) {
  const t = useT(votesMessages);
  const results = useResultsQuery(id);
  const recount = useRecount();
  return (
    <QueryView query={results}>
      {(data) => (
        <Stack gap="xs" mt="xs">
          {data.options.map((o) => (
            <div key={o.id}>
              <Group justify="space-between" gap="xs">
                <Text size="sm" fw={600}>
                  {o.label}
                </Text>
                <Text size="sm">{t('votesCount', { count: o.tally })}</Text>
              </Group>
              <Progress value={data.total > 0 ? (o.tally / data.total) * 100 : 0} aria-label={o.label} />
            </div>
          ))}
          <Group gap="xs">
            <Text size="sm" c={data.consistent ? 'teal.8' : 'red.8'}>
              {data.consistent ? t('consistent') : t('inconsistent')}
            </Text>
            {canManage && (
              <Button
                size="xs"
                variant="subtle"
                onClick={() => recount.mutate(id, { onSuccess: () => void results.refetch() })}
                loading={recount.isPending}
              >
                {t('recount')}
              </Button>
            )}
          </Group>
        </Stack>
      )}
    </QueryView>
  );
}

function CountersPanel({ id }: { id: string }) {
  const t = useT(votesMessages);
  const format = useFormat();
  const counters = useCountersQuery(id);
  const [target, setTarget] = useState<{ ip_range?: string; email_domain?: string; key: string } | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const table = (rows: FraudCounters['by_ip_range'], field: 'ip_range' | 'email_domain') => (
    <Table.ScrollContainer minWidth={320}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colKey')}</Table.Th>
            <Table.Th>{t('colTotal')}</Table.Th>
            <Table.Th>{t('colConfirmed')}</Table.Th>
            <Table.Th>{t('colVoided')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={r.key}>
              <Table.Td>{r.key || t('unknown')}</Table.Td>
              <Table.Td>{format.number(r.total)}</Table.Td>
              <Table.Td>{format.number(r.confirmed)}</Table.Td>
              <Table.Td>{format.number(r.voided)}</Table.Td>
              <Table.Td>
                {r.key && r.total > r.voided && (
                  <Anchor component="button" type="button" size="sm" c="red.8" onClick={() => setTarget({ [field]: r.key, key: r.key })}>
                    {t('voidThese')}
                  </Anchor>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
  return (
    <QueryView query={counters}>
      {(data) => (
        <Stack gap="xs" mt="xs">
          {done !== null && (
            <Text size="sm" role="status">
              {t('voided', { count: done })}
            </Text>
          )}
          <Text fw={600} size="sm">
            {t('byDomain')}
          </Text>
          {table(data.by_email_domain, 'email_domain')}
          <Text fw={600} size="sm">
            {t('byRange')}
          </Text>
          {table(data.by_ip_range, 'ip_range')}
          <Text fw={600} size="sm">
            {t('byHour')}
          </Text>
          <Table.ScrollContainer minWidth={320}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colHour')}</Table.Th>
                  <Table.Th>{t('colTotal')}</Table.Th>
                  <Table.Th>{t('colConfirmed')}</Table.Th>
                  <Table.Th>{t('colVoided')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.by_hour.slice(0, 24).map((h) => (
                  <Table.Tr key={String(h.hour)}>
                    <Table.Td>{format.dateTime(h.hour)}</Table.Td>
                    <Table.Td>{format.number(h.total)}</Table.Td>
                    <Table.Td>{format.number(h.confirmed)}</Table.Td>
                    <Table.Td>{format.number(h.voided)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {target && (
            <VoidModal
              id={id}
              target={target}
              onClose={(count) => {
                setTarget(null);
                if (count !== null) {
                  setDone(count);
                  void counters.refetch();
                }
              }}
            />
          )}
        </Stack>
      )}
    </QueryView>
  );
}

function VoidModal({
  id,
  target,
  onClose,
}: {
  id: string;
  target: { ip_range?: string; email_domain?: string; key: string };
  onClose: (count: number | null) => void;
}) {
  const t = useT(votesMessages);
  const voidBallots = useVoidBallots();
  const [reason, setReason] = useState('');
  const { key, ...criteria } = target;
  return (
    <Modal opened onClose={() => onClose(null)} title={t('voidTitle')}>
      <Stack>
        <Text size="sm">{t('voidConfirm', { key })}</Text>
        {voidBallots.isError && <ErrorAlert error={voidBallots.error} />}
        <TextInput label={t('voidReason')} required value={reason} onChange={(e) => setReason(e.currentTarget.value)} maxLength={500} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => onClose(null)}>
            {t('cancel')}
          </Button>
          <Button
            color="red"
            disabled={!reason.trim()}
            loading={voidBallots.isPending}
            onClick={() => voidBallots.mutate({ id, ...criteria, reason: reason.trim() }, { onSuccess: (r) => onClose(r.voided) })}
          >
            {t('voidThese')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
