// The campaign switcher: the current campaign's name, and the others the user belongs to.
import { Button, Menu, Text } from '@mantine/core';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { useSwitchCampaign } from '../../session/api.ts';
import { useSession } from '../../session/session-context.tsx';
import { roleLabels } from '../../team/messages.ts';
import { shellMessages } from '../messages.ts';

/** Shows the current campaign; with several memberships, a menu switches to another one. */
export function CampaignSwitcher({ fullWidth = false }: { fullWidth?: boolean }) {
  const t = useT(shellMessages);
  const roleLabel = useLabel(roleLabels);
  const session = useSession();
  const switchCampaign = useSwitchCampaign();
  const current = session.campaign;
  const name = current?.name ?? t('noCampaignTitle');

  if (session.campaigns.length <= 1) {
    return (
      <Text fw={600} size="sm" truncate maw={fullWidth ? undefined : 260} aria-label={t('campaignCurrent', { name })}>
        {name}
      </Text>
    );
  }

  return (
    <Menu position="bottom-start" width={280} withinPortal>
      <Menu.Target>
        <Button
          variant="default"
          size="sm"
          fullWidth={fullWidth}
          justify="space-between"
          loading={switchCampaign.isPending}
          rightSection={<Icon name="chevronDown" size={14} />}
          aria-label={`${t('switchCampaign')} – ${t('campaignCurrent', { name })}`}
          maw={fullWidth ? undefined : 300}
        >
          <Text span size="sm" fw={600} truncate>
            {name}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('switchCampaign')}</Menu.Label>
        {session.campaigns.map((campaign) => (
          <Menu.Item
            key={campaign.id}
            onClick={() => campaign.id !== current?.id && switchCampaign.mutate(campaign.id)}
            rightSection={campaign.id === current?.id ? <Icon name="check" size={16} /> : null}
            aria-current={campaign.id === current?.id ? 'true' : undefined}
          >
            <Text size="sm" fw={500}>
              {campaign.name}
            </Text>
            <Text size="xs" c="dimmed">
              {roleLabel(campaign.role)}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}
