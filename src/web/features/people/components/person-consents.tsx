// Consent per channel on the person page: current state, ledger history, and recording given/withdrawn.
import { Badge, Button, Group, Modal, Paper, SegmentedControl, Select, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { CHANNELS, type Channel, type Person, useConsentsQuery, useRecordConsent } from '../api.ts';
import { consentSourceNames } from '../entry-messages.ts';
import { channelNames, peopleMessages } from '../messages.ts';

const SOURCES = ['manual', 'form', 'phone', 'door', 'email', 'unsubscribe'] as const;
const SOURCE_KEYS = {
  manual: 'sourceManual',
  form: 'sourceForm',
  phone: 'sourcePhone',
  door: 'sourceDoor',
  email: 'sourceEmail',
  unsubscribe: 'sourceUnsubscribe',
  import: 'sourceImport',
  api: 'sourceApi',
  preferences: 'sourcePreferences',
  double_opt_in: 'sourceDoubleOptIn',
} as const;

/** The words of a consent's source ("door" → "Porte-à-porte"); another system's own name stays as it is. */
export function useConsentSourceLabel(): (source: string) => string {
  const t = useT(peopleMessages);
  const collectedBy = useLabel(consentSourceNames);
  return (source) => (source in SOURCE_KEYS ? t(SOURCE_KEYS[source as keyof typeof SOURCE_KEYS]) : collectedBy(source, source));
}

/** One line per channel with its state and a "Record" button, then the ledger (newest first). */
export function PersonConsents({ person, canWrite }: { person: Person; canWrite: boolean }) {
  const t = useT(peopleMessages);
  const channel = useT(channelNames);
  const fmt = useFormat();
  const ledger = useConsentsQuery(person.id);
  const [recording, setRecording] = useState<Channel | null>(null);
  const entries = [...(ledger.data ?? [])].sort((a, b) => (a.at < b.at ? 1 : -1));
  const sourceLabel = useConsentSourceLabel();
  // The channel's own state: entries about one e-mail topic (the preference page) are not about it.
  const latest = (c: Channel) => entries.find((e) => e.channel === c && !e.topic);

  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('consents')}
      </Title>
      <Stack gap={6}>
        {CHANNELS.map((c) => {
          const given = person.consents?.[c] === true;
          const last = latest(c);
          return (
            <Group key={c} justify="space-between" wrap="nowrap" data-testid={`consent-${c}`}>
              <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} w={90}>
                  {channel(c)}
                </Text>
                <Badge color={given ? 'teal' : last ? 'red' : 'gray'} variant="light" style={{ minWidth: 'max-content' }}>
                  {given ? t('consentGiven') : last ? t('consentWithdrawn') : t('consentNone')}
                </Badge>
                {last && (
                  <Text size="xs" c="dimmed" truncate>
                    {fmt.date(last.at)} · {sourceLabel(last.source)}
                  </Text>
                )}
              </Group>
              {canWrite && (
                <Button
                  size="compact-xs"
                  variant="subtle"
                  onClick={() => setRecording(c)}
                  aria-label={t('consentTitle', { channel: channel(c) })}
                >
                  {t('consentRecord')}
                </Button>
              )}
            </Group>
          );
        })}
      </Stack>
      <Text size="sm" fw={600} mt="md" mb={4}>
        {t('consentHistory')}
      </Text>
      {ledger.isError ? (
        <ErrorAlert error={ledger.error} onRetry={() => void ledger.refetch()} />
      ) : entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {ledger.isPending ? '…' : t('consentHistoryEmpty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={360} mah={220}>
          <Table fz="xs" verticalSpacing={4}>
            <Table.Tbody>
              {entries.map((entry, index) => (
                <Table.Tr key={entry.id ?? index}>
                  <Table.Td>{fmt.dateTime(entry.at)}</Table.Td>
                  <Table.Td>
                    {channel(entry.channel)}
                    {entry.topic && ` — ${t(`topic_${entry.topic}`)}`}
                  </Table.Td>
                  <Table.Td c={entry.status === 'given' ? 'teal.8' : 'red.8'}>
                    {entry.status === 'given' ? t('consentGiven') : t('consentWithdrawn')}
                  </Table.Td>
                  <Table.Td>
                    {sourceLabel(entry.source)}
                    {typeof entry.proof?.form === 'string' && ` — ${entry.proof.form}`}
                    {typeof entry.proof?.text_shown === 'string' && (
                      <Text span size="xs" c="dimmed">
                        {' '}
                        — « {entry.proof.text_shown} »
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {recording && (
        <RecordConsentModal
          person={person}
          channel={recording}
          current={person.consents?.[recording] === true}
          sourceLabel={sourceLabel}
          onClose={() => setRecording(null)}
        />
      )}
    </Paper>
  );
}

function RecordConsentModal(props: {
  person: Person;
  channel: Channel;
  current: boolean;
  sourceLabel: (source: string) => string;
  onClose: () => void;
}) {
  const t = useT(peopleMessages);
  const channel = useLabel(channelNames);
  const record = useRecordConsent(props.person.id);
  const [status, setStatus] = useState<'given' | 'withdrawn'>(props.current ? 'withdrawn' : 'given');
  const [source, setSource] = useState<string>('manual');
  const [proof, setProof] = useState('');
  return (
    <Modal opened onClose={props.onClose} title={t('consentTitle', { channel: channel(props.channel) })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          record.mutate(
            { channel: props.channel, status, source, proof: proof.trim() ? { text_shown: proof.trim() } : {} },
            { onSuccess: props.onClose },
          );
        }}
      >
        <Stack>
          <SegmentedControl
            aria-label={t('consentStatus')}
            value={status}
            onChange={(value) => setStatus(value as 'given' | 'withdrawn')}
            data={[
              { value: 'given', label: t('consentGiven') },
              { value: 'withdrawn', label: t('consentWithdrawn') },
            ]}
          />
          <Select
            label={t('consentSource')}
            data={SOURCES.map((s) => ({ value: s, label: props.sourceLabel(s) }))}
            value={source}
            onChange={(value) => setSource(value ?? 'manual')}
            allowDeselect={false}
          />
          <Textarea label={t('consentProof')} value={proof} onChange={(e) => setProof(e.currentTarget.value)} autosize minRows={2} />
          {record.error ? <ErrorAlert error={record.error} /> : null}
          <FormActions onCancel={props.onClose} pending={record.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}
