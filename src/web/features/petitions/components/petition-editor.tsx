// A petition's editor: text, target, goal, status, milestones ("500 : …" a line), the target's answer.
import { Alert, Button, Group, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { type Petition, useUpdatePetition } from '../api.ts';
import { petitionsMessages } from '../messages.ts';

type Status = Petition['relais:status'];

/** Milestones as lines, and back; null with the first bad line's number. */
function parseThresholds(text: string): { count: number; text: string }[] | number {
  const out: { count: number; text: string }[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const m = /^\s*([\d\s\u202f\u00a0]+)\s*:\s*(.+)$/.exec(line);
    const count = m ? Number((m[1] ?? '').replace(/[\s\u202f\u00a0]/g, '')) : Number.NaN;
    if (!m || !Number.isInteger(count) || count < 1) return i + 1;
    out.push({ count, text: (m[2] ?? '').trim() });
  }
  return out;
}

/** The editor of one petition. */
export function PetitionEditor({ petition, id }: { petition: Petition; id: string }) {
  const t = useT(petitionsMessages);
  const update = useUpdatePetition(id);
  const [form, setForm] = useState({
    title: petition.title,
    summary: petition.summary,
    body: petition.description,
    target: petition.target[0]?.name ?? '',
    goal: petition['relais:goal'],
    status: petition['relais:status'] as Status,
    thresholds: petition['relais:thresholds'].map((x) => `${x.count} : ${x.text}`).join('\n'),
    answer: petition['relais:answer'],
  });
  const [badLine, setBadLine] = useState<number | null>(null);
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setSaved(false);
  };
  const save = () => {
    const thresholds = parseThresholds(form.thresholds);
    if (typeof thresholds === 'number') return setBadLine(thresholds);
    setBadLine(null);
    update.mutate(
      {
        title: form.title,
        summary: form.summary,
        body: form.body,
        target: form.target,
        goal: form.goal,
        status: form.status,
        thresholds,
        answer: form.answer,
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  return (
    <Stack>
      {update.isError && <ErrorAlert error={update.error} />}
      {saved && (
        <Alert color="teal" variant="light" role="status">
          {t('saved')}
        </Alert>
      )}
      <TextInput
        label={t('petitionTitle')}
        value={form.title}
        maxLength={200}
        onChange={(e) => set('title', e.currentTarget.value)}
        required
      />
      <TextInput
        label={t('target')}
        description={t('targetHint')}
        value={form.target}
        maxLength={200}
        onChange={(e) => set('target', e.currentTarget.value)}
      />
      <Group grow align="flex-start">
        <NumberInput
          label={t('goal')}
          value={form.goal}
          min={1}
          max={100_000_000}
          thousandSeparator=" "
          onChange={(v) => set('goal', Number(v) || 1)}
        />
        <Select
          label={t('status')}
          value={form.status}
          allowDeselect={false}
          data={(['draft', 'open', 'closed'] as const).map((s) => ({ value: s, label: t(`status_${s}`) }))}
          onChange={(v) => v && set('status', v as Status)}
        />
      </Group>
      <Textarea
        label={t('summary')}
        value={form.summary}
        maxLength={500}
        autosize
        minRows={2}
        onChange={(e) => set('summary', e.currentTarget.value)}
      />
      <Textarea
        label={t('body')}
        value={form.body}
        maxLength={20_000}
        autosize
        minRows={6}
        onChange={(e) => set('body', e.currentTarget.value)}
      />
      <Textarea
        label={t('thresholds')}
        description={t('thresholdsHint')}
        value={form.thresholds}
        autosize
        minRows={2}
        error={badLine ? t('thresholdsInvalid', { line: badLine }) : undefined}
        onChange={(e) => set('thresholds', e.currentTarget.value)}
      />
      <Textarea
        label={t('answer')}
        description={t('answerHint')}
        value={form.answer}
        maxLength={20_000}
        autosize
        minRows={3}
        onChange={(e) => set('answer', e.currentTarget.value)}
      />
      <Group>
        <Button onClick={save} loading={update.isPending}>
          {t('save')}
        </Button>
      </Group>
    </Stack>
  );
}
