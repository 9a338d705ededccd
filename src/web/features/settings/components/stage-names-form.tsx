// The names of the four ladder stages, in French and English, saved together.
import { Box, Button, Fieldset, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { STAGE_COLORS } from '../../dashboard/components/stage-bar.tsx';
import { stageNames } from '../../people/messages.ts';
import { type Ladder, STAGES, type Stage, useSaveLadder } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { SavedNote } from './saved-note.tsx';

type Names = Record<Stage, { label_fr: string; label_en: string }>;
const MAX = 60;

const namesOf = (ladder: Ladder): Names =>
  Object.fromEntries(
    STAGES.map((stage) => {
      const s = ladder.stages.find((x) => x.stage === stage);
      return [stage, { label_fr: s?.label_fr ?? stageNames.fr[stage], label_en: s?.label_en ?? stageNames.en[stage] }];
    }),
  ) as Names;
const same = (a: Names, b: Names) => STAGES.every((s) => a[s].label_fr === b[s].label_fr && a[s].label_en === b[s].label_en);
const invalid = (value: string) => value.trim().length === 0 || value.trim().length > MAX;

/** One fieldset per stage (its number, colour and default name) with its two names; one save for all. */
export function StageNamesForm({ ladder, onDirty }: { ladder: Ladder; onDirty: (dirty: boolean) => void }) {
  const t = useT(settingsMessages);
  const defaultName = useLabel(stageNames);
  const save = useSaveLadder();
  const [base, setBase] = useState(() => namesOf(ladder));
  const [draft, setDraft] = useState(base);
  const [touched, setTouched] = useState(false);
  const dirty = !same(draft, base);
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const set = (stage: Stage, key: 'label_fr' | 'label_en', value: string) => {
    save.reset();
    setDraft((d) => ({ ...d, [stage]: { ...d[stage], [key]: value } }));
  };
  const hasErrors = STAGES.some((s) => invalid(draft[s].label_fr) || invalid(draft[s].label_en));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (hasErrors) return;
    const stages = STAGES.map((stage) => ({ stage, label_fr: draft[stage].label_fr.trim(), label_en: draft[stage].label_en.trim() }));
    save.mutate(
      { stages },
      {
        onSuccess: (saved) => {
          const next = namesOf(saved);
          setBase(next);
          setDraft(next);
          setTouched(false);
        },
      },
    );
  };

  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="stage-names-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <div>
            <Title order={2} fz="h4" id="stage-names-title">
              {t('stagesTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('stagesHint')}
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {STAGES.map((stage, index) => (
              <Fieldset
                key={stage}
                variant="filled"
                radius="md"
                p="sm"
                data-testid={`stage-names-${stage}`}
                legend={
                  <Group gap={6} wrap="nowrap">
                    <Box w={10} h={10} bg={STAGE_COLORS[stage]} style={{ borderRadius: 999 }} aria-hidden="true" />
                    <Text size="sm" fw={600} component="span">
                      {t('stageN', { n: index + 1 })}
                    </Text>
                    <Text size="xs" c="dimmed" component="span">
                      {t('defaultName', { name: defaultName(stage) })}
                    </Text>
                  </Group>
                }
              >
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="xs">
                  <TextInput
                    label={t('labelFr')}
                    lang="fr"
                    maxLength={MAX}
                    value={draft[stage].label_fr}
                    onChange={(e) => set(stage, 'label_fr', e.currentTarget.value)}
                    error={touched && invalid(draft[stage].label_fr) ? t('labelRequired') : undefined}
                  />
                  <TextInput
                    label={t('labelEn')}
                    lang="en"
                    maxLength={MAX}
                    value={draft[stage].label_en}
                    onChange={(e) => set(stage, 'label_en', e.currentTarget.value)}
                    error={touched && invalid(draft[stage].label_en) ? t('labelRequired') : undefined}
                  />
                </SimpleGrid>
              </Fieldset>
            ))}
          </SimpleGrid>
          {save.isError && <ErrorAlert error={save.error} />}
          <Group justify="space-between" gap="xs">
            <SavedNote dirty={dirty} saved={save.isSuccess} />
            <Group gap="xs" ml="auto">
              <Button
                variant="default"
                onClick={() => {
                  save.reset();
                  setDraft(Object.fromEntries(STAGES.map((s) => [s, { label_fr: stageNames.fr[s], label_en: stageNames.en[s] }])) as Names);
                }}
              >
                {t('resetLabels')}
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!dirty}>
                {t('saveLabels')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
