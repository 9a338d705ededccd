// /app/territory: the zone layers with counts, a map of the arrondissements, and a layer's zones.
import { Paper, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { LoadingState, QueryView } from '../../../ui/query-view.tsx';
import { useSession } from '../../session/session-context.tsx';
import { useZoneLayersQuery, useZonesQuery, type ZoneLayer } from '../api.ts';
import { territoryMessages } from '../messages.ts';
import { ZoneTable } from './zone-table.tsx';

// Leaflet is only downloaded by those who open this screen.
const ZoneMap = lazy(() => import('./zone-map.tsx').then((m) => ({ default: m.ZoneMap })));

const MAP_LAYER = 'arrondissement';

/** The territory screen: pick a layer, see its zones and indicators. */
export function TerritoryPage() {
  const t = useT(territoryMessages);
  const layers = useZoneLayersQuery();
  const [chosen, setChosen] = useState<string | null>(null);

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <QueryView
        query={layers}
        isEmpty={(data) => data._embedded.zone_layers.length === 0}
        empty={<Text c="dimmed">{t('layersEmpty')}</Text>}
      >
        {(data) => {
          const all = data._embedded.zone_layers;
          const current = all.find((l) => l.code === chosen) ?? all.find((l) => l.code === MAP_LAYER) ?? (all[0] as ZoneLayer);
          return (
            <Stack gap="lg">
              <LayerCards layers={all} current={current.code} onChoose={setChosen} />
              {all.some((l) => l.code === MAP_LAYER) && <ArrondissementMap />}
              <LayerZones layer={current} />
            </Stack>
          );
        }}
      </QueryView>
    </>
  );
}

function LayerCards({ layers, current, onChoose }: { layers: ZoneLayer[]; current: string; onChoose: (code: string) => void }) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  return (
    <section aria-labelledby="layers-title">
      <Title order={2} fz="h4" mb="sm" id="layers-title">
        {t('layersTitle')}
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        {layers.map((layer) => {
          const active = layer.code === current;
          return (
            <UnstyledButton
              key={layer.code}
              onClick={() => onChoose(layer.code)}
              aria-pressed={active}
              aria-label={t('chooseLayer', { name: layer.name })}
              data-testid={`layer-${layer.code}`}
            >
              <Paper
                withBorder
                radius="md"
                p="md"
                h="100%"
                bg={active ? 'indigo.0' : undefined}
                style={{ borderColor: active ? 'var(--mantine-color-indigo-5)' : undefined }}
              >
                <Text size="sm" fw={600}>
                  {layer.name}
                </Text>
                <Text fz={24} fw={700} style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {fmt.number(layer.zones_count)}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('zonesCount', { count: layer.zones_count })}
                </Text>
                {layer.source && (
                  <Text size="xs" c="dimmed" lineClamp={1} title={layer.source}>
                    {t('source', { source: layer.source })}
                  </Text>
                )}
              </Paper>
            </UnstyledButton>
          );
        })}
      </SimpleGrid>
    </section>
  );
}

function ArrondissementMap() {
  const t = useT(territoryMessages);
  const session = useSession();
  const zones = useZonesQuery(MAP_LAYER, { geometry: true });
  const settings = session.campaign?.settings ?? {};
  const tileUrl = typeof settings.tile_url === 'string' ? settings.tile_url : null;
  const attribution = typeof settings.tile_attribution === 'string' ? settings.tile_attribution : null;
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Title order={2} fz="h4">
        {t('mapTitle')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('mapHint')}
      </Text>
      <QueryView query={zones}>
        {(data) =>
          data._embedded.zones.some((z) => z.geometry) ? (
            <Suspense fallback={<LoadingState />}>
              <ZoneMap zones={data._embedded.zones} label={t('mapLabel')} tileUrl={tileUrl} tileAttribution={attribution} />
            </Suspense>
          ) : (
            <Text size="sm" c="dimmed">
              {t('mapNoGeometry')}
            </Text>
          )
        }
      </QueryView>
    </Paper>
  );
}

function LayerZones({ layer }: { layer: ZoneLayer }) {
  const zones = useZonesQuery(layer.code);
  return (
    <QueryView query={zones}>{(data) => <ZoneTable key={layer.code} zones={data._embedded.zones} layerName={layer.name} />}</QueryView>
  );
}
