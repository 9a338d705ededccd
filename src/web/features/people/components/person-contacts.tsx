// On the person page: log a contact (call, meeting, door, message) with its outcome, or add a note.
// Both go to the timeline, where the ladder's rules react: the dialog says when the person moved.
import { Alert, Button, Group, Modal, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { CONTACT_KINDS, CONTACT_OUTCOMES, type ContactKind, type ContactOutcome } from '../../../../shared/enums.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { displayName, type Person, useAddNote, useLogContact } from '../api.ts';
import { contactKindNames, contactOutcomeNames, entryMessages } from '../entry-messages.ts';
import { useStageLabel } from './stage.tsx';

/** The two buttons, their dialogs, and what the last one recorded. */
export function PersonContactActions({ person }: { person: Person }) {
  const te = useT(entryMessages);
  const [open, setOpen] = useState<'contact' | 'note' | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        <Button variant="default" onClick={() => setOpen('note')}>
          {te('addNote')}
        </Button>
        <Button onClick={() => setOpen('contact')}>{te('logContact')}</Button>
      </Group>
      {said && (
        <Alert color="teal" variant="light" py={6} withCloseButton onClose={() => setSaid(null)} role="status" data-testid="contact-saved">
          {said}
        </Alert>
      )}
      {open === 'contact' && <ContactModal person={person} onClose={() => setOpen(null)} onSaved={setSaid} />}
      {open === 'note' && <NoteModal person={person} onClose={() => setOpen(null)} onSaved={setSaid} />}
    </Stack>
  );
}

/** Now, as a datetime-local input wants it (local time, to the minute). */
function localNow(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

function ContactModal({ person, onClose, onSaved }: { person: Person; onClose: () => void; onSaved: (text: string) => void }) {
  const te = useT(entryMessages);
  const kind = useLabel(contactKindNames);
  const outcome = useLabel(contactOutcomeNames);
  const stage = useStageLabel();
  const log = useLogContact(person.id);
  const [form, setForm] = useState({ kind: 'call' as ContactKind, outcome: 'talked' as ContactOutcome, at: localNow(), note: '' });
  const submit = () => {
    const at = form.at ? new Date(form.at) : null;
    log.mutate(
      {
        kind: form.kind,
        outcome: form.outcome,
        ...(form.note.trim() ? { note: form.note.trim() } : {}),
        ...(at && !Number.isNaN(at.getTime()) ? { at: at.toISOString() } : {}),
      },
      {
        onSuccess: (recorded) => {
          onSaved(
            recorded.ladder_move
              ? te('contactMoved', { name: displayName(person), stage: stage(recorded.ladder_move.to_stage) })
              : te('contactSaved'),
          );
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened onClose={onClose} title={te('contactTitle', { name: displayName(person) })} centered>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select
              label={te('contactKind')}
              data={CONTACT_KINDS.map((k) => ({ value: k, label: kind(k) }))}
              value={form.kind}
              onChange={(value) => setForm({ ...form, kind: (value ?? 'call') as ContactKind })}
              allowDeselect={false}
              data-autofocus
            />
            <Select
              label={te('contactOutcome')}
              data={CONTACT_OUTCOMES.map((o) => ({ value: o, label: outcome(o) }))}
              value={form.outcome}
              onChange={(value) => setForm({ ...form, outcome: (value ?? 'talked') as ContactOutcome })}
              allowDeselect={false}
            />
          </SimpleGrid>
          <TextInput
            label={te('contactWhen')}
            type="datetime-local"
            max={localNow()}
            value={form.at}
            onChange={(event) => setForm({ ...form, at: event.currentTarget.value })}
            error={log.error && 'code' in log.error && log.error.code === 'DATE_INVALID' ? te('DATE_INVALID') : undefined}
          />
          <Textarea
            label={te('contactComment')}
            autosize
            minRows={2}
            value={form.note}
            onChange={(event) => setForm({ ...form, note: event.currentTarget.value })}
          />
          {log.error && !('code' in log.error && log.error.code === 'DATE_INVALID') ? <ErrorAlert error={log.error} /> : null}
          <FormActions onCancel={onClose} pending={log.isPending} submitLabel={te('record')} />
        </Stack>
      </form>
    </Modal>
  );
}

function NoteModal({ person, onClose, onSaved }: { person: Person; onClose: () => void; onSaved: (text: string) => void }) {
  const te = useT(entryMessages);
  const add = useAddNote(person.id);
  const [text, setText] = useState('');
  return (
    <Modal opened onClose={onClose} title={te('noteTitle', { name: displayName(person) })} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          add.mutate(text.trim(), {
            onSuccess: () => {
              onSaved(te('noteSaved'));
              onClose();
            },
          });
        }}
      >
        <Stack>
          <Textarea
            label={te('noteText')}
            autosize
            minRows={3}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            placeholder={te('notePlaceholder')}
            data-autofocus
          />
          {add.error ? <ErrorAlert error={add.error} /> : null}
          <FormActions onCancel={onClose} pending={add.isPending} disabled={!text.trim()} submitLabel={te('record')} />
        </Stack>
      </form>
    </Modal>
  );
}
