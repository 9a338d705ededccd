// A group of a segment: AND / OR, optionally negated, with its conditions and nested groups.
import { Button, Checkbox, CloseButton, Group, Paper, SegmentedControl, Stack, Tooltip } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { segmentMessages } from '../messages.ts';
import { type EditGroup, type EditNode, emptyGroup, newCondition } from '../model.ts';
import { ConditionRow } from './condition-row.tsx';

interface GroupEditorProps {
  group: EditGroup;
  onChange: (next: EditGroup) => void;
  onRemove?: () => void;
  depth?: number;
}

/** Edits one group and, recursively, the groups inside it. */
export function GroupEditor({ group, onChange, onRemove, depth = 0 }: GroupEditorProps) {
  const t = useT(segmentMessages);
  const replaceChild = (key: string, next: EditNode | null) =>
    onChange({ ...group, children: group.children.flatMap((c) => (c.key === key ? (next ? [next] : []) : [c])) });
  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      bg={group.negate ? 'red.0' : depth % 2 ? 'gray.0' : undefined}
      role="group"
      aria-label={t('groupLabel')}
      data-testid="segment-group"
    >
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Group gap="sm">
            <SegmentedControl
              size="xs"
              value={group.op}
              onChange={(op) => onChange({ ...group, op: op as 'and' | 'or' })}
              data={[
                { value: 'and', label: t('opAnd') },
                { value: 'or', label: t('opOr') },
              ]}
            />
            <Tooltip label={t('negateHint')} withArrow>
              <Checkbox
                size="xs"
                label={t('negate')}
                checked={group.negate}
                onChange={(e) => onChange({ ...group, negate: e.currentTarget.checked })}
              />
            </Tooltip>
          </Group>
          {onRemove && <CloseButton aria-label={t('removeGroup')} onClick={onRemove} />}
        </Group>
        {group.children.map((child) =>
          child.kind === 'condition' ? (
            <ConditionRow
              key={child.key}
              condition={child}
              onChange={(next) => replaceChild(child.key, next)}
              onRemove={() => replaceChild(child.key, null)}
            />
          ) : (
            <GroupEditor
              key={child.key}
              group={child}
              depth={depth + 1}
              onChange={(next) => replaceChild(child.key, next)}
              onRemove={() => replaceChild(child.key, null)}
            />
          ),
        )}
        <Group gap="xs">
          <Button size="compact-sm" variant="light" onClick={() => onChange({ ...group, children: [...group.children, newCondition()] })}>
            {t('addCondition')}
          </Button>
          {depth < 3 && (
            <Button
              size="compact-sm"
              variant="subtle"
              onClick={() =>
                onChange({
                  ...group,
                  children: [...group.children, { ...emptyGroup(group.op === 'and' ? 'or' : 'and'), children: [newCondition()] }],
                })
              }
            >
              {t('addGroup')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
