// The edit and delete buttons of a settings row (tag, list, custom field), labelled with its name.
import { Button, Group } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { settingsMessages } from '../messages.ts';

export function RowActions({ name, onEdit, onRemove }: { name: string; onEdit: () => void; onRemove: () => void }) {
  const t = useT(settingsMessages);
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="xs" variant="light" onClick={onEdit} aria-label={t('editLabel', { name })}>
        {t('edit')}
      </Button>
      <Button size="xs" variant="subtle" color="red" onClick={onRemove} aria-label={t('deleteLabel', { name })}>
        {t('delete')}
      </Button>
    </Group>
  );
}
