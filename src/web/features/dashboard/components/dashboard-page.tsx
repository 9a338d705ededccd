// /app: the campaign's real figures — people, ladder, arrondissements, recent jobs.
import { Alert, Anchor, Badge, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { NextRoundNotice } from '../../calendar/components/next-round-notice.tsx';
import { JobItem } from '../../jobs/components/job-item.tsx';
import { useStageNames } from '../../people/components/stage.tsx';
import { useCan, useSession } from '../../session/session-context.tsx';
import { type Dashboard, STAGES, useDashboardQuery } from '../api.ts';
import { dashboardMessages } from '../messages.ts';
import { StageBar, StageLegend } from './stage-bar.tsx';
import { ListeningWeekCards, StatCards } from './stat-cards.tsx';
import { ZonesTable } from './zones-table.tsx';

/** Whole days from today to an ISO date (negative once past). */
export function daysUntil(isoDate: string, now = new Date()): number {
  const target = new Date(`${isoDate.slice(0, 10)}T00:00:00`);
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((target.getTime() - today.getTime()) / 86_400_000);
}

/** The home screen; roles without dashboard.read get a short welcome instead. */
export function DashboardPage() {
  const t = useT(dashboardMessages);
  const fmt = useFormat();
  const session = useSession();
  const canRead = useCan('dashboard.read');
  const dashboard = useDashboardQuery(canRead);
  const campaign = session.campaign;
  const days = campaign?.election_date ? daysUntil(campaign.election_date) : null;

  const description = campaign && (
    <Group gap="xs" component="span">
      <span>
        {[campaign.city, campaign.election_date && t('electionOn', { date: fmt.date(campaign.election_date) })].filter(Boolean).join(' · ')}
      </span>
      {days !== null && days >= 0 && (
        <Badge variant="light" color="indigo" component="span">
          {t('daysLeft', { days: fmt.number(days) })}
        </Badge>
      )}
    </Group>
  );

  return (
    <>
      <PageHeader title={campaign?.name ?? t('title')} description={description} />
      <NextRoundNotice />
      {canRead ? (
        <QueryView query={dashboard}>{(data) => <DashboardBody data={data} />}</QueryView>
      ) : (
        <Paper withBorder radius="md" p="xl">
          <Title order={2} fz="h4">
            {t('welcomeTitle')}
          </Title>
          <Text c="dimmed" mt="xs">
            {t('welcomeText')}
          </Text>
        </Paper>
      )}
    </>
  );
}

function DashboardBody({ data }: { data: Dashboard }) {
  const t = useT(dashboardMessages);
  const stageName = useStageNames(data.stages);
  const fmt = useFormat();
  const session = useSession();
  const canJobs = useCan('jobs.read');
  const canZones = useCan('zones.read');
  const scopeZones = session.zones.map((z) => z.name);

  return (
    <Stack gap="lg">
      {data.scope === 'zones' && (
        <Alert color="indigo" variant="light" icon={<Icon name="info" />} data-testid="scope-note">
          <Text size="sm" fw={600}>
            {t('scopeNote', { zones: scopeZones.length ? fmt.list(scopeZones) : data.zones.map((z) => z.name).join(', ') })}
          </Text>
          <Text size="xs" c="dimmed">
            {t('scopeHint')}
          </Text>
        </Alert>
      )}
      <StatCards dashboard={data} name={stageName} />
      {data.listening_week && <ListeningWeekCards week={data.listening_week} />}
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <Group justify="space-between" gap="xs">
            <Title order={2} fz="h4">
              {t('ladderTitle')}
            </Title>
            <Text size="xs" c="dimmed">
              {STAGES.map(stageName).join(' → ')}
            </Text>
          </Group>
          {data.people_total > 0 ? (
            <StageBar byStage={data.by_stage} label={t('ladderTitle')} size="xl" name={stageName} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('emptyBase')}
            </Text>
          )}
          <StageLegend name={stageName} />
        </Stack>
      </Paper>
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <ZonesTable zones={data.zones} name={stageName} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="md">
              <Group justify="space-between" mb="sm">
                <Title order={2} fz="h4">
                  {t('jobsTitle')}
                </Title>
                {canJobs && (
                  <Anchor component={Link} to="/jobs" size="sm">
                    {t('jobsAll')}
                  </Anchor>
                )}
              </Group>
              {data.recent_jobs.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('jobsEmpty')}
                </Text>
              ) : (
                <Stack gap="xs">
                  {data.recent_jobs.slice(0, 5).map((job) => (
                    <JobItem key={job.id} job={job} compact />
                  ))}
                </Stack>
              )}
            </Paper>
            <Paper withBorder radius="md" p="md">
              <Group justify="space-between" mb="sm">
                <Title order={2} fz="h4">
                  {t('layersTitle')}
                </Title>
                {canZones && (
                  <Anchor component={Link} to="/territory" size="sm">
                    {t('territoryLink')}
                  </Anchor>
                )}
              </Group>
              {data.layers.length === 0 ? (
                <Text size="sm" c="dimmed">
                  {t('layersEmpty')}
                </Text>
              ) : (
                <Stack gap={6}>
                  {data.layers.map((layer) => (
                    <Group key={layer.code} justify="space-between" wrap="nowrap">
                      <Text size="sm">{layer.name}</Text>
                      <Text size="sm" c="dimmed" style={{ fontVariantNumeric: 'tabular-nums' }}>
                        {t('zonesCount', { count: layer.zones_count })}
                      </Text>
                    </Group>
                  ))}
                </Stack>
              )}
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
