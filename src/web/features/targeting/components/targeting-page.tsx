// /app/targeting: build a score (a preset or own weights), see its zones' priorities on the map and
// in a ranked table, read why a zone scores as it does, and pick target zones.
import { Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { useTargetingOptions, useTargetScores } from '../api.ts';
import { targetingMessages } from '../messages.ts';
import { ScoreForm } from './score-form.tsx';
import { ScoreView } from './score-view.tsx';

const DEFAULT_LAYER = 'bureau';

export function TargetingPage() {
  const t = useT(targetingMessages);
  const fmt = useFormat();
  const canWrite = useCan('targeting.write');
  const [layer, setLayer] = useState(DEFAULT_LAYER);
  const options = useTargetingOptions(layer);
  const scores = useTargetScores();
  const [chosen, setChosen] = useState<string | null>(null);

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <QueryView query={options}>
        {(opts) => (
          <Stack gap="lg">
            {canWrite && (
              <>
                <Select
                  label={t('layer')}
                  data={opts.layers.map((l) => ({ value: l.code, label: l.name }))}
                  value={layer}
                  onChange={(v) => v && setLayer(v)}
                  allowDeselect={false}
                  maw={320}
                />
                <ScoreForm key={layer} options={opts} layer={layer} onCreated={(s) => setChosen(s.id)} />
              </>
            )}
            <QueryView query={scores}>
              {(data) => {
                const list = data._embedded.target_scores;
                const current = list.find((s) => s.id === chosen) ?? list[0];
                if (!current)
                  return (
                    <Text c="dimmed" size="sm">
                      {t('scoresEmpty')}
                    </Text>
                  );
                return (
                  <Stack gap="lg">
                    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }} component="section" aria-labelledby="scores">
                      <Title order={2} fz="h4" mb="sm" id="scores">
                        {t('scores')}
                      </Title>
                      <Select
                        label={t('chooseScore')}
                        data={list.map((s) => ({
                          value: s.id,
                          label: `${s.name} · ${s.layer_name} · ${t('zonesCount', { count: fmt.number(s.zones_count) })}`,
                        }))}
                        value={current.id}
                        onChange={(v) => v && setChosen(v)}
                        allowDeselect={false}
                        maw={560}
                        data-testid="score-select"
                      />
                    </Paper>
                    <ScoreView key={current.id} score={current} options={opts} />
                  </Stack>
                );
              }}
            </QueryView>
          </Stack>
        )}
      </QueryView>
    </>
  );
}
