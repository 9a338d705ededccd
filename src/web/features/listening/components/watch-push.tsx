// A watch's push state: its WebSub subscription (an RSS/Atom feed naming a hub: pending, verified
// with its lease and deliveries, expired, denied) or its Mastodon live stream (connected or not,
// the statuses it brought, the next try after a failure).
import { Badge, Group, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { Watch } from '../api.ts';
import { listeningMessages } from '../messages.ts';

const WEBSUB_COLOR = { pending: 'blue', verified: 'teal', expired: 'orange', denied: 'red', unsubscribing: 'gray' } as const;

export function WatchPush({ watch }: { watch: Watch }) {
  const t = useT(listeningMessages);
  const f = useFormat();
  const { websub, stream } = watch.push;
  if (!websub && !stream) return null;
  return (
    <Group gap="xs" mt={4} wrap="wrap">
      {websub && (
        <>
          <Badge color={WEBSUB_COLOR[websub.state]} variant="light" data-testid="websub-state">
            {t(`push_websub_${websub.state}`)}
          </Badge>
          {websub.state === 'verified' && (
            <Text size="xs" c="dimmed">
              {websub.expires_at &&
                t('pushWebsubDetail', {
                  date: f.dateTime(websub.expires_at),
                  deliveries: f.number(websub.deliveries),
                  rejected: f.number(websub.rejected),
                })}
              {' · '}
              {t('pushSafetyPoll')}
            </Text>
          )}
          {websub.state === 'denied' && (websub.denied_reason || websub.last_error) && (
            <Text size="xs" c="orange" style={{ overflowWrap: 'anywhere' }}>
              {websub.denied_reason ?? websub.last_error}
            </Text>
          )}
        </>
      )}
      {stream && (
        <>
          <Badge color={stream.state === 'connected' ? 'teal' : 'gray'} variant="light" data-testid="stream-state">
            {t(`push_stream_${stream.state}`)}
          </Badge>
          <Text size="xs" c="dimmed">
            {t('pushStreamDetail', { events: f.number(stream.events) })}
            {stream.state === 'disconnected' &&
              stream.next_attempt_at &&
              ` · ${t('pushStreamRetry', { date: f.dateTime(stream.next_attempt_at) })}`}
          </Text>
        </>
      )}
    </Group>
  );
}
