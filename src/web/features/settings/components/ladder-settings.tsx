// /app/settings/ladder: the names of the four stages, then the promotion rules.
import { Stack } from '@mantine/core';
import { useCallback, useState } from 'react';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useLadderSettingsQuery } from '../api.ts';
import { RulesEditor } from './rules-editor.tsx';
import { StageNamesForm } from './stage-names-form.tsx';

/** Loads the ladder once and gives each form its own draft; asks before leaving with unsaved changes. */
export function LadderSettings() {
  const ladder = useLadderSettingsQuery();
  const [dirty, setDirty] = useState({ names: false, rules: false });
  const namesDirty = useCallback((names: boolean) => setDirty((d) => (d.names === names ? d : { ...d, names })), []);
  const rulesDirty = useCallback((rules: boolean) => setDirty((d) => (d.rules === rules ? d : { ...d, rules })), []);
  return (
    <QueryView query={ladder}>
      {(data) => (
        <Stack gap="lg">
          <StageNamesForm ladder={data} onDirty={namesDirty} />
          <RulesEditor ladder={data} onDirty={rulesDirty} />
          <LeaveGuard dirty={dirty.names || dirty.rules} />
        </Stack>
      )}
    </QueryView>
  );
}
