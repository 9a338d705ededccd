// The confirmation before a merge: the record that will remain, as the server computes it (a merge
// run and rolled back), then "Fusionner".
import { Button, Group, Modal, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { uiMessages } from '../../../ui/messages.ts';
import { displayName, type Person, useMerge, useMergePreview } from '../api.ts';
import { peopleMessages } from '../messages.ts';
import { useStageLabel } from './stage.tsx';

interface MergeModalProps {
  keep: Person;
  other: Person;
  onClose: () => void;
  onMerged: (result: { merge_id: string; undo_until: string }) => void;
}

/** Shows what the kept person will hold after the merge and asks for confirmation. */
export function MergeModal({ keep, other, onClose, onMerged }: MergeModalProps) {
  const t = useT(peopleMessages);
  const ui = useT(uiMessages);
  const stageLabel = useStageLabel();
  const preview = useMergePreview({ keep_id: keep.id, merge_id: other.id });
  const merge = useMerge();
  const names = { kept: displayName(keep), gone: displayName(other) };
  const after = preview.data;
  const address = after?.postal_addresses?.[0];
  const rows: Array<[string, string]> = after
    ? [
        [t('previewEmails'), after.email_addresses.map((e) => e.address).join(', ') || '—'],
        [t('previewPhones'), after.phone_numbers.map((p) => p.number).join(', ') || '—'],
        [
          t('previewAddress'),
          address ? [...(address.address_lines ?? []), address.postal_code, address.locality].filter(Boolean).join(', ') : '—',
        ],
        [t('previewStage'), stageLabel(after.ladder_stage)],
        [t('previewTags'), after.tags.map((tag) => tag.name).join(', ') || '—'],
      ]
    : [];
  return (
    <Modal opened onClose={onClose} title={t('mergeTitle')} centered size="lg">
      <Stack data-testid="merge-confirm">
        <Text size="sm">{t('mergeIntro', names)}</Text>
        {preview.error ? <ErrorAlert error={preview.error} /> : null}
        {after ? (
          <Table withTableBorder variant="vertical" layout="fixed">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w="30%">{displayName(after)}</Table.Th>
                <Table.Td />
              </Table.Tr>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w="30%">{label}</Table.Th>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : preview.isPending ? (
          <Skeleton height={160} radius="sm" />
        ) : null}
        <Text size="sm" c="dimmed">
          {t('mergeAfter', names)}
        </Text>
        {merge.error ? <ErrorAlert error={merge.error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {ui('cancel')}
          </Button>
          <Button
            color="red"
            disabled={!after}
            loading={merge.isPending}
            onClick={() => merge.mutate({ keep_id: keep.id, merge_id: other.id }, { onSuccess: onMerged })}
          >
            {t('mergeConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
