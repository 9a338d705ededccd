// A webhook's delivery log in a dialog: each delivery's event, state, attempts, answer, duration and
// next attempt, newest first, with "send again" for finished ones. Refreshes while one is pending.
import { Badge, Button, Group, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useDeliveriesQuery, useReplayDelivery, type Webhook, type WebhookDelivery, type WebhookEventType } from '../api.ts';
import { webhooksMessages } from '../messages.ts';

const STATE_COLOR = { succeeded: 'teal', pending: 'yellow', failed: 'red' } as const;

/** The log of `webhook` (closed when null). */
export function DeliveryLogModal({
  webhook,
  eventTypes,
  onClose,
}: {
  webhook: Webhook | null;
  eventTypes: readonly WebhookEventType[];
  onClose: () => void;
}) {
  const t = useT(webhooksMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const phone = useIsPhone();
  const [page, setPage] = useState(1);
  const deliveries = useDeliveriesQuery(webhook?.id ?? null, page);
  const replay = useReplayDelivery();

  const close = () => {
    setPage(1);
    replay.reset();
    onClose();
  };
  const eventLabel = (d: WebhookDelivery) => {
    if (d.event_id === null) return t('testEvent');
    const known = eventTypes.find((e) => e.type === d.event_type);
    return known ? (locale === 'fr' ? known.label_fr : known.label_en) : d.event_type;
  };
  const stateBadge = (d: WebhookDelivery) => (
    <Badge color={STATE_COLOR[d.state]} variant="light" style={{ flexShrink: 0, overflow: 'visible' }}>
      {d.state === 'succeeded' ? t('stateSucceeded') : d.state === 'pending' ? t('statePending') : t('stateFailed')}
    </Badge>
  );
  const response = (d: WebhookDelivery) =>
    d.response_status === null ? (d.attempts > 0 ? t('noResponse') : '—') : String(d.response_status);
  const duration = (d: WebhookDelivery) => (d.duration_ms === null ? '—' : t('durationMs', { ms: fmt.number(d.duration_ms) }));
  const replayButton = (d: WebhookDelivery) =>
    d.state !== 'pending' &&
    webhook && (
      <Button
        size="xs"
        variant="subtle"
        onClick={() => replay.mutate({ webhookId: webhook.id, deliveryId: d.id })}
        loading={replay.isPending && replay.variables?.deliveryId === d.id}
        aria-label={t('replayLabel', { date: fmt.dateTime(d.created_at) })}
      >
        {t('replay')}
      </Button>
    );

  return (
    <Modal
      opened={webhook !== null}
      onClose={close}
      title={webhook ? t('logTitle', { name: webhook.name || webhook.url }) : ''}
      size="xl"
      fullScreen={phone}
    >
      <Stack>
        {replay.isError && <ErrorAlert error={replay.error} overrides={{ WEBHOOK_DELIVERY_PENDING: t('deliveryPending') }} />}
        <QueryView
          query={deliveries}
          isEmpty={(data) => data._embedded.deliveries.length === 0}
          empty={<Text size="sm">{t('logEmpty')}</Text>}
        >
          {(data) => (
            <Stack>
              {phone ? (
                <Stack gap="xs">
                  {data._embedded.deliveries.map((d) => (
                    <Paper key={d.id} withBorder radius="md" p="sm" data-testid={`delivery-${d.id}`}>
                      <Stack gap={4}>
                        <Group justify="space-between" wrap="nowrap">
                          <Text size="sm" fw={500}>
                            {eventLabel(d)}
                          </Text>
                          {stateBadge(d)}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {fmt.dateTime(d.created_at)} · {t('attempts', { count: fmt.number(d.attempts) })} · {response(d)} · {duration(d)}
                        </Text>
                        {d.next_attempt_at && d.state === 'pending' && (
                          <Text size="xs">
                            {t('colNext')} : {fmt.dateTime(d.next_attempt_at)}
                          </Text>
                        )}
                        {d.error && (
                          <Text size="xs" c="red" style={{ overflowWrap: 'anywhere' }}>
                            {d.error}
                          </Text>
                        )}
                        <div>{replayButton(d)}</div>
                      </Stack>
                    </Paper>
                  ))}
                </Stack>
              ) : (
                <Table.ScrollContainer minWidth={760}>
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('colWhen')}</Table.Th>
                        <Table.Th>{t('colEvent')}</Table.Th>
                        <Table.Th>{t('colState')}</Table.Th>
                        <Table.Th>{t('colAttempts')}</Table.Th>
                        <Table.Th>{t('colResponse')}</Table.Th>
                        <Table.Th>{t('colDuration')}</Table.Th>
                        <Table.Th>{t('colNext')}</Table.Th>
                        <Table.Th />
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data._embedded.deliveries.map((d) => (
                        <Table.Tr key={d.id} data-testid={`delivery-${d.id}`}>
                          <Table.Td>
                            <Text size="sm">{fmt.dateTime(d.created_at)}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{eventLabel(d)}</Text>
                            {d.manual && (
                              <Text size="xs" c="dimmed">
                                {t('manual')}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td miw={120}>
                            {stateBadge(d)}
                            {d.error && (
                              <Text size="xs" c="red" maw={220} style={{ overflowWrap: 'anywhere' }}>
                                {d.error}
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>{fmt.number(d.attempts)}</Table.Td>
                          <Table.Td>{response(d)}</Table.Td>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{duration(d)}</Table.Td>
                          <Table.Td>{d.state === 'pending' ? fmt.dateTime(d.next_attempt_at) : '—'}</Table.Td>
                          <Table.Td>{replayButton(d)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              {(data.total_pages ?? 1) > 1 && (
                <Group justify="space-between">
                  <Button size="xs" variant="default" disabled={page <= 1} onClick={() => setPage(page - 1)}>
                    {t('previous')}
                  </Button>
                  <Text size="sm">{t('pageOf', { page: fmt.number(page), pages: fmt.number(data.total_pages ?? 1) })}</Text>
                  <Button size="xs" variant="default" disabled={page >= (data.total_pages ?? 1)} onClick={() => setPage(page + 1)}>
                    {t('next')}
                  </Button>
                </Group>
              )}
            </Stack>
          )}
        </QueryView>
      </Stack>
    </Modal>
  );
}
