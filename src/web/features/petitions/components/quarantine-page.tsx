// /app/petitions/quarantaine: form posts the guard held back, with why; never counted, never mailed.
import { Anchor, Table } from '@mantine/core';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useQuarantineQuery } from '../api.ts';
import { petitionsMessages } from '../messages.ts';

const REASONS = ['honeypot', 'stamp', 'too_fast', 'altcha_invalid', 'altcha_replay', 'burst', 'window', 'no_proof_window'] as const;

/** The quarantine screen. */
export function QuarantinePage() {
  const t = useT(petitionsMessages);
  const fmt = useFormat();
  const rows = useQuarantineQuery();
  const reason = (r: string | null) =>
    (REASONS as readonly string[]).includes(r ?? '') ? t(`reason_${r as (typeof REASONS)[number]}`) : (r ?? '');
  const form = (f: string) => (f === 'newsletter' || f === 'volunteer' || f === 'popup' ? t(`form_${f}`) : f);
  return (
    <>
      <Anchor component={Link} to="/petitions" size="sm">
        ← {t('back')}
      </Anchor>
      <PageHeader title={t('quarantineTitle')} description={t('quarantineDescription')} />
      <QueryView
        query={rows}
        isEmpty={(d) => d._embedded['relais:form_submissions'].length === 0}
        empty={<EmptyText title={t('quarantineEmpty')} />}
      >
        {(d) => (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colForm')}</Table.Th>
                  <Table.Th>{t('colEmail')}</Table.Th>
                  <Table.Th>{t('colAddress')}</Table.Th>
                  <Table.Th>{t('colReason')}</Table.Th>
                  <Table.Th>{t('colDate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d._embedded['relais:form_submissions'].map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      {r.petition_id ? (
                        <Anchor component={Link} to={`/petitions/${r.petition_id}`}>
                          {r.petition_title}
                        </Anchor>
                      ) : (
                        form(r.form)
                      )}
                    </Table.Td>
                    <Table.Td>{r.email}</Table.Td>
                    <Table.Td>{r.client_address}</Table.Td>
                    <Table.Td>{reason(r.quarantine_reason)}</Table.Td>
                    <Table.Td>{fmt.dateTime(r.created_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
    </>
  );
}
