// Scheduling and following a send: the dialog that sends now, at a date or every week (read on the
// mailing's clocks, Paris by default); the line that says when a mailing goes out, its weekly series
// and why the electoral silence holds it; the live progress with pause, resume, cancel, unschedule.
import { Button, Group, Modal, Progress, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { uiMessages } from '../../../ui/messages.ts';
import { useCan } from '../../session/session-context.tsx';
import { type Mailing, type ScheduleInput, useMailingAction, useScheduleMailing, useSendMailing } from '../api.ts';
import { messagingMessages } from '../messages.ts';

const TAGS = { fr: 'fr-FR', en: 'en-GB' } as const;
/** 1 January 2024 was a Monday: day n of the ISO week is that date + n - 1. */
const MONDAY = Date.UTC(2024, 0, 1, 12);

/** The name of an ISO day of the week (1 = Monday) in the locale: « lundi ». */
function weekdayName(weekday: number, locale: 'fr' | 'en'): string {
  return new Intl.DateTimeFormat(TAGS[locale], { weekday: 'long', timeZone: 'UTC' }).format(new Date(MONDAY + (weekday - 1) * 86_400_000));
}

/** An instant as the mailing's clocks read it: « lundi 14 décembre 2026 à 08:00 ». */
function useZonedDateTime() {
  const { locale } = useLocale();
  return (value: string | Date | null | undefined, timeZone: string) => {
    if (!value) return '—';
    const options: Intl.DateTimeFormatOptions = {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    };
    try {
      return new Intl.DateTimeFormat(TAGS[locale], { ...options, timeZone }).format(new Date(value));
    } catch {
      return new Intl.DateTimeFormat(TAGS[locale], { ...options, timeZone: 'Europe/Paris' }).format(new Date(value));
    }
  };
}

type When = 'now' | 'at' | 'weekly';

interface SendDialogProps {
  opened: boolean;
  mailingId: string | null;
  /** Recipients the audience reaches now. */
  count: number;
  /** The mailing has an A/B test: the dialog says its share goes first. */
  abTest?: boolean;
  onClose: () => void;
  onDone: (mailing: Mailing) => void;
}

/** Sends the saved mailing now, or schedules it once or every week; asks before anything leaves. */
export function SendDialog({ opened, mailingId, count, abTest, onClose, onDone }: SendDialogProps) {
  const t = useT(messagingMessages);
  const ui = useT(uiMessages);
  const { locale } = useLocale();
  const send = useSendMailing();
  const schedule = useScheduleMailing();
  const [when, setWhen] = useState<When>('now');
  const [date, setDate] = useState('');
  const [time, setTime] = useState('08:00');
  const [weekday, setWeekday] = useState('1');
  const pending = send.isPending || schedule.isPending;
  const error = when === 'now' ? send.error : schedule.error;
  const ready = when === 'now' || (/^\d{2}:\d{2}$/.test(time) && (when === 'weekly' || /^\d{4}-\d{2}-\d{2}$/.test(date)));

  const confirm = () => {
    if (!mailingId) return;
    if (when === 'now') {
      send.mutate(mailingId, { onSuccess: onDone });
      return;
    }
    const input: ScheduleInput =
      when === 'at' ? { scheduled_start_local: `${date}T${time}` } : { recurrence: { weekday: Number(weekday), time } };
    schedule.mutate({ id: mailingId, input }, { onSuccess: onDone });
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('confirmTitle')} centered>
      <Stack>
        <Text size="sm">
          {t('confirmBody', { count })}
          {abTest ? ` ${t('confirmAbTest')}` : null}
        </Text>
        <Stack gap={6}>
          <Text size="sm" fw={500} id="send-when-label">
            {t('whenTitle')}
          </Text>
          <SegmentedControl
            aria-labelledby="send-when-label"
            fullWidth
            value={when}
            onChange={(v) => setWhen(v as When)}
            data={[
              { value: 'now', label: t('whenNow') },
              { value: 'at', label: t('whenAt') },
              { value: 'weekly', label: t('whenWeekly') },
            ]}
          />
        </Stack>
        {when === 'at' ? (
          <Group grow align="flex-start">
            <TextInput type="date" label={t('whenDate')} value={date} onChange={(e) => setDate(e.currentTarget.value)} required />
            <TextInput type="time" label={t('whenTime')} value={time} onChange={(e) => setTime(e.currentTarget.value)} required />
          </Group>
        ) : null}
        {when === 'weekly' ? (
          <Group grow align="flex-start">
            <Select
              label={t('whenWeekday')}
              value={weekday}
              onChange={(v) => setWeekday(v ?? '1')}
              allowDeselect={false}
              data={[1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), label: weekdayName(d, locale) }))}
            />
            <TextInput type="time" label={t('whenTime')} value={time} onChange={(e) => setTime(e.currentTarget.value)} required />
          </Group>
        ) : null}
        {when !== 'now' ? (
          <Text size="xs" c="dimmed">
            {t('whenZone')} {when === 'weekly' ? t('whenWeeklyHint') : ''}
          </Text>
        ) : null}
        {error ? <ErrorAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {ui('cancel')}
          </Button>
          <Button onClick={confirm} loading={pending} disabled={!ready} leftSection={<Icon name="mail" />}>
            {when === 'now' ? t('send') : t('scheduleConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** When the mailing goes out (its time, its weekly series and next occurrence) and why it is held, if it is. */
export function ScheduleLine({ mailing }: { mailing: Mailing }) {
  const t = useT(messagingMessages);
  const { locale } = useLocale();
  const at = useZonedDateTime();
  const parts: string[] = [];
  if (mailing.recurrence && mailing.status === 'scheduled') {
    parts.push(t('everyWeek', { weekday: weekdayName(mailing.recurrence.weekday, locale), time: mailing.recurrence.time }));
    parts.push(t('nextOn', { date: at(mailing.scheduled_start_date, mailing.time_zone) }));
  } else if (mailing.status === 'scheduled' && mailing.scheduled_start_date) {
    parts.push(t('scheduledFor', { date: at(mailing.scheduled_start_date, mailing.time_zone) }));
  }
  if (mailing.series_id) parts.push(t('seriesOccurrence'));
  return (
    <Stack gap={2}>
      {parts.length > 0 ? (
        <Text size="sm" c="dimmed" data-testid="schedule-line">
          {parts.join(' · ')}
        </Text>
      ) : null}
      {mailing.held_until ? (
        <Text size="sm" c="orange.8" data-testid="held-line">
          {t('heldUntil', { date: at(mailing.held_until, mailing.time_zone) })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** Sent of targeted as a bar (while sending or paused), and the buttons the mailing's state allows. */
export function MailingControls({ mailing }: { mailing: Mailing }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const canSend = useCan('messaging.send');
  const action = useMailingAction();
  const [cancelling, setCancelling] = useState(false);
  const done = mailing.statistics.sent + mailing.statistics.failed + mailing.statistics.skipped;
  const live = mailing.status === 'sending' || mailing.status === 'paused';
  const run = (a: 'pause' | 'resume' | 'cancel' | 'unschedule') => action.mutate({ id: mailing.id, action: a });
  const label = mailing.name || t('untitled');
  return (
    <Stack gap={6}>
      {live && mailing.total_targeted > 0 ? (
        <Progress
          value={(100 * done) / mailing.total_targeted}
          color={mailing.status === 'paused' ? 'yellow' : 'orange'}
          aria-label={t('progress')}
          style={{ width: '100%', minWidth: 120 }}
          striped={mailing.status === 'sending'}
          animated={mailing.status === 'sending'}
        />
      ) : null}
      {canSend ? (
        <Group gap="xs" aria-label={t('actionsOf', { name: label })} role="group">
          {mailing.status === 'sending' ? (
            <Button size="xs" variant="light" color="yellow" onClick={() => run('pause')} loading={action.isPending}>
              {t('pause')}
            </Button>
          ) : null}
          {mailing.status === 'paused' ? (
            <Button size="xs" variant="light" onClick={() => run('resume')} loading={action.isPending}>
              {t('resume')}
            </Button>
          ) : null}
          {mailing.status === 'scheduled' ? (
            <Button size="xs" variant="default" onClick={() => run('unschedule')} loading={action.isPending}>
              {t('unschedule')}
            </Button>
          ) : null}
          {['scheduled', 'sending', 'paused'].includes(mailing.status) ? (
            <Button size="xs" variant="light" color="red" onClick={() => setCancelling(true)}>
              {t('cancelSend')}
            </Button>
          ) : null}
        </Group>
      ) : null}
      {live ? (
        <Text size="xs" c="dimmed">
          {t('sendingNow', { sent: fmt.number(mailing.statistics.sent), total: fmt.number(mailing.total_targeted) })}
        </Text>
      ) : null}
      {action.error && !cancelling ? <ErrorAlert error={action.error} /> : null}
      <ConfirmModal
        opened={cancelling}
        title={t('cancelTitle')}
        confirmLabel={t('cancelSend')}
        onClose={() => setCancelling(false)}
        onConfirm={() => action.mutate({ id: mailing.id, action: 'cancel' }, { onSuccess: () => setCancelling(false) })}
        loading={action.isPending}
        error={action.error}
      >
        {t('cancelBody')}
      </ConfirmModal>
    </Stack>
  );
}
