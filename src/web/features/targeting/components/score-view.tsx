// One score on screen: the choropleth of its priorities (the territory's map component) with its
// legend and the interpolation stated, the ranked table with target picks, and a zone's explanation.
import { Alert, Badge, Box, Button, Checkbox, Group, Paper, ScrollArea, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { LoadingState, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import type { Zone } from '../../territory/api.ts';
import { CLASS_COLOURS } from '../../territory/metric-format.ts';
import { type TargetingOptions, type TargetScore, type TargetZoneScore, usePickTargets, useScoreMap, useScoreZones } from '../api.ts';
import { targetingMessages } from '../messages.ts';

const ZoneMap = lazy(() => import('../../territory/components/zone-map.tsx').then((m) => ({ default: m.ZoneMap })));
// P1 darkest: the map's value of a zone is 6 − priority, one class per priority.
const BREAKS = [1, 2, 3, 4, 5] as const;
const colourOfPriority = (p: number) => CLASS_COLOURS[5 - p] as string;

export function ScoreView({ score, options }: { score: TargetScore; options: TargetingOptions }) {
  const t = useT(targetingMessages);
  const fmt = useFormat();
  const canPick = useCan('targeting.write');
  const map = useScoreMap(score.id);
  const zones = useScoreZones(score.id);
  const pick = usePickTargets(score.id);
  const [selected, setSelected] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const rows = useMemo(() => zones.data?._embedded.zones ?? [], [zones.data]);
  useEffect(() => setPicked(new Set(rows.filter((z) => z.picked).map((z) => z.zone_id))), [rows]);
  const layerName = (code: string) => options.layers.find((l) => l.code === code)?.name ?? code;

  const shapes = useMemo<Zone[]>(
    () =>
      (map.data?.features ?? []).map((f) => ({
        id: f.id,
        code: f.properties.code,
        name: f.properties.name,
        layer: score.layer,
        parent_id: null,
        centroid: [],
        indicators: {},
        geometry: f.geometry,
      })),
    [map.data, score.layer],
  );
  const byId = useMemo(() => new Map((map.data?.features ?? []).map((f) => [f.id, f.properties] as const)), [map.data]);
  const values = useMemo(() => new Map([...byId].map(([id, p]) => [id, 6 - p.priority] as const)), [byId]);
  const describe = (zone: { id: string; name: string }) => {
    const p = byId.get(zone.id);
    return p ? t('tooltip', { name: zone.name, p: p.priority, score: fmt.number(p.score, { maximumFractionDigits: 1 }) }) : zone.name;
  };
  const from = map.data?.interpolated_from ?? [];
  // Election metrics are fractions: shown as percentages.
  const percentMetrics = useMemo(() => new Set(options.metrics.filter((m) => m.kind === 'election').map((m) => m.id)), [options.metrics]);
  const zone = rows.find((z) => z.zone_id === selected) ?? null;

  return (
    <Stack gap="lg">
      <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
        <QueryView query={map}>
          {() => (
            <Suspense fallback={<LoadingState />}>
              <ZoneMap
                zones={shapes}
                label={t('mapLabel', { name: score.name })}
                values={values}
                breaks={BREAKS}
                describe={describe}
                onSelect={setSelected}
              />
            </Suspense>
          )}
        </QueryView>
        <Stack gap={4} mt="sm" component="section" aria-label={t('legend')} data-testid="targeting-legend">
          <Group gap="md" wrap="wrap">
            <Text size="sm" fw={600}>
              {t('legend')}
            </Text>
            {[1, 2, 3, 4, 5].map((p) => (
              <Group key={p} gap={6} wrap="nowrap">
                <Box w={18} h={12} style={{ background: colourOfPriority(p), border: '1px solid #8a94a8', borderRadius: 2 }} />
                <Text size="xs">{t('priority', { p })}</Text>
              </Group>
            ))}
          </Group>
          <Text size="xs" c="dimmed">
            {t('priorityHint')}
          </Text>
        </Stack>
        {from.length > 0 && (
          <Alert color="blue" variant="light" mt="sm" data-testid="interpolated-note">
            <Text size="sm">{t('interpolated', { layers: from.map(layerName).join(', ') })}</Text>
          </Alert>
        )}
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="ranking">
          <Group justify="space-between" mb="sm" wrap="wrap">
            <Title order={2} fz="h4" id="ranking">
              {t('tableTitle')}
            </Title>
            {canPick && (
              <Button size="xs" onClick={() => pick.mutate([...picked])} loading={pick.isPending} data-testid="save-targets">
                {t('saveTargets', { count: picked.size })}
              </Button>
            )}
          </Group>
          {pick.isSuccess && (
            <Text size="sm" c="green" mb="xs" role="status">
              {t('targetsSaved')}
            </Text>
          )}
          {pick.error && <ErrorAlert error={pick.error} />}
          <ScrollArea h={420} type="auto">
            <Table striped highlightOnHover stickyHeader data-testid="ranking-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colRank')}</Table.Th>
                  <Table.Th>{t('colZone')}</Table.Th>
                  <Table.Th ta="right">{t('colScore')}</Table.Th>
                  <Table.Th>{t('colPriority')}</Table.Th>
                  {canPick && <Table.Th>{t('colTarget')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((z) => (
                  <Table.Tr
                    key={z.zone_id}
                    onClick={() => setSelected(z.zone_id)}
                    style={{ cursor: 'pointer' }}
                    bg={z.zone_id === selected ? 'indigo.0' : undefined}
                  >
                    <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{fmt.number(z.rank)}</Table.Td>
                    <Table.Td>{z.name}</Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                      {fmt.number(z.score, { maximumFractionDigits: 1 })}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={z.priority <= 2 ? 'indigo' : 'gray'} variant={z.priority === 1 ? 'filled' : 'light'}>
                        {t('priority', { p: z.priority })}
                      </Badge>
                    </Table.Td>
                    {canPick && (
                      <Table.Td onClick={(e) => e.stopPropagation()}>
                        <Checkbox
                          aria-label={t('pickLabel', { name: z.name })}
                          checked={picked.has(z.zone_id)}
                          onChange={(e) => {
                            const next = new Set(picked);
                            if (e.currentTarget.checked) next.add(z.zone_id);
                            else next.delete(z.zone_id);
                            setPicked(next);
                          }}
                        />
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
        <Explanation zone={zone} layerName={layerName} percentMetrics={percentMetrics} />
      </SimpleGrid>
    </Stack>
  );
}

function Explanation({
  zone,
  layerName,
  percentMetrics,
}: {
  zone: TargetZoneScore | null;
  layerName: (code: string) => string;
  percentMetrics: ReadonlySet<string>;
}) {
  const t = useT(targetingMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const n = (v: number | null, digits = 2) => (v === null ? '—' : fmt.number(v, { maximumFractionDigits: digits }));
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="explain" data-testid="explanation">
      <Title order={2} fz="h4" mb="sm" id="explain">
        {t('explain')}
      </Title>
      {!zone ? (
        <Text size="sm" c="dimmed">
          {t('explainHint')}
        </Text>
      ) : (
        <>
          <Text size="sm" fw={600} mb="xs">
            {t('explainTitle', { name: zone.name, score: n(zone.score, 1), rank: zone.rank })}
          </Text>
          <ScrollArea type="auto">
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colIndicator')}</Table.Th>
                  <Table.Th ta="right">{t('colValue')}</Table.Th>
                  <Table.Th ta="right">{t('colNormalised')}</Table.Th>
                  <Table.Th ta="right">{t('colWeight')}</Table.Th>
                  <Table.Th ta="right">{t('colContribution')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {zone.explanation.map((e) => (
                  <Table.Tr key={e.metric}>
                    <Table.Td>
                      {e.label[locale]}
                      {e.interpolated_from && (
                        <Text size="xs" c="dimmed">
                          {t('interpolatedFrom', { layer: layerName(e.interpolated_from) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {percentMetrics.has(e.metric) && e.value !== null
                        ? fmt.number(e.value, { style: 'percent', maximumFractionDigits: 1 })
                        : n(e.value, 3)}
                    </Table.Td>
                    <Table.Td ta="right">{n(e.normalised)}</Table.Td>
                    <Table.Td ta="right">{n(e.weight)}</Table.Td>
                    <Table.Td ta="right">{n(e.contribution, 1)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </>
      )}
    </Paper>
  );
}
