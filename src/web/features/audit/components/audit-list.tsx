// The audit events as a table with expandable details (desktop) or as cards (phone).
import { Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { Fragment } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { AuditEvent } from '../api.ts';
import { auditMessages } from '../messages.ts';

const ACTION_COLORS: Record<string, string> = { auth: 'blue', member: 'grape', token: 'orange', export: 'red' };

interface AuditListProps {
  events: AuditEvent[];
  open: Set<string>;
  onToggle: (id: string) => void;
  actionLabel: (action: string) => string;
}

/** Renders one page of events; details (JSON) open below an event on demand. */
export function AuditList({ events, open, onToggle, actionLabel }: AuditListProps) {
  const t = useT(auditMessages);
  const phone = useIsPhone();
  if (phone) {
    return (
      <Stack gap="xs">
        {events.map((event) => (
          <AuditCard
            key={event.id}
            event={event}
            open={open.has(event.id)}
            onToggle={() => onToggle(event.id)}
            actionLabel={actionLabel(event.action)}
          />
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={760}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colDate')}</Table.Th>
              <Table.Th>{t('colActor')}</Table.Th>
              <Table.Th>{t('colAction')}</Table.Th>
              <Table.Th>{t('colTarget')}</Table.Th>
              <Table.Th>{t('colIp')}</Table.Th>
              <Table.Th>{t('colDetails')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {events.map((event) => (
              <AuditRow
                key={event.id}
                event={event}
                open={open.has(event.id)}
                onToggle={() => onToggle(event.id)}
                actionLabel={actionLabel(event.action)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

interface AuditRowProps {
  event: AuditEvent;
  open: boolean;
  onToggle: () => void;
  actionLabel: string;
}

function AuditRow({ event, open, onToggle, actionLabel }: AuditRowProps) {
  const t = useT(auditMessages);
  const fmt = useFormat();
  const detailsId = `audit-details-${event.id}`;
  return (
    <Fragment>
      <Table.Tr data-testid={`audit-row-${event.id}`}>
        <Table.Td style={{ whiteSpace: 'nowrap' }}>
          <Text size="sm">{fmt.dateTime(event.at)}</Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm">{event.actor_label ?? t('system')}</Text>
        </Table.Td>
        <Table.Td>
          <ActionBadge action={event.action} label={actionLabel} />
        </Table.Td>
        <Table.Td>
          {event.target_type ? (
            <Text size="xs" ff="monospace">
              {event.target_type}
              {event.target_id ? ` ${event.target_id}` : ''}
            </Text>
          ) : (
            <Text size="sm" c="dimmed">
              {t('noDetails')}
            </Text>
          )}
        </Table.Td>
        <Table.Td>
          <Text size="xs" ff="monospace">
            {event.ip ?? '—'}
          </Text>
        </Table.Td>
        <Table.Td>
          {hasDetails(event) ? (
            <DetailsToggle open={open} onToggle={onToggle} controls={detailsId} />
          ) : (
            <Text size="sm" c="dimmed">
              {t('noDetails')}
            </Text>
          )}
        </Table.Td>
      </Table.Tr>
      {hasDetails(event) && open && (
        <Table.Tr>
          <Table.Td colSpan={6} bg="gray.0">
            <DetailsBlock event={event} id={detailsId} />
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}

function hasDetails(event: AuditEvent): boolean {
  return event.details !== null && typeof event.details === 'object' && Object.keys(event.details).length > 0;
}

function ActionBadge({ action, label, shrink = false }: { action: string; label: string; shrink?: boolean }) {
  return (
    <Badge variant="light" color={ACTION_COLORS[action.split('.')[0] ?? ''] ?? 'gray'} title={action} maw={shrink ? '100%' : undefined}>
      {label}
    </Badge>
  );
}

function DetailsToggle({ open, onToggle, controls }: { open: boolean; onToggle: () => void; controls: string }) {
  const t = useT(auditMessages);
  return (
    <Button size="compact-xs" variant="subtle" onClick={onToggle} aria-expanded={open} aria-controls={controls}>
      {open ? t('hideDetails') : t('showDetails')}
    </Button>
  );
}

function DetailsBlock({ event, id }: { event: AuditEvent; id?: string }) {
  const t = useT(auditMessages);
  const fmt = useFormat();
  return (
    <Code block id={id} aria-label={t('detailsOf', { date: fmt.dateTime(event.at) })}>
      {JSON.stringify(event.details, null, 2)}
    </Code>
  );
}

function AuditCard({ event, open, onToggle, actionLabel }: AuditRowProps) {
  const t = useT(auditMessages);
  const fmt = useFormat();
  const detailsId = `audit-details-${event.id}`;
  return (
    <Paper withBorder radius="md" p="sm" data-testid={`audit-row-${event.id}`}>
      <Stack gap={6}>
        <Group justify="space-between" gap="xs" align="flex-start">
          <ActionBadge action={event.action} label={actionLabel} shrink />
          <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
            {fmt.dateTime(event.at)}
          </Text>
        </Group>
        <Text size="sm">{event.actor_label ?? t('system')}</Text>
        {(event.target_type || event.ip) && (
          <Text size="xs" c="dimmed" ff="monospace">
            {[event.target_type && `${event.target_type}${event.target_id ? ` ${event.target_id}` : ''}`, event.ip]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        )}
        {hasDetails(event) && (
          <div>
            <DetailsToggle open={open} onToggle={onToggle} controls={detailsId} />
          </div>
        )}
        {hasDetails(event) && open && <DetailsBlock event={event} id={detailsId} />}
      </Stack>
    </Paper>
  );
}
