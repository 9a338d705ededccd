// /app/jobs: the background jobs, live while any runs; demo job for those who may start jobs.
import { Button, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { isActive, useJobsQuery, useStartDemoJob } from '../api.ts';
import { jobsMessages } from '../messages.ts';
import { JobItem } from './job-item.tsx';

/** Lists jobs with progress; polls every second while one is queued or running. */
export function JobsPage() {
  const t = useT(jobsMessages);
  const canWrite = useCan('jobs.write');
  const jobs = useJobsQuery();
  const startDemo = useStartDemoJob();
  const polling = jobs.data?._embedded.jobs.some(isActive) ?? false;

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canWrite && (
            <Button leftSection={<Icon name="plus" />} onClick={() => startDemo.mutate(20)} loading={startDemo.isPending}>
              {t('startDemo')}
            </Button>
          )
        }
      />
      <Stack>
        {startDemo.isError && <ErrorAlert error={startDemo.error} />}
        {polling && (
          <Group gap={6} role="status">
            <Text size="xs" c="dimmed">
              {t('polling')}
            </Text>
          </Group>
        )}
        <QueryView
          query={jobs}
          isEmpty={(data) => data._embedded.jobs.length === 0}
          empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
        >
          {(data) => (
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              {data._embedded.jobs.map((job) => (
                <JobItem key={job.id} job={job} />
              ))}
            </SimpleGrid>
          )}
        </QueryView>
      </Stack>
    </>
  );
}
