// The report's map: each arrondissement the mailing reached coloured by its open rate (human opens
// of the delivered messages), with the territory screen's choropleth and legend, the rates written
// the reader's way (« 31,2 % »).
import { Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, useMemo } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { useSession } from '../../session/session-context.tsx';
import { useZoneLayersQuery, useZonesQuery } from '../../territory/api.ts';
import { MapLegend } from '../../territory/components/map-legend.tsx';
import { classBreaks } from '../../territory/metric-format.ts';
import type { MailingReport } from '../api.ts';
import { messagingMessages } from '../messages.ts';

const ZoneMap = lazy(() => import('../../territory/components/zone-map.tsx').then((m) => ({ default: m.ZoneMap })));

/** The open-rate metric as the legend names it, in both languages. */
const OPEN_RATE = {
  label: { fr: messagingMessages.fr.openRate, en: messagingMessages.en.openRate },
  unit: null,
  format: 'percent' as const,
};

export function ReportMap({ report }: { report: MailingReport }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const session = useSession();
  // The report counts per zone of the campaign's first layer (the arrondissements): draw that layer.
  const layers = useZoneLayersQuery();
  const layer = layers.data?._embedded.zone_layers[0]?.code ?? null;
  const shapes = useZonesQuery(layer, { geometry: true });
  const reached = useMemo(() => report.by_zone.filter((z) => z.delivered > 0), [report.by_zone]);
  const values = useMemo(() => new Map(reached.map((z) => [z.zone_id, (100 * z.opens) / z.delivered] as const)), [reached]);
  const breaks = useMemo(() => classBreaks([...values.values()]), [values]);
  const byId = useMemo(() => new Map(reached.map((z) => [z.zone_id, z] as const)), [reached]);
  const settings = session.campaign?.settings ?? {};
  if (reached.length === 0) return null;
  // Every arrondissement is drawn: those the mailing did not reach stay grey (« sans valeur »).
  const zones = shapes.data?._embedded.zones ?? [];
  const describe = (zone: { id: string; name: string }) => {
    const z = byId.get(zone.id);
    return z
      ? t('mapTooltip', {
          zone: zone.name,
          rate: fmt.number(z.opens / z.delivered, { style: 'percent', maximumFractionDigits: 1 }),
          opens: fmt.number(z.opens),
          delivered: fmt.number(z.delivered),
        })
      : zone.name;
  };
  return (
    <Stack gap="xs" data-testid="report-map">
      <Title order={2} size="h4">
        {t('mapTitle')}
      </Title>
      {zones.length > 0 ? (
        <Suspense fallback={null}>
          <ZoneMap
            zones={zones}
            label={t('mapTitle')}
            values={values}
            breaks={breaks}
            describe={describe}
            tileUrl={typeof settings.tile_url === 'string' ? settings.tile_url : null}
            tileAttribution={typeof settings.tile_attribution === 'string' ? settings.tile_attribution : null}
          />
        </Suspense>
      ) : (
        <Text size="sm" c="dimmed">
          {t('mapNoShapes')}
        </Text>
      )}
      <MapLegend metric={OPEN_RATE} breaks={breaks} loading={false} sourceLayer={null} />
    </Stack>
  );
}
