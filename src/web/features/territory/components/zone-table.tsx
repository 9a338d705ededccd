// The zones of one layer with the metric on the map and their key indicators (labels and units from
// the server's catalogue), searchable and paginated in the browser; each zone opens its detail.
import { Button, Group, Pagination, Paper, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import type { Zone, ZoneMetric } from '../api.ts';
import { territoryMessages } from '../messages.ts';
import { formatValue, metricLabel } from '../metric-format.ts';

const PAGE_SIZE = 50;
const MAX_INDICATORS = 4;

interface ZoneTableProps {
  zones: Zone[];
  layerName: string;
  /** The metric the map shows, as the first column of figures. */
  metric: ZoneMetric | null;
  values: ReadonlyMap<string, number>;
  /** The layer's own indicators, in the catalogue's order. */
  indicators: ZoneMetric[];
  onOpen: (zoneId: string) => void;
}

/** The table of a layer's zones (code, name, the map's metric, indicators), with a search box. */
export function ZoneTable({ zones, layerName, metric, values, indicators: available, onOpen }: ZoneTableProps) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const indicators = useMemo(() => available.filter((m) => m.id !== metric?.id).slice(0, MAX_INDICATORS), [available, metric]);
  const indicatorName = (m: ZoneMetric) => m.id.slice('indicator:'.length);
  const filtered = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    return q ? zones.filter((z) => z.name.toLocaleLowerCase().includes(q) || z.code.toLocaleLowerCase().includes(q)) : zones;
  }, [zones, query]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = filtered.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <Title order={2} fz="h4">
            {t('tableTitle', { layer: layerName })}
          </Title>
          <TextInput
            label={t('search')}
            placeholder={t('searchPlaceholder')}
            value={query}
            onChange={(e) => {
              setQuery(e.currentTarget.value);
              setPage(1);
            }}
            w={{ base: '100%', xs: 260 }}
            type="search"
          />
        </Group>
        {filtered.length === 0 ? (
          <Text c="dimmed" size="sm" py="md" ta="center">
            {zones.length === 0 ? t('zonesEmpty') : t('noMatch', { query })}
          </Text>
        ) : (
          <>
            <Table.ScrollContainer minWidth={Math.max(480, 320 + (indicators.length + 1) * 130)}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colCode')}</Table.Th>
                    <Table.Th>{t('colName')}</Table.Th>
                    {metric && (
                      <Table.Th ta="right" data-testid="metric-column">
                        {metricLabel(metric, locale)}
                      </Table.Th>
                    )}
                    {indicators.map((m) => (
                      <Table.Th key={m.id} ta="right">
                        {metricLabel(m, locale)}
                      </Table.Th>
                    ))}
                    <Table.Th>
                      <VisuallyHidden>{t('colDetail')}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((zone) => (
                    <Table.Tr key={zone.id} data-testid={`territory-zone-${zone.code}`}>
                      <Table.Td>
                        <Text size="xs" ff="monospace">
                          {zone.code}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
                          {zone.name}
                        </Text>
                      </Table.Td>
                      {metric && (
                        <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {formatValue(fmt, values.get(zone.id), metric.format)}
                        </Table.Td>
                      )}
                      {indicators.map((m) => (
                        <Table.Td key={m.id} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {formatValue(fmt, zone.indicators?.[indicatorName(m)], m.format)}
                        </Table.Td>
                      ))}
                      <Table.Td>
                        <Button
                          size="compact-xs"
                          variant="subtle"
                          onClick={() => onOpen(zone.id)}
                          aria-label={t('openZone', { name: zone.name })}
                        >
                          {t('open')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="xs" c="dimmed">
                {t('shown', {
                  from: fmt.number((current - 1) * PAGE_SIZE + 1),
                  to: fmt.number((current - 1) * PAGE_SIZE + shown.length),
                  total: fmt.number(filtered.length),
                })}
              </Text>
              {pages > 1 && (
                <Pagination total={pages} value={current} onChange={setPage} size="sm" siblings={1} aria-label={t('pagination')} />
              )}
            </Group>
          </>
        )}
      </Stack>
    </Paper>
  );
}
