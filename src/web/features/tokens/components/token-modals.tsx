// The dialogs of the tokens screen: create (name + scopes), then show the secret once.
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { LoadingState } from '../../../ui/query-view.tsx';
import { type TokenScope, useCreateToken, useTokenScopesQuery } from '../api.ts';
import { tokensMessages } from '../messages.ts';

/** "Créer un jeton": a name and scope checkboxes; onCreated receives the secret to reveal. */
export function CreateTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (secret: string) => void;
}) {
  const t = useT(tokensMessages);
  const { locale } = useLocale();
  const scopes = useTokenScopesQuery(opened);
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [selected, setSelected] = useState<TokenScope['id'][]>([]);
  const [touched, setTouched] = useState(false);
  const nameError = !name.trim() ? t('nameRequired') : undefined;
  const scopesError = selected.length === 0 ? t('scopesRequired') : undefined;

  const close = () => {
    setName('');
    setSelected([]);
    setTouched(false);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (nameError || scopesError) return;
    create.mutate(
      { name: name.trim(), scopes: selected },
      {
        onSuccess: (created) => {
          close();
          onCreated(created.token);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('createTitle')} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError && <ErrorAlert error={create.error} />}
          <TextInput
            label={t('name')}
            description={t('nameHint')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched && nameError}
            data-autofocus
          />
          {scopes.isPending ? (
            <LoadingState label={t('scopesLoading')} />
          ) : scopes.isError ? (
            <ErrorAlert error={scopes.error} onRetry={() => void scopes.refetch()} />
          ) : (
            <Checkbox.Group
              label={t('scopes')}
              description={t('scopesHint')}
              value={selected}
              // The boxes' values are the scope ids the server listed.
              onChange={(values) => setSelected(values as TokenScope['id'][])}
              error={touched && scopesError}
              withAsterisk
            >
              <Stack gap="xs" mt="xs">
                {scopes.data.scopes.map((scope) => (
                  <Checkbox
                    key={scope.id}
                    value={scope.id}
                    label={<Code>{scope.id}</Code>}
                    description={locale === 'fr' ? scope.description_fr : scope.description_en}
                  />
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

/** Shows a freshly created token once, with a copy button and the never-again warning. */
export function RevealTokenModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const t = useT(tokensMessages);
  return (
    <Modal opened={secret !== null} onClose={onClose} title={t('revealTitle')} centered size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="orange" variant="light" icon={<Icon name="alert" />} role="alert">
          {t('revealWarning')}
        </Alert>
        <Text size="sm" fw={500} id="new-token-label">
          {t('tokenLabel')}
        </Text>
        <Code
          block
          data-testid="new-token-value"
          aria-labelledby="new-token-label"
          style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap', fontSize: 'var(--mantine-font-size-sm)' }}
        >
          {secret}
        </Code>
        <Group justify="space-between">
          <CopyButton value={secret ?? ''} timeout={2500}>
            {({ copied, copy }) => (
              <Button
                variant={copied ? 'light' : 'filled'}
                color={copied ? 'teal' : undefined}
                leftSection={<Icon name={copied ? 'check' : 'copy'} />}
                onClick={copy}
              >
                {copied ? t('copied') : t('copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onClose}>
            {t('done')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
