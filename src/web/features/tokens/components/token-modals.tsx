// The dialogs of the tokens screen: create (application, name, scopes grouped by resource, limit), then show the secret once.
import { Button, Checkbox, Fieldset, Group, Modal, NumberInput, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { LoadingState } from '../../../ui/query-view.tsx';
import { SecretOnceModal } from '../../../ui/secret-once.tsx';
import { type TokenScope, useCreateToken, useTokenScopesQuery } from '../api.ts';
import { tokensMessages } from '../messages.ts';
import { useScopeNames } from '../scope-label.ts';

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The scope picker: one group of boxes per resource, each box an action, with a "read everything" shortcut. */
function ScopePicker({
  scopes,
  selected,
  onChange,
  error,
}: {
  scopes: TokenScope[];
  selected: TokenScope['id'][];
  onChange: (ids: TokenScope['id'][]) => void;
  error: string | undefined;
}) {
  const t = useT(tokensMessages);
  const { locale } = useLocale();
  const names = useScopeNames();
  const resources = [...new Set(scopes.map((s) => s.resource))];
  const toggle = (id: TokenScope['id'], on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  return (
    <Stack gap="xs">
      <Group justify="space-between" wrap="wrap">
        <div>
          <Text size="sm" fw={500}>
            {t('scopes')}{' '}
            <Text span c="red">
              *
            </Text>
          </Text>
          <Text size="xs" c="dimmed">
            {t('scopesHint')}
          </Text>
        </div>
        <Group gap="xs">
          <Button
            size="xs"
            variant="light"
            onClick={() => onChange([...new Set([...selected, ...scopes.filter((s) => s.action === 'read').map((s) => s.id)])])}
          >
            {t('allReads')}
          </Button>
          <Button size="xs" variant="subtle" color="gray" onClick={() => onChange([])}>
            {t('clearScopes')}
          </Button>
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
        {resources.map((resource) => (
          <Fieldset key={resource} legend={names.resource(resource)} p="xs" data-testid={`scope-group-${resource}`}>
            <Stack gap={6}>
              {scopes
                .filter((s) => s.resource === resource)
                .map((scope) => (
                  <Checkbox
                    key={scope.id}
                    checked={selected.includes(scope.id)}
                    onChange={(e) => toggle(scope.id, e.currentTarget.checked)}
                    label={capitalized(names.action(scope.action))}
                    description={locale === 'fr' ? scope.description_fr : scope.description_en}
                    aria-label={names.scope(scope.id)}
                  />
                ))}
            </Stack>
          </Fieldset>
        ))}
      </SimpleGrid>
      {error && (
        <Text size="xs" c="red" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}

/** "Créer un jeton": application, name, description, limit and scopes; onCreated receives the secret to reveal. */
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
  const scopes = useTokenScopesQuery(opened);
  const create = useCreateToken();
  const [application, setApplication] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [limit, setLimit] = useState<number | string>('');
  const [selected, setSelected] = useState<TokenScope['id'][]>([]);
  const [touched, setTouched] = useState(false);
  const applicationError = !application.trim() ? t('applicationRequired') : undefined;
  const nameError = !name.trim() ? t('nameRequired') : undefined;
  const scopesError = selected.length === 0 ? t('scopesRequired') : undefined;
  const limitValue = limit === '' ? null : Number(limit);
  const limitError =
    limitValue !== null && (!Number.isInteger(limitValue) || limitValue < 1 || limitValue > 100_000) ? t('rateLimitInvalid') : undefined;

  const close = () => {
    setApplication('');
    setName('');
    setDescription('');
    setLimit('');
    setSelected([]);
    setTouched(false);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (applicationError || nameError || scopesError || limitError) return;
    create.mutate(
      {
        application: application.trim(),
        name: name.trim(),
        description: description.trim(),
        scopes: selected,
        rate_limit_per_minute: limitValue,
      },
      {
        onSuccess: (created) => {
          close();
          onCreated(created.token);
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('createTitle')} centered size="xl">
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError && <ErrorAlert error={create.error} />}
          <TextInput
            label={t('application')}
            description={t('applicationHint')}
            required
            value={application}
            onChange={(e) => setApplication(e.currentTarget.value)}
            error={touched && applicationError}
            maxLength={120}
            data-autofocus
          />
          <TextInput
            label={t('name')}
            description={t('nameHint')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={touched && nameError}
            maxLength={120}
          />
          <Textarea
            label={t('tokenDescription')}
            description={t('tokenDescriptionHint')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            maxLength={1000}
            autosize
            minRows={2}
          />
          <NumberInput
            label={t('rateLimit')}
            description={t('rateLimitHint')}
            value={limit}
            onChange={setLimit}
            min={1}
            max={100_000}
            allowDecimal={false}
            thousandSeparator=" "
            placeholder={t('defaultLimit')}
            error={touched && limitError}
            maw={280}
          />
          {scopes.isPending ? (
            <LoadingState label={t('scopesLoading')} />
          ) : scopes.isError ? (
            <ErrorAlert error={scopes.error} onRetry={() => void scopes.refetch()} />
          ) : (
            <ScopePicker scopes={scopes.data.scopes} selected={selected} onChange={setSelected} error={touched ? scopesError : undefined} />
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
    <SecretOnceModal
      secret={secret}
      onClose={onClose}
      title={t('revealTitle')}
      warning={t('revealWarning')}
      label={t('tokenLabel')}
      done={t('done')}
      testId="new-token-value"
    />
  );
}
