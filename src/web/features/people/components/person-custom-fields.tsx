// The person's custom field values under the labels the campaign set (settings), in its order, and for
// those who may edit people an edit mode with one control per type. Only the values changed are sent;
// a refused value is said next to its field and the form keeps everything typed.
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useRef, useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import {
  type CustomField,
  type CustomValueProblem,
  customFieldErrors,
  type Person,
  useCustomFieldsQuery,
  useUpdatePerson,
} from '../api.ts';
import { peopleMessages } from '../messages.ts';
import { CustomFieldInput, displayCustomValue, inputValueOf } from './custom-field-input.tsx';

const PROBLEMS: readonly CustomValueProblem[] = ['unknown_field', 'not_text', 'too_long', 'not_a_number', 'not_a_date', 'not_a_choice'];

/** The section; hidden while the campaign has no fields and the person no values. */
export function PersonCustomFields({ person, canWrite }: { person: Person; canWrite: boolean }) {
  const t = useT(peopleMessages);
  const fieldsQuery = useCustomFieldsQuery();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  // Once the definitions are in: no flash of raw keys in the wrong order (if they fail, the keys show).
  if (fieldsQuery.isPending) return null;
  const definitions = fieldsQuery.data ?? [];
  const known = new Set(definitions.map((d) => d.key));
  // Values of fields deleted since (kept on the person until edited).
  const leftovers = Object.entries(person.custom_fields ?? {}).filter(([key, v]) => !known.has(key) && v !== null && v !== '');
  if (definitions.length === 0 && leftovers.length === 0) return null;
  const canEdit = canWrite && !person.anonymized && definitions.length > 0;
  return (
    <Paper withBorder radius="md" p="md" data-testid="custom-fields">
      <Group justify="space-between" mb="sm" gap="xs" wrap="nowrap" align="flex-start">
        <Title order={2} fz="h4">
          {t('customFields')}
        </Title>
        {!editing && canEdit && (
          <Button
            size="compact-sm"
            variant="light"
            aria-label={t('customFieldsEdit')}
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
          >
            {t('edit')}
          </Button>
        )}
      </Group>
      {editing ? (
        <CustomFieldsForm
          person={person}
          definitions={definitions}
          leftovers={leftovers}
          onDone={(didSave) => {
            setEditing(false);
            setSaved(didSave);
          }}
        />
      ) : (
        <CustomFieldsView person={person} definitions={definitions} leftovers={leftovers} />
      )}
      {/* Always there (empty until a save), so that screen readers announce the save. */}
      <Text size="sm" c="teal.8" aria-live="polite" component="div" mt={saved && !editing ? 'sm' : 0}>
        {saved && !editing && (
          <Group gap={4} wrap="nowrap">
            <Icon name="check" size={16} />
            {t('customFieldsSaved')}
          </Group>
        )}
      </Text>
    </Paper>
  );
}

interface ViewProps {
  person: Person;
  definitions: CustomField[];
  leftovers: [string, unknown][];
}

function CustomFieldsView({ person, definitions, leftovers }: ViewProps) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const row = (key: string, label: string, value: string) => (
    <div key={key} data-testid={`custom-field-${key}`}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {value || '—'}
      </Text>
    </div>
  );
  return (
    <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
      {definitions.map((d) => row(d.key, d.label, displayCustomValue(d, person.custom_fields?.[d.key], fmt)))}
      {leftovers.map(([key, value]) => row(key, t('customDeletedShort', { key }), displayCustomValue(undefined, value, fmt)))}
    </SimpleGrid>
  );
}

