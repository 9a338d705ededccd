// Step 3 of the import: on duplicate, tags, list, consent with the text shown.
import { Checkbox, Group, Paper, Radio, Select, Stack, TagsInput, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { CHANNELS, type Channel, useListsQuery, useTagsQuery } from '../../people/api.ts';
import { channelNames } from '../../people/messages.ts';
import type { ImportStart } from '../api.ts';
import { importMessages } from '../messages.ts';

type Options = Omit<ImportStart, 'mapping'>;

/** The import options; the consent text follows the chosen channels until it is edited by hand. */
export function OptionsStep({ value, onChange }: { value: Options; onChange: (options: Options) => void }) {
  const t = useT(importMessages);
  const channel = useLabel(channelNames);
  const fmt = useFormat();
  const tags = useTagsQuery();
  const lists = useListsQuery();
  const [textEdited, setTextEdited] = useState(false);
  const channels = value.consent?.channels ?? [];
  const defaultText = (list: string[]) => t('proofDefault', { channels: fmt.list(list.map((c) => channel(c).toLowerCase())) });
  const setChannels = (list: Channel[]) =>
    onChange({
      ...value,
      consent: list.length
        ? { channels: list, proof_text: textEdited && value.consent ? value.consent.proof_text : defaultText(list) }
        : undefined,
    });
  return (
    <Stack gap="md">
      <Paper withBorder radius="md" p="md">
        <Radio.Group
          label={t('onDuplicate')}
          value={value.on_duplicate}
          onChange={(next) => onChange({ ...value, on_duplicate: next as 'update' | 'skip' })}
        >
          <Group mt="xs">
            <Radio value="update" label={t('onDuplicateUpdate')} />
            <Radio value="skip" label={t('onDuplicateSkip')} />
          </Group>
        </Radio.Group>
      </Paper>
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <TagsInput
            label={t('addTags')}
            description={t('addTagsHint')}
            data={(tags.data ?? []).map((tag) => tag.name)}
            value={value.add_tags ?? []}
            onChange={(list) => onChange({ ...value, add_tags: list.length ? list : undefined })}
          />
          <Select
            label={t('addList')}
            placeholder={t('none')}
            clearable
            searchable
            data={(lists.data ?? []).map((list) => ({ value: list.id, label: list.name }))}
            value={value.add_list_id ?? null}
            onChange={(id) => onChange({ ...value, add_list_id: id ?? undefined })}
          />
        </Stack>
      </Paper>
      <Paper withBorder radius="md" p="md">
        <Title order={2} fz="h5">
          {t('consent')}
        </Title>
        <Text size="xs" c="dimmed" mb="sm">
          {t('consentHint')}
        </Text>
        <Checkbox.Group value={channels} onChange={(checked) => setChannels(CHANNELS.filter((c) => checked.includes(c)))}>
          <Group>
            {CHANNELS.map((c) => (
              <Checkbox key={c} value={c} label={channel(c)} />
            ))}
          </Group>
        </Checkbox.Group>
        {value.consent && (
          <Textarea
            mt="sm"
            label={t('proofText')}
            autosize
            minRows={2}
            required
            value={value.consent.proof_text}
            onChange={(event) => {
              setTextEdited(true);
              onChange({ ...value, consent: { channels, proof_text: event.currentTarget.value } });
            }}
          />
        )}
      </Paper>
    </Stack>
  );
}
