// /app/people: search as you type, filters, sortable virtualised list, multi-select with bulk actions.
import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyState, LoadingState } from '../../../ui/query-view.tsx';
import { useSegmentQuery, useSegmentsQuery } from '../../segments/api.ts';
import { useCan } from '../../session/session-context.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import { itemsOf, type PeopleFilters, type Person, STAGES, type Stage, useListsQuery, usePeoplePage, useTagsQuery } from '../api.ts';
import { downloadFile } from '../download.ts';
import { entryMessages } from '../entry-messages.ts';
import { peopleMessages } from '../messages.ts';
import { BulkBar } from './bulk-bar.tsx';
import { PeopleTable } from './people-table.tsx';
import { useStageLabel } from './stage.tsx';

const FILTER_KEYS = ['stage', 'zone_id', 'tag_id', 'list_id', 'segment_id'] as const;

/** The people list with its search box, filters, total, selection and bulk actions. */
export function PeoplePage() {
  const t = useT(peopleMessages);
  const te = useT(entryMessages);
  const fmt = useFormat();
  const canWrite = useCan('people.write');
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [debouncedQ] = useDebouncedValue(q, 250);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);

  const filters: PeopleFilters = useMemo(
    () => ({
      q: params.get('q') ?? '',
      stage: (params.get('stage') as Stage | null) ?? null,
      zone_id: params.get('zone_id'),
      tag_id: params.get('tag_id'),
      list_id: params.get('list_id'),
      segment_id: params.get('segment_id'),
      // A search lists the best matches first (relevance) unless a sort was picked; else by name.
      sort: params.get('sort') ?? (params.get('q') ? '' : 'family_name'),
    }),
    [params],
  );

  const setParam = (key: string, value: string | null) => {
    setParams(
      (old) => {
        const next = new URLSearchParams(old);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  };
  // The search box writes its debounced value into the address, which drives the query.
  // biome-ignore lint/correctness/useExhaustiveDependencies: setParam is rebuilt each render; the value is what matters.
  useEffect(() => {
    if (debouncedQ !== (params.get('q') ?? '')) setParam('q', debouncedQ.trim() || null);
  }, [debouncedQ]);
  // A new filter is a new set of people: the selection does not carry over.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on every change of the filters.
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [filters]);

  const first = usePeoplePage(filters, 1);
  const total = first.data?.total_records ?? 0;
  const firstPage = useMemo(() => itemsOf<Person>(first.data), [first.data]);
  const filtered = Boolean(filters.q || FILTER_KEYS.some((key) => params.get(key)));

  const toggle = (id: string) =>
    setSelected((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // "Everybody in the filter" is sent as a segment, which cannot express the free-text search; a
  // saved segment chosen as a filter goes in as its definition.
  const savedSegment = useSegmentQuery(filters.segment_id ?? undefined);
  const segment = useMemo(() => {
    const children: unknown[] = [];
    if (filters.segment_id && savedSegment.data) children.push(savedSegment.data.definition);
    if (filters.stage) children.push({ field: 'ladder_stage', cmp: 'in', value: [filters.stage] });
    if (filters.zone_id) children.push({ field: 'zone', cmp: 'in', value: [filters.zone_id] });
    if (filters.tag_id) children.push({ field: 'tag', cmp: 'has', value: filters.tag_id });
    if (filters.list_id) children.push({ field: 'list', cmp: 'member', value: filters.list_id });
    return { op: 'and', children };
  }, [filters, savedSegment.data]);
  const canExport = useCan('people.export');
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  const onExport = async () => {
    setExporting(true);
    setExportError(null);
    const query = new URLSearchParams();
    if (filters.q.trim()) query.set('q', filters.q.trim());
    for (const key of FILTER_KEYS) if (filters[key]) query.set(key, filters[key] as string);
    try {
      await downloadFile(`/api/v1/people/export.csv?${query}`, 'contacts.csv');
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(false);
    }
  };
  const selectionCount = allMatching ? total : selected.size;

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          (canWrite || canExport) && (
            <>
              {canExport && (
                <Button
                  variant="default"
                  onClick={() => void onExport()}
                  loading={exporting}
                  disabled={total === 0}
                  aria-label={t('exportListLabel', { count: fmt.number(total) })}
                >
                  {t('exportList')}
                </Button>
              )}
              {canWrite && (
                <Button component={Link} to="/people/duplicates" variant="default">
                  {t('duplicates')}
                </Button>
              )}
              {canWrite && (
                <Button component={Link} to="/people/import" variant="default">
                  {t('import')}
                </Button>
              )}
              {canWrite && (
                <Button component={Link} to="/people/new" leftSection={<Icon name="plus" />}>
                  {te('addPerson')}
                </Button>
              )}
            </>
          )
        }
      />
      <Stack gap="sm">
        {exportError ? <ErrorAlert error={exportError} /> : null}
        <Filters
          q={q}
          onQ={setQ}
          filters={filters}
          setParam={setParam}
          onReset={() => {
            setQ('');
            const sort = params.get('sort');
            setParams(new URLSearchParams(sort ? { sort } : {}), { replace: true });
          }}
          filtered={filtered}
        />
        <Group justify="space-between" gap="xs" mih={30}>
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="people-total">
            {first.data
              ? first.data.total_is_lower_bound
                ? t('totalAtLeast', { count: fmt.number(total) })
                : t('total', { count: total })
              : ' '}
          </Text>
          {canWrite && selected.size > 0 && !allMatching && !filters.q && total > selected.size && (
            <Button size="compact-sm" variant="subtle" onClick={() => setAllMatching(true)}>
              {t('selectAllMatching', { count: fmt.number(total) })}
            </Button>
          )}
        </Group>
        {canWrite && selectionCount > 0 && (
          <BulkBar
            count={selectionCount}
            allMatching={allMatching}
            target={allMatching ? { segment } : { person_ids: [...selected] }}
            onClear={() => {
              setSelected(new Set());
              setAllMatching(false);
            }}
          />
        )}
        {first.isPending ? (
          <LoadingState />
        ) : first.isError ? (
          <ErrorAlert error={first.error} onRetry={() => void first.refetch()} />
        ) : total === 0 ? (
          <EmptyState>
            <Text c="dimmed">{filtered ? t('empty') : t('emptyBase')}</Text>
          </EmptyState>
        ) : (
          <PeopleTable
            filters={filters}
            total={total}
            firstPage={firstPage}
            selected={selected}
            allMatching={allMatching}
            onToggle={toggle}
            onSort={(sort) => setParam('sort', sort === 'family_name' && !filters.q ? null : sort)}
          />
        )}
        {allMatching && (
          <Alert variant="light" color="indigo">
            {t('allMatchingSelected', { count: fmt.number(total) })}
          </Alert>
        )}
      </Stack>
    </>
  );
}

