// /app/factchecks: the campaign's fact checks by state, each as a card with its verdict, sources and
// the review steps the person may take; write or rewrite one in the editor. Cards stack on a phone.
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { type Factcheck, type FactcheckStep, useDeleteFactcheck, useFactcheckStep, useFactchecksQuery } from '../api.ts';
import { factchecksMessages } from '../messages.ts';
import { FactcheckEditor } from './factcheck-editor.tsx';

const STATES = ['draft', 'review', 'published', 'withdrawn'] as const;
const STATE_KEYS = { draft: 'stateDraft', review: 'stateReview', published: 'statePublished', withdrawn: 'stateWithdrawn' } as const;
const STATE_COLORS = { draft: 'gray', review: 'orange', published: 'teal', withdrawn: 'dark' } as const;
const SOURCE_KEYS = {
  reachable: 'sourceReachable',
  unreachable: 'sourceUnreachable',
  refused: 'sourceRefused',
  pending: 'sourcePending',
} as const;

/** The fact checks screen. */
export function FactchecksPage() {
  const t = useT(factchecksMessages);
  const [status, setStatus] = useState<string>('');
  const list = useFactchecksQuery(status || null);
  const step = useFactcheckStep();
  const remove = useDeleteFactcheck();
  const canWrite = useCan('factchecks.write');
  const [editing, setEditing] = useState<Factcheck | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Factcheck | null>(null);

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Group gap="xs">
            <Button component="a" href="/le-vrai-du-faux" target="_blank" variant="default">
              {t('viewSite')}
            </Button>
            {canWrite && (
              <Button leftSection={<Icon name="plus" />} onClick={() => setEditing('new')}>
                {t('create')}
              </Button>
            )}
          </Group>
        }
      />
      <SegmentedControl
        mb="md"
        aria-label={t('filterLabel')}
        value={status}
        onChange={setStatus}
        fullWidth
        data={[{ value: '', label: t('filterAll') }, ...STATES.map((s) => ({ value: s, label: t(STATE_KEYS[s]) }))]}
      />
      {step.isError && (
        <ErrorAlert error={step.error} overrides={{ FACTCHECK_REVIEW_REQUIRED: t('reviewRequired'), FACTCHECK_STATE: t('stateError') }} />
      )}
      <QueryView
        query={list}
        isEmpty={(data) => data._embedded.factchecks.length === 0}
        empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
      >
        {(data) => (
          <Stack mt="md">
            {data._embedded.factchecks.map((f) => (
              <FactcheckCard
                key={f.id}
                factcheck={f}
                onEdit={() => setEditing(f)}
                onStep={(s) => step.mutate({ id: f.id, step: s })}
                onDelete={() => setDeleting(f)}
                busy={step.isPending && step.variables?.id === f.id}
              />
            ))}
          </Stack>
        )}
      </QueryView>
      {editing && <FactcheckEditor factcheck={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      <ConfirmModal
        opened={deleting !== null}
        title={t('deleteTitle')}
        confirmLabel={t('delete')}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        loading={remove.isPending}
        error={remove.error}
      >
        {deleting && t('deleteConfirm', { claim: deleting.claim })}
      </ConfirmModal>
    </>
  );
}

interface CardProps {
  factcheck: Factcheck;
  onEdit: () => void;
  onStep: (step: FactcheckStep) => void;
  onDelete: () => void;
  busy: boolean;
}

function FactcheckCard({ factcheck: f, onEdit, onStep, onDelete, busy }: CardProps) {
  const t = useT(factchecksMessages);
  const format = useFormat();
  const { locale } = useLocale();
  const canWrite = useCan('factchecks.write');
  const canPublish = useCan('factchecks.publish');
  const verdict = locale === 'fr' ? f.verdict.label_fr : f.verdict.label_en;
  return (
    <Paper withBorder p="md" radius="md">
      <Stack gap="xs">
        <Group gap="xs">
          <Badge color={STATE_COLORS[f.status]} variant="light">
            {t(STATE_KEYS[f.status])}
          </Badge>
          <Badge
            variant="outline"
            color="dark"
            leftSection={<span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 5, background: f.verdict.color }} />}
          >
            {verdict}
          </Badge>
          {f.theme && (
            <Text size="sm" c="dimmed">
              {f.theme}
            </Text>
          )}
        </Group>
        <Text fw={600}>« {f.claim} »</Text>
        <Text size="sm" c="dimmed">
          {f.claim_date ? t('saidBy', { name: f.claimant, date: format.date(f.claim_date) }) : t('saidByNoDate', { name: f.claimant })}
          {' · '}
          {t('writtenBy', { author: f.author_label })}
          {f.published_at && f.reviewer_label
            ? `, ${t('reviewedBy', { reviewer: f.reviewer_label, date: format.date(f.published_at) })}`
            : ''}
        </Text>
        {f.sources.length > 0 && (
          <Stack gap={2}>
            {f.sources.map((s) => (
              <Text key={s.url} size="sm">
                <Anchor href={s.url} target="_blank" rel="noopener noreferrer">
                  {s.title}
                </Anchor>
                {s.publisher ? ` — ${s.publisher}` : ''}{' '}
                <Text span size="xs" c={s.check_state === 'reachable' ? 'teal.8' : s.check_state === 'pending' ? 'dimmed' : 'red.8'}>
                  ({t(SOURCE_KEYS[s.check_state])})
                </Text>
              </Text>
            ))}
          </Stack>
        )}
        <Group gap="xs" aria-label={t('actionsLabel', { claim: f.claim })} role="group">
          {f.public_url && (
            <Button size="xs" variant="default" component="a" href={f.public_url} target="_blank">
              {t('viewSite')}
            </Button>
          )}
          {canWrite && f.status !== 'published' && (
            <Button size="xs" variant="default" onClick={onEdit}>
              {t('edit')}
            </Button>
          )}
          {canWrite && (f.status === 'draft' || f.status === 'withdrawn') && (
            <Button size="xs" onClick={() => onStep('submit')} loading={busy}>
              {t('submit')}
            </Button>
          )}
          {canPublish && f.status === 'review' && (
            <>
              <Button size="xs" color="teal" onClick={() => onStep('publish')} loading={busy}>
                {t('publish')}
              </Button>
              <Button size="xs" variant="default" onClick={() => onStep('return')} disabled={busy}>
                {t('return')}
              </Button>
            </>
          )}
          {canPublish && f.status === 'published' && (
            <Button size="xs" variant="default" color="red" onClick={() => onStep('withdraw')} loading={busy}>
              {t('withdraw')}
            </Button>
          )}
          {canWrite && f.status !== 'published' && (
            <Button size="xs" variant="subtle" color="red" onClick={onDelete}>
              {t('delete')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
