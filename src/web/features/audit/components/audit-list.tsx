// The audit events as a table (desktop) or as cards (phone), each told as a person reads it: who,
// what, to whom, and what it means in a sentence (describe-event.ts).
import { Anchor, Badge, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useTokenScopesQuery } from '../../tokens/api.ts';
import type { AuditEvent } from '../api.ts';
import { type DescribedEvent, describeEvent } from '../describe-event.ts';
import { auditMessages } from '../messages.ts';

const ACTION_COLORS: Record<string, string> = {
  auth: 'blue',
  member: 'grape',
  token: 'orange',
  people: 'red',
  person: 'red',
  imports: 'red',
};

interface AuditListProps {
  events: AuditEvent[];
  actionLabel: (action: string) => string;
}

/** Renders one page of events. */
export function AuditList({ events, actionLabel }: AuditListProps) {
  const t = useT(auditMessages);
  const phone = useIsPhone();
  const fmt = useFormat();
  const { locale } = useLocale();
  const scopes = useTokenScopesQuery();
  const scopeLabel = (id: string) => {
    const scope = scopes.data?.scopes.find((s) => s.id === id);
    return scope ? (locale === 'fr' ? scope.description_fr : scope.description_en) : id;
  };
  const described = events.map((event) => ({ event, told: describeEvent(event, { locale, fmt, scopeLabel }) }));
  if (phone) {
    return (
      <Stack gap="xs">
        {described.map(({ event, told }) => (
          <Paper key={event.id} withBorder radius="md" p="sm" data-testid={`audit-row-${event.id}`}>
            <Stack gap={6}>
              <Group justify="space-between" gap="xs" align="flex-start" wrap="nowrap">
                <ActionBadge action={event.action} label={actionLabel(event.action)} />
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {fmt.dateTime(event.at)}
                </Text>
              </Group>
              <Text size="sm">{told.actor}</Text>
              {told.target && <Target target={told.target} />}
              <Sentences told={told} />
              {event.ip && (
                <Text size="xs" c="dimmed">
                  {t('ipLine', { ip: event.ip })}
                </Text>
              )}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={880}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colDate')}</Table.Th>
              <Table.Th>{t('colActor')}</Table.Th>
              <Table.Th>{t('colAction')}</Table.Th>
              <Table.Th>{t('colTarget')}</Table.Th>
              <Table.Th>{t('colDetails')}</Table.Th>
              <Table.Th>{t('colIp')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {described.map(({ event, told }) => (
              <Table.Tr key={event.id} data-testid={`audit-row-${event.id}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm">{fmt.dateTime(event.at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{told.actor}</Text>
                </Table.Td>
                <Table.Td>
                  <ActionBadge action={event.action} label={actionLabel(event.action)} />
                </Table.Td>
                <Table.Td>{told.target ? <Target target={told.target} /> : <Text c="dimmed">{t('noDetails')}</Text>}</Table.Td>
                <Table.Td maw={360}>
                  {told.sentences.length ? <Sentences told={told} /> : <Text c="dimmed">{t('noDetails')}</Text>}
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {event.ip ?? '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function Target({ target }: { target: NonNullable<DescribedEvent['target']> }) {
  return (
    <Text size="sm">
      <Text span size="xs" c="dimmed">
        {target.kind}
      </Text>{' '}
      {target.href ? (
        <Anchor component={Link} to={target.href} size="sm">
          {target.name}
        </Anchor>
      ) : (
        target.name
      )}
    </Text>
  );
}

function Sentences({ told }: { told: DescribedEvent }) {
  return (
    <Stack gap={0}>
      {told.sentences.map((s) => (
        <Text key={s} size="sm">
          {s}
        </Text>
      ))}
    </Stack>
  );
}

function ActionBadge({ action, label }: { action: string; label: string }) {
  return (
    <Badge variant="light" color={ACTION_COLORS[action.split('.')[0] ?? ''] ?? 'gray'} maw="100%" style={{ textTransform: 'none' }}>
      {label}
    </Badge>
  );
}
