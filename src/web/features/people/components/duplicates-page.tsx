// /app/people/duplicates: likely duplicate pairs side by side; merge after a confirmation that shows
// the record that will remain (with undo), or dismiss a pair as "not duplicates" (restorable).
import { Alert, Anchor, Badge, Button, Group, Pagination, Paper, SimpleGrid, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type Dismissal,
  type DuplicatePair,
  displayName,
  itemsOf,
  type Person,
  primaryEmail,
  primaryPhone,
  useDismissalsQuery,
  useDismissDuplicate,
  useDuplicatesQuery,
  useRestoreDuplicate,
  useUndoMerge,
} from '../api.ts';
import { peopleMessages } from '../messages.ts';
import { MergeModal } from './merge-modal.tsx';
import { StageBadge } from './stage.tsx';

/** What the banner at the top reports: a merge (with undo) or a dismissal (with restore). */
type Done =
  | { kind: 'merged'; mergeId: string; undoUntil: string; keptName: string }
  | { kind: 'dismissed'; pair: { a: string; b: string }; names: [string, string] };

/** The review list: per pair, "keep this one" under each record (confirmed first) and "not duplicates". */
export function DuplicatesPage() {
  const t = useT(peopleMessages);
  const canWrite = useCan('people.write');
  const [page, setPage] = useState(1);
  const duplicates = useDuplicatesQuery(page);
  const dismiss = useDismissDuplicate();
  const [merging, setMerging] = useState<{ keep: Person; other: Person } | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [showDismissed, setShowDismissed] = useState(false);

  return (
    <>
      <PageHeader
        title={t('duplicatesTitle')}
        description={t('duplicatesDescription')}
        actions={
          <>
            <Button variant="default" onClick={() => setShowDismissed((v) => !v)} aria-expanded={showDismissed}>
              {showDismissed ? t('hideDismissed') : t('showDismissed')}
            </Button>
            <Button component={Link} to="/people" variant="default">
              {t('back')}
            </Button>
          </>
        }
      />
      <Stack gap="md">
        {done && <DoneBanner done={done} onClose={() => setDone(null)} />}
        {dismiss.error ? <ErrorAlert error={dismiss.error} /> : null}
        {showDismissed && <DismissedPairs canWrite={canWrite} />}
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
                  dismissing={dismiss.isPending && dismiss.variables?.a === pair.a && dismiss.variables?.b === pair.b}
                  onKeep={(keep, other) => setMerging({ keep, other })}
                  onDismiss={(a, b) =>
                    dismiss.mutate(
                      { a: a.id, b: b.id },
                      { onSuccess: (result) => setDone({ kind: 'dismissed', pair: result, names: [displayName(a), displayName(b)] }) },
                    )
                  }
                />
              ))}
              {(data.total_pages ?? 1) > 1 && <Pagination value={page} onChange={setPage} total={data.total_pages ?? 1} />}
            </Stack>
          )}
        </QueryView>
      </Stack>
      {merging && (
        <MergeModal
          keep={merging.keep}
          other={merging.other}
          onClose={() => setMerging(null)}
          onMerged={(result) => {
            setMerging(null);
            setDone({ kind: 'merged', mergeId: result.merge_id, undoUntil: result.undo_until, keptName: displayName(merging.keep) });
          }}
        />
      )}
    </>
  );
}

