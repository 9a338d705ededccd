// The audience picker (lists and segments to send to, those to leave out) and the count per
// arrondissement, shared by the mailing composer and the SMS composer (one audience module).
import { MultiSelect, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { useListsQuery } from '../../people/api.ts';
import { useSegmentsQuery } from '../../segments/api.ts';
import type { Audience, AudienceCount } from '../api.ts';
import { messagingMessages } from '../messages.ts';

/** The audience with its empty parts left out; null when it names nothing to send to. */
export function audienceOf(a: Audience): Audience | null {
  const clean: Audience = {};
  for (const key of ['segment_ids', 'list_ids', 'exclude_segment_ids', 'exclude_list_ids'] as const) {
    if (a[key]?.length) clean[key] = a[key];
  }
  return clean.segment_ids || clean.list_ids ? clean : null;
}

/** Lists and segments to send to, and those to leave out (`hint`: who of them the channel counts). */
export function AudiencePicker({ value, onChange, hint }: { value: Audience; onChange: (a: Audience) => void; hint?: string }) {
  const t = useT(messagingMessages);
  const lists = useListsQuery();
  const segments = useSegmentsQuery();
  const listData = (lists.data ?? []).map((l) => ({ value: l.id, label: l.name }));
  const segmentData = (segments.data ?? []).map((s) => ({ value: s.id, label: s.name }));
  const pick = (key: keyof Audience, data: { value: string; label: string }[], label: string) => (
    <MultiSelect
      label={label}
      placeholder={t('pick')}
      data={data}
      value={value[key] ?? []}
      onChange={(ids) => onChange({ ...value, [key]: ids })}
      searchable
      clearable
    />
  );
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('audience')}
      </Title>
      <Text size="sm" c="dimmed">
        {hint ?? t('audienceHint')}
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        {pick('list_ids', listData, t('lists'))}
        {pick('segment_ids', segmentData, t('segments'))}
        {pick('exclude_list_ids', listData, t('excludeLists'))}
        {pick('exclude_segment_ids', segmentData, t('excludeSegments'))}
      </SimpleGrid>
    </Stack>
  );
}

/** An audience's people per arrondissement. */
export function ZoneCountTable({ byZone }: { byZone: AudienceCount['by_zone'] }) {
  const t = useT(messagingMessages);
  const fmt = useFormat();
  return (
    <>
      {byZone.length > 0 ? (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('zone')}</Table.Th>
              <Table.Th ta="right">{t('count')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {byZone.map((z) => (
              <Table.Tr key={z.zone_id}>
                <Table.Td>{z.name}</Table.Td>
                <Table.Td ta="right">{fmt.number(z.count)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : null}
    </>
  );
}
