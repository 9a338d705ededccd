// /app/field: an arrondissement's buildings made from the addresses, cut into turfs (a job whose
// progress is shown), the turfs on a map and in a table (split, merge, assign to a volunteer or a
// team for a day, printable walk list), the teams (name, arrondissement, members), and a building's
// entrances with their access notes and door grid. It opens on the arrondissement of the latest cut.
import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { api } from '../../../api/client.ts';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import {
  type Cut,
  type Team,
  type Turf,
  useBuildingQuery,
  useBuildingsQuery,
  useCanvassersQuery,
  useCutQuery,
  useFieldMutation,
  useLatestCutZoneQuery,
  useTeamQuery,
  useTeamsQuery,
  useTurfsQuery,
} from '../api.ts';
import { fieldMessages } from '../messages.ts';

const TurfMap = lazy(() => import('./turf-map.tsx').then((m) => ({ default: m.TurfMap })));

const today = () => new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });

export function FieldPage() {
  const t = useT(fieldMessages);
  const zones = useZonesQuery('arrondissement', { geometry: true });
  const [zoneId, setZoneId] = useState<string | null>(null);
  const [touched, setTouched] = useState(false);
  const latest = useLatestCutZoneQuery();
  const list = zones.data?._embedded.zones ?? [];
  // Opens on the arrondissement of the latest cut, until the user picks one.
  useEffect(() => {
    if (!touched && zoneId === null && latest.data && list.some((z) => z.id === latest.data)) setZoneId(latest.data);
  }, [touched, zoneId, latest.data, list]);
  const current = list.find((z) => z.id === zoneId) ?? null;
  const zoneOptions = list.map((z) => ({ value: z.id, label: z.name }));
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Stack gap="lg">
        <Select
          label={t('zone')}
          placeholder={t('zonePlaceholder')}
          data={list.map((z) => ({ value: z.id, label: z.name }))}
          value={zoneId}
          onChange={(v) => {
            setTouched(true);
            setZoneId(v);
          }}
          searchable
          maw={360}
        />
        {current ? (
          <ZoneView
            key={current.id}
            zoneId={current.id}
            geometry={(current.geometry as GeoJSON.Geometry) ?? null}
            teams={<TeamsPanel zones={zoneOptions} />}
          />
        ) : (
          <TeamsPanel zones={zoneOptions} />
        )}
      </Stack>
    </>
  );
}

function ZoneView({ zoneId, geometry, teams }: { zoneId: string; geometry: GeoJSON.Geometry | null; teams: ReactNode }) {
  const t = useT(fieldMessages);
  const turfs = useTurfsQuery(zoneId);
  const [selected, setSelected] = useState<string[]>([]);
  const all = turfs.data?._embedded.turfs ?? [];
  return (
    <Stack gap="lg">
      <CutForm zoneId={zoneId} />
      <Suspense fallback={null}>
        <TurfMap zone={geometry} turfs={all} label={t('mapLabel')} selected={selected} />
      </Suspense>
      <TurfTable turfs={all} selected={selected} onSelect={setSelected} />
      {teams}
      <BuildingsPanel zoneId={zoneId} />
    </Stack>
  );
}

