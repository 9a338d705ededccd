// The ladder breakdown as one stacked bar, with a legend; shared by the dashboard and the funnel.
// The stages are named as the campaign renamed them: the caller passes its names (the dashboard's
// own figures carry them; the funnel reads the ladder), else the default names are used.
import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { useCallback } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { type ByStage, type Dashboard, STAGES, type Stage } from '../api.ts';
import { dashboardMessages, stageLabels } from '../messages.ts';

/** Names a stage. */
export type StageNamer = (stage: Stage) => string;

/** The stage names of the dashboard's figures, in the reader's language; the defaults for the others. */
export function useStageNamer(stages: Dashboard['stages'] | undefined): StageNamer {
  const { locale } = useLocale();
  const t = useT(stageLabels);
  return useCallback(
    (stage: Stage) => {
      const custom = stages?.find((s) => s.stage === stage);
      return (custom && (locale === 'fr' ? custom.label_fr : custom.label_en)) || t(stage);
    },
    [stages, locale, t],
  );
}

/** Colour of each ladder stage, from pale (curious) to deep (activist). */
export const STAGE_COLORS: Record<Stage, string> = {
  curious: 'blue.3',
  sympathizer: 'cyan.6',
  volunteer: 'teal.6',
  activist: 'indigo.7',
};

/** A stacked bar of the four stages; the accessible label spells out every figure. */
export function StageBar({
  byStage,
  label,
  size = 'lg',
  name,
}: {
  byStage: ByStage;
  label: string;
  size?: 'sm' | 'md' | 'lg' | 'xl';
  name?: StageNamer;
}) {
  const defaults = useStageNamer(undefined);
  const t = name ?? defaults;
  const tm = useT(dashboardMessages);
  const fmt = useFormat();
  const total = STAGES.reduce((sum, stage) => sum + (byStage[stage] ?? 0), 0);
  const spoken = STAGES.map((stage) => tm('stageValue', { stage: t(stage), value: fmt.number(byStage[stage] ?? 0) })).join(', ');
  return (
    <Progress.Root size={size} radius="xl" aria-label={`${label} — ${spoken}`} role="img">
      {total > 0 &&
        STAGES.map((stage) => {
          const value = byStage[stage] ?? 0;
          if (!value) return null;
          return (
            <Tooltip
              key={stage}
              label={tm('stageValueShare', { stage: t(stage), value: fmt.number(value), percent: fmt.percent(value / total) })}
              withArrow
            >
              <Progress.Section value={(value / total) * 100} color={STAGE_COLORS[stage]} aria-hidden="true" />
            </Tooltip>
          );
        })}
    </Progress.Root>
  );
}

/** The colour key of the stage bars. */
export function StageLegend({ name }: { name?: StageNamer }) {
  const defaults = useStageNamer(undefined);
  const t = name ?? defaults;
  return (
    <Group gap="md" aria-hidden="true">
      {STAGES.map((stage) => (
        <Group key={stage} gap={6} wrap="nowrap">
          <span
            style={{
              width: 10,
              height: 10,
              borderRadius: 3,
              background: `var(--mantine-color-${STAGE_COLORS[stage].replace('.', '-')})`,
            }}
          />
          <Text size="xs" c="dimmed">
            {t(stage)}
          </Text>
        </Group>
      ))}
    </Group>
  );
}
