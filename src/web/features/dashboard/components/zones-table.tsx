// The arrondissements table of the dashboard: people count and ladder breakdown per zone.
import { Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { EmptyState } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { DashboardZone } from '../api.ts';
import { dashboardMessages } from '../messages.ts';
import { StageBar, StageLegend, type StageNamer } from './stage-bar.tsx';

/** One row per zone with data-testid="zone-row-<code>"; the bar is relative to the zone's own total. */
export function ZonesTable({ zones, name }: { zones: DashboardZone[]; name: StageNamer }) {
  const t = useT(dashboardMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const bar = (zone: DashboardZone) =>
    zone.people_total > 0 ? (
      <StageBar byStage={zone.by_stage} label={t('breakdownOf', { zone: zone.name })} size={phone ? 'sm' : 'md'} name={name} />
    ) : (
      <Text size="xs" c="dimmed">
        {t('noPeople')}
      </Text>
    );
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Stack gap="sm">
        <Title order={2} fz="h4">
          {t('zonesTitle')}
        </Title>
        <StageLegend name={name} />
        {zones.length === 0 ? (
          <EmptyState>
            <Text c="dimmed">{t('zonesEmpty')}</Text>
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={phone ? 300 : 480}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colZone')}</Table.Th>
                  <Table.Th ta="right">{t('colPeople')}</Table.Th>
                  {!phone && <Table.Th w="45%">{t('colBreakdown')}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {zones.map((zone) => (
                  <Table.Tr key={zone.id} data-testid={`zone-row-${zone.code}`}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {zone.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {zone.code}
                      </Text>
                      {phone && <div style={{ marginTop: 6 }}>{bar(zone)}</div>}
                    </Table.Td>
                    <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }} data-testid={`zone-people-${zone.code}`}>
                      {fmt.number(zone.people_total)}
                    </Table.Td>
                    {!phone && <Table.Td>{bar(zone)}</Table.Td>}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}
