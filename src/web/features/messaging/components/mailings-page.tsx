// /app/mailings: the campaign's mailings, newest first — name, subject, status in words, when it goes
// out (its time, weekly series, what holds it), sent of targeted live with pause, resume and cancel,
// dates — as a table on a laptop and as cards on a phone; « Nouvel envoi » opens the composer.
import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { DeliverabilityBanner } from '../../deliverability/components/deliverability-banner.tsx';
import { deliverabilityMessages } from '../../deliverability/messages.ts';
import { useCan } from '../../session/session-context.tsx';
import { type Mailing, useMailingsQuery } from '../api.ts';
import { messagingMessages } from '../messages.ts';
import { MailingControls, ScheduleLine } from './schedule-parts.tsx';

const STATUS_COLORS: Record<Mailing['status'], string> = {
  draft: 'gray',
  scheduled: 'blue',
  sending: 'orange',
  sent: 'teal',
  paused: 'yellow',
  cancelled: 'red',
};

/** Where a mailing opens: its report once it went out, else the composer. */
export function mailingHref(m: Pick<Mailing, 'id' | 'status'>): string {
  return m.status === 'sent' || m.status === 'sending' || m.status === 'cancelled' ? `/mailings/${m.id}/report` : `/mailings/${m.id}`;
}

/** The status of a mailing in words, as a badge. */
export function StatusBadge({ status }: { status: Mailing['status'] }) {
  const t = useT(messagingMessages);
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {t(`status_${status}`)}
    </Badge>
  );
}

/** Why the circuit breaker paused a mailing, in words (nothing when it did not). */
export function PauseReason({ mailing }: { mailing: Pick<Mailing, 'status' | 'pause_reason'> }) {
  const t = useT(deliverabilityMessages);
  if (mailing.status !== 'paused' || !mailing.pause_reason) return null;
  return (
    <Text size="sm" c="orange.8" data-testid="pause-reason">
      {t(`reason_${mailing.pause_reason}`)}
    </Text>
  );
}

export function MailingsPage() {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const canWrite = useCan('messaging.write');
  const mailings = useMailingsQuery();
  const dateOf = (m: Mailing) =>
    m.sent_start_date ? t('sentOn', { date: fmt.date(m.sent_start_date) }) : t('created', { date: fmt.date(m.created_date) });

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canWrite ? (
            <Button component={Link} to="/mailings/new" leftSection={<Icon name="plus" />}>
              {t('newMailing')}
            </Button>
          ) : null
        }
      />
      <DeliverabilityBanner />
      <QueryView query={mailings} isEmpty={(list) => list.length === 0} empty={t('empty')}>
        {(list) =>
          phone ? (
            <Stack gap="sm">
              {list.map((m) => (
                <Paper key={m.id} withBorder radius="md" p="sm">
                  <Stack gap={4}>
                    <Group justify="space-between" wrap="nowrap" align="flex-start">
                      <Anchor component={Link} to={mailingHref(m)} fw={600} style={{ wordBreak: 'break-word' }}>
                        {m.name || t('untitled')}
                      </Anchor>
                      <StatusBadge status={m.status} />
                    </Group>
                    <Text size="sm" style={{ wordBreak: 'break-word' }}>
                      {m.subject}
                    </Text>
                    <ScheduleLine mailing={m} />
                    <Text size="sm" c="dimmed">
                      {t('sentOf', { sent: fmt.number(m.statistics.sent), total: fmt.number(m.total_targeted) })} · {dateOf(m)}
                    </Text>
                    <MailingControls mailing={m} />
                    <PauseReason mailing={m} />
                  </Stack>
                </Paper>
              ))}
            </Stack>
          ) : (
            <Table striped highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colName')}</Table.Th>
                  <Table.Th>{t('colSubject')}</Table.Th>
                  <Table.Th>{t('colStatus')}</Table.Th>
                  <Table.Th ta="right">{t('colSent')}</Table.Th>
                  <Table.Th>{t('colDate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((m) => (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Anchor component={Link} to={mailingHref(m)}>
                        {m.name || t('untitled')}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{m.subject}</Table.Td>
                    <Table.Td>
                      <Stack gap={4} align="flex-start">
                        <StatusBadge status={m.status} />
                        <ScheduleLine mailing={m} />
                        <PauseReason mailing={m} />
                      </Stack>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Stack gap={4} align="flex-end">
                        <span>
                          {fmt.number(m.statistics.sent)} / {fmt.number(m.total_targeted)}
                        </span>
                        <MailingControls mailing={m} />
                      </Stack>
                    </Table.Td>
                    <Table.Td>{dateOf(m)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryView>
    </>
  );
}
