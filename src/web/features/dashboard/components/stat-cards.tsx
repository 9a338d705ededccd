// The headline figures: people in the base, new this week, and each ladder stage.
import { Paper, SimpleGrid, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { type Dashboard, STAGES } from '../api.ts';
import { dashboardMessages } from '../messages.ts';
import { STAGE_COLORS, type StageNamer } from './stage-bar.tsx';

/** Six cards; every figure carries a data-testid for browser tests (stat-people-total, stat-stage-<stage>). */
export function StatCards({ dashboard, name }: { dashboard: Dashboard; name: StageNamer }) {
  const t = useT(dashboardMessages);
  const fmt = useFormat();
  const total = dashboard.people_total;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
      <StatCard label={t('peopleTotal')} hint={t('peopleTotalHint')} accent="indigo.7">
        <span data-testid="stat-people-total">{fmt.number(total)}</span>
      </StatCard>
      <StatCard label={t('newThisWeek')} hint={t('newThisWeekHint')} accent="grape.6">
        <span data-testid="stat-new-this-week">{fmt.number(dashboard.new_this_week)}</span>
      </StatCard>
      {STAGES.map((s) => {
        const value = dashboard.by_stage[s] ?? 0;
        return (
          <StatCard
            key={s}
            label={name(s)}
            hint={t('shareOfTotal', { percent: fmt.percent(total > 0 ? value / total : 0) })}
            accent={STAGE_COLORS[s]}
          >
            <span data-testid={`stat-stage-${s}`}>{fmt.number(value)}</span>
          </StatCard>
        );
      })}
    </SimpleGrid>
  );
}

/** The listening inbox's week (last 7 days): caught, handled, answered within the hour day and night, median delay. */
export function ListeningWeekCards({ week }: { week: NonNullable<Dashboard['listening_week']> }) {
  const t = useT(dashboardMessages);
  const fmt = useFormat();
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="listening-week">
      <StatCard label={t('mentionsCaught')} hint={t('mentionsCaughtHint')} accent="cyan.7">
        <span data-testid="stat-mentions-caught">{fmt.number(week.mentions)}</span>
      </StatCard>
      <StatCard
        label={t('mentionsHandled')}
        hint={t('shareOfTotal', { percent: fmt.percent(week.mentions > 0 ? week.handled / week.mentions : 0) })}
        accent="teal.7"
      >
        <span data-testid="stat-mentions-handled">{fmt.number(week.handled)}</span>
      </StatCard>
      <StatCard
        label={t('answeredWithinHour')}
        hint={t('answeredWithinHourHint', {
          day: fmt.number(week.answered_within_hour_day),
          night: fmt.number(week.answered_within_hour_night),
        })}
        accent="green.7"
      >
        <span data-testid="stat-answered-within-hour">{fmt.number(week.answered_within_hour)}</span>
      </StatCard>
      <StatCard label={t('medianResponse')} hint={t('medianResponseHint', { answered: fmt.number(week.answered) })} accent="orange.6">
        <span data-testid="stat-median-response">
          {week.median_response_minutes === null ? '—' : t('minutes', { n: fmt.number(week.median_response_minutes) })}
        </span>
      </StatCard>
    </SimpleGrid>
  );
}

function StatCard({ label, hint, accent, children }: { label: string; hint: string; accent: string; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="md" style={{ borderTop: `3px solid var(--mantine-color-${accent.replace('.', '-')})` }}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase" style={{ letterSpacing: '0.03em' }} lineClamp={2}>
        {label}
      </Text>
      <Text fz={{ base: 24, sm: 28 }} fw={700} lh={1.2} mt={4} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Text>
      <Text size="xs" c="dimmed" mt={2} lineClamp={2}>
        {hint}
      </Text>
    </Paper>
  );
}
