// /app/segments/new and /app/segments/:id: the builder, the live count, save / rename / delete / export.
import { Anchor, Button, Grid, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { downloadFile } from '../../people/download.ts';
import { useCan, useSession } from '../../session/session-context.tsx';
import { type Segment, useDeleteSegment, useSaveSegment, useSegmentCount, useSegmentQuery } from '../api.ts';
import { segmentMessages } from '../messages.ts';
import { type EditGroup, emptyGroup, fromDefinition, newCondition, rootDefinition } from '../model.ts';
import { GroupEditor } from './group-editor.tsx';

/** Loads the saved segment (or starts a new one) and hands it to the builder. */
export function SegmentPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const segment = useSegmentQuery(isNew ? undefined : id);
  const t = useT(segmentMessages);
  return (
    <Stack gap="md">
      <Anchor component={Link} to="/segments" size="sm">
        ← {t('back')}
      </Anchor>
      {isNew ? (
        <SegmentBuilder key="new" />
      ) : (
        <QueryView query={segment}>{(data) => <SegmentBuilder key={data.id} segment={data} />}</QueryView>
      )}
    </Stack>
  );
}

function initialRoot(segment?: Segment): EditGroup {
  if (!segment) return { ...emptyGroup('and'), children: [newCondition()] };
  const node = fromDefinition(segment.definition);
  return node.kind === 'group' ? node : { ...emptyGroup('and'), children: [node] };
}

function SegmentBuilder({ segment }: { segment?: Segment }) {
  const t = useT(segmentMessages);
  const fmt = useFormat();
  const navigate = useNavigate();
  const session = useSession();
  // A saved segment is shared by the whole campaign: a referent uses it, the campaign team changes it.
  const canWrite = useCan('people.write') && !(segment && session.role === 'referent');
  const canExport = useCan('people.export');
  const [name, setName] = useState(segment?.name ?? '');
  const [root, setRoot] = useState<EditGroup>(() => initialRoot(segment));
  const definition = useMemo(() => rootDefinition(root), [root]);
  const [debounced] = useDebouncedValue(definition, 350);
  const count = useSegmentCount(debounced);
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const [deleting, setDeleting] = useState(false);
  const [savedAt, setSavedAt] = useState<number | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const settling = JSON.stringify(debounced) !== JSON.stringify(definition) || count.isFetching;
  const finalDefinition = definition ?? { op: 'and' as const, children: [] };

  const onSave = () =>
    save.mutate(
      { id: segment?.id, name: name.trim() || t('untitled'), definition: finalDefinition },
      {
        onSuccess: (saved) => {
          setSavedAt(Date.now());
          if (!segment && saved?.id) navigate(`/segments/${saved.id}`, { replace: true });
        },
      },
    );
  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    try {
      if (segment) await downloadFile(`/api/v1/segments/${encodeURIComponent(segment.id)}/export.csv`, `${segment.name}.csv`);
      else
        await downloadFile('/api/v1/people/export.csv', 'segment.csv', {
          body: { definition: finalDefinition },
          csrfToken: session.csrf_token,
        });
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };

  return (
    <Grid gutter="md">
      <Grid.Col span={{ base: 12, md: 8 }} order={{ base: 2, md: 1 }}>
        <Stack gap="md">
          <TextInput
            label={t('name')}
            placeholder={t('untitled')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            size="md"
            readOnly={!canWrite}
          />
          <GroupEditor group={root} onChange={setRoot} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }} order={{ base: 1, md: 2 }}>
        <Stack gap="sm" style={{ position: 'sticky', top: 76 }}>
          <Paper withBorder radius="md" p="md" bg="indigo.0">
            <Text size="sm" c="dimmed">
              {t('count')}
            </Text>
            <Group gap="xs" align="baseline">
              <Title order={2} fz={36} data-testid="segment-count" aria-live="polite" aria-busy={settling}>
                {definition === null && !count.data ? '—' : count.data ? fmt.number(count.data.count) : '…'}
              </Title>
              {settling && definition !== null && <Loader size="xs" aria-label={t('counting')} />}
            </Group>
            <Text size="xs" c="dimmed">
              {definition === null
                ? t('countEmpty')
                : count.data?.sql_ms !== undefined
                  ? t('countMs', { ms: Math.round(count.data.sql_ms) })
                  : ' '}
            </Text>
            {count.error ? <ErrorAlert error={count.error} /> : null}
          </Paper>
          {segment && session.role === 'referent' && (
            <Text size="sm" c="dimmed">
              {t('sharedSegment')}
            </Text>
          )}
          {canWrite && (
            <Button onClick={onSave} loading={save.isPending} disabled={definition === null}>
              {t('save')}
            </Button>
          )}
          {savedAt && !save.isPending && (
            <Text size="sm" c="teal.8" role="status">
              {t('saved')}
            </Text>
          )}
          {save.error ? <ErrorAlert error={save.error} overrides={{ GROUP_SHARED: t('sharedSegment') }} /> : null}
          {segment && (
            <Button component={Link} to={`/people?segment_id=${encodeURIComponent(segment.id)}`} variant="light">
              {t('seePeople')}
            </Button>
          )}
          {canExport && (
            <Button variant="default" onClick={() => void onExport()} loading={exporting} disabled={definition === null}>
              {t('exportCsv')}
            </Button>
          )}
          {exportError ? <ErrorAlert error={exportError} /> : null}
          {canWrite && segment && (
            <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
              {t('delete')}
            </Button>
          )}
        </Stack>
      </Grid.Col>
      {segment && (
        <ConfirmModal
          opened={deleting}
          title={t('deleteTitle', { name: segment.name })}
          confirmLabel={t('delete')}
          onClose={() => setDeleting(false)}
          onConfirm={() => remove.mutate(segment.id, { onSuccess: () => navigate('/segments') })}
          loading={remove.isPending}
          error={remove.error}
          errorOverrides={{ GROUP_SHARED: t('sharedSegment') }}
        >
          {t('deleteText')}
        </ConfirmModal>
      )}
    </Grid>
  );
}
