// Step 2 of the import: what was detected, a preview, and one field select per column.
import { Alert, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { type Label, useLabel, useT } from '../../../i18n/use-t.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import type { ImportAnalysis, ImportFieldOption } from '../api.ts';
import { fieldNames, importMessages } from '../messages.ts';

export interface MappingProblem {
  key: 'needIdentity' | 'duplicateField';
  /** The fields several columns go to (duplicateField). */
  fields?: string[];
}

/**
 * What prevents this mapping from being used, by the rules the server sends with the fields: no
 * column that identifies a person (e-mail or phone), or two columns on a field that takes one.
 */
export function mappingProblems(mapping: Record<string, string>, fields: readonly ImportFieldOption[]): MappingProblem[] {
  const byField = new Map(fields.map((f) => [f.field, f]));
  const used = Object.values(mapping).filter((field) => field && field !== 'ignore');
  const problems: MappingProblem[] = [];
  if (!used.some((f) => byField.get(f)?.identifies)) problems.push({ key: 'needIdentity' });
  const repeated = [...new Set(used.filter((f, i) => !byField.get(f)?.repeatable && used.indexOf(f) !== i))];
  if (repeated.length) problems.push({ key: 'duplicateField', fields: repeated });
  return problems;
}

/** The name of a field in the current language: the custom field's label, or the message of a person field. */
export function fieldLabel(option: ImportFieldOption | undefined, field: string, name: Label): string {
  return option?.label ?? name(field);
}

/** A stable key for a column (headers can repeat or be empty; their position cannot). */
function columnKey(header: string, position: number): string {
  return `${position}:${header}`;
}

/** Cell i of a preview row. */
function cell(row: readonly string[], index: number): string {
  return row[index] ?? '';
}

/** The first non-empty values of a column, as an example of what it holds. */
function examplesOf(analysis: ImportAnalysis, index: number): string {
  return analysis.preview
    .slice(0, 3)
    .map((row) => cell(row, index))
    .filter(Boolean)
    .join(' · ');
}

interface ColumnFieldsProps {
  analysis: ImportAnalysis;
  mapping: Record<string, string>;
  onChange: (mapping: Record<string, string>) => void;
  options: { value: string; label: string }[];
}

/** One field select per column, with the column's first values: a table on a laptop, cards on a phone. */
function ColumnFields({ analysis, mapping, onChange, options }: ColumnFieldsProps) {
  const t = useT(importMessages);
  const phone = useIsPhone();
  const select = (header: string, size: 'xs' | 'sm') => (
    <Select
      aria-label={t('mapTo', { column: header })}
      data={options}
      value={mapping[header] ?? 'ignore'}
      onChange={(value) => onChange({ ...mapping, [header]: value ?? 'ignore' })}
      allowDeselect={false}
      searchable
      size={size}
    />
  );
  if (phone) {
    return (
      <Stack gap="xs">
        {analysis.headers.map((header, index) => (
          <Paper key={columnKey(header, index)} withBorder radius="md" p="sm">
            <Text size="sm" fw={600}>
              {header}
            </Text>
            <Text size="xs" c="dimmed" lineClamp={2} mb={6} style={{ wordBreak: 'break-word' }}>
              {examplesOf(analysis, index) || '—'}
            </Text>
            {select(header, 'sm')}
          </Paper>
        ))}
      </Stack>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('column')}</Table.Th>
              <Table.Th>{t('example')}</Table.Th>
              <Table.Th w={260}>{t('field')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {analysis.headers.map((header, index) => (
              <Table.Tr key={columnKey(header, index)}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {header}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed" lineClamp={2}>
                    {examplesOf(analysis, index)}
                  </Text>
                </Table.Td>
                <Table.Td>{select(header, 'xs')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

interface MappingStepProps {
  analysis: ImportAnalysis;
  mapping: Record<string, string>;
  onChange: (mapping: Record<string, string>) => void;
  problems: MappingProblem[];
}

/** The detected format, then a table: column, first values, field select. */
export function MappingStep({ analysis, mapping, onChange }: MappingStepProps) {
  const t = useT(importMessages);
  const name = useLabel(fieldNames);
  const options = analysis.fields.map((option) => ({ value: option.field, label: fieldLabel(option, option.field, name) }));
  const previewRows = analysis.preview.map((row, position) => ({ key: `row-${position}`, row }));
  const delimiter = analysis.delimiter === '\t' ? t('tab') : analysis.delimiter ? `« ${analysis.delimiter} »` : '—';
  return (
    <Stack gap="md">
      <Alert color="indigo" variant="light" data-testid="import-detected">
        <Text size="sm">
          <strong>{analysis.file_name}</strong> —{' '}
          {analysis.format === 'xlsx'
            ? t('detectedXlsx')
            : t('detected', {
                format: analysis.format.toUpperCase(),
                encoding: analysis.encoding ?? '—',
                delimiter,
                count: analysis.row_count_estimate ?? 0,
              })}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          {analysis.remembered ? t('remembered') : t('suggested')}
        </Text>
      </Alert>
      <ColumnFields analysis={analysis} mapping={mapping} onChange={onChange} options={options} />
      <Title order={2} fz="h5">
        {t('preview')}
      </Title>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={Math.max(560, analysis.headers.length * 130)} mah={360}>
          <Table striped fz="xs" data-testid="import-preview">
            <Table.Thead>
              <Table.Tr>
                {analysis.headers.map((header, index) => (
                  <Table.Th key={columnKey(header, index)}>{header}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {previewRows.map(({ key, row }) => (
                <Table.Tr key={key}>
                  {analysis.headers.map((header, index) => (
                    <Table.Td key={columnKey(header, index)}>{cell(row, index)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
    </Stack>
  );
}
