// The control of one custom field in the person page's edit mode, by type: text, number (typed as
// people write it, "3,5" or "1 234", and checked by the server), date, and a select for choices
// with an empty option that clears the value. Also how stored values read and start a control.
import { NativeSelect, TextInput } from '@mantine/core';
import type { Ref } from 'react';
import type { Formatters } from '../../../i18n/format.ts';
import type { Locale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import type { CustomField } from '../api.ts';
import { peopleMessages } from '../messages.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A stored value as the person page shows it (numbers and dates in the reader's language). */
export function displayCustomValue(field: CustomField | undefined, value: unknown, fmt: Formatters): string {
  if (value === null || value === undefined || value === '') return '';
  if (field?.type === 'number' && typeof value === 'number') return fmt.number(value, { maximumFractionDigits: 10 });
  // Noon, not midnight: a date-only value must not show the day before west of Greenwich.
  if (field?.type === 'date' && typeof value === 'string' && ISO_DATE.test(value)) return fmt.date(`${value}T12:00:00`);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The text a control starts from for a stored value ("" for none). */
export function inputValueOf(field: CustomField, value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return '';
  if (field.type === 'number' && typeof value === 'number' && locale === 'fr') return String(value).replace('.', ',');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

interface CustomFieldInputProps {
  field: CustomField;
  value: string;
  /** Shown under the control, which is then marked invalid and described by it. */
  error?: string;
  onChange: (value: string) => void;
  inputRef: Ref<HTMLInputElement & HTMLSelectElement>;
}

/** The right control for the field's type, labelled with the field's label. */
export function CustomFieldInput({ field, value, error, onChange, inputRef }: CustomFieldInputProps) {
  const t = useT(peopleMessages);
  const common = { label: field.label, error, 'data-testid': `custom-input-${field.key}`, ref: inputRef };
  const change = (event: { currentTarget: { value: string } }) => onChange(event.currentTarget.value);
  switch (field.type) {
    case 'choice': {
      const choices = field.choices ?? [];
      // A value whose choice was taken out of the settings stays selectable, so that nothing is lost unseen.
      const retired = value && !choices.includes(value) ? [{ value, label: t('customChoiceRetired', { value }) }] : [];
      const data = [{ value: '', label: t('customNoValue') }, ...choices.map((c) => ({ value: c, label: c })), ...retired];
      return <NativeSelect {...common} data={data} value={value} onChange={change} />;
    }
    case 'date':
      return <TextInput {...common} type="date" value={value} onChange={change} />;
    case 'number':
      return (
        <TextInput
          {...common}
          inputMode="decimal"
          autoComplete="off"
          // The error already gives the example: no second copy under it.
          description={error ? undefined : t('customNumberHint')}
          inputWrapperOrder={['label', 'input', 'error', 'description']}
          value={value}
          onChange={change}
        />
      );
    default:
      return <TextInput {...common} autoComplete="off" value={value} onChange={change} />;
  }
}
