// The editable part of the deliverability settings: caps per receiving domain (the defaults and
// each domain's own), what the SPF record authorises and the DMARC policy, and the thresholds of
// the complaint rate and of each send's circuit breaker. Rates are typed as percentages.

import { ActionIcon, Button, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import { SectionHeading } from '../../../ui/section-heading.tsx';
import { SavedNote } from '../../settings/components/saved-note.tsx';
import { type Deliverability, type DeliverabilityFields, useSaveDeliverability } from '../api.ts';
import { deliverabilityMessages } from '../messages.ts';

const DOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$/;
const POLICIES = ['none', 'quarantine', 'reject'] as const;

interface Form {
  default_connections: number | string;
  default_rate_per_minute: number | string;
  domains: { key: number; domain: string; connections: number | string; rate_per_minute: number | string }[];
  spf_includes: string;
  spf_ips: string;
  dmarc_policy: (typeof POLICIES)[number];
  dmarc_report_address: string;
  complaint_alert_pct: number | string;
  complaint_pause_pct: number | string;
  complaint_min_sent: number | string;
  breaker_unsubscribe_pct: number | string;
  breaker_complaint_pct: number | string;
  breaker_min_delivered: number | string;
}

const pct = (ratio: number) => Math.round(ratio * 100_000) / 1000;
const lines = (text: string) =>
  text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);

function formOf(d: Deliverability): Form {
  return {
    default_connections: d.default_connections,
    default_rate_per_minute: d.default_rate_per_minute,
    domains: d.domains.map((x, key) => ({ key, ...x })),
    spf_includes: d.spf_includes.join('\n'),
    spf_ips: d.spf_ips.join('\n'),
    dmarc_policy: d.dmarc_policy,
    dmarc_report_address: d.dmarc_report_address ?? '',
    complaint_alert_pct: pct(d.complaint_alert_rate),
    complaint_pause_pct: pct(d.complaint_pause_rate),
    complaint_min_sent: d.complaint_min_sent,
    breaker_unsubscribe_pct: pct(d.breaker_unsubscribe_rate),
    breaker_complaint_pct: pct(d.breaker_complaint_rate),
    breaker_min_delivered: d.breaker_min_delivered,
  };
}

function inputOf(f: Form): DeliverabilityFields {
  return {
    default_connections: Number(f.default_connections),
    default_rate_per_minute: Number(f.default_rate_per_minute),
    domains: f.domains.map((d) => ({
      domain: d.domain.trim().toLowerCase(),
      connections: Number(d.connections),
      rate_per_minute: Number(d.rate_per_minute),
    })),
    spf_includes: lines(f.spf_includes),
    spf_ips: lines(f.spf_ips),
    dmarc_policy: f.dmarc_policy,
    dmarc_report_address: f.dmarc_report_address.trim() || null,
    complaint_alert_rate: Number(f.complaint_alert_pct) / 100,
    complaint_pause_rate: Number(f.complaint_pause_pct) / 100,
    complaint_min_sent: Number(f.complaint_min_sent),
    breaker_unsubscribe_rate: Number(f.breaker_unsubscribe_pct) / 100,
    breaker_complaint_rate: Number(f.breaker_complaint_pct) / 100,
    breaker_min_delivered: Number(f.breaker_min_delivered),
  };
}

