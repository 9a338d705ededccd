// One promotion rule in the editor: target stage, reason, on/off, and its conditions (all required).
import {
  ActionIcon,
  Badge,
  Button,
  CloseButton,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { useStageLabel } from '../../people/components/stage.tsx';
import { activityNames } from '../../people/messages.ts';
import { RULE_STAGES, type RuleStage } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { type DraftCondition, type DraftRule, newCondition, RULE_ACTIVITY_TYPES, ruleError, validCount } from './rule-model.ts';

interface RuleCardProps {
  rule: DraftRule;
  index: number;
  showErrors: boolean;
  onChange: (next: DraftRule) => void;
  onRemove: () => void;
}

/** The rule as a card; the activity choices are the known types plus any type the rule already uses. */
export function RuleCard({ rule, index, showErrors, onChange, onRemove }: RuleCardProps) {
  const t = useT(settingsMessages);
  const activity = useLabel(activityNames);
  const stageLabel = useStageLabel();
  const n = index + 1;
  const error = showErrors ? ruleError(rule) : null;
  const known: readonly string[] = RULE_ACTIVITY_TYPES;
  const types = [...known, ...rule.conditions.flatMap((c) => (c.type && !known.includes(c.type) ? [c.type] : []))];
  const typeOptions = types.map((type) => ({ value: type, label: activity(type, t('otherActivity', { type })) }));

  const setCondition = (key: string, patch: Partial<DraftCondition>) =>
    onChange({ ...rule, conditions: rule.conditions.map((c) => (c.key === key ? { ...c, ...patch } : c)) });

  return (
    <Paper
      withBorder
      radius="md"
      p="sm"
      bg={rule.enabled ? undefined : 'gray.0'}
      data-testid="ladder-rule"
      component="fieldset"
      aria-label={t('ruleN', { n })}
      style={{ borderColor: error ? 'var(--mantine-color-red-6)' : undefined, margin: 0, minWidth: 0 }}
    >
      <Stack gap="sm">
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Text fw={600} size="sm">
              {t('ruleN', { n })}
            </Text>
            {!rule.enabled && (
              <Badge color="gray" variant="light" size="sm">
                {t('ruleDisabled')}
              </Badge>
            )}
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Switch
              label={t('ruleEnabled')}
              checked={rule.enabled}
              onChange={(e) => onChange({ ...rule, enabled: e.currentTarget.checked })}
            />
            <ActionIcon variant="subtle" color="red" aria-label={t('removeRule', { n })} title={t('removeRule', { n })} onClick={onRemove}>
              <Icon name="trash" size={18} />
            </ActionIcon>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label={t('ruleToStage')}
            data={RULE_STAGES.map((stage) => ({ value: stage, label: stageLabel(stage) }))}
            value={rule.to_stage}
            allowDeselect={false}
            onChange={(value) => value && onChange({ ...rule, to_stage: value as RuleStage })}
          />
          <TextInput
            label={t('ruleDescription')}
            placeholder={t('ruleDescriptionPlaceholder')}
            maxLength={300}
            value={rule.description}
            onChange={(e) => onChange({ ...rule, description: e.currentTarget.value })}
          />
        </SimpleGrid>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            {t('conditions')}
          </Text>
          {rule.conditions.map((condition, i) => (
            <Stack key={condition.key} gap={6}>
              {i > 0 && (
                <Text size="xs" fw={700} c="dimmed" tt="uppercase">
                  {t('conditionAnd')}
                </Text>
              )}
              <Group gap="xs" align="flex-start" wrap="wrap" data-testid="ladder-condition">
                <Select
                  label={t('conditionType')}
                  placeholder={t('conditionTypePlaceholder')}
                  searchable
                  data={typeOptions}
                  value={condition.type}
                  onChange={(value) => setCondition(condition.key, { type: value })}
                  error={showErrors && !condition.type}
                  style={{ flex: '1 1 15rem', minWidth: 0 }}
                />
                <NumberInput
                  label={t('conditionMin')}
                  suffix={t('times', { count: Number(condition.min_count) || 0 })}
                  min={1}
                  max={1000}
                  allowDecimal={false}
                  allowNegative={false}
                  value={condition.min_count}
                  onChange={(value) => setCondition(condition.key, { min_count: value })}
                  error={showErrors && !validCount(condition.min_count)}
                  w={112}
                  style={{ flexShrink: 0 }}
                />
                <CloseButton
                  mt={26}
                  aria-label={t('removeCondition', { n: i + 1 })}
                  title={t('removeCondition', { n: i + 1 })}
                  onClick={() => onChange({ ...rule, conditions: rule.conditions.filter((c) => c.key !== condition.key) })}
                />
              </Group>
            </Stack>
          ))}
          {error && (
            <Text size="sm" c="red.7" role="alert">
              {t(error)}
            </Text>
          )}
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<Icon name="plus" size={14} />}
            onClick={() => onChange({ ...rule, conditions: [...rule.conditions, newCondition()] })}
            style={{ alignSelf: 'flex-start' }}
          >
            {t('addCondition')}
          </Button>
        </Stack>
      </Stack>
    </Paper>
  );
}
