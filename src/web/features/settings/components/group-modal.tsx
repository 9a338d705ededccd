// Create or edit a tag or a list: name (unique in the campaign) and an optional description.
import { Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type GroupKind, type Group as Named, useCreateGroup, useUpdateGroup } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { GROUP_TEXT } from './group-text.ts';

const MAX_NAME = 80;

/** The dialog, mounted only while open (with key=id when editing) so it starts from the group. */
export function GroupModal({ kind, group, onClose }: { kind: GroupKind; group: Named | null; onClose: () => void }) {
  const t = useT(settingsMessages);
  const text = GROUP_TEXT[kind];
  const create = useCreateGroup(kind);
  const update = useUpdateGroup(kind);
  const mutation = group ? update : create;
  const [name, setName] = useState(group?.name ?? '');
  const [description, setDescription] = useState(group?.description ?? '');
  const [touched, setTouched] = useState(false);
  const nameError = !name.trim() || name.trim().length > MAX_NAME ? t('nameRequired') : undefined;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameError) return;
    const input = { name: name.trim(), description: description.trim() };
    if (group) update.mutate({ id: group.id, input }, { onSuccess: onClose });
    else create.mutate(input, { onSuccess: onClose });
  };

  return (
    <Modal opened onClose={onClose} title={t(group ? text.edit : text.create)} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && <ErrorAlert error={mutation.error} overrides={{ DUPLICATE_NAME: t(text.duplicate) }} />}
          <TextInput
            label={t('name')}
            required
            maxLength={MAX_NAME}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched && nameError}
            data-autofocus
          />
          <Textarea
            label={t('groupDescription')}
            autosize
            minRows={2}
            maxRows={6}
            maxLength={1000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <FormActions onCancel={onClose} pending={mutation.isPending} submitLabel={group ? t('save') : t('create')} />
        </Stack>
      </form>
    </Modal>
  );
}
