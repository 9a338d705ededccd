// /app/outbox: e-mails captured when no SMTP relay is configured, readable in place.
import { Alert, Anchor, Modal, Paper, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { type OutboxMessage, useOutboxQuery } from '../api.ts';
import { outboxMessages } from '../messages.ts';

const URL_PATTERN = /(https?:\/\/[^\s<>"]+)/g;

/** Plain text with its http(s) links made clickable (invitation and reset links, mostly). */
export function Linkified({ text }: { text: string }) {
  // Parts alternate text / link; their offset in the text is a stable key.
  let offset = 0;
  const parts = text.split(URL_PATTERN).map((part, index) => {
    const at = offset;
    offset += part.length;
    return { at, part, link: index % 2 === 1 };
  });
  return (
    <>
      {parts.map(({ at, part, link }) =>
        link ? (
          <Anchor key={at} href={part} inherit style={{ wordBreak: 'break-all' }}>
            {part}
          </Anchor>
        ) : (
          <span key={at}>{part}</span>
        ),
      )}
    </>
  );
}

/** Lists captured e-mails (to, subject, date); clicking a subject shows its text body. */
export function OutboxPage() {
  const t = useT(outboxMessages);
  const fmt = useFormat();
  const outbox = useOutboxQuery({ poll: true });
  const [reading, setReading] = useState<OutboxMessage | null>(null);

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <QueryView query={outbox}>
        {(data) =>
          !data.enabled ? (
            <Alert color="gray" variant="light" icon={<Icon name="info" />}>
              {t('disabled')}
            </Alert>
          ) : (
            <Stack>
              <Alert color="indigo" variant="light" icon={<Icon name="mail" />}>
                {t('explain')}
              </Alert>
              {data._embedded.messages.length === 0 ? (
                <Paper withBorder radius="md" p="xl" bg="gray.0">
                  <Text c="dimmed" ta="center">
                    {t('empty')}
                  </Text>
                </Paper>
              ) : (
                <Paper withBorder radius="md">
                  <Text size="sm" c="dimmed" px="md" pt="sm">
                    {t('count', { count: data._embedded.messages.length })}
                  </Text>
                  <Table.ScrollContainer minWidth={560}>
                    <Table>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>{t('colSubject')}</Table.Th>
                          <Table.Th>{t('colTo')}</Table.Th>
                          <Table.Th>{t('colDate')}</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {data._embedded.messages.map((message) => (
                          <Table.Tr key={message.id} data-testid={`outbox-row-${message.id}`}>
                            <Table.Td>
                              <Anchor
                                component="button"
                                type="button"
                                size="sm"
                                fw={500}
                                ta="left"
                                onClick={() => setReading(message)}
                                aria-label={t('openLabel', { subject: message.subject || t('noSubject') })}
                              >
                                {message.subject || t('noSubject')}
                              </Anchor>
                            </Table.Td>
                            <Table.Td>
                              <Text size="sm">{message.to_address}</Text>
                            </Table.Td>
                            <Table.Td style={{ whiteSpace: 'nowrap' }}>
                              <Text size="sm">{fmt.dateTime(message.created_at)}</Text>
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Paper>
              )}
            </Stack>
          )
        }
      </QueryView>
      <Modal opened={reading !== null} onClose={() => setReading(null)} title={reading?.subject || t('noSubject')} size="xl" centered>
        {reading && (
          <Stack gap="sm">
            <Text size="sm">{t('to', { to: reading.to_address })}</Text>
            <Text size="xs" c="dimmed">
              {t('sentAt', { date: fmt.dateTime(reading.created_at) })}
            </Text>
            <Paper withBorder p="md" bg="gray.0" radius="sm">
              <pre className="relais-pre" data-testid="outbox-body">
                <Linkified text={reading.text_body} />
              </pre>
            </Paper>
          </Stack>
        )}
      </Modal>
    </>
  );
}