function CutForm({ zoneId }: { zoneId: string }) {
  const t = useT(fieldMessages);
  const fmt = useFormat();
  const [target, setTarget] = useState<number>(500);
  const [keep, setKeep] = useState(false);
  const [replace, setReplace] = useState(false);
  const [cutId, setCutId] = useState<string | null>(null);
  const [queued, setQueued] = useState(false);
  const cut = useCutQuery(cutId);
  const start = useFieldMutation(() =>
    api.post<Cut>(`/api/v1/field/zones/${zoneId}/cuts`, { target_doors: target, keep_polling_stations: keep, replace_assigned: replace }),
  );
  const make = useFieldMutation(() => api.post<{ job_id: string }>('/api/v1/field/buildings/make', { zone_id: zoneId }));
  const c = cut.data;
  const stats = c?.stats ?? {};
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('cutTitle')}
      </Title>
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <NumberInput
            label={t('targetDoors')}
            min={10}
            max={5000}
            step={50}
            value={target}
            onChange={(v) => setTarget(Number(v) || 10)}
            w={180}
          />
          <Button
            loading={start.isPending}
            onClick={() =>
              start.mutate(undefined, {
                onSuccess: (r) => setCutId(r.id),
              })
            }
          >
            {t('cut')}
          </Button>
        </Group>
        <Checkbox label={t('keepStations')} checked={keep} onChange={(e) => setKeep(e.currentTarget.checked)} />
        <Checkbox label={t('replaceAssigned')} checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} />
        {start.error && <Alert color="red">{start.error.message}</Alert>}
        {c && c.status !== 'done' && c.status !== 'failed' && (
          <Stack gap={4}>
            <Text size="sm">
              {c.progress.total
                ? t('cutRunning', { done: fmt.number(c.progress.done), total: fmt.number(c.progress.total) })
                : t('cutQueued')}
            </Text>
            <Progress value={c.progress.total ? (100 * c.progress.done) / c.progress.total : 10} animated />
          </Stack>
        )}
        {c?.status === 'done' && (
          <Alert color="green">
            {t('cutDone', {
              turfs: fmt.number(stats.turfs ?? 0),
              min: fmt.number(stats.doors_min ?? 0),
              max: fmt.number(stats.doors_max ?? 0),
              perDoor: fmt.number(stats.metres_per_door ?? 0),
            })}
          </Alert>
        )}
        {c?.status === 'failed' && <Alert color="red">{t('cutFailed')}</Alert>}
        <Group gap="sm" wrap="wrap">
          <Button variant="light" loading={make.isPending} onClick={() => make.mutate(undefined, { onSuccess: () => setQueued(true) })}>
            {t('makeBuildings')}
          </Button>
          {queued && <Text size="sm">{t('buildingsQueued')}</Text>}
        </Group>
        <Text size="xs" c="dimmed">
          {t('makeBuildingsHint')}
        </Text>
      </Stack>
    </Paper>
  );
}

