// The recent imports of the campaign (a referent's own): file, who, when, state, counts, and the
// rejected rows to download — a table on a laptop, cards on a phone.
import { Badge, Button, Group, Pagination, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { downloadFile } from '../../people/download.ts';
import { type ImportHistoryItem, type ImportRunState, rejectedPathOf, useImportHistory } from '../api.ts';
import { importMessages } from '../messages.ts';

const STATE_COLOR: Record<ImportRunState, string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red' };
const STATE_KEY = {
  queued: 'stateQueued',
  running: 'stateRunning',
  succeeded: 'stateSucceeded',
  failed: 'stateFailed',
} as const;
const COUNTS = ['created', 'updated', 'skipped', 'rejected'] as const;

/** The history section: a page of imports, newest first, with paging when there are more. */
export function ImportHistory() {
  const t = useT(importMessages);
  const [page, setPage] = useState(1);
  const history = useImportHistory(page);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const download = (item: ImportHistoryItem) => {
    const path = rejectedPathOf(item);
    if (!path) return;
    setDownloadError(null);
    downloadFile(path, `${item.file_name.replace(/\.[^.]+$/, '')}-rejets.csv`).catch(setDownloadError);
  };
  return (
    <Stack gap="sm" mt="xl" component="section" aria-labelledby="import-history-title" data-testid="import-history">
      <Title order={2} fz="h4" id="import-history-title">
        {t('historyTitle')}
      </Title>
      {downloadError ? <ErrorAlert error={downloadError} /> : null}
      <QueryView query={history} isEmpty={(data) => data.total_records === 0} empty={<Text c="dimmed">{t('historyEmpty')}</Text>}>
        {(data) => (
          <>
            <HistoryList items={data._embedded.imports} onDownload={download} />
            {(data.total_pages ?? 1) > 1 && (
              <Group justify="center">
                <Pagination total={data.total_pages ?? 1} value={page} onChange={setPage} size="sm" />
              </Group>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}

interface HistoryListProps {
  items: ImportHistoryItem[];
  onDownload: (item: ImportHistoryItem) => void;
}

function HistoryList({ items, onDownload }: HistoryListProps) {
  const t = useT(importMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  if (phone) {
    return (
      <Stack gap="xs">
        {items.map((item) => (
          <HistoryCard key={item.job_id} item={item} onDownload={onDownload} />
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={820}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colFile')}</Table.Th>
              <Table.Th>{t('colStarted')}</Table.Th>
              <Table.Th>{t('colState')}</Table.Th>
              {COUNTS.map((key) => (
                <Table.Th key={key} ta="right" style={{ whiteSpace: 'nowrap' }}>
                  {t(key)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.job_id} data-testid={`import-history-${item.id}`}>
                <Table.Td maw={320}>
                  <Text size="sm" fw={500} truncate title={item.file_name}>
                    {item.file_name}
                  </Text>
                  <Text size="xs" c="dimmed" truncate title={item.imported_by}>
                    {t('by', { who: item.imported_by })}
                  </Text>
                  <RunError item={item} lineClamp={2} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{fmt.dateTime(item.started_at)}</Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <StateBadge state={item.state} />
                </Table.Td>
                {COUNTS.map((key) => (
                  <Table.Td key={key} ta="right">
                    {item.state !== 'succeeded' ? (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    ) : key === 'rejected' && rejectedPathOf(item) ? (
                      <RejectedButton item={item} onDownload={onDownload} compact />
                    ) : (
                      <Text size="sm" fw={key === 'created' ? 600 : undefined}>
                        {fmt.number(item[key])}
                      </Text>
                    )}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function HistoryCard({ item, onDownload }: { item: ImportHistoryItem; onDownload: (item: ImportHistoryItem) => void }) {
  const t = useT(importMessages);
  const fmt = useFormat();
  return (
    <Paper withBorder radius="md" p="sm" data-testid={`import-history-${item.id}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
          <Text size="sm" fw={600} style={{ wordBreak: 'break-word' }}>
            {item.file_name}
          </Text>
          <StateBadge state={item.state} />
        </Group>
        <Text size="xs" c="dimmed">
          {t('startedBy', { date: fmt.dateTime(item.started_at), who: item.imported_by })}
        </Text>
        <RunError item={item} />
        {item.state === 'succeeded' && (
          <SimpleGrid cols={4} spacing={4}>
            {COUNTS.map((key) => (
              <div key={key}>
                <Text size="xs" c="dimmed" truncate>
                  {t(key)}
                </Text>
                <Text size="sm" fw={600} c={key === 'rejected' && item.rejected > 0 ? 'red.7' : undefined}>
                  {fmt.number(item[key])}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        )}
        <RejectedButton item={item} onDownload={onDownload} />
      </Stack>
    </Paper>
  );
}

/**
 * Why an import failed, in the reader's language when the server gave a stable code (an interrupted
 * run), else in the server's words.
 */
export function useRunError(): (run: { error: string | null; error_code?: string | null }) => string | null {
  const label = useLabel(importMessages);
  return (run) => (run.error_code ? label(run.error_code, run.error ?? run.error_code) : run.error);
}

function RunError({ item, lineClamp }: { item: ImportHistoryItem; lineClamp?: number }) {
  const text = useRunError()(item);
  if (!text) return null;
  return (
    <Text size="xs" c="red.8" lineClamp={lineClamp} title={lineClamp ? text : undefined}>
      {text}
    </Text>
  );
}

function StateBadge({ state }: { state: ImportRunState }) {
  const t = useT(importMessages);
  return (
    <Badge color={STATE_COLOR[state]} variant="light" style={{ flexShrink: 0, minWidth: 'max-content' }}>
      {t(STATE_KEY[state])}
    </Badge>
  );
}

interface RejectedButtonProps {
  item: ImportHistoryItem;
  onDownload: (item: ImportHistoryItem) => void;
  /** In the table: the count itself is the button. */
  compact?: boolean;
}

function RejectedButton({ item, onDownload, compact = false }: RejectedButtonProps) {
  const t = useT(importMessages);
  const fmt = useFormat();
  if (!rejectedPathOf(item)) return null;
  const label = t('downloadRejectedOf', { file: item.file_name });
  const keptUntil = item.rejected_kept_until ? t('rejectedKeptUntil', { date: fmt.date(item.rejected_kept_until) }) : null;
  return (
    <Button
      size="compact-sm"
      variant="light"
      color="orange"
      onClick={() => onDownload(item)}
      aria-label={label}
      title={keptUntil ? `${label} — ${keptUntil}` : label}
      rightSection={<Icon name="arrowDown" size={14} />}
      style={{ alignSelf: 'flex-start' }}
    >
      {compact ? fmt.number(item.rejected) : t('rejectedRows')}
    </Button>
  );
}
