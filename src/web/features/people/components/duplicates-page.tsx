// /app/people/duplicates: likely duplicate pairs side by side; merge by choosing the one to keep, with undo.
import { Alert, Anchor, Badge, Button, Group, Pagination, Paper, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type DuplicatePair,
  displayName,
  itemsOf,
  type Person,
  primaryEmail,
  primaryPhone,
  useDuplicatesQuery,
  useMerge,
  usePersonQuery,
  useUndoMerge,
} from '../api.ts';
import { peopleMessages } from '../messages.ts';
import { StageBadge } from './stage.tsx';

interface DoneMerge {
  mergeId: string;
  undoUntil: string;
  keptName: string;
}

/** The review list with one "Keep this one" button under each record of a pair. */
export function DuplicatesPage() {
  const t = useT(peopleMessages);
  const canWrite = useCan('people.write');
  const [page, setPage] = useState(1);
  const duplicates = useDuplicatesQuery(page);
  const merge = useMerge();
  const [done, setDone] = useState<DoneMerge | null>(null);

  return (
    <>
      <PageHeader
        title={t('duplicatesTitle')}
        description={t('duplicatesDescription')}
        actions={
          <Button component={Link} to="/people" variant="default">
            {t('back')}
          </Button>
        }
      />
      <Stack gap="md">
        {done && <UndoBanner done={done} onClose={() => setDone(null)} />}
        {merge.error ? <ErrorAlert error={merge.error} /> : null}
        <QueryView
          query={duplicates}
          isEmpty={(data) => itemsOf<DuplicatePair>(data).length === 0}
          empty={<Text c="dimmed">{t('duplicatesEmpty')}</Text>}
        >
          {(data) => (
            <Stack gap="md">
              {itemsOf<DuplicatePair>(data).map((pair) => (
                <PairCard
                  key={`${pair.a}-${pair.b}`}
                  pair={pair}
                  canWrite={canWrite}
                  mergingKeep={merge.isPending ? (merge.variables?.keep_id ?? null) : null}
                  onMerge={(keep, other) =>
                    merge.mutate(
                      { keep_id: keep.id, merge_id: other.id },
                      {
                        onSuccess: (result) =>
                          setDone({ mergeId: result.merge_id, undoUntil: result.undo_until, keptName: displayName(keep) }),
                      },
                    )
                  }
                />
              ))}
              {(data.total_pages ?? 1) > 1 && <Pagination value={page} onChange={setPage} total={data.total_pages ?? 1} />}
            </Stack>
          )}
        </QueryView>
      </Stack>
    </>
  );
}

/** The pair's two people (loaded by their ids), reasons and score. */
function PairCard(props: {
  pair: DuplicatePair;
  canWrite: boolean;
  mergingKeep: string | null;
  onMerge: (keep: Person, other: Person) => void;
}) {
  const t = useT(peopleMessages);
  const reason = useLabel(peopleMessages);
  const fmt = useFormat();
  const { pair } = props;
  const aQuery = usePersonQuery(pair.a);
  const bQuery = usePersonQuery(pair.b);
  const a = aQuery.data;
  const b = bQuery.data;
  const error = aQuery.error ?? bQuery.error;
  return (
    <Paper withBorder radius="md" p="md" data-testid="duplicate-pair">
      <Group gap="xs" mb="sm">
        {pair.reasons.map((r) => (
          <Badge key={r} color="orange" variant="light">
            {reason(`reason_${r}`, r)}
          </Badge>
        ))}
        <Text size="xs" c="dimmed">
          {t('score', { percent: fmt.percent(pair.score > 1 ? pair.score / 100 : pair.score) })}
        </Text>
      </Group>
      {error ? (
        <ErrorAlert error={error} />
      ) : a && b ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {(
            [
              [a, b],
              [b, a],
            ] as const
          ).map(([keep, other]) => (
            <PersonCard
              key={keep.id}
              person={keep}
              canWrite={props.canWrite}
              loading={props.mergingKeep === keep.id}
              onKeep={() => props.onMerge(keep, other)}
            />
          ))}
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Skeleton height={150} radius="sm" />
          <Skeleton height={150} radius="sm" />
        </SimpleGrid>
      )}
    </Paper>
  );
}

function PersonCard({ person, canWrite, loading, onKeep }: { person: Person; canWrite: boolean; loading: boolean; onKeep: () => void }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const address = person.postal_addresses?.[0];
  return (
    <Paper withBorder radius="sm" p="sm" bg="gray.0">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/people/${person.id}`} fw={600}>
            {displayName(person)}
          </Anchor>
          <StageBadge stage={person.ladder_stage} />
        </Group>
        <Text size="sm">{primaryEmail(person) || '—'}</Text>
        <Text size="sm">{primaryPhone(person) || '—'}</Text>
        <Text size="sm" c="dimmed">
          {address ? [...(address.address_lines ?? []), address.postal_code, address.locality].filter(Boolean).join(', ') : t('noAddress')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('createdOn', { date: fmt.date(person.created_date) })}
          {person.tags?.length ? ` · ${person.tags.map((tag) => tag.name).join(', ')}` : ''}
        </Text>
        {canWrite && (
          <Button
            mt="xs"
            size="xs"
            variant="light"
            loading={loading}
            onClick={onKeep}
            aria-label={t('keepLabel', { name: displayName(person) })}
          >
            {t('keepThis')}
          </Button>
        )}
      </Stack>
    </Paper>
  );
}

function UndoBanner({ done, onClose }: { done: DoneMerge; onClose: () => void }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const undo = useUndoMerge();
  const [undone, setUndone] = useState(false);
  // The banner goes away with the undo window.
  useEffect(() => {
    const left = new Date(done.undoUntil).getTime() - Date.now();
    if (!Number.isFinite(left) || left <= 0) return;
    const timer = setTimeout(onClose, Math.min(left, 2_147_000_000));
    return () => clearTimeout(timer);
  }, [done.undoUntil, onClose]);
  return (
    <Alert color={undone ? 'gray' : 'teal'} variant="light" role="status" className="relais-sticky-bar" withCloseButton onClose={onClose}>
      <Group justify="space-between" gap="xs">
        <Stack gap={0}>
          <Text size="sm">{undone ? t('undone') : t('merged', { name: done.keptName })}</Text>
          {!undone && (
            <Text size="xs" c="dimmed">
              {t('undoUntil', { time: fmt.dateTime(done.undoUntil) })}
            </Text>
          )}
        </Stack>
        {!undone && (
          <Button
            size="xs"
            variant="white"
            loading={undo.isPending}
            onClick={() => undo.mutate(done.mergeId, { onSuccess: () => setUndone(true) })}
          >
            {t('undo')}
          </Button>
        )}
      </Group>
      {undo.error ? <ErrorAlert error={undo.error} /> : null}
    </Alert>
  );
}
