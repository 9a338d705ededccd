// /app/petitions/:id: one petition's editor, its public page and delivery PDF, its signatures and the void.
import { Anchor, Badge, Button, Group, Stack } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { usePetitionQuery } from '../api.ts';
import { petitionsMessages } from '../messages.ts';
import { PetitionEditor } from './petition-editor.tsx';
import { STATUS_COLOR } from './petitions-page.tsx';
import { SignaturesPanel } from './signatures-panel.tsx';

/** One petition's screen. */
export function PetitionPage() {
  const t = useT(petitionsMessages);
  const id = useParams().id ?? '';
  const petition = usePetitionQuery(id);
  return (
    <QueryView query={petition}>
      {(p) => (
        <Stack gap="xl">
          <div>
            <Anchor component={Link} to="/petitions" size="sm">
              ← {t('back')}
            </Anchor>
            <PageHeader
              title={p.title}
              description={
                <Badge color={STATUS_COLOR[p['relais:status']]} variant="light">
                  {t(`status_${p['relais:status']}`)} · {t('ofGoal', { count: p.total_signatures, goal: p['relais:goal'] })}
                </Badge>
              }
              actions={
                <Group gap="xs">
                  {p['relais:status'] !== 'draft' && (
                    <Button variant="default" component="a" href={p.browser_url} target="_blank">
                      {t('publicPage')}
                    </Button>
                  )}
                  <Button variant="default" component="a" href={`/api/v1/petitions/${encodeURIComponent(id)}/delivery.pdf`}>
                    {t('pdf')}
                  </Button>
                </Group>
              }
            />
          </div>
          <PetitionEditor key={p.modified_date} petition={p} id={id} />
          <SignaturesPanel id={id} />
        </Stack>
      )}
    </QueryView>
  );
}
