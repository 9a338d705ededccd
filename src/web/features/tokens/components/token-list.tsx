// The API tokens, grouped by application, as a table (laptop) or as cards (phone).
import { Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { Fragment } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { uiMessages } from '../../../ui/messages.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { ApiToken } from '../api.ts';
import { tokensMessages } from '../messages.ts';
import { useScopeNames } from '../scope-label.ts';

/** The tokens of each application, in the server's order (by application, newest first). */
function byApplication(tokens: ApiToken[]): { application: string; tokens: ApiToken[] }[] {
  const groups: { application: string; tokens: ApiToken[] }[] = [];
  for (const token of tokens) {
    const last = groups.at(-1);
    if (last && last.application === token.application) last.tokens.push(token);
    else groups.push({ application: token.application, tokens: [token] });
  }
  return groups;
}

/** Renders every token with application, owner, scopes, limit, last use, state and the revoke button. */
export function TokenList({ tokens, onRevoke }: { tokens: ApiToken[]; onRevoke: (token: ApiToken) => void }) {
  const t = useT(tokensMessages);
  const ui = useT(uiMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const names = useScopeNames();
  const groups = byApplication(tokens);

  const scopes = (token: ApiToken) => (
    <Group gap={4}>
      {token.scopes.map((scope) => (
        <Badge key={scope} variant="outline" color="gray" size="sm" tt="none">
          {names.scope(scope)}
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
  const owner = (token: ApiToken) => token.created_by_name ?? t('ownerOperator');
  const limit = (token: ApiToken) =>
    token.rate_limit_per_minute === null ? t('defaultLimit') : t('perMinute', { count: fmt.number(token.rate_limit_per_minute) });

  if (phone) {
    return (
      <Stack gap="md">
        {groups.map((group) => (
          <Stack key={group.application} gap="xs">
            <Text fw={600}>{group.application}</Text>
            {group.tokens.map((token) => (
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
                  {token.description && <Text size="sm">{token.description}</Text>}
                  {scopes(token)}
                  <Text size="xs" c="dimmed">
                    {t('ownerLine', { name: owner(token) })} · {t('limitLine', { value: limit(token) })}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {t('createdOn', { date: fmt.date(token.created_at) })} · {t('lastUsedOn', { date: lastUsed(token) })}
                  </Text>
                  <div>{revoke(token)}</div>
                </Stack>
              </Paper>
            ))}
          </Stack>
        ))}
      </Stack>
    );
  }

  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={980}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('colName')}</Table.Th>
              <Table.Th>{t('colOwner')}</Table.Th>
              <Table.Th>{t('colScopes')}</Table.Th>
              <Table.Th>{t('colLimit')}</Table.Th>
              <Table.Th>{t('colLastUsed')}</Table.Th>
              <Table.Th>{t('colStatus')}</Table.Th>
              <Table.Th>{t('colActions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {groups.map((group) => (
              <Fragment key={group.application}>
                <Table.Tr bg="var(--mantine-color-gray-light)">
                  <Table.Td colSpan={7}>
                    <Text size="sm" fw={600}>
                      {t('applicationGroup', { name: group.application })}
                    </Text>
                  </Table.Td>
                </Table.Tr>
                {group.tokens.map((token) => (
                  <Table.Tr key={token.id} data-testid={`token-row-${token.id}`} c={token.revoked_at ? 'dimmed' : undefined}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {token.name} <Code>{token.prefix}…</Code>
                      </Text>
                      {token.description && (
                        <Text size="xs" c="dimmed" maw={260}>
                          {token.description}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        {t('createdOn', { date: fmt.date(token.created_at) })}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{owner(token)}</Text>
                    </Table.Td>
                    <Table.Td maw={320}>{scopes(token)}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{limit(token)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{lastUsed(token)}</Text>
                    </Table.Td>
                    <Table.Td>{state(token)}</Table.Td>
                    <Table.Td>{revoke(token)}</Table.Td>
                  </Table.Tr>
                ))}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
