// Response times: mentions, handled, answered, answered within the hour and the median delay, for
// all mentions and by day and night (Paris time), over 7 or 30 days; then the same per week.
import { Card, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { QueryView } from '../../../ui/query-view.tsx';
import { type Report, useReport } from '../api.ts';
import { listeningMessages } from '../messages.ts';

function Bucket({ title, b }: { title: string; b: Report['all'] }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const rows: [string, string][] = [
    [t('reportMentions'), f.number(b.mentions)],
    [t('reportHandled'), f.number(b.handled)],
    [t('reportAnswered'), f.number(b.answered)],
    [
      t('reportWithinHour'),
      b.answered > 0 ? `${f.number(b.answered_within_hour)} (${f.percent(b.answered_within_hour / b.answered)})` : t('none'),
    ],
    [t('reportMedian'), b.median_response_minutes === null ? t('none') : t('minutes', { n: f.number(b.median_response_minutes) })],
  ];
  return (
    <Card withBorder padding="md">
      <Title order={2} fz="h5" mb="xs">
        {title}
      </Title>
      {rows.map(([label, value]) => (
        <Text key={label} size="sm">
          {label} : <b>{value}</b>
        </Text>
      ))}
    </Card>
  );
}

/** The weekly figures: caught, handled, answered within the hour by day and by night, median delay. */
function Weeks({ weeks }: { weeks: Report['by_week'] }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const within = (b: Report['all']) => (b.answered > 0 ? `${f.number(b.answered_within_hour)} / ${f.number(b.answered)}` : t('none'));
  return (
    <Card withBorder padding="md">
      <Title order={2} fz="h5" mb="xs">
        {t('reportWeeks')}
      </Title>
      {weeks.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('reportNoWeek')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reportWeekOf')}</Table.Th>
                <Table.Th ta="right">{t('reportMentions')}</Table.Th>
                <Table.Th ta="right">{t('reportHandled')}</Table.Th>
                <Table.Th ta="right">{t('reportWithinHourDay')}</Table.Th>
                <Table.Th ta="right">{t('reportWithinHourNight')}</Table.Th>
                <Table.Th ta="right">{t('reportMedian')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {weeks.map((w) => (
                <Table.Tr key={w.week}>
                  <Table.Td>{f.date(`${w.week}T12:00:00`)}</Table.Td>
                  <Table.Td ta="right">{f.number(w.mentions)}</Table.Td>
                  <Table.Td ta="right">{f.number(w.handled)}</Table.Td>
                  <Table.Td ta="right">{within(w.day)}</Table.Td>
                  <Table.Td ta="right">{within(w.night)}</Table.Td>
                  <Table.Td ta="right">
                    {w.median_response_minutes === null ? t('none') : t('minutes', { n: f.number(w.median_response_minutes) })}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

export function ReportPanel() {
  const t = useT(listeningMessages);
  const [days, setDays] = useState('7');
  const report = useReport(Number(days));
  return (
    <Stack>
      <SegmentedControl
        w="fit-content"
        value={days}
        onChange={setDays}
        data={['7', '30'].map((d) => ({ value: d, label: t('reportDays', { days: d }) }))}
      />
      <QueryView query={report}>
        {(r) => (
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <Bucket title={t('reportAll')} b={r.all} />
              <Bucket title={t('reportDay')} b={r.day} />
              <Bucket title={t('reportNight')} b={r.night} />
            </SimpleGrid>
            <Weeks weeks={r.by_week} />
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
