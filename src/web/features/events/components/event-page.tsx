// /app/events/:id (and /app/events/new): the event's editor, its approval when a volunteer proposed
// it, its RSVPs in the waitlist's order linked to the person pages, and the way to the door check-in.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useErrorMessage } from '../../../ui/use-error-message.ts';
import { useCan } from '../../session/session-context.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import {
  type EventDoc,
  type EventInput,
  useAttendancesQuery,
  useDeclineAttendance,
  useEventAction,
  useEventQuery,
  useSaveEvent,
} from '../api.ts';
import { eventsMessages } from '../messages.ts';
import { STATUS_COLORS } from './events-page.tsx';

const TYPES = ['popup', 'meeting', 'canvass', 'hackathon', 'online'] as const;

/** An instant as a datetime-local input shows it (the browser's clocks: the staff's, in Paris). */
function localInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

interface Draft {
  type: EventInput['relais:event_type'];
  zone: string;
  title: string;
  description: string;
  start: string;
  end: string;
  venue: string;
  address: string;
  link: string;
  capacity: number | string;
  lat: number | string;
  lng: number | string;
}

function draftOf(e: EventDoc | undefined): Draft {
  return {
    type: e?.['relais:event_type'] ?? 'meeting',
    zone: e?.['relais:zone_id'] ?? '',
    title: e?.title ?? '',
    description: e?.description ?? '',
    start: localInput(e?.start_date),
    end: localInput(e?.end_date),
    venue: e?.location.venue ?? '',
    address: e?.location.address_lines.join(', ') ?? '',
    link: e?.['relais:online_url'] ?? '',
    capacity: e?.capacity ?? '',
    lat: e?.location.location?.latitude ?? '',
    lng: e?.location.location?.longitude ?? '',
  };
}

function EventEditor({ event }: { event: EventDoc | undefined }) {
  const t = useT(eventsMessages);
  const navigate = useNavigate();
  const save = useSaveEvent(event?.id);
  const describe = useErrorMessage({
    EVENT_ZONE_INVALID: t('errZone'),
    EVENT_PLACE_MISSING: t('errPlace'),
    EVENT_DATES_INVALID: t('errDates'),
  });
  const [d, setD] = useState<Draft>(() => draftOf(event));
  const [saved, setSaved] = useState(false);
  useEffect(() => setD(draftOf(event)), [event]);
  const set = (k: keyof Draft) => (v: string | number | null) => setD((prev) => ({ ...prev, [k]: v ?? '' }));
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    setSaved(false);
    const iso = (s: string) => (s ? new Date(s).toISOString() : '');
    const body = {
      'relais:event_type': d.type,
      title: d.title,
      description: d.description,
      start_date: iso(d.start),
      end_date: iso(d.end),
      location: {
        venue: d.venue,
        address_lines: d.address ? [d.address] : [],
        location: d.lat !== '' && d.lng !== '' ? { latitude: Number(d.lat), longitude: Number(d.lng) } : null,
      },
      'relais:online_url': d.type === 'online' ? d.link || null : null,
      capacity: d.capacity === '' ? null : Number(d.capacity),
      'relais:zone_id': d.zone || null,
    };
    save.mutate(body, {
      onSuccess: (doc) => {
        setSaved(true);
        if (!event) navigate(`/events/${doc.id}`);
      },
    });
  };
  return (
    <Paper withBorder radius="md" p="md" component="form" onSubmit={submit}>
      <Stack>
        <Title order={2} size="h4">
          {event ? t('editTitle') : t('newTitle')}
        </Title>
        {save.error ? <Alert color="red">{describe(save.error).message}</Alert> : null}
        {saved ? <Alert color="teal">{t('saved')}</Alert> : null}
        <TextInput label={t('fieldTitle')} required value={d.title} onChange={(e) => set('title')(e.currentTarget.value)} maxLength={200} />
        <Select
          label={t('fieldType')}
          data={TYPES.map((v) => ({ value: v, label: t(`type_${v}`) }))}
          value={d.type}
          onChange={set('type')}
          allowDeselect={false}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            type="datetime-local"
            label={t('fieldStart')}
            required
            value={d.start}
            onChange={(e) => set('start')(e.currentTarget.value)}
          />
          <TextInput
            type="datetime-local"
            label={t('fieldEnd')}
            required
            value={d.end}
            onChange={(e) => set('end')(e.currentTarget.value)}
          />
        </SimpleGrid>
        {d.type === 'online' ? (
          <TextInput
            type="url"
            label={t('fieldLink')}
            value={d.link}
            onChange={(e) => set('link')(e.currentTarget.value)}
            placeholder="https://"
          />
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('fieldVenue')} value={d.venue} onChange={(e) => set('venue')(e.currentTarget.value)} />
            <TextInput label={t('fieldAddress')} value={d.address} onChange={(e) => set('address')(e.currentTarget.value)} />
            <NumberInput
              label={t('fieldLat')}
              value={d.lat}
              onChange={set('lat')}
              decimalScale={6}
              min={-90}
              max={90}
              decimalSeparator=","
            />
            <NumberInput
              label={t('fieldLng')}
              value={d.lng}
              onChange={set('lng')}
              decimalScale={6}
              min={-180}
              max={180}
              decimalSeparator=","
            />
          </SimpleGrid>
        )}
        <NumberInput label={t('fieldCapacity')} value={d.capacity} onChange={set('capacity')} min={1} allowDecimal={false} />
        <Textarea
          label={t('fieldDescription')}
          value={d.description}
          onChange={(e) => set('description')(e.currentTarget.value)}
          autosize
          minRows={3}
          maxLength={5000}
        />
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('save')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

