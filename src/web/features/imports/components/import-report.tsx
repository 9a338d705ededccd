// The import's report on screen: each line that was rejected, kept without a field, or merged into
// an earlier copy of the same person, with its reasons in the reader's language.
import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { ImportState } from '../api.ts';
import { importMessages } from '../messages.ts';

type Issue = ImportState['issues'][number];
const STATUS_COLOR = { rejected: 'red', flagged: 'orange', merged: 'gray' } as const;

/** The counts of flagged and merged lines, and the table of lines with their reasons. */
export function ImportReport({ state }: { state: ImportState }) {
  const t = useT(importMessages);
  const fmt = useFormat();
  const reason = (r: Issue['reasons'][number]) => t(`issue_${r.code}`, { field: r.field ?? '' });
  if (state.issues.length === 0) return null;
  const listed = state.rejected + state.flagged + state.merged;
  return (
    <Stack gap="xs" data-testid="import-report">
      <Title order={3} fz="h5">
        {t('reportTitle')}
      </Title>
      {state.flagged > 0 && <Text size="sm">{t('flaggedCount', { count: fmt.number(state.flagged) })}</Text>}
      {state.merged > 0 && <Text size="sm">{t('mergedCount', { count: fmt.number(state.merged) })}</Text>}
      <Table.ScrollContainer minWidth={360}>
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={70}>{t('reportLine')}</Table.Th>
              <Table.Th>{t('reportStatus')}</Table.Th>
              <Table.Th>{t('reportReasons')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {state.issues.map((issue) => (
              <Table.Tr key={`${issue.line}-${issue.status}`} data-testid="import-report-line">
                <Table.Td>{fmt.number(issue.line)}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLOR[issue.status]} variant="light" style={{ whiteSpace: 'normal', height: 'auto' }}>
                    {t(`status_${issue.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{issue.reasons.map(reason).join(', ')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {listed > state.issues.length && (
        <Text size="xs" c="dimmed">
          {t('reportMore', { shown: fmt.number(state.issues.length) })}
        </Text>
      )}
    </Stack>
  );
}
