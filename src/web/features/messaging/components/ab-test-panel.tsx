// The A/B set-up of the composer: variants B to E (subject, sender name, preheader; what is left
// empty is variant A's), the test share as a percentage or a count, the winning metric, the wait in
// minutes or hours, and what happens without a sure winner (a named variant, or wait longer up to
// a maximum). Saved on its own (PUT /messages/:id/ab_test) once the draft exists.
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { type AbTest, type AbTestInput, useAbTestQuery, useDeleteAbTest, useSaveAbTest } from '../api.ts';
import { messagingMessages } from '../messages.ts';

type ExtraKey = 'B' | 'C' | 'D' | 'E';
const EXTRA: ExtraKey[] = ['B', 'C', 'D', 'E'];
type Unit = 'minutes' | 'hours';

interface VariantForm {
  variant: ExtraKey;
  subject: string;
  from: string;
  preheader: string;
}

interface Form {
  variants: VariantForm[];
  shareKind: 'percent' | 'count';
  share: number;
  metric: AbTestInput['metric'];
  wait: number;
  waitUnit: Unit;
  fallback: AbTestInput['fallback'];
  fallbackVariant: 'A' | ExtraKey;
  maxWait: number;
  maxWaitUnit: Unit;
}

/** Minutes as the form shows them: whole hours in hours, anything else in minutes. */
function durationOf(minutes: number): { value: number; unit: Unit } {
  return minutes % 60 === 0 ? { value: minutes / 60, unit: 'hours' } : { value: minutes, unit: 'minutes' };
}
const minutesOf = (value: number, unit: Unit) => Math.round(unit === 'hours' ? value * 60 : value);

function formOf(test: AbTest | null): Form {
  if (!test) {
    return {
      variants: [{ variant: 'B', subject: '', from: '', preheader: '' }],
      shareKind: 'percent',
      share: 20,
      metric: 'opens',
      wait: 4,
      waitUnit: 'hours',
      fallback: 'variant',
      fallbackVariant: 'A',
      maxWait: 24,
      maxWaitUnit: 'hours',
    };
  }
  const a = test.variants.find((v) => v.variant === 'A');
  const wait = durationOf(test.wait_minutes);
  const maxWait = durationOf(test.max_wait_minutes ?? test.wait_minutes * 6);
  return {
    variants: test.variants
      .filter((v): v is typeof v & { variant: ExtraKey } => v.variant !== 'A')
      .map((v) => ({
        variant: v.variant,
        // Shown empty where the variant takes A's value.
        subject: v.subject === a?.subject ? '' : v.subject,
        from: v.from === a?.from ? '' : v.from,
        preheader: v.preheader === a?.preheader ? '' : v.preheader,
      })),
    shareKind: test.share_count !== null ? 'count' : 'percent',
    share: test.share_count ?? test.share_percent ?? 20,
    metric: test.metric,
    wait: wait.value,
    waitUnit: wait.unit,
    fallback: test.fallback,
    fallbackVariant: test.fallback_variant,
    maxWait: maxWait.value,
    maxWaitUnit: maxWait.unit,
  };
}

function bodyOf(f: Form): AbTestInput {
  return {
    variants: f.variants.map((v) => ({
      variant: v.variant,
      subject: v.subject.trim() || null,
      from: v.from.trim() || null,
      preheader: v.preheader.trim() || null,
    })),
    ...(f.shareKind === 'percent' ? { share_percent: f.share } : { share_count: Math.round(f.share) }),
    metric: f.metric,
    wait_minutes: minutesOf(f.wait, f.waitUnit),
    fallback: f.fallback,
    fallback_variant: f.fallbackVariant,
    max_wait_minutes: f.fallback === 'wait' ? minutesOf(f.maxWait, f.maxWaitUnit) : null,
  };
}

/** The A/B set-up of a saved draft (or the note that the draft must be saved first). */
export function AbTestPanel({ mailingId }: { mailingId: string | null }) {
  const t = useT(messagingMessages);
  const query = useAbTestQuery(mailingId);
  return (
    <Paper withBorder radius="md" p="sm" data-testid="ab-test-setup">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('abTitle')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('abHint')}
        </Text>
        {!mailingId ? (
          <Text size="sm" c="dimmed">
            {t('abSaveFirst')}
          </Text>
        ) : query.isError ? (
          <ErrorAlert error={query.error} />
        ) : query.data === undefined ? null : (
          <AbTestForm mailingId={mailingId} saved={query.data} />
        )}
      </Stack>
    </Paper>
  );
}

