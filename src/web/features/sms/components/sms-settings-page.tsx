// /app/sms/settings: the campaign's sender, the name and STOP number every message carries, the
// sending hours (days off included) and the price of one SMS.
import { Alert, Anchor, Checkbox, Group, NumberInput, Paper, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useSaveSmsSettings, useSmsSettingsQuery } from '../api.ts';
import { smsMessages } from '../messages.ts';
import { useSmsErrorOverrides } from './sms-page.tsx';

type Form = {
  sender: string;
  sender_name: string;
  stop_number: string;
  hours_start: string;
  hours_end: string;
  time_zone: string;
  block_sundays: boolean;
  block_holidays: boolean;
  segment_price: number;
};

export function SmsSettingsPage() {
  const t = useT(smsMessages);
  const navigate = useNavigate();
  const settings = useSmsSettingsQuery();
  const save = useSaveSmsSettings();
  const overrides = useSmsErrorOverrides();
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    const s = settings.data;
    if (s && !form)
      setForm({
        sender: s.sender ?? '',
        sender_name: s.sender_name,
        stop_number: s.stop_number ?? '',
        hours_start: s.hours_start,
        hours_end: s.hours_end,
        time_zone: s.time_zone,
        block_sundays: s.block_sundays,
        block_holidays: s.block_holidays,
        segment_price: s.segment_price,
      });
  }, [settings.data, form]);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  return (
    <>
      <PageHeader
        title={t('settingsTitle')}
        description={t('settingsDescription')}
        actions={
          <Anchor component={Link} to="/sms" size="sm">
            {t('back')}
          </Anchor>
        }
      />
      <QueryView query={settings}>
        {() =>
          form ? (
            <Paper withBorder radius="md" p="lg" maw={720}>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  save.mutate({ ...form, sender: form.sender.trim() || null, stop_number: form.stop_number.trim() || null });
                }}
              >
                <Stack>
                  <TextInput
                    label={t('sender')}
                    description={t('senderHint')}
                    value={form.sender}
                    maxLength={20}
                    onChange={(e) => set('sender', e.currentTarget.value)}
                  />
                  <TextInput
                    label={t('senderName')}
                    description={t('senderNameHint')}
                    value={form.sender_name}
                    required
                    maxLength={60}
                    onChange={(e) => set('sender_name', e.currentTarget.value)}
                  />
                  <TextInput
                    label={t('stopNumber')}
                    description={t('stopNumberHint')}
                    value={form.stop_number}
                    maxLength={6}
                    inputMode="numeric"
                    onChange={(e) => set('stop_number', e.currentTarget.value)}
                  />
                  <SimpleGrid cols={{ base: 1, sm: 3 }}>
                    <TextInput
                      label={t('hoursStart')}
                      placeholder="08:00"
                      maxLength={5}
                      value={form.hours_start}
                      onChange={(e) => set('hours_start', e.currentTarget.value)}
                    />
                    <TextInput
                      label={t('hoursEnd')}
                      placeholder="21:30"
                      maxLength={5}
                      value={form.hours_end}
                      onChange={(e) => set('hours_end', e.currentTarget.value)}
                    />
                    <TextInput
                      label={t('timeZone')}
                      value={form.time_zone}
                      maxLength={60}
                      onChange={(e) => set('time_zone', e.currentTarget.value)}
                    />
                  </SimpleGrid>
                  <Group>
                    <Checkbox
                      label={t('blockSundays')}
                      checked={form.block_sundays}
                      onChange={(e) => set('block_sundays', e.currentTarget.checked)}
                    />
                    <Checkbox
                      label={t('blockHolidays')}
                      checked={form.block_holidays}
                      onChange={(e) => set('block_holidays', e.currentTarget.checked)}
                    />
                  </Group>
                  <NumberInput
                    label={t('segmentPrice')}
                    value={form.segment_price}
                    min={0}
                    max={10}
                    step={0.005}
                    decimalScale={4}
                    decimalSeparator=","
                    onChange={(value) => set('segment_price', typeof value === 'number' ? value : Number(value) || 0)}
                  />
                  {save.error ? <ErrorAlert error={save.error} overrides={overrides} /> : null}
                  {save.isSuccess ? (
                    <Alert color="teal" variant="light" icon={<Icon name="check" />}>
                      {t('saved')}
                    </Alert>
                  ) : null}
                  <FormActions onCancel={() => navigate('/sms')} pending={save.isPending} />
                </Stack>
              </form>
            </Paper>
          ) : null
        }
      </QueryView>
    </>
  );
}
