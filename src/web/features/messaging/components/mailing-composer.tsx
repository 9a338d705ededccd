// /app/mailings/new and /app/mailings/:id: the composer. Name, subject, sender name, preheader; the
// content as blocks (heading, paragraph, button, divider: add, remove, reorder) with the merge-tag
// help; the audience (lists and segments, with exclusions) and its live count per arrondissement; the
// preview of the saved draft in a sandboxed frame at desktop or phone width; a test send; « Envoyer »
// after a dialog stating the count and asking when: now, at a date, or every week (schedule-parts.tsx).
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Group,
  Image,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { EMAIL_TOPICS } from '../../../../shared/enums.ts';
import { isApiError } from '../../../api/client.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { LeaveGuard } from '../../../ui/leave-guard.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { DeliverabilityBanner } from '../../deliverability/components/deliverability-banner.tsx';
import { MediaPicker } from '../../media/components/media-picker.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type Audience,
  type MailBlock,
  type Mailing,
  type MailingInput,
  type MailingTopic,
  useAbTestQuery,
  useAudienceCount,
  useMailingQuery,
  usePreviewQuery,
  useSaveMailing,
  useTestSend,
} from '../api.ts';
import { messagingMessages } from '../messages.ts';
import { AbTestPanel } from './ab-test-panel.tsx';
import { AudiencePicker, audienceOf, ZoneCountTable } from './audience-picker.tsx';
import { mailingHref, PauseReason } from './mailings-page.tsx';
import { ScheduleLine, SendDialog } from './schedule-parts.tsx';

const EMPTY: MailingInput = {
  name: '',
  subject: '',
  from: '',
  preheader: '',
  content_format: 'blocks',
  content: { blocks: [] },
  audience: {},
  topic: 'newsletter',
};

/** The composer's form from a saved mailing (only the block kinds it edits are kept). */
function inputOf(m: Mailing): MailingInput {
  const content = m.content as { blocks?: MailBlock[] };
  return {
    name: m.name,
    subject: m.subject,
    from: m.from,
    preheader: m.preheader,
    content_format: 'blocks',
    content: { blocks: content.blocks ?? [] },
    audience: m.audience,
    topic: m.topic,
  };
}

const EDITABLE_BLOCKS = new Set(['heading', 'paragraph', 'button', 'image', 'divider']);

/** True when the content was made elsewhere (MJML, blocks it does not edit, through the API): the composer leaves it as it is. */
function foreignContent(m: Mailing | null): boolean {
  if (!m) return false;
  const blocks = (m.content as { blocks?: { type: string }[] }).blocks;
  return m.content_format !== 'blocks' || !blocks || blocks.some((b) => !EDITABLE_BLOCKS.has(b.type));
}

/** What is sent: without the content when the composer does not edit it. */
function bodyOf(form: MailingInput, foreign: boolean): MailingInput | Omit<MailingInput, 'content' | 'content_format'> {
  if (!foreign) return form;
  const { content: _content, content_format: _format, ...rest } = form;
  return rest;
}

/**
 * Where the composer shows an image block's photo: a gallery photo from this server (the mail carries
 * the public address, PUBLIC_URL, which this browser may reach by another name), any other as written.
 */
function previewOf(src: string): string {
  try {
    const { pathname } = new URL(src);
    return pathname.startsWith('/galerie/medias/') ? pathname : src;
  } catch {
    return src;
  }
}

export function MailingComposer() {
  const { id } = useParams();
  const mailing = useMailingQuery(id);
  if (!id) return <Composer saved={null} />;
  return <QueryView query={mailing}>{(m) => <Composer saved={m} key={m.id} />}</QueryView>;
}

