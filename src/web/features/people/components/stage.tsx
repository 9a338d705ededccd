// Ladder stage labels (the campaign's own names when it set them) and the stage badge.
import { Badge } from '@mantine/core';
import { useCallback } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { STAGE_COLORS } from '../../dashboard/components/stage-bar.tsx';
import { type Stage, useLadderQuery } from '../api.ts';
import { stageNames } from '../messages.ts';

/** Stage names as a campaign set them (the ladder's, or those a response carries), in ladder settings' shape. */
export type StageNameList = ReadonlyArray<{ stage: string; label_fr: string; label_en: string }> | undefined;

/** Returns name(stage): the given campaign label in the current language, else the default name. */
export function useStageNames(stages: StageNameList): (stage: string) => string {
  const { locale } = useLocale();
  return useCallback(
    (stage: string) => {
      const custom = stages?.find((s) => s.stage === stage);
      const label = custom ? (locale === 'fr' ? custom.label_fr : custom.label_en) : undefined;
      const names: Record<string, string> = stageNames[locale];
      return label || names[stage] || stage;
    },
    [stages, locale],
  );
}

/** Returns stageLabel(stage) from the campaign's ladder settings (for those who may read people). */
export function useStageLabel(): (stage: string) => string {
  return useStageNames(useLadderQuery().data?.stages);
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
