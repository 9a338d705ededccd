// /app/settings/calendar: the election calendar — the banner of the next electoral silence, the
// election (name and kind), its rounds (add, edit, remove). For the campaign's director and owners
// (calendar.write); every member reads the next round on the home screen.

import { Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { SectionHeading } from '../../../ui/section-heading.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { SavedNote } from '../../settings/components/saved-note.tsx';
import { type Calendar, ELECTION_KINDS, type ElectionKind, type Round, useCalendarQuery, useDeleteRound, useSaveElection } from '../api.ts';
import { formatDay, formatInstant, roundName, zoneName } from '../format.ts';
import { calendarMessages } from '../messages.ts';
import { RoundModal } from './round-modal.tsx';
import { SilenceBanner } from './silence-banner.tsx';

const MAX_NAME = 200;

/** The calendar section of the settings. */
export function CalendarSettings() {
  const calendar = useCalendarQuery();
  return (
    <QueryView query={calendar}>
      {(data) => (
        <Stack gap="lg">
          <SilenceBanner calendar={data} />
          <ElectionForm election={data.election} />
          <RoundsPanel calendar={data} />
        </Stack>
      )}
    </QueryView>
  );
}

function ElectionForm({ election }: { election: Calendar['election'] }) {
  const t = useT(calendarMessages);
  const save = useSaveElection();
  const [name, setName] = useState(election?.name ?? '');
  const [kind, setKind] = useState<ElectionKind>(election?.kind ?? 'municipal');
  const [touched, setTouched] = useState(false);
  const dirty = name !== (election?.name ?? '') || kind !== (election?.kind ?? 'municipal');
  const nameError = !name.trim() || name.trim().length > MAX_NAME ? t('electionNameRequired') : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameError) return;
    save.mutate({ name: name.trim(), kind });
  };

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="election-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <SectionHeading id="election-title" title={t('electionTitle')} hint={t('electionHint')} />
          {save.isError && <ErrorAlert error={save.error} />}
          <Group align="flex-start" gap="sm" grow preventGrowOverflow={false} wrap="wrap">
            <TextInput
              label={t('electionName')}
              placeholder={t('electionNamePlaceholder')}
              required
              maxLength={MAX_NAME}
              value={name}
              onChange={(e) => {
                save.reset();
                setName(e.currentTarget.value);
              }}
              error={touched && nameError}
              style={{ flex: '2 1 16rem' }}
            />
            <Select
              label={t('electionKind')}
              data={ELECTION_KINDS.map((k) => ({ value: k, label: t(`kind_${k}`) }))}
              value={kind}
              onChange={(value) => {
                save.reset();
                if (value) setKind(value as ElectionKind);
              }}
              allowDeselect={false}
              style={{ flex: '1 1 12rem' }}
            />
          </Group>
          <Group justify="flex-end" gap="sm">
            <SavedNote dirty={dirty} saved={save.isSuccess} />
            <Button type="submit" loading={save.isPending}>
              {t('saveElection')}
            </Button>
          </Group>
        </Stack>
      </form>
      <LeaveGuard dirty={dirty} />
    </Paper>
  );
}

function RoundsPanel({ calendar }: { calendar: Calendar }) {
  const t = useT(calendarMessages);
  const { locale } = useLocale();
  const remove = useDeleteRound();
  const [editing, setEditing] = useState<Round | 'new' | null>(null);
  const [removing, setRemoving] = useState<Round | null>(null);
  const closeRemove = () => {
    setRemoving(null);
    remove.reset();
  };
  const hasElection = calendar.election !== null;

  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="rounds-title">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end" gap="sm">
          <SectionHeading id="rounds-title" title={t('roundsTitle')} hint={hasElection ? t('roundsHint') : t('roundsNeedElection')} />
          <Button leftSection={<Icon name="plus" />} onClick={() => setEditing('new')} disabled={!hasElection}>
            {t('addRound')}
          </Button>
        </Group>
        {calendar.rounds.length === 0 ? (
          <Text c="dimmed" size="sm">
            {t('noRounds')}
          </Text>
        ) : (
          <RoundList rounds={calendar.rounds} onEdit={setEditing} onRemove={setRemoving} />
        )}
      </Stack>
      {editing && (
        <RoundModal
          key={editing === 'new' ? 'new' : editing.id}
          round={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmModal
        opened={removing !== null}
        title={t('removeRound')}
        confirmLabel={t('delete')}
        onClose={closeRemove}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: closeRemove })}
        loading={remove.isPending}
        error={remove.error}
      >
        {removing && t('removeRoundConfirm', { date: formatDay(removing.date, locale) })}
      </ConfirmModal>
    </Paper>
  );
}

interface RoundListProps {
  rounds: Round[];
  onEdit: (round: Round) => void;
  onRemove: (round: Round) => void;
}

/** A table on wide screens, cards on phones. */
function RoundList({ rounds, onEdit, onRemove }: RoundListProps) {
  const t = useT(calendarMessages);
  const { locale } = useLocale();
  const phone = useIsPhone();
  const silence = (round: Round) =>
    t('silenceRange', {
      from: formatInstant(round.silence_from, round.time_zone, locale),
      until: formatInstant(round.silence_until, round.time_zone, locale),
    });
  const actions = (round: Round) => {
    const date = formatDay(round.date, locale);
    return (
      <Group gap={4} wrap="nowrap">
        <Button size="xs" variant="light" onClick={() => onEdit(round)} aria-label={t('editLabel', { date })}>
          {t('edit')}
        </Button>
        <Button size="xs" variant="subtle" color="red" onClick={() => onRemove(round)} aria-label={t('deleteLabel', { date })}>
          {t('delete')}
        </Button>
      </Group>
    );
  };

  if (phone) {
    return (
      <Stack gap="xs">
        {rounds.map((round) => (
          <Paper key={round.id} withBorder radius="md" p="sm" data-testid="round-row">
            <Stack gap={6}>
              <Text size="sm" fw={600}>
                {roundName(t, round.number)} · {formatDay(round.date, locale)}
              </Text>
              <Text size="sm">
                {t('closesAt', { time: round.polls_close })} · {zoneName(t, round.time_zone)}
              </Text>
              <Text size="xs" c="dimmed">
                {t('colSilence')} {silence(round)}
              </Text>
              {actions(round)}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720} type="native">
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('colRound')}</Table.Th>
            <Table.Th>{t('colDate')}</Table.Th>
            <Table.Th>{t('colClose')}</Table.Th>
            <Table.Th>{t('colSilence')}</Table.Th>
            <Table.Th>{t('colActions')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rounds.map((round) => (
            <Table.Tr key={round.id} data-testid="round-row">
              <Table.Td>
                <Text size="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
                  {roundName(t, round.number)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDay(round.date, locale)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{round.polls_close}</Text>
                <Text size="xs" c="dimmed">
                  {zoneName(t, round.time_zone)}
                </Text>
              </Table.Td>
              <Table.Td maw={320}>
                <Text size="sm">{silence(round)}</Text>
              </Table.Td>
              <Table.Td>{actions(round)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
