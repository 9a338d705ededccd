// The one-time upload links: create one (who it is for, until when, how many files), its address
// shown once to copy, the list with what each received, and revoking.
import { Badge, Button, Group, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { SecretOnceModal } from '../../../ui/secret-once.tsx';
import { type UploadLink, useCreateUploadLink, useRevokeUploadLink, useUploadLinksQuery } from '../api.ts';
import { mediaMessages } from '../messages.ts';

/** A datetime-local value (the browser's time) a week from now. */
function inAWeek(): string {
  const d = new Date(Date.now() + 7 * 24 * 3600_000);
  d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
  return d.toISOString().slice(0, 16);
}

export function UploadLinks() {
  const t = useT(mediaMessages);
  const links = useUploadLinksQuery();
  const create = useCreateUploadLink();
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState(inAWeek);
  const [maxFiles, setMaxFiles] = useState<number | string>(20);
  const [errors, setErrors] = useState<{ label?: string; expires?: string; max?: string }>({});
  const [shown, setShown] = useState<string | null>(null);
  const submit = () => {
    const max = typeof maxFiles === 'number' ? maxFiles : Number.parseInt(maxFiles, 10);
    const until = new Date(expires);
    const found = {
      ...(label.trim() ? {} : { label: t('required') }),
      ...(Number.isNaN(until.getTime()) || until.getTime() <= Date.now() ? { expires: t('futureDate') } : {}),
      ...(Number.isInteger(max) && max >= 1 && max <= 1000 ? {} : { max: t('maxFilesRange') }),
    };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    create.mutate(
      { label: label.trim(), expires_at: until.toISOString(), max_files: max },
      {
        onSuccess: (link) => {
          setShown(link.url);
          setLabel('');
        },
      },
    );
  };
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('linksIntro')}
      </Text>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <Stack gap="sm">
            <Text fw={600}>{t('newLink')}</Text>
            <TextInput
              label={t('linkLabel')}
              description={t('linkLabelHint')}
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
              maxLength={200}
              required
              error={errors.label}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('linkExpires')}
                type="datetime-local"
                value={expires}
                onChange={(e) => setExpires(e.currentTarget.value)}
                required
                error={errors.expires}
              />
              <NumberInput
                label={t('linkMaxFiles')}
                value={maxFiles}
                onChange={setMaxFiles}
                min={1}
                max={1000}
                allowDecimal={false}
                required
                error={errors.max}
              />
            </SimpleGrid>
            {create.isError && <ErrorAlert error={create.error} />}
            <Group>
              <Button type="submit" loading={create.isPending}>
                {t('create')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <QueryView query={links} isEmpty={(d) => d.length === 0} empty={<EmptyText title={t('noLinks')} />}>
        {(data) => (
          <Stack gap="sm">
            {data.map((link) => (
              <LinkRow key={link.id} link={link} />
            ))}
          </Stack>
        )}
      </QueryView>
      <SecretOnceModal
        secret={shown}
        onClose={() => setShown(null)}
        title={t('linkCreatedTitle')}
        warning={t('linkCreatedWarning')}
        label={t('linkCreatedLabel')}
        done={t('linkCreatedDone')}
        hint={t('linkCreatedHint')}
        testId="upload-link-url"
      />
    </Stack>
  );
}

function LinkRow({ link }: { link: UploadLink }) {
  const t = useT(mediaMessages);
  const format = useFormat();
  const revoke = useRevokeUploadLink();
  const [asking, setAsking] = useState(false);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="upload-link">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Stack gap={2} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Group gap="xs">
            <Badge color={link.active ? 'teal' : 'gray'} variant="light">
              {link.active ? t('linkActive') : t('linkInactive')}
            </Badge>
            <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
              {link.label}
            </Text>
          </Group>
          <Text size="sm" c="dimmed">
            {t('linkUsed', { used: link.used, max: link.max_files })} · {t('linkUntil', { date: format.dateTime(link.expires_at) })}
          </Text>
          {link.revoked_at && (
            <Text size="sm" c="dimmed">
              {t('linkRevoked', { date: format.dateTime(link.revoked_at) })}
            </Text>
          )}
        </Stack>
        {!link.revoked_at && (
          <Button variant="light" color="red" onClick={() => setAsking(true)}>
            {t('revoke')}
          </Button>
        )}
      </Group>
      <ConfirmModal
        opened={asking}
        title={t('revokeTitle')}
        confirmLabel={t('revoke')}
        onConfirm={() => revoke.mutate(link.id, { onSuccess: () => setAsking(false) })}
        onClose={() => setAsking(false)}
        loading={revoke.isPending}
        error={revoke.isError ? revoke.error : undefined}
      >
        {t('revokeText', { label: link.label })}
      </ConfirmModal>
    </Paper>
  );
}
