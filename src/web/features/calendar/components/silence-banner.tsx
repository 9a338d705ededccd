// The banner that says when the next electoral silence falls (or that one is in force, or that no
// round is recorded), in the round's time zone: shown on the calendar settings and the home screen.
import { Alert, Stack, Text } from '@mantine/core';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import type { Calendar } from '../api.ts';
import { formatDay, formatInstant, roundName, zoneName } from '../format.ts';
import { calendarMessages } from '../messages.ts';

/** The next round's silence; `now` is the clock (a prop for tests and the minute's refresh). */
export function SilenceBanner({ calendar, now = new Date() }: { calendar: Calendar; now?: Date }) {
  const t = useT(calendarMessages);
  const { locale } = useLocale();
  const round = calendar.next_round;
  if (!round) {
    return (
      <Alert color="gray" variant="light" icon={<Icon name="info" />} title={t('bannerTitle')} role="note" data-testid="silence-banner">
        {t('bannerNone')}
      </Alert>
    );
  }
  const inForce = new Date(round.silence_from) <= now;
  const vars = {
    round: roundName(t, round.number),
    date: formatDay(round.date, locale),
    from: formatInstant(round.silence_from, round.time_zone, locale),
    until: formatInstant(round.silence_until, round.time_zone, locale),
  };
  return (
    <Alert
      color={inForce ? 'red' : 'indigo'}
      variant="light"
      icon={<Icon name={inForce ? 'alert' : 'info'} />}
      title={t('bannerTitle')}
      // A note, not an alert: read when reached, not announced over what the person is doing.
      role="note"
      data-testid="silence-banner"
      data-in-force={inForce}
    >
      <Stack gap={4}>
        <Text size="sm">{t(inForce ? 'bannerNow' : 'bannerNext', vars)}</Text>
        <Text size="xs" c="dimmed">
          {t('bannerLaw')} {t('bannerTimes', { zone: zoneName(t, round.time_zone) })}
        </Text>
      </Stack>
    </Alert>
  );
}
