// /app/mailings/:id/report: what a sent (or sending) mailing did — sent, delivered, opens, clicks,
// unsubscribes, bounces, complaints (human events only), per arrondissement with rates in the
// reader's format (« 42,3 % ») on a map and in a table, opens and clicks over time, clicks per link,
// and who opened or clicked, linking to their pages.
import { Anchor, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { DeliverabilityBanner } from '../../deliverability/components/deliverability-banner.tsx';
import { type Figures, type Mailing, type MailingReport as Report, useHitsQuery, useMailingQuery, useReportQuery } from '../api.ts';
import { messagingMessages } from '../messages.ts';
import { AbTestReport } from './ab-test-report.tsx';
import { PauseReason, StatusBadge } from './mailings-page.tsx';
import { ReportMap } from './report-map.tsx';
import { ReportTimeline } from './report-timeline.tsx';

/** A share as « 42,3 % » (one decimal), or a dash when there is nothing to divide by. */
function useRate() {
  const fmt = useFormat();
  return (part: number, whole: number) => (whole > 0 ? fmt.number(part / whole, { style: 'percent', maximumFractionDigits: 1 }) : '—');
}

export function MailingReportPage() {
  const { id } = useParams();
  const mailing = useMailingQuery(id);
  return <QueryView query={mailing}>{(m) => <ReportOf mailing={m} />}</QueryView>;
}

function ReportOf({ mailing: m }: { mailing: Mailing }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const report = useReportQuery(m.id, m.status);
  return (
    <>
      <PageHeader
        title={m.name || t('untitled')}
        description={t('reportTitle')}
        actions={
          <Anchor component={Link} to="/mailings" size="sm">
            {t('back')}
          </Anchor>
        }
      />
      <DeliverabilityBanner />
      <Stack>
        <PauseReason mailing={m} />
        <Group gap="xs">
          <StatusBadge status={m.status} />
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {m.subject}
          </Text>
          {m.sent_start_date ? (
            <Text size="sm" c="dimmed">
              {t('sentOn', { date: fmt.dateTime(m.sent_start_date) })}
            </Text>
          ) : null}
        </Group>
        {m.status === 'sending' ? <Text size="sm">{t('sendingNow', { sent: m.statistics.sent, total: m.total_targeted })}</Text> : null}
        <Text size="sm" c="dimmed">
          {t('reportHint')}
        </Text>
        <QueryView query={report}>
          {(r) => (
            <Stack gap="lg">
              <FigureCards figures={r} />
              <ReportTimeline report={r} />
              <ReportMap report={r} />
              <AbTestReport mailing={m} />
              <Zones report={r} />
              <Links report={r} />
              <People id={m.id} />
            </Stack>
          )}
        </QueryView>
      </Stack>
    </>
  );
}

function FigureCards({ figures: f }: { figures: Figures }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const rate = useRate();
  const cards: { label: string; value: number; share?: boolean }[] = [
    { label: t('figSent'), value: f.sent },
    { label: t('figDelivered'), value: f.delivered },
    { label: t('figOpens'), value: f.opens, share: true },
    { label: t('figClicks'), value: f.clicks, share: true },
    { label: t('figUnsubscribes'), value: f.unsubscribes, share: true },
    { label: t('figBounces'), value: f.bounces },
    { label: t('figComplaints'), value: f.complaints },
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} spacing="sm" data-testid="report-figures">
      {cards.map((c) => (
        <Paper key={c.label} withBorder radius="md" p="sm">
          <Text size="xs" c="dimmed">
            {c.label}
          </Text>
          <Text fw={700} size="xl">
            {fmt.number(c.value)}
          </Text>
          {c.share ? (
            <Text size="xs" c="dimmed">
              {t('rateOf', { rate: rate(c.value, f.delivered) })}
            </Text>
          ) : null}
        </Paper>
      ))}
    </SimpleGrid>
  );
}

/** Per arrondissement: sent, open and click rates (a phone drops the raw counts). */
function Zones({ report }: { report: Report }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const rate = useRate();
  const phone = useIsPhone();
  // The arrondissements this mailing reached (the others would only add rows of zeros).
  const zones = report.by_zone.filter((z) => z.sent > 0);
  if (zones.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('zonesTitle')}
      </Title>
      {/* On a phone the arrondissements' long names wrap and the columns tighten: no sideways scrolling. */}
      <Table striped data-testid="report-zones" fz={phone ? 'xs' : 'sm'} horizontalSpacing={phone ? 6 : 'sm'}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('zone')}</Table.Th>
            {phone ? null : <Table.Th ta="right">{t('figSent')}</Table.Th>}
            <Table.Th ta="right">{t('openRate')}</Table.Th>
            <Table.Th ta="right">{t('clickRate')}</Table.Th>
            {phone ? null : <Table.Th ta="right">{t('figUnsubscribes')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {zones.map((z) => (
            <Table.Tr key={z.zone_id}>
              <Table.Td style={{ wordBreak: 'break-word' }}>{z.name}</Table.Td>
              {phone ? null : <Table.Td ta="right">{fmt.number(z.sent)}</Table.Td>}
              <Table.Td ta="right">{rate(z.opens, z.delivered)}</Table.Td>
              <Table.Td ta="right">{rate(z.clicks, z.delivered)}</Table.Td>
              {phone ? null : <Table.Td ta="right">{fmt.number(z.unsubscribes)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function Links({ report }: { report: Report }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('linksTitle')}
      </Title>
      {report.links.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('noLinks')}
        </Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('link')}</Table.Th>
              <Table.Th ta="right">{t('clicksCol')}</Table.Th>
              <Table.Th ta="right">{t('uniqueClicks')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.links.map((l) => (
              <Table.Tr key={l.index}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{l.url ?? '—'}</Table.Td>
                <Table.Td ta="right">{fmt.number(l.clicks)}</Table.Td>
                <Table.Td ta="right">{fmt.number(l.unique_clicks)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** Who opened, or who clicked, first first, each linking to their page. */
function People({ id }: { id: string }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  const [kind, setKind] = useState<'open' | 'click'>('open');
  const hits = useHitsQuery(id, kind);
  return (
    <Stack gap="xs">
      <SegmentedControl
        value={kind}
        onChange={(v) => setKind(v as 'open' | 'click')}
        data={[
          { value: 'open', label: t('whoOpened') },
          { value: 'click', label: t('whoClicked') },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <QueryView query={hits} isEmpty={(list) => list.length === 0} empty={t('nobody')}>
        {(list) => (
          <Table data-testid="report-people">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('person')}</Table.Th>
                <Table.Th>{t('firstAt')}</Table.Th>
                <Table.Th ta="right">{t('times')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((p) => (
                <Table.Tr key={p.person_id}>
                  <Table.Td style={{ wordBreak: 'break-word' }}>
                    <Anchor component={Link} to={`/people/${p.person_id}`}>
                      {`${p.given_name} ${p.family_name}`.trim() || p.email}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{fmt.dateTime(p.first_at)}</Table.Td>
                  <Table.Td ta="right">{fmt.number(p.events)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
    </Stack>
  );
}
