// The latest SMS with their status (refreshed every few seconds).
import { Badge, Paper, Table, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { QueryView } from '../../../ui/query-view.tsx';
import { type SmsMessage, useSmsMessagesQuery } from '../api.ts';
import { smsMessages } from '../messages.ts';

const COLORS: Record<SmsMessage['status'], string> = {
  queued: 'gray',
  deferred: 'yellow',
  sending: 'blue',
  sent: 'indigo',
  delivered: 'teal',
  undelivered: 'red',
  failed: 'red',
};

export function RecentMessages() {
  const t = useT(smsMessages);
  const fmt = useFormat();
  const messages = useSmsMessagesQuery();
  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5" mb="sm">
        {t('recent')}
      </Title>
      <QueryView query={messages}>
        {(data) =>
          data._embedded.sms_messages.length === 0 ? (
            <Text c="dimmed" size="sm">
              {t('none')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={420}>
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colTo')}</Table.Th>
                    <Table.Th>{t('colStatus')}</Table.Th>
                    <Table.Th>{t('colDate')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data._embedded.sms_messages.map((m) => (
                    <Table.Tr key={m.id}>
                      <Table.Td>{fmt.phone(m.to_number)}</Table.Td>
                      <Table.Td>
                        <Badge color={COLORS[m.status]} variant="light">
                          {t(`status_${m.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{fmt.dateTime(m.created_at)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )
        }
      </QueryView>
    </Paper>
  );
}
