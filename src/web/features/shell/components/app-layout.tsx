// The authenticated frame: header (campaign, language, account), navbar, and the current screen.
import { AppShell, Burger, Button, Divider, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet } from 'react-router';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { useSwitchCampaign } from '../../session/api.ts';
import { useSession } from '../../session/session-context.tsx';
import { roleLabels } from '../../team/messages.ts';
import { shellMessages } from '../messages.ts';
import { Brand } from './brand.tsx';
import { CampaignSwitcher } from './campaign-switcher.tsx';
import { LanguageMenu } from './language-menu.tsx';
import { NavLinks } from './nav-links.tsx';
import { UserMenu } from './user-menu.tsx';

/** Mantine AppShell with a burger-collapsed navbar on phones. */
export function AppLayout() {
  const t = useT(shellMessages);
  const session = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 248, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a href="#main" className="relais-skip-link">
        {t('skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? t('closeNav') : t('openNav')}
              aria-expanded={opened}
              aria-controls="relais-navbar"
            />
            <Brand />
            <Divider orientation="vertical" visibleFrom="sm" />
            <Group visibleFrom="sm" style={{ minWidth: 0 }}>
              <CampaignSwitcher />
            </Group>
          </Group>
          <Group gap={4} wrap="nowrap">
            <LanguageMenu />
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" id="relais-navbar">
        <AppShell.Section hiddenFrom="sm" pb="sm">
          <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={6}>
            {t('campaignActive')}
          </Text>
          <CampaignSwitcher fullWidth />
        </AppShell.Section>
        {/* The entries outgrow a laptop's height: the list scrolls on its own, the frame stays. */}
        <AppShell.Section grow component={ScrollArea}>
          <NavLinks onNavigate={close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1} bg="gray.0" style={{ outline: 'none' }}>
        <div className="relais-page">{session.campaign ? <Outlet /> : <NoCampaign />}</div>
      </AppShell.Main>
    </AppShell>
  );
}

function NoCampaign() {
  const t = useT(shellMessages);
  const roleLabel = useLabel(roleLabels);
  const session = useSession();
  const switchCampaign = useSwitchCampaign();
  const none = session.campaigns.length === 0;
  return (
    <Paper withBorder radius="md" p="xl" maw={560} mx="auto" mt="xl">
      <Stack>
        <Title order={1} fz="h3">
          {none ? t('noMembershipTitle') : t('noCampaignTitle')}
        </Title>
        <Text c="dimmed">{none ? t('noMembershipText') : t('noCampaignText')}</Text>
        {switchCampaign.isError && <ErrorAlert error={switchCampaign.error} />}
        {session.campaigns.map((campaign) => (
          <Group key={campaign.id} justify="space-between" wrap="nowrap">
            <div>
              <Text fw={600}>{campaign.name}</Text>
              <Text size="sm" c="dimmed">
                {roleLabel(campaign.role)}
              </Text>
            </div>
            <Button
              onClick={() => switchCampaign.mutate(campaign.id)}
              loading={switchCampaign.isPending && switchCampaign.variables === campaign.id}
              aria-label={`${t('choose')} ${campaign.name}`}
            >
              {t('choose')}
            </Button>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
