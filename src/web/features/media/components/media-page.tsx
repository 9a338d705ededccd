// /app/medias: the volunteers' photos and videos. Phone first: one card per media with a big
// thumbnail and big buttons (publish, hide, refuse with a reason), a grid on a laptop; tabs by status
// (to review, published, hidden, refused) and the one-time upload links.
import { Alert, Anchor, Badge, Button, Group, Image, Modal, Paper, SimpleGrid, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, LoadingState } from '../../../ui/query-view.tsx';
import { useCan } from '../../session/session-context.tsx';
import { type Media, type MediaStatus, useMediaQuery, useModerate, usePendingCount } from '../api.ts';
import { mediaMessages } from '../messages.ts';
import { UploadLinks } from './upload-links.tsx';

const TABS = ['pending', 'approved', 'hidden', 'refused', 'links'] as const;
type Tab = (typeof TABS)[number];
const TAB_KEYS = { pending: 'tabPending', approved: 'tabApproved', hidden: 'tabHidden', refused: 'tabRefused', links: 'tabLinks' } as const;
const STATUS_COLORS = { pending: 'orange', approved: 'teal', hidden: 'gray', refused: 'red' } as const;

/** The media screen: the queue by status, and the upload links. */
export function MediaPage() {
  const t = useT(mediaMessages);
  const [params, setParams] = useSearchParams();
  const canModerate = useCan('media.moderate');
  const asked = params.get('onglet');
  const tab: Tab = TABS.includes(asked as Tab) && (asked !== 'links' || canModerate) ? (asked as Tab) : 'pending';
  const pending = usePendingCount();
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Tabs value={tab} onChange={(v) => setParams(v && v !== 'pending' ? { onglet: v } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md" style={{ flexWrap: 'nowrap', overflowX: 'auto', overflowY: 'hidden' }}>
          {TABS.filter((x) => x !== 'links' || canModerate).map((x) => (
            <Tabs.Tab
              key={x}
              value={x}
              style={{ whiteSpace: 'nowrap' }}
              rightSection={
                x === 'pending' && pending.data ? (
                  <Badge size="sm" color="orange" variant="filled" circle={pending.data < 10}>
                    {pending.data}
                  </Badge>
                ) : null
              }
            >
              {t(TAB_KEYS[x])}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {TABS.map((x) => (
          <Tabs.Panel key={x} value={x}>
            {x === 'links' ? <UploadLinks /> : <MediaGrid status={x} canModerate={canModerate} />}
          </Tabs.Panel>
        ))}
      </Tabs>
    </>
  );
}

function MediaGrid({ status, canModerate }: { status: MediaStatus; canModerate: boolean }) {
  const t = useT(mediaMessages);
  const query = useMediaQuery(status);
  const [done, setDone] = useState<string | null>(null);
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorAlert error={query.error} />;
  const items = query.data.pages.flatMap((p) => p._embedded['relais:media']);
  if (items.length === 0)
    return status === 'pending' ? <EmptyText title={t('emptyPending')} hint={t('emptyPendingHint')} /> : <EmptyText title={t('empty')} />;
  return (
    <Stack>
      {done && (
        <Alert color="teal" variant="light" role="status" withCloseButton onClose={() => setDone(null)}>
          {done}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3, xl: 4 }} spacing="md">
        {items.map((m) => (
          <MediaCard key={m.id} media={m} canModerate={canModerate} onDone={setDone} />
        ))}
      </SimpleGrid>
      {query.hasNextPage && (
        <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('more')}
        </Button>
      )}
    </Stack>
  );
}

const DECISION_WORDS = { approve: 'approved', hide: 'hidden', refuse: 'refused' } as const;

function MediaCard({ media, canModerate, onDone }: { media: Media; canModerate: boolean; onDone: (text: string) => void }) {
  const t = useT(mediaMessages);
  const format = useFormat();
  const moderate = useModerate();
  const [asking, setAsking] = useState<'hide' | 'refuse' | null>(null);
  const caption = media.caption || t('noCaption');
  const decide = (decision: 'approve' | 'hide' | 'refuse', reason: string | null) =>
    moderate.mutate(
      { id: media.id, decision, reason },
      {
        onSuccess: () => {
          setAsking(null);
          onDone(t('done', { caption, decision: t(DECISION_WORDS[decision]).toLowerCase() }));
        },
      },
    );
  const ready = media.processing === 'ready';
  const size =
    media.bytes < 1_000_000
      ? t('kilobytes', { size: format.number(Math.max(1, Math.round(media.bytes / 1000))) })
      : t('megabytes', { size: format.number(media.bytes / 1_000_000, { maximumFractionDigits: 1 }) });
  return (
    <Paper withBorder radius="md" p={0} style={{ overflow: 'hidden' }} data-testid="media-card" data-media-id={media.id}>
      <a href={media._links.web.href} target="_blank" rel="noreferrer" aria-label={caption}>
        <Image
          src={media._links.thumbnail.href}
          alt={caption}
          h={260}
          fit="cover"
          fallbackSrc="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 4 3'%3E%3Crect width='4' height='3' fill='%23e9ecef'/%3E%3C/svg%3E"
          style={{ background: 'var(--mantine-color-gray-1)' }}
        />
      </a>
      <Stack gap={6} p="md">
        <Group gap={6}>
          <Badge color={STATUS_COLORS[media.status]} variant="light">
            {t(media.status)}
          </Badge>
          <Badge color="blue" variant="outline">
            {media.kind === 'video' ? t('video') : t('photo')}
          </Badge>
          {media.identifiable && (
            <Badge color={media.rights_confirmed ? 'grape' : 'red'} variant="light">
              {t('identifiable')}
            </Badge>
          )}
        </Group>
        <Text fw={600} lineClamp={3}>
          {caption}
        </Text>
        <Text size="sm" c="dimmed">
          {media.uploaded_by
            ? t('sentBy', { name: media.uploaded_by.name, date: format.dateTime(media.uploaded_at) })
            : t('sentUnknown', { date: format.dateTime(media.uploaded_at) })}
        </Text>
        <Text size="sm" c="dimmed">
          {media.width && media.height ? t('sizeOf', { width: media.width, height: media.height, size }) : t('megabytes', { size })}
          {media.duration_s ? ` · ${t('duration', { seconds: Math.round(media.duration_s) })}` : ''}
        </Text>
        {media.identifiable && (
          <Text size="sm" c={media.rights_confirmed ? 'grape.8' : 'red.8'}>
            {media.rights_confirmed ? t('rightsOk') : t('rightsMissing')}
          </Text>
        )}
        {media.processing === 'waiting' && (
          <Text size="sm" c="orange.8">
            {t('processing')}
          </Text>
        )}
        {media.processing === 'unprocessable' && (
          <Text size="sm" c="red.8">
            {t('unprocessable', { error: media.processing_error ?? '' })}
          </Text>
        )}
        {media.moderated_at && media.status !== 'pending' && (
          <Text size="sm" c="dimmed">
            {media.moderated_by
              ? t('decidedBy', { decision: t(media.status), name: media.moderated_by.name, date: format.dateTime(media.moderated_at) })
              : t('decidedOn', { decision: t(media.status), date: format.dateTime(media.moderated_at) })}
          </Text>
        )}
        {media.reason && <Text size="sm">{t('reasonShown', { reason: media.reason })}</Text>}
        {moderate.isError && !asking && <ErrorAlert error={moderate.error} />}
        {canModerate && (
          <Stack gap="xs" mt={4}>
            {(media.status === 'pending' || media.status === 'hidden' || media.status === 'refused') && (
              <Button
                size="md"
                color="teal"
                fullWidth
                disabled={!ready}
                loading={moderate.isPending}
                onClick={() => decide('approve', null)}
              >
                {media.status === 'pending' ? t('approve') : t('restore')}
              </Button>
            )}
            <Group gap="xs" grow>
              {(media.status === 'approved' || media.status === 'pending') && (
                <Button size="md" variant="default" onClick={() => setAsking('hide')}>
                  {t('hide')}
                </Button>
              )}
              {(media.status === 'pending' || media.status === 'hidden') && (
                <Button size="md" color="red" variant="light" onClick={() => setAsking('refuse')}>
                  {t('refuse')}
                </Button>
              )}
            </Group>
          </Stack>
        )}
        {canModerate && (
          <Group gap="md">
            {media._links.gallery_web && (
              <Anchor size="sm" href={media._links.gallery_web.href} target="_blank">
                {t('viewGallery')}
              </Anchor>
            )}
            <Anchor size="sm" href={media._links.original.href} target="_blank">
              {t('original')}
            </Anchor>
          </Group>
        )}
      </Stack>
      {asking && (
        <ReasonModal
          kind={asking}
          loading={moderate.isPending}
          error={moderate.isError ? moderate.error : null}
          onClose={() => {
            setAsking(null);
            moderate.reset();
          }}
          onConfirm={(reason) => decide(asking, reason)}
        />
      )}
    </Paper>
  );
}

function ReasonModal(props: {
  kind: 'hide' | 'refuse';
  loading: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (reason: string | null) => void;
}) {
  const t = useT(mediaMessages);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <Modal opened onClose={props.onClose} title={props.kind === 'refuse' ? t('refuseTitle') : t('hideTitle')} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (props.kind === 'refuse' && !reason.trim()) return setMissing(true);
          props.onConfirm(reason.trim() || null);
        }}
      >
        <Stack>
          <Textarea
            label={t('reason')}
            description={t('reasonHint')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              setMissing(false);
            }}
            withAsterisk={props.kind === 'refuse'}
            error={missing ? t('reasonRequired') : undefined}
            autosize
            minRows={3}
            maxLength={1000}
            data-autofocus
          />
          {props.error ? <ErrorAlert error={props.error} /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" color={props.kind === 'refuse' ? 'red' : 'dark'} loading={props.loading}>
              {props.kind === 'refuse' ? t('confirmRefuse') : t('confirmHide')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
