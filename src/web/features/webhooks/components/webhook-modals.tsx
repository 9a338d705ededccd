// The dialogs of the webhooks screen: add one (URL, name, events), then show its secret once.
import { Checkbox, Modal, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { LoadingState } from '../../../ui/query-view.tsx';
import { SecretOnceModal } from '../../../ui/secret-once.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useCreateWebhook, useEventTypesQuery } from '../api.ts';
import { webhooksMessages } from '../messages.ts';

/** "Ajouter un webhook": onCreated receives the secret to reveal. */
export function CreateWebhookModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const t = useT(webhooksMessages);
  const { locale } = useLocale();
  const phone = useIsPhone();
  const eventTypes = useEventTypesQuery();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const urlError = !url.trim() ? t('urlRequired') : !/^https?:\/\/\S+$/i.test(url.trim()) ? t('urlInvalid') : undefined;
  const typesError = selected.length === 0 ? t('eventTypesRequired') : undefined;

  const close = () => {
    setUrl('');
    setName('');
    setSelected([]);
    setTouched(false);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (urlError || typesError) return;
    create.mutate(
      { url: url.trim(), name: name.trim(), event_types: selected },
      {
        onSuccess: (created) => {
          close();
          onCreated(created.secret);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('createTitle')} centered size="lg" fullScreen={phone}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError && (
            <ErrorAlert
              error={create.error}
              overrides={{ WEBHOOK_URL_FORBIDDEN: t('urlForbidden'), WEBHOOK_EVENT_TYPE_UNKNOWN: t('eventUnknown') }}
            />
          )}
          <TextInput
            label={t('url')}
            description={t('urlHint')}
            required
            type="url"
            inputMode="url"
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={touched && urlError}
            data-autofocus
          />
          <TextInput label={t('name')} description={t('nameHint')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
          {eventTypes.isPending ? (
            <LoadingState label={t('eventTypesLoading')} />
          ) : eventTypes.isError ? (
            <ErrorAlert error={eventTypes.error} onRetry={() => void eventTypes.refetch()} />
          ) : (
            <Checkbox.Group
              label={t('eventTypes')}
              description={t('eventTypesHint')}
              value={selected}
              onChange={setSelected}
              error={touched && typesError}
              withAsterisk
            >
              <Stack gap="xs" mt="xs">
                {eventTypes.data.event_types.map((type) => (
                  <Checkbox key={type.type} value={type.type} label={locale === 'fr' ? type.label_fr : type.label_en} />
                ))}
              </Stack>
            </Checkbox.Group>
          )}
          <FormActions onCancel={close} pending={create.isPending} submitLabel={t('submitCreate')} />
        </Stack>
      </form>
    </Modal>
  );
}

/** Shows a new webhook's signing secret once, with a copy button and the never-again warning. */
export function RevealSecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const t = useT(webhooksMessages);
  return (
    <SecretOnceModal
      secret={secret}
      onClose={onClose}
      title={t('revealTitle')}
      warning={t('revealWarning')}
      hint={t('revealHint')}
      label={t('secretLabel')}
      done={t('done')}
      testId="new-webhook-secret"
    />
  );
}
