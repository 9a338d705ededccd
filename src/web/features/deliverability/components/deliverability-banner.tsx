// The complaint-rate banner of the messaging screens: an alert past the first threshold, "sending
// paused" past the second, with the resume button for those allowed to press it.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { useCan } from '../../session/session-context.tsx';
import { useComplaintStateQuery, useResumeSending } from '../api.ts';
import { deliverabilityMessages } from '../messages.ts';

/** Nothing while the complaint rate is under its alert threshold. */
export function DeliverabilityBanner() {
  const t = useT(deliverabilityMessages);
  const fmt = useFormat();
  const canRead = useCan('messaging.read');
  const canResume = useCan('messaging.deliverability');
  const state = useComplaintStateQuery(canRead);
  const resume = useResumeSending();
  const s = state.data;
  if (!s || (!s.alert && !s.paused_at)) return null;
  const pct = (ratio: number) => fmt.number(ratio, { style: 'percent', maximumFractionDigits: 2 });
  const vars = { rate: pct(s.rate), complaints: fmt.number(s.complaints), sent: fmt.number(s.sent), pause: pct(s.pause_rate) };
  if (s.paused_at) {
    return (
      <Alert
        color="red"
        variant="light"
        icon={<Icon name="alert" />}
        title={t('bannerPausedTitle')}
        mb="md"
        data-testid="deliverability-banner"
      >
        <Stack gap="xs">
          <Text size="sm">{t('bannerPaused', { ...vars, rate: pct(s.paused_rate ?? s.rate), date: fmt.dateTime(s.paused_at) })}</Text>
          <Text size="sm">{t('rateNow', vars)}</Text>
          {resume.isError && <ErrorAlert error={resume.error} />}
          {canResume ? (
            <div>
              <Button color="red" variant="filled" loading={resume.isPending} onClick={() => resume.mutate()}>
                {t('resume')}
              </Button>
            </div>
          ) : (
            <Text size="sm" c="dimmed">
              {t('bannerPausedNoRight')}
            </Text>
          )}
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert
      color="orange"
      variant="light"
      icon={<Icon name="alert" />}
      title={t('bannerAlertTitle')}
      mb="md"
      data-testid="deliverability-banner"
    >
      <Text size="sm">{t('bannerAlert', vars)}</Text>
    </Alert>
  );
}
