// Loading, error and empty states of a data screen, in one place so every screen handles all three.
import { Center, Loader, Paper, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';
import { ErrorAlert } from './error-alert.tsx';
import { uiMessages } from './messages.ts';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** When it returns true for the data, the empty state is shown instead of children. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** Renders children(data) once a query succeeded, and the loading / error / empty states otherwise. */
export function QueryView<T>({ query, isEmpty, empty, children }: QueryViewProps<T>) {
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <EmptyState>{empty}</EmptyState>;
  return <>{children(query.data)}</>;
}

/** A centred spinner with a text for screen readers and slow connections. */
export function LoadingState({ label }: { label?: string }) {
  const t = useT(uiMessages);
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" />
        <Text size="sm" c="dimmed">
          {label ?? t('loading')}
        </Text>
      </Stack>
    </Center>
  );
}

/** The usual words of an empty state: what is missing, in bold, then what to do about it, dimmed. */
export function EmptyText({ title, hint }: { title: ReactNode; hint?: ReactNode }) {
  return (
    <>
      <Text fw={600}>{title}</Text>
      {hint && (
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      )}
    </>
  );
}

/** A quiet box saying there is nothing yet, with an optional call to action inside. */
export function EmptyState({ children }: { children?: ReactNode }) {
  const t = useT(uiMessages);
  return (
    <Paper withBorder radius="md" p="xl" bg="gray.0">
      <Stack align="center" gap="sm" ta="center">
        {children ?? <Text c="dimmed">{t('emptyDefault')}</Text>}
      </Stack>
    </Paper>
  );
}
