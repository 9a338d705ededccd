// Ladder stage labels (the campaign's own names when it set them) and the stage badge.
import { Badge } from '@mantine/core';
import { useCallback } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { STAGE_COLORS } from '../../dashboard/components/stage-bar.tsx';
import { type Stage, useLadderQuery } from '../api.ts';
import { stageNames } from '../messages.ts';

/** Returns stageLabel(stage): the campaign's label in the current language, else the default name. */
export function useStageLabel(): (stage: string) => string {
  const { locale } = useLocale();
  const ladder = useLadderQuery();
  return useCallback(
    (stage: string) => {
      const custom = ladder.data?.stages?.find((s) => s.stage === stage);
      const label = custom ? (locale === 'fr' ? custom.label_fr : custom.label_en) : undefined;
      const names: Record<string, string> = stageNames[locale];
      return label || names[stage] || stage;
    },
    [ladder.data, locale],
  );
}

/** The colour of a stage as a Mantine colour name ("teal.6"). */
export function stageColor(stage: string): string {
  return STAGE_COLORS[stage as Stage] ?? 'gray.5';
}

/** A small coloured badge naming a stage. */
export function StageBadge({ stage }: { stage: string }) {
  const label = useStageLabel();
  return (
    <Badge variant="light" color={stageColor(stage).split('.')[0]} size="sm" style={{ minWidth: 'max-content' }}>
      {label(stage)}
    </Badge>
  );
}
