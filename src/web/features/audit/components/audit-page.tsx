// /app/audit: the paginated audit log, filterable by action, with expandable details.
import { Group, Pagination, Select, Stack, Text } from '@mantine/core';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useLabel, useT } from '../../../i18n/use-t.ts';
import { uiMessages } from '../../../ui/messages.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { QueryView } from '../../../ui/query-view.tsx';
import { useAuditQuery } from '../api.ts';
import { auditActionLabels, auditMessages, FILTERABLE_ACTIONS, FILTERABLE_FAMILIES } from '../messages.ts';
import { AuditList } from './audit-list.tsx';

/** Translated label of an audit action (every action the server writes has one: see describe-event.test.ts). */
export function useActionLabel(): (action: string) => string {
  const label = useLabel(auditActionLabels);
  return useCallback((action: string) => label(action, label('export')), [label]);
}

/** Page and filter live in the URL (?page=&action=) so the view can be shared and reloaded. */
export function AuditPage() {
  const t = useT(auditMessages);
  const ui = useT(uiMessages);
  const actionLabel = useActionLabel();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const action = params.get('action');
  const audit = useAuditQuery(page, action);

  const options = useMemo(
    () => [
      { group: t('groupFamilies'), items: FILTERABLE_FAMILIES.map((f) => ({ value: f.prefix, label: t(f.label) })) },
      { group: t('groupActions'), items: FILTERABLE_ACTIONS.map((a) => ({ value: a, label: actionLabel(a) })) },
    ],
    [actionLabel, t],
  );
  const setFilter = (next: string | null) => {
    setParams(next ? { action: next } : {});
  };
  const setPage = (next: number) => {
    setParams(action ? { action, page: String(next) } : { page: String(next) });
  };

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Stack>
        <Group justify="space-between" align="flex-end">
          <Select
            label={t('filterAction')}
            placeholder={t('filterPlaceholder')}
            data={options}
            value={action}
            onChange={setFilter}
            clearable
            w={{ base: '100%', xs: 320 }}
          />
          {audit.data && (
            <Text size="sm" c="dimmed">
              {t('total', { count: audit.data.total_records })}
            </Text>
          )}
        </Group>
        <QueryView
          query={audit}
          isEmpty={(data) => data._embedded.audit_events.length === 0}
          empty={<Text c="dimmed">{action ? t('emptyFiltered') : t('empty')}</Text>}
        >
          {(data) => (
            <Stack>
              <div style={{ opacity: audit.isPlaceholderData ? 0.6 : 1 }}>
                <AuditList events={data._embedded.audit_events} actionLabel={actionLabel} />
              </div>
              {(data.total_pages ?? 1) > 1 && (
                <Group justify="center">
                  <Pagination
                    total={data.total_pages ?? 1}
                    value={page}
                    onChange={setPage}
                    siblings={1}
                    boundaries={1}
                    aria-label={t('pagination')}
                    getControlProps={(control) => ({
                      'aria-label': control === 'previous' ? ui('previous') : control === 'next' ? ui('next') : undefined,
                    })}
                  />
                </Group>
              )}
            </Stack>
          )}
        </QueryView>
      </Stack>
    </>
  );
}