interface FiltersProps {
  q: string;
  onQ: (q: string) => void;
  filters: PeopleFilters;
  setParam: (key: string, value: string | null) => void;
  onReset: () => void;
  filtered: boolean;
}

function Filters({ q, onQ, filters, setParam, onReset, filtered }: FiltersProps) {
  const t = useT(peopleMessages);
  const stageLabel = useStageLabel();
  const zones = useZonesQuery('arrondissement');
  const tags = useTagsQuery();
  const lists = useListsQuery();
  const segments = useSegmentsQuery();
  const zoneOptions = (zones.data?._embedded.zones ?? []).map((z) => ({ value: z.id, label: z.name }));
  return (
    <Paper withBorder radius="md" p="sm">
      <Stack gap="xs">
        <TextInput
          type="search"
          label={t('search')}
          placeholder={t('searchPlaceholder')}
          value={q}
          onChange={(event) => onQ(event.currentTarget.value)}
          leftSection={<SearchGlyph />}
          data-autofocus
        />
        <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="xs">
          <Select
            label={t('filterStage')}
            placeholder={t('anyValue')}
            clearable
            data={STAGES.map((s) => ({ value: s, label: stageLabel(s) }))}
            value={filters.stage}
            onChange={(value) => setParam('stage', value)}
          />
          <Select
            label={t('filterZone')}
            placeholder={t('anyValue')}
            clearable
            searchable
            data={zoneOptions}
            value={filters.zone_id}
            onChange={(value) => setParam('zone_id', value)}
          />
          <Select
            label={t('filterTag')}
            placeholder={t('anyValue')}
            clearable
            searchable
            data={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
            value={filters.tag_id}
            onChange={(value) => setParam('tag_id', value)}
          />
          <Select
            label={t('filterList')}
            placeholder={t('anyValue')}
            clearable
            searchable
            data={(lists.data ?? []).map((list) => ({ value: list.id, label: list.name }))}
            value={filters.list_id}
            onChange={(value) => setParam('list_id', value)}
          />
          <Select
            label={t('filterSegment')}
            placeholder={t('anyValue')}
            clearable
            searchable
            data={(segments.data ?? []).map((segment) => ({ value: segment.id, label: segment.name }))}
            value={filters.segment_id}
            onChange={(value) => setParam('segment_id', value)}
          />
        </SimpleGrid>
        {filtered && (
          <Group justify="flex-end">
            <Button size="compact-sm" variant="subtle" onClick={onReset}>
              {t('resetFilters')}
            </Button>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}

function SearchGlyph() {
  return (
    <svg
      aria-hidden="true"
      width={16}
      height={16}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
    >
      <circle cx="10" cy="10" r="7" />
      <path d="M21 21l-6 -6" />
    </svg>
  );
}
