// Step 4 of the import: a progress bar while the job runs, then the counts and the rejected rows.
import { Alert, Button, Group, Paper, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { downloadFile } from '../../people/download.ts';
import { isFinished, ratioOf, rejectedCsvPath, useImportState } from '../api.ts';
import { importMessages } from '../messages.ts';
import { useRunError } from './import-history.tsx';
import { ImportReport } from './import-report.tsx';

/** Polls the import and shows where it is; at the end, the four counts and the download. */
export function ProgressStep({ importId, onAnother }: { importId: string; onAnother: () => void }) {
  const t = useT(importMessages);
  const fmt = useFormat();
  const state = useImportState(importId, true);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const finished = isFinished(state.data);
  const failed = state.data?.state === 'failed';
  const ratio = ratioOf(state.data);
  const runError = useRunError();
  const failure = failed && state.data ? runError(state.data) : null;
  const counts = {
    created: state.data?.created ?? 0,
    updated: state.data?.updated ?? 0,
    skipped: state.data?.skipped ?? 0,
    rejected: state.data?.rejected ?? 0,
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="md">
        <Title order={2} fz="h4" aria-live="polite" data-testid="import-status">
          {failed ? t('failed') : finished ? t('finished') : t('running')}
        </Title>
        <Progress
          value={ratio * 100}
          size="xl"
          radius="xl"
          animated={!finished}
          color={failed ? 'red' : finished ? 'teal' : 'indigo'}
          aria-label={t('progress')}
          aria-valuenow={Math.round(ratio * 100)}
        />
        <Text size="sm" c="dimmed">
          {fmt.percent(ratio)}
        </Text>
        {state.error ? <ErrorAlert error={state.error} onRetry={() => void state.refetch()} /> : null}
        {failure && <Alert color="red">{failure}</Alert>}
        <SimpleGrid cols={{ base: 2, sm: 4 }}>
          {(['created', 'updated', 'skipped', 'rejected'] as const).map((key) => (
            <Paper key={key} withBorder radius="md" p="sm" data-testid={`import-${key}`}>
              <Text size="xs" c="dimmed">
                {t(key)}
              </Text>
              <Text fz="xl" fw={700} c={key === 'rejected' && counts.rejected > 0 ? 'red.7' : undefined}>
                {fmt.number(counts[key])}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
        {finished && counts.rejected > 0 && (
          <Alert color="orange" variant="light">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">{t('rejectedHint')}</Text>
              <Button
                size="sm"
                color="orange"
                onClick={() => {
                  setDownloadError(null);
                  downloadFile(rejectedCsvPath(importId), 'lignes-rejetees.csv').catch(setDownloadError);
                }}
              >
                {t('downloadRejected')}
              </Button>
            </Stack>
          </Alert>
        )}
        {downloadError ? <ErrorAlert error={downloadError} /> : null}
        {finished && state.data && <ImportReport state={state.data} />}
        {finished && (
          <Group>
            <Button component={Link} to="/people">
              {t('seePeople')}
            </Button>
            <Button variant="default" onClick={onAnother}>
              {t('another')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
