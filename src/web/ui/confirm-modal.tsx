// A confirmation dialog for destructive actions, showing the action's error in place.
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';
import { ErrorAlert } from './error-alert.tsx';
import { uiMessages } from './messages.ts';
import type { ErrorOverrides } from './use-error-message.ts';

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  loading?: boolean;
  error?: unknown;
  errorOverrides?: ErrorOverrides;
}

/** Asks "are you sure?" before a destructive action; the confirm button is red and names the action. */
export function ConfirmModal(props: ConfirmModalProps) {
  const t = useT(uiMessages);
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.title} centered>
      <Stack>
        <Text size="sm">{props.children}</Text>
        {props.error ? <ErrorAlert error={props.error} overrides={props.errorOverrides} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            {t('cancel')}
          </Button>
          <Button color="red" onClick={props.onConfirm} loading={props.loading}>
            {props.confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
