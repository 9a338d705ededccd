// /app/tokens: the API tokens, their scopes and use; create (shown once) and revoke.
import { Button } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { type ApiToken, useRevokeToken, useTokensQuery } from '../api.ts';
import { tokensMessages } from '../messages.ts';
import { TokenList } from './token-list.tsx';
import { CreateTokenModal, RevealTokenModal } from './token-modals.tsx';

/** Lists tokens (name, prefix, scopes, created, last used, revoked) with create and revoke. */
export function TokensPage() {
  const t = useT(tokensMessages);
  const tokens = useTokensQuery();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const closeRevoke = () => {
    setRevoking(null);
    revoke.reset();
  };

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button leftSection={<Icon name="plus" />} onClick={() => setCreating(true)}>
            {t('create')}
          </Button>
        }
      />
      <QueryView
        query={tokens}
        isEmpty={(data) => data._embedded.api_tokens.length === 0}
        empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
      >
        {(data) => <TokenList tokens={data._embedded.api_tokens} onRevoke={setRevoking} />}
      </QueryView>
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} onCreated={setSecret} />
      <RevealTokenModal secret={secret} onClose={() => setSecret(null)} />
      <ConfirmModal
        opened={revoking !== null}
        title={t('revokeTitle')}
        confirmLabel={t('revoke')}
        onClose={closeRevoke}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: closeRevoke })}
        loading={revoke.isPending}
        error={revoke.error}
      >
        {revoking && t('revokeConfirm', { name: revoking.name })}
      </ConfirmModal>
    </>
  );
}
