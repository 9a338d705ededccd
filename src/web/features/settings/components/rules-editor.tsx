// The promotion rules of the ladder: edit, add, remove, switch off, save all at once, or go back to the defaults.
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { type Ladder, useSaveLadder } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { RuleCard } from './rule-card.tsx';
import { type DraftRule, draftOf, newRule, ruleError, sameRules, toInput } from './rule-model.ts';
import { SavedNote } from './saved-note.tsx';

/** The rule cards with add / save / discard, and "back to the default rules" behind a confirmation. */
export function RulesEditor({ ladder, onDirty }: { ladder: Ladder; onDirty: (dirty: boolean) => void }) {
  const t = useT(settingsMessages);
  const save = useSaveLadder();
  const reset = useSaveLadder();
  const [saved, setSaved] = useState(() => ({ rules: draftOf(ladder.rules), defaults: ladder.default_rules }));
  const [draft, setDraft] = useState(saved.rules);
  const [showErrors, setShowErrors] = useState(false);
  const [confirmReset, setConfirmReset] = useState(false);
  const dirty = !sameRules(draft, saved.rules);
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  const invalid = draft.some((rule) => ruleError(rule) !== null);

  const edit = (next: DraftRule[]) => {
    save.reset();
    setDraft(next);
  };
  const settle = (ladder: Ladder) => {
    const next = { rules: draftOf(ladder.rules), defaults: ladder.default_rules };
    setSaved(next);
    setDraft(next.rules);
    setShowErrors(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (invalid) return;
    save.mutate({ rules: toInput(draft) }, { onSuccess: settle });
  };

  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="rules-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <div>
            <Group gap="xs" mb={4}>
              <Title order={2} fz="h4" id="rules-title">
                {t('rulesTitle')}
              </Title>
              <Badge variant="light" color={saved.defaults ? 'gray' : 'indigo'} data-testid="rules-origin">
                {saved.defaults ? t('rulesDefault') : t('rulesOwn')}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {t('rulesHint')}
            </Text>
          </div>
          {draft.map((rule, index) => (
            <RuleCard
              key={rule.key}
              rule={rule}
              index={index}
              showErrors={showErrors}
              onChange={(next) => edit(draft.map((r) => (r.key === rule.key ? next : r)))}
              onRemove={() => edit(draft.filter((r) => r.key !== rule.key))}
            />
          ))}
          {draft.length === 0 && (
            <Alert color="gray" variant="light" icon={<Icon name="info" />}>
              {t('noRules')}
            </Alert>
          )}
          <Button
            variant="light"
            leftSection={<Icon name="plus" />}
            onClick={() => edit([...draft, newRule()])}
            style={{ alignSelf: 'flex-start' }}
          >
            {t('addRule')}
          </Button>
          {showErrors && invalid && (
            <Alert color="red" variant="light" role="alert" icon={<Icon name="alert" />}>
              {t('rulesInvalid')}
            </Alert>
          )}
          {save.isError && <ErrorAlert error={save.error} overrides={{ LADDER_RULE_INVALID: t('conditionRequired') }} />}
          {dirty && (
            <Text size="xs" c="dimmed">
              {t('rulesForwardOnly')}
            </Text>
          )}
          <Group justify="space-between" gap="xs">
            <SavedNote dirty={dirty} saved={save.isSuccess || reset.isSuccess} />
            <Group gap="xs" ml="auto">
              {dirty && (
                <Button variant="subtle" color="gray" onClick={() => edit(saved.rules)}>
                  {t('discard')}
                </Button>
              )}
              {!saved.defaults && (
                <Button variant="default" onClick={() => setConfirmReset(true)}>
                  {t('resetRules')}
                </Button>
              )}
              <Button type="submit" loading={save.isPending} disabled={!dirty}>
                {t('saveRules')}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
      <ConfirmModal
        opened={confirmReset}
        title={t('resetRulesTitle')}
        confirmLabel={t('resetRules')}
        onClose={() => {
          setConfirmReset(false);
          reset.reset();
        }}
        onConfirm={() =>
          reset.mutate(
            { rules: [] },
            {
              onSuccess: (ladder) => {
                settle(ladder);
                setConfirmReset(false);
              },
            },
          )
        }
        loading={reset.isPending}
        error={reset.error}
      >
        {t('resetRulesConfirm')}
      </ConfirmModal>
    </Paper>
  );
}
