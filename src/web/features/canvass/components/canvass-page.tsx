// /app/canvass: door-to-door progress (per arrondissement, volunteers with quality flags, teams),
// the door scripts by theme and their A/B tests.
import { Anchor, Badge, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { type Progress, useProgressQuery } from '../api.ts';
import { canvassMessages } from '../messages.ts';
import { ScriptsSection } from './scripts-section.tsx';

type Msg = keyof (typeof canvassMessages)['fr'];

/** The canvassing screen. */
export function CanvassPage() {
  const t = useT(canvassMessages);
  const [days, setDays] = useState('7');
  const progress = useProgressQuery(Number(days));
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Anchor href="/terrain/" target="_blank" rel="noopener">
            {t('openApp')}
          </Anchor>
        }
      />
      <Stack gap="xl">
        <SegmentedControl
          aria-label={t('period')}
          value={days}
          onChange={setDays}
          data={[
            { value: '1', label: t('days1') },
            { value: '7', label: t('days7') },
            { value: '30', label: t('days30') },
          ]}
          style={{ alignSelf: 'flex-start', maxWidth: '100%' }}
        />
        <QueryView query={progress}>{(data) => <ProgressTables data={data} />}</QueryView>
        <ScriptsSection />
      </Stack>
    </>
  );
}

function ProgressTables({ data }: { data: Progress }) {
  const t = useT(canvassMessages);
  const f = useFormat();
  const rate = (r: number | null) => (r === null ? '—' : f.percent(r));
  return (
    <Stack gap="xl">
      <section>
        <Title order={2} size="h4" mb="xs">
          {t('zones')}
        </Title>
        {data.zones.length === 0 ? (
          <EmptyText title={t('noZones')} />
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('zone')}</Table.Th>
                  <Table.Th ta="right">{t('knocked')}</Table.Th>
                  <Table.Th ta="right">{t('target')}</Table.Th>
                  <Table.Th ta="right">{t('contactRate')}</Table.Th>
                  <Table.Th>{t('outcomes')}</Table.Th>
                  <Table.Th ta="right">{t('newContacts')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.zones.map((z) => (
                  <Table.Tr key={z.zone_id}>
                    <Table.Td>{z.name}</Table.Td>
                    <Table.Td ta="right">{f.number(z.knocked_doors)}</Table.Td>
                    <Table.Td ta="right">{f.number(z.target_doors)}</Table.Td>
                    <Table.Td ta="right">{rate(z.contact_rate)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {Object.entries(z.outcomes)
                          .sort((a, b) => b[1] - a[1])
                          .map(([o, n]) => `${t(`outcome_${o}` as Msg)} ${f.number(n)}`)
                          .join(' · ')}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">{f.number(z.new_contacts)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
      <section>
        <Title order={2} size="h4" mb="xs">
          {t('canvassers')}
        </Title>
        {data.canvassers.length === 0 ? (
          <EmptyText title={t('noCanvassers')} />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('canvasser')}</Table.Th>
                  <Table.Th ta="right">{t('doors')}</Table.Th>
                  <Table.Th ta="right">{t('contactRate')}</Table.Th>
                  <Table.Th ta="right">{t('newContacts')}</Table.Th>
                  <Table.Th ta="right">{t('median')}</Table.Th>
                  <Table.Th>{t('flags')}</Table.Th>
                  <Table.Th>{t('lastAt')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.canvassers.map((c) => (
                  <Table.Tr key={c.canvasser_id}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td ta="right">{f.number(c.doors)}</Table.Td>
                    <Table.Td ta="right">{rate(c.contact_rate)}</Table.Td>
                    <Table.Td ta="right">{f.number(c.contacts)}</Table.Td>
                    <Table.Td ta="right">
                      {c.median_seconds_between_doors === null ? '—' : t('seconds', { n: c.median_seconds_between_doors })}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {c.flags.map((flag) => (
                          <Badge key={flag} color="orange" variant="light" style={{ textTransform: 'none' }}>
                            {t(`flag_${flag}` as Msg, { n: c.far_knocks })}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{f.dateTime(c.last_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </section>
      <section>
        <Title order={2} size="h4" mb="xs">
          {t('teams')}
        </Title>
        {data.teams.length === 0 ? (
          <EmptyText title={t('noTeams')} />
        ) : (
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('team')}</Table.Th>
                <Table.Th ta="right">{t('members')}</Table.Th>
                <Table.Th ta="right">{t('doors')}</Table.Th>
                <Table.Th ta="right">{t('contactRate')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.teams.map((team) => (
                <Table.Tr key={team.team_id}>
                  <Table.Td>{team.name}</Table.Td>
                  <Table.Td ta="right">{f.number(team.members)}</Table.Td>
                  <Table.Td ta="right">{f.number(team.doors)}</Table.Td>
                  <Table.Td ta="right">{rate(team.contact_rate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </section>
    </Stack>
  );
}
