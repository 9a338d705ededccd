// Every e-mail or every phone of a person in the edit form (a merge gives a person several): each
// one editable and removable, one marked primary, more can be added.
import { ActionIcon, Button, Fieldset, Group, Input, Radio, Stack, TextInput } from '@mantine/core';
import type { Ref } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { peopleMessages } from '../messages.ts';

/** The values typed, and which one is primary (an index into values). */
export interface ContactsValue {
  values: string[];
  primary: number;
}

/** A person's contacts of one kind (OSDI `email_addresses` or `phone_numbers`) as the form's value. */
export function contactsOf(items: ReadonlyArray<{ primary: boolean; value: string }>): ContactsValue {
  if (items.length === 0) return { values: [''], primary: 0 };
  return {
    values: items.map((i) => i.value),
    primary: Math.max(
      0,
      items.findIndex((i) => i.primary),
    ),
  };
}

/** The non-blank values in order, the primary one marked (the first kept one when the primary was blanked). */
export function contactsToSend(value: ContactsValue): Array<{ value: string; primary: boolean }> {
  const kept = value.values.map((v, i) => ({ value: v.trim(), primary: i === value.primary })).filter((c) => c.value !== '');
  if (kept.length > 0 && !kept.some((c) => c.primary)) kept[0]!.primary = true;
  return kept;
}

interface ContactsInputProps {
  kind: 'email' | 'phone';
  value: ContactsValue;
  onChange: (value: ContactsValue) => void;
  error?: string | undefined;
  /** The first input, for the focus after a refusal. */
  inputRef?: Ref<HTMLInputElement>;
}

export function ContactsInput({ kind, value, onChange, error, inputRef }: ContactsInputProps) {
  const t = useT(peopleMessages);
  const label = kind === 'email' ? t('emails') : t('phones');
  const set = (index: number, text: string) => onChange({ ...value, values: value.values.map((v, i) => (i === index ? text : v)) });
  const remove = (index: number) => {
    const values = value.values.filter((_, i) => i !== index);
    const primary = index === value.primary ? 0 : index < value.primary ? value.primary - 1 : value.primary;
    onChange(values.length > 0 ? { values, primary } : { values: [''], primary: 0 });
  };
  const many = value.values.length > 1;
  return (
    <Fieldset legend={label} variant="unstyled" data-testid={`${kind}-list`}>
      <Stack gap={6}>
        {value.values.map((text, index) => {
          const name = kind === 'email' ? t('emailNth', { n: index + 1 }) : t('phoneNth', { n: index + 1 });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions in a list being edited.
            <Group key={index} gap="xs" wrap="nowrap" align="center">
              <TextInput
                aria-label={name}
                type={kind === 'email' ? 'email' : 'tel'}
                value={text}
                onChange={(event) => set(index, event.currentTarget.value)}
                style={{ flex: 1, minWidth: 0 }}
                ref={index === 0 ? inputRef : undefined}
                error={Boolean(error) && index === value.primary}
              />
              {many && (
                <Radio
                  label={t('primary')}
                  aria-label={t('makePrimary', { value: text || name })}
                  checked={index === value.primary}
                  onChange={() => onChange({ ...value, primary: index })}
                />
              )}
              {(many || text !== '') && (
                <ActionIcon
                  variant="subtle"
                  color="gray"
                  onClick={() => remove(index)}
                  aria-label={t('removeContact', { value: text || name })}
                >
                  <Icon name="trash" />
                </ActionIcon>
              )}
            </Group>
          );
        })}
        {error ? <Input.Error>{error}</Input.Error> : null}
        <Group>
          <Button
            size="compact-sm"
            variant="subtle"
            leftSection={<Icon name="plus" />}
            onClick={() => onChange({ ...value, values: [...value.values, ''] })}
          >
            {kind === 'email' ? t('addEmail') : t('addPhone')}
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
