// The legend of the choropleth: the metric with its unit, one swatch per class with its range, and
// the grey of zones without a value.
import { Box, Group, Stack, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import type { ZoneMetric } from '../api.ts';
import { territoryMessages } from '../messages.ts';
import { CLASS_COLOURS, formatValue, metricLabel, NO_DATA_COLOUR } from '../metric-format.ts';

function Swatch({ colour, children }: { colour: string; children: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={18} h={12} style={{ background: colour, border: '1px solid #8a94a8', borderRadius: 2, flex: 'none' }} />
      <Text size="xs" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {children}
      </Text>
    </Group>
  );
}

/** The legend under the map. */
export function MapLegend({
  metric,
  breaks,
  loading,
  sourceLayer,
}: {
  /** What the map shows: a zone metric, or any figure labelled and formatted like one (a mailing's open rate). */
  metric: Pick<ZoneMetric, 'label' | 'unit' | 'format'>;
  breaks: readonly number[];
  loading: boolean;
  sourceLayer: string | null;
}) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const offset = CLASS_COLOURS.length - breaks.length;
  const value = (v: number) => formatValue(fmt, v, metric.format);
  return (
    <Stack gap={4} mt="sm" component="section" aria-label={t('legend')} data-testid="map-legend">
      <Text size="sm" fw={600}>
        {metricLabel(metric, locale)}
      </Text>
      {!loading && breaks.length === 0 ? (
        <Text size="xs" c="dimmed">
          {t('legendEmpty')}
        </Text>
      ) : (
        <Group gap="md" wrap="wrap">
          {breaks.map((bound, i) => (
            <Swatch key={bound} colour={CLASS_COLOURS[offset + i] as string}>
              {i === 0
                ? t('legendUpTo', { to: value(bound) })
                : t('legendRange', { from: value(breaks[i - 1] as number), to: value(bound) })}
            </Swatch>
          ))}
          <Swatch colour={NO_DATA_COLOUR}>{t('legendNoData')}</Swatch>
        </Group>
      )}
      {sourceLayer && (
        <Text size="xs" c="dimmed">
          {t('legendSource', { layer: sourceLayer })}
        </Text>
      )}
    </Stack>
  );
}