function Composer({ saved }: { saved: Mailing | null }) {
  const t = useT(messagingMessages);
  const navigate = useNavigate();
  const canSend = useCan('messaging.send');
  const [baseline, setBaseline] = useState<MailingInput>(() => (saved ? inputOf(saved) : EMPTY));
  const [form, setForm] = useState<MailingInput>(baseline);
  const [savedId, setSavedId] = useState<string | null>(saved?.id ?? null);
  const [version, setVersion] = useState<string | undefined>(saved?.modified_date);
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const save = useSaveMailing();
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(baseline), [form, baseline]);
  const foreign = foreignContent(saved);
  const editable = !saved || ['draft', 'scheduled', 'paused'].includes(saved.status);
  const [debouncedAudience] = useDebouncedValue(form.audience, 300);
  const audience = useMemo(() => audienceOf(debouncedAudience), [debouncedAudience]);
  const count = useAudienceCount(audience, form.topic);
  const abTest = useAbTestQuery(savedId);

  // Set once sent or scheduled: the screen is left for the report or the list, not for the draft's address.
  const leaving = useRef(false);
  // A new draft gets its address once saved (after the render that cleared `dirty`).
  useEffect(() => {
    if (savedId && !saved && !confirming && !leaving.current) navigate(`/mailings/${savedId}`, { replace: true });
  }, [savedId, saved, confirming, navigate]);

  // A saved draft is saved again a moment after each change, so the preview follows the typing.
  const [debouncedForm] = useDebouncedValue(form, 1200);
  const { mutate: autosave, isPending: saving } = save;
  const tried = useRef('');
  useEffect(() => {
    const wanted = JSON.stringify(debouncedForm);
    // Only once the typing stopped (the debounced form caught up), never a stale form over a newer save.
    if (!savedId || confirming || saving || wanted !== JSON.stringify(form)) return;
    if (wanted === JSON.stringify(baseline) || wanted === tried.current) return;
    tried.current = wanted;
    autosave(
      { id: savedId, input: bodyOf(debouncedForm, foreign) },
      {
        onSuccess: (answer) => {
          setBaseline(debouncedForm);
          setVersion(answer.modified_date);
        },
      },
    );
  }, [debouncedForm, form, baseline, savedId, confirming, saving, autosave, foreign]);

  const set = <K extends keyof MailingInput>(key: K, value: MailingInput[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setBlocks = (blocks: MailBlock[]) => set('content', { blocks });

  const doSave = async (): Promise<string> => {
    const answer = await save.mutateAsync({ id: savedId, input: bodyOf(form, foreign) });
    setBaseline(form);
    setSavedId(answer.id);
    setVersion(answer.modified_date);
    return answer.id;
  };

  const onSave = () => {
    setNotice(null);
    doSave().then(
      () => setNotice(t('saved')),
      () => undefined,
    );
  };

  const onSend = () => {
    setNotice(null);
    (dirty || !savedId ? doSave() : Promise.resolve(savedId)).then(
      () => setConfirming(true),
      () => undefined,
    );
  };

  // Sent now: its report; scheduled: the list, which says when it goes out.
  const onSent = (sent: Mailing) => {
    leaving.current = true;
    setConfirming(false);
    navigate(sent.status === 'scheduled' ? '/mailings' : mailingHref(sent));
  };

  if (!editable && saved) {
    return (
      <>
        <PageHeader title={saved.name || t('untitled')} />
        <Alert color="blue" variant="light">
          <Stack gap="xs">
            <Text size="sm">{t('notEditable')}</Text>
            <Anchor component={Link} to={`/mailings/${saved.id}/report`} size="sm">
              {t('openReport')}
            </Anchor>
          </Stack>
        </Alert>
      </>
    );
  }

  const tags =
    isApiError(save.error, 'MAILING_MERGE_TAG_UNKNOWN') && Array.isArray(save.error.problem.tags)
      ? (save.error.problem.tags as string[])
      : [];

  return (
    <>
      <LeaveGuard dirty={dirty} />
      <PageHeader
        title={saved ? t('editTitle') : t('composeTitle')}
        actions={
          <Anchor component={Link} to="/mailings" size="sm">
            {t('back')}
          </Anchor>
        }
      />
      {saved?.status === 'scheduled' ? (
        <Alert color="blue" variant="light" mb="md" icon={<Icon name="info" />}>
          <ScheduleLine mailing={saved} />
        </Alert>
      ) : null}
      <DeliverabilityBanner />
      {saved && <PauseReason mailing={saved} />}
      {/* Which composer this is: a new draft's, or a saved mailing's (the screen a saved draft moves to). */}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg" data-mailing={saved?.id ?? 'new'}>
        <Stack>
          <TextInput
            label={t('name')}
            description={t('nameHint')}
            value={form.name}
            maxLength={200}
            onChange={(e) => set('name', e.currentTarget.value)}
          />
          <TextInput label={t('subject')} value={form.subject} maxLength={300} onChange={(e) => set('subject', e.currentTarget.value)} />
          <TextInput label={t('from')} value={form.from} maxLength={100} onChange={(e) => set('from', e.currentTarget.value)} />
          <TextInput
            label={t('preheader')}
            description={t('preheaderHint')}
            value={form.preheader}
            maxLength={300}
            onChange={(e) => set('preheader', e.currentTarget.value)}
          />
          {foreign ? (
            <Alert color="blue" variant="light" icon={<Icon name="info" />}>
              {t('foreignContent')}
            </Alert>
          ) : (
            <BlocksEditor blocks={form.content.blocks} onChange={setBlocks} />
          )}
          <Select
            label={t('topic')}
            description={t('topicHint')}
            data={EMAIL_TOPICS.map((value) => ({ value, label: t(`topic_${value}`) }))}
            value={form.topic}
            allowDeselect={false}
            onChange={(value) => value && set('topic', value as MailingTopic)}
          />
          <AudiencePicker value={form.audience} onChange={(a) => set('audience', a)} />
          <AudienceFigures audience={audience} count={count} />
          <AbTestPanel mailingId={savedId} />
          {save.error ? (
            <Stack gap={4}>
              <ErrorAlert error={save.error} />
              {tags.length > 0 ? (
                <Text size="sm" c="red.8">
                  {t('unknownTags', { tags: tags.join(' ') })}
                </Text>
              ) : null}
            </Stack>
          ) : null}
          {notice ? (
            <Alert color="teal" variant="light" icon={<Icon name="check" />}>
              {notice}
            </Alert>
          ) : null}
          <Group>
            <Button variant="default" onClick={onSave} loading={save.isPending && !confirming}>
              {t('save')}
            </Button>
            {canSend ? (
              <Button leftSection={<Icon name="mail" />} onClick={onSend} disabled={!audience || (count.data?.total ?? 0) === 0}>
                {t('send')}
              </Button>
            ) : null}
          </Group>
        </Stack>
        <Stack>
          <Preview id={savedId} version={version} />
          {canSend && savedId ? <TestSend id={savedId} /> : null}
        </Stack>
      </SimpleGrid>
      <SendDialog
        opened={confirming}
        mailingId={savedId}
        count={count.data?.total ?? 0}
        onClose={() => setConfirming(false)}
        abTest={!!abTest.data}
        onDone={onSent}
      />
    </>
  );
}

/** The content's blocks, each with its simple form, moved up or down, removed; and the merge-tag help. */
function BlocksEditor({ blocks, onChange }: { blocks: MailBlock[]; onChange: (blocks: MailBlock[]) => void }) {
  const t = useT(messagingMessages);
  const replace = (i: number, block: MailBlock) => onChange(blocks.map((b, j) => (j === i ? block : b)));
  const move = (i: number, by: -1 | 1) => {
    const next = [...blocks];
    const [block] = next.splice(i, 1);
    if (block) next.splice(i + by, 0, block);
    onChange(next);
  };
  const add = (block: MailBlock) => onChange([...blocks, block]);
  // The block whose photo is being chosen (blocks.length: a new photo block), or null.
  const [picking, setPicking] = useState<number | null>(null);
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('content')}
      </Title>
      <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
        {t('mergeHelp')}
      </Text>
      {blocks.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('noBlocks')}
        </Text>
      ) : null}
      {blocks.map((block, i) => {
        const n = i + 1;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: blocks have no identity of their own; the index is their place
          <Paper key={i} withBorder radius="md" p="sm" data-testid={`block-${n}`}>
            <Stack gap="xs">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" fw={600}>
                  {n}. {t(`block_${block.type}`)}
                </Text>
                <Group gap={4} wrap="nowrap">
                  <ActionIcon variant="subtle" aria-label={t('moveUp', { n: String(n) })} disabled={i === 0} onClick={() => move(i, -1)}>
                    <Icon name="arrowUp" />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    aria-label={t('moveDown', { n: String(n) })}
                    disabled={i === blocks.length - 1}
                    onClick={() => move(i, 1)}
                  >
                    <Icon name="arrowDown" />
                  </ActionIcon>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={t('remove', { n: String(n) })}
                    onClick={() => onChange(blocks.filter((_, j) => j !== i))}
                  >
                    <Icon name="trash" />
                  </ActionIcon>
                </Group>
              </Group>
              {block.type === 'heading' ? (
                <TextInput
                  label={t('blockText')}
                  value={block.text}
                  onChange={(e) => replace(i, { ...block, text: e.currentTarget.value })}
                />
              ) : block.type === 'paragraph' ? (
                <Textarea
                  label={t('blockText')}
                  value={block.text}
                  autosize
                  minRows={3}
                  onChange={(e) => replace(i, { ...block, text: e.currentTarget.value })}
                />
              ) : block.type === 'button' ? (
                <>
                  <TextInput
                    label={t('buttonText')}
                    value={block.text}
                    onChange={(e) => replace(i, { ...block, text: e.currentTarget.value })}
                  />
                  <TextInput
                    label={t('buttonUrl')}
                    type="url"
                    placeholder="https://"
                    value={block.url}
                    onChange={(e) => replace(i, { ...block, url: e.currentTarget.value })}
                  />
                </>
              ) : block.type === 'image' ? (
                <>
                  <Group align="flex-start" wrap="nowrap">
                    <Image src={previewOf(block.src)} alt="" w={120} h={80} fit="cover" radius="sm" />
                    <Button size="xs" variant="default" onClick={() => setPicking(i)}>
                      {t('imageChange')}
                    </Button>
                  </Group>
                  <TextInput
                    label={t('imageAlt')}
                    description={t('imageAltHint')}
                    value={block.alt}
                    maxLength={300}
                    onChange={(e) => replace(i, { ...block, alt: e.currentTarget.value })}
                  />
                  <TextInput
                    label={t('imageLink')}
                    type="url"
                    placeholder="https://"
                    value={block.url ?? ''}
                    onChange={(e) => {
                      const { url: _url, ...rest } = block;
                      const url = e.currentTarget.value;
                      replace(i, url ? { ...rest, url } : rest);
                    }}
                  />
                </>
              ) : (
                <Text size="sm" c="dimmed">
                  {t('dividerNote')}
                </Text>
              )}
            </Stack>
          </Paper>
        );
      })}
      <Group gap="xs">
        <Text size="sm">{t('addBlock')}</Text>
        <Button size="xs" variant="light" onClick={() => add({ type: 'heading', text: '', level: 1 })}>
          {t('addHeading')}
        </Button>
        <Button size="xs" variant="light" onClick={() => add({ type: 'paragraph', text: '' })}>
          {t('addParagraph')}
        </Button>
        <Button size="xs" variant="light" onClick={() => add({ type: 'button', text: '', url: '' })}>
          {t('addButton')}
        </Button>
        <Button size="xs" variant="light" onClick={() => setPicking(blocks.length)}>
          {t('addImage')}
        </Button>
        <Button size="xs" variant="light" onClick={() => add({ type: 'divider' })}>
          {t('addDivider')}
        </Button>
      </Group>
      <MediaPicker
        opened={picking !== null}
        onClose={() => setPicking(null)}
        onPick={(_src, alt, media) => {
          // A mail is read far from the site: the web copy's absolute address, published without metadata.
          const at = picking;
          setPicking(null);
          if (at === null || !media.public_url) return;
          const current = blocks[at];
          if (current?.type === 'image') replace(at, { ...current, src: media.public_url });
          else add({ type: 'image', src: media.public_url, alt: alt.slice(0, 300) });
        }}
      />
    </Stack>
  );
}

