// Add or edit a round: the day of the vote, when the polls close (20:00 by default) and the time
// zone they are read in (Paris by default); the server's refusals (a day taken, a silence that would
// overlap another round's) said in words.
import { Modal, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type Round, useAddRound, useUpdateRound } from '../api.ts';
import { formatDay, TIME_ZONES, zoneName } from '../format.ts';
import { calendarMessages } from '../messages.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Mounted while open (key=round id when editing), so it starts from the round. */
export function RoundModal({ round, onClose }: { round: Round | null; onClose: () => void }) {
  const t = useT(calendarMessages);
  const { locale } = useLocale();
  const add = useAddRound();
  const update = useUpdateRound();
  const mutation = round ? update : add;
  const [date, setDate] = useState(round?.date ?? '');
  const [pollsClose, setPollsClose] = useState(round?.polls_close ?? '20:00');
  const [timeZone, setTimeZone] = useState<string>(round?.time_zone ?? 'Europe/Paris');
  const [touched, setTouched] = useState(false);
  const dateError = DAY.test(date) ? undefined : t('roundDateRequired');
  const closeError = TIME.test(pollsClose) ? undefined : t('pollsCloseRequired');
  const zones = (TIME_ZONES as readonly string[]).includes(timeZone) ? TIME_ZONES : [...TIME_ZONES, timeZone];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (dateError || closeError) return;
    const input = { date, polls_close: pollsClose, time_zone: timeZone };
    if (round) update.mutate({ id: round.id, ...input }, { onSuccess: onClose });
    else add.mutate(input, { onSuccess: onClose });
  };

  const overrides = {
    CALENDAR_ROUND_DUPLICATE: t('errorDuplicate', { date: DAY.test(date) ? formatDay(date, locale) : date }),
    CALENDAR_ROUND_OVERLAP: t('errorOverlap'),
    CALENDAR_DATE_INVALID: t('errorDate'),
    CALENDAR_TIME_INVALID: t('pollsCloseRequired'),
    CALENDAR_TIME_ZONE_UNKNOWN: t('errorZone'),
    CALENDAR_TOO_MANY_ROUNDS: t('errorTooMany'),
    CALENDAR_ELECTION_MISSING: t('roundsNeedElection'),
  };

  return (
    <Modal opened onClose={onClose} title={t(round ? 'editRound' : 'addRound')} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && <ErrorAlert error={mutation.error} overrides={overrides} />}
          <TextInput
            label={t('roundDate')}
            type="date"
            required
            value={date}
            onChange={(e) => setDate(e.currentTarget.value)}
            error={touched && dateError}
            // The day in words, its weekday first: rounds fall on Sundays.
            description={dateError ? undefined : formatDay(date, locale)}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data-autofocus
          />
          <TextInput
            label={t('pollsClose')}
            description={t('pollsCloseHint')}
            // Text, not the browser's time picker: that one shows "08:00 PM" to some French readers.
            inputMode="numeric"
            placeholder="20:00"
            maxLength={5}
            required
            value={pollsClose}
            onChange={(e) => setPollsClose(e.currentTarget.value)}
            error={touched && closeError}
          />
          <Select
            label={t('timeZone')}
            data={zones.map((zone) => ({ value: zone, label: zoneName(t, zone) }))}
            value={timeZone}
            onChange={(value) => value && setTimeZone(value)}
            allowDeselect={false}
            comboboxProps={{ withinPortal: true }}
          />
          <FormActions onCancel={onClose} pending={mutation.isPending} submitLabel={round ? t('save') : t('add')} />
        </Stack>
      </form>
    </Modal>
  );
}