function Attendances({ eventId, canWrite }: { eventId: string; canWrite: boolean }) {
  const t = useT(eventsMessages);
  const list = useAttendancesQuery(eventId);
  const decline = useDeclineAttendance(eventId);
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} size="h4" mb="sm">
        {t('attendances')}
      </Title>
      <QueryView query={list}>
        {(data) =>
          data._embedded['osdi:attendances'].length === 0 ? (
            <Text c="dimmed">{t('noAttendances')}</Text>
          ) : (
            <Table.ScrollContainer minWidth={320}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colName')}</Table.Th>
                    <Table.Th>{t('colRsvp')}</Table.Th>
                    <Table.Th visibleFrom="sm">{t('colGuests')}</Table.Th>
                    <Table.Th>{t('colAttended')}</Table.Th>
                    {canWrite ? <Table.Th /> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data._embedded['osdi:attendances'].map((a) => (
                    <Table.Tr key={a.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/people/${a.person_id}`}>
                          {a['relais:person_name'] || a['relais:email']}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="light"
                          color={a['relais:status'] === 'going' ? 'teal' : a['relais:status'] === 'waitlisted' ? 'orange' : 'gray'}
                        >
                          {t(`rsvp_${a['relais:status']}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td visibleFrom="sm">{a.guests}</Table.Td>
                      <Table.Td>{a.attended ? t('yes') : t('no')}</Table.Td>
                      {canWrite ? (
                        <Table.Td>
                          {a['relais:status'] !== 'cancelled' ? (
                            <Button size="compact-sm" variant="subtle" color="red" onClick={() => decline.mutate(a.id)}>
                              {t('decline')}
                            </Button>
                          ) : null}
                        </Table.Td>
                      ) : null}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Paper>
  );
}

export function EventPage() {
  const t = useT(eventsMessages);
  const { id } = useParams();
  const isNew = id === undefined || id === 'new';
  const event = useEventQuery(isNew ? undefined : id);
  const action = useEventAction(isNew ? undefined : id);
  const canWrite = useCan('events.write');
  const canSeeAttendees = useCan('events.attendees');
  const [confirming, setConfirming] = useState(false);
  if (isNew) {
    return (
      <Stack>
        <PageHeader title={t('newTitle')} />
        <EventEditor event={undefined} />
      </Stack>
    );
  }
  return (
    <QueryView query={event}>
      {(e) => (
        <Stack>
          <PageHeader
            title={e.title}
            description={
              <Badge color={STATUS_COLORS[e['relais:status']]} variant="light">
                {t(`status_${e['relais:status']}`)}
              </Badge>
            }
            actions={
              <Group gap="xs">
                <Button component={Link} to={`/events/${e.id}/checkin`} variant="light">
                  {t('checkin')}
                </Button>
                {e['relais:status'] === 'published' || e['relais:status'] === 'cancelled' ? (
                  <Button component="a" href={`/evenements/${e.id}`} variant="subtle">
                    {t('publicPage')}
                  </Button>
                ) : null}
              </Group>
            }
          />
          {canWrite && e['relais:status'] === 'proposed' ? (
            <Group>
              <Button color="teal" onClick={() => action.mutate('approve')} loading={action.isPending}>
                {t('approve')}
              </Button>
              <Button color="gray" variant="light" onClick={() => action.mutate('reject')}>
                {t('reject')}
              </Button>
            </Group>
          ) : null}
          {canWrite ? <EventEditor event={e} /> : null}
          {canSeeAttendees ? <Attendances eventId={e.id} canWrite={canWrite} /> : null}
          {canWrite && e['relais:status'] === 'published' ? (
            <Group>
              <Button color="red" variant="light" onClick={() => setConfirming(true)}>
                {t('cancelEvent')}
              </Button>
            </Group>
          ) : null}
          <ConfirmModal
            opened={confirming}
            onClose={() => setConfirming(false)}
            title={t('cancelEvent')}
            confirmLabel={t('cancelEvent')}
            onConfirm={() => {
              setConfirming(false);
              action.mutate('cancel');
            }}
          >
            <Text>{t('cancelConfirm')}</Text>
          </ConfirmModal>
        </Stack>
      )}
    </QueryView>
  );
}
