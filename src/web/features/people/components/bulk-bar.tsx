// The bar of bulk actions on the selected people: add a tag, add to a list, move on the ladder with a reason.
import { Button, Group, Modal, Paper, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type BulkAction, type BulkInput, STAGES, type Stage, useBulkAction, useListsQuery } from '../api.ts';
import { peopleMessages } from '../messages.ts';
import { useStageLabel } from './stage.tsx';
import { TagSelect } from './tag-select.tsx';

interface BulkBarProps {
  count: number;
  allMatching: boolean;
  target: Pick<BulkInput, 'person_ids' | 'segment'>;
  onClear: () => void;
}

type Mode = 'tag' | 'list' | 'stage';

/** Shows how many people are selected and the three bulk actions; reports how many were changed. */
export function BulkBar({ count, target, onClear }: BulkBarProps) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const [mode, setMode] = useState<Mode | null>(null);
  const [done, setDone] = useState<number | null>(null);
  return (
    <Paper withBorder radius="md" p="xs" bg="indigo.0" className="relais-sticky-bar" data-testid="bulk-bar">
      <Group justify="space-between" gap="xs">
        <Group gap="xs">
          <Text size="sm" fw={600}>
            {t('selected', { count })}
          </Text>
          <Button size="compact-sm" variant="subtle" onClick={onClear}>
            {t('clearSelection')}
          </Button>
          {done !== null && (
            <Text size="sm" c="teal.8" role="status">
              {t('bulkDone', { count: done })}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          <Button size="compact-sm" variant="light" onClick={() => setMode('tag')}>
            {t('bulkAddTag')}
          </Button>
          <Button size="compact-sm" variant="light" onClick={() => setMode('list')}>
            {t('bulkAddList')}
          </Button>
          <Button size="compact-sm" variant="light" onClick={() => setMode('stage')}>
            {t('bulkMoveStage')}
          </Button>
        </Group>
      </Group>
      {mode && (
        <BulkModal
          mode={mode}
          countLabel={fmt.number(count)}
          target={target}
          onClose={() => setMode(null)}
          onDone={(affected) => {
            setMode(null);
            setDone(affected);
            onClear();
          }}
        />
      )}
    </Paper>
  );
}

function BulkModal(props: {
  mode: Mode;
  countLabel: string;
  target: BulkBarProps['target'];
  onClose: () => void;
  onDone: (affected: number) => void;
}) {
  const t = useT(peopleMessages);
  const stageLabel = useStageLabel();
  const lists = useListsQuery();
  const bulk = useBulkAction();
  const [tagId, setTagId] = useState<string | null>(null);
  const [listId, setListId] = useState<string | null>(null);
  const [stage, setStage] = useState<Stage | null>(null);
  const [reason, setReason] = useState('');
  const title = props.mode === 'tag' ? 'bulkTitleTag' : props.mode === 'list' ? 'bulkTitleList' : ('bulkTitleStage' as const);
  const ready = props.mode === 'tag' ? Boolean(tagId) : props.mode === 'list' ? Boolean(listId) : Boolean(stage && reason.trim());
  const submit = () => {
    const action: BulkAction = props.mode === 'tag' ? 'add_tag' : props.mode === 'list' ? 'add_to_list' : 'move_stage';
    bulk.mutate(
      {
        ...props.target,
        action,
        tag_id: props.mode === 'tag' ? (tagId ?? undefined) : undefined,
        list_id: props.mode === 'list' ? (listId ?? undefined) : undefined,
        to_stage: props.mode === 'stage' ? (stage ?? undefined) : undefined,
        reason: props.mode === 'stage' ? reason.trim() : undefined,
      },
      { onSuccess: (result) => props.onDone(result.affected) },
    );
  };
  return (
    <Modal opened onClose={props.onClose} title={t(title, { count: props.countLabel })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (ready) submit();
        }}
      >
        <Stack>
          {props.mode === 'tag' && <TagSelect value={tagId} onChange={setTagId} />}
          {props.mode === 'list' && (
            <Select
              label={t('list')}
              searchable
              data-autofocus
              data={(lists.data ?? []).map((list) => ({ value: list.id, label: list.name }))}
              value={listId}
              onChange={setListId}
            />
          )}
          {props.mode === 'stage' && (
            <>
              <Select
                label={t('toStage')}
                data-autofocus
                data={STAGES.map((s) => ({ value: s, label: stageLabel(s) }))}
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
            </>
          )}
          {bulk.error ? <ErrorAlert error={bulk.error} overrides={{ BULK_TOO_LARGE: t('bulkTooLarge') }} /> : null}
          <FormActions onCancel={props.onClose} pending={bulk.isPending} disabled={!ready} submitLabel={t('bulkApply')} />
        </Stack>
      </form>
    </Modal>
  );
}
