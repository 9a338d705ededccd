// The form of a new score: a preset or own weights, the reference election and our side when an
// ingredient needs them, each ingredient's weight and direction; indicators read on another layer
// say they will be interpolated.
import { Button, Group, MultiSelect, NumberInput, Paper, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import { type Ingredient, type TargetingOptions, type TargetScore, useCreateScore } from '../api.ts';
import { targetingMessages } from '../messages.ts';

type PresetId = TargetingOptions['presets'][number]['id'];

export function ScoreForm({
  options,
  layer,
  onCreated,
}: {
  options: TargetingOptions;
  layer: string;
  onCreated: (score: TargetScore) => void;
}) {
  const t = useT(targetingMessages);
  const { locale } = useLocale();
  const create = useCreateScore();
  const first = options.presets[0];
  const [preset, setPreset] = useState<PresetId | 'custom'>(first?.id ?? 'custom');
  const [name, setName] = useState(first?.label[locale] ?? '');
  const [ingredients, setIngredients] = useState<Ingredient[]>(first?.ingredients ?? []);
  const elections = options.elections;
  const [election, setElection] = useState<string | null>(elections[0] ? `${elections[0].code}|${elections[0].round}` : null);
  const [side, setSide] = useState<string[]>([]);
  const [within, setWithin] = useState<string | null>(null);
  // Zones a score can be limited to: the arrondissements (when the layer is finer).
  const arrondissements = useZonesQuery('arrondissement', { enabled: layer !== 'arrondissement' });
  const metric = (id: string) => options.metrics.find((m) => m.id === id);
  const needsElection = ingredients.some((i) => metric(i.metric)?.kind === 'election');
  const needsSide = ingredients.some((i) => metric(i.metric)?.needs_side);
  const current = elections.find((e) => `${e.code}|${e.round}` === election);
  const layerName = (code: string | null) => options.layers.find((l) => l.code === code)?.name ?? code ?? '';

  const choosePreset = (value: string | null) => {
    if (!value) return;
    setPreset(value as PresetId | 'custom');
    const p = options.presets.find((x) => x.id === value);
    if (p) {
      setIngredients(p.ingredients);
      setName(p.label[locale]);
    }
  };
  const metricChoices = useMemo(
    () => options.metrics.filter((m) => !ingredients.some((i) => i.metric === m.id)).map((m) => ({ value: m.id, label: m.label[locale] })),
    [options.metrics, ingredients, locale],
  );

  const submit = () => {
    const [code, round] = (election ?? '|').split('|');
    create.mutate(
      {
        name,
        layer,
        within,
        preset: preset === 'custom' ? null : preset,
        election: needsElection ? (code ?? null) : null,
        round: needsElection ? Number(round) : null,
        side,
        ingredients,
      },
      { onSuccess: onCreated },
    );
  };

  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="new-score">
      <Title order={2} fz="h4" mb="sm" id="new-score">
        {t('newScore')}
      </Title>
      <Stack gap="sm">
        <Group grow wrap="wrap" align="flex-start">
          <Select
            label={t('preset')}
            data={[...options.presets.map((p) => ({ value: p.id, label: p.label[locale] })), { value: 'custom', label: t('custom') }]}
            value={preset}
            onChange={choosePreset}
            allowDeselect={false}
            miw={220}
            data-testid="preset-select"
          />
          <TextInput label={t('name')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={120} miw={220} />
        </Group>
        {preset !== 'custom' && (
          <Text size="xs" c="dimmed">
            {options.presets.find((p) => p.id === preset)?.description[locale]}
          </Text>
        )}
        {layer !== 'arrondissement' && (arrondissements.data?._embedded.zones.length ?? 0) > 0 && (
          <Select
            label={t('within')}
            description={t('withinHint')}
            placeholder={t('withinAll')}
            data={(arrondissements.data?._embedded.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
            value={within}
            onChange={setWithin}
            clearable
            searchable
            maw={420}
            data-testid="within-select"
          />
        )}
        {needsElection && (
          <Group grow wrap="wrap" align="flex-start">
            <Select
              label={t('election')}
              data={elections.map((e) => ({ value: `${e.code}|${e.round}`, label: e.label }))}
              value={election}
              onChange={setElection}
              allowDeselect={false}
              miw={220}
            />
            {needsSide && (
              <MultiSelect
                label={t('side')}
                description={t('sideHint')}
                data={[...new Set((current?.candidates ?? []).map((c) => c.name))]}
                value={side}
                onChange={setSide}
                searchable
                miw={220}
                data-testid="side-select"
              />
            )}
          </Group>
        )}
        <Text size="sm" fw={600}>
          {t('ingredients')}
        </Text>
        {ingredients.map((ing, index) => {
          const m = metric(ing.metric);
          const update = (patch: Partial<Ingredient>) => setIngredients(ingredients.map((x, i) => (i === index ? { ...x, ...patch } : x)));
          return (
            <Group key={ing.metric} gap="xs" wrap="wrap" align="flex-end">
              <Stack gap={0} style={{ flex: '1 1 200px' }}>
                <Text size="sm">{m?.label[locale] ?? ing.metric}</Text>
                {m?.source_layer && (
                  <Text size="xs" c="dimmed">
                    {t('readOn', { layer: layerName(m.source_layer) })}
                  </Text>
                )}
              </Stack>
              <NumberInput
                label={t('weight')}
                value={ing.weight}
                min={0}
                max={100}
                onChange={(v) => update({ weight: Number(v) || 0 })}
                w={90}
              />
              <Select
                label={t('direction')}
                data={[
                  { value: 'high', label: t('high') },
                  { value: 'low', label: t('low') },
                ]}
                value={ing.direction}
                onChange={(v) => v && update({ direction: v as Ingredient['direction'] })}
                allowDeselect={false}
                w={250}
              />
              <Button variant="subtle" color="red" onClick={() => setIngredients(ingredients.filter((_, i) => i !== index))}>
                {t('remove')}
              </Button>
            </Group>
          );
        })}
        <Select
          placeholder={t('addIngredient')}
          aria-label={t('addIngredient')}
          data={metricChoices}
          value={null}
          onChange={(v) => {
            if (!v) return;
            setIngredients([...ingredients, { metric: v, weight: 1, direction: 'high' }]);
            setPreset('custom');
          }}
          searchable
          maw={420}
        />
        {create.error && <ErrorAlert error={create.error} />}
        <Group>
          <Button onClick={submit} loading={create.isPending} disabled={!name || ingredients.length === 0} data-testid="save-score">
            {t('save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
