// The footer of every edit form and dialog: Cancel, then the submit button, which shows it is busy
// while the form saves.
import { Button, Group } from '@mantine/core';
import { useT } from '../i18n/use-t.ts';
import { uiMessages } from './messages.ts';

export interface FormActionsProps {
  onCancel: () => void;
  /** What the submit button says; « Enregistrer » / "Save" by default. */
  submitLabel?: string;
  pending?: boolean;
  disabled?: boolean;
  /** A submit that destroys something (erasure): red. */
  danger?: boolean;
}

export function FormActions({ onCancel, submitLabel, pending = false, disabled = false, danger = false }: FormActionsProps) {
  const ui = useT(uiMessages);
  return (
    <Group justify="flex-end" gap="sm">
      <Button variant="default" onClick={onCancel}>
        {ui('cancel')}
      </Button>
      <Button type="submit" loading={pending} disabled={disabled} {...(danger ? { color: 'red' } : {})}>
        {submitLabel ?? ui('save')}
      </Button>
    </Group>
  );
}
