// The frame of the screens seen before signing in: brand, language menu, one centred card.
import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { Brand } from '../../shell/components/brand.tsx';
import { LanguageMenu } from '../../shell/components/language-menu.tsx';
import { authMessages } from '../messages.ts';

/** Centres a form card under the Relais brand, with the language menu at the top right. */
export function PublicLayout({ title, children }: { title: string; children: ReactNode }) {
  const t = useT(authMessages);
  return (
    <Box mih="100dvh" bg="gray.0">
      <Group justify="flex-end" p="md">
        <LanguageMenu />
      </Group>
      <Center px="md" pb="xl">
        <Stack w="100%" maw={420} gap="lg">
          <Stack align="center" gap={4}>
            <Brand size="lg" />
            <Text c="dimmed" size="sm" ta="center">
              {t('tagline')}
            </Text>
          </Stack>
          <Paper component="main" withBorder shadow="sm" radius="md" p={{ base: 'md', sm: 'xl' }}>
            <Title order={1} fz="h3" mb="md">
              {title}
            </Title>
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
