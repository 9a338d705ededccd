// A secret shown once (an API token, a webhook's signing secret): the never-again warning, the value
// in full, a copy button, and a button that says it was copied. Closing needs that button or Escape.
import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { useId } from 'react';
import { useT } from '../i18n/use-t.ts';
import { Icon } from './icons.tsx';
import { uiMessages } from './messages.ts';

interface SecretOnceModalProps {
  /** The secret; null keeps the dialog closed. */
  secret: string | null;
  onClose: () => void;
  title: string;
  warning: string;
  /** What the value is ("Jeton", "Secret de signature"). */
  label: string;
  /** The closing button ("J'ai copié le jeton"). */
  done: string;
  hint?: string;
  testId: string;
}

export function SecretOnceModal({ secret, onClose, title, warning, label, done, hint, testId }: SecretOnceModalProps) {
  const t = useT(uiMessages);
  const labelId = useId();
  return (
    <Modal opened={secret !== null} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="orange" variant="light" icon={<Icon name="alert" />} role="alert">
          {warning}
        </Alert>
        {hint ? <Text size="sm">{hint}</Text> : null}
        <Text size="sm" fw={500} id={labelId}>
          {label}
        </Text>
        <Code
          block
          data-testid={testId}
          aria-labelledby={labelId}
          style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-sm)' }}
        >
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''} timeout={2500}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : undefined}
                leftSection={<Icon name={copied ? 'check' : 'copy'} />}
                onClick={copy}
              >
                {copied ? t('copied') : t('copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            {done}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
