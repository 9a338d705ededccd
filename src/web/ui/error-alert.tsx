// An API error shown to people: translated message, the server's detail when useful, optional retry.
import { Alert, Button, Stack, Text } from '@mantine/core';
import { useT } from '../i18n/use-t.ts';
import { Icon } from './icons.tsx';
import { uiMessages } from './messages.ts';
import { type ErrorOverrides, useErrorMessage } from './use-error-message.ts';

interface ErrorAlertProps {
  error: unknown;
  onRetry?: () => void;
  overrides?: ErrorOverrides;
  title?: string;
}

/** Renders an error in an Alert with role="alert" so screen readers announce it. */
export function ErrorAlert({ error, onRetry, overrides, title }: ErrorAlertProps) {
  const t = useT(uiMessages);
  const describe = useErrorMessage(overrides);
  const { message, detail } = describe(error);
  return (
    <Alert role="alert" color="red" variant="light" title={title} icon={<Icon name="alert" />}>
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {detail && (
          <Text size="xs" c="dimmed">
            {t('errorTechnical', { detail })}
          </Text>
        )}
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            {t('retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
