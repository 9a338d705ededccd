// The ladder breakdown as one stacked bar, with a legend; shared by the dashboard and the funnel.
// The stages are named as the campaign renamed them: the caller passes its namer (the dashboard's
// from the names its own figures carry, the funnel's from the ladder; see people/components/stage.tsx).
import { Group, Progress, Text, Tooltip } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { type ByStage, STAGES, type Stage } from '../api.ts';
import { dashboardMessages } from '../messages.ts';

/** Names a stage. */
export type StageNamer = (stage: Stage) => string;

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
  name: StageNamer;
}) {
  const t = name;
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
export function StageLegend({ name: t }: { name: StageNamer }) {
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
