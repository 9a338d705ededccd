// The people list, virtualised: only the visible rows are in the DOM and only their pages are fetched.
// A table with sortable headers on desktop, a list of cards on phones.
import { Anchor, Checkbox, Group, Paper, Skeleton, Stack, Text, UnstyledButton } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import { Link } from 'react-router';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import { displayName, itemsOf, PAGE_SIZE, type PeopleFilters, type Person, peoplePageQuery, primaryEmail, primaryPhone } from '../api.ts';
import { peopleMessages } from '../messages.ts';
import '../people.css';
import { StageBadge } from './stage.tsx';

interface PeopleTableProps {
  filters: PeopleFilters;
  total: number;
  firstPage: Person[];
  selected: ReadonlySet<string>;
  allMatching: boolean;
  onToggle: (id: string) => void;
  onSort: (sort: string) => void;
}

const COLUMNS = '40px minmax(160px, 1.3fr) minmax(180px, 1.4fr) 140px 110px minmax(110px, 1fr) 104px';

/** Renders `total` rows in a scrolling box; the rows scrolled into view load their page of 100. */
export function PeopleTable(props: PeopleTableProps) {
  const phone = useIsPhone();
  // Cards and rows differ in height: a fresh virtualiser for each layout.
  return <VirtualPeople key={phone ? 'cards' : 'table'} phone={phone} {...props} />;
}

function VirtualPeople({
  phone,
  filters,
  total,
  firstPage,
  selected,
  allMatching,
  onToggle,
  onSort,
}: PeopleTableProps & { phone: boolean }) {
  const t = useT(peopleMessages);
  const fmt = useFormat();
  const scroller = useRef<HTMLDivElement>(null);
  const rowHeight = phone ? 112 : 52;
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items[items.length - 1]?.index ?? 0;
  const pages = useMemo(() => {
    const list: number[] = [];
    for (let p = Math.floor(firstIndex / PAGE_SIZE) + 1; p <= Math.floor(lastIndex / PAGE_SIZE) + 1; p += 1) if (p > 1) list.push(p);
    return list;
  }, [firstIndex, lastIndex]);
  const pageQueries = useQueries({ queries: pages.map((page) => peoplePageQuery(filters, page)) });
  const rowAt = (index: number): Person | undefined => {
    const page = Math.floor(index / PAGE_SIZE) + 1;
    if (page === 1) return firstPage[index];
    const query = pageQueries[pages.indexOf(page)];
    return query?.data ? itemsOf<Person>(query.data)[index % PAGE_SIZE] : undefined;
  };

  const [sortField, descending] = filters.sort.startsWith('-') ? [filters.sort.slice(1), true] : [filters.sort, false];
  const header = (label: string, field?: string) => {
    if (!field) return <th>{label}</th>;
    const active = sortField === field;
    const next = active && !descending ? `-${field}` : field;
    return (
      <th aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
        <UnstyledButton onClick={() => onSort(next)} aria-label={t('sortBy', { column: label })} fw={600} fz="sm">
          {label} {active ? descending ? '↓' : '↑' : <span style={{ opacity: 0.35 }}>↕</span>}
        </UnstyledButton>
      </th>
    );
  };

  const check = (person: Person) => (
    <Checkbox
      aria-label={t('selectRow', { name: displayName(person) })}
      checked={allMatching || selected.has(person.id)}
      disabled={allMatching}
      onChange={() => onToggle(person.id)}
    />
  );
  const zoneOf = (person: Person) =>
    person.zones?.find((z) => z.layer === 'arrondissement')?.name ?? person.zones?.[0]?.name ?? t('noZone');
  const name = (person: Person) => (
    <Anchor component={Link} to={`/people/${person.id}`} fw={500} size="sm" truncate="end">
      {displayName(person)}
    </Anchor>
  );
  const placement = (start: number, size: number) =>
    ({ position: 'absolute', top: 0, left: 0, right: 0, height: size, transform: `translateY(${start}px)` }) as const;

  if (phone) {
    return (
      <div ref={scroller} className="relais-people-scroll" data-testid="people-scroll">
        <ul className="relais-people-cards" style={{ height: virtualizer.getTotalSize() }} aria-label={t('title')}>
          {items.map((item) => {
            const person = rowAt(item.index);
            return (
              <li key={item.key} style={placement(item.start, item.size)}>
                {person ? (
                  <Paper withBorder radius="md" p="sm" mx={2} data-testid="person-row" data-person-id={person.id}>
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      {check(person)}
                      <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                        <Group justify="space-between" wrap="nowrap" gap="xs">
                          {name(person)}
                          <StageBadge stage={person.ladder_stage} />
                        </Group>
                        <Text size="xs" c="dimmed" truncate>
                          {primaryEmail(person) || primaryPhone(person) || '—'}
                        </Text>
                        <Text size="xs" c="dimmed" truncate>
                          {zoneOf(person)}
                          {person.tags?.length ? ` · ${person.tags.map((tag) => tag.name).join(', ')}` : ''}
                        </Text>
                      </Stack>
                    </Group>
                  </Paper>
                ) : (
                  <Skeleton height={item.size - 12} radius="md" aria-busy="true" />
                )}
              </li>
            );
          })}
        </ul>
      </div>
    );
  }

  return (
    <Paper withBorder radius="md">
      <div ref={scroller} className="relais-people-scroll" data-testid="people-scroll">
        <table className="relais-people-table" aria-rowcount={total + 1} aria-label={t('title')}>
          <thead>
            <tr className="relais-people-row relais-people-head" style={{ gridTemplateColumns: COLUMNS }}>
              <th>
                <span className="relais-visually-hidden">{t('colSelect')}</span>
              </th>
              {header(t('colName'), 'family_name')}
              {header(t('colEmail'))}
              {header(t('colPhone'))}
              {header(t('colStage'), 'ladder_stage')}
              {header(t('colZone'))}
              {header(t('colCreated'), 'created_date')}
            </tr>
          </thead>
          <tbody style={{ height: virtualizer.getTotalSize() }}>
            {items.map((item) => {
              const person = rowAt(item.index);
              return (
                <tr
                  key={item.key}
                  aria-rowindex={item.index + 2}
                  className="relais-people-row"
                  style={{ ...placement(item.start, item.size), gridTemplateColumns: COLUMNS }}
                  data-testid={person ? 'person-row' : undefined}
                  data-person-id={person?.id}
                >
                  {person ? (
                    <>
                      <td>{check(person)}</td>
                      <td>{name(person)}</td>
                      <td>
                        <Text size="sm" truncate>
                          {primaryEmail(person) || '—'}
                        </Text>
                      </td>
                      <td>
                        <Text size="sm" truncate>
                          {primaryPhone(person) || '—'}
                        </Text>
                      </td>
                      <td>
                        <StageBadge stage={person.ladder_stage} />
                      </td>
                      <td>
                        <Text size="sm" truncate>
                          {zoneOf(person)}
                        </Text>
                      </td>
                      <td>
                        <Text size="sm">{fmt.date(person.created_date)}</Text>
                      </td>
                    </>
                  ) : (
                    <td aria-busy="true" style={{ gridColumn: '1 / -1' }}>
                      <Skeleton height={18} radius="sm" />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Paper>
  );
}
