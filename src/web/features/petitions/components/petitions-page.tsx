// /app/petitions: the campaign's petitions with their count against the goal, a new draft, the
// public signup forms (and their embeddable versions), the way to the quarantine.
import { Anchor, Badge, Button, Group, Modal, Paper, Progress, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { idOf, useCreatePetition, usePetitionsQuery } from '../api.ts';
import { petitionsMessages } from '../messages.ts';

export const STATUS_COLOR = { draft: 'gray', open: 'teal', closed: 'dark' } as const;
const FORMS = ['newsletter', 'volunteer', 'popup'] as const;

/** The petitions screen. */
export function PetitionsPage() {
  const t = useT(petitionsMessages);
  const petitions = usePetitionsQuery();
  const create = useCreatePetition();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [title, setTitle] = useState('');
  const [missing, setMissing] = useState(false);
  const submit = () => {
    if (!title.trim()) return setMissing(true);
    create.mutate({ title: title.trim() }, { onSuccess: (p) => navigate(`/petitions/${idOf(p)}`) });
  };
  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Group gap="xs">
            <Button variant="default" component={Link} to="/petitions/quarantaine">
              {t('quarantine')}
            </Button>
            <Button leftSection={<Icon name="plus" />} onClick={() => setCreating(true)}>
              {t('create')}
            </Button>
          </Group>
        }
      />
      <QueryView
        query={petitions}
        isEmpty={(data) => data._embedded['osdi:petitions'].length === 0}
        empty={<EmptyText title={t('empty')} hint={t('emptyHint')} />}
      >
        {(data) => (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('colTitle')}</Table.Th>
                  <Table.Th>{t('colStatus')}</Table.Th>
                  <Table.Th>{t('colSignatures')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data._embedded['osdi:petitions'].map((p) => (
                  <Table.Tr key={idOf(p)}>
                    <Table.Td>
                      <Anchor component={Link} to={`/petitions/${idOf(p)}`} fw={600}>
                        {p.title}
                      </Anchor>
                      {p.target[0] && (
                        <Text size="sm" c="dimmed">
                          {p.target[0].name}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_COLOR[p['relais:status']]} variant="light">
                        {t(`status_${p['relais:status']}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td miw={160}>
                      <Text size="sm">{t('ofGoal', { count: p.total_signatures, goal: p['relais:goal'] })}</Text>
                      <Progress value={Math.min(100, (100 * p.total_signatures) / p['relais:goal'])} aria-hidden />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
      <Paper withBorder p="md" mt="lg">
        <Title order={2} size="h4" mb="xs">
          {t('forms')}
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          {t('formsHint')}
        </Text>
        <Stack gap={4}>
          {FORMS.map((f) => (
            <Group key={f} gap="md">
              <Anchor href={`/inscription/${f}`} target="_blank">
                {t(`form_${f}`)}
              </Anchor>
              <Anchor href={`/embed/inscription/${f}`} target="_blank" size="sm">
                {t('embed')}
              </Anchor>
            </Group>
          ))}
        </Stack>
      </Paper>
      <Modal opened={creating} onClose={() => setCreating(false)} title={t('createTitle')}>
        <Stack>
          {create.isError && <ErrorAlert error={create.error} />}
          <TextInput
            label={t('petitionTitle')}
            value={title}
            maxLength={200}
            error={missing ? t('titleRequired') : undefined}
            onChange={(e) => {
              setTitle(e.currentTarget.value);
              setMissing(false);
            }}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setCreating(false)}>
              {t('cancel')}
            </Button>
            <Button onClick={submit} loading={create.isPending}>
              {t('submitCreate')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
