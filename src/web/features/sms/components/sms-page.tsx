// /app/sms: the SMS composer. An audience (lists and segments minus exclusions, the mailings'
// picker), a text, and live: the encoding (GSM-7 or UCS-2, with the characters that force Unicode),
// the number of SMS and what is left in the last one (links counted at their short length),
// recipients with consent and a mobile per arrondissement, the cost, and the replacements that bring
// the text back to GSM-7; after sending, the send's report (delivered, clicks on its short links).
import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import type { ErrorOverrides } from '../../../ui/use-error-message.ts';
import type { Audience } from '../../messaging/api.ts';
import { AudiencePicker, audienceOf, ZoneCountTable } from '../../messaging/components/audience-picker.tsx';
import { useCan } from '../../session/session-context.tsx';
import {
  type SmsEstimate,
  type SmsSendResult,
  useSendSms,
  useSmsEstimateQuery,
  useSmsSendReportQuery,
  useSmsSettingsQuery,
} from '../api.ts';
import { smsMessages } from '../messages.ts';
import { RecentMessages } from './recent-messages.tsx';

/** The SMS errors in the reader's words (the server's details are English). */
export function useSmsErrorOverrides(): ErrorOverrides {
  const t = useT(smsMessages);
  return useMemo(
    () => ({
      SMS_SENDER_INVALID: t('errSender'),
      SMS_HOURS_INVALID: t('errHours'),
      SMS_NOT_CONFIGURED: t('errNotConfigured'),
      MAILING_AUDIENCE_INVALID: t('errAudience'),
    }),
    [t],
  );
}

/** How an invisible or look-alike character is named on screen. */
function useCharName() {
  const t = useT(smsMessages);
  return (ch: string) => (ch === '\u00a0' ? t('nbsp') : ch === '\u202f' ? t('nnbsp') : ch);
}

/** The text with one character (or, with `all`, every suggested one) replaced. */
function replaced(text: string, estimate: SmsEstimate, from?: string): string {
  if (!from) return estimate.replaced_text;
  const to = estimate.replacements.find((r) => r.from === from)?.to ?? from;
  return text.split(from).join(to);
}

export function SmsPage() {
  const t = useT(smsMessages);
  const fmt = useFormat();
  const charName = useCharName();
  const settings = useSmsSettingsQuery();
  const [picked, setPicked] = useState<Audience>({});
  const [text, setText] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<SmsSendResult | null>(null);
  const [debouncedText] = useDebouncedValue(text, 250);
  const [debouncedPicked] = useDebouncedValue(picked, 300);
  const audience = useMemo(() => audienceOf(debouncedPicked), [debouncedPicked]);
  const estimate = useSmsEstimateQuery(debouncedText.trim() ? { text: debouncedText, ...(audience ? { audience } : {}) } : null);
  const send = useSendSms();
  const e = debouncedText.trim() ? estimate.data : undefined;
  const ready = !!e && e.body !== null && !!audience && e.recipients > 0 && debouncedText === text && debouncedPicked === picked;
  const s = settings.data;
  const canManage = useCan('sms.manage');
  const overrides = useSmsErrorOverrides();

  const submit = () =>
    send.mutate(
      { text, ...(audience ? { audience } : {}) },
      {
        onSuccess: (answer) => {
          setResult(answer);
          setConfirming(false);
        },
      },
    );

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canManage ? (
            <Anchor component={Link} to="/sms/settings" size="sm">
              {t('settings')}
            </Anchor>
          ) : null
        }
      />
      <Stack>
        {s ? (
          <Text size="sm" c="dimmed">
            {t('hours', {
              start: s.hours_start,
              end: s.hours_end,
              sundays: s.block_sundays ? t('hoursSundays') : '',
              holidays: s.block_holidays ? t('hoursHolidays') : '',
            })}
          </Text>
        ) : null}
        {e && e.body === null ? (
          <Alert color="yellow" variant="light" icon={<Icon name="alert" />}>
            {t('notConfigured')}
          </Alert>
        ) : null}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Stack>
            <AudiencePicker value={picked} onChange={setPicked} hint={t('audienceHint')} />
            <Textarea
              label={t('text')}
              description={t('textHint')}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
              autosize
              minRows={5}
              maxLength={1600}
            />
            {e ? <Counter estimate={e} /> : null}
            {e && e.short_links > 0 ? (
              <Text size="sm" c="dimmed">
                {t('shortLinks', { count: e.short_links })}
              </Text>
            ) : null}
            {e && e.replacements.length > 0 ? (
              <Paper withBorder radius="md" p="md">
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={600} size="sm">
                      {t('replacements')}
                    </Text>
                    <Button size="xs" variant="light" onClick={() => setText(replaced(text, e))}>
                      {t('replaceAll')}
                    </Button>
                  </Group>
                  <Group gap="xs">
                    {e.replacements.map((r) => (
                      <Button key={r.from} size="xs" variant="default" onClick={() => setText(replaced(text, e, r.from))}>
                        {t('replaceOne', { from: charName(r.from), to: r.to === ' ' ? '␣' : r.to })}
                      </Button>
                    ))}
                  </Group>
                  <Text size="sm" c="dimmed">
                    {t('replacedGain', { encoding: e.replaced_encoding, count: e.replaced_segments })}
                  </Text>
                  {e.unreplaceable.length > 0 ? (
                    <Text size="sm" c="dimmed">
                      {t('unreplaceable', { chars: e.unreplaceable.join(' ') })}
                    </Text>
                  ) : null}
                </Stack>
              </Paper>
            ) : null}
            <Group>
              <Button leftSection={<Icon name="message" />} disabled={!ready} onClick={() => setConfirming(true)}>
                {t('send')}
              </Button>
            </Group>
            {result ? <SendResult result={result} /> : null}
            {result ? <SendReport sendId={result.send_id} /> : null}
          </Stack>
          <Stack>
            <Title order={3} size="h5">
              {t('preview')}
            </Title>
            <Paper withBorder radius="lg" p="md" bg="gray.0" data-testid="sms-preview">
              <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                {e?.body ?? text}
              </Text>
            </Paper>
            {e ? (
              <Stack gap={2}>
                <Text size="sm">{t('recipients', { count: e.recipients })}</Text>
                {e.skipped.no_consent > 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('skippedNoConsent', { count: e.skipped.no_consent })}
                  </Text>
                ) : null}
                {e.skipped.no_mobile > 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('skippedNoMobile', { count: e.skipped.no_mobile })}
                  </Text>
                ) : null}
                <Text size="sm" fw={600}>
                  {t('cost', { cost: fmt.number(e.cost, { style: 'currency', currency: e.currency }) })}
                </Text>
                {audience && e.by_zone.length > 0 ? (
                  <Paper withBorder radius="md" p="sm" mt="xs" data-testid="sms-by-zone">
                    <Text size="sm" fw={600}>
                      {t('byZone')}
                    </Text>
                    <ZoneCountTable byZone={e.by_zone} />
                  </Paper>
                ) : null}
              </Stack>
            ) : null}
          </Stack>
        </SimpleGrid>
        <RecentMessages />
      </Stack>
      <ConfirmModal
        opened={confirming}
        title={t('confirmTitle')}
        confirmLabel={t('confirm')}
        onConfirm={submit}
        onClose={() => setConfirming(false)}
        loading={send.isPending}
        error={send.error}
        errorOverrides={overrides}
      >
        {t('confirmBody', { count: e?.recipients ?? 0 })}
      </ConfirmModal>
    </>
  );
}

