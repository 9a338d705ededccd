// /app/webhooks: the campaign's webhooks, each with its state and actions; add one (its secret
// shown once), send a test, read the delivery log and replay, re-enable an endpoint disabled after failures.
import { Alert, Button, Stack } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useDeleteWebhook, useEventTypesQuery, useSendTest, useUpdateWebhook, useWebhooksQuery, type Webhook } from '../api.ts';
import { webhooksMessages } from '../messages.ts';
import { DeliveryLogModal } from './delivery-log.tsx';
import { WebhookCard } from './webhook-card.tsx';
import { CreateWebhookModal, RevealSecretModal } from './webhook-modals.tsx';

/** The webhooks screen. */
export function WebhooksPage() {
  const t = useT(webhooksMessages);
  const webhooks = useWebhooksQuery();
  const eventTypes = useEventTypesQuery();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const test = useSendTest();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [logOf, setLogOf] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [tested, setTested] = useState<string | null>(null);

  const closeDelete = () => {
    setDeleting(null);
    remove.reset();
  };
  const sendTest = (webhook: Webhook) =>
    test.mutate(webhook.id, {
      onSuccess: () => {
        setTested(webhook.id);
        setLogOf(webhook);
      },
    });

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
      {(update.isError || test.isError) && <ErrorAlert error={update.error ?? test.error} />}
      {tested && (
        <Alert color="teal" variant="light" mb="md" withCloseButton onClose={() => setTested(null)} role="status">
          {t('testSent')}
        </Alert>
      )}
      <QueryView
        query={webhooks}
        isEmpty={(data) => data._embedded.webhooks.length === 0}
        empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
      >
        {(data) => (
          <Stack>
            {data._embedded.webhooks.map((webhook) => (
              <WebhookCard
                key={webhook.id}
                webhook={webhook}
                eventTypes={eventTypes.data?.event_types ?? []}
                onTest={() => sendTest(webhook)}
                onLog={() => setLogOf(webhook)}
                onToggle={(active) => update.mutate({ id: webhook.id, active })}
                onDelete={() => setDeleting(webhook)}
                busy={test.isPending && test.variables === webhook.id}
              />
            ))}
          </Stack>
        )}
      </QueryView>
      <CreateWebhookModal opened={creating} onClose={() => setCreating(false)} onCreated={setSecret} />
      <RevealSecretModal secret={secret} onClose={() => setSecret(null)} />
      <DeliveryLogModal webhook={logOf} eventTypes={eventTypes.data?.event_types ?? []} onClose={() => setLogOf(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={t('deleteTitle')}
        confirmLabel={t('delete')}
        onClose={closeDelete}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: closeDelete })}
        loading={remove.isPending}
        error={remove.error}
      >
        {deleting && t('deleteConfirm', { url: deleting.url })}
      </ConfirmModal>
    </>
  );
}