function AbTestForm({ mailingId, saved }: { mailingId: string; saved: AbTest | null }) {
  const t = useT(messagingMessages);
  const [enabled, setEnabled] = useState(saved !== null);
  const [form, setForm] = useState<Form>(() => formOf(saved));
  const [notice, setNotice] = useState(false);
  const save = useSaveAbTest(mailingId);
  const remove = useDeleteAbTest(mailingId);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setNotice(false);
    setForm((f) => ({ ...f, [key]: value }));
  };
  const setVariant = (i: number, patch: Partial<VariantForm>) =>
    set(
      'variants',
      form.variants.map((v, j) => (j === i ? { ...v, ...patch } : v)),
    );
  const nextKey = EXTRA.find((k) => !form.variants.some((v) => v.variant === k));
  const variantChoices = ['A', ...form.variants.map((v) => v.variant)].map((v) => ({ value: v, label: t('abVariant', { v }) }));
  const units = [
    { value: 'minutes', label: t('unit_minutes') },
    { value: 'hours', label: t('unit_hours') },
  ];

  const onToggle = (on: boolean) => {
    setEnabled(on);
    setNotice(false);
    if (!on && saved) remove.mutate();
  };

  if (!enabled) return <Switch label={t('abEnable')} checked={false} onChange={(e) => onToggle(e.currentTarget.checked)} />;

  return (
    <Stack gap="sm">
      <Switch label={t('abEnable')} checked onChange={(e) => onToggle(e.currentTarget.checked)} />
      <Text size="sm">{t('abVariantA')}</Text>
      {form.variants.map((v, i) => (
        <Paper key={v.variant} withBorder radius="sm" p="xs" data-testid={`ab-variant-${v.variant}`}>
          <Stack gap={6}>
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm" fw={600}>
                {t('abVariant', { v: v.variant })}
              </Text>
              {form.variants.length > 1 ? (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('abRemoveVariant', { v: v.variant })}
                  onClick={() =>
                    set(
                      'variants',
                      form.variants.filter((_, j) => j !== i),
                    )
                  }
                >
                  <Icon name="trash" />
                </ActionIcon>
              ) : null}
            </Group>
            <Text size="xs" c="dimmed">
              {t('abVariantHint')}
            </Text>
            <TextInput
              label={t('subject')}
              value={v.subject}
              maxLength={300}
              onChange={(e) => setVariant(i, { subject: e.currentTarget.value })}
            />
            <TextInput label={t('from')} value={v.from} maxLength={100} onChange={(e) => setVariant(i, { from: e.currentTarget.value })} />
            <TextInput
              label={t('preheader')}
              value={v.preheader}
              maxLength={300}
              onChange={(e) => setVariant(i, { preheader: e.currentTarget.value })}
            />
          </Stack>
        </Paper>
      ))}
      {nextKey ? (
        <Group>
          <Button
            size="xs"
            variant="light"
            onClick={() => set('variants', [...form.variants, { variant: nextKey, subject: '', from: '', preheader: '' }])}
          >
            {t('abAddVariant')}
          </Button>
        </Group>
      ) : null}
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('abShare')}
        </Text>
        <SegmentedControl
          size="xs"
          value={form.shareKind}
          onChange={(v) => set('shareKind', v as Form['shareKind'])}
          data={[
            { value: 'percent', label: t('abSharePercent') },
            { value: 'count', label: t('abShareCount') },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
        <NumberInput
          label={t('abShareValue')}
          value={form.share}
          min={form.shareKind === 'percent' ? 1 : 1}
          max={form.shareKind === 'percent' ? 100 : 10_000_000}
          decimalScale={form.shareKind === 'percent' ? 1 : 0}
          decimalSeparator=","
          thousandSeparator=" "
          suffix={form.shareKind === 'percent' ? ' %' : undefined}
          onChange={(v) => set('share', Number(v) || 0)}
        />
      </Stack>
      <Select
        label={t('abMetric')}
        value={form.metric}
        allowDeselect={false}
        onChange={(v) => v && set('metric', v as Form['metric'])}
        data={(['opens', 'clicks', 'click_to_open'] as const).map((m) => ({ value: m, label: t(`metric_${m}`) }))}
      />
      <Group grow align="flex-end" wrap="nowrap">
        <NumberInput
          label={t('abWait')}
          value={form.wait}
          min={1}
          max={form.waitUnit === 'hours' ? 720 : 43_200}
          onChange={(v) => set('wait', Number(v) || 0)}
        />
        <Select
          label={t('abWaitUnit')}
          value={form.waitUnit}
          allowDeselect={false}
          data={units}
          onChange={(v) => v && set('waitUnit', v as Unit)}
        />
      </Group>
      <Radio.Group label={t('abFallback')} value={form.fallback} onChange={(v) => set('fallback', v as Form['fallback'])}>
        <Stack gap={6} mt={4}>
          <Radio value="variant" label={t('abFallbackVariant')} />
          <Radio value="wait" label={t('abFallbackWait')} />
        </Stack>
      </Radio.Group>
      {form.fallback === 'wait' ? (
        <Group grow align="flex-end" wrap="nowrap">
          <NumberInput
            label={t('abMaxWait')}
            value={form.maxWait}
            min={1}
            max={form.maxWaitUnit === 'hours' ? 720 : 43_200}
            onChange={(v) => set('maxWait', Number(v) || 0)}
          />
          <Select
            label={t('abWaitUnit')}
            value={form.maxWaitUnit}
            allowDeselect={false}
            data={units}
            onChange={(v) => v && set('maxWaitUnit', v as Unit)}
          />
        </Group>
      ) : null}
      <Select
        label={t('abFallbackWhich')}
        value={variantChoices.some((c) => c.value === form.fallbackVariant) ? form.fallbackVariant : 'A'}
        allowDeselect={false}
        data={variantChoices}
        onChange={(v) => v && set('fallbackVariant', v as Form['fallbackVariant'])}
      />
      {save.error ? <ErrorAlert error={save.error} /> : null}
      {remove.error ? <ErrorAlert error={remove.error} /> : null}
      {notice ? (
        <Alert color="teal" variant="light" icon={<Icon name="check" />}>
          {t('abSaved')}
        </Alert>
      ) : null}
      <Group>
        <Button variant="default" loading={save.isPending} onClick={() => save.mutate(bodyOf(form), { onSuccess: () => setNotice(true) })}>
          {t('abSave')}
        </Button>
        {saved ? (
          <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => onToggle(false)}>
            {t('abRemove')}
          </Button>
        ) : null}
      </Group>
    </Stack>
  );
}
