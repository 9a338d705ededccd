// /app/territory: the zone layers with counts; for the chosen layer, a map coloured by any metric
// (people, indicators, election results) with its legend, the table of its zones, and a zone's detail.
import { Group, Paper, Select, SimpleGrid, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { LoadingState, QueryView } from '../../../ui/query-view.tsx';
import { useSession } from '../../session/session-context.tsx';
import { useZoneLayersQuery, useZoneMetricsQuery, useZonesQuery, useZoneValuesQuery, type ZoneLayer, type ZoneMetric } from '../api.ts';
import { territoryMessages } from '../messages.ts';
import { classBreaks, formatWithUnit, metricLabel } from '../metric-format.ts';
import { MapLegend } from './map-legend.tsx';
import { ZoneDetail } from './zone-detail.tsx';
import { ZoneTable } from './zone-table.tsx';

// Leaflet is only downloaded by those who open this screen.
const ZoneMap = lazy(() => import('./zone-map.tsx').then((m) => ({ default: m.ZoneMap })));

const DEFAULT_LAYER = 'arrondissement';

/** The territory screen: pick a layer, colour its map by a metric, read its zones. */
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
          const current = all.find((l) => l.code === chosen) ?? all.find((l) => l.code === DEFAULT_LAYER) ?? (all[0] as ZoneLayer);
          return (
            <Stack gap="lg">
              <LayerCards layers={all} current={current.code} onChoose={setChosen} />
              <LayerView key={current.code} layer={current} layers={all} />
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

/** The layer's metric picker, map, legend, table and the detail of the zone picked on either. */
function LayerView({ layer, layers }: { layer: ZoneLayer; layers: ZoneLayer[] }) {
  const t = useT(territoryMessages);
  const { locale } = useLocale();
  const fmt = useFormat();
  const session = useSession();
  const metrics = useZoneMetricsQuery(layer.code);
  const [chosenMetric, setChosenMetric] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const list = metrics.data?.metrics ?? [];
  const metric: ZoneMetric | undefined = list.find((m) => m.id === chosenMetric) ?? list[0];
  const values = useZoneValuesQuery(layer.code, metric?.id ?? null);
  // One request gives the map its shapes and the table its rows.
  const shapes = useZonesQuery(layer.code, { geometry: true });
  const byId = useMemo(() => new Map((values.data?.values ?? []).map((v) => [v.zone_id, v.value] as const)), [values.data]);
  const breaks = useMemo(() => classBreaks([...byId.values()]), [byId]);
  const layerName = (code: string | null) => layers.find((l) => l.code === code)?.name ?? code ?? '';
  const settings = session.campaign?.settings ?? {};
  const tileUrl = typeof settings.tile_url === 'string' ? settings.tile_url : null;
  const attribution = typeof settings.tile_attribution === 'string' ? settings.tile_attribution : null;

  const options = useMemo(() => {
    const groups = new Map<string, Array<{ value: string; label: string }>>();
    for (const m of list) {
      const group = m.group[locale];
      groups.set(group, [...(groups.get(group) ?? []), { value: m.id, label: metricLabel(m, locale) }]);
    }
    return [...groups.entries()].map(([group, items]) => ({ group, items }));
  }, [list, locale]);

  const label = metric ? metricLabel(metric, locale) : '';
  const describe = (zone: { id: string; name: string }) =>
    metric ? t('tooltip', { name: zone.name, value: formatWithUnit(fmt, byId.get(zone.id), metric, locale) }) : zone.name;

  return (
    <>
      <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
        <Group justify="space-between" align="flex-end" mb="xs" wrap="wrap">
          <Title order={2} fz="h4">
            {t('mapTitle', { layer: layer.name })}
          </Title>
          <Select
            label={t('metric')}
            data={options}
            value={metric?.id ?? null}
            onChange={(value) => value && setChosenMetric(value)}
            searchable
            allowDeselect={false}
            w={{ base: '100%', sm: 420 }}
            comboboxProps={{ withinPortal: true }}
            data-testid="metric-select"
          />
        </Group>
        <Text size="xs" c="dimmed" mb="sm">
          {t('mapHint')}
        </Text>
        <QueryView query={shapes}>
          {(data) =>
            data._embedded.zones.some((z) => z.geometry) ? (
              <Suspense fallback={<LoadingState />}>
                <ZoneMap
                  zones={data._embedded.zones}
                  label={t('mapLabel', { layer: layer.name, metric: label })}
                  values={byId}
                  breaks={breaks}
                  describe={describe}
                  onSelect={setSelected}
                  tileUrl={tileUrl}
                  tileAttribution={attribution}
                />
              </Suspense>
            ) : (
              <Text size="sm" c="dimmed">
                {t('mapNoGeometry')}
              </Text>
            )
          }
        </QueryView>
        {metric && (
          <MapLegend
            metric={metric}
            breaks={breaks}
            loading={values.isPending}
            sourceLayer={values.data?.source_layer ? layerName(values.data.source_layer) : null}
          />
        )}
      </Paper>
      <QueryView query={shapes}>
        {(data) => (
          <ZoneTable
            zones={data._embedded.zones}
            layerName={layer.name}
            metric={metric ?? null}
            values={byId}
            indicators={list.filter((m) => m.kind === 'indicator' && m.source_layer === null)}
            onOpen={setSelected}
          />
        )}
      </QueryView>
      <ZoneDetail zoneId={selected} onClose={() => setSelected(null)} layerName={layerName} />
    </>
  );
}
