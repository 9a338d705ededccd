// The timeline of a person, and their GDPR rights: export (JSON/CSV) and erasure with a typed confirmation.
import { Button, Group, Modal, Paper, Stack, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type Activity, displayName, type Person, useCustomFieldsQuery, useErasePerson } from '../api.ts';
import { downloadFile } from '../download.ts';
import { consentSourceNames, contactKindNames } from '../entry-messages.ts';
import { activityNames, channelNames, peopleMessages, personWords, recordFieldNames } from '../messages.ts';
import { useConsentSourceLabel } from './person-consents.tsx';
import { useStageLabel } from './stage.tsx';

/** Everything that happened to the person, newest first. */
export function PersonTimeline({ activities, pending }: { activities: Activity[]; pending: boolean }) {
  const t = useT(peopleMessages);
  const activity = useLabel(activityNames);
  const fmt = useFormat();
  const summary = useSummary();
  const sorted = [...activities].sort((a, b) => (a.at < b.at ? 1 : -1));
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb="sm">
        {t('timeline')}
      </Title>
      {sorted.length === 0 ? (
        <Text size="sm" c="dimmed">
          {pending ? '…' : t('timelineEmpty')}
        </Text>
      ) : (
        <Timeline bulletSize={10} lineWidth={2} data-testid="person-timeline">
          {sorted.slice(0, 200).map((item) => (
            <Timeline.Item key={item.id} title={activity(item.type, item.type)}>
              <Text size="xs" c="dimmed">
                {fmt.dateTime(item.at)}
                {item.actor_label ? ` · ${t('by', { actor: item.actor_label })}` : ''}
              </Text>
              {summary(item) && <Text size="sm">{summary(item)}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      )}
    </Paper>
  );
}

/** One line under a timeline entry: the move and its reason, the consent's channel and source, the tag… */
function useSummary(): (item: Activity) => string {
  const stage = useStageLabel();
  const channel = useLabel(channelNames);
  const field = useLabel(recordFieldNames);
  const contactKind = useLabel(contactKindNames);
  const source = useLabel(consentSourceNames);
  const customFields = useCustomFieldsQuery().data;
  const words = useT(personWords);
  const consentSource = useConsentSourceLabel();
  const people = useT(peopleMessages);
  return (item: Activity) => {
    const data = item.data;
    const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : '');
    const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).map(String) : []);
    if (item.type === 'person.updated') {
      // The fields the edit changed; custom fields by their label when they still exist.
      const custom = list('custom_fields').map((key) => customFields?.find((f) => f.key === key)?.label ?? key);
      return [...list('fields').map((name) => field(name)), ...custom].join(', ');
    }
    if (item.type === 'ladder.moved') {
      const move = `${text('from_stage') ? stage(text('from_stage')) : '∅'} → ${stage(text('to_stage'))}`;
      return text('reason') ? `${move} — ${text('reason')}` : move;
    }
    if (item.type.startsWith('consent.')) {
      // A line about one e-mail topic (the preference page) names it after the channel.
      const topic = text('topic');
      const topicLabel = topic === 'newsletter' || topic === 'local' || topic === 'events' ? people(`topic_${topic}`) : '';
      return [channel(text('channel')), topicLabel, consentSource(text('source'))].filter(Boolean).join(' · ');
    }
    if (item.type === 'import' && text('file')) {
      const action = { create: 'importCreate', update: 'importUpdate', skip: 'importSkip' }[text('action')] as 'importCreate' | undefined;
      return words('importedLine', { file: text('file'), line: Number(data.line) || 0, action: action ? words(action) : text('action') });
    }
    if (item.type === 'person.created') return source(text('source'));
    if (item.type.startsWith('tag.')) return text('name');
    if (item.type === 'note') return text('text');
    if (item.type.startsWith('contact.')) return [contactKind(text('kind')), text('note')].filter(Boolean).join(' — ');
    return Object.entries(data)
      .filter(([key, value]) => value !== null && value !== '' && typeof value !== 'object' && !key.endsWith('_id') && key !== 'ref_type')
      .slice(0, 4)
      .map(([key, value]) => `${key} : ${String(value)}`)
      .join(' · ');
  };
}

/** Export buttons (people.export) and the erase button (people.export + people.write). */
export function PersonRights({ person, canExport, canErase }: { person: Person; canExport: boolean; canErase: boolean }) {
  const t = useT(peopleMessages);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);
  const exportAs = async (format: 'json' | 'csv') => {
    setBusy(format);
    setError(null);
    try {
      await downloadFile(`/api/v1/people/${encodeURIComponent(person.id)}/export?format=${format}`, `personne-${person.id}.${format}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={2} fz="h4" mb={4}>
        {t('rights')}
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('rightsHint')}
      </Text>
      <Stack gap="xs">
        {canExport && (
          <Group gap="xs">
            <Button variant="default" size="sm" loading={busy === 'json'} onClick={() => void exportAs('json')}>
              {t('exportJson')}
            </Button>
            <Button variant="default" size="sm" loading={busy === 'csv'} onClick={() => void exportAs('csv')}>
              {t('exportCsv')}
            </Button>
          </Group>
        )}
        {canErase && (
          <Group>
            <Button color="red" variant="light" size="sm" onClick={() => setErasing(true)}>
              {t('erase')}
            </Button>
          </Group>
        )}
        {error ? <ErrorAlert error={error} /> : null}
      </Stack>
      {erasing && <EraseModal person={person} onClose={() => setErasing(false)} />}
    </Paper>
  );
}

function EraseModal({ person, onClose }: { person: Person; onClose: () => void }) {
  const t = useT(peopleMessages);
  const erase = useErasePerson(person.id);
  const [typed, setTyped] = useState('');
  const word = t('eraseWord');
  return (
    <Modal opened onClose={onClose} title={t('eraseTitle', { name: displayName(person) })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (typed.trim() === word) erase.mutate(undefined, { onSuccess: onClose });
        }}
      >
        <Stack>
          <Text size="sm">{t('eraseText')}</Text>
          <TextInput
            label={t('eraseType', { word })}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-autofocus
            autoComplete="off"
          />
          {erase.error ? <ErrorAlert error={erase.error} /> : null}
          <FormActions
            onCancel={onClose}
            pending={erase.isPending}
            disabled={typed.trim() !== word}
            submitLabel={t('eraseConfirm')}
            danger
          />
        </Stack>
      </form>
    </Modal>
  );
}