/** The pair's two people, reasons and score. */
function PairCard(props: {
  pair: DuplicatePair;
  canWrite: boolean;
  dismissing: boolean;
  onKeep: (keep: Person, other: Person) => void;
  onDismiss: (a: Person, b: Person) => void;
}) {
  const t = useT(peopleMessages);
  const reason = useLabel(peopleMessages);
  const fmt = useFormat();
  const { pair } = props;
  const [a, b] = pair.people as Person[];
  if (!a || !b) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="duplicate-pair">
      <Group gap="xs" mb="sm" justify="space-between">
        <Group gap="xs">
          {pair.reasons.map((r) => (
            <Badge key={r} color="orange" variant="light">
              {reason(`reason_${r}`, r)}
            </Badge>
          ))}
          <Text size="xs" c="dimmed">
            {t('score', { percent: fmt.percent(pair.score > 1 ? pair.score / 100 : pair.score) })}
          </Text>
        </Group>
        {props.canWrite && (
          <Button
            size="xs"
            variant="subtle"
            color="gray"
            loading={props.dismissing}
            onClick={() => props.onDismiss(a, b)}
            aria-label={t('notDuplicatesLabel', { a: displayName(a), b: displayName(b) })}
          >
            {t('notDuplicates')}
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {(
          [
            [a, b],
            [b, a],
          ] as const
        ).map(([keep, other]) => (
          <PersonCard key={keep.id} person={keep} canWrite={props.canWrite} onKeep={() => props.onKeep(keep, other)} />
        ))}
      </SimpleGrid>
    </Paper>
  );
}

function PersonCard({ person, canWrite, onKeep }: { person: Person; canWrite: boolean; onKeep?: () => void }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const address = person.postal_addresses?.[0];
  const others = (list: string[]) => list.filter(Boolean).join(' · ');
  return (
    <Paper withBorder radius="sm" p="sm" bg="gray.0">
      <Stack gap={4}>
        <Group justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/people/${person.id}`} fw={600}>
            {displayName(person)}
          </Anchor>
          <StageBadge stage={person.ladder_stage} />
        </Group>
        <Text size="sm">{others(person.email_addresses.map((e) => e.address)) || primaryEmail(person) || '—'}</Text>
        <Text size="sm">{others(person.phone_numbers.map((p) => p.number)) || primaryPhone(person) || '—'}</Text>
        <Text size="sm" c="dimmed">
          {address ? [...(address.address_lines ?? []), address.postal_code, address.locality].filter(Boolean).join(', ') : t('noAddress')}
        </Text>
        <Text size="xs" c="dimmed">
          {t('createdOn', { date: fmt.date(person.created_date) })}
          {person.birthdate ? ` · ${fmt.date(person.birthdate)}` : ''}
          {person.tags?.length ? ` · ${person.tags.map((tag) => tag.name).join(', ')}` : ''}
        </Text>
        {canWrite && onKeep && (
          <Button mt="xs" size="xs" variant="light" onClick={onKeep} aria-label={t('keepLabel', { name: displayName(person) })}>
            {t('keepThis')}
          </Button>
        )}
      </Stack>
    </Paper>
  );
}

/** The pairs dismissed as not duplicates, each with "restore". */
function DismissedPairs({ canWrite }: { canWrite: boolean }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const [page, setPage] = useState(1);
  const dismissals = useDismissalsQuery(page, true);
  const restore = useRestoreDuplicate();
  return (
    <Paper withBorder radius="md" p="md" data-testid="dismissed-pairs">
      <Text fw={600} mb="sm">
        {t('dismissedTitle')}
      </Text>
      {restore.error ? <ErrorAlert error={restore.error} /> : null}
      <QueryView
        query={dismissals}
        isEmpty={(data) => itemsOf<Dismissal>(data).length === 0}
        empty={<Text c="dimmed">{t('dismissedEmpty')}</Text>}
      >
        {(data) => (
          <Stack gap="xs">
            {itemsOf<Dismissal>(data).map((d) => {
              const [a, b] = d.people as Person[];
              return (
                <Group key={`${d.a}-${d.b}`} justify="space-between" gap="xs" data-testid="dismissed-pair">
                  <Stack gap={0}>
                    <Text size="sm">
                      {a ? displayName(a) : '—'} · {b ? displayName(b) : '—'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('dismissedBy', { date: fmt.date(d.dismissed_at), actor: d.actor_label })}
                    </Text>
                  </Stack>
                  {canWrite && (
                    <Button
                      size="xs"
                      variant="light"
                      loading={restore.isPending && restore.variables?.a === d.a}
                      onClick={() => restore.mutate({ a: d.a, b: d.b })}
                    >
                      {t('restore')}
                    </Button>
                  )}
                </Group>
              );
            })}
            {(data.total_pages ?? 1) > 1 && <Pagination value={page} onChange={setPage} total={data.total_pages ?? 1} />}
          </Stack>
        )}
      </QueryView>
    </Paper>
  );
}

function DoneBanner({ done, onClose }: { done: Done; onClose: () => void }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const undo = useUndoAction(done);
  const [undone, setUndone] = useState(false);
  // A merge's banner goes away with its undo window.
  useEffect(() => {
    if (done.kind !== 'merged') return;
    const left = new Date(done.undoUntil).getTime() - Date.now();
    if (!Number.isFinite(left) || left <= 0) return;
    const timer = setTimeout(onClose, Math.min(left, 2_147_000_000));
    return () => clearTimeout(timer);
  }, [done, onClose]);
  const message = undone
    ? done.kind === 'merged'
      ? t('undone')
      : t('restored')
    : done.kind === 'merged'
      ? t('merged', { name: done.keptName })
      : t('dismissed', { a: done.names[0], b: done.names[1] });
  return (
    <Alert color={undone ? 'gray' : 'teal'} variant="light" role="status" className="relais-sticky-bar" withCloseButton onClose={onClose}>
      <Group justify="space-between" gap="xs">
        <Stack gap={0}>
          <Text size="sm">{message}</Text>
          {!undone && done.kind === 'merged' && (
            <Text size="xs" c="dimmed">
              {t('undoUntil', { time: fmt.dateTime(done.undoUntil) })}
            </Text>
          )}
        </Stack>
        {!undone && (
          <Button size="xs" variant="white" loading={undo.isPending} onClick={() => undo.run(() => setUndone(true))}>
            {t('undo')}
          </Button>
        )}
      </Group>
      {undo.error ? <ErrorAlert error={undo.error} /> : null}
    </Alert>
  );
}

/** The banner's undo: a merge is undone, a dismissal restored. */
function useUndoAction(done: Done) {
  const undoMerge = useUndoMerge();
  const restore = useRestoreDuplicate();
  const mutation = done.kind === 'merged' ? undoMerge : restore;
  return {
    isPending: mutation.isPending,
    error: mutation.error,
    run: (onSuccess: () => void) => {
      if (done.kind === 'merged') undoMerge.mutate(done.mergeId, { onSuccess });
      else restore.mutate(done.pair, { onSuccess });
    },
  };
}
