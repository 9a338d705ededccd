// The A/B test on a mailing's report: where the test stands (test share sending, waiting until the
// decision, decided), each variant's human figures on the winning metric and its probability to be
// best, and the decision taken — the winner, or the fallback and why (a phone drops the subject and
// the counts). Nothing when there is no test.
import { Badge, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { type AbTest, type Mailing, useAbTestQuery } from '../api.ts';
import { messagingMessages } from '../messages.ts';

export function AbTestReport({ mailing }: { mailing: Mailing }) {
  const query = useAbTestQuery(mailing.id, mailing.status);
  if (!query.data) return null;
  return <AbTestFigures test={query.data} />;
}

function AbTestFigures({ test }: { test: AbTest }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const pct = (value: number, digits = 1) => fmt.number(value, { style: 'percent', maximumFractionDigits: digits });
  const e = test.evaluation;
  const subjects = new Map(test.variants.map((v) => [v.variant, v.subject]));
  const status =
    test.phase === 'decided' && test.decision
      ? t(`abDecision_${test.decision}`, {
          v: test.winner ?? '',
          rest: fmt.number(test.rest_size),
          date: fmt.dateTime(test.decided_at),
        })
      : test.phase === 'waiting'
        ? t('abPhase_waiting', { date: fmt.dateTime(test.evaluate_at) })
        : test.phase === 'testing'
          ? t('abPhase_testing', { test: fmt.number(test.test_size), rest: fmt.number(test.rest_size) })
          : t('abPhase_draft');
  return (
    <Paper withBorder radius="md" p="sm" data-testid="ab-test-report">
      <Stack gap="xs">
        <Title order={2} size="h4">
          {t('abReportTitle')}
        </Title>
        <Text size="sm" fw={600} data-testid="ab-test-status">
          {status}
        </Text>
        {e ? (
          <>
            <Text size="sm" c="dimmed">
              {t('abMetricIs', { metric: t(`metric_${e.metric}`), bar: pct(e.bar, 2) })}
            </Text>
            {test.phase !== 'decided' || test.decision !== 'winner' ? (
              <Text size="sm">
                {t(`abReason_${e.reason}`, { v: e.winner ?? '', min: fmt.number(e.min_countable), bar: pct(e.bar, 2) })}
              </Text>
            ) : null}
            <Table data-testid="ab-test-variants">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('abColVariant')}</Table.Th>
                  {phone ? null : <Table.Th>{t('abColSubject')}</Table.Th>}
                  {phone ? null : <Table.Th ta="right">{t('abColCountable')}</Table.Th>}
                  <Table.Th ta="right">{t('abColRate')}</Table.Th>
                  <Table.Th ta="right">{t('abColProbability')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.variants.map((v) => (
                  <Table.Tr key={v.variant}>
                    <Table.Td>
                      {v.variant}{' '}
                      {test.winner === v.variant && test.decision === 'winner' ? (
                        <Badge size="xs" color="teal">
                          {t('abWinnerBadge')}
                        </Badge>
                      ) : null}
                    </Table.Td>
                    {phone ? null : <Table.Td style={{ wordBreak: 'break-word' }}>{subjects.get(v.variant) ?? ''}</Table.Td>}
                    {phone ? null : <Table.Td ta="right">{fmt.number(v.countable)}</Table.Td>}
                    <Table.Td ta="right">{v.rate === null ? '—' : pct(v.rate)}</Table.Td>
                    <Table.Td ta="right">{pct(v.probability)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        ) : null}
      </Stack>
    </Paper>
  );
}
