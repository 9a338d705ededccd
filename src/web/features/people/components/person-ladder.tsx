// The ladder on the person page (stage, history, manual move with a reason), and the tags and lists.
import { Badge, Button, CloseButton, Group, Modal, Paper, Select, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type Activity, displayName, type Person, STAGES, type Stage, useBulkAction, useListsQuery, useMoveStage } from '../api.ts';
import { peopleMessages, personWords } from '../messages.ts';
import { StageBadge, useStageLabel } from './stage.tsx';
import { TagSelect } from './tag-select.tsx';

/** The stage moves found in a timeline (a ladder move carries from, to and reason in its data). */
export function ladderMovesOf(
  activities: Activity[],
): { key: string; at: string; from: string | null; to: string; reason: string; actor: string }[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return activities
    .filter((a) => a.kind === 'ladder_move')
    .map((a) => ({
      key: a.id,
      at: a.at,
      from: text(a.data.from_stage) || null,
      to: text(a.data.to_stage),
      reason: text(a.data.reason),
      actor: a.actor_label,
    }))
    .filter((move) => move.to);
}

/** Current stage, its history, and the "Change stage" button. */
export function PersonLadder({ person, activities, canWrite }: { person: Person; activities: Activity[]; canWrite: boolean }) {
  const t = useT(peopleMessages);
  const label = useStageLabel();
  const fmt = useFormat();
  const [moving, setMoving] = useState(false);
  const moves = ladderMovesOf(activities);
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} fz="h4">
          {t('ladder')}
        </Title>
        {canWrite && (
          <Button size="compact-sm" variant="light" onClick={() => setMoving(true)}>
            {t('ladderMove')}
          </Button>
        )}
      </Group>
      <Group gap={6} mb="md" wrap="wrap">
        {STAGES.map((stage, index) => (
          <Group key={stage} gap={6} wrap="nowrap">
            {index > 0 && (
              <Text c="dimmed" aria-hidden="true">
                →
              </Text>
            )}
            {stage === person.ladder_stage ? (
              <StageBadge stage={stage} />
            ) : (
              <Text size="xs" c="dimmed">
                {label(stage)}
              </Text>
            )}
          </Group>
        ))}
      </Group>
      <Text size="sm" fw={600} mb={6}>
        {t('ladderHistory')}
      </Text>
      {moves.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('ladderHistoryEmpty')}
        </Text>
      ) : (
        <Timeline bulletSize={12} lineWidth={2} data-testid="ladder-history">
          {moves.map((move) => (
            <Timeline.Item key={move.key} title={t('ladderMoveLine', { from: move.from ? label(move.from) : '∅', to: label(move.to) })}>
              <Text size="xs" c="dimmed">
                {fmt.dateTime(move.at)}
                {move.actor ? ` · ${t('by', { actor: move.actor })}` : ''}
              </Text>
              {move.reason && <Text size="sm">{move.reason}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {moving && <MoveStageModal person={person} onClose={() => setMoving(false)} />}
    </Paper>
  );
}

function MoveStageModal({ person, onClose }: { person: Person; onClose: () => void }) {
  const t = useT(peopleMessages);
  const label = useStageLabel();
  const move = useMoveStage(person.id);
  const [stage, setStage] = useState<Stage | null>(null);
  const [reason, setReason] = useState('');
  return (
    <Modal opened onClose={onClose} title={t('ladderMoveTitle', { name: displayName(person) })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (stage && reason.trim()) move.mutate({ to_stage: stage, reason: reason.trim() }, { onSuccess: onClose });
        }}
      >
        <Stack>
          <Select
            label={t('toStage')}
            data-autofocus
            data={STAGES.filter((s) => s !== person.ladder_stage).map((s) => ({ value: s, label: label(s) }))}
            value={stage}
            onChange={(value) => setStage(value as Stage | null)}
          />
          <Textarea
            label={t('reason')}
            description={t('reasonHint')}
            required
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {move.error ? <ErrorAlert error={move.error} /> : null}
          <FormActions onCancel={onClose} pending={move.isPending} disabled={!stage || !reason.trim()} />
        </Stack>
      </form>
    </Modal>
  );
}

/** Tags and lists of the person, with add / remove (through the bulk endpoint, for one person). */
export function PersonTags({ person, canWrite }: { person: Person; canWrite: boolean }) {
  const t = useT(peopleMessages);
  const words = useT(personWords);
  const bulk = useBulkAction();
  const lists = useListsQuery();
  const [tagId, setTagId] = useState<string | null>(null);
  const [listId, setListId] = useState<string | null>(null);
  const run = (action: 'add_tag' | 'remove_tag' | 'add_to_list' | 'remove_from_list', id: string) =>
    bulk.mutate({
      person_ids: [person.id],
      action,
      ...(action.includes('tag') ? { tag_id: id } : { list_id: id }),
    });
  const memberOf = new Set((person.lists ?? []).map((l) => l.id));
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('tagsAndLists')}
      </Title>
      <Stack gap="sm">
        <div>
          <Text size="sm" fw={600} mb={4}>
            {t('tags')}
          </Text>
          <Group gap={6}>
            {(person.tags ?? []).length === 0 && (
              <Text size="sm" c="dimmed">
                {words('noTags')}
              </Text>
            )}
            {(person.tags ?? []).map((tag) => (
              <Badge
                key={tag.id}
                variant="light"
                color="grape"
                rightSection={
                  canWrite ? (
                    <CloseButton size="xs" aria-label={t('removeTag', { name: tag.name })} onClick={() => run('remove_tag', tag.id)} />
                  ) : undefined
                }
              >
                {tag.name}
              </Badge>
            ))}
          </Group>
          {canWrite && (
            <Group gap="xs" mt="xs" align="flex-end" wrap="nowrap">
              <div style={{ flex: 1 }}>
                <TagSelect value={tagId} onChange={setTagId} label={t('addTag')} />
              </div>
              <Button
                variant="light"
                disabled={!tagId}
                loading={bulk.isPending}
                onClick={() => {
                  if (!tagId) return;
                  run('add_tag', tagId);
                  setTagId(null);
                }}
              >
                {t('addTag')}
              </Button>
            </Group>
          )}
        </div>
        <div>
          <Text size="sm" fw={600} mb={4}>
            {t('lists')}
          </Text>
          <Group gap={6}>
            {(person.lists ?? []).length === 0 && (
              <Text size="sm" c="dimmed">
                {words('noLists')}
              </Text>
            )}
            {(person.lists ?? []).map((list) => (
              <Badge
                key={list.id}
                variant="outline"
                color="gray"
                rightSection={
                  canWrite ? (
                    <CloseButton
                      size="xs"
                      aria-label={t('removeTag', { name: list.name })}
                      onClick={() => run('remove_from_list', list.id)}
                    />
                  ) : undefined
                }
              >
                {list.name}
              </Badge>
            ))}
          </Group>
          {canWrite && (
            <Group gap="xs" mt="xs" align="flex-end" wrap="nowrap">
              <Select
                style={{ flex: 1 }}
                label={t('addToList')}
                searchable
                data={(lists.data ?? []).filter((l) => !memberOf.has(l.id)).map((l) => ({ value: l.id, label: l.name }))}
                value={listId}
                onChange={setListId}
              />
              <Button
                variant="light"
                disabled={!listId}
                loading={bulk.isPending}
                onClick={() => {
                  if (!listId) return;
                  run('add_to_list', listId);
                  setListId(null);
                }}
              >
                {t('addTag')}
              </Button>
            </Group>
          )}
        </div>
        {bulk.error ? <ErrorAlert error={bulk.error} /> : null}
      </Stack>
    </Paper>
  );
}