function CustomFieldsForm({ person, definitions, leftovers, onDone }: ViewProps & { onDone: (saved: boolean) => void }) {
  const t = useT(peopleMessages);
  const { locale } = useLocale();
  const fmt = useFormat();
  const update = useUpdatePerson(person.id);
  // What the controls started from: only what differs from it is sent, so a value someone else
  // changed meanwhile in another field is not overwritten.
  const [initial] = useState(() =>
    Object.fromEntries(definitions.map((d) => [d.key, inputValueOf(d, person.custom_fields?.[d.key], locale)])),
  );
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const inputs = useRef(new Map<string, HTMLInputElement & HTMLSelectElement>());

  const changes: Record<string, string | null> = {};
  for (const d of definitions) {
    const value = draft[d.key] ?? '';
    if (value !== initial[d.key]) changes[d.key] = value.trim() === '' ? null : value;
  }
  for (const key of removed) changes[key] = null;
  const dirty = Object.keys(changes).length > 0;

  const showErrors = (byKey: Record<string, string>) => {
    setErrors(byKey);
    const first = definitions.find((d) => byKey[d.key]);
    if (first) inputs.current.get(first.key)?.focus();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A half-typed date reads as "" in the browser: refuse it rather than clear the stored date.
    const partial = definitions.filter((d) => d.type === 'date' && inputs.current.get(d.key)?.validity.badInput);
    if (partial.length > 0) {
      showErrors(Object.fromEntries(partial.map((d) => [d.key, t('custom_not_a_date')])));
      return;
    }
    if (!dirty) {
      onDone(false);
      return;
    }
    update.mutate(
      { custom_fields: changes },
      {
        onSuccess: () => onDone(true),
        onError: (error) => {
          const byKey = customFieldErrors(error);
          showErrors(
            Object.fromEntries(
              Object.entries(byKey).map(([key, code]) => [key, PROBLEMS.includes(code) ? t(`custom_${code}`) : t('customFieldsInvalid')]),
            ),
          );
        },
      },
    );
  };
  const edit = (key: string, value: string) => {
    setDraft((current) => ({ ...current, [key]: value }));
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };
  const toggleRemoved = (key: string) =>
    setRemoved((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  return (
    <form onSubmit={submit} noValidate>
      <LeaveGuard dirty={dirty && !update.isPending} />
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="sm">
          {definitions.map((d) => (
            <CustomFieldInput
              key={d.key}
              field={d}
              value={draft[d.key] ?? ''}
              error={errors[d.key]}
              onChange={(value) => edit(d.key, value)}
              inputRef={(element) => {
                if (element) inputs.current.set(d.key, element);
                else inputs.current.delete(d.key);
              }}
            />
          ))}
        </SimpleGrid>
        {leftovers.map(([key, value]) => {
          const gone = removed.has(key);
          return (
            <Group key={key} justify="space-between" wrap="nowrap" gap="sm" data-testid={`custom-leftover-${key}`}>
              <div style={{ minWidth: 0 }}>
                <Text size="xs" c="dimmed">
                  {key} · {t('customDeleted')}
                </Text>
                <Text size="sm" td={gone ? 'line-through' : undefined} style={{ overflowWrap: 'anywhere' }}>
                  {displayCustomValue(undefined, value, fmt)}
                </Text>
                {gone && (
                  <Text size="xs" c="orange.8">
                    {t('customDeletedRemoved')}
                  </Text>
                )}
              </div>
              <Button
                size="compact-xs"
                variant="subtle"
                color={gone ? 'gray' : 'red'}
                aria-label={gone ? t('customDeletedKeep', { key }) : t('customDeletedRemove', { key })}
                onClick={() => toggleRemoved(key)}
              >
                {gone ? t('customKeep') : t('customRemove')}
              </Button>
            </Group>
          );
        })}
        {update.isError &&
          (Object.keys(customFieldErrors(update.error)).length > 0 ? (
            <Alert role="alert" color="red" variant="light" icon={<Icon name="alert" />}>
              {t('customFieldsInvalid')}
            </Alert>
          ) : (
            <ErrorAlert error={update.error} />
          ))}
        <FormActions onCancel={() => onDone(false)} pending={update.isPending} />
      </Stack>
    </form>
  );
}
