// Creating a public vote (a modal, full screen on a phone): title, introduction, options with their
// images, when results show, whether voters may change their vote, an optional closing time.
import { ActionIcon, Button, Checkbox, Group, Modal, Paper, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useCreateVote } from '../api.ts';
import { votesMessages } from '../messages.ts';

interface OptionRow {
  label: string;
  image_url: string;
}

/** The new vote form. */
export function VoteEditor({ onClose }: { onClose: () => void }) {
  const t = useT(votesMessages);
  const isPhone = useIsPhone();
  const create = useCreateVote();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [options, setOptions] = useState<OptionRow[]>([
    { label: '', image_url: '' },
    { label: '', image_url: '' },
  ]);
  const [visibility, setVisibility] = useState<'live' | 'after_close'>('after_close');
  const [allowChange, setAllowChange] = useState(false);
  const [closesAt, setClosesAt] = useState('');
  const [tried, setTried] = useState(false);
  const setOption = (i: number, patch: Partial<OptionRow>) => setOptions((list) => list.map((o, j) => (j === i ? { ...o, ...patch } : o)));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!title.trim() || options.length < 2 || options.some((o) => !o.label.trim())) return;
    create.mutate(
      {
        title: title.trim(),
        description: description.trim(),
        results_visibility: visibility,
        allow_change: allowChange,
        closes_at: closesAt ? new Date(closesAt).toISOString() : null,
        options: options.map((o) => ({ label: o.label.trim(), image_url: o.image_url.trim() || null })),
      },
      { onSuccess: onClose },
    );
  };
  const req = (v: string) => (tried && !v.trim() ? t('required') : undefined);

  return (
    <Modal opened onClose={onClose} title={t('newTitle')} size="lg" fullScreen={isPhone}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {create.isError && <ErrorAlert error={create.error} />}
          <TextInput
            label={t('voteTitle')}
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={req(title)}
            maxLength={200}
          />
          <Textarea
            label={t('voteDescription')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={5000}
          />
          <Text fw={600}>{t('options')}</Text>
          {tried && options.length < 2 && (
            <Text c="red.8" size="sm">
              {t('twoOptions')}
            </Text>
          )}
          {options.map((o, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
            <Paper key={i} withBorder p="sm">
              <Group justify="space-between" mb="xs">
                <Text size="sm" fw={600}>
                  {t('optionN', { n: i + 1 })}
                </Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('removeOption', { n: i + 1 })}
                  onClick={() => setOptions((l) => l.filter((_, j) => j !== i))}
                >
                  <Icon name="trash" />
                </ActionIcon>
              </Group>
              <Stack gap="xs">
                <TextInput
                  label={t('optionLabel')}
                  required
                  value={o.label}
                  onChange={(e) => setOption(i, { label: e.currentTarget.value })}
                  error={req(o.label)}
                  maxLength={200}
                />
                <TextInput
                  label={t('optionImage')}
                  description={t('optionImageHint')}
                  value={o.image_url}
                  onChange={(e) => setOption(i, { image_url: e.currentTarget.value })}
                  maxLength={2000}
                />
              </Stack>
            </Paper>
          ))}
          <Button
            variant="default"
            leftSection={<Icon name="plus" />}
            onClick={() => setOptions((l) => [...l, { label: '', image_url: '' }])}
            disabled={options.length >= 30}
          >
            {t('addOption')}
          </Button>
          <div>
            <Text size="sm" fw={500} mb={4} id="vote-visibility">
              {t('visibility')}
            </Text>
            <SegmentedControl
              aria-labelledby="vote-visibility"
              value={visibility}
              onChange={(v) => setVisibility(v as 'live' | 'after_close')}
              data={[
                { value: 'after_close', label: t('visibilityAfter') },
                { value: 'live', label: t('visibilityLive') },
              ]}
            />
          </div>
          <Checkbox label={t('allowChange')} checked={allowChange} onChange={(e) => setAllowChange(e.currentTarget.checked)} />
          <TextInput
            label={t('closesAtLabel')}
            type="datetime-local"
            value={closesAt}
            onChange={(e) => setClosesAt(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={create.isPending}>
              {t('save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
