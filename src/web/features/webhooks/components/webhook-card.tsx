// One webhook as a card (laptop and phone alike): its URL, events and state, the notice of a
// disabled endpoint, and its actions (test, log, turn on/off, delete).
import { Alert, Badge, Button, Code, Group, Paper, Stack, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import type { Webhook, WebhookEventType } from '../api.ts';
import { webhooksMessages } from '../messages.ts';

export interface WebhookCardProps {
  webhook: Webhook;
  eventTypes: readonly WebhookEventType[];
  onTest: () => void;
  onLog: () => void;
  onToggle: (active: boolean) => void;
  onDelete: () => void;
  busy: boolean;
}

/** The card of one webhook. */
export function WebhookCard({ webhook, eventTypes, onTest, onLog, onToggle, onDelete, busy }: WebhookCardProps) {
  const t = useT(webhooksMessages);
  const fmt = useFormat();
  const { locale } = useLocale();
  const label = (type: string) => {
    const known = eventTypes.find((e) => e.type === type);
    return known ? (locale === 'fr' ? known.label_fr : known.label_en) : type;
  };
  const title = webhook.name || webhook.url;
  const state =
    webhook.disabled_reason === 'failing' ? (
      <Badge color="red" variant="light">
        {t('disabledFailing')}
      </Badge>
    ) : webhook.active ? (
      <Badge color="teal" variant="light">
        {t('active')}
      </Badge>
    ) : (
      <Badge color="gray" variant="light">
        {t('disabledManual')}
      </Badge>
    );

  return (
    <Paper withBorder radius="md" p="md" data-testid={`webhook-${webhook.id}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {title}
            </Text>
            {webhook.name && (
              <Code style={{ overflowWrap: 'anywhere', whiteSpace: 'normal' }} data-testid="webhook-url">
                {webhook.url}
              </Code>
            )}
          </div>
          {state}
        </Group>
        {webhook.disabled_reason === 'failing' && (
          <Alert color="red" variant="light" icon={<Icon name="alert" />} title={t('failingNoticeTitle')} role="status">
            <Stack gap={4}>
              <Text size="sm">
                {t('failingNotice', {
                  date: fmt.dateTime(webhook.failing_since),
                  count: fmt.number(webhook.consecutive_failures),
                  disabled: fmt.dateTime(webhook.disabled_at),
                })}
              </Text>
              {webhook.last_error && (
                <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                  {t('lastError', { error: webhook.last_error })}
                </Text>
              )}
            </Stack>
          </Alert>
        )}
        {webhook.active && webhook.consecutive_failures > 0 && (
          <Alert color="orange" variant="light" icon={<Icon name="alert" />}>
            <Text size="sm">
              {t('failingNow', { count: fmt.number(webhook.consecutive_failures), date: fmt.dateTime(webhook.failing_since) })}
            </Text>
            {webhook.last_error && (
              <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                {t('lastError', { error: webhook.last_error })}
              </Text>
            )}
          </Alert>
        )}
        <div>
          <Text size="xs" c="dimmed" mb={4}>
            {t('events')}
          </Text>
          <Group gap={6}>
            {webhook.event_types.map((type) => (
              <Badge key={type} variant="outline" color="gray" size="sm" tt="none">
                {label(type)}
              </Badge>
            ))}
          </Group>
        </div>
        <Text size="xs" c="dimmed">
          {t('createdBy', { date: fmt.date(webhook.created_at), name: webhook.created_by_label })}
        </Text>
        <Group gap="xs" role="group" aria-label={t('actionsLabel', { name: title })}>
          <Button size="xs" variant="light" onClick={onTest} loading={busy}>
            {t('sendTest')}
          </Button>
          <Button size="xs" variant="default" onClick={onLog}>
            {t('log')}
          </Button>
          {webhook.active ? (
            <Button size="xs" variant="subtle" color="gray" onClick={() => onToggle(false)}>
              {t('disable')}
            </Button>
          ) : (
            <Button size="xs" variant="filled" color="teal" onClick={() => onToggle(true)}>
              {t('enable')}
            </Button>
          )}
          <Button size="xs" variant="subtle" color="red" onClick={onDelete}>
            {t('delete')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
