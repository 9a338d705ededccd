// Whole-screen states: not found, forbidden, and the first load of the session.
import { Button, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useT } from '../i18n/use-t.ts';
import { uiMessages } from './messages.ts';
import { LoadingState } from './query-view.tsx';

/** The "Page introuvable" screen for unknown routes. */
export function NotFoundPage() {
  const t = useT(uiMessages);
  return (
    <StatusCard code="404" title={t('notFoundTitle')} text={t('notFoundText')}>
      <Button component={Link} to="/">
        {t('notFoundHome')}
      </Button>
    </StatusCard>
  );
}

/** The screen shown when the current role lacks the permission a route needs. */
export function ForbiddenPage() {
  const t = useT(uiMessages);
  return (
    <StatusCard code="403" title={t('forbiddenTitle')} text={t('forbiddenText')}>
      <Button component={Link} to="/" variant="light">
        {t('notFoundHome')}
      </Button>
    </StatusCard>
  );
}

/** A full-height spinner while the session loads. */
export function FullPageLoader() {
  return (
    <Center mih="100dvh">
      <LoadingState />
    </Center>
  );
}

function StatusCard({ code, title, text, children }: { code: string; title: string; text: string; children?: ReactNode }) {
  return (
    <Center py="xl">
      <Paper withBorder radius="md" p="xl" maw={480} w="100%">
        <Stack align="center" ta="center" gap="sm">
          <Text c="dimmed" fw={700} fz={40} aria-hidden="true">
            {code}
          </Text>
          <Title order={1} fz="h2">
            {title}
          </Title>
          <Text c="dimmed">{text}</Text>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
