// The development outbox: e-mails kept by the server when no SMTP relay is configured.
import { useQuery } from '@tanstack/react-query';
import type { OutboxSchema } from '../../../server/modules/system/system.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type OutboxResponse = Shape<typeof OutboxSchema>;
export type OutboxMessage = OutboxResponse['_embedded']['messages'][number];

/** The captured e-mails (and whether the outbox is in use at all); refreshed every few seconds. */
export function useOutboxQuery(options: { enabled?: boolean; poll?: boolean } = {}) {
  return useQuery({
    queryKey: ['dev_outbox'],
    queryFn: ({ signal }) => api.get<OutboxResponse>('/api/v1/dev_outbox', undefined, signal),
    enabled: options.enabled ?? true,
    refetchInterval: options.poll ? 5000 : false,
  });
}