/** The live count of the audience, and per arrondissement. */
function AudienceFigures({ audience, count }: { audience: Audience | null; count: ReturnType<typeof useAudienceCount> }) {
  const t = useT(messagingMessages);
  if (!audience) {
    return (
      <Text size="sm" c="dimmed">
        {t('audienceNone')}
      </Text>
    );
  }
  if (count.isError) return <ErrorAlert error={count.error} />;
  const c = count.data;
  if (!c) return null;
  return (
    <Paper withBorder radius="md" p="sm" data-testid="audience-count">
      <Stack gap="xs">
        <Text fw={600}>{t('audienceCount', { count: c.total })}</Text>
        <ZoneCountTable byZone={c.by_zone} />
      </Stack>
    </Paper>
  );
}

/** The saved draft as a recipient gets it, in a sandboxed frame at desktop or phone width. */
function Preview({ id, version }: { id: string | null; version: string | undefined }) {
  const t = useT(messagingMessages);
  const [width, setWidth] = useState<'desktop' | 'phone'>('desktop');
  // With an A/B test, each variant can be previewed (a saved test's variants; A otherwise).
  const abTest = useAbTestQuery(id);
  const variants = abTest.data?.variants.map((v) => v.variant) ?? ['A'];
  const [chosen, setChosen] = useState<(typeof variants)[number]>('A');
  const variant = variants.includes(chosen) ? chosen : 'A';
  const preview = usePreviewQuery(id, `${version}:${abTest.data?.variants.map((v) => v.subject).join('|') ?? ''}`, variant);
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {t('preview')}
        </Title>
        <SegmentedControl
          size="xs"
          value={width}
          onChange={(v) => setWidth(v as 'desktop' | 'phone')}
          data={[
            { value: 'desktop', label: t('previewDesktop') },
            { value: 'phone', label: t('previewPhone') },
          ]}
        />
      </Group>
      {variants.length > 1 ? (
        <SegmentedControl
          size="xs"
          aria-label={t('previewVariant')}
          value={variant}
          onChange={(v) => setChosen(v as typeof chosen)}
          data={variants.map((v) => ({ value: v, label: t('abVariant', { v }) }))}
          style={{ alignSelf: 'flex-start' }}
        />
      ) : null}
      {!id ? (
        <Text size="sm" c="dimmed">
          {t('previewSave')}
        </Text>
      ) : preview.isError ? (
        <ErrorAlert error={preview.error} />
      ) : preview.data ? (
        <>
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {t('previewSubject', { subject: preview.data.subject })}
          </Text>
          <iframe
            title={t('previewFrame')}
            sandbox=""
            srcDoc={preview.data.html}
            data-width={width}
            style={{
              width: width === 'desktop' ? 640 : 390,
              maxWidth: '100%',
              height: 640,
              border: '1px solid var(--mantine-color-gray-4)',
              borderRadius: 8,
              background: 'white',
            }}
          />
        </>
      ) : null}
    </Stack>
  );
}

/** Sends the saved draft to up to five addresses. */
function TestSend({ id }: { id: string }) {
  const t = useT(messagingMessages);
  const [emails, setEmails] = useState('');
  const test = useTestSend();
  const list = emails
    .split(/[,;\s]+/)
    .map((e) => e.trim())
    .filter(Boolean);
  const tooMany = list.length > 5;
  return (
    <Paper withBorder radius="md" p="sm">
      <Stack gap="xs">
        <Title order={2} size="h5">
          {t('testTitle')}
        </Title>
        <TextInput
          label={t('testEmails')}
          description={t('testHint')}
          value={emails}
          onChange={(e) => {
            setEmails(e.currentTarget.value);
            test.reset();
          }}
          error={tooMany ? t('testTooMany') : undefined}
        />
        {test.error ? <ErrorAlert error={test.error} /> : null}
        {test.isSuccess ? (
          <Text size="sm" c="teal.8">
            {t('testSent')}
          </Text>
        ) : null}
        <Group>
          <Button
            size="sm"
            variant="light"
            disabled={list.length === 0 || tooMany}
            loading={test.isPending}
            onClick={() => test.mutate({ id, emails: list })}
          >
            {t('testSend')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
