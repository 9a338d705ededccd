// Step 2 of the import: what was detected, a preview, and one field select per column.
import { Alert, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { useCustomFieldsQuery } from '../../people/api.ts';
import { IMPORT_FIELDS, type ImportAnalysis } from '../api.ts';
import { fieldNames, importMessages } from '../messages.ts';

export interface MappingProblem {
  key: 'needIdentity' | 'duplicateField';
  fields?: string;
}

/** What prevents this mapping from being used: no identifying column, or two columns on one field. */
export function mappingProblems(mapping: Record<string, string>): MappingProblem[] {
  const used = Object.values(mapping).filter((field) => field && field !== 'ignore');
  const problems: MappingProblem[] = [];
  if (!used.some((f) => ['email', 'phone', 'family_name', 'full_name', 'given_name'].includes(f))) problems.push({ key: 'needIdentity' });
  const repeated = [...new Set(used.filter((f, i) => f !== 'tags' && used.indexOf(f) !== i))];
  if (repeated.length) problems.push({ key: 'duplicateField', fields: repeated.join(', ') });
  return problems;
}

/** A stable key for a column (headers can repeat or be empty; their position cannot). */
function columnKey(header: string, position: number): string {
  return `${position}:${header}`;
}

/** Cell i of a preview row (rows come as arrays or as objects keyed by header). */
function cell(row: string[] | Record<string, unknown>, header: string, index: number): string {
  const value = Array.isArray(row) ? row[index] : row[header];
  return value === null || value === undefined ? '' : String(value);
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
  const field = useLabel(fieldNames);
  const custom = useCustomFieldsQuery();
  const options = [
    { value: 'ignore', label: field('ignore') },
    ...IMPORT_FIELDS.map((f) => ({ value: f, label: field(f) })),
    ...(custom.data ?? []).map((c) => ({ value: `custom:${c.key}`, label: c.label })),
  ];
  const previewRows = analysis.preview.map((row, position) => ({ key: `row-${position}`, row }));
  const delimiter = analysis.delimiter === '\t' ? t('tab') : analysis.delimiter ? `« ${analysis.delimiter} »` : '—';
  return (
    <Stack gap="md">
      <Alert color="indigo" variant="light" data-testid="import-detected">
        <Text size="sm">
          <strong>{analysis.file_name}</strong> —{' '}
          {t('detected', {
            format: analysis.format.toUpperCase(),
            encoding: analysis.encoding,
            delimiter,
            count: analysis.row_count_estimate,
          })}
        </Text>
        <Text size="xs" c="dimmed" mt={4}>
          {analysis.remembered ? t('remembered') : t('suggested')}
        </Text>
      </Alert>
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
                      {analysis.preview
                        .slice(0, 3)
                        .map((row) => cell(row, header, index))
                        .filter(Boolean)
                        .join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Select
                      aria-label={t('mapTo', { column: header })}
                      data={options}
                      value={mapping[header] ?? 'ignore'}
                      onChange={(value) => onChange({ ...mapping, [header]: value ?? 'ignore' })}
                      allowDeselect={false}
                      searchable
                      size="xs"
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
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
                    <Table.Td key={columnKey(header, index)}>{cell(row, header, index)}</Table.Td>
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