/** Encoding, SMS count, characters and room left, as the text is typed. */
function Counter({ estimate: e }: { estimate: SmsEstimate }) {
  const t = useT(smsMessages);
  const charName = useCharName();
  const gsm = e.encoding === 'GSM-7';
  return (
    <Stack gap={4} data-testid="sms-counter">
      <Group gap="xs">
        <Badge color={gsm ? 'teal' : 'orange'} variant="light">
          {gsm ? t('encodingGsm') : t('encodingUcs')}
        </Badge>
        <Badge color="indigo" variant="light">
          {t('segments', { count: e.segments })}
        </Badge>
        <Text size="sm" c="dimmed">
          {t('characters', { count: e.characters })} · {t('remaining', { count: e.remaining })}
        </Text>
      </Group>
      {!gsm && e.non_gsm_characters.length > 0 ? (
        <Text size="sm" c="orange.8">
          {t('encodingUcsHint', { chars: e.non_gsm_characters.map(charName).join(' ') })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** What the send did: queued, waiting for the sending hours, left out. */
function SendResult({ result }: { result: SmsSendResult }) {
  const t = useT(smsMessages);
  const fmt = useFormat();
  return (
    <Alert color="teal" variant="light" icon={<Icon name="check" />}>
      <Stack gap={2}>
        {result.queued.length > 0 ? <Text size="sm">{t('sentQueued', { count: result.queued.length })}</Text> : null}
        {result.deferred.length > 0 ? (
          <Text size="sm">{t('sentDeferred', { count: result.deferred.length, date: fmt.dateTime(result.not_before) })}</Text>
        ) : null}
        {result.skipped.length > 0 ? <Text size="sm">{t('sentSkipped', { count: result.skipped.length })}</Text> : null}
      </Stack>
    </Alert>
  );
}

/** The send's figures: messages and segments, delivered, and the clicks on its short links (people's, and previews left out). */
function SendReport({ sendId }: { sendId: string }) {
  const t = useT(smsMessages);
  const report = useSmsSendReportQuery(sendId);
  const r = report.data;
  if (!r) return null;
  return (
    <Paper withBorder radius="md" p="md" data-testid="sms-report">
      <Stack gap={4}>
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {t('reportTitle')}
          </Text>
          <Button size="xs" variant="subtle" onClick={() => report.refetch()}>
            {t('reportRefresh')}
          </Button>
        </Group>
        <Text size="sm">{t('reportMessages', { count: r.messages, segments: r.segments })}</Text>
        <Text size="sm">{t('reportDelivered', { count: r.by_status.delivered })}</Text>
        <Text size="sm">{t('reportClicks', { count: r.clicks.human, people: r.human_clickers })}</Text>
        {r.clicks.scanner > 0 ? (
          <Text size="sm" c="dimmed">
            {t('reportScanner', { count: r.clicks.scanner })}
          </Text>
        ) : null}
      </Stack>
    </Paper>
  );
}
