// The quiet line next to a form's save button: "Saved." after a save, "Unsaved changes." while editing.
import { Group, Text } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { settingsMessages } from '../messages.ts';

/** Announces the state of a form to screen readers too (aria-live). */
export function SavedNote({ dirty, saved }: { dirty: boolean; saved: boolean }) {
  const t = useT(settingsMessages);
  return (
    <Text size="sm" c={dirty ? 'orange.8' : 'teal.8'} aria-live="polite" component="div">
      {dirty ? (
        t('unsaved')
      ) : saved ? (
        <Group gap={4} wrap="nowrap">
          <Icon name="check" size={16} />
          {t('saved')}
        </Group>
      ) : null}
    </Text>
  );
}
