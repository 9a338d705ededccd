// A zone's detail in a drawer: the campaign's people there, its public indicators with their words
// and units, and each election's results (turnout, votes and shares per list or candidate).
import { Badge, Button, Drawer, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { QueryView } from '../../../ui/query-view.tsx';
import { useZoneProfileQuery, type ZoneProfile } from '../api.ts';
import { territoryMessages } from '../messages.ts';
import { formatValue, metricLabel } from '../metric-format.ts';

const FIRST_CANDIDATES = 8;

/** The drawer of the zone picked on the map or in the table (closed when zoneId is null). */
export function ZoneDetail({
  zoneId,
  onClose,
  layerName,
}: {
  zoneId: string | null;
  onClose: () => void;
  layerName: (code: string | null) => string;
}) {
  const t = useT(territoryMessages);
  const phone = useMediaQuery('(max-width: 48em)');
  const profile = useZoneProfileQuery(zoneId);
  return (
    <Drawer
      opened={zoneId !== null}
      onClose={onClose}
      position="right"
      size={phone ? '100%' : 'lg'}
      title={profile.data ? <ZoneTitle profile={profile.data} /> : ''}
      closeButtonProps={{ 'aria-label': t('close') }}
      data-testid="zone-detail"
    >
      {zoneId && <QueryView query={profile}>{(data) => <ZoneBody profile={data} layerName={layerName} />}</QueryView>}
    </Drawer>
  );
}

function ZoneTitle({ profile }: { profile: ZoneProfile }) {
  return (
    <Stack gap={0}>
      <Text fw={700}>{profile.zone.name}</Text>
      <Text size="xs" c="dimmed">
        {profile.layer_name}
      </Text>
    </Stack>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Paper withBorder radius="sm" p="xs">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
    </Paper>
  );
}

function ZoneBody({ profile, layerName }: { profile: ZoneProfile; layerName: (code: string | null) => string }) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  return (
    <Stack gap="lg">
      <Figure label={t('detailPeople')} value={fmt.number(profile.people)} />
      <section aria-labelledby="zone-indicators">
        <Title order={3} fz="h5" mb="xs" id="zone-indicators">
          {t('detailIndicators')}
        </Title>
        {profile.indicators.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('detailNoIndicators')}
          </Text>
        ) : (
          <Table striped data-testid="zone-indicators">
            <Table.Tbody>
              {profile.indicators.map((i) => (
                <Table.Tr key={i.name}>
                  <Table.Td>
                    <Text size="sm">{metricLabel(i, locale)}</Text>
                    {i.source_layer && (
                      <Text size="xs" c="dimmed">
                        {t(i.origin === 'around' ? 'originAround' : 'originWithin', { layer: layerName(i.source_layer) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                    {formatValue(fmt, i.value, i.format)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
      <section aria-labelledby="zone-results">
        <Title order={3} fz="h5" mb="xs" id="zone-results">
          {t('detailResults')}
        </Title>
        {profile.elections.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('detailNoResults')}
          </Text>
        ) : (
          <Stack gap="md">
            {profile.elections.map((e) => (
              <ElectionCard key={`${e.election}-${e.round}`} election={e} />
            ))}
          </Stack>
        )}
      </section>
    </Stack>
  );
}

function ElectionCard({ election }: { election: ZoneProfile['elections'][number] }) {
  const t = useT(territoryMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const [all, setAll] = useState(false);
  const shown = all ? election.candidates : election.candidates.slice(0, FIRST_CANDIDATES);
  const percent = (v: number | null) => formatValue(fmt, v, 'percent');
  return (
    <Paper withBorder radius="md" p="sm" data-testid={`election-${election.election}-${election.round}`}>
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Text fw={600}>{election.label}</Text>
        <Badge variant="light" color="gray">
          {t('stations', { count: election.stations })}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 2, xs: 4 }} spacing="xs" mb="sm">
        <Figure label={t('registered')} value={fmt.number(election.registered)} />
        {election.voters !== null && <Figure label={t('voters')} value={fmt.number(election.voters)} />}
        <Figure label={t('expressed')} value={fmt.number(election.expressed)} />
        <Figure label={election.turnout_label[locale]} value={percent(election.turnout)} />
      </SimpleGrid>
      <Table.ScrollContainer minWidth={320}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colCandidate')}</Table.Th>
              <Table.Th ta="right">{t('colVotes')}</Table.Th>
              <Table.Th ta="right">{t('colShare')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((c) => (
              <Table.Tr key={c.name}>
                <Table.Td>
                  <Text size="sm">{c.name}</Text>
                  {c.nuance && (
                    <Text size="xs" c="dimmed">
                      {t('nuanceLine', { nuance: c.nuance })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                  {fmt.number(c.votes)}
                </Table.Td>
                <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                  {percent(c.share)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {election.candidates.length > FIRST_CANDIDATES && (
        <Button variant="subtle" size="compact-sm" mt="xs" onClick={() => setAll(!all)}>
          {all ? t('showFewer') : t('showAll', { count: election.candidates.length })}
        </Button>
      )}
    </Paper>
  );
}