/** The settings form; saved as a whole (the domains listed replace the previous ones). */
export function SettingsForm({ data }: { data: Deliverability }) {
  const t = useT(deliverabilityMessages);
  const { locale } = useLocale();
  const save = useSaveDeliverability();
  const [initial, setInitial] = useState(() => formOf(data));
  const [form, setForm] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [nextKey, setNextKey] = useState(data.domains.length);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);
  const set = (patch: Partial<Form>) => {
    save.reset();
    setForm((f) => ({ ...f, ...patch }));
  };
  const setDomain = (key: number, patch: Partial<Form['domains'][number]>) =>
    set({ domains: form.domains.map((d) => (d.key === key ? { ...d, ...patch } : d)) });
  const decimal = locale === 'fr' ? ',' : '.';

  const names = form.domains.map((d) => d.domain.trim().toLowerCase());
  const domainError = (i: number) =>
    !DOMAIN.test(names[i] ?? '') ? t('domainInvalid') : names.indexOf(names[i] ?? '') !== i ? t('domainTwice') : undefined;
  const alertError = Number(form.complaint_alert_pct) > Number(form.complaint_pause_pct) ? t('alertAbovePause') : undefined;
  const invalid = form.domains.some((_, i) => domainError(i)) || Boolean(alertError);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (invalid) return;
    save.mutate(inputOf(form), {
      onSuccess: (saved) => {
        const next = formOf(saved);
        setInitial(next);
        setForm(next);
        setNextKey(saved.domains.length);
        setTouched(false);
      },
    });
  };

  const percent = (label: string, key: keyof Form, error?: string) => (
    <NumberInput
      label={label}
      value={form[key] as number | string}
      onChange={(v) => set({ [key]: v } as Partial<Form>)}
      min={0.001}
      max={100}
      decimalScale={3}
      decimalSeparator={decimal}
      suffix=" %"
      error={touched && error}
    />
  );
  const count = (label: string, key: keyof Form, max: number) => (
    <NumberInput
      label={label}
      value={form[key] as number | string}
      onChange={(v) => set({ [key]: v } as Partial<Form>)}
      min={1}
      max={max}
      allowDecimal={false}
      thousandSeparator={locale === 'fr' ? '\u202f' : ','}
    />
  );

  return (
    <form onSubmit={submit} noValidate>
      <LeaveGuard dirty={dirty} />
      <Stack gap="lg">
        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="caps-title">
          <Stack gap="sm">
            <SectionHeading id="caps-title" title={t('capsTitle')} hint={t('capsHint')} />
            <Text fw={600} size="sm">
              {t('defaultCaps')}
            </Text>
            <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
              {count(t('connections'), 'default_connections', 100)}
              {count(t('ratePerMinute'), 'default_rate_per_minute', 1_000_000)}
            </SimpleGrid>
            {form.domains.map((d, i) => (
              <Paper key={d.key} withBorder radius="sm" p="xs" data-testid="domain-cap">
                <Group align="flex-start" gap="xs" wrap="wrap">
                  <TextInput
                    label={t('domain')}
                    placeholder={t('domainPlaceholder')}
                    value={d.domain}
                    onChange={(e) => setDomain(d.key, { domain: e.currentTarget.value })}
                    error={touched && domainError(i)}
                    maxLength={253}
                    style={{ flex: '2 1 10rem' }}
                  />
                  <NumberInput
                    label={t('connections')}
                    value={d.connections}
                    onChange={(v) => setDomain(d.key, { connections: v })}
                    min={1}
                    max={100}
                    allowDecimal={false}
                    style={{ flex: '1 1 7rem' }}
                  />
                  <NumberInput
                    label={t('ratePerMinute')}
                    value={d.rate_per_minute}
                    onChange={(v) => setDomain(d.key, { rate_per_minute: v })}
                    min={1}
                    max={1_000_000}
                    allowDecimal={false}
                    style={{ flex: '1 1 7rem' }}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    mt={26}
                    size="lg"
                    aria-label={t('removeDomain', { domain: d.domain || '…' })}
                    onClick={() => set({ domains: form.domains.filter((x) => x.key !== d.key) })}
                  >
                    <Icon name="trash" />
                  </ActionIcon>
                </Group>
              </Paper>
            ))}
            <div>
              <Button
                variant="light"
                leftSection={<Icon name="plus" />}
                onClick={() => {
                  set({ domains: [...form.domains, { key: nextKey, domain: '', connections: 2, rate_per_minute: 600 }] });
                  setNextKey(nextKey + 1);
                }}
              >
                {t('addDomain')}
              </Button>
            </div>
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="spf-title">
          <Stack gap="sm">
            <Title order={2} fz="h4" id="spf-title">
              {t('spfTitle')}
            </Title>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <Textarea
                label={t('spfIncludes')}
                description={t('spfIncludesHint')}
                autosize
                minRows={2}
                value={form.spf_includes}
                onChange={(e) => set({ spf_includes: e.currentTarget.value })}
              />
              <Textarea
                label={t('spfIps')}
                description={t('spfIpsHint')}
                autosize
                minRows={2}
                value={form.spf_ips}
                onChange={(e) => set({ spf_ips: e.currentTarget.value })}
              />
              <Select
                label={t('dmarcPolicy')}
                data={POLICIES.map((p) => ({ value: p, label: t(`dmarc_${p}`) }))}
                value={form.dmarc_policy}
                onChange={(v) => v && set({ dmarc_policy: v as Form['dmarc_policy'] })}
                allowDeselect={false}
              />
              <TextInput
                label={t('dmarcReport')}
                type="email"
                maxLength={254}
                value={form.dmarc_report_address}
                onChange={(e) => set({ dmarc_report_address: e.currentTarget.value })}
              />
            </SimpleGrid>
          </Stack>
        </Paper>

        <Paper withBorder radius="md" p="md" component="section" aria-labelledby="thresholds-title">
          <Stack gap="sm">
            <SectionHeading id="thresholds-title" title={t('thresholdsTitle')} hint={t('thresholdsHint')} />
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {percent(t('complaintAlert'), 'complaint_alert_pct', alertError)}
              {percent(t('complaintPause'), 'complaint_pause_pct')}
              {count(t('complaintMinSent'), 'complaint_min_sent', 10_000_000)}
            </SimpleGrid>
            <Text size="sm" c="dimmed">
              {t('breakerHint')}
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
              {percent(t('breakerUnsubscribe'), 'breaker_unsubscribe_pct')}
              {percent(t('breakerComplaint'), 'breaker_complaint_pct')}
              {count(t('breakerMinDelivered'), 'breaker_min_delivered', 10_000_000)}
            </SimpleGrid>
          </Stack>
        </Paper>

        {touched && invalid && <Text c="red.8">{t('invalid')}</Text>}
        {save.isError && <ErrorAlert error={save.error} />}
        <Group justify="flex-end" gap="sm">
          <SavedNote dirty={dirty} saved={save.isSuccess} />
          <Button type="submit" loading={save.isPending}>
            {t('save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
