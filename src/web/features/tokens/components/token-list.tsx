// The API tokens as a table (desktop) or as cards (phone).
import { Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { uiMessages } from '../../../ui/messages.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { ApiToken } from '../api.ts';
import { tokensMessages } from '../messages.ts';

/** Renders every token with prefix, scopes, dates, state and the revoke button. */
export function TokenList({ tokens, onRevoke }: { tokens: ApiToken[]; onRevoke: (token: ApiToken) => void }) {
  const t = useT(tokensMessages);
  const ui = useT(uiMessages);
  const fmt = useFormat();
  const phone = useIsPhone();

  const scopes = (token: ApiToken) => (
    <Group gap={4}>
      {token.scopes.map((scope) => (
        <Badge key={scope} variant="outline" color="gray" size="sm">
          {scope}
        </Badge>
      ))}
    </Group>
  );
  const state = (token: ApiToken) =>
    token.revoked_at ? (
      <Badge color="gray" variant="light">
        {t('revoked', { date: fmt.date(token.revoked_at) })}
      </Badge>
    ) : (
      <Badge color="teal" variant="light">
        {t('active')}
      </Badge>
    );
  const revoke = (token: ApiToken) =>
    !token.revoked_at && (
      <Button size="xs" variant="subtle" color="red" onClick={() => onRevoke(token)} aria-label={t('revokeLabel', { name: token.name })}>
        {t('revoke')}
      </Button>
    );
  const lastUsed = (token: ApiToken) => (token.last_used_at ? fmt.dateTime(token.last_used_at) : ui('never'));

  if (phone) {
    return (
      <Stack gap="xs">
        {tokens.map((token) => (
          <Paper
            key={token.id}
            withBorder
            radius="md"
            p="sm"
            data-testid={`token-row-${token.id}`}
            c={token.revoked_at ? 'dimmed' : undefined}
          >
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500}>
                    {token.name}
                  </Text>
                  <Code>{token.prefix}…</Code>
                </div>
                {state(token)}
              </Group>
              {scopes(token)}
              <Text size="xs" c="dimmed">
                {t('createdOn', { date: fmt.date(token.created_at) })} · {t('lastUsedOn', { date: lastUsed(token) })}
              </Text>
              <div>{revoke(token)}</div>
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }

  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={820}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colName')}</Table.Th>
              <Table.Th>{t('colPrefix')}</Table.Th>
              <Table.Th>{t('colScopes')}</Table.Th>
              <Table.Th>{t('colCreated')}</Table.Th>
              <Table.Th>{t('colLastUsed')}</Table.Th>
              <Table.Th>{t('colStatus')}</Table.Th>
              <Table.Th>{t('colActions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.map((token) => (
              <Table.Tr key={token.id} data-testid={`token-row-${token.id}`} c={token.revoked_at ? 'dimmed' : undefined}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {token.name}
                  </Text>
                  {token.created_by_name && (
                    <Text size="xs" c="dimmed">
                      {t('createdBy', { name: token.created_by_name })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Code>{token.prefix}…</Code>
                </Table.Td>
                <Table.Td>{scopes(token)}</Table.Td>
                <Table.Td>
                  <Text size="sm">{fmt.date(token.created_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{lastUsed(token)}</Text>
                </Table.Td>
                <Table.Td>{state(token)}</Table.Td>
                <Table.Td>{revoke(token)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
