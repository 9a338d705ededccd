// /app/settings/fields: the custom fields of the person records, in order; create, edit, move, delete.
import { ActionIcon, Badge, Button, Code, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { type CustomField, useDeleteField, useFieldsQuery, useReorderFields } from '../api.ts';
import { settingsMessages } from '../messages.ts';
import { FieldModal, useTypeLabel } from './field-modal.tsx';
import { RowActions } from './row-actions.tsx';

const SHOWN_CHOICES = 4;

/** The fields with their type and choices; the arrows move a field by one place (one request). */
export function FieldsSettings() {
  const t = useT(settingsMessages);
  const fields = useFieldsQuery();
  const reorder = useReorderFields();
  const remove = useDeleteField();
  const [editing, setEditing] = useState<CustomField | 'new' | null>(null);
  const [removing, setRemoving] = useState<CustomField | null>(null);
  const closeRemove = () => {
    setRemoving(null);
    remove.reset();
  };
  const move = (all: CustomField[], index: number, by: -1 | 1) => {
    if (reorder.isPending) return; // one move at a time: each sends the whole order
    const ids = all.map((f) => f.id);
    const [id] = ids.splice(index, 1);
    if (!id) return;
    ids.splice(index + by, 0, id);
    reorder.mutate(ids);
  };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Text size="sm" c="dimmed" style={{ flex: '1 1 20rem' }}>
          {t('fieldsHint')}
        </Text>
        <Button leftSection={<Icon name="plus" />} onClick={() => setEditing('new')}>
          {t('newField')}
        </Button>
      </Group>
      {reorder.isError && <ErrorAlert error={reorder.error} />}
      <QueryView query={fields} isEmpty={(data) => data.length === 0} empty={<Text c="dimmed">{t('fieldsEmpty')}</Text>}>
        {(data) => (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              {t('fieldCount', { count: data.length })}
            </Text>
            <FieldList fields={data} onMove={(index, by) => move(data, index, by)} onEdit={setEditing} onRemove={setRemoving} />
          </Stack>
        )}
      </QueryView>
      {editing && (
        <FieldModal
          key={editing === 'new' ? 'new' : editing.id}
          field={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
        />
      )}
      <ConfirmModal
        opened={removing !== null}
        title={t('deleteField')}
        confirmLabel={t('delete')}
        onClose={closeRemove}
        onConfirm={() => removing && remove.mutate(removing.id, { onSuccess: closeRemove })}
        loading={remove.isPending}
        error={remove.error}
      >
        {removing && t('deleteFieldConfirm', { label: removing.label, key: removing.key })}
      </ConfirmModal>
    </Stack>
  );
}

interface FieldListProps {
  fields: CustomField[];
  onMove: (index: number, by: -1 | 1) => void;
  onEdit: (field: CustomField) => void;
  onRemove: (field: CustomField) => void;
}

function FieldList({ fields, onMove, onEdit, onRemove }: FieldListProps) {
  const t = useT(settingsMessages);
  const typeLabel = useTypeLabel();
  const phone = useIsPhone();
  const arrows = (field: CustomField, index: number) => (
    <Group gap={2} wrap="nowrap">
      <ActionIcon
        variant="subtle"
        color="gray"
        style={index === 0 ? { visibility: 'hidden' } : undefined}
        onClick={() => onMove(index, -1)}
        aria-label={t('moveUp', { label: field.label })}
        title={t('moveUp', { label: field.label })}
      >
        <Icon name="arrowUp" size={16} />
      </ActionIcon>
      <ActionIcon
        variant="subtle"
        color="gray"
        style={index === fields.length - 1 ? { visibility: 'hidden' } : undefined}
        onClick={() => onMove(index, 1)}
        aria-label={t('moveDown', { label: field.label })}
        title={t('moveDown', { label: field.label })}
      >
        <Icon name="arrowDown" size={16} />
      </ActionIcon>
    </Group>
  );
  const choices = (field: CustomField) =>
    field.type === 'choice' ? (
      <Group gap={4}>
        {field.choices.slice(0, SHOWN_CHOICES).map((choice) => (
          <Badge key={choice} variant="outline" color="gray" size="sm" style={{ textTransform: 'none', maxWidth: '100%' }}>
            {choice}
          </Badge>
        ))}
        {field.choices.length > SHOWN_CHOICES && (
          <Text size="xs" c="dimmed">
            +{field.choices.length - SHOWN_CHOICES}
          </Text>
        )}
      </Group>
    ) : null;
  const actions = (field: CustomField) => <RowActions name={field.label} onEdit={() => onEdit(field)} onRemove={() => onRemove(field)} />;

  if (phone) {
    return (
      <Stack gap="xs">
        {fields.map((field, index) => (
          <Paper key={field.id} withBorder radius="md" p="sm" data-testid="field-row">
            <Stack gap={6}>
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <div style={{ minWidth: 0 }}>
                  <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
                    {field.label}
                  </Text>
                  <Code>{field.key}</Code>
                </div>
                {arrows(field, index)}
              </Group>
              <Text size="sm">{typeLabel(field.type)}</Text>
              {choices(field)}
              {actions(field)}
            </Stack>
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={720} type="native">
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={80}>{t('colOrder')}</Table.Th>
              <Table.Th>{t('colLabel')}</Table.Th>
              <Table.Th>{t('colKey')}</Table.Th>
              <Table.Th>{t('colType')}</Table.Th>
              <Table.Th>{t('colChoices')}</Table.Th>
              <Table.Th>{t('colActions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {fields.map((field, index) => (
              <Table.Tr key={field.id} data-testid="field-row">
                <Table.Td>{arrows(field, index)}</Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {field.label}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code>{field.key}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{typeLabel(field.type)}</Text>
                </Table.Td>
                <Table.Td maw={320}>{choices(field)}</Table.Td>
                <Table.Td>{actions(field)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
