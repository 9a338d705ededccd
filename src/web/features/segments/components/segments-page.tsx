// /app/segments: the saved segments, and the button to build a new one.
import { Anchor, Button, Paper, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { useCan } from '../../session/session-context.tsx';
import { useSegmentsQuery } from '../api.ts';
import { segmentMessages } from '../messages.ts';

/** Lists segments by name with their last change. */
export function SegmentsPage() {
  const t = useT(segmentMessages);
  const fmt = useFormat();
  const phone = useIsPhone();
  const canWrite = useCan('people.write');
  const segments = useSegmentsQuery();
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          canWrite && (
            <Button component={Link} to="/segments/new" leftSection={<Icon name="plus" />}>
              {t('new')}
            </Button>
          )
        }
      />
      <QueryView query={segments} isEmpty={(list) => list.length === 0} empty={<Text c="dimmed">{t('empty')}</Text>}>
        {(list) =>
          phone ? (
            <Stack gap="xs">
              {list.map((segment) => (
                <Paper key={segment.id} withBorder radius="md" p="sm">
                  <Anchor component={Link} to={`/segments/${segment.id}`} fw={500}>
                    {segment.name}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {fmt.dateTime(segment.updated_at ?? segment.created_at)}
                  </Text>
                </Paper>
              ))}
            </Stack>
          ) : (
            <Paper withBorder radius="md">
              <Table highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('colName')}</Table.Th>
                    <Table.Th>{t('colUpdated')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((segment) => (
                    <Table.Tr key={segment.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/segments/${segment.id}`} fw={500}>
                          {segment.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>{fmt.dateTime(segment.updated_at ?? segment.created_at)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>
          )
        }
      </QueryView>
    </>
  );
}