function TurfTable({ turfs, selected, onSelect }: { turfs: Turf[]; selected: string[]; onSelect: (ids: string[]) => void }) {
  const t = useT(fieldMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const canvassers = useCanvassersQuery();
  const teams = useTeamsQuery();
  const [kind, setKind] = useState<'person' | 'team'>('person');
  const [who, setWho] = useState<string | null>(null);
  const [team, setTeam] = useState<string | null>(null);
  const [day, setDay] = useState(today());
  const assignee = kind === 'person' ? who : team;
  const assign = useFieldMutation((turfId: string) =>
    api.post(
      `/api/v1/field/turfs/${turfId}/assignments`,
      kind === 'person' ? { staff_user_id: who, on_date: day } : { team_id: team, on_date: day },
    ),
  );
  const split = useFieldMutation((turfId: string) => api.post(`/api/v1/field/turfs/${turfId}/split`, {}));
  const merge = useFieldMutation(() => api.post('/api/v1/field/turfs/merge', { turf_ids: selected }));
  if (turfs.length === 0) return <Text c="dimmed">{t('turfsEmpty')}</Text>;
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('turfsTitle')}
      </Title>
      <Group align="flex-end" mb="sm" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="field-assign-kind">
            {t('assignKind')}
          </Text>
          <SegmentedControl
            aria-labelledby="field-assign-kind"
            value={kind}
            onChange={(v) => setKind(v as 'person' | 'team')}
            data={[
              { value: 'person', label: t('assignToPerson') },
              { value: 'team', label: t('assignToTeam') },
            ]}
          />
        </Stack>
        {kind === 'person' ? (
          <Select
            label={t('assignTo')}
            data={(canvassers.data?._embedded.canvassers ?? []).map((c) => ({ value: c.user_id, label: c.name }))}
            value={who}
            onChange={setWho}
            searchable
            w={220}
          />
        ) : (
          <Select
            label={t('assignToTeam')}
            data={(teams.data?._embedded.teams ?? []).map((x) => ({ value: x.id, label: x.name }))}
            value={team}
            onChange={setTeam}
            searchable
            w={220}
          />
        )}
        <TextInput type="date" label={t('assignDate')} value={day} onChange={(e) => setDay(e.currentTarget.value)} w={170} />
        <Button variant="light" disabled={selected.length < 2} onClick={() => merge.mutate(undefined, { onSuccess: () => onSelect([]) })}>
          {t('merge')}
        </Button>
      </Group>
      {assign.error && (
        <Alert color="red" mb="sm">
          {assign.error.message}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={560}>
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th>{t('colName')}</Table.Th>
              <Table.Th ta="right">{t('colDoors')}</Table.Th>
              <Table.Th ta="right">{t('colBuildings')}</Table.Th>
              <Table.Th ta="right">{t('colMetres')}</Table.Th>
              <Table.Th>{t('colAssigned')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {turfs.map((turf) => (
              <Table.Tr key={turf.id}>
                <Table.Td>
                  <Checkbox
                    aria-label={t('select', { name: turf.name })}
                    checked={selected.includes(turf.id)}
                    onChange={(e) => onSelect(e.currentTarget.checked ? [...selected, turf.id] : selected.filter((id) => id !== turf.id))}
                  />
                </Table.Td>
                <Table.Td>{turf.name}</Table.Td>
                <Table.Td ta="right">{fmt.number(turf.doors)}</Table.Td>
                <Table.Td ta="right">{fmt.number(turf.buildings)}</Table.Td>
                <Table.Td ta="right">{fmt.number(turf.metres_per_door)}</Table.Td>
                <Table.Td>
                  {turf.assignments.length ? turf.assignments.map((a) => `${a.assignee} (${fmt.date(a.on_date)})`).join(', ') : t('none')}
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Button size="xs" disabled={!assignee} onClick={() => assign.mutate(turf.id)}>
                      {t('assign')}
                    </Button>
                    <Button size="xs" variant="subtle" onClick={() => split.mutate(turf.id)}>
                      {t('split')}
                    </Button>
                    <Anchor size="sm" href={`/api/v1/field/turfs/${turf.id}/walk-list.pdf?lang=${locale}`} target="_blank">
                      {t('walkList')}
                    </Anchor>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function TeamsPanel({ zones }: { zones: { value: string; label: string }[] }) {
  const t = useT(fieldMessages);
  const fmt = useFormat();
  const teams = useTeamsQuery();
  const [name, setName] = useState('');
  const [zone, setZone] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const create = useFieldMutation(() => api.post('/api/v1/field/teams', { name, zone_id: zone }));
  const remove = useFieldMutation((id: string) => api.delete(`/api/v1/field/teams/${id}`));
  const zoneName = (id: string | null) => (id ? (zones.find((z) => z.value === id)?.label ?? '') : t('teamZoneNone'));
  const all = teams.data?._embedded.teams ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('teamsTitle')}
      </Title>
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <TextInput label={t('teamName')} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} w={220} />
          <Select
            label={t('teamZone')}
            placeholder={t('teamZoneNone')}
            data={zones}
            value={zone}
            onChange={setZone}
            clearable
            searchable
            w={220}
          />
          <Button
            disabled={!name.trim()}
            loading={create.isPending}
            onClick={() => create.mutate(undefined, { onSuccess: () => setName('') })}
          >
            {t('teamCreate')}
          </Button>
        </Group>
        {create.error && <Alert color="red">{create.error.message}</Alert>}
        {remove.error && <Alert color="red">{remove.error.message}</Alert>}
        {all.length === 0 && <Text c="dimmed">{t('teamsEmpty')}</Text>}
        {all.map((team: Team) => (
          <Paper key={team.id} withBorder p="sm">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <div>
                <Text fw={600}>{team.name}</Text>
                <Text size="sm" c="dimmed">
                  {zoneName(team.zone_id)} · {t('teamMembersCount', { n: fmt.number(team.members) })}
                </Text>
              </div>
              <Group gap={6}>
                <Button size="xs" variant="light" onClick={() => setEditing(editing === team.id ? null : team.id)}>
                  {t('teamEdit')}
                </Button>
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  onClick={() => {
                    if (window.confirm(t('teamDeleteConfirm', { name: team.name }))) remove.mutate(team.id);
                  }}
                >
                  {t('teamDelete')}
                </Button>
              </Group>
            </Group>
            {editing === team.id && <TeamEditor teamId={team.id} zones={zones} onDone={() => setEditing(null)} />}
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}

function TeamEditor({ teamId, zones, onDone }: { teamId: string; zones: { value: string; label: string }[]; onDone: () => void }) {
  const t = useT(fieldMessages);
  const team = useTeamQuery(teamId);
  const canvassers = useCanvassersQuery();
  const [name, setName] = useState<string | null>(null);
  const [zone, setZone] = useState<string | null | undefined>(undefined);
  const [members, setMembers] = useState<string[] | null>(null);
  const d = team.data;
  const save = useFieldMutation(async () => {
    if (!d) return;
    await api.patch(`/api/v1/field/teams/${teamId}`, { name: name ?? d.name, zone_id: zone === undefined ? d.zone_id : zone });
    await api.put(`/api/v1/field/teams/${teamId}/members`, { staff_user_ids: members ?? d._embedded.members.map((m) => m.user_id) });
  });
  if (!d) return null;
  const options = new Map((canvassers.data?._embedded.canvassers ?? []).map((c) => [c.user_id, c.name]));
  for (const m of d._embedded.members) if (!options.has(m.user_id)) options.set(m.user_id, m.name);
  return (
    <Stack gap="xs" mt="sm">
      <Group align="flex-end" wrap="wrap">
        <TextInput label={t('teamName')} value={name ?? d.name} onChange={(e) => setName(e.currentTarget.value)} maxLength={80} w={220} />
        <Select
          label={t('teamZone')}
          placeholder={t('teamZoneNone')}
          data={zones}
          value={zone === undefined ? d.zone_id : zone}
          onChange={setZone}
          clearable
          searchable
          w={220}
        />
      </Group>
      <MultiSelect
        label={t('teamMembers')}
        data={[...options].map(([value, label]) => ({ value, label }))}
        value={members ?? d._embedded.members.map((m) => m.user_id)}
        onChange={setMembers}
        searchable
        maw={460}
      />
      {save.error && <Alert color="red">{save.error.message}</Alert>}
      <Group gap="sm">
        <Button size="sm" loading={save.isPending} onClick={() => save.mutate(undefined, { onSuccess: onDone })}>
          {t('teamSave')}
        </Button>
        <Button size="sm" variant="subtle" onClick={onDone}>
          {t('teamCancel')}
        </Button>
      </Group>
    </Stack>
  );
}

function BuildingsPanel({ zoneId }: { zoneId: string }) {
  const t = useT(fieldMessages);
  const fmt = useFormat();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const buildings = useBuildingsQuery(zoneId, q);
  return (
    <Paper withBorder p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('buildingsTitle')}
      </Title>
      <TextInput label={t('buildingsSearch')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={360} mb="sm" />
      <Stack gap={4}>
        {(buildings.data?._embedded.buildings ?? []).map((b) => (
          <div key={b.id}>
            <Anchor component="button" type="button" onClick={() => setOpen(open === b.id ? null : b.id)}>
              {b.label}
            </Anchor>{' '}
            <Text span size="sm" c="dimmed">
              {t('doorsCount', { n: fmt.number(b.doors) })} · {t(`doorsSource_${b.doors_source}`)}
            </Text>
            {open === b.id && <EntranceEditor buildingId={b.id} />}
          </div>
        ))}
      </Stack>
    </Paper>
  );
}

function EntranceEditor({ buildingId }: { buildingId: string }) {
  const t = useT(fieldMessages);
  const fmt = useFormat();
  const building = useBuildingQuery(buildingId);
  const [label, setLabel] = useState('');
  const [note, setNote] = useState('');
  const [floors, setFloors] = useState<number>(5);
  const [perFloor, setPerFloor] = useState<number>(2);
  const add = useFieldMutation(() =>
    api.post(`/api/v1/field/buildings/${buildingId}/entrances`, { label, access_note: note, floors, doors_per_floor: perFloor }),
  );
  return (
    <Paper withBorder p="sm" my="xs">
      <Text fw={600} size="sm">
        {t('entrances')}
      </Text>
      {(building.data?.entrance_list ?? []).map((e) => (
        <Text key={e.id} size="sm">
          {e.label || '—'} · {e.access_note || '—'} · {t('floors')} {fmt.number(e.floors)} × {fmt.number(e.doors_per_floor)} (
          {t('doorsCount', { n: fmt.number(e.doors) })})
        </Text>
      ))}
      <Group align="flex-end" mt="xs" wrap="wrap">
        <TextInput label={t('entranceLabel')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} w={140} />
        <TextInput label={t('accessNote')} value={note} onChange={(e) => setNote(e.currentTarget.value)} w={220} />
        <NumberInput label={t('floors')} min={0} max={80} value={floors} onChange={(v) => setFloors(Number(v) || 0)} w={100} />
        <NumberInput label={t('doorsPerFloor')} min={0} max={100} value={perFloor} onChange={(v) => setPerFloor(Number(v) || 0)} w={130} />
        <Button size="sm" loading={add.isPending} onClick={() => add.mutate(undefined)}>
          {t('addEntrance')}
        </Button>
      </Group>
    </Paper>
  );
}
