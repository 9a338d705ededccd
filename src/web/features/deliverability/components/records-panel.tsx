// The DNS records to publish (name and value, each with a copy button), SPF and DKIM alignment with
// the From domain, and the check against DNS: present, missing, wrong or unreachable per record.
import { Badge, Button, Code, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { type Deliverability, type DnsCheck, useDnsCheck } from '../api.ts';
import { deliverabilityMessages } from '../messages.ts';

const STATUS_COLORS: Record<DnsCheck['records'][number]['status'], string> = {
  present: 'teal',
  missing: 'red',
  wrong: 'orange',
  unreachable: 'gray',
  not_configured: 'gray',
};

function Copy({ value, label }: { value: string; label: string }) {
  const t = useT(deliverabilityMessages);
  return (
    <CopyButton value={value} timeout={2000}>
      {({ copied, copy }) => (
        <Button
          size="xs"
          variant={copied ? 'light' : 'default'}
          color={copied ? 'teal' : undefined}
          leftSection={<Icon name={copied ? 'check' : 'copy'} size={14} />}
          onClick={copy}
          aria-label={label}
        >
          {copied ? t('copied') : t('copy')}
        </Button>
      )}
    </CopyButton>
  );
}

/** The records section of the deliverability settings. */
export function RecordsPanel({ data }: { data: Deliverability }) {
  const t = useT(deliverabilityMessages);
  const fmt = useFormat();
  const check = useDnsCheck();
  const results = new Map((check.data?.records ?? []).map((r) => [r.kind, r]));
  const a = data.alignment;
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby="records-title">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="h4" id="records-title">
            {t('recordsTitle')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('recordsHint')}
          </Text>
          <Text size="sm" mt={4}>
            {t('fromDomain', { domain: a.from_domain })}
          </Text>
        </div>
        {data.records.map((record) => {
          const kind = t(`kind_${record.kind}`);
          const result = results.get(record.kind);
          return (
            <Paper key={record.kind} withBorder radius="sm" p="sm" data-testid={`record-${record.kind}`}>
              <Stack gap={6}>
                <Group justify="space-between" gap="xs">
                  <Text fw={600}>
                    {kind} · {t('recordType')} {record.type}
                  </Text>
                  {result && (
                    <Badge color={STATUS_COLORS[result.status]} variant="light" data-testid={`record-status-${record.kind}`}>
                      {t(`status_${result.status}`)}
                    </Badge>
                  )}
                </Group>
                <Group gap="xs" wrap="nowrap" align="flex-start">
                  <Text size="sm" c="dimmed" w="4.5rem" style={{ flexShrink: 0 }}>
                    {t('recordName')}
                  </Text>
                  <Code style={{ wordBreak: 'break-all', flex: 1, minWidth: 0 }}>{record.name}</Code>
                  <Copy value={record.name} label={t('copyName', { kind })} />
                </Group>
                {record.value === null ? (
                  <Text size="sm" c="orange.8">
                    {t('noDkimKey')}
                  </Text>
                ) : (
                  <Group gap="xs" wrap="nowrap" align="flex-start">
                    <Text size="sm" c="dimmed" w="4.5rem" style={{ flexShrink: 0 }}>
                      {t('recordValue')}
                    </Text>
                    <Code style={{ wordBreak: 'break-all', flex: 1, minWidth: 0 }}>{record.value}</Code>
                    <Copy value={record.value} label={t('copyValue', { kind })} />
                  </Group>
                )}
                {result?.problem && (
                  <Text size="sm" c="orange.8">
                    {result.status === 'unreachable' ? t('problem_unreachable') : t(`problem_${result.problem}` as 'problem_spf_several')}
                  </Text>
                )}
                {result && result.found.length > 0 && result.status !== 'present' && (
                  <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
                    {t('found', { value: result.found.join(' | ') })}
                  </Text>
                )}
              </Stack>
            </Paper>
          );
        })}
        <Stack gap={2}>
          <Text size="sm" c={a.spf_aligned ? 'teal.8' : 'orange.8'}>
            {t(a.spf_aligned ? 'alignedSpf' : 'notAlignedSpf', { domain: a.return_path_domain })}
          </Text>
          <Text size="sm" c={a.dkim_aligned ? 'teal.8' : 'orange.8'}>
            {a.dkim_domain ? t(a.dkim_aligned ? 'alignedDkim' : 'notAlignedDkim', { domain: a.dkim_domain }) : t('noDkimAlignment')}
          </Text>
        </Stack>
        {check.isError && <ErrorAlert error={check.error} />}
        <Group justify="flex-end" gap="sm">
          {check.data && (
            <Text size="sm" c="dimmed" aria-live="polite">
              {t('checkedAt', { date: fmt.dateTime(check.data.checked_at) })}
            </Text>
          )}
          <Button leftSection={<Icon name="check" />} loading={check.isPending} onClick={() => check.mutate()}>
            {t('check')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
