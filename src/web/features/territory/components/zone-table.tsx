// The zones of one layer with their key indicators, searchable and paginated in the browser.
import { Group, Pagination, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { Zone } from '../api.ts';
import { territoryMessages } from '../messages.ts';

const PAGE_SIZE = 50;
const MAX_INDICATORS = 6;

/** "logements_sociaux" → "Logements sociaux": indicator names come from imported files. */
export function humanizeIndicator(name: string): string {
  const spaced = name.replace(/[_-]+/g, ' ').trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** Indicator names present on the zones, the most common first, capped to keep the table readable. */
export function pickIndicators(zones: Zone[]): string[] {
  const counts = new Map<string, number>();
  for (const zone of zones) {
    for (const [name, value] of Object.entries(zone.indicators ?? {})) {
      if (Number.isFinite(value)) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_INDICATORS)
    .map(([name]) => name);
}

/** The table of a layer's zones (code, name, indicators), with a search box. */
export function ZoneTable({ zones, layerName }: { zones: Zone[]; layerName: string }) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const indicators = useMemo(() => pickIndicators(zones), [zones]);
  const filtered = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    return q ? zones.filter((z) => z.name.toLocaleLowerCase().includes(q) || z.code.toLocaleLowerCase().includes(q)) : zones;
  }, [zones, query]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = filtered.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);

  const format = (value: number | string | null | undefined) =>
    typeof value === 'number' ? fmt.number(value) : value === null || value === undefined || value === '' ? '—' : String(value);

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
            <Table.ScrollContainer minWidth={Math.max(480, 240 + indicators.length * 130)}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colCode')}</Table.Th>
                    <Table.Th>{t('colName')}</Table.Th>
                    {indicators.map((name) => (
                      <Table.Th key={name} ta="right">
                        {humanizeIndicator(name)}
                      </Table.Th>
                    ))}
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
                      {indicators.map((name) => (
                        <Table.Td key={name} ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                          {format(zone.indicators?.[name])}
                        </Table.Td>
                      ))}
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
