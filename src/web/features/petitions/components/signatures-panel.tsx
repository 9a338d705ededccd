// A petition's signatures (each linked to its person's page once confirmed) and the bulk void:
// a filter (IP address or e-mail domain) and a reason, a preview of what it names, then the void.
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useSignaturesQuery, useVoidSignatures, type VoidResult } from '../api.ts';
import { petitionsMessages } from '../messages.ts';

const SIG_COLOR = { pending: 'yellow', confirmed: 'teal', quarantined: 'orange', voided: 'gray' } as const;

/** The signatures of a petition, and the void with its preview. */
export function SignaturesPanel({ id }: { id: string }) {
  const t = useT(petitionsMessages);
  const fmt = useFormat();
  const signatures = useSignaturesQuery(id);
  const voider = useVoidSignatures(id);
  const [filter, setFilter] = useState({ client_address: '', email_domain: '', reason: '' });
  const [preview, setPreview] = useState<VoidResult | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const [need, setNeed] = useState(false);
  const input = (p: boolean) => ({
    ...(filter.client_address.trim() ? { client_address: filter.client_address.trim() } : {}),
    ...(filter.email_domain.trim() ? { email_domain: filter.email_domain.trim() } : {}),
    reason: filter.reason.trim(),
    preview: p,
  });
  const run = (p: boolean) => {
    if ((!filter.client_address.trim() && !filter.email_domain.trim()) || !filter.reason.trim()) return setNeed(true);
    setNeed(false);
    voider.mutate(input(p), {
      onSuccess: (r) => {
        if (p) setPreview(r);
        else {
          setPreview(null);
          setDone(r.voided);
        }
      },
    });
  };
  const change = (k: keyof typeof filter, v: string) => {
    setFilter((f) => ({ ...f, [k]: v }));
    setPreview(null);
  };
  return (
    <Stack>
      <Title order={2} size="h3">
        {t('signatures')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('signaturesHint')}
      </Text>
      <QueryView
        query={signatures}
        isEmpty={(d) => d._embedded['osdi:signatures'].length === 0}
        empty={<EmptyText title={t('noSignatures')} />}
      >
        {(d) => (
          <Table.ScrollContainer minWidth={720}>
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colName')}</Table.Th>
                  <Table.Th>{t('colEmail')}</Table.Th>
                  <Table.Th>{t('colStatus')}</Table.Th>
                  <Table.Th>{t('colProof')}</Table.Th>
                  <Table.Th>{t('colAddress')}</Table.Th>
                  <Table.Th>{t('colDate')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d._embedded['osdi:signatures'].map((s) => {
                  const name = `${s['relais:given_name']} ${s['relais:family_name']}`.trim() || '—';
                  const person = s['relais:person_id'];
                  const proof = s['relais:proof'] as 'altcha' | 'none' | 'api';
                  return (
                    <Table.Tr key={s.identifiers[0]}>
                      <Table.Td>
                        {person ? (
                          <Anchor component={Link} to={`/people/${person}`}>
                            {name}
                          </Anchor>
                        ) : (
                          name
                        )}
                      </Table.Td>
                      <Table.Td>{s['relais:email']}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={SIG_COLOR[s['relais:status']]}>
                          {t(`sig_${s['relais:status']}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{t(`proof_${proof}`)}</Table.Td>
                      <Table.Td>{s['relais:client_address']}</Table.Td>
                      <Table.Td>{fmt.dateTime(s.created_date)}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
      <Paper withBorder p="md">
        <Title order={3} size="h4" mb={4}>
          {t('voidTitle')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('voidHint')}
        </Text>
        <Stack gap="sm">
          {voider.isError && <ErrorAlert error={voider.error} />}
          {need && (
            <Alert color="red" variant="light">
              {t('voidNeedFilter')}
            </Alert>
          )}
          {done !== null && (
            <Alert color="teal" variant="light" role="status">
              {t('voidDone', { count: done })}
            </Alert>
          )}
          <Group grow align="flex-start">
            <TextInput
              label={t('voidAddress')}
              value={filter.client_address}
              maxLength={100}
              onChange={(e) => change('client_address', e.currentTarget.value)}
            />
            <TextInput
              label={t('voidDomain')}
              value={filter.email_domain}
              maxLength={254}
              onChange={(e) => change('email_domain', e.currentTarget.value)}
            />
          </Group>
          <TextInput
            label={t('voidReason')}
            value={filter.reason}
            maxLength={500}
            onChange={(e) => change('reason', e.currentTarget.value)}
          />
          {preview && (
            <Alert color="orange" variant="light" role="status">
              {t('voidCount', {
                count: preview.count,
                confirmed: preview.by_status.confirmed ?? 0,
                pending: preview.by_status.pending ?? 0,
                quarantined: preview.by_status.quarantined ?? 0,
              })}
              <Text size="sm" mt={4}>
                {preview.sample.map((s) => s.email).join(', ')}
              </Text>
            </Alert>
          )}
          <Group>
            <Button variant="default" onClick={() => run(true)} loading={voider.isPending && voider.variables?.preview === true}>
              {t('voidPreview')}
            </Button>
            {preview && preview.count > 0 && (
              <Button color="red" onClick={() => run(false)} loading={voider.isPending && voider.variables?.preview === false}>
                {t('voidApply', { count: preview.count })}
              </Button>
            )}
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
