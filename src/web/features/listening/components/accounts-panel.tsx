// Social accounts: the candidate's and the team's, connected or disconnected (reconnect with new
// credentials); connecting one checks its credentials with the network, which never come back.
import { Badge, Button, Card, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type Account,
  useAccounts,
  useCreateAccount,
  useDeleteAccount,
  useListeningState,
  useSetAlertPhones,
  useUpdateAccount,
} from '../api.ts';
import { listeningMessages } from '../messages.ts';
import { XCostBlock } from './x-cost.tsx';

const NETWORK_NAMES = { mastodon: 'Mastodon', bluesky: 'Bluesky', x: 'X' } as const;

function AccountForm({ account, opened, onClose }: { account: Account | null; opened: boolean; onClose: () => void }) {
  const t = useT(listeningMessages);
  const create = useCreateAccount();
  const update = useUpdateAccount();
  const [form, setForm] = useState({ network: 'mastodon', kind: 'team', handle: '', base_url: '', secret: '' });
  // X: the user context for posting, beside the app's bearer token (the secret).
  const [xAuth, setXAuth] = useState({ user_token: '', refresh_token: '', client_id: '', client_secret: '' });
  const network = account?.network ?? form.network;
  const secretField = network === 'bluesky' ? 'password' : 'token';
  const xFields = network === 'x' ? Object.fromEntries(Object.entries(xAuth).filter(([, v]) => v.trim() !== '')) : {};
  const mutation = account ? update : create;
  const submit = () =>
    account
      ? update.mutate({ id: account.id, [secretField]: form.secret, ...xFields }, { onSuccess: onClose })
      : create.mutate(
          {
            network: form.network,
            kind: form.kind,
            handle: form.handle,
            ...(form.base_url ? { base_url: form.base_url } : {}),
            [secretField]: form.secret,
            ...xFields,
          },
          { onSuccess: onClose },
        );
  return (
    <Modal opened={opened} onClose={onClose} title={account ? t('reconnect') : t('addAccount')}>
      <Stack>
        {!account && (
          <>
            <Select
              label={t('network')}
              value={form.network}
              onChange={(v) => setForm({ ...form, network: v ?? 'mastodon' })}
              allowDeselect={false}
              data={Object.entries(NETWORK_NAMES).map(([value, label]) => ({ value, label }))}
            />
            <Select
              label={t('accountKind')}
              value={form.kind}
              onChange={(v) => setForm({ ...form, kind: v ?? 'team' })}
              allowDeselect={false}
              data={[
                { value: 'candidate', label: t('kind_candidate') },
                { value: 'team', label: t('kind_team') },
              ]}
            />
            <TextInput
              label={t('handle')}
              value={form.handle}
              onChange={(e) => setForm({ ...form, handle: e.currentTarget.value })}
              required
              maxLength={200}
            />
            <TextInput
              label={t('baseUrl')}
              value={form.base_url}
              onChange={(e) => setForm({ ...form, base_url: e.currentTarget.value })}
              placeholder="https://"
            />
          </>
        )}
        <PasswordInput
          label={secretField === 'password' ? t('password') : network === 'x' ? t('xBearer') : t('token')}
          description={network === 'x' ? t('xBearerHint') : t('secretHint')}
          value={form.secret}
          onChange={(e) => setForm({ ...form, secret: e.currentTarget.value })}
          required
        />
        {network === 'x' && (
          <>
            <PasswordInput
              label={t('xUserToken')}
              description={t('xUserTokenHint')}
              value={xAuth.user_token}
              onChange={(e) => setXAuth({ ...xAuth, user_token: e.currentTarget.value })}
            />
            <PasswordInput
              label={t('xRefreshToken')}
              value={xAuth.refresh_token}
              onChange={(e) => setXAuth({ ...xAuth, refresh_token: e.currentTarget.value })}
            />
            <TextInput
              label={t('xClientId')}
              value={xAuth.client_id}
              onChange={(e) => setXAuth({ ...xAuth, client_id: e.currentTarget.value })}
              maxLength={500}
            />
            <PasswordInput
              label={t('xClientSecret')}
              value={xAuth.client_secret}
              onChange={(e) => setXAuth({ ...xAuth, client_secret: e.currentTarget.value })}
            />
          </>
        )}
        {mutation.isError && (
          <ErrorAlert
            error={mutation.error}
            overrides={{
              LISTENING_KEY_MISSING: t('keyMissing'),
              LISTENING_ACCOUNT_REFUSED: t('accountRefused'),
              LISTENING_URL_FORBIDDEN: t('urlForbidden'),
            }}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button onClick={submit} loading={mutation.isPending} disabled={!form.secret || (!account && !form.handle)}>
            {t('save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The numbers a spike alert is texted to (admins): at any hour, once per spike. */
function AlertPhones() {
  const t = useT(listeningMessages);
  const state = useListeningState();
  const save = useSetAlertPhones();
  const [text, setText] = useState<string | null>(null);
  const current = state.data?.alert_phones.join(', ') ?? '';
  const value = text ?? current;
  return (
    <Card withBorder padding="md">
      <Stack gap="xs">
        <Text fw={600}>{t('alertPhones')}</Text>
        <Text size="sm" c="dimmed">
          {t('alertPhonesHint')}
        </Text>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t('alertPhonesLabel')}
            value={value}
            onChange={(e) => setText(e.currentTarget.value)}
            placeholder="06 12 34 56 78, 07 98 76 54 32"
            style={{ flex: 1, minWidth: 220 }}
          />
          <Button
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                value
                  .split(/[,;\n]/)
                  .map((p) => p.trim())
                  .filter(Boolean),
                { onSuccess: () => setText(null) },
              )
            }
          >
            {t('save')}
          </Button>
        </Group>
        {save.isError && <ErrorAlert error={save.error} />}
      </Stack>
    </Card>
  );
}

export function AccountsPanel() {
  const t = useT(listeningMessages);
  const canManage = useCan('listening.accounts');
  const accounts = useAccounts();
  const remove = useDeleteAccount();
  const [editing, setEditing] = useState<Account | null | 'new'>(null);
  return (
    <Stack>
      {canManage && (
        <Group>
          <Button leftSection={<Icon name="plus" />} onClick={() => setEditing('new')}>
            {t('addAccount')}
          </Button>
        </Group>
      )}
      {canManage && <AlertPhones />}
      {remove.isError && <ErrorAlert error={remove.error} />}
      <QueryView
        query={accounts}
        isEmpty={(d) => d._embedded.accounts.length === 0}
        empty={<EmptyText title={t('accountsEmpty')} hint={t('accountsHint')} />}
      >
        {(data) => (
          <Stack>
            {data._embedded.accounts.map((a) => (
              <Card key={a.id} withBorder padding="md">
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <Group gap="xs">
                    <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                      {a.handle}
                    </Text>
                    <Badge variant="light">{NETWORK_NAMES[a.network]}</Badge>
                    <Badge variant="outline" color={a.kind === 'candidate' ? 'grape' : 'blue'}>
                      {a.kind === 'candidate' ? t('candidateShort') : t('teamShort')}
                    </Badge>
                  </Group>
                  <Badge color={a.status === 'connected' ? 'teal' : 'red'}>
                    {a.status === 'connected' ? t('connected') : t('disconnectedBadge')}
                  </Badge>
                </Group>
                <Text size="xs" c="dimmed" mt={4}>
                  {a.base_url}
                </Text>
                {a.last_error && (
                  <Text size="xs" c="red">
                    {t('lastError', { error: a.last_error })}
                  </Text>
                )}
                <XCostBlock account={a} canManage={canManage} />
                {canManage && (
                  <Group gap="xs" mt="sm">
                    <Button size="xs" variant={a.status === 'disconnected' ? 'filled' : 'default'} onClick={() => setEditing(a)}>
                      {t('reconnect')}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(a.id)}>
                      {t('delete')}
                    </Button>
                  </Group>
                )}
              </Card>
            ))}
          </Stack>
        )}
      </QueryView>
      <AccountForm
        key={editing === 'new' ? 'new' : (editing?.id ?? 'none')}
        account={editing === 'new' ? null : editing}
        opened={editing !== null}
        onClose={() => setEditing(null)}
      />
    </Stack>
  );
}
