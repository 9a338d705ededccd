// /app/listening: the community manager's inbox, the candidate's approval queue (the tab she lands
// on), watches, key messages, accounts and response times, as tabs kept in the URL (?tab=…).
import { Alert, Badge, Button, Group, Tabs } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { useCan } from '../../session/session-context.tsx';
import { useListeningState, useSetCrisis } from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { AccountsPanel } from './accounts-panel.tsx';
import { ApprovalsPanel } from './approvals-panel.tsx';
import { InboxPanel } from './inbox-panel.tsx';
import { KeyMessagesPanel } from './key-messages-panel.tsx';
import { ReportPanel } from './report-panel.tsx';
import { WatchesPanel } from './watches-panel.tsx';

const TABS = ['inbox', 'approvals', 'watches', 'messages', 'accounts', 'report'] as const;
type Tab = (typeof TABS)[number];

export function ListeningPage() {
  const t = useT(listeningMessages);
  const f = useFormat();
  const canApprove = useCan('listening.approve');
  const canWrite = useCan('listening.write');
  const [params, setParams] = useSearchParams();
  const asked = params.get('tab') as Tab | null;
  const tab: Tab = asked && TABS.includes(asked) ? asked : canApprove && !canWrite ? 'approvals' : 'inbox';
  const state = useListeningState();
  const crisis = useSetCrisis();
  const s = state.data;
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canWrite && s && !s.crisis ? (
            <Button variant="default" onClick={() => crisis.mutate(true)} loading={crisis.isPending}>
              {t('crisisStart')}
            </Button>
          ) : undefined
        }
      />
      {s?.crisis && (
        <Alert color="red" mb="md" role="status" title={t('crisisOn', { date: f.dateTime(s.crisis_since) })}>
          {canWrite && (
            <Button size="xs" variant="white" color="red" onClick={() => crisis.mutate(false)} loading={crisis.isPending}>
              {t('crisisEnd')}
            </Button>
          )}
        </Alert>
      )}
      {s && s.disconnected_accounts > 0 && (
        <Alert color="orange" mb="md">
          {t('disconnected', { count: s.disconnected_accounts })}
        </Alert>
      )}
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'inbox' ? { tab: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto' }}>
          <Tabs.Tab value="inbox">
            <Group gap={6} wrap="nowrap">
              {t('tabInbox')}
              {s && s.new_mentions > 0 && (
                <Badge size="sm" variant="light">
                  {f.number(s.new_mentions)}
                </Badge>
              )}
            </Group>
          </Tabs.Tab>
          <Tabs.Tab value="approvals">
            <Group gap={6} wrap="nowrap">
              {t('tabApprovals')}
              {s && s.pending_approvals > 0 && (
                <Badge size="sm" color="orange">
                  {f.number(s.pending_approvals)}
                </Badge>
              )}
            </Group>
          </Tabs.Tab>
          <Tabs.Tab value="watches">{t('tabWatches')}</Tabs.Tab>
          <Tabs.Tab value="messages">{t('tabMessages')}</Tabs.Tab>
          <Tabs.Tab value="accounts">{t('tabAccounts')}</Tabs.Tab>
          <Tabs.Tab value="report">{t('tabReport')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="inbox">
          <InboxPanel themes={s?.themes ?? []} />
        </Tabs.Panel>
        <Tabs.Panel value="approvals">
          <ApprovalsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="watches">
          <WatchesPanel />
        </Tabs.Panel>
        <Tabs.Panel value="messages">
          <KeyMessagesPanel themes={s?.themes ?? []} />
        </Tabs.Panel>
        <Tabs.Panel value="accounts">
          <AccountsPanel />
        </Tabs.Panel>
        <Tabs.Panel value="report">
          <ReportPanel />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
