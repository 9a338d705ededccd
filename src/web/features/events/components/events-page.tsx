// /app/events: the campaign's events (coming, proposals to approve, all), each linked to its page
// (editor, RSVPs, check-in); a new event.
import { Anchor, Badge, Button, Group, Stack, Table, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { type EventDoc, useEventsQuery } from '../api.ts';
import { eventsMessages } from '../messages.ts';

export const STATUS_COLORS: Record<EventDoc['relais:status'], string> = {
  proposed: 'yellow',
  published: 'teal',
  rejected: 'gray',
  cancelled: 'red',
};

export function EventsPage() {
  const t = useT(eventsMessages);
  const fmt = useFormat();
  const [tab, setTab] = useState<string>('upcoming');
  const canPropose = useCan('events.propose');
  const canRead = useCan('events.read');
  const events = useEventsQuery(tab === 'upcoming' ? { upcoming: true } : tab === 'proposed' ? { status: 'proposed' } : {});
  return (
    <Stack>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canPropose ? (
            <Button component={Link} to="/events/new" leftSection={<Icon name="plus" size={16} />}>
              {t('create')}
            </Button>
          ) : null
        }
      />
      <Tabs value={tab} onChange={(v) => setTab(v ?? 'upcoming')}>
        <Tabs.List>
          <Tabs.Tab value="upcoming">{t('upcoming')}</Tabs.Tab>
          {canRead ? <Tabs.Tab value="proposed">{t('proposed')}</Tabs.Tab> : null}
          <Tabs.Tab value="all">{t('all')}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <QueryView query={events}>
        {(data) =>
          data._embedded['osdi:events'].length === 0 ? (
            <Text c="dimmed">{t('none')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={340}>
              <Table verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colTitle')}</Table.Th>
                    <Table.Th visibleFrom="sm">{t('colType')}</Table.Th>
                    <Table.Th>{t('colSeats')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data._embedded['osdi:events'].map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/events/${e.id}`} fw={600}>
                          {e.title}
                        </Anchor>
                        <Group gap="xs">
                          <Text size="sm" c="dimmed">
                            {fmt.dateTime(e.start_date)}
                          </Text>
                          {e['relais:status'] !== 'published' ? (
                            <Badge color={STATUS_COLORS[e['relais:status']]} variant="light" size="sm">
                              {t(`status_${e['relais:status']}`)}
                            </Badge>
                          ) : null}
                        </Group>
                      </Table.Td>
                      <Table.Td visibleFrom="sm">{t(`type_${e['relais:event_type']}`)}</Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {e.capacity === null
                            ? t('seats', { going: e.total_accepted })
                            : t('seatsOf', { going: e['relais:seats_taken'], capacity: e.capacity })}
                        </Text>
                        {e['relais:waitlisted'] > 0 ? (
                          <Text size="sm" c="orange.8">
                            {t('waiting', { count: e['relais:waitlisted'] })}
                          </Text>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Stack>
  );
}
