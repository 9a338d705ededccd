// The report's timeline: opens and clicks per hour during the first two days, per day (Paris time)
// when the mailing has been read over a longer span — bars drawn in HTML, so they fit a phone.
import { Box, Group, Stack, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { MailingReport } from '../api.ts';
import { messagingMessages } from '../messages.ts';

const HOUR = 3600_000;
const OPENS = 'var(--mantine-color-indigo-3)';
const CLICKS = 'var(--mantine-color-indigo-8)';
const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

interface Bucket {
  at: Date;
  opens: number;
  clicks: number;
}

/** Hourly buckets (every hour of the span, empty ones too), or daily ones (Paris days) past 48 hours. */
export function timelineBuckets(rows: MailingReport['over_time']): { daily: boolean; buckets: Bucket[] } {
  if (rows.length === 0) return { daily: false, buckets: [] };
  const hours = rows.map((r) => ({ at: new Date(r.hour), opens: r.opens, clicks: r.clicks }));
  const first = hours[0]?.at.getTime() as number;
  const last = hours[hours.length - 1]?.at.getTime() as number;
  const daily = last - first > 48 * HOUR;
  const keyOf = (t: number) => (daily ? parisDay.format(new Date(t)) : String(t));
  const byKey = new Map<string, Bucket>();
  // Every hour from the first to the last, so that quiet hours (and days) show as gaps.
  for (let t = first; t <= last; t += HOUR) {
    const key = keyOf(t);
    if (!byKey.has(key)) byKey.set(key, { at: new Date(t), opens: 0, clicks: 0 });
  }
  for (const h of hours) {
    const bucket = byKey.get(keyOf(h.at.getTime())) as Bucket;
    bucket.opens += h.opens;
    bucket.clicks += h.clicks;
  }
  return { daily, buckets: [...byKey.values()] };
}

function Swatch({ colour, label }: { colour: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={14} h={10} style={{ background: colour, borderRadius: 2 }} />
      <Text size="xs">{label}</Text>
    </Group>
  );
}

export function ReportTimeline({ report }: { report: MailingReport }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const { daily, buckets } = useMemo(() => timelineBuckets(report.over_time), [report.over_time]);
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map((b) => b.opens));
  const label = (b: Bucket) => (daily ? fmt.date(b.at) : fmt.dateTime(b.at));
  const peak = buckets.reduce((a, b) => (b.opens > a.opens ? b : a));
  return (
    <Stack gap="xs" data-testid="report-timeline">
      <Title order={2} size="h4">
        {t(daily ? 'timelineDaily' : 'timelineHourly')}
      </Title>
      <Group gap="md">
        <Swatch colour={OPENS} label={t('figOpens')} />
        <Swatch colour={CLICKS} label={t('figClicks')} />
      </Group>
      <Box
        role="img"
        aria-label={t('timelinePeak', { count: fmt.number(peak.opens), when: label(peak) })}
        style={{ display: 'flex', alignItems: 'flex-end', gap: 2, height: 140, borderBottom: '1px solid var(--mantine-color-gray-4)' }}
      >
        {buckets.map((b) => (
          <Box
            key={b.at.toISOString()}
            title={t('timelineBar', { when: label(b), opens: fmt.number(b.opens), clicks: fmt.number(b.clicks) })}
            style={{ flex: 1, minWidth: 0, height: '100%', position: 'relative' }}
          >
            <Box style={{ position: 'absolute', bottom: 0, width: '100%', height: `${(100 * b.opens) / max}%`, background: OPENS }} />
            <Box
              style={{
                position: 'absolute',
                bottom: 0,
                left: '20%',
                width: '60%',
                height: `${(100 * b.clicks) / max}%`,
                background: CLICKS,
              }}
            />
          </Box>
        ))}
      </Box>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          {label(buckets[0] as Bucket)}
        </Text>
        <Text size="xs" c="dimmed">
          {t('timelinePeak', { count: fmt.number(peak.opens), when: label(peak) })}
        </Text>
        <Text size="xs" c="dimmed">
          {label(buckets[buckets.length - 1] as Bucket)}
        </Text>
      </Group>
    </Stack>
  );
}
