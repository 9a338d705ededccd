// Every e-mail or every phone of a person in the edit form (a merge gives a person several): each
// one editable and removable, one marked primary, more can be added.
import { ActionIcon, Button, Fieldset, Group, Radio, Stack, TextInput } from '@mantine/core';
import { isApiError } from '../../../api/client.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { fieldErrors } from '../api.ts';
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

/** One value to send, with its position in the form (blanks are not sent, so positions differ). */
export interface ContactToSend {
  value: string;
  primary: boolean;
  index: number;
}

/** The non-blank values in order, the primary one marked (the first kept one when the primary was blanked). */
export function contactsToSend(value: ContactsValue): ContactToSend[] {
  const kept = value.values.map((v, index) => ({ value: v.trim(), primary: index === value.primary, index })).filter((c) => c.value !== '');
  if (kept.length > 0 && !kept.some((c) => c.primary)) kept[0]!.primary = true;
  return kept;
}

/** Each refused entry's problem code, by its position in the form. */
export type ContactErrors = Record<'email' | 'phone', Record<number, string>>;

export const NO_CONTACT_ERRORS: ContactErrors = { email: {}, phone: {} };

/**
 * Which entries of the form a refused write was about: every pointer of the problem's `errors`
 * (`/email_addresses/i/…`, `/phone_numbers/i/…`, i counting the values sent), and a taken e-mail
 * (DUPLICATE_EMAIL, which names no pointer: only the primary address is checked) on the primary one.
 */
export function contactErrorsOf(error: unknown, sent: Record<'email' | 'phone', ContactToSend[]>): ContactErrors {
  const next: ContactErrors = { email: {}, phone: {} };
  for (const [pointer, code] of Object.entries(fieldErrors(error))) {
    const m = /^\/(email_addresses|phone_numbers)\/(\d+)/.exec(pointer);
    if (!m) continue;
    const kind = m[1] === 'email_addresses' ? 'email' : 'phone';
    const entry = sent[kind][Number(m[2])];
    if (entry) next[kind][entry.index] ??= code;
  }
  const primary = sent.email.find((c) => c.primary);
  if (isApiError(error, 'DUPLICATE_EMAIL') && primary) next.email[primary.index] = 'DUPLICATE_EMAIL';
  return next;
}

interface ContactsInputProps {
  kind: 'email' | 'phone';
  value: ContactsValue;
  /** The new value, and the position of the entry typed in (none when one was added or removed). */
  onChange: (value: ContactsValue, edited?: number) => void;
  /** What to say beside each refused entry, by position. */
  errors?: Record<number, string>;
}

export function ContactsInput({ kind, value, onChange, errors = {} }: ContactsInputProps) {
  const t = useT(peopleMessages);
  const label = kind === 'email' ? t('emails') : t('phones');
  const set = (index: number, text: string) => onChange({ ...value, values: value.values.map((v, i) => (i === index ? text : v)) }, index);
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
          // One entry is "E-mail"; several are numbered.
          const single = kind === 'email' ? t('email') : t('phone');
          const name = !many ? single : kind === 'email' ? t('emailNth', { n: index + 1 }) : t('phoneNth', { n: index + 1 });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions in a list being edited.
            <Group key={index} gap="xs" wrap="nowrap" align="flex-start">
              <TextInput
                aria-label={name}
                type={kind === 'email' ? 'email' : 'tel'}
                value={text}
                onChange={(event) => set(index, event.currentTarget.value)}
                style={{ flex: 1, minWidth: 0 }}
                error={errors[index]}
              />
              {many && (
                <Radio
                  mt={9}
                  label={t('primary')}
                  aria-label={t('makePrimary', { value: text || name })}
                  checked={index === value.primary}
                  onChange={() => onChange({ ...value, primary: index })}
                />
              )}
              {(many || text !== '') && (
                <ActionIcon
                  mt={4}
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
