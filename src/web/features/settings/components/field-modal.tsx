// Create a custom field (label, key derived from it, type, choices) or edit one (label, choices).
import { Alert, Modal, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { type CustomField, FIELD_TYPES, type FieldType, useCreateField, useUpdateField } from '../api.ts';
import { settingsMessages } from '../messages.ts';

const KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_LABEL = 120;

/** The key a label suggests: "Taille de t-shirt" → "taille_de_t_shirt". */
export function keyFromLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 40)
    .replace(/_+$/, '');
}

/** Returns the label of a field type in the current language. */
export function useTypeLabel(): (type: FieldType) => string {
  const t = useT(settingsMessages);
  const keys = { text: 'typeText', number: 'typeNumber', date: 'typeDate', choice: 'typeChoice' } as const;
  return (type) => t(keys[type]);
}

/** The dialog, mounted only while open (with key=id when editing) so it starts from the field. */
export function FieldModal({ field, onClose }: { field: CustomField | null; onClose: () => void }) {
  const t = useT(settingsMessages);
  const typeLabel = useTypeLabel();
  const create = useCreateField();
  const update = useUpdateField();
  const mutation = field ? update : create;
  const [label, setLabel] = useState(field?.label ?? '');
  const [key, setKey] = useState(field?.key ?? '');
  const [keyEdited, setKeyEdited] = useState(false);
  const [type, setType] = useState<FieldType>(field?.type ?? 'text');
  const [choices, setChoices] = useState<string[]>(field?.choices ?? []);
  const [touched, setTouched] = useState(false);

  const errors = {
    label: !label.trim() || label.trim().length > MAX_LABEL ? t('fieldLabelRequired') : undefined,
    key: !field && !KEY_PATTERN.test(key) ? t('fieldKeyInvalid') : undefined,
    choices: type === 'choice' && choices.length === 0 ? t('choicesRequired') : undefined,
  };
  const removed = field ? field.choices.filter((c) => !choices.includes(c)) : [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (Object.values(errors).some(Boolean)) return;
    const cleanChoices = [...new Set(choices.map((c) => c.trim()).filter(Boolean))];
    if (field) {
      update.mutate(
        { id: field.id, input: { label: label.trim(), ...(field.type === 'choice' ? { choices: cleanChoices } : {}) } },
        { onSuccess: onClose },
      );
    } else {
      create.mutate({ key, label: label.trim(), type, ...(type === 'choice' ? { choices: cleanChoices } : {}) }, { onSuccess: onClose });
    }
  };

  return (
    <Modal opened onClose={onClose} title={field ? t('editField') : t('newField')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {mutation.isError && (
            <ErrorAlert error={mutation.error} overrides={{ DUPLICATE_NAME: t('duplicateKey'), CUSTOM_FIELD_INVALID: t('fieldInvalid') }} />
          )}
          <TextInput
            label={t('fieldLabel')}
            required
            maxLength={MAX_LABEL}
            value={label}
            onChange={(e) => {
              const next = e.currentTarget.value;
              setLabel(next);
              if (!field && !keyEdited) setKey(keyFromLabel(next));
            }}
            error={touched && errors.label}
            data-autofocus
          />
          {field ? (
            <Text size="sm" c="dimmed">
              {t('fieldFixed', { key: field.key, type: typeLabel(field.type) })}
            </Text>
          ) : (
            <>
              <TextInput
                label={t('fieldKey')}
                description={t('fieldKeyHint')}
                required
                maxLength={40}
                value={key}
                onChange={(e) => {
                  setKey(e.currentTarget.value);
                  setKeyEdited(true);
                }}
                error={touched && errors.key}
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                autoCapitalize="none"
                autoCorrect="off"
                spellCheck={false}
              />
              <Select
                label={t('fieldType')}
                data={FIELD_TYPES.map((value) => ({ value, label: typeLabel(value) }))}
                value={type}
                allowDeselect={false}
                onChange={(value) => value && setType(value as FieldType)}
              />
            </>
          )}
          {type === 'choice' && (
            <TagsInput
              label={t('choices')}
              description={t('choicesHint')}
              required
              value={choices}
              onChange={setChoices}
              splitChars={[',', ';']}
              maxTags={200}
              error={touched && errors.choices}
            />
          )}
          {removed.length > 0 && (
            <Alert color="yellow" variant="light">
              {t('choicesRemoved', { choices: removed.join(', ') })}
            </Alert>
          )}
          <FormActions onCancel={onClose} pending={mutation.isPending} submitLabel={field ? t('save') : t('create')} />
        </Stack>
      </form>
    </Modal>
  );
}
