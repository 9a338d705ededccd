// The fact check editor (a modal, full screen on a phone): the claim, who made it and when, the
// verdict from the campaign's scale, the explanation and its sources.
import { ActionIcon, Button, Group, Modal, Paper, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { type Factcheck, type FactcheckDraft, useSaveFactcheck, useVerdictsQuery } from '../api.ts';
import { factchecksMessages } from '../messages.ts';

interface SourceRow {
  url: string;
  title: string;
  publisher: string;
  published_on: string;
}

const emptySource = (): SourceRow => ({ url: '', title: '', publisher: '', published_on: '' });

/** Writes a new fact check (factcheck null) or rewrites one. */
export function FactcheckEditor({ factcheck, onClose }: { factcheck: Factcheck | null; onClose: () => void }) {
  const t = useT(factchecksMessages);
  const { locale } = useLocale();
  const isPhone = useIsPhone();
  const verdicts = useVerdictsQuery();
  const save = useSaveFactcheck();
  const [claim, setClaim] = useState(factcheck?.claim ?? '');
  const [claimant, setClaimant] = useState(factcheck?.claimant ?? '');
  const [claimDate, setClaimDate] = useState(factcheck?.claim_date ?? '');
  const [claimUrl, setClaimUrl] = useState(factcheck?.claim_url ?? '');
  const [theme, setTheme] = useState(factcheck?.theme ?? '');
  const [verdict, setVerdict] = useState<string | null>(factcheck?.verdict.code ?? null);
  const [summary, setSummary] = useState(factcheck?.summary ?? '');
  const [explanation, setExplanation] = useState(factcheck?.explanation_html ?? '');
  const [sources, setSources] = useState<SourceRow[]>(
    factcheck?.sources.map((s) => ({ url: s.url, title: s.title, publisher: s.publisher, published_on: s.published_on ?? '' })) ?? [],
  );
  const [tried, setTried] = useState(false);

  const setSource = (i: number, patch: Partial<SourceRow>) => setSources((list) => list.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const missing = !claim.trim() || !claimant.trim() || !verdict || sources.some((s) => !s.url.trim() || !s.title.trim());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (missing || !verdict) return;
    const input: FactcheckDraft = {
      claim: claim.trim(),
      claimant: claimant.trim(),
      claim_date: claimDate || null,
      claim_url: claimUrl.trim() || null,
      theme: theme.trim(),
      verdict,
      summary: summary.trim(),
      explanation_html: explanation,
      sources: sources.map((s) => ({
        url: s.url.trim(),
        title: s.title.trim(),
        publisher: s.publisher.trim(),
        published_on: s.published_on || null,
      })),
    };
    save.mutate({ id: factcheck?.id ?? null, input }, { onSuccess: onClose });
  };
  const req = (value: string | null) => (tried && !value?.trim() ? t('required') : undefined);

  return (
    <Modal opened onClose={onClose} title={factcheck ? t('editorEdit') : t('editorNew')} size="xl" fullScreen={isPhone}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {save.isError && (
            <ErrorAlert
              error={save.error}
              overrides={{ FACTCHECK_DATE_INVALID: t('dateInvalid'), FACTCHECK_URL_INVALID: t('urlInvalid') }}
            />
          )}
          <Textarea
            label={t('claim')}
            description={t('claimHint')}
            value={claim}
            onChange={(e) => setClaim(e.currentTarget.value)}
            required
            autosize
            minRows={2}
            maxLength={1000}
            error={req(claim)}
          />
          <Group grow align="flex-start" wrap={isPhone ? 'wrap' : 'nowrap'}>
            <TextInput
              label={t('claimant')}
              value={claimant}
              onChange={(e) => setClaimant(e.currentTarget.value)}
              required
              maxLength={200}
              error={req(claimant)}
            />
            <TextInput label={t('claimDate')} type="date" value={claimDate} onChange={(e) => setClaimDate(e.currentTarget.value)} />
          </Group>
          <TextInput
            label={t('claimUrl')}
            type="url"
            value={claimUrl}
            onChange={(e) => setClaimUrl(e.currentTarget.value)}
            maxLength={2000}
          />
          <Group grow align="flex-start" wrap={isPhone ? 'wrap' : 'nowrap'}>
            <TextInput
              label={t('theme')}
              description={t('themeHint')}
              value={theme}
              onChange={(e) => setTheme(e.currentTarget.value)}
              maxLength={100}
            />
            <Select
              label={t('verdict')}
              required
              value={verdict}
              onChange={setVerdict}
              error={tried && !verdict ? t('required') : undefined}
              data={(verdicts.data?.verdicts ?? []).map((v) => ({ value: v.code, label: locale === 'fr' ? v.label_fr : v.label_en }))}
            />
          </Group>
          <Textarea
            label={t('summary')}
            description={t('summaryHint')}
            value={summary}
            onChange={(e) => setSummary(e.currentTarget.value)}
            autosize
            minRows={2}
            maxLength={1000}
          />
          <Textarea
            label={t('explanation')}
            description={t('explanationHint')}
            value={explanation}
            onChange={(e) => setExplanation(e.currentTarget.value)}
            autosize
            minRows={5}
            maxLength={100_000}
          />
          <Text fw={600}>{t('sources')}</Text>
          {sources.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity until saved
            <Paper key={i} withBorder p="sm">
              <Group justify="space-between" mb="xs">
                <Text size="sm" fw={600}>
                  {t('sourceN', { n: i + 1 })}
                </Text>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={t('removeSource', { n: i + 1 })}
                  onClick={() => setSources((list) => list.filter((_, j) => j !== i))}
                >
                  <Icon name="trash" />
                </ActionIcon>
              </Group>
              <Stack gap="xs">
                <TextInput
                  label={t('sourceUrl')}
                  type="url"
                  required
                  value={s.url}
                  onChange={(e) => setSource(i, { url: e.currentTarget.value })}
                  error={req(s.url)}
                  maxLength={2000}
                />
                <TextInput
                  label={t('sourceTitle')}
                  required
                  value={s.title}
                  onChange={(e) => setSource(i, { title: e.currentTarget.value })}
                  error={req(s.title)}
                  maxLength={300}
                />
                <Group grow align="flex-start" wrap={isPhone ? 'wrap' : 'nowrap'}>
                  <TextInput
                    label={t('sourcePublisher')}
                    value={s.publisher}
                    onChange={(e) => setSource(i, { publisher: e.currentTarget.value })}
                    maxLength={200}
                  />
                  <TextInput
                    label={t('sourceDate')}
                    type="date"
                    value={s.published_on}
                    onChange={(e) => setSource(i, { published_on: e.currentTarget.value })}
                  />
                </Group>
              </Stack>
            </Paper>
          ))}
          <Button
            variant="default"
            leftSection={<Icon name="plus" />}
            onClick={() => setSources((list) => [...list, emptySource()])}
            disabled={sources.length >= 30}
          >
            {t('addSource')}
          </Button>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {t('save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
