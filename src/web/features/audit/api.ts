// The audit log: who did what, when, from where.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AuditEventSchema } from '../../../server/modules/audit/audit.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type AuditEvent = Shape<typeof AuditEventSchema>;
export type AuditPage = Page<'audit_events', typeof AuditEventSchema>;

export const AUDIT_PAGE_SIZE = 50;

/** One page of audit events, optionally filtered by action; the previous page stays shown while loading. */
export function useAuditQuery(page: number, action: string | null) {
  return useQuery({
    queryKey: ['audit_events', page, action],
    queryFn: ({ signal }) => api.get<AuditPage>('/api/v1/audit_events', { page, per_page: AUDIT_PAGE_SIZE, action }, signal),
    placeholderData: keepPreviousData,
  });
}
