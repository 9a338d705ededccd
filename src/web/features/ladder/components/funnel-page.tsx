// /app/ladder: the funnel — stacked bars of people per stage per week, conversions, per arrondissement.
import { Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { niceTicks } from '../../../ui/nice-ticks.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { STAGES, type Stage } from '../../dashboard/api.ts';
import { StageBar, StageLegend } from '../../dashboard/components/stage-bar.tsx';
import { stageColor, useStageLabel } from '../../people/components/stage.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import { type FunnelReport, type FunnelWeek, useFunnelQuery } from '../api.ts';
import { ladderMessages } from '../messages.ts';

const WEEK_CHOICES = [8, 12, 26, 52];

/** The three views of the report, with a zone filter and a period. */
export function FunnelPage() {
  const t = useT(ladderMessages);
  const [zoneId, setZoneId] = useState<string | null>(null);
  const [weeks, setWeeks] = useState(12);
  const zones = useZonesQuery('arrondissement');
  const funnel = useFunnelQuery(weeks, zoneId);
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Group mb="md" gap="sm" align="flex-end">
        <Select
          label={t('zone')}
          placeholder={t('allZones')}
          clearable
          searchable
          w={240}
          data={(zones.data?._embedded.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
          value={zoneId}
          onChange={setZoneId}
        />
        <Select
          label={t('weeks')}
          w={160}
          allowDeselect={false}
          data={WEEK_CHOICES.map((n) => ({ value: String(n), label: t('weeksN', { count: n }) }))}
          value={String(weeks)}
          onChange={(value) => setWeeks(Number(value ?? 12))}
        />
      </Group>
      <QueryView query={funnel}>{(report) => <Report report={report} zoneId={zoneId} />}</QueryView>
    </>
  );
}

function total(week: FunnelWeek | undefined): number {
  return week ? STAGES.reduce((sum, s) => sum + (week.stages[s] ?? 0), 0) : 0;
}

function Report({ report, zoneId }: { report: FunnelReport; zoneId: string | null }) {
  const t = useT(ladderMessages);
  const stageName = useStageLabel();
  const last = report.weeks[report.weeks.length - 1];
  if (!last || report.weeks.every((w) => total(w) === 0)) {
    return (
      <Paper withBorder radius="md" p="xl">
        <Text c="dimmed" ta="center">
          {t('empty')}
        </Text>
      </Paper>
    );
  }
  const zones = zoneId ? report.zones.filter((z) => z.id === zoneId) : report.zones;
  return (
    <Stack gap="md">
      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="sm">
          <Title order={2} fz="h4">
            {t('chartTitle')}
          </Title>
          <StageLegend name={stageName} />
        </Group>
        <WeeklyBars weeks={report.weeks} />
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Conversions weeks={report.weeks} />
        <ZonesTable zones={zones} />
      </SimpleGrid>
    </Stack>
  );
}

function WeeklyBars({ weeks }: { weeks: FunnelWeek[] }) {
  const t = useT(ladderMessages);
  const label = useStageLabel();
  const fmt = useFormat();
  const phone = useIsPhone();
  const ticks = niceTicks(Math.max(...weeks.map(total), 0));
  // The axis's top is its last round tick, so the bars and the ticks share one scale.
  const max = ticks.at(-1) ?? 1;
  const width = 720;
  const height = 260;
  const left = 52;
  const bottom = 28;
  const plotH = height - bottom - 8;
  const slot = (width - left) / weeks.length;
  const bar = Math.min(44, slot * 0.7);
  const every = phone ? Math.ceil(weeks.length / 4) : Math.ceil(weeks.length / 13);
  const short = (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString(undefined, { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={t('chartLabel', { count: weeks.length })}
      data-testid="funnel-chart"
    >
      {ticks.map((value) => {
        const y = 8 + plotH - (value / max) * plotH;
        return (
          <g key={value}>
            <line x1={left} x2={width} y1={y} y2={y} stroke="var(--mantine-color-gray-3)" strokeDasharray="3 3" />
            <text x={left - 6} y={y + 4} textAnchor="end" fontSize={11} fill="var(--mantine-color-dimmed)">
              {fmt.number(value)}
            </text>
          </g>
        );
      })}
      {weeks.map((week, i) => {
        const x = left + i * slot + (slot - bar) / 2;
        let y = 8 + plotH;
        return (
          <g key={week.start}>
            <title>
              {`${t('weekOf', { date: fmt.date(week.start) })} — ${STAGES.map((s) => `${label(s)} ${fmt.number(week.stages[s])}`).join(', ')}`}
            </title>
            {STAGES.map((stage) => {
              const h = ((week.stages[stage] ?? 0) / max) * plotH;
              y -= h;
              return h > 0 ? (
                <rect key={stage} x={x} y={y} width={bar} height={h} fill={`var(--mantine-color-${stageColor(stage).replace('.', '-')})`} />
              ) : null;
            })}
            {i % every === 0 && (
              <text x={x + bar / 2} y={height - 8} textAnchor="middle" fontSize={11} fill="var(--mantine-color-dimmed)">
                {short(week.start)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function Conversions({ weeks }: { weeks: FunnelWeek[] }) {
  const t = useT(ladderMessages);
  const label = useStageLabel();
  const fmt = useFormat();
  const sums = new Map<string, { from: Stage | null; to: Stage; count: number }>();
  for (const week of weeks) {
    for (const c of week.conversions) {
      const key = `${c.from ?? ''}>${c.to}`;
      const entry = sums.get(key) ?? { from: c.from, to: c.to, count: 0 };
      entry.count += c.count;
      sums.set(key, entry);
    }
  }
  const order = (s: Stage | null) => (s ? STAGES.indexOf(s) : -1);
  const rows = [...sums.values()].sort((a, b) => order(a.from) - order(b.from) || order(a.to) - order(b.to));
  // Of the people who were at the starting stage at some time in the period (those still there at its
  // end, and those who left it: every move out), how many took this step. The stage at the start
  // alone misses everyone who joined during the period (313 % on the demo).
  const last = weeks.at(-1);
  const leftFrom = (from: Stage) => rows.filter((r) => r.from === from).reduce((n, r) => n + r.count, 0);
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('conversionsTitle')}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('noConversions')}
        </Text>
      ) : (
        <Table fz="sm" data-testid="funnel-conversions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colFrom')}</Table.Th>
              <Table.Th>{t('colTo')}</Table.Th>
              <Table.Th ta="right">{t('colMoves')}</Table.Th>
              <Table.Th ta="right" title={t('rateHint')}>
                {t('colRate')}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => {
              const base = row.from && last ? last.stages[row.from] + leftFrom(row.from) : 0;
              return (
                <Table.Tr key={`${row.from}-${row.to}`}>
                  <Table.Td>{row.from ? label(row.from) : t('newEntry')}</Table.Td>
                  <Table.Td>{label(row.to)}</Table.Td>
                  <Table.Td ta="right">{fmt.number(row.count)}</Table.Td>
                  <Table.Td ta="right">{base ? fmt.percent(row.count / base) : '—'}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function ZonesTable({ zones }: { zones: FunnelReport['zones'] }) {
  const t = useT(ladderMessages);
  const stageName = useStageLabel();
  const fmt = useFormat();
  const rows = zones
    .map((zone) => {
      const last = zone.weeks[zone.weeks.length - 1];
      const moves = zone.weeks.reduce((sum, w) => sum + w.conversions.filter((c) => c.from !== null).reduce((s, c) => s + c.count, 0), 0);
      return { zone, last, total: total(last), moves };
    })
    .sort((a, b) => a.zone.code.localeCompare(b.zone.code, undefined, { numeric: true }));
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('zonesTitle')}
      </Title>
      <Table.ScrollContainer minWidth={380} mah={420}>
        <Table fz="sm" stickyHeader data-testid="funnel-zones">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colZone')}</Table.Th>
              <Table.Th ta="right">{t('colTotal')}</Table.Th>
              <Table.Th w="40%" />
              <Table.Th ta="right">{t('colMovesUp')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ zone, last, total: n, moves }) => (
              <Table.Tr key={zone.id} data-testid={`funnel-zone-${zone.code}`}>
                <Table.Td>{zone.name}</Table.Td>
                <Table.Td ta="right">{fmt.number(n)}</Table.Td>
                <Table.Td>{last && <StageBar byStage={last.stages} label={zone.name} size="md" name={stageName} />}</Table.Td>
                <Table.Td ta="right">{fmt.number(moves)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
