// One job: kind, state badge, progress bar (done/total), dates and error.
import { Badge, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { isActive, type Job, type JobState } from '../api.ts';
import { jobKindLabels, jobStepLabels, jobsMessages } from '../messages.ts';

const STATE_COLOR: Record<JobState, string> = { queued: 'gray', running: 'blue', succeeded: 'teal', failed: 'red' };
const STATE_KEY = {
  queued: 'stateQueued',
  running: 'stateRunning',
  succeeded: 'stateSucceeded',
  failed: 'stateFailed',
} as const;

/** Translated name of a job kind ("imports.people" → "Import de personnes"); never the code itself. */
export function useJobKindLabel(): (kind: string) => string {
  const t = useT(jobsMessages);
  const label = useLabel(jobKindLabels);
  return (kind) => label(kind, t('kindOther'));
}

/** A state badge with its translated label. */
export function JobStateBadge({ state }: { state: JobState }) {
  const t = useT(jobsMessages);
  return (
    <Badge color={STATE_COLOR[state] ?? 'gray'} variant="light">
      {STATE_KEY[state] ? t(STATE_KEY[state]) : state}
    </Badge>
  );
}

/** A card for one job; compact mode (dashboard) hides dates. */
export function JobItem({ job, compact = false }: { job: Job; compact?: boolean }) {
  const t = useT(jobsMessages);
  const fmt = useFormat();
  const kindLabel = useJobKindLabel();
  const stepLabel = useLabel(jobStepLabels);
  const ratio = job.total !== null && job.total > 0 ? Math.min(1, job.done / job.total) : job.state === 'succeeded' ? 1 : 0;
  const color = job.state === 'failed' ? 'red' : job.state === 'succeeded' ? 'teal' : 'blue';
  return (
    <Paper withBorder radius="md" p={compact ? 'sm' : 'md'} data-testid={`job-${job.id}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={600} size="sm" truncate>
            {kindLabel(job.kind)}
          </Text>
          <JobStateBadge state={job.state} />
        </Group>
        <Group gap="sm" wrap="nowrap">
          <Progress
            value={ratio * 100}
            color={color}
            striped={isActive(job)}
            animated={job.state === 'running'}
            size="lg"
            radius="xl"
            style={{ flex: 1 }}
            aria-label={t('progressLabel', { kind: kindLabel(job.kind) })}
            aria-valuetext={t('progress', { done: fmt.number(job.done), total: fmt.number(job.total) })}
          />
          <Text size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
            {t('progress', { done: fmt.number(job.done), total: fmt.number(job.total) })}
          </Text>
        </Group>
        {job.message && (
          <Text size="xs" c="dimmed">
            {stepLabel(job.message)}
          </Text>
        )}
        {job.error && (
          <Text size="xs" c="red.8">
            {t('error', { error: job.error })}
          </Text>
        )}
        {!compact && (
          <Group gap="md">
            <Text size="xs" c="dimmed">
              {t('created', { date: fmt.dateTime(job.created_at) })}
            </Text>
            {job.finished_at && (
              <Text size="xs" c="dimmed">
                {t('finished', { date: fmt.dateTime(job.finished_at) })}
              </Text>
            )}
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
