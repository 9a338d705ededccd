// The audit log: who did what, when, from where.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface AuditEvent {
  id: string;
  at: string;
  action: string;
  actor_label: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  page: number;
  per_page: number;
  total_pages: number;
  total_records: number;
  _embedded: { audit_events: AuditEvent[] };
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of audit events, optionally filtered by action; the previous page stays shown while loading. */
export function useAuditQuery(page: number, action: string | null) {
  return useQuery({
    queryKey: ['audit_events', page, action],
    queryFn: ({ signal }) => api.get<AuditPage>('/api/v1/audit_events', { page, per_page: AUDIT_PAGE_SIZE, action }, signal),
    placeholderData: keepPreviousData,
  });
}
