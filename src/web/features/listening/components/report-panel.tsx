// Response times: mentions, handled, answered, answered within the hour and the median delay, for
// all mentions and by day and night (Paris time), over 7 or 30 days.
import { Card, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
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
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Bucket title={t('reportAll')} b={r.all} />
            <Bucket title={t('reportDay')} b={r.day} />
            <Bucket title={t('reportNight')} b={r.night} />
          </SimpleGrid>
        )}
      </QueryView>
    </Stack>
  );
}
